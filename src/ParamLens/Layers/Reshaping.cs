using System.Text.Json.Nodes;
using ParamLens.Shapes;
using static ParamLens.Layers.SpatialArithmetic;

namespace ParamLens.Layers;

/// <summary>Keras <c>Flatten</c>: all non-batch axes become one; no weights.</summary>
public sealed class FlattenDeclaration() : WeightlessLayerDeclaration("Flatten", PositionalOrder.Of("data_format"), ConfigKey.Opt("data_format", null))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var rest = call.Input.WithoutBatch;
        if (rest.Rank == 0) throw new ModelException($"Flatten needs an input with a non-batch axis, got {call.Input}");
        var size = rest.ElementCount;
        call.Note(size is long n
            ? $"{string.Join(" · ", rest.Select(Shape.DimText))} = {LayerConfig.Number(n)} values per sample"
            : "an unknown axis makes the flattened size unknown (None)");
        return [Shape.Of(call.Input[0], size)];
    }
}

/// <summary>Keras <c>Reshape</c>: the non-batch axes take <c>target_shape</c>, one -1 inferred; no weights.</summary>
public sealed class ReshapeDeclaration() : WeightlessLayerDeclaration("Reshape", PositionalOrder.Of("target_shape"), ConfigKey.Req("target_shape"))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        // TensorFlow.js writes the inferred entry as null instead of -1.
        var target = (call.Config.OptDims("target_shape") ?? throw new ModelException("Reshape needs 'target_shape'")).Select(d => d ?? -1).ToArray();
        var unknownAt = Array.IndexOf(target, -1);
        if (target.Count(t => t == -1) > 1) throw new ModelException("target_shape may contain -1 only once");
        if (target.Any(t => t < -1)) throw new ModelException($"target_shape [{string.Join(", ", target)}] has a negative size");
        var inputSize = call.Input.WithoutBatch.ElementCount;
        var known = Checked.Product(target.Where(t => t != -1));
        var dims = target.Select(t => (long?)t).ToArray();
        if (unknownAt >= 0)
        {
            if (inputSize is long n)
            {
                if (known == 0 || n % known != 0) throw new ModelException($"cannot reshape {LayerConfig.Number(n)} values into [{string.Join(", ", target)}]");
                dims[unknownAt] = n / known;
                call.Note($"-1 is inferred: {LayerConfig.Number(n)} / {LayerConfig.Number(known)} = {dims[unknownAt]}");
            }
            else
            {
                dims[unknownAt] = null;
                call.Note("-1 stays unknown (None) because the input has an unknown axis");
            }
        }
        else if (inputSize is long n && n != known)
            throw new ModelException($"cannot reshape {LayerConfig.Number(n)} values into {LayerConfig.Number(known)} ([{string.Join(", ", target)}])");
        else if (inputSize is null)
            call.Note($"the target shape holds {LayerConfig.Number(known)} values per sample; the input has an unknown axis, so the sizes are checked when data arrives");
        else
            call.Note($"the {LayerConfig.Number(known)} values per sample are rearranged into the target shape");
        return [new Shape([call.Input[0], .. dims])];
    }
}

/// <summary>Per-axis (before, after) amounts from an int, a tuple of ints, or a tuple of pairs.</summary>
internal static class AxisPairs
{
    public static (long Before, long After)[] Read(LayerConfig config, string key, int rank)
    {
        var raw = config.Raw(key);
        (long, long) Pair(JsonNode? node) => node switch
        {
            JsonArray { Count: 2 } p => (AsLong(p[0]), AsLong(p[1])),
            _ => (AsLong(node), AsLong(node)),
        };
        long AsLong(JsonNode? n) => LayerConfig.AsLong(key, n) is var l && l >= 0
            ? l : throw new ModelException($"config key '{key}' should hold non-negative integers, not {raw?.ToJsonString()}");
        if (raw is JsonArray arr)
        {
            if (rank == 1 && arr.Count == 2 && arr.All(a => a is JsonValue)) return [Pair(arr)];
            if (arr.Count != rank) throw new ModelException($"config key '{key}' should have {rank} entries, not {raw.ToJsonString()}");
            return arr.Select(Pair).ToArray();
        }
        var one = Pair(raw);
        return Enumerable.Repeat(one, rank).ToArray();
    }
}

/// <summary>Keras <c>ZeroPadding1D/2D/3D</c>: zeros added before and after each spatial axis; no weights.</summary>
public sealed class ZeroPaddingDeclaration(int rank) : WeightlessLayerDeclaration($"ZeroPadding{rank}D",
    PositionalOrder.Of("padding", "data_format"),
    ConfigKey.Opt("padding", rank == 3 ? Json.Ints(1, 1, 1) : rank == 2 ? Json.Ints(1, 1) : 1), ConfigKey.Opt("data_format", null))
{
    public int Rank { get; } = rank;

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        RequireRank(call.Input, Rank + 2, ClassName);
        var pads = AxisPairs.Read(call.Config, "padding", Rank);
        var axes = SpatialAxes(Rank, ChannelsFirst(call.Config));
        var names = AxisNames(Rank);
        var output = call.Input;
        for (var i = 0; i < Rank; i++)
        {
            var length = call.Input[axes[i]];
            long? result = length is long l ? Checked.Add(l, pads[i].Before + pads[i].After) : null;
            call.Note($"{names[i]}: {Shape.DimText(length)} + {pads[i].Before} + {pads[i].After} = {Shape.DimText(result)}");
            output = output.With(axes[i], result);
        }
        call.Note("padding adds zeros, not weights");
        return [output];
    }
}

