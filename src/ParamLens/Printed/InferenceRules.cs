using ParamLens.Layers;
using ParamLens.Shapes;

namespace ParamLens.Printed;

/// <summary>What a rule sees of one printed row: its shapes, its count, and the shapes of the tensors it was called on.</summary>
/// <param name="Inputs">The input shapes (from "Connected to" or the previous row); null when the table does not say.</param>
public sealed record RowContext(PrintedRow Row, IReadOnlyList<Shape>? Inputs, bool Keras3)
{
    public long P => Row.Params;
    public Shape? Output => Row.OutputShapes is { Count: > 0 } s ? s[0] : null;
    public Shape? Input => Inputs is { Count: > 0 } i ? i[0] : null;
    public long? InputLast => Input is { Rank: > 0 } s ? s[-1] : null;
    public long? OutputLast => Output is { Rank: > 0 } s ? s[-1] : null;
}

/// <summary>One set of hyperparameters that reproduces a row's count.</summary>
/// <param name="Equation">The count in the unknowns, with what is known filled in, e.g. <c>(k·k·3 + 1)·32</c>.</param>
/// <param name="Formula">The same with the solution filled in, e.g. <c>(7·7·3 + 1)·32</c>.</param>
/// <param name="Conclusion">The solution in words, e.g. <c>k = 7 (a 7×7 kernel)</c>.</param>
/// <param name="Notes">How the shapes agree with the solution (e.g. the spatial arithmetic).</param>
public sealed record Solution(string Equation, string Formula, string Conclusion, IReadOnlyList<WeightSpec> Weights, IReadOnlyList<string> Notes)
{
    public long NonTrainable => Weights.Where(w => !w.Trainable).Sum(w => w.Count);
}

/// <summary>What a rule concluded about a row: the solutions, or why none fits, or a remark when there is nothing to solve.</summary>
public sealed record RowInference(IReadOnlyList<Solution> Solutions, string? Problem = null, string? Remark = null)
{
    public static RowInference Inconsistent(string why) => new([], Problem: why);
    public static RowInference Of(IEnumerable<Solution> solutions, Func<string> whyNone)
    {
        var list = solutions.ToArray();
        return list.Length > 0 ? new RowInference(list) : Inconsistent(whyNone());
    }
}

/// <summary>Solves a printed row's count for the hyperparameters of one or more Keras classes (formulas: the layer catalog).</summary>
public abstract class InferenceRule
{
    public abstract IEnumerable<string> Classes { get; }
    public abstract RowInference Infer(RowContext c);

    protected static string N(long n) => LayerConfig.Number(n);
    protected static WeightSpec W(string name, Shape shape, string role, bool trainable = true) => new(name, shape, trainable, role);

    /// <summary>The table lacks a shape the rule needs (<c>multiple</c>, <c>?</c>, a cut cell): nothing to solve, nothing wrong.</summary>
    protected static RowInference CannotSolve(string what) =>
        new([], Remark: $"the table does not give the {what}, so the count cannot be solved");
}

/// <summary>The inference rules, one per family of classes, found by class name.</summary>
public static class InferenceRules
{
    private static readonly InferenceRule[] All =
    [
        new WeightlessRule(), new DenseRule(), new EmbeddingRule(),
        new ConvRule(1, false), new ConvRule(2, false), new ConvRule(3, false),
        new ConvRule(1, true), new ConvRule(2, true), new ConvRule(3, true),
        new DepthwiseConvRule(1), new DepthwiseConvRule(2), new SeparableConvRule(1), new SeparableConvRule(2),
        new BatchNormalizationRule(), new PerFeatureNormalizationRule(), new RecurrentRule(), new BidirectionalRule(),
        new MultiHeadAttentionRule(), new PReLURule(),
    ];

    private static readonly Dictionary<string, InferenceRule> ByClass =
        All.SelectMany(r => r.Classes.Select(c => (c, r))).ToDictionary(p => p.c, p => p.r, StringComparer.Ordinal);

    public static IEnumerable<string> ClassNames => ByClass.Keys;

    public static InferenceRule? For(string? className) =>
        className is not null && ByClass.TryGetValue(className, out var rule) ? rule : null;
}

