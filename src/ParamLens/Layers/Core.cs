using System.Text.Json.Nodes;
using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>Keras <c>InputLayer</c>: declares the model's input shape; no weights.</summary>
public sealed class InputLayerDeclaration() : LayerDeclaration("InputLayer",
    ConfigKey.Opt("batch_shape", null), ConfigKey.Opt("batch_input_shape", null), ConfigKey.Opt("sparse", false))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var dims = call.Config.OptDims("batch_shape") ?? call.Config.OptDims("batch_input_shape")
            ?? throw new ModelException("InputLayer needs 'batch_shape' (Keras 3) or 'batch_input_shape' (Keras 2)");
        var shape = new Shape(dims);
        call.Note(shape.Rank > 0 && shape[0] is null
            ? "the batch dimension is None: any batch size"
            : $"the batch dimension is fixed at {Shape.DimText(shape.Rank > 0 ? shape[0] : null)}");
        return [shape];
    }
}

/// <summary>Keras <c>Dense</c>: <c>output = activation(input · kernel + bias)</c> on the last axis.</summary>
public sealed class DenseDeclaration() : LayerDeclaration("Dense",
    ConfigKey.Req("units"), ConfigKey.Opt("activation", null), ConfigKey.Opt("use_bias", true),
    ConfigKey.Opt("kernel_initializer", "glorot_uniform"), ConfigKey.Opt("bias_initializer", "zeros"))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var input = call.Input;
        if (input.Rank < 2) throw new ModelException($"Dense expects an input of rank 2 or more, got {input}");
        var units = call.Config.Long("units");
        call.Note($"the last axis ({Shape.DimText(input[-1])}) becomes units = {units}");
        return [input.With(-1, units)];
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var units = call.Config.Long("units");
        var inputs = call.Input[-1] ?? throw new ModelException($"the last dimension of the input {call.Input} must be known to build the weights");
        yield return new("kernel", Shape.Of(inputs, units), true, $"connects each of the {inputs} inputs to each of the {units} units");
        if (call.Config.Bool("use_bias"))
            yield return new("bias", Shape.Of(units), true, "one offset per unit");
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights)
    {
        var units = call.Config.Long("units");
        var inputs = call.Input[-1];
        return call.Config.Bool("use_bias") ? $"({LayerConfig.Number(inputs ?? 0)} + 1) · {units}" : $"{LayerConfig.Number(inputs ?? 0)} · {units}";
    }

    public override string? Detail(LayerConfig config) => config.OptString("activation") is { } a && a != "linear" ? a : null;
}

/// <summary>Keras <c>Dropout</c>: zeroes a fraction of inputs while training; no weights.</summary>
public sealed class DropoutDeclaration() : LayerDeclaration("Dropout",
    ConfigKey.Req("rate"), ConfigKey.Opt("noise_shape", null), ConfigKey.Opt("seed", null))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, $"the shape is unchanged: dropout only zeroes a fraction {call.Config.Double("rate")} of the values during training")];
}

/// <summary>Keras <c>Activation</c>: applies a function element-wise; no weights.</summary>
public sealed class ActivationDeclaration() : LayerDeclaration("Activation", ConfigKey.Req("activation"))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, $"the shape is unchanged: {call.Config.OptString("activation") ?? "the activation"} acts on each value")];

    public override string? Detail(LayerConfig config) => config.OptString("activation");
}

/// <summary>Keras <c>ReLU</c>: <c>max(x, 0)</c> with optional cap, slope and threshold; no weights.</summary>
public sealed class ReLUDeclaration() : LayerDeclaration("ReLU",
    ConfigKey.Opt("max_value", null), ConfigKey.Opt("negative_slope", 0.0), ConfigKey.Opt("threshold", 0.0))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, "the shape is unchanged: ReLU acts on each value")];
}

/// <summary>Keras <c>LeakyReLU</c> (<c>negative_slope</c> in Keras 3, <c>alpha</c> in Keras 2); no weights.</summary>
public sealed class LeakyReLUDeclaration() : LayerDeclaration("LeakyReLU")
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, "the shape is unchanged: LeakyReLU acts on each value")];
}

internal static class Json
{
    public static JsonArray Ints(params long[] values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}

/// <summary>Core layers: input, dense, dropout and the activation layers of the foundation.</summary>
public sealed class CoreFamily : LayerFamily
{
    public override IEnumerable<LayerDeclaration> Declarations() =>
    [
        new InputLayerDeclaration(), new DenseDeclaration(), new DropoutDeclaration(), new ActivationDeclaration(),
        new ReLUDeclaration(), new LeakyReLUDeclaration(),
    ];
}
