using System.Text.Json.Nodes;
using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>
/// A tensor operation recorded in a functional graph: a Keras 3 operation (<c>x / 255.0</c> records <c>TrueDivide</c>,
/// <c>x[:, 0]</c> records <c>GetItem</c>) or a tf.keras op layer (<c>TFOpLambda</c> named after the TensorFlow function,
/// <c>SlicingOpLambda</c>). Only tensors are the call's inputs; constants (a number, a list) enter the config with their
/// shape. Operations create no weights. These declarations are not in the <see cref="LayerCatalog"/>: saved files keep an
/// operation's arguments outside its config, so a reader cannot use them; code that records operations makes them through
/// <see cref="TensorOps"/>.
/// </summary>
public abstract class TensorOpDeclaration(string className, params ConfigKey[] keys)
    : WeightlessLayerDeclaration(className, PositionalOrder.None, [ConfigKey.Opt("function", null), .. keys])
{
    /// <summary>The function the operation stands for (as the code called it), shown next to the class.</summary>
    public override string? Detail(LayerConfig config) => config.OptString("function");

    /// <summary>An axis argument counted from the end when negative, checked against the rank.</summary>
    protected static int Axis(long axis, int rank, string what)
    {
        var a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new ModelException($"{what}: axis {axis} is out of range for a tensor of rank {rank}");
        return (int)a;
    }

    /// <summary>An optional axis argument: null, one int or a list of ints, normalized and without repeats.</summary>
    protected static int[]? Axes(LayerConfig config, string key, int rank, string what)
    {
        if (config.Raw(key) is null) return null;
        var axes = config.IntList(key).Select(a => Axis(a, rank, what)).ToArray();
        if (axes.Distinct().Count() != axes.Length) throw new ModelException($"{what}: repeated axis in {config.Raw(key)!.ToJsonString()}");
        return axes;
    }
}

/// <summary>A tensor operation whose function or arguments are not read here. It is not guessed: its output shape comes only
/// from one written in its config (or recorded by its consumer), and its note says why it is not read. An operation creates
/// no weights, so it has none.</summary>
public sealed class UnreadOperationDeclaration(string className, string whyNotRead) : LayerDeclaration(className, PositionalOrder.None)
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        ConfiguredOutput.Shapes(call) ?? call.UnknownOutput($"the output shape of the operation '{ClassName}' cannot be derived: {whyNotRead}");

    public override IEnumerable<WeightSpec> Weights(LayerCall call) => [];
}

/// <summary>Element-wise operations on several operands (tensors and constants) broadcast together, numpy style:
/// shapes are aligned from the right, a 1 stretches, unknown sizes take the other side's size.</summary>
public sealed class BroadcastOpDeclaration(string className) : TensorOpDeclaration(className, ConfigKey.Opt("operand_shapes", null))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var operands = TensorOps.OperandShapes(call);
        var output = operands.Aggregate((a, b) => TensorOps.Broadcast(a, b, ClassName));
        call.Note(operands.Count == 1
            ? $"element by element: the output has the input's shape {output}"
            : $"broadcasts the operand shapes {string.Join(" and ", operands)} element by element: {output}");
        return [output];
    }
}

/// <summary>Reductions (<c>mean</c>, <c>sum</c>, <c>max</c>, …) over <c>axis</c> (all axes when null), keeping reduced
/// axes as 1 when <c>keepdims</c>.</summary>
public sealed class ReduceOpDeclaration(string className)
    : TensorOpDeclaration(className, ConfigKey.Opt("axis", null), ConfigKey.Opt("keepdims", false))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var input = call.Input;
        var axes = Axes(call.Config, "axis", input.Rank, ClassName) ?? Enumerable.Range(0, input.Rank).ToArray();
        var keep = call.Config.Bool("keepdims");
        var output = new Shape(input.Select((d, i) => (d, i)).Where(p => keep || !axes.Contains(p.i)).Select(p => axes.Contains(p.i) ? 1 : p.d));
        call.Note($"reduces {input} over axis {string.Join(", ", axes)}{(keep ? " keeping them as 1" : "")}: {output}");
        return [output];
    }
}