/// <summary>Classes without weights (catalog §3, §5, §9–§13): any count but 0 is inconsistent.</summary>
public sealed class WeightlessRule : InferenceRule
{
    public override IEnumerable<string> Classes =>
    [
        "InputLayer", "Dropout", "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "ThresholdedReLU", "Masking", "Identity", "Lambda",
        "TFOpLambda", "SlicingOpLambda", "Flatten", "Reshape", "Permute", "RepeatVector",
        "Cropping1D", "Cropping2D", "Cropping3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
        "UpSampling1D", "UpSampling2D", "UpSampling3D",
        "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
        "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
        "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot",
        "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout", "GaussianNoise", "AlphaDropout", "ActivityRegularization",
        "UnitNormalization", "Rescaling", "Resizing", "CenterCrop", "RandomCrop", "RandomFlip", "RandomRotation", "RandomZoom",
        "RandomTranslation", "RandomContrast", "RandomBrightness",
    ];

    public override RowInference Infer(RowContext c) => c.P == 0
        ? new RowInference([], Remark: "no weights: this layer only moves, selects or combines values")
        : RowInference.Inconsistent($"{c.Row.ClassName} has no weights, but the row shows {N(c.P)} parameters");
}

/// <summary>Dense: <c>in·u + u</c> (catalog §3); units from the output's last axis, inputs from the input's.</summary>
public sealed class DenseRule : InferenceRule
{
    public override IEnumerable<string> Classes => ["Dense"];

    public override RowInference Infer(RowContext c)
    {
        if (c.OutputLast is not long u || u == 0) return CannotSolve("output's last axis (units)");
        var input = c.InputLast;
        var solutions = new List<Solution>();
        foreach (var bias in new[] { true, false })
        {
            var rest = c.P - (bias ? u : 0);
            if (rest <= 0 || rest % u != 0 || (input is long i && rest / u != i)) continue;
            var n = rest / u;
            var inText = input is null ? "in" : N(n);
            var equation = bias ? $"({inText} + 1)·{u}" : $"{inText}·{u}";
            var formula = bias ? $"({N(n)} + 1)·{u}" : $"{N(n)}·{u}";
            var conclusion = (input is null ? $"in = {N(n)} inputs, " : "") + $"units = {u}" + (bias ? ", with a bias" : ", no bias (use_bias=False)");
            List<WeightSpec> weights = [W("kernel", Shape.Of(n, u), $"connects each of the {N(n)} inputs to each of the {u} units")];
            if (bias) weights.Add(W("bias", Shape.Of(u), "one offset per unit"));
            solutions.Add(new Solution(equation, formula, conclusion, weights, []));
        }
        return RowInference.Of(solutions, () => input is long i
            ? $"Dense({u}) on {N(i)} inputs has ({N(i)} + 1)·{u} = {N((i + 1) * u)} with a bias or {N(i * u)} without, not {N(c.P)}"
            : $"{N(c.P)} is not a multiple of the {u} units (with or without a bias)");
    }
}

/// <summary>Embedding: <c>input_dim·output_dim</c> (catalog §3): the vocabulary is the count over the output's last axis.</summary>
public sealed class EmbeddingRule : InferenceRule
{
    public override IEnumerable<string> Classes => ["Embedding"];

    public override RowInference Infer(RowContext c)
    {
        if (c.OutputLast is not long d || d == 0) return CannotSolve("output's last axis (output_dim)");
        if (c.P % d != 0) return RowInference.Inconsistent($"{N(c.P)} is not a multiple of output_dim = {d}");
        var v = c.P / d;
        return new RowInference([new Solution($"input_dim·{d}", $"{N(v)}·{d}", $"a vocabulary of input_dim = {N(v)} tokens, output_dim = {d}",
            [W("embeddings", Shape.Of(v, d), $"one {d}-vector per token of the {N(v)}-token vocabulary")], [])]);
    }
}

/// <summary>Spatial arithmetic run backwards: which padding/stride (or dilation) turns an input length into an output length.</summary>
internal static class SpatialFit
{
    /// <summary>How <paramref name="k"/> takes <paramref name="i"/> to <paramref name="o"/> with the given padding:
    /// "" when a length is unknown, null when no stride (or dilation) fits.</summary>
    public static string? Conv(long? i, long? o, long k, bool same)
    {
        if (i is not long inp || o is not long outp) return "";
        for (var s = 1; s <= 8; s++)
        {
            if (!same && inp >= k && (inp - k) / s + 1 == outp)
                return s == 1 ? $"{inp} − {k} + 1 = {outp} (valid padding)" : $"⌊({inp} − {k}) / {s}⌋ + 1 = {outp} (valid padding, stride {s})";
            if (same && (inp + s - 1) / s == outp)
                return s == 1 ? $"{outp} = {inp} (same padding)" : $"⌈{inp} / {s}⌉ = {outp} (same padding, stride {s})";
        }
        for (var d = 2; d <= 8 && !same; d++)
        {
            var effective = d * (k - 1) + 1;
            if (inp - effective + 1 == outp) return $"{inp} − {effective} + 1 = {outp} (valid padding, dilation {d})";
        }
        return null;
    }

