using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>Keras <c>InputLayer</c>: declares the model's input shape; no weights.</summary>
public sealed class InputLayerDeclaration() : WeightlessLayerDeclaration("InputLayer",
    PositionalOrder.Of("shape", "batch_size", "dtype", "sparse", "batch_shape"),
    ConfigKey.Opt("batch_shape", null), ConfigKey.Opt("batch_input_shape", null), ConfigKey.Opt("sparse", false))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var dims = call.Config.OptDims("batch_shape") ?? call.Config.OptDims("batch_input_shape")
            ?? throw new ModelException("InputLayer needs 'batch_shape' (Keras 3) or 'batch_input_shape' (Keras 2)");
        var shape = new Shape(dims);
        call.Note(shape.Rank > 0 && shape[0] is null
            ? "the batch dimension is None: any batch size"
            : $"the batch dimension is fixed at {Shape.DimText(shape.Rank > 0 ? shape[0] : null)}");
        return [shape];
    }
}

/// <summary>Keras <c>Dense</c>: <c>output = activation(input · kernel + bias)</c> on the last axis.</summary>
public sealed class DenseDeclaration() : LayerDeclaration("Dense",
    PositionalOrder.Of("units", "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint"),
    ConfigKey.Req("units"), ConfigKey.Opt("activation", null), ConfigKey.Opt("use_bias", true),
    ConfigKey.Opt("kernel_initializer", "glorot_uniform"), ConfigKey.Opt("bias_initializer", "zeros"), Lora.Key), IPrintedInference
{
    /// <summary>Units from the output's last axis; <c>in·u + u</c> (or <c>in·u</c>) then gives the inputs when the table hides them.</summary>
    public RowInference Infer(PrintedLayer row)
    {
        if (row.Output is not { } output || row.OutputLast is not long u || u == 0) return RowInference.CannotSolve("output's last axis (units)");
        var input = row.InputLast;
        var candidates = new List<Candidate>();
        foreach (var bias in new[] { true, false })
        {
            var rest = row.Params - (bias ? u : 0);
            if (rest <= 0 || rest % u != 0 || (input is long i && rest / u != i)) continue;
            var n = rest / u;
            var inText = input is null ? "in" : PrintedFit.N(n);
            var conclusion = (input is null ? $"in = {PrintedFit.N(n)} inputs, " : "") + $"units = {u}" + (bias ? ", with a bias" : ", no bias (use_bias=False)");
            candidates.Add(new Candidate(new JsonObject { ["units"] = u, ["use_bias"] = bias }, [(row.Input ?? output).With(-1, n)],
                bias ? $"({inText} + 1)·{u}" : $"{inText}·{u}", bias ? $"({PrintedFit.N(n)} + 1)·{u}" : $"{PrintedFit.N(n)}·{u}", conclusion));
        }
        return RowInference.Of(PrintedFit.Keep(this, row, candidates), () => input is long i
            ? $"Dense({u}) on {PrintedFit.N(i)} inputs has ({PrintedFit.N(i)} + 1)·{u} = {PrintedFit.N(Checked.Multiply(i + 1, u))} with a bias or {PrintedFit.N(Checked.Multiply(i, u))} without, not {PrintedFit.N(row.Params)}"
            : $"{PrintedFit.N(row.Params)} is not a multiple of the {u} units (with or without a bias)");
    }

    /// <summary>keras/src/layers/core/dense.py refuses units that are not a positive integer from Keras 3.13; before, and in
    /// tf.keras, only negative units were refused (a negative dimension is refused here anyway).</summary>
    protected override void Validate(LayerConfig config)
    {
        if (config.Version.IsAtLeast(3, 13)) ConstructorChecks.Positive(config, "units");
    }

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var input = call.Input;
        if (input.Rank < 2) throw new ModelException($"Dense expects an input of rank 2 or more, got {input}");
        var units = call.Config.Long("units");
        call.Note($"the last axis ({Shape.DimText(input[-1])}) becomes units = {units}");
        return [input.With(-1, units)];
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var units = call.Config.Long("units");
        var inputs = call.Input[-1] ?? throw new ModelException($"the last dimension of the input {call.Input} must be known to build the weights");
        var lora = Lora.Rank(call);
        yield return Lora.Base("kernel", Shape.Of(inputs, units), $"connects each of the {inputs} inputs to {(units == 1 ? "the single unit" : $"each of the {units} units")}", lora);
        if (call.Config.Bool("use_bias"))
            yield return new("bias", Shape.Of(units), true, "one offset per unit");
        if (lora is long r)
            foreach (var factor in Lora.Factors(Shape.Of(inputs, units), r)) yield return factor;
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights)
    {
        var units = call.Config.Long("units");
        var inputs = call.Input[-1];
        var dense = call.Config.Bool("use_bias") ? $"({LayerConfig.Number(inputs ?? 0)} + 1) · {units}" : $"{LayerConfig.Number(inputs ?? 0)} · {units}";
        return Lora.Rank(call) is long r ? $"{dense} + {r} · ({LayerConfig.Number(inputs ?? 0)} + {units})" : dense;
    }

    public override string? Detail(LayerConfig config) => config.OptString("activation") is { } a && a != "linear" ? a : null;
}