/// <summary><c>expand_dims(x, axis)</c>: a new axis of size 1 at each given position of the output.</summary>
public sealed class ExpandDimsOpDeclaration(string className) : TensorOpDeclaration(className, ConfigKey.Req("axis"))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var input = call.Input;
        var axes = Axes(call.Config, "axis", input.Rank + call.Config.IntList("axis").Length, ClassName)!;
        var rest = input.GetEnumerator();
        var output = new Shape(Enumerable.Range(0, input.Rank + axes.Length).Select(i => axes.Contains(i) ? 1 : rest.MoveNext() ? rest.Current : null));
        call.Note($"inserts an axis of size 1 at position {string.Join(", ", axes)} of {input}: {output}");
        return [output];
    }
}

/// <summary><c>squeeze(x, axis)</c>: removes axes of size 1 (the given ones, or every one).</summary>
public sealed class SqueezeOpDeclaration(string className, bool unknownSizeMayBeSqueezed)
    : TensorOpDeclaration(className, ConfigKey.Opt("axis", null))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var input = call.Input;
        var axes = Axes(call.Config, "axis", input.Rank, ClassName);
        if (axes is null)
        {
            // Without axes, an unknown size may or may not be 1: TensorFlow then knows no rank at all.
            if (unknownSizeMayBeSqueezed && input.Any(d => d is null))
                throw new ModelException($"{ClassName} without an axis on {input} gives a tensor of unknown rank; give the axis to squeeze");
            axes = Enumerable.Range(0, input.Rank).Where(i => input[i] == 1).ToArray();
        }
        foreach (var a in axes)
            if (input[a] != 1 && !(unknownSizeMayBeSqueezed && input[a] is null))
                throw new ModelException($"{ClassName} cannot squeeze axis {a} of {input}: its size is {Shape.DimText(input[a])}, not 1");
        var output = new Shape(input.Where((_, i) => !axes.Contains(i)));
        call.Note($"removes the axes of size 1 ({string.Join(", ", axes)}) of {input}: {output}");
        return [output];
    }
}

/// <summary><c>transpose(x, perm)</c>: the axes reordered (reversed when no permutation is given).</summary>
public sealed class TransposeOpDeclaration(string className) : TensorOpDeclaration(className, ConfigKey.Opt("perm", null))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var input = call.Input;
        var perm = call.Config.Raw("perm") is null ? Enumerable.Range(0, input.Rank).Reverse().ToArray()
            : call.Config.IntList("perm").Select(a => Axis(a, input.Rank, ClassName)).ToArray();
        if (perm.Length != input.Rank || perm.Distinct().Count() != perm.Length)
            throw new ModelException($"{ClassName}: ({string.Join(", ", perm)}) is not a permutation of the {input.Rank} axes of {input}");
        var output = new Shape(perm.Select(a => input[a]));
        call.Note($"takes the axes of {input} in the order ({string.Join(", ", perm)}): {output}");
        return [output];
    }
}

/// <summary><c>matmul(a, b)</c>: the last axis of <c>a</c> meets the second-to-last of <c>b</c>; leading axes broadcast.
/// A vector operand (rank 1) is taken as a row or column and its axis dropped, as numpy does. <c>transpose_a</c> and
/// <c>transpose_b</c> (TensorFlow) swap an operand's last two axes first.</summary>
public sealed class MatmulOpDeclaration(string className, bool vectorsAllowed)
    : TensorOpDeclaration(className, ConfigKey.Opt("operand_shapes", null), ConfigKey.Opt("transpose_a", false), ConfigKey.Opt("transpose_b", false))
{
    private static Shape SwapLastTwo(Shape s) => s.Rank < 2 ? s : new Shape([.. s.Take(s.Rank - 2), s[-1], s[-2]]);

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var operands = TensorOps.OperandShapes(call);
        if (operands.Count != 2) throw new ModelException($"{ClassName} takes 2 operands, got {operands.Count}");
        var (a, b) = (operands[0], operands[1]);
        if (call.Config.Bool("transpose_a")) a = SwapLastTwo(a);
        if (call.Config.Bool("transpose_b")) b = SwapLastTwo(b);
        var minimum = vectorsAllowed ? 1 : 2;
        if (a.Rank < minimum || b.Rank < minimum)
            throw new ModelException($"{ClassName} needs operands of rank {minimum} or more, got {a} and {b}");
        var a2 = a.Rank == 1 ? new Shape([1, a[0]]) : a;
        var b2 = b.Rank == 1 ? new Shape([b[0], 1]) : b;
        var (k1, k2) = (a2[-1], b2[-2]);
        if (k1 is long x && k2 is long y && x != y)
            throw new ModelException($"{ClassName} cannot multiply {a} by {b}: the inner sizes {x} and {y} differ");
        var batch = TensorOps.Broadcast(new Shape(a2.Take(a2.Rank - 2)), new Shape(b2.Take(b2.Rank - 2)), ClassName);
        var dims = batch.ToList();
        if (a.Rank > 1) dims.Add(a2[-2]);
        if (b.Rank > 1) dims.Add(b2[-1]);
        var output = new Shape(dims);
        call.Note($"matrix product of {a} and {b} over the inner size {Shape.DimText(k1 ?? k2)}: {output}");
        return [output];
    }
}