    public static string? Transposed(long? i, long? o, long k, bool same)
    {
        if (i is not long inp || o is not long outp) return "";
        var padding = same ? "same" : "valid";
        for (var s = 1; s <= 8; s++)
        {
            var plain = same ? inp * s : inp * s + Math.Max(k - s, 0);
            if (plain == outp)
                return same ? $"{inp}·{s} = {outp} (same padding, stride {s})" : $"{inp}·{s} + max({k} − {s}, 0) = {outp} (valid padding, stride {s})";
            for (var op = 0; op < s; op++)
            {
                var tail = same ? k % 2 : k;
                if ((inp - 1) * s + tail + op == outp)
                    return $"({inp} − 1)·{s} + {tail} + {op} = {outp} ({padding} padding, stride {s}, output_padding {op})";
            }
        }
        return null;
    }

    /// <summary>Every ordered tuple of <paramref name="rank"/> positive integers whose product is <paramref name="n"/>.</summary>
    public static IEnumerable<long[]> Factorizations(long n, int rank)
    {
        if (rank == 1) { yield return [n]; yield break; }
        foreach (var d in Divisors(n))
            foreach (var rest in Factorizations(n / d, rank - 1))
                yield return [d, .. rest];
    }

    public static IEnumerable<long> Divisors(long n)
    {
        var small = new List<long>();
        var large = new List<long>();
        for (long d = 1; d * d <= n; d++)
            if (n % d == 0)
            {
                small.Add(d);
                if (d * d != n) large.Add(n / d);
            }
        large.Reverse();
        return small.Concat(large);
    }

    public static string KernelText(long[] k) => string.Join("×", k);
    public static bool IsSquare(long[] k) => k.All(x => x == k[0]);

    /// <summary>The spatial notes for a kernel, or null when some axis cannot be produced by it.</summary>
    public static List<string>? Axes(RowContext c, long[] kernel, bool transposed)
    {
        // One padding applies to every axis; strides may differ per axis.
        var names = kernel.Length switch { 1 => new[] { "length" }, 2 => ["height", "width"], _ => ["depth", "height", "width"] };
        foreach (var same in new[] { false, true })
        {
            var notes = new List<string>();
            for (var a = 0; a < kernel.Length && notes is not null; a++)
            {
                long? i = c.Input is { } s && s.Rank == kernel.Length + 2 ? s[a + 1] : null;
                long? o = c.Output is { } t && t.Rank == kernel.Length + 2 ? t[a + 1] : null;
                var fit = transposed ? Transposed(i, o, kernel[a], same) : Conv(i, o, kernel[a], same);
                if (fit is null) notes = null;
                else if (fit.Length > 0) notes.Add($"{names[a]}: {fit}");
            }
            if (notes is not null) return notes;
        }
        return null;
    }
}

/// <summary>Conv1D/2D/3D <c>(∏k·Cin + 1)·F</c> and their transposes <c>∏k·F·Cin + F</c> (catalog §4): solves the kernel
/// (and the input channels when the table does not give them), keeping kernels the spatial sizes agree with.</summary>
public sealed class ConvRule(int rank, bool transposed) : InferenceRule
{
    private const int MaxListed = 12;
    private readonly string _class = transposed ? $"Conv{rank}DTranspose" : $"Conv{rank}D";

    public override IEnumerable<string> Classes => transposed
        ? [_class, .. rank == 2 ? new[] { "Deconvolution2D", "Deconv2D" } : []]
        : [_class, $"Convolution{rank}D"];

