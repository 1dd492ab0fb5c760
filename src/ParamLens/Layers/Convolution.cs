using ParamLens.Shapes;
using static ParamLens.Layers.SpatialArithmetic;

namespace ParamLens.Layers;

/// <summary>Keras <c>Conv1D/2D/3D</c>: F filters, each a kernel window over all input channels (per group), plus a bias.</summary>
public sealed class ConvDeclaration(int rank) : LayerDeclaration($"Conv{rank}D",
    // Standalone Keras 2.0–2.3 has no groups.
    PositionalOrder.ByVersion(v => v.IsStandalone
        ? ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation", "use_bias"]
        : ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups", "activation", "use_bias"]),
    ConfigKey.Req("filters"), ConfigKey.Req("kernel_size"), ConfigKey.Opt("strides", 1), ConfigKey.Opt("padding", "valid"),
    ConfigKey.Opt("data_format", null), ConfigKey.Opt("dilation_rate", 1), ConfigKey.Opt("groups", 1),
    ConfigKey.Opt("activation", null), ConfigKey.Opt("use_bias", true), Lora.Key)
{
    public int Rank { get; } = rank;

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        // Keras rejects the combination (base_conv.py); tf.nn.convolution would too.
        if (call.Config.Tuple("strides", Rank).Any(s => s > 1) && call.Config.Tuple("dilation_rate", Rank).Any(d => d > 1))
            throw new ModelException("strides > 1 cannot be combined with dilation_rate > 1");
        return [ConvWindows.Output(call, ClassName, Rank, call.Config.Long("filters"), "filters")];
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var c = call.Config;
        var kernel = c.Tuple("kernel_size", Rank);
        var cin = KnownChannels(call.Input, ChannelsFirst(c));
        var groups = c.Long("groups");
        var filters = c.Long("filters");
        if (groups < 1 || cin % groups != 0 || filters % groups != 0)
            throw new ModelException($"groups = {groups} must divide both the input channels ({cin}) and filters ({filters})");
        var perGroup = cin / groups;
        var window = KernelText(kernel);
        var groupText = groups == 1 ? "" : $" (its group's {perGroup} of {cin} input channels)";
        var kernelShape = new Shape([.. kernel.Select(k => (long?)k), perGroup, filters]);
        var lora = Lora.Rank(call);
        yield return Lora.Base("kernel", kernelShape,
            $"{filters} filters, each a {window.Replace("·", "×")} window over {perGroup} input channels{groupText}", lora);
        if (c.Bool("use_bias"))
            yield return new("bias", Shape.Of(filters), true, "one offset per filter");
        if (lora is long r)
            foreach (var factor in Lora.Factors(kernelShape, r)) yield return factor;
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights)
    {
        var c = call.Config;
        var kernel = KernelText(c.Tuple("kernel_size", Rank));
        var groups = c.Long("groups");
        var cin = call.Input[ChannelAxis(call.Input, ChannelsFirst(c))];
        var inText = groups == 1 ? $"{cin}" : $"{cin}/{groups}";
        var filters = c.Long("filters");
        var conv = c.Bool("use_bias") ? $"({kernel}·{inText} + 1)·{filters}" : $"{kernel}·{inText}·{filters}";
        return Lora.Rank(call) is long r ? $"{conv} + {r}·({kernel}·{inText} + {filters})" : conv;
    }

    public override string? Detail(LayerConfig config) => ConvWindows.Detail(config);
}

