using System.Text.Json.Nodes;
using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>Keras <c>Embedding</c>: a table of <c>input_dim</c> vectors of size <c>output_dim</c>, looked up by integer index.
/// Keras 2 also has <c>input_length</c>, which fills unknown input axes.</summary>
public sealed class EmbeddingDeclaration(string className, PositionalOrder positional, params ConfigKey[] extraKeys) : LayerDeclaration(className, positional,
    [
        ConfigKey.Req("input_dim"), ConfigKey.Req("output_dim"), ConfigKey.Opt("embeddings_initializer", "uniform"),
        ConfigKey.Opt("mask_zero", false), ConfigKey.Opt("input_length", null), Lora.Key, .. extraKeys,
    ]), IPrintedInference
{
    /// <summary>The count is <c>input_dim · output_dim</c>: the vocabulary is the count over the output's last axis.</summary>
    public RowInference Infer(PrintedLayer row)
    {
        if (row.Output is not { } output || row.OutputLast is not long d || d == 0) return RowInference.CannotSolve("output's last axis (output_dim)");
        if (row.Params % d != 0) return RowInference.Inconsistent($"{PrintedFit.N(row.Params)} is not a multiple of output_dim = {d}");
        var v = row.Params / d;
        var candidate = new Candidate(new JsonObject { ["input_dim"] = v, ["output_dim"] = d }, [row.Input ?? new Shape(output.Take(output.Rank - 1))],
            $"input_dim·{d}", $"{PrintedFit.N(v)}·{d}", $"a vocabulary of input_dim = {PrintedFit.N(v)} tokens, output_dim = {d}");
        return RowInference.Of(PrintedFit.Keep(this, row, [candidate]),
            () => $"{ClassName}({PrintedFit.N(v)}, {d}) does not turn the printed input into the printed output {output}");
    }

    /// <summary>tf.keras (2.6–2.15, keras/layers/core/embedding.py) refuses input_dim or output_dim ≤ 0, Keras 3.0–3.14 does
    /// not, and keras/src/layers/core/embedding.py does again from 3.15.</summary>
    protected override void Validate(LayerConfig config)
    {
        var version = config.Version;
        if (!(version.IsAtLeast(2, 6) && !version.IsKeras3) && !version.IsAtLeast(3, 15)) return;
        ConstructorChecks.Positive(config, "input_dim");
        ConstructorChecks.Positive(config, "output_dim");
    }

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var input = call.Input;
        var outputDim = call.Config.Long("output_dim");
        var indices = input.Skip(1).ToArray();
        if (!call.Config.Version.IsKeras3 && call.Config.Has("input_length"))
        {
            var lengths = call.Config.Raw("input_length") is JsonArray ? call.Config.OptDims("input_length")! : [call.Config.Long("input_length")];
            if (lengths.Length != indices.Length)
                throw new ModelException($"input_length {Json.Text(call.Config.Raw("input_length"))} has {lengths.Length} entries but the input {input} has {indices.Length} non-batch axes");
            for (var i = 0; i < lengths.Length; i++)
            {
                if (lengths[i] is long l && indices[i] is long d && l != d)
                    throw new ModelException($"input_length {l} does not match the input axis {i + 1} of size {d}");
                indices[i] = lengths[i] ?? indices[i];
            }
            call.Note($"Keras 2: input_length {Json.Text(call.Config.Raw("input_length"))} gives the index axes");
        }
        var output = new Shape([input[0], .. indices, outputDim]);
        call.Note($"each index becomes a vector of output_dim = {outputDim}: a new last axis, {output}");
        return [output];
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var c = call.Config;
        long inputDim = c.Long("input_dim"), outputDim = c.Long("output_dim");
        var table = Shape.Of(inputDim, outputDim);
        var lora = Lora.Rank(call);
        var zero = c.Bool("mask_zero") ? " (row 0 still exists when mask_zero marks index 0 as padding)" : "";
        yield return Lora.Base("embeddings", table, $"one vector of {outputDim} values for each of the {inputDim} indices{zero}", lora);
        if (lora is long r)
            foreach (var factor in Lora.Factors(table, r, "lora_embeddings")) yield return factor;
        if (ClassName == "ReversibleEmbedding" && !c.Bool("tie_weights"))
            yield return new("reverse_embeddings", Shape.Of(outputDim, inputDim), true,
                $"the separate (untied) projection from {outputDim} values back to {inputDim} logits used by reverse=True");
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights)
    {
        var c = call.Config;
        var table = $"{LayerConfig.Number(c.Long("input_dim"))} · {c.Long("output_dim")}";
        var untied = ClassName == "ReversibleEmbedding" && !c.Bool("tie_weights");
        var formula = untied ? $"2 · {table}" : table;
        return Lora.Rank(call) is long r ? $"{formula} + {r} · ({LayerConfig.Number(c.Long("input_dim"))} + {c.Long("output_dim")})" : formula;
    }
}

/// <summary>Embedding tables: Keras <c>Embedding</c> and Keras 3 <c>ReversibleEmbedding</c> (Embedding that can also project
/// back to the vocabulary, with its own matrix when <c>tie_weights=False</c>).</summary>
public sealed class EmbeddingFamily : LayerFamily
{
    public override IEnumerable<LayerDeclaration> Declarations() =>
    [
        new EmbeddingDeclaration("Embedding", PositionalOrder.Of("input_dim", "output_dim", "embeddings_initializer", "embeddings_regularizer", "embeddings_constraint", "mask_zero")),
        new EmbeddingDeclaration("ReversibleEmbedding",
            PositionalOrder.Of("input_dim", "output_dim", "tie_weights", "embeddings_initializer", "embeddings_regularizer", "embeddings_constraint", "mask_zero"),
            ConfigKey.Opt("tie_weights", true), ConfigKey.Opt("reverse_dtype", null),
            ConfigKey.Opt("logit_soft_cap", null)),
    ];
}