/// <summary>Keras <c>Activation</c>: applies a function element-wise; no weights.</summary>
public sealed class ActivationDeclaration() : WeightlessLayerDeclaration("Activation", PositionalOrder.Of("activation"), ConfigKey.Req("activation"))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, $"the shape is unchanged: {call.Config.OptString("activation") ?? "the activation"} acts on each value")];

    public override string? Detail(LayerConfig config) => config.OptString("activation");
}

/// <summary>Keras <c>EinsumDense</c>: a kernel contracted with the input by an einsum equation, plus an optional bias on
/// chosen output axes (Keras <c>_analyze_einsum_string</c>).</summary>
public sealed partial class EinsumDenseDeclaration() : LayerDeclaration("EinsumDense",
    PositionalOrder.Of("equation", "output_shape", "activation", "bias_axes"),
    ConfigKey.Req("equation"), ConfigKey.Req("output_shape"), ConfigKey.Opt("activation", null), ConfigKey.Opt("bias_axes", null),
    ConfigKey.Opt("kernel_initializer", "glorot_uniform"), ConfigKey.Opt("bias_initializer", "zeros"), Lora.Key)
{
    /// <param name="Output">The output shape as Keras reports it for the config's version.</param>
    /// <param name="Sizes">Each letter's size: from the input when the letter is there, else from <c>output_shape</c>.</param>
    private sealed record Analysis(string InputSpec, string KernelSpec, string OutputSpec, Shape Output,
        IReadOnlyDictionary<char, long?> Sizes, long?[]? Bias, string BiasSpec);

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var a = Analyze(call);
        call.Note($"equation {call.Config.String("equation")}: input letters '{a.InputSpec}', kernel letters '{a.KernelSpec}', output letters '{a.OutputSpec}'");
        call.Note($"output: the batch dimension, then output_shape {Json.Text(call.Config.Raw("output_shape"))} with elided axes inserted = {a.Output}");
        if (call.Config.Version.IsKeras3 && a.Output.Skip(1).Any(d => d is null) && call.Input.Skip(1).Any(d => d is not null))
            call.Note("Keras 3 does not fill a None in output_shape from the input: it reports None there");
        return [a.Output];
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var a = Analyze(call);
        var kernel = new Shape(a.KernelSpec.Select(c => a.Sizes[c]));
        if (!kernel.IsFullyKnown)
            throw new ModelException($"the kernel letters '{a.KernelSpec}' need known sizes, got {kernel}");
        var lora = Lora.Rank(call);
        var contracted = string.Concat(a.KernelSpec.Where(c => !a.OutputSpec.Contains(c)));
        var produced = string.Concat(a.KernelSpec.Where(c => a.OutputSpec.Contains(c)));
        yield return Lora.Base("kernel", kernel,
            $"one weight per kernel letter combination '{a.KernelSpec}' (contracts '{contracted}' of the input, produces '{produced}' of the output)", lora);
        if (a.Bias is { } bias)
            yield return new("bias", new Shape(bias), true,
                $"one offset per value of the bias axes '{call.Config.String("bias_axes")}' (output letters '{a.BiasSpec}', size 1 where not biased)");
        if (lora is long r)
            foreach (var factor in Lora.Factors(kernel, r)) yield return factor;
    }

    public override string? Detail(LayerConfig config) => config.OptString("equation");

    private static Analysis Analyze(LayerCall call)
    {
        var config = call.Config;
        var equation = config.String("equation");
        var input = call.Input;
        var dotted = equation.Replace("...", "0", StringComparison.Ordinal);
        var left = false;
        var m = PlainEquation().Match(dotted);
        if (!m.Success && (m = LeftElided().Match(dotted)).Success) left = true;
        if (!m.Success) m = RightElided().Match(dotted);
        if (!m.Success)
            throw new ModelException($"the einsum equation '{equation}' is not of the form ab,bc->ac, ...ab,bc->...ac or ab...,bc->ac...");
        string inputSpec = m.Groups[1].Value, kernelSpec = m.Groups[2].Value, outputSpec = m.Groups[3].Value;
        var elided = input.Rank - inputSpec.Length;
        if (elided < 0) throw new ModelException($"the input {input} has fewer axes than the input letters '{inputSpec}'");

        var partial = config.Raw("output_shape") is JsonArray ? config.OptDims("output_shape")! : [config.Long("output_shape")];
        var output = new List<long?>(partial);
        output.Insert(0, input[0]);
        if (elided > 0 && left)
            for (var i = 1; i < elided; i++)
                // Keras 3 reports its build-time list, which inserts each elided axis at position 1 (reversing two or more);
                // Keras 2 runs the einsum, so its axes keep their order.
                output.Insert(config.Version.IsKeras3 ? 1 : i, input[i]);
        else if (elided > 0)
            for (var i = input.Rank - elided; i < input.Rank; i++) output.Add(input[i]);
        var inputAt = inputSpec.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => left ? p.i + elided : p.i);
        var outputAt = outputSpec.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => left ? p.i + elided : p.i);
        if (outputAt.Values.Any(i => i >= output.Count))
            throw new ModelException($"output_shape {Json.Text(config.Raw("output_shape"))} has fewer entries than the output letters '{outputSpec}'");

        var sizes = new Dictionary<char, long?>();
        foreach (var c in inputSpec)
        {
            var size = input[inputAt[c]];
            if (outputAt.TryGetValue(c, out var o) && output[o] is long given && size is long actual && given != actual)
                throw new ModelException($"letter '{c}' is {actual} in the input but {given} in output_shape");
            sizes[c] = size;
        }
        foreach (var c in outputSpec)
        {
            if (!inputSpec.Contains(c) && !kernelSpec.Contains(c))
                throw new ModelException($"output letter '{c}' appears in neither the input '{inputSpec}' nor the kernel '{kernelSpec}'");
            sizes.TryAdd(c, output[outputAt[c]]);
        }
        foreach (var c in kernelSpec)
            if (!sizes.ContainsKey(c))
                throw new ModelException($"kernel letter '{c}' appears in neither the input '{inputSpec}' nor the output '{outputSpec}'");
        // Keras 2 runs the einsum on a symbolic tensor, so an axis shared with the input is known; Keras 3 reports output_shape as given.
        if (!config.Version.IsKeras3)
            foreach (var c in outputSpec)
                if (output[outputAt[c]] is null && inputSpec.Contains(c)) output[outputAt[c]] = sizes[c];

        long?[]? bias = null;
        var biasSpec = "";
        if (config.OptString("bias_axes") is { } biasAxes)
        {
            foreach (var c in biasAxes)
                if (!outputSpec.Contains(c)) throw new ModelException($"bias axis '{c}' is not an output letter of '{outputSpec}'");
            biasSpec = outputSpec[biasAxes.Min(c => outputSpec.IndexOf(c))..];
            var dims = biasSpec.Select(c => biasAxes.Contains(c) ? output[outputAt[c]] ?? sizes[c] : 1).ToList();
            if (!left) dims.AddRange(Enumerable.Repeat((long?)1, elided));
            bias = [.. dims];
        }
        return new Analysis(inputSpec, kernelSpec, outputSpec, new Shape(output), sizes, bias, biasSpec);
    }

    [GeneratedRegex("^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$")]
    private static partial Regex PlainEquation();

    [GeneratedRegex("^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$")]
    private static partial Regex LeftElided();

    [GeneratedRegex("^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$")]
    private static partial Regex RightElided();
}

