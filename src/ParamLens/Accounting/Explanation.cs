using ParamLens.Graph;
using ParamLens.Layers;
using ParamLens.Shapes;

namespace ParamLens.Accounting;

/// <summary>One weight explained: shape, count as a product, trainable or not, and why.</summary>
public sealed record WeightExplanation(string Name, Shape Shape, long Count, bool Trainable, string Formula, string Reason, string DType);

/// <summary>One layer explained: how its output shape follows from its inputs and config, and where its parameters come from.</summary>
public sealed record LayerExplanation(
    string Name,
    string ClassName,
    string? Detail,
    IReadOnlyList<Shape> InputShapes,
    IReadOnlyList<Shape> OutputShapes,
    IReadOnlyList<string> ShapeNotes,
    IReadOnlyList<string> Inbound,
    IReadOnlyList<WeightExplanation> Weights,
    long Params,
    long TrainableParams,
    long NonTrainableParams,
    string? CountFormula,
    int Uses,
    IReadOnlyList<LayerExplanation> Children);

/// <summary>
/// The whole explanation of a model's numbers, independent of how it is printed: per-layer derivations, the sources of the
/// non-trainable parameters, and the reconciliation of the rows with the totals.
/// </summary>
public sealed record Explanation(
    string ModelName,
    string ModelClass,
    string KerasVersion,
    IReadOnlyList<LayerExplanation> Layers,
    long TotalParams,
    long TrainableParams,
    long NonTrainableParams,
    double TotalBytes,
    IReadOnlyList<(string Layer, WeightExplanation Weight)> NonTrainableSources,
    IReadOnlyList<string> FrozenLayers,
    string RowsEquation,
    string? RowsDifference,
    long? OptimizerParams = null)
{
    public static Explanation Of(ModelAccount account)
    {
        var model = account.Model;
        var layers = account.Layers.Select(r => Layer(r, model)).ToArray();
        var sources = account.NonTrainableSources.Select(w => (w.Weight.Owner.Name, Weight(w))).ToArray();
        var frozen = account.Weights.Where(w => w.FrozenBy is not null).Select(w => w.FrozenBy!.Name).Distinct().ToArray();

        var nonZero = account.Layers.Where(r => r.Params > 0).ToArray();
        var rowSum = Checked.Sum(account.Layers.Select(r => r.Params));
        var equation = nonZero.Length == 0 ? "0" : string.Join(" + ", nonZero.Select(r => LayerConfig.Number(r.Params))) + " = " + LayerConfig.Number(rowSum);
        string? difference = null;
        if (rowSum != account.TotalParams)
        {
            var repeated = account.Layers.SelectMany(r => r.Weights.Select(w => (Row: r.Layer.Name, w)))
                .GroupBy(p => p.w.Weight, ReferenceEqualityComparer.Instance)
                .Where(g => g.Count() > 1)
                .Select(g => $"{((Weight)g.Key!).Owner.Name}.{((Weight)g.Key!).Name} ({LayerConfig.Number(((Weight)g.Key!).Count)}) appears under {string.Join(" and ", g.Select(p => p.Row))}")
                .ToArray();
            var causes = new List<string>();
            if (repeated.Length > 0) causes.Add("a weight reached through several rows counts once: " + string.Join("; ", repeated));
            if (model.OwnWeights.Count > 0) // a subclassed model's add_weight variables belong to no layer row
                causes.Add($"the model's own weights are in no row: {string.Join(", ", model.OwnWeights.Select(w => $"{w.Name} ({LayerConfig.Number(w.Count)})"))}");
            difference = $"the rows add up to {LayerConfig.Number(rowSum)}, but {string.Join(", and ", causes)}";
        }
        return new Explanation(model.Name, model.ClassName, model.Version.Text, layers, account.TotalParams, account.TrainableParams,
            account.NonTrainableParams, account.TotalBytes, sources, frozen, equation, difference, account.Optimizer?.Count);
    }

    private static LayerExplanation Layer(LayerAccount row, Model parent)
    {
        var layer = row.Layer;
        var node = layer.InboundNodes.LastOrDefault(parent.Contains) ?? layer.InboundNodes.LastOrDefault();
        var inputs = node?.Inputs.Select(t => t.Shape).ToArray() ?? [];
        var outputs = node?.Outputs.Select(t => t.Shape).ToArray() ?? [];
        var notes = new List<string>(node?.Call?.Notes ?? []);
        if (layer.BuildCall is { } build && node?.Call != build)
            notes.AddRange(build.Notes.Where(n => !notes.Contains(n))); // notes made while building the weights
        var weights = row.Weights.Select(Weight).ToArray();
        string? formula = null;
        if (layer.Declaration is { } d && layer.BuildCall is { } b && weights.Length > 0)
            formula = d.CountFormula(b, layer.OwnWeights.Select(w => w.Spec).ToArray());
        var inbound = layer.InboundNodes.Where(parent.Contains)
            .SelectMany(n => n.Inputs.Select(t => $"{t.Node.Layer.Name}[{t.Node.Index}][{t.Index}]")).ToArray();
        var children = layer is Model nested ? row.Children.Select(c => Layer(c, nested)).ToArray() : [];
        return new LayerExplanation(layer.Name, layer.ClassName, layer.Config is { } c ? layer.Declaration?.Detail(c) : null,
            inputs, outputs, notes, inbound, weights, row.Params, row.TrainableParams, row.NonTrainableParams, formula, row.Uses, children);
    }

    private static WeightExplanation Weight(WeightAccount w) =>
        new(w.Weight.Name, w.Weight.Shape, w.Count, w.Trainable, w.Weight.Spec.Formula, w.Reason, w.Weight.DType);
}