/// <summary>Indexing and slicing (<c>x[:, -1, :]</c>, <c>x[..., :3]</c>, <c>x[:, None]</c>) as numpy basic indexing: an
/// integer removes its axis, a slice keeps it with the length of <c>range(start, stop, step)</c> when the size is known,
/// <c>...</c> stands for the axes not named, <c>None</c> adds an axis of size 1. The key is in the config as a list of
/// <c>{"index": n}</c>, <c>{"slice": [start, stop, step]}</c>, <c>"..."</c> and <c>null</c> (new axis).</summary>
public sealed class GetItemOpDeclaration(string className) : TensorOpDeclaration(className, ConfigKey.Req("key"))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var input = call.Input;
        var key = call.Config.Raw("key") as JsonArray ?? throw new ModelException($"{ClassName}: the key should be a list");
        var named = key.Count(k => k is JsonObject);
        if (key.Count(k => k is JsonValue v && v.TryGetValue<string>(out var s) && s == "...") > 1)
            throw new ModelException($"{ClassName}: an index can only have a single ellipsis ('...')");
        if (named > input.Rank) throw new ModelException($"{ClassName}: too many indices for a tensor of rank {input.Rank} ({input})");
        var dims = new List<long?>();
        var axis = 0;
        var parts = new List<string>();
        foreach (var item in key)
        {
            switch (item)
            {
                case null:
                    dims.Add(1);
                    parts.Add("None adds an axis of size 1");
                    break;
                case JsonValue:
                    var skipped = input.Rank - axis - key.Skip(key.IndexOf(item) + 1).Count(k => k is JsonObject);
                    dims.AddRange(input.Skip(axis).Take(skipped));
                    axis += skipped;
                    parts.Add($"... keeps {skipped} axes");
                    break;
                case JsonObject o when o["index"] is { } indexNode:
                    var index = LayerConfig.AsLong("index", indexNode);
                    if (input[axis] is long size && (index < -size || index >= size))
                        throw new ModelException($"{ClassName}: index {index} is out of bounds for axis {axis} with size {size}");
                    parts.Add($"[{index}] removes axis {axis}");
                    axis++;
                    break;
                case JsonObject o when o["slice"] is JsonArray bounds:
                    var length = SliceLength(input[axis], bounds);
                    parts.Add($"[{SliceText(bounds)}] on {Shape.DimText(input[axis])} keeps {Shape.DimText(length)}");
                    dims.Add(length);
                    axis++;
                    break;
                default:
                    throw new ModelException($"{ClassName}: unsupported index item {item.ToJsonString()}");
            }
        }
        dims.AddRange(input.Skip(axis)); // axes not indexed are kept whole
        var output = new Shape(dims);
        call.Note($"indexes {input}: {string.Join("; ", parts)}: {output}");
        return [output];
    }

    /// <summary>Python's <c>len(range(*slice(start, stop, step).indices(size)))</c>; unknown when the size is.</summary>
    private long? SliceLength(long? size, JsonArray bounds)
    {
        long? Bound(int i) => bounds.Count > i && bounds[i] is { } n ? LayerConfig.AsLong("slice", n) : null;
        var step = Bound(2) ?? 1;
        if (step == 0) throw new ModelException($"{ClassName}: slice step cannot be zero");
        // Its size could not be taken (nor Python's range step reversed): no real model slices this way.
        if (step == long.MinValue) throw new ModelException($"{ClassName}: slice step {step} is too large in size");
        if (size is not long n) return null;
        long Clamp(long? bound, long fallback)
        {
            if (bound is not long b) return fallback;
            if (b < 0) b += n;
            return step > 0 ? Math.Clamp(b, 0, n) : Math.Clamp(b, -1, n - 1);
        }
        var start = Clamp(Bound(0), step > 0 ? 0 : n - 1);
        var stop = Clamp(Bound(1), step > 0 ? n : -1);
        var span = step > 0 ? stop - start : start - stop;
        return span <= 0 ? 0 : (span - 1) / Math.Abs(step) + 1; // rounded up without overflowing for a huge step
    }

    private static string SliceText(JsonArray bounds)
    {
        var texts = bounds.Select(b => b?.ToJsonString() ?? "").ToList();
        while (texts.Count > 2 && texts[^1] == "") texts.RemoveAt(texts.Count - 1);
        return string.Join(":", texts);
    }
}

