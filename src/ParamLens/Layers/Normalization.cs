using System.Text.Json.Nodes;
using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>Keras <c>BatchNormalization</c>: per-channel scale and shift, plus running statistics used at inference. Batch
/// renormalization adds three more statistics (Keras 2, and Keras 3 from 3.14); <c>synchronized</c> changes no weight.</summary>
public sealed class BatchNormalizationDeclaration(string className = "BatchNormalization") : LayerDeclaration(className,
    PositionalOrder.Of("axis", "momentum", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer"),
    ConfigKey.Opt("axis", -1), ConfigKey.Opt("momentum", 0.99), ConfigKey.Opt("epsilon", 0.001),
    ConfigKey.Opt("center", true), ConfigKey.Opt("scale", true), ConfigKey.Opt("renorm", false), ConfigKey.Opt("synchronized", false)),
    IPrintedInference
{
    /// <summary>One weight of each kind per channel: the count is a multiple of the channel axis (the last, or another for
    /// channels_first), and the multiple says which of gamma, beta and the renorm statistics exist.</summary>
    public RowInference Infer(PrintedLayer row)
    {
        if (row.Output is not { Rank: >= 2 } output) return RowInference.CannotSolve("output shape (the channels)");
        foreach (var axis in Enumerable.Range(1, output.Rank - 1).Reverse().Where(a => output[a] is > 0))
        {
            var channels = output[axis]!.Value;
            if (row.Params % channels != 0) continue;
            var multiple = row.Params / channels;
            var axisText = axis == output.Rank - 1 ? "the last axis" : $"axis {axis}";
            var nonTrainable = multiple == 7 ? 5 : 2;
            var candidates = Variants(multiple).Select(v => new Candidate(
                new JsonObject { ["axis"] = axis == output.Rank - 1 ? -1 : axis, ["scale"] = v.Scale, ["center"] = v.Center, ["renorm"] = v.Renorm },
                [output], $"{multiple}·C", $"{multiple} · {channels}",
                $"C = {channels} channels on {axisText}, {v.What}: {nonTrainable} × {channels} = {PrintedFit.N(Checked.Multiply(nonTrainable, channels))} non-trainable"));
            var solutions = PrintedFit.Keep(this, row, candidates).ToArray();
            if (solutions.Length > 0) return new RowInference(solutions);
        }
        return RowInference.Inconsistent($"{PrintedFit.N(row.Params)} is not 2, 3, 4 or 7 times the size of any axis of {output}");
    }

    private static IEnumerable<(bool Scale, bool Center, bool Renorm, string What)> Variants(long multiple) => multiple switch
    {
        4 => [(true, true, false, "center and scale")],
        3 => [(true, false, false, "scale only (center=False)"), (false, true, false, "center only (scale=False)")],
        2 => [(false, false, false, "neither center nor scale")],
        7 => [(true, true, true, "center, scale and renorm=True")],
        _ => [],
    };

    private const string RunningStatistic =
        "updated by momentum during training, not by gradients; used instead of the batch statistics at inference";

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, "the shape is unchanged: each value is normalised, then scaled and shifted")];

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var c = call.Config;
        var (paramShape, channels) = ParamShape(call);
        var renorm = c.Bool("renorm");
        if (renorm && c.Version is { IsKeras3: true, Major: 3, Minor: < 14 })
            throw new ModelException($"renorm = True needs Keras 3.14 or later (or Keras 2); Keras {c.Version} has no batch renormalization");
        call.Note($"normalises over axis {string.Join(", ", c.IntList("axis"))}, which has {channels} channels: one value per channel in each vector");
        if (c.Has("synchronized") && c.Bool("synchronized"))
            call.Note("synchronized = True shares the batch statistics across devices; it adds no weights");
        if (c.Bool("scale")) yield return new("gamma", paramShape, true, "learned scale");
        if (c.Bool("center")) yield return new("beta", paramShape, true, "learned shift");
        yield return new("moving_mean", paramShape, false, "running average of the batch means: " + RunningStatistic);
        yield return new("moving_variance", paramShape, false, "running average of the batch variances: " + RunningStatistic);
        if (renorm)
        {
            const string statistic = "batch renormalization statistic, a running average, not learned by gradients";
            yield return new("moving_stddev", paramShape, false, statistic);
            yield return new("renorm_mean", paramShape, false, statistic);
            yield return new("renorm_stddev", paramShape, false, statistic);
        }
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights)
    {
        var (_, channels) = ParamShape(call);
        return $"{weights.Count} · {channels}";
    }

    /// <summary>One axis gives a vector of that axis' size; several axes (Keras 2 only) keep those axes and set the rest to 1.</summary>
    private static (Shape Shape, long Channels) ParamShape(LayerCall call)
    {
        var input = call.Input;
        var given = call.Config.IntList("axis");
        if (given.Length > 1 && call.Config.Version.IsKeras3)
            throw new ModelException($"Keras 3 BatchNormalization takes one axis, not [{string.Join(", ", given)}] (several axes are a Keras 2 feature)");
        var axes = given.Select(a => (int)(a < 0 ? a + input.Rank : a)).ToArray();
        foreach (var a in axes)
            if (a <= 0 || a >= input.Rank) throw new ModelException($"axis {a} is out of range for the input {input}");
        long Size(int a) => input[a] ?? throw new ModelException($"axis {a} of the input {input} must be known to build the weights");
        if (axes.Length == 1) return (Shape.Of(Size(axes[0])), Size(axes[0]));
        var dims = Enumerable.Range(0, input.Rank).Select(i => axes.Contains(i) ? Size(i) : 1L).Select(d => (long?)d);
        var shape = new Shape(dims);
        return (shape, shape.ElementCount!.Value);
    }
}

