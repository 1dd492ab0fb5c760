using System.Text.Json.Nodes;
using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>What the attention layers share: query, value and optional key inputs, and the <c>return_attention_scores</c>
/// call argument, which a front end passes as a config key because it changes the number of outputs.</summary>
internal static class AttentionInputs
{
    public static readonly ConfigKey ReturnScores = ConfigKey.Opt("return_attention_scores", false);

    /// <summary>Query, value and key (the key defaults to the value).</summary>
    public static (Shape Query, Shape Value, Shape Key) Split(LayerCall call, string className)
    {
        var inputs = call.Inputs;
        if (inputs.Count is < 2 or > 3)
            throw new ModelException($"{className} takes query and value (and optionally key) inputs, got {inputs.Count}");
        var key = inputs.Count == 3 ? inputs[2] : inputs[1];
        if (inputs.Count == 2) call.NoteOnce("no key given: the value is also the key");
        return (inputs[0], inputs[1], key);
    }

    public static long Last(Shape shape, string what) =>
        shape[-1] ?? throw new ModelException($"the last dimension of the {what} {shape} must be known to build the weights");

    public static bool ReturnsScores(LayerCall call) => call.Config.Bool("return_attention_scores");
}

/// <summary>
/// Keras <c>MultiHeadAttention</c>: four projections (EinsumDense sub-layers <c>query</c>, <c>key</c>, <c>value</c>,
/// <c>attention_output</c>, and in Keras 3.14+ an optional <c>gate</c>). Each head projects the query and key to
/// <c>key_dim</c> and the value to <c>value_dim</c>; the output projection maps heads × value_dim back to
/// <c>output_shape</c> (default: the query's last dimension). <c>attention_axes</c> does not change the count.
/// </summary>
public sealed class MultiHeadAttentionDeclaration() : LayerDeclaration("MultiHeadAttention",
    PositionalOrder.Of("num_heads", "key_dim", "value_dim", "dropout", "use_bias", "output_shape", "attention_axes"),
    ConfigKey.Req("num_heads"), ConfigKey.Req("key_dim"), ConfigKey.Opt("value_dim", null), ConfigKey.Opt("dropout", 0.0),
    ConfigKey.Opt("use_bias", true), ConfigKey.Opt("output_shape", null), ConfigKey.Opt("attention_axes", null),
    ConfigKey.Opt("use_gate", false), AttentionInputs.ReturnScores), IPrintedInference
{
    /// <summary>With value_dim = key_dim the count is <c>H·kd·(Dq + Dk + Dv + O + 3) + O</c> with biases: only the product
    /// heads × key_dim is determined, so every split of it is tried.</summary>
    public RowInference Infer(PrintedLayer row)
    {
        if (row.OutputLast is not long o) return RowInference.CannotSolve("output's last axis");
        var inputs = row.Inputs ?? [];
        var dims = inputs.Select(s => s.Rank > 0 ? s[-1] : null).ToArray();
        if (dims.Length == 0 || dims.Any(d => d is null)) return RowInference.CannotSolve("query and value sizes (Connected to)");
        var dq = dims[0]!.Value;
        var dv = dims.Length > 1 ? dims[1]!.Value : dq;
        var dk = dims.Length > 2 ? dims[2]!.Value : dv;
        // Self-attention printed with one input is called on it as query and value.
        IReadOnlyList<Shape> callInputs = inputs.Count > 1 ? inputs : [inputs[0], inputs[0]];
        var candidates = new List<Candidate>();
        foreach (var bias in new[] { true, false })
        {
            var perUnit = dq + dk + dv + o + (bias ? 3 : 0);
            var rest = row.Params - (bias ? o : 0);
            if (rest <= 0 || rest % perUnit != 0) continue;
            var product = rest / perUnit;
            var equation = bias ? $"H·kd·({dq} + {dk} + {dv} + {o} + 3) + {o}" : $"H·kd·({dq} + {dk} + {dv} + {o})";
            foreach (var heads in PrintedFit.Divisors(product))
            {
                var keyDim = product / heads;
                var config = new JsonObject { ["num_heads"] = heads, ["key_dim"] = keyDim, ["use_bias"] = bias };
                if (o != dq) config["output_shape"] = o;
                candidates.Add(new Candidate(config, callInputs, equation, equation.Replace("H·kd", $"{heads}·{keyDim}", StringComparison.Ordinal),
                    $"num_heads × key_dim = {PrintedFit.N(product)}: {heads} × {keyDim}" + (bias ? "" : ", no biases")));
            }
        }
        return RowInference.Of(PrintedFit.Keep(this, row, candidates), () => $"no heads × key_dim gives {PrintedFit.N(row.Params)} for query {dq}, key {dk}, value {dv}, output {o}");
    }

    private static (long Heads, long KeyDim, long ValueDim) Sizes(LayerConfig c)
    {
        var heads = c.Long("num_heads");
        var keyDim = c.Long("key_dim");
        var valueDim = c.OptLong("value_dim") ?? keyDim;
        if (heads <= 0 || keyDim <= 0 || valueDim <= 0)
            throw new ModelException($"num_heads, key_dim and value_dim must be positive, got {heads}, {keyDim}, {valueDim}");
        return (heads, keyDim, valueDim);
    }

    /// <summary>The output's trailing dims: <c>output_shape</c> (an int or a tuple), else the query's last dim.</summary>
    private static long?[] OutputDims(LayerConfig c, Shape query) =>
        c.Has("output_shape") ? c.IntList("output_shape").Select(d => (long?)d).ToArray() : [query[-1]];

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var c = call.Config;
        var (query, value, key) = AttentionInputs.Split(call, ClassName);
        if (value.Rank != key.Rank || !value.Skip(1).SkipLast(1).SequenceEqual(key.Skip(1).SkipLast(1)))
            throw new ModelException($"the value {value} and key {key} must match in every dimension except the last");
        var outDims = OutputDims(c, query);
        var output = new Shape([.. query.SkipLast(1), .. outDims]);
        call.Note(c.Has("output_shape")
            ? $"the query's last axis is replaced by output_shape: {output}"
            : $"the output has the query's shape {output} (the output projection maps back to the query's {Shape.DimText(query[-1])} features)");
        if (!AttentionInputs.ReturnsScores(call)) return [output];
        var scores = ScoreShape(c, query, key);
        call.Note($"return_attention_scores: the attention weights (batch, heads, query positions, key positions) follow, {scores}");
        return [output, scores];
    }

    /// <summary>Scores are laid out as the non-attended axes, the heads, the query's attended axes, then the key's.</summary>
    private static Shape ScoreShape(LayerConfig c, Shape query, Shape key)
    {
        var (heads, _, _) = Sizes(c);
        var rank = query.Rank; // attended axes are counted among the query's axes before the feature axis
        int[] axes = c.Has("attention_axes")
            ? c.IntList("attention_axes").Select(a => (int)(a < 0 ? a + rank : a)).ToArray()
            : Enumerable.Range(1, rank - 2).ToArray();
        foreach (var a in axes)
            if (a <= 0 || a >= rank - 1) throw new ModelException($"attention axis {a} is out of range for the query {query}");
        var batchAxes = Enumerable.Range(0, rank - 1).Where(a => !axes.Contains(a));
        return new Shape([.. batchAxes.Select(a => query[a]), heads, .. axes.Select(a => query[a]), .. axes.Select(a => key[a])]);
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var c = call.Config;
        var (query, value, key) = AttentionInputs.Split(call, ClassName);
        var (heads, keyDim, valueDim) = Sizes(c);
        var bias = c.Bool("use_bias");
        var dq = AttentionInputs.Last(query, "query");
        IEnumerable<WeightSpec> Projection(string name, long inputs, long perHead, string what)
        {
            yield return new($"{name}/kernel", Shape.Of(inputs, heads, perHead), true,
                $"projects the {inputs} {what} features to {heads} heads × {perHead}");
            if (bias) yield return new($"{name}/bias", Shape.Of(heads, perHead), true, $"one offset per head and {name} unit");
        }
        foreach (var w in Projection("query", dq, keyDim, "query")) yield return w;
        foreach (var w in Projection("key", AttentionInputs.Last(key, "key"), keyDim, "key")) yield return w;
        foreach (var w in Projection("value", AttentionInputs.Last(value, "value"), valueDim, "value")) yield return w;
        if (c.Bool("use_gate"))
            foreach (var w in Projection("gate", dq, valueDim, "query (sigmoid gate on the attended values)")) yield return w;
        var outDims = OutputDims(c, query).Select(d => d ?? throw new ModelException($"the query's last dimension {query} must be known")).ToArray();
        yield return new("attention_output/kernel", new Shape([heads, valueDim, .. outDims.Select(d => (long?)d)]), true,
            $"maps the {heads} heads × {valueDim} attended values back to {string.Join(" × ", outDims)} output features");
        if (bias) yield return new("attention_output/bias", new Shape(outDims.Select(d => (long?)d)), true, "one offset per output feature");
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights)
    {
        var c = call.Config;
        var (query, value, key) = AttentionInputs.Split(call, ClassName);
        var (h, kd, vd) = Sizes(c);
        var o = string.Join("·", OutputDims(c, query).Select(Shape.DimText));
        var b = c.Bool("use_bias");
        string Term(string inputs, long perHead) => b ? $"({inputs} + 1)·{h}·{perHead}" : $"{inputs}·{h}·{perHead}";
        var terms = new List<string>
        {
            Term(Shape.DimText(query[-1]), kd), Term(Shape.DimText(key[-1]), kd), Term(Shape.DimText(value[-1]), vd),
        };
        if (c.Bool("use_gate")) terms.Add(Term(Shape.DimText(query[-1]), vd));
        terms.Add(b ? $"{h}·{vd}·{o} + {o}" : $"{h}·{vd}·{o}");
        return string.Join(" + ", terms);
    }

    public override string? Detail(LayerConfig config) => $"{config.Long("num_heads")} heads × key_dim {config.Long("key_dim")}";
}