/// <summary><c>concat</c>/<c>concatenate</c> as an operation: tensors joined along <c>axis</c> (any axis, the batch axis
/// included); the other axes must agree.</summary>
public sealed class ConcatOpDeclaration(string className) : TensorOpDeclaration(className, ConfigKey.Opt("axis", 0))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var inputs = TensorOps.SomeInputs(call, ClassName);
        var rank = inputs[0].Rank;
        if (inputs.Any(s => s.Rank != rank)) throw new ModelException($"{ClassName} needs tensors of one rank, got {string.Join(", ", inputs)}");
        var axis = Axis(call.Config.Long("axis"), rank, ClassName);
        var dims = new long?[rank];
        for (var i = 0; i < rank; i++)
        {
            if (i == axis)
            {
                dims[i] = inputs.Any(s => s[i] is null) ? null : Checked.Sum(inputs.Select(s => s[i]!.Value));
                continue;
            }
            dims[i] = TensorOps.SameSize(inputs.Select(s => s[i]), $"{ClassName} needs matching sizes except on axis {axis}, got {string.Join(", ", inputs)}");
        }
        var output = new Shape(dims);
        call.Note($"joins {string.Join(", ", inputs)} along axis {axis}: {string.Join(" + ", inputs.Select(s => Shape.DimText(s[axis])))} = {Shape.DimText(dims[axis])}: {output}");
        return [output];
    }
}

/// <summary><c>stack</c>: tensors of one shape joined along a new axis whose size is their count.</summary>
public sealed class StackOpDeclaration(string className) : TensorOpDeclaration(className, ConfigKey.Opt("axis", 0))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var inputs = TensorOps.SomeInputs(call, ClassName);
        var rank = inputs[0].Rank;
        if (inputs.Any(s => s.Rank != rank)) throw new ModelException($"{ClassName} needs tensors of one shape, got {string.Join(", ", inputs)}");
        var dims = Enumerable.Range(0, rank)
            .Select(i => TensorOps.SameSize(inputs.Select(s => s[i]), $"{ClassName} needs tensors of one shape, got {string.Join(", ", inputs)}")).ToList();
        var axis = Axis(call.Config.Long("axis"), rank + 1, ClassName);
        dims.Insert(axis, inputs.Count);
        var output = new Shape(dims);
        call.Note($"stacks {inputs.Count} tensors of shape {inputs[0]} along a new axis {axis}: {output}");
        return [output];
    }
}

