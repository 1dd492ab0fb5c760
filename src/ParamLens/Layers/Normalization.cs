using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>Keras <c>BatchNormalization</c>: per-channel scale and shift, plus running statistics used at inference.</summary>
public sealed class BatchNormalizationDeclaration() : LayerDeclaration("BatchNormalization",
    ConfigKey.Opt("axis", -1), ConfigKey.Opt("momentum", 0.99), ConfigKey.Opt("epsilon", 0.001),
    ConfigKey.Opt("center", true), ConfigKey.Opt("scale", true), ConfigKey.Opt("renorm", false))
{
    private const string RunningStatistic =
        "updated by momentum during training, not by gradients; used instead of the batch statistics at inference";

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, "the shape is unchanged: each value is normalised, then scaled and shifted")];

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var (paramShape, channels) = ParamShape(call);
        call.Note($"normalises over axis {string.Join(", ", call.Config.IntList("axis"))}, which has {channels} channels: one value per channel in each vector");
        if (call.Config.Bool("scale")) yield return new("gamma", paramShape, true, "learned scale");
        if (call.Config.Bool("center")) yield return new("beta", paramShape, true, "learned shift");
        yield return new("moving_mean", paramShape, false, "running average of the batch means: " + RunningStatistic);
        yield return new("moving_variance", paramShape, false, "running average of the batch variances: " + RunningStatistic);
        if (call.Config.Bool("renorm"))
        {
            const string renorm = "batch renormalization statistic, a running average, not learned by gradients";
            yield return new("moving_stddev", paramShape, false, renorm);
            yield return new("renorm_mean", paramShape, false, renorm);
            yield return new("renorm_stddev", paramShape, false, renorm);
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
        var axes = call.Config.IntList("axis").Select(a => (int)(a < 0 ? a + input.Rank : a)).ToArray();
        foreach (var a in axes)
            if (a <= 0 || a >= input.Rank) throw new ModelException($"axis {a} is out of range for the input {input}");
        long Size(int a) => input[a] ?? throw new ModelException($"axis {a} of the input {input} must be known to build the weights");
        if (axes.Length == 1) return (Shape.Of(Size(axes[0])), Size(axes[0]));
        var dims = Enumerable.Range(0, input.Rank).Select(i => axes.Contains(i) ? Size(i) : 1L).Select(d => (long?)d);
        var shape = new Shape(dims);
        return (shape, shape.ElementCount!.Value);
    }
}

/// <summary>Normalization layers.</summary>
public sealed class NormalizationFamily : LayerFamily
{
    public override IEnumerable<LayerDeclaration> Declarations() => [new BatchNormalizationDeclaration()];

    public override IEnumerable<(string Alias, string ClassName)> Aliases() =>
        [("BatchNormalizationV1", "BatchNormalization"), ("BatchNormalizationV2", "BatchNormalization")];
}
