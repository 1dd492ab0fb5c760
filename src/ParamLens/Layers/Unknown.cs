using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>A layer class the catalog does not declare (a custom class, or one newer than this tool). It never guesses: its
/// output shape comes only from an <c>output_shape</c> written in its config, it declares no weights, and its notes say so.</summary>
public sealed class UnknownLayerDeclaration(string className) : LayerDeclaration(className)
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var shapes = ConfiguredOutput.Shapes(call)
            ?? throw new ModelException($"'{ClassName}' is not a Keras layer class known here (a custom or newer class), and its config " +
                "has no 'output_shape' given as dimensions, so its output shape cannot be derived");
        call.Note($"'{ClassName}' is not a Keras layer class known here (a custom or newer class): its output shape is taken from its config, " +
            "and its weights are unknown, so it declares none (it shows 0 parameters unless a weights file lists them)");
        return shapes;
    }
}
