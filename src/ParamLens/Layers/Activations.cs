using System.Text.Json.Nodes;
using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>Keras <c>ReLU</c>: <c>max(x, 0)</c> with optional cap, slope and threshold; no weights.</summary>
public sealed class ReLUDeclaration() : WeightlessLayerDeclaration("ReLU",
    PositionalOrder.Of("max_value", "negative_slope", "threshold"),
    ConfigKey.Opt("max_value", null), ConfigKey.Opt("negative_slope", 0.0), ConfigKey.Opt("threshold", 0.0))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, "the shape is unchanged: ReLU acts on each value")];
}

/// <summary>Keras <c>LeakyReLU</c>: slope <c>negative_slope</c> (Keras 3) or <c>alpha</c> (Keras 2), 0.3 by default, below
/// zero; no weights.</summary>
public sealed class LeakyReLUDeclaration() : WeightlessLayerDeclaration("LeakyReLU",
    PositionalOrder.ByVersion(v => v.IsKeras3 ? ["negative_slope"] : ["alpha"]),
    ConfigKey.ByVersion("negative_slope", v => v.IsKeras3 ? (JsonNode)0.3 : null),
    ConfigKey.ByVersion("alpha", v => v.IsKeras3 ? null : (JsonNode)0.3))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, $"the shape is unchanged: LeakyReLU multiplies negative values by {Slope(call.Config)}, a fixed number, not a weight")];

    /// <summary>Keras 3 still accepts the old <c>alpha</c> name, so whichever key is set wins.</summary>
    private static double Slope(LayerConfig c) => c.Has("negative_slope") ? c.Double("negative_slope") : c.Double("alpha");
}

/// <summary>Keras <c>ELU</c>: <c>alpha·(exp(x) − 1)</c> below zero; no weights.</summary>
public sealed class ELUDeclaration() : WeightlessLayerDeclaration("ELU", PositionalOrder.Of("alpha"), ConfigKey.Opt("alpha", 1.0))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, $"the shape is unchanged: ELU with the fixed alpha {call.Config.Double("alpha")} acts on each value")];
}

/// <summary>Keras <c>Softmax</c>: normalises along <c>axis</c> so the values sum to 1; no weights.</summary>
public sealed class SoftmaxDeclaration() : WeightlessLayerDeclaration("Softmax", PositionalOrder.Of("axis"), ConfigKey.Opt("axis", -1))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, $"the shape is unchanged: values are normalised along axis {string.Join(", ", call.Config.IntList("axis"))} to sum to 1")];
}

/// <summary>Keras 2 <c>ThresholdedReLU</c> (removed in Keras 3): <c>x if x &gt; theta else 0</c>; no weights.</summary>
public sealed class ThresholdedReLUDeclaration() : WeightlessLayerDeclaration("ThresholdedReLU", PositionalOrder.Of("theta"), ConfigKey.Opt("theta", 1.0))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, $"the shape is unchanged: values not above theta = {call.Config.Double("theta")} become 0")];
}

/// <summary>Keras <c>PReLU</c>: a learned negative slope per value of the input (without the batch axis), shared along
/// <c>shared_axes</c>.</summary>
public sealed class PReLUDeclaration() : LayerDeclaration("PReLU",
    PositionalOrder.Of("alpha_initializer", "alpha_regularizer", "alpha_constraint", "shared_axes"),
    ConfigKey.Opt("alpha_initializer", "zeros"), ConfigKey.Opt("alpha_regularizer", null), ConfigKey.Opt("alpha_constraint", null),
    ConfigKey.Opt("shared_axes", null)), IPrintedInference
{
    /// <summary>Every choice of shared axes whose alpha shape has the printed count.</summary>
    public RowInference Infer(PrintedLayer row)
    {
        if (row.Output is not { Rank: >= 2 } output || output.WithoutBatch.Any(d => d is null)) return RowInference.CannotSolve("output shape");
        var rank = output.Rank - 1;
        var candidates = new List<Candidate>();
        for (var mask = 0; mask < 1 << rank; mask++)
        {
            var shared = Enumerable.Range(1, rank).Where(a => (mask & (1 << (a - 1))) != 0).ToArray();
            var alpha = output.WithoutBatch.Select((d, i) => shared.Contains(i + 1) ? 1 : d!.Value);
            candidates.Add(new Candidate(new JsonObject { ["shared_axes"] = shared.Length == 0 ? null : Json.Ints([.. shared.Select(a => (long)a)]) },
                [output], "∏ alpha shape", string.Join("·", alpha),
                shared.Length == 0 ? "one alpha per element (no shared axes)" : $"shared_axes = [{string.Join(", ", shared)}]"));
        }
        return RowInference.Of(PrintedFit.Keep(this, row, candidates), () => $"no choice of shared axes of {output} gives {PrintedFit.N(row.Params)}");
    }

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, "the shape is unchanged: each value gets its own learned slope below zero")];

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var shape = AlphaShape(call, out var shared);
        var sharing = shared.Length == 0 ? "one slope per value of a sample"
            : $"one slope per value of a sample, shared along axes {string.Join(", ", shared)} (size 1 there)";
        yield return new("alpha", shape, true, $"learned slope for negative values: {sharing}");
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights) =>
        $"{string.Join(" · ", AlphaShape(call, out _).Select(Shape.DimText))} (the input without the batch axis, each shared axis as 1)";

    /// <summary>The input without its batch axis, each shared axis (1-based, counting the batch) set to 1.</summary>
    private static Shape AlphaShape(LayerCall call, out long[] shared)
    {
        var dims = call.Input.WithoutBatch.ToArray();
        shared = call.Config.Has("shared_axes") ? call.Config.IntList("shared_axes") : [];
        foreach (var axis in shared)
        {
            if (axis < 1 || axis > dims.Length)
                throw new ModelException($"shared axis {axis} is out of range for the input {call.Input} (axes count from 1 after the batch)");
            dims[axis - 1] = 1;
        }
        var shape = new Shape(dims);
        if (!shape.IsFullyKnown) throw new ModelException($"PReLU needs every unshared axis known to build alpha, got {call.Input}");
        return shape;
    }
}

/// <summary>Activation layers with a fixed function (and PReLU, whose slope is learned).</summary>
public sealed class ActivationsFamily : LayerFamily
{
    public override IEnumerable<LayerDeclaration> Declarations() =>
    [
        new ReLUDeclaration(), new LeakyReLUDeclaration(), new ELUDeclaration(), new SoftmaxDeclaration(),
        new ThresholdedReLUDeclaration(), new PReLUDeclaration(),
    ];
}