/// <summary>Keras <c>Masking</c>: marks timesteps equal to <c>mask_value</c> as masked; no weights.</summary>
public sealed class MaskingDeclaration() : WeightlessLayerDeclaration("Masking", PositionalOrder.Of("mask_value"), ConfigKey.Opt("mask_value", 0.0))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, $"the shape is unchanged: timesteps whose values all equal {call.Config.Double("mask_value")} are masked for later layers")];
}

/// <summary>Keras <c>Identity</c>: returns its input; no weights.</summary>
public sealed class IdentityDeclaration() : WeightlessLayerDeclaration("Identity", PositionalOrder.None)
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) => [Same(call, "the shape is unchanged: the input is passed through")];
}

/// <summary>Keras <c>Lambda</c>: an arbitrary Python function. Its output shape is known from the config's
/// <c>output_shape</c> (without the batch axis), or from a stored lambda that provably keeps the input shape
/// (<see cref="LambdaFunction"/>); variables the function creates are not tracked, so it has no weights.</summary>
public sealed class LambdaDeclaration() : WeightlessLayerDeclaration("Lambda",
    PositionalOrder.Of("function", "output_shape", "mask", "arguments"),
    ConfigKey.Opt("function", null), ConfigKey.Opt("output_shape", null), ConfigKey.Opt("mask", null), ConfigKey.Opt("arguments", null))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var shapes = ConfiguredOutput.Shapes(call) ?? LambdaFunction.ElementWiseOutput(call)
            ?? call.UnknownOutput("the output shape of a Lambda cannot be derived: its function is Python code that is not run here, " +
                "and its config has no 'output_shape' given as dimensions");
        call.Note("Keras does not track variables a Lambda's Python code creates, so it has no weights");
        return shapes;
    }
}

