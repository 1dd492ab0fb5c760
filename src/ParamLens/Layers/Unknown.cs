using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>A layer class the catalog does not declare (a custom class, or one newer than this tool). It never guesses: its
/// output shape comes only from an <c>output_shape</c> written in its config (else it is unknown), and its weights are
/// unknown until a weights file settles them; its notes say so.</summary>
public sealed class UnknownLayerDeclaration(string className) : LayerDeclaration(className)
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        call.Note($"'{ClassName}' is not a Keras layer class known here (a custom or newer class)");
        return ConfiguredOutput.Shapes(call) ?? call.UnknownOutput($"the output shape of '{ClassName}' cannot be derived: " +
            "its class is Python code that is not run here, and its config has no 'output_shape' given as dimensions");
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call) =>
        call.UnknownWeights($"the weights '{ClassName}' builds cannot be derived");
}
