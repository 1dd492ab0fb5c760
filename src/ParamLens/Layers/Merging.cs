using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>Keras element-wise merges (<c>Add</c>, <c>Subtract</c>, <c>Multiply</c>, <c>Average</c>, <c>Maximum</c>,
/// <c>Minimum</c>): the inputs are broadcast to one shape; no weights.</summary>
public sealed class ElementwiseMergeDeclaration(string className, string verb) : WeightlessLayerDeclaration(className, PositionalOrder.None)
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var inputs = call.Inputs;
        if (inputs.Count < 2) throw new ModelException($"{ClassName} needs at least 2 inputs, got {inputs.Count}");
        if (ClassName == "Subtract" && inputs.Count != 2) throw new ModelException($"Subtract needs exactly 2 inputs, got {inputs.Count}");
        var rank = inputs.Max(s => s.Rank);
        var dims = new long?[rank];
        for (var i = 1; i <= rank; i++)
        {
            long? result = 1;
            var sawUnknown = false;
            foreach (var s in inputs)
            {
                if (i > s.Rank) continue;
                var d = s[s.Rank - i];
                if (d is null) { sawUnknown = true; continue; }
                if (d == 1) continue;
                if (result != 1 && result != d)
                    throw new ModelException($"{ClassName} cannot broadcast the shapes {string.Join(", ", inputs)}");
                result = d;
            }
            dims[rank - i] = result == 1 && sawUnknown ? null : result;
        }
        var batches = inputs.Where(s => s.Rank > 0).Select(s => s[0]).Distinct().ToArray();
        dims[0] = batches.Length == 1 ? batches[0] : null;
        var output = new Shape(dims);
        call.Note($"{verb} {inputs.Count} inputs of shapes {string.Join(", ", inputs)} element by element: {output}");
        return [output];
    }
}

/// <summary>Keras <c>Concatenate</c>: inputs joined along <c>axis</c>; the other axes must match; no weights.</summary>
public sealed class ConcatenateDeclaration() : WeightlessLayerDeclaration("Concatenate", PositionalOrder.Of("axis"), ConfigKey.Opt("axis", -1))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var inputs = call.Inputs;
        if (inputs.Count < 2) throw new ModelException($"Concatenate needs at least 2 inputs, got {inputs.Count}");
        var rank = inputs[0].Rank;
        if (inputs.Any(s => s.Rank != rank)) throw new ModelException($"Concatenate needs inputs of one rank, got {string.Join(", ", inputs)}");
        var axis = call.Config.Int("axis");
        if (axis < 0) axis += rank;
        if (axis <= 0 || axis >= rank) throw new ModelException($"axis {call.Config.Int("axis")} is out of range for inputs of rank {rank}");
        var dims = new long?[rank];
        for (var i = 0; i < rank; i++)
        {
            if (i == axis) continue;
            var known = inputs.Select(s => s[i]).Where(d => d is not null).Distinct().ToArray();
            if (known.Length > 1 && i != 0)
                throw new ModelException($"Concatenate needs matching shapes except on axis {axis}, got {string.Join(", ", inputs)}");
            dims[i] = known.Length == 1 && (i != 0 || inputs.All(s => s[0] is not null)) ? known[0] : null;
        }
        var parts = inputs.Select(s => s[axis]).ToArray();
        dims[axis] = parts.Any(p => p is null) ? null : Checked.Sum(parts.Select(p => p!.Value));
        call.Note($"axis {axis}: {string.Join(" + ", parts.Select(Shape.DimText))} = {Shape.DimText(dims[axis])}");
        return [new Shape(dims)];
    }
}

/// <summary>Keras <c>Dot</c>: the dot product of two inputs along <c>axes</c> (one per input); no weights, and <c>normalize</c>
/// (cosine similarity) changes no shape.</summary>
public sealed class DotDeclaration() : WeightlessLayerDeclaration("Dot", PositionalOrder.Of("axes", "normalize"), ConfigKey.Req("axes"), ConfigKey.Opt("normalize", false))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var inputs = call.Inputs;
        if (inputs.Count != 2) throw new ModelException($"Dot needs exactly 2 inputs, got {inputs.Count}");
        var (a, b) = (inputs[0], inputs[1]);
        var given = call.Config.IntList("axes");
        if (given.Length is not (1 or 2)) throw new ModelException($"axes should be one int or a pair, not [{string.Join(", ", given)}]");
        var axes = new[] { Normalize(given[0], a), Normalize(given.Length == 2 ? given[1] : given[0], b) };
        if (a[axes[0]] is long da && b[axes[1]] is long db && da != db)
            throw new ModelException($"Dot cannot contract axis {axes[0]} of {a} (size {da}) with axis {axes[1]} of {b} (size {db})");
        var dims = a.Where((_, i) => i != axes[0]).Concat(b.Where((_, i) => i != axes[1] && i != 0)).ToList();
        if (dims.Count == 1) dims.Add(1);
        var output = new Shape(dims);
        var normalized = call.Config.Bool("normalize") ? " (normalize = True: cosine similarity)" : "";
        call.Note($"contracts axis {axes[0]} of {a} with axis {axes[1]} of {b}{normalized}; the remaining axes of the first, then those of the second without its batch axis: {output}");
        return [output];
    }

    /// <summary>A negative axis counts from the end of that input; axis 0 is the batch and cannot be contracted.</summary>
    private static int Normalize(long axis, Shape input)
    {
        var a = (int)(axis < 0 ? axis + input.Rank : axis);
        if (a < 1 || a >= input.Rank) throw new ModelException($"axis {axis} is out of range for the input {input}");
        return a;
    }
}

/// <summary>Layers that merge several inputs.</summary>
public sealed class MergingFamily : LayerFamily
{
    public override IEnumerable<LayerDeclaration> Declarations() =>
    [
        new ConcatenateDeclaration(), new DotDeclaration(),
        new ElementwiseMergeDeclaration("Add", "adds"), new ElementwiseMergeDeclaration("Subtract", "subtracts"),
        new ElementwiseMergeDeclaration("Multiply", "multiplies"), new ElementwiseMergeDeclaration("Average", "averages"),
        new ElementwiseMergeDeclaration("Maximum", "takes the maximum of"), new ElementwiseMergeDeclaration("Minimum", "takes the minimum of"),
    ];
}
