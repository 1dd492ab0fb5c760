using ParamLens.Shapes;
using static ParamLens.Layers.SpatialArithmetic;

namespace ParamLens.Layers;

/// <summary>Keras 2 <c>LocallyConnected1D/2D</c> (removed in Keras 3): like a convolution, but every output position has its
/// own unshared kernel and bias. <c>implementation</c> 1 stores one kernel per position, 2 a dense masked kernel (the masked
/// zeros count too), 3 one weight per actual connection.</summary>
public sealed class LocallyConnectedDeclaration(int rank) : LayerDeclaration($"LocallyConnected{rank}D",
    PositionalOrder.Of("filters", "kernel_size", "strides", "padding", "data_format", "activation", "use_bias"),
    ConfigKey.Req("filters"), ConfigKey.Req("kernel_size"), ConfigKey.Opt("strides", 1), ConfigKey.Opt("padding", "valid"),
    ConfigKey.Opt("data_format", null), ConfigKey.Opt("activation", null), ConfigKey.Opt("use_bias", true), ConfigKey.Opt("implementation", 1))
{
    public int Rank { get; } = rank;

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [ConvWindows.Output(call, ClassName, Rank, call.Config.Long("filters"), "filters", dilated: false)];

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var c = call.Config;
        var input = call.Input;
        var cf = ChannelsFirst(c);
        var kernel = c.Tuple("kernel_size", Rank);
        var strides = c.Tuple("strides", Rank);
        var padding = c.String("padding");
        var cin = KnownChannels(input, cf);
        var filters = c.Long("filters");
        var axes = SpatialAxes(Rank, cf);
        var lengths = axes.Select(a => input[a] ?? throw new ModelException($"{ClassName} needs every spatial axis known, got {input}")).ToArray();
        var output = OutputShapes(new LayerCall(c, call.Inputs))[0]; // a scratch call: its notes are already on the real one
        var outputs = axes.Select(a => output[a]!.Value).ToArray();
        var positions = Checked.Product(outputs);
        var window = Checked.Product(kernel);
        var implementation = c.Long("implementation");
        var own = $"one {KernelText(kernel).Replace("·", "×")}×{cin} kernel per filter for each of the {LayerConfig.Number(positions)} output positions (not shared)";
        yield return implementation switch
        {
            1 => new("kernel", Shape.Of(positions, Checked.Multiply(window, cin), filters), true, own),
            2 => new("kernel", cf
                    ? new Shape([cin, .. lengths.Select(l => (long?)l), filters, .. outputs.Select(o => (long?)o)])
                    : new Shape([.. lengths.Select(l => (long?)l), cin, .. outputs.Select(o => (long?)o), filters]), true,
                $"{own}, stored as a dense input × output matrix in which unconnected pairs are masked zeros that still count"),
            3 => new("kernel", Shape.Of(Checked.Multiply(Checked.Multiply(Connections(lengths, outputs, kernel, strides, padding), cin), filters)), true,
                $"{own}, stored as one weight per actual input–output connection"),
            _ => throw new ModelException($"implementation {implementation} is not 1, 2 or 3"),
        };
        if (c.Bool("use_bias"))
            yield return new("bias", new Shape([.. outputs.Select(o => (long?)o), filters]), true, "one offset per output position and filter (not shared)");
    }

    /// <summary>Input–output position pairs per spatial axis, multiplied over the axes (Keras <c>conv_connected_inputs</c>:
    /// windows clipped at the borders with padding 'same').</summary>
    private static long Connections(long[] lengths, long[] outputs, long[] kernel, long[] strides, string padding)
    {
        long total = 1;
        for (var d = 0; d < lengths.Length; d++)
        {
            long left = kernel[d] / 2, right = kernel[d] - left, pairs = 0;
            for (long o = 0; o < outputs[d]; o++)
            {
                var center = o * strides[d] + (padding == "valid" ? left : 0);
                pairs += Math.Min(lengths[d], center + right) - Math.Max(0, center - left);
            }
            total = Checked.Multiply(total, pairs);
        }
        return total;
    }

    public override string? Detail(LayerConfig config) => ConvWindows.Detail(config);
}

/// <summary>Keras 2 <c>RandomFourierFeatures</c> (removed in Keras 3): a fixed random projection and offset with one learnable
/// kernel scale. The layer is created with <c>trainable=False</c> by default, so all of it is usually non-trainable.</summary>
public sealed class RandomFourierFeaturesDeclaration() : LayerDeclaration("RandomFourierFeatures",
    PositionalOrder.Of("output_dim", "kernel_initializer", "scale", "trainable"),
    ConfigKey.Req("output_dim"), ConfigKey.Opt("kernel_initializer", "gaussian"), ConfigKey.Opt("scale", null), ConfigKey.Opt("trainable", false))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        RequireRank(call.Input, 2, ClassName);
        var output = call.Input.With(-1, call.Config.Long("output_dim"));
        call.Note($"features {Shape.DimText(call.Input[-1])} → output_dim {call.Config.Long("output_dim")}");
        return [output];
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var inputs = call.Input[-1] ?? throw new ModelException($"the last dimension of the input {call.Input} must be known to build the weights");
        var outputDim = call.Config.Long("output_dim");
        yield return new("unscaled_kernel", Shape.Of(inputs, outputDim), false, "random projection drawn once at build, never trained");
        yield return new("bias", Shape.Of(outputDim), false, "random phase offsets drawn once at build, never trained");
        yield return new("kernel_scale", Shape.Of(1), true, "the one learnable scale of the projection (the layer defaults to trainable = False, which freezes it)");
    }
}

/// <summary>Keras-2-only layers with weights.</summary>
public sealed class LegacyFamily : LayerFamily
{
    public override IEnumerable<LayerDeclaration> Declarations() =>
        [new LocallyConnectedDeclaration(1), new LocallyConnectedDeclaration(2), new RandomFourierFeaturesDeclaration()];
}