/// <summary>Keras <c>Conv1DTranspose/2D/3D</c>: the kernel is stored as window + (filters, input channels).</summary>
public sealed class ConvTransposeDeclaration(int rank) : LayerDeclaration($"Conv{rank}DTranspose",
    // Keras 2 takes output_padding right after padding; Keras 3 only by keyword.
    PositionalOrder.ByVersion(v => v.IsKeras3
        ? ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation", "use_bias"]
        : ["filters", "kernel_size", "strides", "padding", "output_padding", "data_format", "dilation_rate", "activation", "use_bias"]),
    ConfigKey.Req("filters"), ConfigKey.Req("kernel_size"), ConfigKey.Opt("strides", 1), ConfigKey.Opt("padding", "valid"),
    ConfigKey.Opt("output_padding", null), ConfigKey.Opt("data_format", null), ConfigKey.Opt("dilation_rate", 1),
    ConfigKey.Opt("activation", null), ConfigKey.Opt("use_bias", true))
{
    public int Rank { get; } = rank;

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var c = call.Config;
        var input = call.Input;
        RequireRank(input, Rank + 2, ClassName);
        var cf = ChannelsFirst(c);
        var kernel = c.Tuple("kernel_size", Rank);
        var strides = c.Tuple("strides", Rank);
        var dilation = c.Tuple("dilation_rate", Rank);
        if (Rank == 3 && !c.Version.IsKeras3 && dilation.Any(d => d != 1))
        {
            call.Note($"Keras 2 Conv3DTranspose leaves dilation_rate {string.Join("×", dilation)} out of its output shape (and out of its saved config)");
            dilation = [1, 1, 1];
        }
        long[]? outputPadding = c.Has("output_padding") ? c.Tuple("output_padding", Rank) : null;
        var names = AxisNames(Rank);
        var axes = SpatialAxes(Rank, cf);
        var output = input;
        for (var i = 0; i < Rank; i++)
            output = output.With(axes[i], Transposed(call, names[i], input[axes[i]], kernel[i], strides[i], dilation[i],
                c.String("padding"), outputPadding?[i]));
        var filters = c.Long("filters");
        call.Note($"channels: filters = {filters}");
        return [output.With(ChannelAxis(input, cf), filters)];
    }

    public override string? Detail(LayerConfig config) => ConvWindows.Detail(config);

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var c = call.Config;
        var kernel = c.Tuple("kernel_size", Rank);
        var cin = KnownChannels(call.Input, ChannelsFirst(c));
        var filters = c.Long("filters");
        yield return new("kernel", new Shape([.. kernel.Select(k => (long?)k), filters, cin]), true,
            $"{filters} filters, each a {KernelText(kernel).Replace("·", "×")} window over {cin} input channels (stored filters first)");
        if (c.Bool("use_bias"))
            yield return new("bias", Shape.Of(filters), true, "one offset per filter");
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights)
    {
        var c = call.Config;
        var cin = call.Input[ChannelAxis(call.Input, ChannelsFirst(c))];
        var kernel = KernelText(c.Tuple("kernel_size", Rank));
        var filters = c.Long("filters");
        return c.Bool("use_bias") ? $"({kernel}·{cin} + 1)·{filters}" : $"{kernel}·{cin}·{filters}";
    }
}

/// <summary>Keras <c>DepthwiseConv1D/2D</c>: each input channel convolved on its own by <c>depth_multiplier</c> kernels, so the
/// output has <c>Cin · depth_multiplier</c> channels. The kernel is named <c>kernel</c> in Keras 3, <c>depthwise_kernel</c> in Keras 2.</summary>
public sealed class DepthwiseConvDeclaration(int rank) : LayerDeclaration($"DepthwiseConv{rank}D",
    PositionalOrder.Of("kernel_size", "strides", "padding", "depth_multiplier", "data_format", "dilation_rate", "activation", "use_bias"),
    ConfigKey.Req("kernel_size"), ConfigKey.Opt("strides", 1), ConfigKey.Opt("padding", "valid"), ConfigKey.Opt("depth_multiplier", 1),
    ConfigKey.Opt("data_format", null), ConfigKey.Opt("dilation_rate", 1), ConfigKey.Opt("activation", null), ConfigKey.Opt("use_bias", true))
{
    public int Rank { get; } = rank;

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var cin = call.Input.Rank == Rank + 2 ? call.Input[ChannelAxis(call.Input, ChannelsFirst(call.Config))] : null;
        var multiplier = call.Config.Long("depth_multiplier");
        long? channels = cin is long n ? Checked.Multiply(n, multiplier) : null;
        return [ConvWindows.Output(call, ClassName, Rank, channels, $"input channels · depth_multiplier = {Shape.DimText(cin)} · {multiplier}")];
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var c = call.Config;
        var kernel = c.Tuple("kernel_size", Rank);
        var cin = KnownChannels(call.Input, ChannelsFirst(c));
        var multiplier = c.Long("depth_multiplier");
        var name = c.Version.IsKeras3 ? "kernel" : "depthwise_kernel";
        yield return new(name, new Shape([.. kernel.Select(k => (long?)k), cin, multiplier]), true,
            $"{multiplier} {KernelText(kernel).Replace("·", "×")} window(s) for each of the {cin} input channels, each seeing only its own channel");
        if (c.Bool("use_bias"))
            yield return new("bias", Shape.Of(Checked.Multiply(cin, multiplier)), true, $"one offset per output channel ({cin} · {multiplier})");
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights)
    {
        var c = call.Config;
        var kernel = KernelText(c.Tuple("kernel_size", Rank));
        var cin = call.Input[ChannelAxis(call.Input, ChannelsFirst(c))];
        var multiplier = c.Long("depth_multiplier");
        return c.Bool("use_bias") ? $"({kernel} + 1)·{cin}·{multiplier}" : $"{kernel}·{cin}·{multiplier}";
    }

    public override string? Detail(LayerConfig config) => ConvWindows.Detail(config);
}