/// <summary>
/// Keras <c>GroupedQueryAttention</c> (Keras 3): <c>num_query_heads</c> query heads share <c>num_key_value_heads</c>
/// key/value heads, each of <c>head_dim</c>; the output projection maps back to the query's feature size. Rank-3 inputs only.
/// </summary>
public sealed class GroupedQueryAttentionDeclaration() : LayerDeclaration("GroupedQueryAttention",
    PositionalOrder.Of("head_dim", "num_query_heads", "num_key_value_heads", "dropout", "use_bias"),
    ConfigKey.Req("head_dim"), ConfigKey.Req("num_query_heads"), ConfigKey.Req("num_key_value_heads"), ConfigKey.Opt("dropout", 0.0),
    ConfigKey.Opt("use_bias", true), ConfigKey.Opt("use_gate", false), AttentionInputs.ReturnScores)
{
    private static (long HeadDim, long QueryHeads, long KeyValueHeads) Sizes(LayerConfig c)
    {
        var (hd, hq, hkv) = (c.Long("head_dim"), c.Long("num_query_heads"), c.Long("num_key_value_heads"));
        if (hd <= 0 || hq <= 0 || hkv <= 0) throw new ModelException("head_dim, num_query_heads and num_key_value_heads must be positive");
        if (hq % hkv != 0) throw new ModelException($"num_query_heads ({hq}) must be a multiple of num_key_value_heads ({hkv})");
        return (hd, hq, hkv);
    }

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var (query, _, key) = AttentionInputs.Split(call, ClassName);
        foreach (var s in call.Inputs)
            if (s.Rank != 3) throw new ModelException($"GroupedQueryAttention takes inputs of rank 3 (batch, positions, features), got {s}");
        var (_, hq, hkv) = Sizes(call.Config);
        call.Note($"the output has the query's shape {query}; {hq} query heads share {hkv} key/value heads ({hq / hkv} per group)");
        if (!AttentionInputs.ReturnsScores(call)) return [query];
        var scores = Shape.Of(query[0], hq, query[1], key[1]);
        call.Note($"return_attention_scores: the attention weights (batch, query heads, query positions, key positions) follow, {scores}");
        return [query, scores];
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var c = call.Config;
        var (query, value, key) = AttentionInputs.Split(call, ClassName);
        var (hd, hq, hkv) = Sizes(c);
        var bias = c.Bool("use_bias");
        var d = AttentionInputs.Last(query, "query");
        IEnumerable<WeightSpec> Projection(string name, long inputs, long heads)
        {
            yield return new($"{name}/kernel", Shape.Of(inputs, heads, hd), true, $"projects the {inputs} {name} features to {heads} heads × {hd}");
            if (bias) yield return new($"{name}/bias", Shape.Of(heads, hd), true, $"one offset per {name} head unit");
        }
        foreach (var w in Projection("query", d, hq)) yield return w;
        foreach (var w in Projection("key", AttentionInputs.Last(key, "key"), hkv)) yield return w;
        foreach (var w in Projection("value", AttentionInputs.Last(value, "value"), hkv)) yield return w;
        if (c.Bool("use_gate")) foreach (var w in Projection("gate", d, hq)) yield return w;
        yield return new("attention_output/kernel", Shape.Of(hq, hd, d), true, $"maps the {hq} heads × {hd} back to the {d} query features");
        if (bias) yield return new("attention_output/bias", Shape.Of(d), true, "one offset per output feature");
    }

    public override string? Detail(LayerConfig config) =>
        $"{config.Long("num_query_heads")} query heads, {config.Long("num_key_value_heads")} key/value heads × {config.Long("head_dim")}";
}

