using ParamLens.Graph;
using ParamLens.Layers;
using ParamLens.Shapes;

namespace ParamLens.Printed;

/// <summary>What the inference sees of one printed row: its shapes, its count, and the shapes of the tensors it was called on.</summary>
/// <param name="Inputs">The input shapes (from "Connected to" or the previous row); null when the table does not say.</param>
public sealed record RowContext(PrintedRow Row, IReadOnlyList<Shape>? Inputs, bool Keras3)
{
    public long P => Row.Params;

    /// <summary>A Keras 3 table does not say its minor version: its rows are read under 3.14, which has every Keras 3
    /// feature the declarations know (batch renormalization came in 3.14).</summary>
    private static readonly KerasVersion NewestKeras3 = KerasVersion.Parse("3.14.0");

    /// <summary>The row as a declaration reads it, under the newest Keras of the table's era.</summary>
    public PrintedLayer Layer => new(Row.ClassName ?? Row.ClassText, Row.Params, Row.OutputShapes, Inputs,
        Keras3 ? NewestKeras3 : KerasVersion.Keras2);
}

/// <summary>
/// A printed row solved through the declaration of its class: a weightless class (<see cref="LayerDeclaration.IsWeightless"/>)
/// fits only a count of 0; a class whose declaration is an <see cref="IPrintedInference"/> solves its count for its
/// hyperparameters; any other class's count is taken as printed.
/// </summary>
public static class InferenceRules
{
    /// <summary>tf.keras op layers, which record tensor operations (not catalog classes) and never have weights.</summary>
    private static readonly string[] OperationClasses = ["TFOpLambda", "SlicingOpLambda"];

    /// <summary>Classes a row can show besides the catalog's.</summary>
    public static IEnumerable<string> OperationClassNames => OperationClasses;

    public static bool IsWeightless(string? className) =>
        className is not null && (OperationClasses.Contains(className) || LayerCatalog.Find(className) is { IsWeightless: true });

    /// <summary>Whether rows of the class are checked or solved, rather than taken as printed.</summary>
    public static bool Solves(string? className) => IsWeightless(className) || (className is not null && LayerCatalog.Find(className) is IPrintedInference);

    /// <summary>The row solved by its class, or null when its class has no inference.</summary>
    public static RowInference? Infer(RowContext context)
    {
        var className = context.Row.ClassName;
        if (IsWeightless(className))
            return context.P == 0
                ? new RowInference([], Remark: "no weights: this layer only moves, selects or combines values")
                : RowInference.Inconsistent($"{className} has no weights, but the row shows {LayerConfig.Number(context.P)} parameters");
        return className is not null && LayerCatalog.Find(className) is IPrintedInference declaration ? declaration.Infer(context.Layer) : null;
    }
}