/// <summary><c>split</c>: one tensor cut along <c>axis</c> into equal <c>sections</c>, into pieces of the given
/// <c>sizes</c> (TensorFlow), or at the given <c>indices</c> (numpy, Keras 3).</summary>
public sealed class SplitOpDeclaration(string className)
    : TensorOpDeclaration(className, ConfigKey.Opt("axis", 0), ConfigKey.Opt("sections", null), ConfigKey.Opt("sizes", null), ConfigKey.Opt("indices", null))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var input = call.Input;
        var config = call.Config;
        var axis = Axis(config.Long("axis"), input.Rank, ClassName);
        var size = input[axis];
        List<long?> pieces;
        if (config.OptLong("sections") is long sections)
        {
            if (sections <= 0) throw new ModelException($"{ClassName}: the number of sections must be positive, got {sections}");
            // A known size caps the count by divisibility below; an unknown or empty axis is capped here, before any piece is made.
            if (sections > Math.Max(size ?? 0, TensorOps.MaxSections))
                throw new ModelException($"{ClassName}: {LayerConfig.Number(sections)} sections are more than the {LayerConfig.Number(TensorOps.MaxSections)} read here for axis {axis} of {input}");
            if (size is long n && n % sections != 0)
                throw new ModelException($"{ClassName}: axis {axis} of {input} (size {n}) does not divide into {sections} equal sections");
            pieces = Enumerable.Repeat(size is long m ? m / sections : (long?)null, (int)sections).ToList();
        }
        else if (config.Raw("sizes") is not null)
        {
            var sizes = config.IntList("sizes");
            if (sizes.Count(s => s == -1) > 1) throw new ModelException($"{ClassName}: only one size can be -1");
            var known = Checked.Sum(sizes.Where(s => s != -1));
            if (size is long n && (sizes.Contains(-1) ? known > n : known != n))
                throw new ModelException($"{ClassName}: the sizes [{string.Join(", ", sizes)}] do not add up to {n}, the size of axis {axis} of {input}");
            pieces = sizes.Select(s => s == -1 ? (size is long t ? t - known : (long?)null) : s).ToList();
        }
        else
        {
            var indices = config.Raw("indices") is null ? throw new ModelException($"{ClassName} needs sections, sizes or indices") : config.IntList("indices");
            var bounds = new List<long?> { 0 };
            bounds.AddRange(indices.Select(i => (long?)(size is long n ? Math.Clamp(i < 0 ? i + n : i, 0, n) : i)));
            bounds.Add(size);
            pieces = [];
            for (var i = 1; i < bounds.Count; i++)
                pieces.Add(bounds[i] is long hi && bounds[i - 1] is long lo ? Math.Max(0, hi - lo) : null);
        }
        var outputs = pieces.Select(p => input.With(axis, p)).ToArray();
        call.Note($"cuts axis {axis} of {input} into {string.Join(" + ", pieces.Select(Shape.DimText))}: {string.Join(", ", outputs.AsEnumerable())}");
        return outputs;
    }
}

/// <summary><c>reshape(x, newshape)</c> as an operation: the whole shape, batch axis included. At most one -1 is worked
/// out from the element count; when the input or the new shape has an unknown size, the new shape is taken as written
/// with -1 unknown (Keras 3 <c>compute_reshape_output_shape</c>).</summary>
public sealed class ReshapeOpDeclaration(string className) : TensorOpDeclaration(className, ConfigKey.Req("newshape"))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var input = call.Input;
        var target = call.Config.OptDims("newshape") ?? throw new ModelException($"{ClassName}: the new shape should be a list of sizes, got {call.Config.Raw("newshape")?.ToJsonString() ?? "null"}");
        var targetText = "(" + string.Join(", ", target.Select(d => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None")) + ")";
        if (target.Count(d => d == -1) > 1 || target.Any(d => d < -1))
            throw new ModelException($"{ClassName}: the new shape {targetText} may hold one -1 and otherwise sizes of 0 or more");
        var dims = target.ToArray();
        var free = Array.IndexOf(dims, -1);
        if (input.ElementCount is not long total || dims.Any(d => d is null))
        {
            if (free >= 0) dims[free] = null;
            call.Note($"reshapes {input} to {targetText}; with an unknown size the new shape is taken as written ({(free >= 0 ? "-1 stays unknown" : "nothing to work out")})");
            return [new Shape(dims)];
        }
        var known = Checked.Product(dims.Where(d => d != -1).Select(d => d!.Value));
        if (free >= 0 ? known == 0 || total % known != 0 : known != total)
            throw new ModelException($"{ClassName} cannot reshape {input} ({LayerConfig.Number(total)} elements) to {targetText}");
        if (free >= 0) dims[free] = total / known;
        var output = new Shape(dims);
        call.Note(free >= 0
            ? $"reshapes {input} to {targetText}: -1 = {LayerConfig.Number(total)} / {LayerConfig.Number(known)} = {LayerConfig.Number(dims[free]!.Value)}: {output}"
            : $"reshapes {input} to {output} ({LayerConfig.Number(total)} elements)");
        return [output];
    }
}

/// <summary>The shape rule of a tensor operation (one declaration class above each).</summary>
public enum OpRule { Broadcast, Reduce, ExpandDims, Squeeze, Transpose, Matmul, GetItem, Concat, Stack, Split, Reshape }

