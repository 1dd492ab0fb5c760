using System.Text.Json.Nodes;
using ParamLens.Graph;
using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>What a pasted <c>model.summary()</c> row shows of one layer: its count and the shapes around it.</summary>
/// <param name="Outputs">The printed output shapes; null when the table does not give them (<c>multiple</c>, a cut cell).</param>
/// <param name="Inputs">The shapes it was called on (from "Connected to" or the row before); null when the table does not say.</param>
/// <param name="Version">The Keras version whose rules apply: the newest of the era the table was printed by.</param>
public sealed record PrintedLayer(string ClassName, long Params, IReadOnlyList<Shape>? Outputs, IReadOnlyList<Shape>? Inputs, KerasVersion Version)
{
    public Shape? Output => Outputs is { Count: > 0 } s ? s[0] : null;
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

/// <summary>What was concluded about a row: the solutions, or why none fits, or a remark when there is nothing to solve.</summary>
public sealed record RowInference(IReadOnlyList<Solution> Solutions, string? Problem = null, string? Remark = null)
{
    public static RowInference Inconsistent(string why) => new([], Problem: why);

    public static RowInference Of(IEnumerable<Solution> solutions, Func<string> whyNone)
    {
        var list = solutions.ToArray();
        return list.Length > 0 ? new RowInference(list) : Inconsistent(whyNone());
    }

    /// <summary>The table lacks a shape the inference needs (<c>multiple</c>, <c>?</c>, a cut cell): nothing to solve, nothing wrong.</summary>
    public static RowInference CannotSolve(string what) =>
        new([], Remark: $"the table does not give the {what}, so the count cannot be solved");
}

/// <summary>A declaration whose printed rows can be solved for hyperparameters: it proposes configs (solving its count
/// formula where that is quicker than a search) and <see cref="PrintedFit"/> keeps those its own shape rule and weights
/// turn into the printed row. A weightless class needs none of this: any count but 0 is wrong.</summary>
public interface IPrintedInference
{
    RowInference Infer(PrintedLayer row);
}

/// <summary>A config to try on a printed row, the input shapes to call it on (the printed ones, or ones solved from the
/// count), and the words that explain it.</summary>
/// <param name="ShapeNotes">Whether the call's notes (the spatial arithmetic) explain the solution.</param>
public sealed record Candidate(JsonObject Config, IReadOnlyList<Shape> Inputs, string Equation, string Formula, string Conclusion, bool ShapeNotes = false);

/// <summary>Configs tried through a declaration against a printed row: a config fits when the declaration, called on the
/// candidate's inputs, gives the printed output shapes and builds weights that add up to the printed count.</summary>
public static class PrintedFit
{
    public static IEnumerable<Solution> Keep(LayerDeclaration declaration, PrintedLayer row, IEnumerable<Candidate> candidates) =>
        candidates.Select(c => Try(declaration, row, c)).OfType<Solution>();

    /// <summary>The solution a candidate gives, or null when the declaration rejects it or it does not reproduce the row.</summary>
    public static Solution? Try(LayerDeclaration declaration, PrintedLayer row, Candidate candidate)
    {
        var call = Call(declaration, row.Version, candidate.Config, candidate.Inputs, out var outputs);
        if (call is null || !Agrees(outputs, row.Outputs)) return null;
        WeightSpec[] weights;
        try
        {
            weights = declaration.Weights(call).ToArray();
            if (Checked.Sum(weights.Select(w => w.Count)) != row.Params) return null;
        }
        catch (ModelException)
        {
            return null; // weights Keras would refuse to build (e.g. groups that do not divide the channels)
        }
        return new Solution(candidate.Equation, candidate.Formula, candidate.Conclusion, weights, candidate.ShapeNotes ? [.. call.Notes] : []);
    }

