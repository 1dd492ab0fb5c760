using ParamLens.Shapes;
using static ParamLens.Layers.SpatialArithmetic;

namespace ParamLens.Layers;

/// <summary>A layer that only perturbs values while training (dropout, noise) or adds a loss: same shape, no weights. Keras 3
/// gives the random ones a seed generator, which is state but not a weight.</summary>
public sealed class ShapePreservingRegularizer(string className, Func<LayerConfig, string> what, int? inputRank, PositionalOrder positional,
    params ConfigKey[] keys) : WeightlessLayerDeclaration(className, positional, keys)
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        if (inputRank is int rank) RequireRank(call.Input, rank, ClassName);
        return [Same(call, $"the shape is unchanged: {what(call.Config)}; nothing is learned")];
    }
}

/// <summary>Dropout, spatial dropout, Gaussian dropout and noise, alpha dropout and activity regularization.</summary>
public sealed class RegularizationFamily : LayerFamily
{
    public override IEnumerable<LayerDeclaration> Declarations() =>
    [
        new ShapePreservingRegularizer("Dropout", c => $"during training a fraction {c.Double("rate")} of the values is set to 0", null,
            PositionalOrder.Of("rate", "noise_shape", "seed"), ConfigKey.Req("rate"), ConfigKey.Opt("noise_shape", null), ConfigKey.Opt("seed", null)),
        .. new[] { 1, 2, 3 }.Select(rank => new ShapePreservingRegularizer($"SpatialDropout{rank}D",
            c => $"during training a fraction {c.Double("rate")} of whole channels (feature maps) is set to 0", rank + 2,
            rank == 1 ? PositionalOrder.Of("rate") : PositionalOrder.Of("rate", "data_format"),
            rank == 1 ? [ConfigKey.Req("rate"), ConfigKey.Opt("seed", null)]
                : [ConfigKey.Req("rate"), ConfigKey.Opt("data_format", null), ConfigKey.Opt("seed", null)])),
        new ShapePreservingRegularizer("GaussianDropout", c => $"during training each value is multiplied by noise with mean 1 (rate {c.Double("rate")})", null,
            PositionalOrder.Of("rate", "seed"), ConfigKey.Req("rate"), ConfigKey.Opt("seed", null)),
        new ShapePreservingRegularizer("GaussianNoise", c => $"during training Gaussian noise with standard deviation {c.Double("stddev")} is added", null,
            PositionalOrder.Of("stddev", "seed"), ConfigKey.Req("stddev"), ConfigKey.Opt("seed", null)),
        new ShapePreservingRegularizer("AlphaDropout", c => $"during training a fraction {c.Double("rate")} of the values is dropped, keeping mean and variance", null,
            PositionalOrder.Of("rate", "noise_shape", "seed"), ConfigKey.Req("rate"), ConfigKey.Opt("noise_shape", null), ConfigKey.Opt("seed", null)),
        new ShapePreservingRegularizer("ActivityRegularization", c => $"it adds l1 = {c.Double("l1")} and l2 = {c.Double("l2")} penalties on the activations to the loss", null,
            PositionalOrder.Of("l1", "l2"), ConfigKey.Opt("l1", 0.0), ConfigKey.Opt("l2", 0.0)),
    ];
}