    public override RowInference Infer(RowContext c)
    {
        if (c.OutputLast is not long f || f == 0) return CannotSolve("number of filters (the output's last axis)");
        var cin = c.Input is { } s && s.Rank == rank + 2 ? s[-1] : null;
        var ks = string.Join("·", Enumerable.Repeat("k", rank));
        var cinText = cin is long known ? N(known) : "Cin";
        var found = new List<(Solution S, bool Bias, bool Square, long Max)>();
        foreach (var bias in new[] { true, false })
        {
            var rest = c.P - (bias ? f : 0);
            if (rest <= 0 || rest % f != 0) continue;
            var kc = rest / f;
            foreach (var channels in cin is long k0 ? [k0] : SpatialFit.Divisors(kc))
            {
                if (channels == 0 || kc % channels != 0) continue;
                foreach (var kernel in SpatialFit.Factorizations(kc / channels, rank))
                {
                    var notes = SpatialFit.Axes(c, kernel, transposed);
                    if (notes is null) continue;
                    found.Add((Make(kernel, channels, f, bias, ks, cinText, cin is null, notes), bias, SpatialFit.IsSquare(kernel), kernel.Max()));
                }
            }
        }
        // Most likely first: with a bias (the default), square kernels, small windows.
        var ordered = found.OrderByDescending(x => x.Bias).ThenByDescending(x => x.Square).ThenBy(x => x.Max).Select(x => x.S).ToArray();
        if (ordered.Length > MaxListed)
            return new RowInference(ordered.Take(MaxListed).ToArray(), Remark: $"{ordered.Length} kernels fit; the first {MaxListed} are listed");
        return RowInference.Of(ordered, () =>
        {
            var perWindow = cin is long i ? $" ({N(c.P)} − {f}) / ({N(i)}·{f}) or {N(c.P)} / ({N(i)}·{f}) must be a whole kernel size" : "";
            return $"no kernel reproduces {N(c.P)} with {f} filters{(cin is long ch ? $" on {N(ch)} input channels" : "")} and the printed shapes:{perWindow}";
        });
    }

    private Solution Make(long[] kernel, long cin, long f, bool bias, string ks, string cinText, bool cinInferred, List<string> notes)
    {
        var window = string.Join("·", kernel);
        var equation = bias ? $"({ks}·{cinText} + 1)·{f}" : $"{ks}·{cinText}·{f}";
        var formula = bias ? $"({window}·{N(cin)} + 1)·{f}" : $"{window}·{N(cin)}·{f}";
        var shape = SpatialFit.IsSquare(kernel) && rank > 1 ? $"k = {kernel[0]} (a {SpatialFit.KernelText(kernel)} kernel)"
            : rank == 1 ? $"k = {kernel[0]}" : $"a {SpatialFit.KernelText(kernel)} kernel";
        var conclusion = shape + (cinInferred ? $" on Cin = {N(cin)} input channel{(cin == 1 ? "" : "s")}" : "") + (bias ? "" : ", no bias (use_bias=False)");
        Shape kernelShape = transposed ? new([.. kernel.Select(k => (long?)k), f, cin]) : new([.. kernel.Select(k => (long?)k), cin, f]);
        List<WeightSpec> weights =
        [
            W("kernel", kernelShape, $"{f} filters, each a {SpatialFit.KernelText(kernel)} window over {N(cin)} input channel{(cin == 1 ? "" : "s")}" + (transposed ? " (stored filters first)" : "")),
        ];
        if (bias) weights.Add(W("bias", Shape.Of(f), "one offset per filter"));
        return new Solution(equation, formula, conclusion, weights, notes);
    }
}

/// <summary>DepthwiseConv1D/2D: <c>∏k·Cin·dm + Cin·dm</c> (catalog §4); dm = output channels / input channels.</summary>
public sealed class DepthwiseConvRule(int rank) : InferenceRule
{
    public override IEnumerable<string> Classes => [$"DepthwiseConv{rank}D"];

