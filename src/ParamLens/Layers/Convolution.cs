using System.Text.Json.Nodes;
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
    ConfigKey.Opt("activation", null), ConfigKey.Opt("use_bias", true), Lora.Key), IPrintedInference
{
    public int Rank { get; } = rank;

    protected override void Validate(LayerConfig config) => ConstructorChecks.Convolution(config, Rank);

    public RowInference Infer(PrintedLayer row) => ConvInference.Solve(this, Rank, transposed: false, row);

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
    ConfigKey.Opt("activation", null), ConfigKey.Opt("use_bias", true)), IPrintedInference
{
    public int Rank { get; } = rank;

    protected override void Validate(LayerConfig config) => ConstructorChecks.Convolution(config, Rank);

    public RowInference Infer(PrintedLayer row) => ConvInference.Solve(this, Rank, transposed: true, row);

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
    ConfigKey.Opt("data_format", null), ConfigKey.Opt("dilation_rate", 1), ConfigKey.Opt("activation", null), ConfigKey.Opt("use_bias", true)),
    IPrintedInference
{
    public int Rank { get; } = rank;

    /// <summary>keras/src/layers/convolutional/base_depthwise_conv.py refuses depth_multiplier ≤ 0 and a 0 in kernel_size
    /// or strides (Keras 3); tf.keras' depthwise convolution checks neither.</summary>
    protected override void Validate(LayerConfig config)
    {
        if (!config.Version.IsKeras3) return;
        ConstructorChecks.Positive(config, "depth_multiplier");
        ConstructorChecks.NoZero(config, "kernel_size", Rank);
        ConstructorChecks.NoZero(config, "strides", Rank);
    }

    /// <summary>The depth multiplier is output channels / input channels; the kernel is solved from the rest of the count.</summary>
    public RowInference Infer(PrintedLayer row)
    {
        if (row.OutputLast is not long cout || cout == 0) return RowInference.CannotSolve("output channels");
        if (row.Input is not { } input || input.Rank != Rank + 2 || input[-1] is not long cin || cin == 0 || cout % cin != 0)
            return RowInference.CannotSolve("input channels (or they do not divide the output channels)");
        var dm = cout / cin;
        var ks = string.Join("·", Enumerable.Repeat("k", Rank));
        var solutions = new List<Solution>();
        foreach (var bias in new[] { true, false })
        {
            var rest = row.Params - (bias ? cout : 0);
            if (rest <= 0 || rest % cout != 0) continue;
            foreach (var kernel in PrintedFit.Factorizations(rest / cout, Rank))
            {
                var window = string.Join("·", kernel);
                var config = new JsonObject { ["kernel_size"] = Json.Ints(kernel), ["depth_multiplier"] = dm, ["use_bias"] = bias };
                if (ConvInference.Windowed(this, row, config, Rank, cin, [input],
                        bias ? $"({ks}·{cin}·{dm} + {cin}·{dm})" : $"{ks}·{cin}·{dm}",
                        bias ? $"{window}·{cin}·{dm} + {cin}·{dm}" : $"{window}·{cin}·{dm}",
                        $"a {PrintedFit.KernelText(kernel)} kernel, depth_multiplier = {dm}" + (bias ? "" : ", no bias")) is { } solution)
                    solutions.Add(solution);
            }
        }
        return RowInference.Of(solutions, () => $"no depthwise kernel gives {PrintedFit.N(row.Params)} with {cin} channels × depth_multiplier {dm}");
    }

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
    ConfigKey.Opt("activation", null), ConfigKey.Opt("use_bias", true)), IPrintedInference
{
    public int Rank { get; } = rank;

    /// <summary>Keras 3 also refuses depth_multiplier ≤ 0 (base_separable_conv.py).</summary>
    protected override void Validate(LayerConfig config)
    {
        ConstructorChecks.Convolution(config, Rank);
        if (config.Version.IsKeras3) ConstructorChecks.Positive(config, "depth_multiplier");
    }

    /// <summary>The most depth multipliers tried on a printed row.</summary>
    private const int MaxDepthMultiplier = 16;

    /// <summary>For each depth multiplier, the pointwise part and bias are known, so the rest of the count gives the kernel.</summary>
    public RowInference Infer(PrintedLayer row)
    {
        if (row.OutputLast is not long f || f == 0) return RowInference.CannotSolve("number of filters");
        if (row.Input is not { } input || input.Rank != Rank + 2 || input[-1] is not long cin || cin == 0)
            return RowInference.CannotSolve("input channels");
        var solutions = new List<Solution>();
        foreach (var bias in new[] { true, false })
            for (long dm = 1; dm <= MaxDepthMultiplier; dm++)
            {
                var middle = Checked.Multiply(cin, dm);
                var rest = row.Params - (bias ? f : 0) - Checked.Multiply(middle, f);
                if (rest <= 0 || rest % middle != 0) continue;
                foreach (var kernel in PrintedFit.Factorizations(rest / middle, Rank))
                {
                    var config = new JsonObject
                    {
                        ["filters"] = f, ["kernel_size"] = Json.Ints(kernel), ["depth_multiplier"] = dm, ["use_bias"] = bias,
                    };
                    if (ConvInference.Windowed(this, row, config, Rank, cin, [input],
                            "∏k·Cin·dm + Cin·dm·F" + (bias ? " + F" : ""),
                            $"{string.Join("·", kernel)}·{cin}·{dm} + {cin}·{dm}·{f}" + (bias ? $" + {f}" : ""),
                            $"a {PrintedFit.KernelText(kernel)} kernel, depth_multiplier = {dm}" + (bias ? "" : ", no bias")) is { } solution)
                        solutions.Add(solution);
                }
            }
        return RowInference.Of(solutions, () => $"no kernel and depth multiplier give {PrintedFit.N(row.Params)} with {cin} input channels and {f} filters");
    }

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

/// <summary>A printed convolution row solved through its declaration: the count fixes the kernel's volume (and the input
/// channels when the table hides them); each kernel that divides it is tried with valid then same padding and the
/// strides (dilation, output padding) under which the declaration reproduces the printed spatial sizes.</summary>
internal static class ConvInference
{
    private const int MaxListed = 12;

    /// <summary>Conv <c>(∏k·Cin + 1)·F</c> and transposed <c>∏k·F·Cin + F</c>.</summary>
    public static RowInference Solve(LayerDeclaration declaration, int rank, bool transposed, PrintedLayer row)
    {
        if (row.OutputLast is not long f || f == 0) return RowInference.CannotSolve("number of filters (the output's last axis)");
        var printedInput = row.Input is { } s && s.Rank == rank + 2 ? s : null;
        var cin = printedInput?[-1];
        var ks = string.Join("·", Enumerable.Repeat("k", rank));
        var cinText = cin is long known ? PrintedFit.N(known) : "Cin";
        var found = new List<(Solution S, bool Bias, bool Square, long Max)>();
        foreach (var bias in new[] { true, false })
        {
            var rest = row.Params - (bias ? f : 0);
            if (rest <= 0 || rest % f != 0) continue;
            var perFilter = rest / f;
            foreach (var channels in cin is long c0 ? [c0] : PrintedFit.Divisors(perFilter))
            {
                if (channels == 0 || perFilter % channels != 0) continue;
                var input = printedInput?.With(-1, channels) ?? new Shape([null, .. Enumerable.Repeat<long?>(null, rank), channels]);
                foreach (var kernel in PrintedFit.Factorizations(perFilter / channels, rank))
                {
                    var config = new JsonObject { ["filters"] = f, ["kernel_size"] = Json.Ints(kernel), ["use_bias"] = bias };
                    var window = string.Join("·", kernel);
                    var shape = PrintedFit.IsSquare(kernel) && rank > 1 ? $"k = {kernel[0]} (a {PrintedFit.KernelText(kernel)} kernel)"
                        : rank == 1 ? $"k = {kernel[0]}" : $"a {PrintedFit.KernelText(kernel)} kernel";
                    var conclusion = shape + (cin is null ? $" on Cin = {PrintedFit.N(channels)} input channel{(channels == 1 ? "" : "s")}" : "")
                        + (bias ? "" : ", no bias (use_bias=False)");
                    var solution = Windowed(declaration, row, config, rank, channels, [input],
                        bias ? $"({ks}·{cinText} + 1)·{f}" : $"{ks}·{cinText}·{f}",
                        bias ? $"({window}·{PrintedFit.N(channels)} + 1)·{f}" : $"{window}·{PrintedFit.N(channels)}·{f}",
                        conclusion, transposed ? TransposedOptions : PrintedFit.WindowOptions());
                    if (solution is not null) found.Add((solution, bias, PrintedFit.IsSquare(kernel), kernel.Max()));
                }
            }
        }
        // Most likely first: with a bias (the default), square kernels, small windows.
        var ordered = found.OrderByDescending(x => x.Bias).ThenByDescending(x => x.Square).ThenBy(x => x.Max).Select(x => x.S).ToArray();
        if (ordered.Length > MaxListed)
            return new RowInference(ordered.Take(MaxListed).ToArray(), Remark: $"{ordered.Length} kernels fit; the first {MaxListed} are listed");
        return RowInference.Of(ordered, () =>
        {
            var p = PrintedFit.N(row.Params);
            var perWindow = cin is long i ? $" ({p} − {f}) / ({PrintedFit.N(i)}·{f}) or {p} / ({PrintedFit.N(i)}·{f}) must be a whole kernel size" : "";
            return $"no kernel reproduces {p} with {f} filters{(cin is long ch ? $" on {PrintedFit.N(ch)} input channels" : "")} and the printed shapes:{perWindow}";
        });
    }

    /// <summary>Strides 1 to 8 without output padding, then each output padding below the stride.</summary>
    private static readonly IReadOnlyList<JsonObject> TransposedOptions =
    [
        .. Enumerable.Range(1, 8).Select(s => new JsonObject { ["strides"] = s, ["output_padding"] = null }),
        .. Enumerable.Range(1, 8).SelectMany(s => Enumerable.Range(0, s).Select(op => new JsonObject { ["strides"] = s, ["output_padding"] = op })),
    ];

    /// <summary>The first padding (valid, then same) under which some strides make the declaration reproduce the row.</summary>
    public static Solution? Windowed(LayerDeclaration declaration, PrintedLayer row, JsonObject config, int rank, long channels,
        IReadOnlyList<Shape> inputs, string equation, string formula, string conclusion, IReadOnlyList<JsonObject>? options = null)
    {
        foreach (var padding in new[] { "valid", "same" })
        {
            var padded = (JsonObject)config.DeepClone();
            padded["padding"] = padding;
            if (PrintedFit.FitAxes(declaration, row, padded, rank, channels, options ?? PrintedFit.WindowOptions()) is not { } fitted) continue;
            // The spatial arithmetic explains the fit only when the table prints the input's lengths.
            var spatialPrinted = row.Input is { } printed && printed.Rank == rank + 2 && printed.Skip(1).Take(rank).All(d => d is not null);
            if (PrintedFit.Try(declaration, row, new Candidate(fitted, inputs, equation, formula, conclusion, ShapeNotes: spatialPrinted)) is { } solution)
                return solution;
        }
        return null;
    }
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