/// <summary>Normalised axes of a layer (<c>axis</c>: an int or a list, negative from the end), sorted as Keras sorts them.</summary>
internal static class NormalizedAxes
{
    public static int[] Of(LayerCall call, bool allowBatch = false)
    {
        var input = call.Input;
        var axes = call.Config.IntList("axis").Select(a => (int)(a < 0 ? a + input.Rank : a)).Order().ToArray();
        foreach (var a in axes)
            if (a < (allowBatch ? 0 : 1) || a >= input.Rank)
                throw new ModelException($"axis {a} is out of range for the input {input}");
        if (axes.Distinct().Count() != axes.Length) throw new ModelException($"axis lists an axis twice: [{string.Join(", ", axes)}]");
        return axes;
    }

    /// <summary>The sizes of those axes, which must be known to build weights.</summary>
    public static Shape Sizes(LayerCall call, int[] axes) =>
        new(axes.Select(a => (long?)(call.Input[a] ?? throw new ModelException($"axis {a} of the input {call.Input} must be known to build the weights"))));

    public static string Text(int[] axes) => axes.Length == 1 ? $"axis {axes[0]}" : $"axes {string.Join(", ", axes)}";
}

/// <summary>Printed rows of the per-feature normalizations (LayerNormalization, GroupNormalization, RMSNormalization): a scale
/// (and a shift) the size of the normalised trailing axes, tried from the last axis back.</summary>
internal static class TrailingAxesInference
{
    /// <param name="lastAxisOnly">The class normalises the channel axis only (GroupNormalization).</param>
    /// <param name="shift">The class has a shift as well as a scale (center and scale keys).</param>
    public static RowInference Solve(LayerDeclaration declaration, PrintedLayer row, bool lastAxisOnly, bool shift)
    {
        if (row.Output is not { Rank: >= 2 } output) return RowInference.CannotSolve("output shape");
        var candidates = new List<Candidate>();
        for (var from = output.Rank - 1; from >= (lastAxisOnly ? output.Rank - 1 : 1); from--)
        {
            var dims = Enumerable.Range(from, output.Rank - from).Select(a => output[a]).ToArray();
            if (dims.Any(d => d is null)) break;
            var axes = Enumerable.Range(from, output.Rank - from).ToArray();
            var axesText = from == output.Rank - 1 ? "the last axis" : $"axes {string.Join(", ", axes)}";
            var sizeText = string.Join("·", dims);
            JsonObject Config(bool scale, bool center)
            {
                var config = new JsonObject { ["axis"] = from == output.Rank - 1 ? -1 : Json.Ints([.. axes.Select(a => (long)a)]) };
                if (shift) (config["scale"], config["center"]) = (scale, center);
                // Any group count gives the same weights; one group per channel always divides them.
                if (lastAxisOnly) config["groups"] = -1;
                return config;
            }
            if (shift)
            {
                candidates.Add(new Candidate(Config(true, true), [output], "2·C", $"2 · {sizeText}", $"gamma and beta over {axesText} ({sizeText})"));
                candidates.Add(new Candidate(Config(true, false), [output], "C", sizeText, $"gamma only (center=False) over {axesText}"));
                candidates.Add(new Candidate(Config(false, true), [output], "C", sizeText, $"beta only (scale=False) over {axesText}"));
            }
            else candidates.Add(new Candidate(Config(true, true), [output], "C", sizeText, $"scale over {axesText}"));
        }
        return RowInference.Of(PrintedFit.Keep(declaration, row, candidates),
            () => $"{PrintedFit.N(row.Params)} is not {(shift ? "1 or 2 times the size" : "the size")} of the trailing axes of {output}");
    }
}