    public override RowInference Infer(RowContext c)
    {
        if (c.OutputLast is not long cout || cout == 0) return CannotSolve("output channels");
        if (c.Input is not { } input || input.Rank != rank + 2 || input[-1] is not long cin || cin == 0 || cout % cin != 0)
            return CannotSolve("input channels (or they do not divide the output channels)");
        var dm = cout / cin;
        var solutions = new List<Solution>();
        var ks = string.Join("·", Enumerable.Repeat("k", rank));
        foreach (var bias in new[] { true, false })
        {
            var rest = c.P - (bias ? cout : 0);
            if (rest <= 0 || rest % cout != 0) continue;
            foreach (var kernel in SpatialFit.Factorizations(rest / cout, rank))
            {
                if (SpatialFit.Axes(c, kernel, false) is not { } notes) continue;
                var window = string.Join("·", kernel);
                List<WeightSpec> weights = [W(c.Keras3 ? "kernel" : "depthwise_kernel", new Shape([.. kernel.Select(k => (long?)k), cin, dm]),
                    $"one {SpatialFit.KernelText(kernel)} window per input channel and multiplier")];
                if (bias) weights.Add(W("bias", Shape.Of(cout), "one offset per output channel"));
                solutions.Add(new Solution(bias ? $"({ks}·{cin}·{dm} + {cin}·{dm})" : $"{ks}·{cin}·{dm}",
                    bias ? $"{window}·{cin}·{dm} + {cin}·{dm}" : $"{window}·{cin}·{dm}",
                    $"a {SpatialFit.KernelText(kernel)} kernel, depth_multiplier = {dm}" + (bias ? "" : ", no bias"), weights, notes));
            }
        }
        return RowInference.Of(solutions, () => $"no depthwise kernel gives {N(c.P)} with {cin} channels × depth_multiplier {dm}");
    }
}

/// <summary>SeparableConv1D/2D: <c>∏k·Cin·dm + Cin·dm·F + F</c> (catalog §4): solves the kernel and the depth multiplier.</summary>
public sealed class SeparableConvRule(int rank) : InferenceRule
{
    public override IEnumerable<string> Classes => [$"SeparableConv{rank}D", $"SeparableConvolution{rank}D"];

    public override RowInference Infer(RowContext c)
    {
        if (c.OutputLast is not long f || f == 0) return CannotSolve("number of filters");
        if (c.Input is not { } input || input.Rank != rank + 2 || input[-1] is not long cin || cin == 0)
            return CannotSolve("input channels");
        var solutions = new List<Solution>();
        foreach (var bias in new[] { true, false })
            for (long dm = 1; dm <= 16; dm++)
            {
                var rest = c.P - (bias ? f : 0) - cin * dm * f;
                if (rest <= 0 || rest % (cin * dm) != 0) continue;
                foreach (var kernel in SpatialFit.Factorizations(rest / (cin * dm), rank))
                {
                    if (SpatialFit.Axes(c, kernel, false) is not { } notes) continue;
                    var window = string.Join("·", kernel);
                    List<WeightSpec> weights =
                    [
                        W("depthwise_kernel", new Shape([.. kernel.Select(k => (long?)k), cin, dm]), $"a {SpatialFit.KernelText(kernel)} window per input channel and multiplier"),
                        W("pointwise_kernel", new Shape([.. Enumerable.Repeat((long?)1, rank), cin * dm, f]), $"mixes the {cin * dm} depthwise outputs into {f} filters"),
                    ];
                    if (bias) weights.Add(W("bias", Shape.Of(f), "one offset per filter"));
                    solutions.Add(new Solution("∏k·Cin·dm + Cin·dm·F" + (bias ? " + F" : ""),
                        $"{window}·{cin}·{dm} + {cin}·{dm}·{f}" + (bias ? $" + {f}" : ""),
                        $"a {SpatialFit.KernelText(kernel)} kernel, depth_multiplier = {dm}" + (bias ? "" : ", no bias"), weights, notes));
                }
            }
        return RowInference.Of(solutions, () => $"no kernel and depth multiplier give {N(c.P)} with {cin} input channels and {f} filters");
    }
}

/// <summary>BatchNormalization (catalog §6): γ, β trainable and the moving mean and variance non-trainable, one per channel:
/// 4·C (2·C non-trainable); 3·C or 2·C without center/scale; 7·C with renorm.</summary>
public sealed class BatchNormalizationRule : InferenceRule
{
    private const string Running = "updated by momentum during training, not by gradients";

    public override IEnumerable<string> Classes => ["BatchNormalization", "SyncBatchNormalization"];

    public override RowInference Infer(RowContext c)
    {
        if (c.Output is not { Rank: >= 2 } output) return CannotSolve("output shape (the channels)");
        // The channel axis: the last one (axis = -1), else any other axis (axis = 1 for channels_first).
        var axes = Enumerable.Range(1, output.Rank - 1).Reverse().Where(a => output[a] is > 0).ToArray();
        foreach (var axis in axes)
        {
            var ch = output[axis]!.Value;
            if (c.P % ch != 0) continue;
            var axisText = axis == output.Rank - 1 ? "the last axis" : $"axis {axis}";
            var solutions = Variants(c.P / ch).Select(v => Solve(v, ch, axisText)).ToArray();
            if (solutions.Length > 0) return new RowInference(solutions);
        }
        return RowInference.Inconsistent($"{N(c.P)} is not 2, 3, 4 or 7 times the size of any axis of {output}");
    }