    private static LayerCall? Call(LayerDeclaration declaration, KerasVersion version, JsonObject config, IReadOnlyList<Shape> inputs, out IReadOnlyList<Shape> outputs)
    {
        try
        {
            var call = new LayerCall(declaration.Configure(config, version), inputs);
            outputs = declaration.OutputShapes(call);
            return call;
        }
        catch (ModelException)
        {
            outputs = []; // a config Keras rejects for these inputs
            return null;
        }
    }

    /// <summary>Every printed dim the declaration also knows is the same; a dim either side leaves unknown says nothing.</summary>
    private static bool Agrees(IReadOnlyList<Shape> computed, IReadOnlyList<Shape>? printed)
    {
        if (printed is null) return true;
        if (computed.Count < printed.Count) return false;
        for (var i = 0; i < printed.Count; i++)
        {
            if (printed[i].IsUnknownRank || computed[i].IsUnknownRank) continue;
            if (printed[i].Rank != computed[i].Rank) return false;
            for (var d = 0; d < printed[i].Rank; d++)
                if (printed[i][d] is long p && computed[i][d] is long c && p != c) return false;
        }
        return true;
    }

    /// <summary>
    /// The per-axis settings of a sliding-window class (strides, dilation, output padding) that take each printed spatial
    /// length to the printed output length, asked of the declaration one axis at a time: it is called on a probe input with
    /// that axis' length on every spatial axis, and the first option whose output has the printed length is kept. An axis
    /// whose lengths are not printed takes the first option. Null when some axis fits no option.
    /// </summary>
    /// <param name="config">The config without the per-axis keys (kernel_size a tuple or an int, padding, …).</param>
    /// <param name="options">Values of the per-axis keys to try, most likely first; each names the same keys.</param>
    public static JsonObject? FitAxes(LayerDeclaration declaration, PrintedLayer row, JsonObject config, int rank, long channels,
        IReadOnlyList<JsonObject> options)
    {
        var input = row.Input is { } i && i.Rank == rank + 2 ? i : null;
        var output = row.Output is { } o && o.Rank == rank + 2 ? o : null;
        var chosen = new List<JsonObject>();
        for (var axis = 0; axis < rank; axis++)
        {
            var length = input?[axis + 1];
            var printed = output?[axis + 1];
            if (length is null || printed is null)
            {
                chosen.Add(options[0]);
                continue;
            }
            var kernel = config["kernel_size"] is JsonArray tuple ? tuple[axis]! : config["kernel_size"]!;
            var probeInput = new Shape([null, .. Enumerable.Repeat(length, rank), channels]);
            var fit = options.FirstOrDefault(option =>
            {
                var probe = Merge(config, option);
                probe["kernel_size"] = kernel.DeepClone();
                return Call(declaration, row.Version, probe, [probeInput], out var outputs) is not null && outputs[0][1] == printed;
            });
            if (fit is null) return null;
            chosen.Add(fit);
        }
        var result = (JsonObject)config.DeepClone();
        foreach (var key in options[0].Select(p => p.Key))
            // A key no axis sets (output_padding left to Keras) stays unset.
            result[key] = chosen.All(c => c[key] is null) ? null : new JsonArray([.. chosen.Select(c => c[key]?.DeepClone())]);
        return result;
    }

    private static JsonObject Merge(JsonObject config, JsonObject option)
    {
        var merged = (JsonObject)config.DeepClone();
        foreach (var (key, value) in option) merged[key] = value?.DeepClone();
        return merged;
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

    public static string KernelText(long[] kernel) => string.Join("×", kernel);
    public static bool IsSquare(long[] kernel) => kernel.All(k => k == kernel[0]);
    public static string N(long n) => LayerConfig.Number(n);

    /// <summary>The sliding-window options tried per axis: strides 1 to 8, then dilation 2 to 8.</summary>
    public static IReadOnlyList<JsonObject> WindowOptions() =>
    [
        .. Enumerable.Range(1, 8).Select(s => new JsonObject { ["strides"] = s, ["dilation_rate"] = 1 }),
        .. Enumerable.Range(2, 7).Select(d => new JsonObject { ["strides"] = 1, ["dilation_rate"] = d }),
    ];
}
