using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>A layer class the catalog does not declare (a custom class, or one newer than this tool). It never guesses: its
/// output shape comes only from an <c>output_shape</c> written in its config (else it is unknown), and its weights are
/// unknown until a file that stores the model's weights settles them; its notes say so.</summary>
public sealed class UnknownLayerDeclaration(string className) : LayerDeclaration(className, PositionalOrder.None)
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        return ConfiguredOutput.Shapes(call) ?? call.UnknownOutput($"the output shape of '{ClassName}' cannot be derived: " +
            "its class is Python code that is not run here, and its config has no 'output_shape' given as dimensions");
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call) =>
        call.UnknownWeights($"'{ClassName}' is not a Keras layer class known here (a custom or newer class), so the weights it builds cannot be derived");
}