/// <summary>Keras <c>SeparableConv1D/2D</c>: a depthwise convolution (<c>depth_multiplier</c> windows per input channel) followed
/// by a 1×1 pointwise convolution to <c>filters</c> channels; the bias is on the output side only.</summary>
public sealed class SeparableConvDeclaration(int rank) : LayerDeclaration($"SeparableConv{rank}D",
    PositionalOrder.Of("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "depth_multiplier", "activation", "use_bias"),
    ConfigKey.Req("filters"), ConfigKey.Req("kernel_size"), ConfigKey.Opt("strides", 1), ConfigKey.Opt("padding", "valid"),
    ConfigKey.Opt("data_format", null), ConfigKey.Opt("dilation_rate", 1), ConfigKey.Opt("depth_multiplier", 1),
    ConfigKey.Opt("activation", null), ConfigKey.Opt("use_bias", true))
{
    public int Rank { get; } = rank;

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [ConvWindows.Output(call, ClassName, Rank, call.Config.Long("filters"), "filters")];

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var c = call.Config;
        var kernel = c.Tuple("kernel_size", Rank);
        var cin = KnownChannels(call.Input, ChannelsFirst(c));
        var multiplier = c.Long("depth_multiplier");
        var filters = c.Long("filters");
        var middle = Checked.Multiply(cin, multiplier);
        yield return new("depthwise_kernel", new Shape([.. kernel.Select(k => (long?)k), cin, multiplier]), true,
            $"depthwise step: {multiplier} {KernelText(kernel).Replace("·", "×")} window(s) per input channel, {cin} · {multiplier} = {middle} intermediate channels");
        yield return new("pointwise_kernel", new Shape([.. Enumerable.Repeat((long?)1, Rank), middle, filters]), true,
            $"pointwise step: a 1×1 mix of the {middle} intermediate channels into each of the {filters} filters");
        if (c.Bool("use_bias"))
            yield return new("bias", Shape.Of(filters), true, "one offset per filter (after the pointwise step only)");
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights)
    {
        var c = call.Config;
        var kernel = KernelText(c.Tuple("kernel_size", Rank));
        var cin = call.Input[ChannelAxis(call.Input, ChannelsFirst(c))];
        var multiplier = c.Long("depth_multiplier");
        var filters = c.Long("filters");
        var core = $"{kernel}·{cin}·{multiplier} + {cin}·{multiplier}·{filters}";
        return c.Bool("use_bias") ? $"{core} + {filters}" : core;
    }

    public override string? Detail(LayerConfig config) => ConvWindows.Detail(config);
}

/// <summary>What every sliding-window convolution shares: the output shape per spatial axis and the activation detail.</summary>
internal static class ConvWindows
{
    /// <summary>Spatial axes by the conv formula (Keras <c>compute_conv_output_shape</c>), channels replaced by <paramref name="channels"/>.
    /// <paramref name="dilated"/> is false for classes without <c>dilation_rate</c> (locally connected layers).</summary>
    public static Shape Output(LayerCall call, string className, int rank, long? channels, string channelsText, bool dilated = true)
    {
        var c = call.Config;
        var input = call.Input;
        RequireRank(input, rank + 2, className);
        var cf = ChannelsFirst(c);
        var kernel = c.Tuple("kernel_size", rank);
        var strides = c.Tuple("strides", rank);
        var dilation = dilated ? c.Tuple("dilation_rate", rank) : Enumerable.Repeat(1L, rank).ToArray();
        var padding = c.String("padding");
        if (padding == "causal" && rank != 1)
            throw new ModelException($"padding 'causal' is only allowed for 1D convolutions, not {className}");
        var names = AxisNames(rank);
        var axes = SpatialAxes(rank, cf);
        var output = input;
        for (var i = 0; i < rank; i++)
            output = output.With(axes[i], Window(call, names[i], input[axes[i]], kernel[i], strides[i], dilation[i], padding));
        call.Note($"channels: {channelsText} = {Shape.DimText(channels)}");
        return output.With(ChannelAxis(input, cf), channels);
    }

    public static string? Detail(LayerConfig config) => config.OptString("activation") is { } a && a != "linear" ? a : null;
}

/// <summary>Convolutions of rank 1–3, their transposes, and the depthwise and separable convolutions of rank 1–2.</summary>
public sealed class ConvolutionFamily : LayerFamily
{
    public override IEnumerable<LayerDeclaration> Declarations() =>
        new[] { 1, 2, 3 }.SelectMany(r => new LayerDeclaration[] { new ConvDeclaration(r), new ConvTransposeDeclaration(r) })
            .Concat(new[] { 1, 2 }.SelectMany(r => new LayerDeclaration[] { new DepthwiseConvDeclaration(r), new SeparableConvDeclaration(r) }));

    public override IEnumerable<(string Alias, string ClassName)> Aliases() =>
    [
        ("Convolution1D", "Conv1D"), ("Convolution2D", "Conv2D"), ("Convolution3D", "Conv3D"),
        ("Deconvolution2D", "Conv2DTranspose"), ("Deconv2D", "Conv2DTranspose"), ("Deconvolution3D", "Conv3DTranspose"), ("Deconv3D", "Conv3DTranspose"),
        ("Convolution1DTranspose", "Conv1DTranspose"), ("Convolution2DTranspose", "Conv2DTranspose"), ("Convolution3DTranspose", "Conv3DTranspose"),
        ("SeparableConvolution1D", "SeparableConv1D"), ("SeparableConvolution2D", "SeparableConv2D"),
    ];
}