    private static IEnumerable<(bool Scale, bool Center, bool Renorm)> Variants(long multiple) => multiple switch
    {
        4 => [(true, true, false)],
        3 => [(true, false, false), (false, true, false)],
        2 => [(false, false, false)],
        7 => [(true, true, true)],
        _ => [],
    };

    private static Solution Solve((bool Scale, bool Center, bool Renorm) v, long ch, string axisText)
    {
        var shape = Shape.Of(ch);
        var weights = new List<WeightSpec>();
        if (v.Scale) weights.Add(W("gamma", shape, "learned scale"));
        if (v.Center) weights.Add(W("beta", shape, "learned shift"));
        weights.Add(W("moving_mean", shape, "running average of the batch means: " + Running, trainable: false));
        weights.Add(W("moving_variance", shape, "running average of the batch variances: " + Running, trainable: false));
        if (v.Renorm)
            foreach (var name in new[] { "moving_stddev", "renorm_mean", "renorm_stddev" })
                weights.Add(W(name, shape, "batch renormalization statistic, a running average", trainable: false));
        var what = v switch
        {
            (true, true, false) => "center and scale",
            (true, false, _) => "scale only (center=False)",
            (false, true, _) => "center only (scale=False)",
            (false, false, _) => "neither center nor scale",
            _ => "center, scale and renorm=True",
        };
        return new Solution($"{weights.Count}·C", $"{weights.Count} · {ch}",
            $"C = {ch} channels on {axisText}, {what}: {weights.Count(w => !w.Trainable)} × {ch} = {N(weights.Count(w => !w.Trainable) * ch)} non-trainable",
            weights, []);
    }
}

/// <summary>LayerNormalization (2·∏axes, catalog §6), GroupNormalization (2·C) and RMSNormalization (∏axes): per-feature
/// scale and shift over trailing axes.</summary>
public sealed class PerFeatureNormalizationRule : InferenceRule
{
    public override IEnumerable<string> Classes => ["LayerNormalization", "GroupNormalization", "RMSNormalization"];

    public override RowInference Infer(RowContext c)
    {
        if (c.Output is not { Rank: >= 2 } output) return CannotSolve("output shape");
        var cls = c.Row.ClassName!;
        var solutions = new List<Solution>();
        // Trailing axes -1, (-2, -1), …: LayerNormalization may normalise several; the others use the last axis only.
        var lastAxis = cls == "GroupNormalization" ? output.Rank - 1 : 1;
        for (var from = output.Rank - 1; from >= lastAxis; from--)
        {
            var dims = Enumerable.Range(from, output.Rank - from).Select(a => output[a]).ToArray();
            if (dims.Any(d => d is null)) break;
            var shape = new Shape(dims);
            var size = shape.ElementCount!.Value;
            var axesText = from == output.Rank - 1 ? "the last axis" : $"axes {string.Join(", ", Enumerable.Range(from, output.Rank - from))}";
            var sizeText = string.Join("·", dims);
            if (cls != "RMSNormalization" && c.P == 2 * size)
                solutions.Add(new Solution("2·C", $"2 · {sizeText}", $"gamma and beta over {axesText} ({sizeText})",
                    [W("gamma", shape, "learned scale"), W("beta", shape, "learned shift")], []));
            if (c.P == size)
                solutions.Add(new Solution("C", sizeText, cls == "RMSNormalization" ? $"scale over {axesText}" : $"gamma or beta only over {axesText}",
                    [W(cls == "RMSNormalization" ? "scale" : "gamma", shape, "learned scale")], []));
        }
        return RowInference.Of(solutions, () => $"{N(c.P)} is not 1 or 2 times the size of the trailing axes of {output}");
    }
}

/// <summary>SimpleRNN <c>u·D + u² + u</c>, LSTM <c>4(u·D + u² + u)</c>, GRU <c>3(u·D + u²) + 6u</c> with reset_after or
/// <c>+ 3u</c> without (catalog §7): units from the output, input features D from the input or solved.</summary>
public sealed class RecurrentRule : InferenceRule
{
    public override IEnumerable<string> Classes => ["SimpleRNN", "LSTM", "GRU", "CuDNNLSTM", "CuDNNGRU"];