/// <summary>Keras <c>LayerNormalization</c>: each sample normalised over <c>axis</c>, then a learned scale and shift of the
/// normalised axes' shape. Keras 3's deprecated <c>rms_scaling=True</c> keeps the scale only.</summary>
public sealed class LayerNormalizationDeclaration() : LayerDeclaration("LayerNormalization",
    PositionalOrder.Of("axis", "epsilon", "center", "scale"),
    ConfigKey.Opt("axis", -1), ConfigKey.Opt("epsilon", 0.001), ConfigKey.Opt("center", true), ConfigKey.Opt("scale", true),
    ConfigKey.ByVersion("rms_scaling", v => v.IsKeras3 ? false : null)), IPrintedInference
{
    public RowInference Infer(PrintedLayer row) => TrailingAxesInference.Solve(this, row, lastAxisOnly: false, shift: true);

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, "the shape is unchanged: each sample is normalised, then scaled and shifted")];

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var c = call.Config;
        var axes = NormalizedAxes.Of(call);
        var shape = NormalizedAxes.Sizes(call, axes);
        call.Note($"normalises each sample over {NormalizedAxes.Text(axes)}: one value per position of {shape} in each weight");
        var rms = c.Version.IsKeras3 && c.Has("rms_scaling") && c.Bool("rms_scaling");
        if (c.Bool("scale") || rms) yield return new("gamma", shape, true, "learned scale");
        if (c.Bool("center") && !rms) yield return new("beta", shape, true, "learned shift");
        if (rms) call.Note("rms_scaling = True: scale only, no shift (beta is not created)");
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights) =>
        $"{weights.Count} · {string.Join(" · ", weights[0].Shape.Select(Shape.DimText))}";
}

/// <summary>Keras <c>GroupNormalization</c>: channels split into <c>groups</c>, each normalised on its own; a learned scale and
/// shift per channel (the group count does not change the weights).</summary>
public sealed class GroupNormalizationDeclaration() : LayerDeclaration("GroupNormalization",
    PositionalOrder.Of("groups", "axis", "epsilon", "center", "scale"),
    ConfigKey.Opt("groups", 32), ConfigKey.Opt("axis", -1), ConfigKey.Opt("epsilon", 0.001), ConfigKey.Opt("center", true),
    ConfigKey.Opt("scale", true)), IPrintedInference
{
    public RowInference Infer(PrintedLayer row) => TrailingAxesInference.Solve(this, row, lastAxisOnly: true, shift: true);

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, "the shape is unchanged: each group of channels is normalised, then scaled and shifted")];

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var c = call.Config;
        var axes = NormalizedAxes.Of(call);
        if (axes.Length != 1) throw new ModelException("GroupNormalization takes one channel axis");
        var channels = NormalizedAxes.Sizes(call, axes)[0]!.Value;
        var groups = c.Long("groups");
        if (groups == -1) groups = channels;
        if (groups < 1 || groups > channels || channels % groups != 0)
            throw new ModelException($"groups = {groups} must divide the {channels} channels (and be at most {channels})");
        call.Note($"{channels} channels in {groups} groups of {channels / groups}; scale and shift are per channel");
        if (c.Bool("scale")) yield return new("gamma", Shape.Of(channels), true, "learned scale per channel");
        if (c.Bool("center")) yield return new("beta", Shape.Of(channels), true, "learned shift per channel");
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights) =>
        $"{weights.Count} · {weights[0].Count} (the groups do not change the count)";
}