/// <summary>
/// Keras <c>Attention</c> (dot-product, Luong) and <c>AdditiveAttention</c> (Bahdanau): attention of a query over a value
/// (and key); the output is the attention-weighted sum of the values, <c>query[:-1] + (value[-1],)</c>. (Keras 2's
/// <c>compute_output_shape</c> returns the query's shape, but functional models take their shapes from tracing the call,
/// which gives the value's width, as Keras 3 does.)
/// </summary>
public abstract class ScoreAttentionDeclaration(string className, PositionalOrder positional, params ConfigKey[] keys)
    : LayerDeclaration(className, positional, [ConfigKey.Opt("dropout", 0.0), AttentionInputs.ReturnScores, .. keys])
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var (query, value, key) = AttentionInputs.Split(call, ClassName);
        var output = query.With(-1, value[-1]);
        call.Note($"a weighted sum of the values for each query position: the query's shape with the value's last axis ({Shape.DimText(value[-1])}), {output}");
        if (!AttentionInputs.ReturnsScores(call)) return [output];
        var scores = Shape.Of(query[0], query[1], key[1]);
        call.Note($"return_attention_scores: the attention weights (batch, query positions, key positions) follow, {scores}");
        return [output, scores];
    }
}

/// <summary>Keras <c>Attention</c>: a learned scalar <c>scale</c> when <c>use_scale</c>, and a learned scalar
/// <c>concat_score_weight</c> when <c>score_mode='concat'</c>.</summary>
public sealed class DotAttentionDeclaration() : ScoreAttentionDeclaration("Attention", PositionalOrder.Of("use_scale", "score_mode"),
    ConfigKey.Opt("use_scale", false), ConfigKey.Opt("score_mode", "dot"))
{
    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var mode = call.Config.String("score_mode");
        if (mode is not ("dot" or "concat")) throw new ModelException($"score_mode '{mode}' is not 'dot' or 'concat'");
        if (call.Config.Bool("use_scale")) yield return new("scale", Shape.Scalar, true, "use_scale: one learned factor multiplying every score");
        if (mode == "concat") yield return new("concat_score_weight", Shape.Scalar, true, "score_mode 'concat': one learned factor inside the tanh of the scores");
    }
}