    public override RowInference Infer(RowContext c)
    {
        if (c.OutputLast is not long u || u == 0) return CannotSolve("units (the output's last axis)");
        var solutions = Solve(c.Row.ClassName!, u, c.InputLast, c.P, "").ToArray();
        return RowInference.Of(solutions, () => c.InputLast is long d
            ? $"no {c.Row.ClassName} of {u} units on {N(d)} input features has {N(c.P)} parameters"
            : $"no whole number of input features gives {N(c.P)} for {u} units");
    }

    /// <summary>(gates, bias count per unit, bias shape, what the bias is) for each bias layout the class can have.</summary>
    private static IEnumerable<(int Gates, int BiasPerUnit, bool Matrix, string What)> Variants(string cls) => cls switch
    {
        "SimpleRNN" => [(1, 1, false, "with a bias"), (1, 0, false, "no bias")],
        "LSTM" => [(4, 4, false, "with a bias"), (4, 0, false, "no bias")],
        "CuDNNLSTM" => [(4, 8, false, "CuDNN bias of 8·u")],
        "CuDNNGRU" => [(3, 6, false, "CuDNN bias of 6·u")],
        _ => [(3, 6, true, "reset_after=True (bias (2, 3u): Keras 3 and tf.keras 2 default)"),
              (3, 3, false, "reset_after=False (bias (3u,): Keras ≤2.3 and TF.js default)"), (3, 0, false, "no bias")],
    };

    internal static IEnumerable<Solution> Solve(string cls, long u, long? inputFeatures, long count, string prefix)
    {
        foreach (var (g, b, matrix, what) in Variants(cls))
        {
            var rest = count - b * u - g * u * u;
            if (rest <= 0 || rest % (g * u) != 0) continue;
            var d = rest / (g * u);
            if (inputFeatures is long known && known != d) continue;
            var dText = inputFeatures is null ? "D" : N(d);
            var gate = g == 1 ? "" : $"{g}·";
            var equation = $"{gate}({u}·{dText} + {u}²)" + (b == 0 ? "" : $" + {b}·{u}");
            var formula = $"{gate}({u}·{N(d)} + {u}²)" + (b == 0 ? "" : $" + {b}·{u}");
            var weights = new List<WeightSpec>
            {
                W(prefix + "kernel", Shape.Of(d, g * u), $"input → {g} gate{(g == 1 ? "" : "s")} of {u} units"),
                W(prefix + "recurrent_kernel", Shape.Of(u, g * u), "previous state → the gates"),
            };
            if (b > 0) weights.Add(W(prefix + "bias", matrix ? Shape.Of(2, g * u) : Shape.Of(b * u), "one offset per gate unit" + (matrix ? " (input and recurrent biases)" : "")));
            yield return new Solution(equation, formula, $"units = {u}" + (inputFeatures is null ? $" on D = {N(d)} input features" : "") + $", {what}", weights, []);
        }
    }
}

/// <summary>Bidirectional over SimpleRNN/LSTM/GRU (catalog §14): two copies, so twice the inner count; concat doubles the
/// output's last axis, the other merge modes keep it.</summary>
public sealed class BidirectionalRule : InferenceRule
{
    public override IEnumerable<string> Classes => ["Bidirectional"];

    public override RowInference Infer(RowContext c)
    {
        if (c.OutputLast is not long o || o == 0) return CannotSolve("output's last axis");
        if (c.P % 2 != 0) return RowInference.Inconsistent($"{N(c.P)} is odd, but a Bidirectional layer holds two equal copies");
        var solutions = new List<Solution>();
        foreach (var (u, merge) in new[] { (o / 2, "merge_mode='concat'"), (o, "merge_mode sum/mul/ave") })
        {
            if (u == 0 || (merge.Contains("concat") && o % 2 != 0)) continue;
            foreach (var inner in new[] { "LSTM", "GRU", "SimpleRNN" })
                foreach (var s in RecurrentRule.Solve(inner, u, c.InputLast, c.P / 2, ""))
                {
                    var weights = s.Weights.Select(w => w with { Name = "forward_" + inner.ToLowerInvariant() + "/" + w.Name })
                        .Concat(s.Weights.Select(w => w with { Name = "backward_" + inner.ToLowerInvariant() + "/" + w.Name })).ToArray();
                    solutions.Add(new Solution($"2·[{s.Equation}]", $"2·[{s.Formula}]", $"Bidirectional({inner}), {merge}: {s.Conclusion}", weights, []));
                }
        }
        return RowInference.Of(solutions, () => $"no Bidirectional LSTM/GRU/SimpleRNN gives {N(c.P)} with output size {o}");
    }
}

