using ParamLens.Shapes;
using static ParamLens.Layers.SpatialArithmetic;

namespace ParamLens.Layers;

/// <summary>Keras <c>Conv1D/2D/3D</c>: F filters, each a kernel window over all input channels (per group), plus a bias.</summary>
public sealed class ConvDeclaration(int rank) : LayerDeclaration($"Conv{rank}D",
    ConfigKey.Req("filters"), ConfigKey.Req("kernel_size"), ConfigKey.Opt("strides", 1), ConfigKey.Opt("padding", "valid"),
    ConfigKey.Opt("data_format", null), ConfigKey.Opt("dilation_rate", 1), ConfigKey.Opt("groups", 1),
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
        var padding = c.String("padding");
        if (padding == "causal" && Rank != 1) throw new ModelException("padding 'causal' is only allowed for Conv1D");
        if (strides.Any(s => s > 1) && dilation.Any(d => d > 1))
            throw new ModelException("strides > 1 cannot be combined with dilation_rate > 1");
        var names = AxisNames(Rank);
        var axes = SpatialAxes(Rank, cf);
        var output = input;
        for (var i = 0; i < Rank; i++)
            output = output.With(axes[i], Window(call, names[i], input[axes[i]], kernel[i], strides[i], dilation[i], padding));
        var filters = c.Long("filters");
        output = output.With(ChannelAxis(input, cf), filters);
        call.Note($"channels: filters = {filters}");
        return [output];
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
        yield return new("kernel", new Shape([.. kernel.Select(k => (long?)k), perGroup, filters]), true,
            $"{filters} filters, each a {window.Replace("·", "×")} window over {perGroup} input channels{groupText}");
        if (c.Bool("use_bias"))
            yield return new("bias", Shape.Of(filters), true, "one offset per filter");
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights)
    {
        var c = call.Config;
        var kernel = KernelText(c.Tuple("kernel_size", Rank));
        var groups = c.Long("groups");
        var cin = call.Input[ChannelAxis(call.Input, ChannelsFirst(c))];
        var inText = groups == 1 ? $"{cin}" : $"{cin}/{groups}";
        var filters = c.Long("filters");
        return c.Bool("use_bias") ? $"({kernel}·{inText} + 1)·{filters}" : $"{kernel}·{inText}·{filters}";
    }

    public override string? Detail(LayerConfig config) => config.OptString("activation") is { } a && a != "linear" ? a : null;
}

/// <summary>Keras <c>Conv1DTranspose/2D/3D</c>: the kernel is stored as window + (filters, input channels).</summary>
public sealed class ConvTransposeDeclaration(int rank) : LayerDeclaration($"Conv{rank}DTranspose",
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

/// <summary>Convolutions of rank 1–3 and their transposes.</summary>
public sealed class ConvolutionFamily : LayerFamily
{
    public override IEnumerable<LayerDeclaration> Declarations() =>
        new[] { 1, 2, 3 }.SelectMany(r => new LayerDeclaration[] { new ConvDeclaration(r), new ConvTransposeDeclaration(r) });

    public override IEnumerable<(string Alias, string ClassName)> Aliases() =>
    [
        ("Convolution1D", "Conv1D"), ("Convolution2D", "Conv2D"), ("Convolution3D", "Conv3D"),
        ("Deconvolution2D", "Conv2DTranspose"), ("Deconv2D", "Conv2DTranspose"), ("Deconvolution3D", "Conv3DTranspose"), ("Deconv3D", "Conv3DTranspose"),
    ];
}