/// <summary>Keras <c>Cropping1D/2D/3D</c>: values removed before and after each spatial axis; no weights.</summary>
public sealed class CroppingDeclaration(int rank) : WeightlessLayerDeclaration($"Cropping{rank}D",
    PositionalOrder.Of("cropping", "data_format"),
    ConfigKey.Opt("cropping", rank == 2 ? new JsonArray(Json.Ints(0, 0), Json.Ints(0, 0)) : rank == 3
        ? new JsonArray(Json.Ints(1, 1), Json.Ints(1, 1), Json.Ints(1, 1)) : Json.Ints(1, 1)),
    ConfigKey.Opt("data_format", null))
{
    public int Rank { get; } = rank;

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        RequireRank(call.Input, Rank + 2, ClassName);
        var crops = AxisPairs.Read(call.Config, "cropping", Rank);
        var axes = SpatialAxes(Rank, ChannelsFirst(call.Config));
        var names = AxisNames(Rank);
        var output = call.Input;
        for (var i = 0; i < Rank; i++)
        {
            var length = call.Input[axes[i]];
            long? result = length is long l ? l - crops[i].Before - crops[i].After : null;
            if (result <= 0) throw new ModelException($"cropping {crops[i].Before} + {crops[i].After} leaves nothing of the {names[i]} {length}");
            call.Note($"{names[i]}: {Shape.DimText(length)} − {crops[i].Before} − {crops[i].After} = {Shape.DimText(result)}");
            output = output.With(axes[i], result);
        }
        return [output];
    }
}

/// <summary>Keras <c>UpSampling1D/2D/3D</c>: each value repeated <c>size</c> times along each spatial axis; no weights.</summary>
public sealed class UpSamplingDeclaration(int rank) : WeightlessLayerDeclaration($"UpSampling{rank}D",
    rank switch { 1 => PositionalOrder.Of("size"), 2 => PositionalOrder.Of("size", "data_format", "interpolation"), _ => PositionalOrder.Of("size", "data_format") },
    ConfigKey.Opt("size", rank == 1 ? 2 : rank == 2 ? Json.Ints(2, 2) : Json.Ints(2, 2, 2)), ConfigKey.Opt("data_format", null),
    ConfigKey.Opt("interpolation", "nearest"))
{
    public int Rank { get; } = rank;

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        RequireRank(call.Input, Rank + 2, ClassName);
        var size = call.Config.Tuple("size", Rank);
        var axes = SpatialAxes(Rank, ChannelsFirst(call.Config));
        var names = AxisNames(Rank);
        var output = call.Input;
        for (var i = 0; i < Rank; i++)
        {
            var length = call.Input[axes[i]];
            long? result = length is long l ? Checked.Multiply(l, size[i]) : null;
            call.Note($"{names[i]}: {Shape.DimText(length)} · {size[i]} = {Shape.DimText(result)}");
            output = output.With(axes[i], result);
        }
        return [output];
    }
}

/// <summary>Keras <c>Permute</c>: the non-batch axes reordered by <c>dims</c> (1-based); no weights.</summary>
public sealed class PermuteDeclaration() : WeightlessLayerDeclaration("Permute", PositionalOrder.Of("dims"), ConfigKey.Req("dims"))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var dims = call.Config.IntList("dims");
        var rank = call.Input.Rank - 1;
        if (dims.Length != rank || !dims.Order().SequenceEqual(Enumerable.Range(1, rank).Select(i => (long)i)))
            throw new ModelException($"dims [{string.Join(", ", dims)}] should be a permutation of 1…{rank} for the input {call.Input}");
        var output = new Shape([call.Input[0], .. dims.Select(d => call.Input[(int)d])]);
        call.Note($"axes reordered as ({string.Join(", ", dims)}): {call.Input} → {output}");
        return [output];
    }
}

/// <summary>Keras <c>RepeatVector</c>: <c>(batch, features)</c> repeated <c>n</c> times to <c>(batch, n, features)</c>; no weights.</summary>
public sealed class RepeatVectorDeclaration() : WeightlessLayerDeclaration("RepeatVector", PositionalOrder.Of("n"), ConfigKey.Req("n"))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        RequireRank(call.Input, 2, ClassName);
        var n = call.Config.Long("n");
        var output = Shape.Of(call.Input[0], n, call.Input[1]);
        call.Note($"the vector is repeated n = {n} times along a new axis 1: {output}");
        return [output];
    }
}

/// <summary>Layers that rearrange, pad, crop or resize without weights.</summary>
public sealed class ReshapingFamily : LayerFamily
{
    public override IEnumerable<LayerDeclaration> Declarations() =>
        new LayerDeclaration[] { new FlattenDeclaration(), new ReshapeDeclaration(), new PermuteDeclaration(), new RepeatVectorDeclaration() }.Concat(
            new[] { 1, 2, 3 }.SelectMany(r => new LayerDeclaration[] { new ZeroPaddingDeclaration(r), new CroppingDeclaration(r), new UpSamplingDeclaration(r) }));
}