/// <summary>An output shape written in a layer's config as <c>output_shape</c>: non-batch dims (or a list of such tuples
/// for several outputs), the batch dim taken from the first input, as Keras <c>Lambda.compute_output_shape</c> does.</summary>
internal static class ConfiguredOutput
{
    /// <summary>The shapes, or null when the config holds none as plain dimensions (absent, or a serialized function).</summary>
    public static IReadOnlyList<Shape>? Shapes(LayerCall call)
    {
        var config = call.Config;
        if (config.OptString("output_shape_type") is { } type && type != "raw") return null;
        var raw = config.Raw("output_shape");
        if (raw is not JsonArray list) return null;
        var oneShape = list.All(d => d is null || IsDim(d));
        var severalShapes = list.Count > 0 && list.All(t => t is JsonArray a && a.All(d => d is null || IsDim(d)));
        if (!oneShape && !severalShapes) return null;
        var batch = call.Inputs.Count > 0 && call.Inputs[0].Rank > 0 ? call.Inputs[0][0] : null;
        var tuples = severalShapes ? list.Select(e => (JsonArray)e!).ToArray() : [list];
        var shapes = tuples.Select(t => new Shape([batch, .. t.Select(Dim)])).ToArray();
        call.Note($"output shape from the config's output_shape {raw.ToJsonString()} (without the batch axis), batch axis from the input: {string.Join(", ", shapes.AsEnumerable())}");
        return shapes;
    }

    private static bool IsDim(JsonNode n) => n is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number && v.TryGetValue<long>(out var d) && d >= 0;

    private static long? Dim(JsonNode? n) => n?.GetValue<long>();
}

/// <summary>Keras 3 LoRA (<c>lora_rank</c> on Dense, EinsumDense, Embedding and Conv): the base weight is frozen and two
/// trainable low-rank factors learn its change.</summary>
internal static class Lora
{
    public static ConfigKey Key => ConfigKey.Opt("lora_rank", null);

    /// <summary>The LoRA rank when it applies (Keras 3 only; Keras 2 layers have no LoRA).</summary>
    public static long? Rank(LayerCall call) => call.Config.Version.IsKeras3 ? call.Config.OptLong("lora_rank") : null;

    /// <summary>The base weight: trainable, or frozen by LoRA.</summary>
    public static WeightSpec Base(string name, Shape shape, string role, long? rank) => rank is long r
        ? new(name, shape, false, $"{role}; frozen by LoRA (lora_rank = {r}): the low-rank factors learn its change instead")
        : new(name, shape, true, role);

    /// <summary><c>lora_kernel_a</c> = base shape without its last axis + (rank,), <c>lora_kernel_b</c> = (rank, last axis).</summary>
    public static IEnumerable<WeightSpec> Factors(Shape baseShape, long rank, string prefix = "lora_kernel")
    {
        yield return new($"{prefix}_a", new Shape([.. baseShape.Take(baseShape.Rank - 1), rank]), true, $"LoRA factor A: maps into rank {rank}");
        yield return new($"{prefix}_b", Shape.Of(rank, baseShape[-1]), true, $"LoRA factor B: maps rank {rank} back to {Shape.DimText(baseShape[-1])} outputs");
    }
}

internal static class Json
{
    public static JsonArray Ints(params long[] values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    public static string Text(JsonNode? node) => node?.ToJsonString() ?? "None";
}

/// <summary>Core layers: input, dense, einsum-dense, activation, masking, identity and lambda.</summary>
public sealed class CoreFamily : LayerFamily
{
    public override IEnumerable<LayerDeclaration> Declarations() =>
    [
        new InputLayerDeclaration(), new DenseDeclaration(), new ActivationDeclaration(),
        new EinsumDenseDeclaration(), new MaskingDeclaration(), new IdentityDeclaration(), new LambdaDeclaration(),
    ];
}