/// <summary>The shape rules shared by tensor operations: numpy broadcasting, sizes that must agree, operands.</summary>
public static class TensorOps
{
    /// <summary>The most pieces a split of an axis of unknown (or zero) size is read with: a count beyond it is a mistake,
    /// not a model, and each piece is a tensor held here.</summary>
    public const int MaxSections = 1024;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string ClassName, OpRule Rule, bool Keras3), LayerDeclaration> Declarations = new();

    /// <summary>The declaration of one rule under one class name, made once; the flavour decides the two rules where
    /// TensorFlow and Keras 3 differ.</summary>
    public static LayerDeclaration Declaration(string className, OpRule rule, bool keras3) =>
        Declarations.GetOrAdd((className, rule, keras3), key => key.Rule switch
        {
            OpRule.Broadcast => new BroadcastOpDeclaration(key.ClassName),
            OpRule.Reduce => new ReduceOpDeclaration(key.ClassName),
            OpRule.ExpandDims => new ExpandDimsOpDeclaration(key.ClassName),
            // TensorFlow lets an unknown size be squeezed (checked when run); Keras 3 requires a known 1.
            OpRule.Squeeze => new SqueezeOpDeclaration(key.ClassName, unknownSizeMayBeSqueezed: !key.Keras3),
            OpRule.Transpose => new TransposeOpDeclaration(key.ClassName),
            // tf.linalg.matmul needs rank 2 or more; Keras 3 takes vectors as numpy does.
            OpRule.Matmul => new MatmulOpDeclaration(key.ClassName, vectorsAllowed: key.Keras3),
            OpRule.GetItem => new GetItemOpDeclaration(key.ClassName),
            OpRule.Concat => new ConcatOpDeclaration(key.ClassName),
            OpRule.Stack => new StackOpDeclaration(key.ClassName),
            OpRule.Split => new SplitOpDeclaration(key.ClassName),
            _ => new ReshapeOpDeclaration(key.ClassName),
        });

    /// <summary>Numpy broadcasting of two shapes. An unknown size meets a 1 as unknown and any other size as that size;
    /// two different known sizes other than 1 cannot broadcast.</summary>
    public static Shape Broadcast(Shape a, Shape b, string what)
    {
        var rank = Math.Max(a.Rank, b.Rank);
        var dims = new long?[rank];
        for (var i = 1; i <= rank; i++)
        {
            long? x = i <= a.Rank ? a[a.Rank - i] : 1, y = i <= b.Rank ? b[b.Rank - i] : 1;
            dims[rank - i] = x == 1 ? y : y == 1 ? x
                : x is null ? y : y is null ? x
                : x == y ? x : throw new ModelException($"{what} cannot broadcast the shapes {a} and {b} (sizes {x} and {y})");
        }
        return new Shape(dims);
    }

    /// <summary>The sizes several tensors must share on one axis: the known size, or unknown when none is known.</summary>
    public static long? SameSize(IEnumerable<long?> sizes, string error)
    {
        var known = sizes.Where(d => d is not null).Distinct().ToArray();
        return known.Length switch { 0 => null, 1 => known[0], _ => throw new ModelException(error) };
    }

    /// <summary>The tensors an operation on a list joins; an empty list is an error, as in Keras.</summary>
    internal static IReadOnlyList<Shape> SomeInputs(LayerCall call, string what) =>
        call.Inputs.Count > 0 ? call.Inputs : throw new ModelException($"{what} needs at least one tensor, got none");

    /// <summary>The operands in call order: <c>operand_shapes</c> lists each constant's shape and null for each tensor
    /// input; without it the operands are the tensor inputs.</summary>
    internal static List<Shape> OperandShapes(LayerCall call)
    {
        if (call.Config.Raw("operand_shapes") is not JsonArray list) return [.. call.Inputs];
        var tensors = new Queue<Shape>(call.Inputs);
        var operands = list.Select(o => o is JsonArray dims
            ? new Shape(dims.Select(d => d is null ? (long?)null : LayerConfig.AsLong("operand_shapes", d)))
            : tensors.Count > 0 ? tensors.Dequeue() : throw new ModelException("fewer tensor inputs than the operation's operands")).ToList();
        if (tensors.Count > 0) throw new ModelException("more tensor inputs than the operation's operands");
        return operands;
    }
}