/// <summary>MultiHeadAttention (catalog §8), with value_dim = key_dim: <c>H·kd·(Dq + Dk + Dv + O + 3) + O</c> with biases;
/// only the product heads × key_dim is determined, so every split is listed.</summary>
public sealed class MultiHeadAttentionRule : InferenceRule
{
    public override IEnumerable<string> Classes => ["MultiHeadAttention"];

    public override RowInference Infer(RowContext c)
    {
        if (c.OutputLast is not long o) return CannotSolve("output's last axis");
        var dims = c.Inputs?.Select(s => s.Rank > 0 ? s[-1] : null).ToArray() ?? [];
        if (dims.Length == 0 || dims.Any(d => d is null)) return CannotSolve("query and value sizes (Connected to)");
        var dq = dims[0]!.Value;
        var dv = dims.Length > 1 ? dims[1]!.Value : dq;
        var dk = dims.Length > 2 ? dims[2]!.Value : dv;
        var solutions = new List<Solution>();
        foreach (var bias in new[] { true, false })
        {
            var per = dq + dk + dv + o + (bias ? 3 : 0);
            var rest = c.P - (bias ? o : 0);
            if (rest <= 0 || rest % per != 0) continue;
            var hk = rest / per;
            var equation = bias ? $"H·kd·({dq} + {dk} + {dv} + {o} + 3) + {o}" : $"H·kd·({dq} + {dk} + {dv} + {o})";
            foreach (var h in SpatialFit.Divisors(hk))
            {
                var kd = hk / h;
                var weights = new List<WeightSpec>();
                foreach (var (name, d) in new[] { ("query", dq), ("key", dk), ("value", dv) })
                {
                    weights.Add(W(name + "/kernel", Shape.Of(d, h, kd), $"projects the {name} into {h} heads of {kd}"));
                    if (bias) weights.Add(W(name + "/bias", Shape.Of(h, kd), "one offset per head unit"));
                }
                weights.Add(W("attention_output/kernel", Shape.Of(h, kd, o), $"merges the heads back to {o}"));
                if (bias) weights.Add(W("attention_output/bias", Shape.Of(o), "one offset per output unit"));
                solutions.Add(new Solution(equation, equation.Replace("H·kd", $"{h}·{kd}"),
                    $"num_heads × key_dim = {N(hk)}: {h} × {kd}" + (bias ? "" : ", no biases"), weights, []));
            }
        }
        return RowInference.Of(solutions, () => $"no heads × key_dim gives {N(c.P)} for query {dq}, key {dk}, value {dv}, output {o}");
    }
}

/// <summary>PReLU (catalog §12): one alpha per input element, shared axes set to 1.</summary>
public sealed class PReLURule : InferenceRule
{
    public override IEnumerable<string> Classes => ["PReLU"];

    public override RowInference Infer(RowContext c)
    {
        if (c.Output is not { Rank: >= 2 } output || output.WithoutBatch.Any(d => d is null)) return CannotSolve("output shape");
        var dims = output.WithoutBatch.Select(d => d!.Value).ToArray();
        var solutions = new List<Solution>();
        for (var mask = 0; mask < 1 << dims.Length; mask++)
        {
            var alpha = dims.Select((d, i) => (mask & (1 << i)) != 0 ? 1L : d).ToArray();
            if (Checked.Product(alpha) != c.P) continue;
            var shared = Enumerable.Range(0, dims.Length).Where(i => (mask & (1 << i)) != 0).Select(i => i + 1).ToArray();
            solutions.Add(new Solution("∏ alpha shape", string.Join("·", alpha),
                shared.Length == 0 ? "one alpha per element (no shared axes)" : $"shared_axes = [{string.Join(", ", shared)}]",
                [W("alpha", new Shape(alpha.Select(a => (long?)a)), "learned slope for negative inputs")], []));
        }
        return RowInference.Of(solutions, () => $"no choice of shared axes of {output} gives {N(c.P)}");
    }
}