/// <summary>Keras 3 (from 3.9) <c>RMSNormalization</c>: values divided by their root mean square over <c>axis</c>, times a
/// learned scale.</summary>
public sealed class RMSNormalizationDeclaration() : LayerDeclaration("RMSNormalization", PositionalOrder.None,
    ConfigKey.Opt("axis", -1), ConfigKey.Opt("epsilon", 1e-6)), IPrintedInference
{
    public RowInference Infer(PrintedLayer row) => TrailingAxesInference.Solve(this, row, lastAxisOnly: false, shift: false);

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, "the shape is unchanged: each value is divided by the root mean square, then scaled")];

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var axes = NormalizedAxes.Of(call);
        var shape = NormalizedAxes.Sizes(call, axes);
        call.Note($"normalises over {NormalizedAxes.Text(axes)}: one scale per position of {shape}");
        yield return new("scale", shape, true, "learned scale (there is no shift)");
    }
}

/// <summary>Keras <c>UnitNormalization</c>: each vector along <c>axis</c> divided by its L2 norm; no weights.</summary>
public sealed class UnitNormalizationDeclaration() : WeightlessLayerDeclaration("UnitNormalization", PositionalOrder.Of("axis"), ConfigKey.Opt("axis", -1))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, $"the shape is unchanged: vectors along axis {string.Join(", ", call.Config.IntList("axis"))} are scaled to length 1, with nothing learned")];
}

/// <summary>Keras <c>SpectralNormalization</c>: wraps a layer with a <c>kernel</c> (or <c>embeddings</c>) and divides it by its
/// largest singular value, estimated by power iteration with its own non-trainable vector <c>u</c>.</summary>
public sealed class SpectralNormalizationDeclaration() : LayerDeclaration("SpectralNormalization",
    PositionalOrder.Of("layer", "power_iterations"),
    ConfigKey.Req("layer"), ConfigKey.Opt("power_iterations", 1))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var inner = WrappedLayer.From(call.Config, "layer");
        var shapes = inner.OutputShapes(call);
        call.Note($"the output is that of the wrapped {inner.Title}; the wrapper only rescales its {(inner.Declaration.ClassName == "Embedding" ? "embeddings" : "kernel")}");
        return shapes;
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var inner = WrappedLayer.From(call.Config, "layer");
        if (Inner.UnknownClass(inner.Declaration, $"the wrapped {inner.Title}") is { } unknown)
        {
            call.UnknownWeights(unknown);
            yield break;
        }
        var weights = inner.Weights(call).ToArray();
        var kernel = weights.FirstOrDefault(w => w.Name is "kernel" or "embeddings")
            ?? throw new ModelException($"SpectralNormalization needs a layer with a 'kernel' or 'embeddings' weight; {inner.Title} has none");
        foreach (var w in weights) yield return w;
        var columns = kernel.Shape[-1]!.Value;
        yield return new("vector_u", Shape.Of(1, columns), false,
            $"power-iteration estimate of the top singular vector of the {kernel.Name} ({kernel.Shape[-1]} columns): updated by the layer, not learned by gradients");
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights) =>
        $"wrapped layer {LayerConfig.Number(Checked.Sum(weights.SkipLast(1).Select(w => w.Count)))} + vector_u {LayerConfig.Number(weights[^1].Count)}";

    public override string? Detail(LayerConfig config) =>
        config.Raw("layer") is JsonObject o && o["class_name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>Normalization layers (the preprocessing <c>Normalization</c> lives with the preprocessing layers).</summary>
public sealed class NormalizationFamily : LayerFamily
{
    public override IEnumerable<LayerDeclaration> Declarations() =>
    [
        new BatchNormalizationDeclaration(), new BatchNormalizationDeclaration("SyncBatchNormalization"),
        new LayerNormalizationDeclaration(), new GroupNormalizationDeclaration(), new RMSNormalizationDeclaration(),
        new UnitNormalizationDeclaration(), new SpectralNormalizationDeclaration(),
    ];

    public override IEnumerable<(string Alias, string ClassName)> Aliases() =>
        [("BatchNormalizationV1", "BatchNormalization"), ("BatchNormalizationV2", "BatchNormalization"), ("LayerNormalizationV1", "LayerNormalization")];
}