/// <summary>Keras <c>AdditiveAttention</c>: with <c>use_scale</c> (the default) a learned <c>scale</c> vector, sized by
/// the query's last dim in Keras 3 and by the value's last dim in Keras 2.</summary>
public sealed class AdditiveAttentionDeclaration() : ScoreAttentionDeclaration("AdditiveAttention", PositionalOrder.Of("use_scale"), ConfigKey.Opt("use_scale", true))
{
    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        if (!call.Config.Bool("use_scale")) yield break;
        var (query, value, key) = AttentionInputs.Split(call, ClassName);
        var keras3 = call.Config.Version.IsKeras3;
        var dim = keras3 ? AttentionInputs.Last(query, "query") : AttentionInputs.Last(value, "value");
        var scored = AttentionInputs.Last(key, "key");
        if (!keras3 && dim != scored)
            throw new ModelException($"Keras 2 sizes 'scale' by the value's last axis ({dim}) but multiplies it with query + key ({scored}): the call fails in Keras 2");
        yield return new("scale", Shape.Of(dim), true,
            $"use_scale: one learned factor per feature inside the tanh of the scores (sized by the {(keras3 ? "query" : "value")}'s last axis in Keras {(keras3 ? 3 : 2)})");
    }
}

/// <summary>Attention layers.</summary>
public sealed class AttentionFamily : LayerFamily
{
    public override IEnumerable<LayerDeclaration> Declarations() =>
    [
        new MultiHeadAttentionDeclaration(), new GroupedQueryAttentionDeclaration(),
        new DotAttentionDeclaration(), new AdditiveAttentionDeclaration(),
    ];

    public override IEnumerable<(string Alias, string ClassName)> Aliases() => [("GroupQueryAttention", "GroupedQueryAttention")];
}
