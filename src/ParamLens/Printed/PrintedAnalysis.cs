using ParamLens.Accounting;
using ParamLens.Layers;
using ParamLens.Shapes;

namespace ParamLens.Printed;

/// <summary>One printed row explained: what was solved, and how many non-trainable parameters it can hold.</summary>
/// <param name="MinNonTrainable">The fewest non-trainable parameters the row can hold without being frozen.</param>
/// <param name="MaxNonTrainable">The most it can hold without being frozen (its whole count when nothing is known).</param>
public sealed record RowFinding(
    PrintedRow Row,
    RowContext Context,
    RowInference Inference,
    IReadOnlyList<string> Notes,
    long MinNonTrainable,
    long MaxNonTrainable,
    int Uses,
    IReadOnlyList<RowFinding> Children)
{
    /// <summary>The single solution, when exactly one set of hyperparameters fits.</summary>
    public Solution? Unique => Inference.Solutions.Count == 1 ? Inference.Solutions[0] : null;
    public bool Inconsistent => Inference.Problem is not null;
}

/// <summary>A whole-table check: passed, failed, or (null) a statement that is neither.</summary>
public sealed record TableCheck(bool? Passed, string Text);

/// <summary>
/// A printed summary explained: every row's count solved for its hyperparameters, the totals reconciled with the rows,
/// and the rows that can hold the non-trainable parameters. <see cref="Explanation"/> carries it in the shape the
/// explanation renderers print.
/// </summary>
public sealed class PrintedAnalysis
{
    private static readonly HashSet<string> ModelClasses = ["Functional", "Sequential", "Model"];

    private PrintedAnalysis(PrintedSummary summary, IReadOnlyList<RowFinding> rows)
    {
        Summary = summary;
        Rows = rows;
    }

    public PrintedSummary Summary { get; }
    public IReadOnlyList<RowFinding> Rows { get; }
    public List<TableCheck> Checks { get; } = [];
    /// <summary>The table's own figures that contradict each other (its totals against their parts, its rows against its
    /// totals), each with both figures: no Keras printer writes such a table, so no count read from it can be right.</summary>
    public List<string> Contradictions { get; } = [];
    public Explanation Explanation { get; private set; } = null!;
    /// <summary>Rows found to be frozen (trainable = False), from a Trainable column or from the totals.</summary>
    public List<string> Frozen { get; } = [];

    public IEnumerable<RowFinding> AllRows => Flatten(Rows);

    private static IEnumerable<RowFinding> Flatten(IEnumerable<RowFinding> rows) => rows.SelectMany(r => new[] { r }.Concat(Flatten(r.Children)));

    public static PrintedAnalysis Of(string text) => Of(PrintedSummaryReader.Read(text));

    public static PrintedAnalysis Of(PrintedSummary summary)
    {
        var rows = Level(summary.Rows, summary, null);
        var analysis = new PrintedAnalysis(summary, rows);
        var nonTrainable = analysis.ReconcileNonTrainable();
        analysis.CheckTotals();
        analysis.Explanation = analysis.Explain(nonTrainable);
        return analysis;
    }

    // ---------------------------------------------------------------- rows

    /// <param name="parentInputs">The inputs of the nested model these rows belong to: what its first layer receives.</param>
    private static List<RowFinding> Level(IReadOnlyList<PrintedRow> rows, PrintedSummary summary, IReadOnlyList<Shape>? parentInputs)
    {
        var byName = rows.GroupBy(r => r.Name).ToDictionary(g => g.Key, g => g.First());
        var uses = rows.SelectMany(r => r.ConnectedTo).Where(c => c.Node is not null)
            .GroupBy(c => c.Layer).ToDictionary(g => g.Key, g => g.Select(c => c.Node).Distinct().Count());
        var result = new List<RowFinding>();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var inputs = i == 0 && row.Level > 0 && row.ConnectedTo.Count == 0 && row.ClassName != "InputLayer"
                ? parentInputs
                : Inputs(row, i > 0 ? rows[i - 1] : null, summary.HasConnectedTo, byName, rows);
            var context = new RowContext(row, inputs, summary.Style == PrintedStyle.Keras3);
            var children = Level(row.Children, summary, inputs);
            var notes = new List<string>();
            var inference = Infer(context, children, notes);
            var (min, max) = Capacity(row, inference, children);
            result.Add(new RowFinding(row, context, inference, notes, min, max, Math.Max(1, uses.GetValueOrDefault(row.Name)), children));
        }
        return result;
    }

    /// <summary>The shapes a row was called on: its "Connected to" entries, else the row before it (sequential tables).</summary>
    private static IReadOnlyList<Shape>? Inputs(PrintedRow row, PrintedRow? previous, bool connectedColumn,
        Dictionary<string, PrintedRow> byName, IReadOnlyList<PrintedRow> siblings)
    {
        if (row.ClassName == "InputLayer") return [];
        if (!connectedColumn || row.Level > 0 && row.ConnectedTo.Count == 0)
            return previous?.OutputShapes is { Count: 1 } p ? p : null;
        if (row.ConnectedTo.Count == 0) return null;
        var shapes = new List<Shape>();
        foreach (var c in row.ConnectedTo)
        {
            var source = byName.GetValueOrDefault(c.Layer);
            if (source is null && c.Truncated)
            {
                var matches = siblings.Where(s => s.Name.StartsWith(c.Layer, StringComparison.Ordinal)).ToArray();
                if (matches.Length == 1) source = matches[0];
            }
            if (source?.OutputShapes is not { } outs) return null;
            var tensor = c.Tensor ?? 0;
            if (tensor >= outs.Count) return null;
            shapes.Add(outs[tensor]);
        }
        return shapes;
    }

    private static RowInference Infer(RowContext context, IReadOnlyList<RowFinding> children, List<string> notes)
    {
        var row = context.Row;
        if (row.ClassTruncated && row.ClassText.Length == 0)
            notes.Add(row.ClassName is { } fromName
                ? $"the class is cut off in the table; the automatic name '{row.Name}' gives {fromName}"
                : "the class is cut off in the table");
        else if (row.ClassTruncated)
            notes.Add(row.ClassName is { } resolved
                ? row.ClassCandidates.Count > 1
                    ? $"the class is cut short in the table ('{row.ClassText}…'): of {string.Join(", ", row.ClassCandidates)}, the automatic name '{row.Name}' gives {resolved}"
                    : $"the class is cut short in the table ('{row.ClassText}…'): {resolved} is the only known class that fits"
                : row.ClassCandidates.Count > 0
                    ? $"the class is cut short in the table ('{row.ClassText}…'): it could be {string.Join(", ", row.ClassCandidates)}"
                    : $"the class is cut short in the table ('{row.ClassText}…') and matches no known class");
        if (row.NameTruncated) notes.Add("the layer name is cut short in the table");

        if (row.ClassName is { } cls && ModelClasses.Contains(cls)) return Nested(context, children);
        if (InferenceRules.Infer(context) is { } inference) return inference;
        if (row.ClassName is null && row.ClassCandidates.Count > 0)
        {
            // An ambiguous cut name: keep the candidates whose class reproduces the count.
            var fitting = row.ClassCandidates
                .Select(c => (Class: c, Result: InferenceRules.Infer(context with { Row = WithClass(row, c) })))
                .Where(p => p.Result is { Problem: null })
                .Select(p => (p.Class, Result: p.Result!)).ToArray();
            if (fitting.Length == 1)
            {
                row.ClassName = fitting[0].Class;
                notes.Add($"of those, only {fitting[0].Class} reproduces the count");
                return fitting[0].Result;
            }
            if (fitting.Length > 1 && fitting.All(f => f.Result.Solutions.Count == 0))
                return new RowInference([], Remark: $"whichever of {string.Join(", ", fitting.Select(f => f.Class))} it is, it has no weights");
        }
        return row.Params == 0
            ? new RowInference([], Remark: $"no inference rule for {row.DisplayClass}; it has no parameters")
            : new RowInference([], Remark: $"no inference rule for {row.DisplayClass} (a custom or unsupported layer): its {LayerConfig.Number(row.Params)} parameters are taken as printed");
    }

    private static PrintedRow WithClass(PrintedRow row, string cls) => new()
    {
        Name = row.Name, ClassText = cls, ShapeText = row.ShapeText, OutputShapes = row.OutputShapes, Params = row.Params, ClassName = cls,
    };

    private static RowInference Nested(RowContext context, IReadOnlyList<RowFinding> children)
    {
        var p = context.P;
        if (children.Count == 0)
            return new RowInference([], Remark: $"a nested model: its {LayerConfig.Number(p)} parameters are those of its layers (print the summary with expand_nested=True to see them)");
        var sum = Checked.Sum(children.Select(c => c.Row.Params));
        var terms = string.Join(" + ", children.Where(c => c.Row.Params > 0).Select(c => LayerConfig.Number(c.Row.Params)));
        if (sum == p) return new RowInference([], Remark: $"a nested model: its layers' rows add up to its count, {terms} = {LayerConfig.Number(p)}");
        if (sum > p)
            return new RowInference([], Remark: $"a nested model: its layers' rows add up to {LayerConfig.Number(sum)}, {LayerConfig.Number(sum - p)} more than its " +
                $"{LayerConfig.Number(p)}: a weight reached through several of its layers (a shared layer or weight) counts once");
        return RowInference.Inconsistent($"its layers' rows add up to {LayerConfig.Number(sum)}, less than its {LayerConfig.Number(p)} parameters");
    }

    private static (long Min, long Max) Capacity(PrintedRow row, RowInference inference, IReadOnlyList<RowFinding> children)
    {
        if (row.Trainable == "N") return (row.Params, row.Params);
        if (children.Count > 0)
            return (Math.Min(row.Params, children.Sum(c => c.MinNonTrainable)), Math.Min(row.Params, children.Sum(c => c.MaxNonTrainable)));
        if (inference.Solutions.Count > 0) return (inference.Solutions.Min(s => s.NonTrainable), inference.Solutions.Max(s => s.NonTrainable));
        if (inference.Problem is null && row.ClassName is { } cls && InferenceRules.IsWeightless(cls)) return (0, 0);
        if (inference.Problem is null && row.Params == 0) return (0, 0);
        return (0, row.Params);
    }

    // ---------------------------------------------------------------- whole table

    /// <summary>Decide where the printed non-trainable count lives; returns each top-level row's share.</summary>
    private Dictionary<RowFinding, long> ReconcileNonTrainable()
    {
        var wanted = Summary.Totals.NonTrainable;
        var share = new Dictionary<RowFinding, long>(ReferenceEqualityComparer.Instance);
        foreach (var r in Rows) share[r] = r.MinNonTrainable;
        foreach (var r in Rows.Where(r => r.Row.Trainable == "N" && r.Row.Params > 0)) Frozen.Add(r.Row.Name);
        var min = Rows.Sum(r => r.MinNonTrainable);
        var max = Rows.Sum(r => r.MaxNonTrainable);
        var holders = Rows.Where(r => r.MaxNonTrainable > 0).ToArray();
        string Capacities(IEnumerable<RowFinding> rows) => string.Join(", ", rows.Select(r => $"{r.Row.Name} {CapacityText(r)}"));

        if (wanted == 0)
        {
            Checks.Add(min == 0
                ? new(true, "non-trainable: the table has none, and no row needs any")
                : new(false, $"non-trainable: the table has none, but {Capacities(Rows.Where(r => r.MinNonTrainable > 0))} hold some by construction"));
            foreach (var r in Rows) share[r] = 0;
            return share;
        }
        if (min == max && min == wanted)
        {
            Checks.Add(new(true, holders.Length == 1
                ? $"non-trainable: only {holders[0].Row.Name} can hold them: {CapacityText(holders[0])}, the {N(wanted)} printed"
                : $"non-trainable: only {Capacities(holders)} can hold them, and they add up to the {N(wanted)} printed"));
            return share;
        }
        if (wanted >= min && wanted <= max)
        {
            var open = Rows.Where(r => r.MaxNonTrainable > r.MinNonTrainable).ToArray();
            if (open.Length == 1)
            {
                share[open[0]] = open[0].MinNonTrainable + (wanted - min);
                // All of a row's parameters non-trainable: frozen (a layer made only of running statistics is not plausible).
                if (share[open[0]] == open[0].Row.Params) Frozen.Add(open[0].Row.Name);
            }
            Checks.Add(new(true, $"non-trainable: only {Capacities(holders)} can hold them" +
                (open.Length == 1 ? $"; so {open[0].Row.Name} holds {N(share[open[0]])} of the {N(wanted)}"
                    : $"; the table does not say how they share the {N(wanted)}")));
            return share;
        }
        if (wanted < min)
        {
            Checks.Add(new(false, $"non-trainable: the table says {N(wanted)}, but {Capacities(Rows.Where(r => r.MinNonTrainable > 0))} hold at least {N(min)} by construction"));
            return share;
        }
        // More than the rows can hold by construction: the rest comes from frozen layers (their whole count moves).
        foreach (var r in Rows) share[r] = r.MaxNonTrainable;
        var rest = wanted - max;
        var frozen = FrozenSubset(Rows.Where(r => r.Row.Trainable != "N" && r.Row.Params > r.MaxNonTrainable).ToArray(), rest);
        var built = max == 0 ? "no row holds non-trainable weights by construction" : $"{Capacities(holders)} = {N(max)} by construction";
        if (frozen is null)
        {
            Checks.Add(new(false, $"non-trainable: {built}; the other {N(rest)} cannot be made of whole frozen layers"));
            return share;
        }
        foreach (var r in frozen.Value.Rows)
        {
            share[r] = r.Row.Params;
            Frozen.Add(r.Row.Name);
        }
        var which = string.Join(" + ", frozen.Value.Rows.Select(r => $"{r.Row.Name} {N(r.Row.Params - r.MaxNonTrainable)}"));
        Checks.Add(new(true, $"non-trainable: {built}; the other {N(rest)} = {which} " +
            $"{(frozen.Value.Rows.Length == 1 ? "is a layer" : "are layers")} frozen with trainable = False" +
            (frozen.Value.Unique ? "" : " (one combination that fits; others do too)")));
        return share;
    }

    private static string CapacityText(RowFinding r)
    {
        if (r.Row.Trainable == "N") return $"{N(r.Row.Params)} (frozen: Trainable N)";
        if (r.Children.Count == 0 && Agreed(r.Inference.Solutions) is { } agreed && agreed.Weights.Any(w => !w.Trainable))
        {
            var nt = agreed.Weights.Where(w => !w.Trainable).ToArray();
            var per = nt.Select(w => w.Count).Distinct().ToArray();
            var sum = nt.Sum(w => w.Count);
            return per.Length == 1 ? $"{nt.Length} × {N(per[0])} = {N(sum)}" : N(sum);
        }
        return r.MinNonTrainable == r.MaxNonTrainable ? N(r.MaxNonTrainable) : $"up to {N(r.MaxNonTrainable)}";
    }

    /// <summary>Rows whose trainable parts add up to <paramref name="target"/> (a subset sum), and whether that set is the only one.</summary>
    private static (RowFinding[] Rows, bool Unique)? FrozenSubset(RowFinding[] candidates, long target)
    {
        const int MaxStates = 200_000;
        var reach = new Dictionary<long, (int Ways, int Last, long From)> { [0] = (1, -1, 0) };
        for (var i = 0; i < candidates.Length; i++)
        {
            var add = candidates[i].Row.Params - candidates[i].MaxNonTrainable;
            foreach (var (sum, state) in reach.ToArray())
            {
                var next = sum + add;
                if (next > target) continue;
                if (reach.TryGetValue(next, out var existing)) reach[next] = existing with { Ways = Math.Min(2, existing.Ways + state.Ways) };
                else if (reach.Count < MaxStates) reach[next] = (state.Ways, i, sum);
            }
        }
        if (!reach.TryGetValue(target, out var found) || target == 0) return null;
        var rows = new List<RowFinding>();
        for (var (sum, s) = (target, found); s.Last >= 0; sum = s.From, s = reach[sum])
            rows.Add(candidates[s.Last]);
        rows.Reverse();
        return (rows.ToArray(), found.Ways == 1);
    }

    /// <summary>A failed check that is plain arithmetic on the printed figures: recorded as a contradiction too.</summary>
    private TableCheck Contradiction(string text)
    {
        Contradictions.Add(text);
        return new(false, text);
    }

    private void CheckTotals()
    {
        var t = Summary.Totals;
        var optimizer = t.Optimizer ?? 0;
        var parts = Checked.Sum([t.Trainable, t.NonTrainable, optimizer]);
        var partsText = $"{N(t.Trainable)} + {N(t.NonTrainable)}" + (t.Optimizer is long o ? $" + {N(o)} optimizer" : "");
        Checks.Add(parts == t.Total
            ? new(true, $"trainable + non-trainable{(t.Optimizer is null ? "" : " + optimizer")} = total: {partsText} = {N(t.Total)}")
            : Contradiction($"trainable + non-trainable{(t.Optimizer is null ? "" : " + optimizer")} = {partsText} = {N(parts)}, but the total says {N(t.Total)}"));

        var rowSum = Checked.Sum(Rows.Select(r => r.Row.Params));
        var weights = t.Total - optimizer;
        var optimizerNote = t.Optimizer is long opt ? $" (the total {N(t.Total)} includes {N(opt)} optimizer variables, which no row shows)" : "";
        if (rowSum == weights) Checks.Add(new(true, $"the rows add up to the weights: {N(rowSum)}{optimizerNote}"));
        else if (rowSum > weights)
        {
            // Only a row that holds other layers (a nested model, or a custom layer) can reach a weight another row also counts.
            var containers = Rows.Where(r => r.Row.Params > 0 && (r.Row.ClassName is { } c && ModelClasses.Contains(c)
                || !InferenceRules.Solves(r.Row.ClassName))).Select(r => r.Row.Name).ToArray();
            Checks.Add(containers.Length > 0
                ? new(true, $"the rows add up to {N(rowSum)}, {N(rowSum - weights)} more than the {N(weights)} weights: a weight reached through " +
                    $"several rows counts once (a layer shared between {string.Join(", ", containers)} and another row){optimizerNote}")
                : Contradiction($"the rows add up to {N(rowSum)}, {N(rowSum - weights)} more than the {N(weights)} weights, and no row is a nested " +
                    $"model that could share weights with another{optimizerNote}"));
        }
        else Checks.Add(Contradiction($"the rows add up to {N(rowSum)}, {N(weights - rowSum)} less than the {N(weights)} weights of the totals{optimizerNote}"));

        var inconsistent = AllRows.Where(r => r.Inconsistent).ToArray();
        var solved = AllRows.Count(r => r.Inference.Solutions.Count > 0);
        Checks.Add(inconsistent.Length == 0
            ? new(true, $"every row is consistent; {solved} solved for their hyperparameters")
            : new(false, $"inconsistent rows: {string.Join("; ", inconsistent.Select(r => $"{r.Row.Name}: {r.Inference.Problem}"))}"));
        var unexplained = AllRows.Where(r => r.Row.Params > 0 && r.Inference.Solutions.Count == 0 && !r.Inconsistent && r.Children.Count == 0).ToArray();
        if (unexplained.Length > 0)
            Checks.Add(new(null, $"taken as printed (no rule, or a nested model not expanded): {string.Join(", ", unexplained.Select(r => $"{r.Row.Name} ({r.Row.DisplayClass}) {N(r.Row.Params)}"))}"));
        var shared = AllRows.Where(r => r.Uses > 1).ToArray();
        if (shared.Length > 0)
            Checks.Add(new(null, $"shared layers (called several times, counted once): {string.Join(", ", shared.Select(r => $"{r.Row.Name} ×{r.Uses}"))}"));

        if (t.TotalSize is not null)
        {
            var keras3 = Summary.Style == PrintedStyle.Keras3;
            string Size(long n) => keras3 ? Rendering.ByteSize.Keras3(n * 4.0) : Rendering.ByteSize.Keras2(n * 4.0);
            var match = t.TotalSize == Size(t.Total) && t.TrainableSize == Size(t.Trainable) && t.NonTrainableSize == Size(t.NonTrainable);
            Checks.Add(match
                ? new(true, $"the sizes are those of float32 weights (4 bytes each): {N(t.Total)} × 4 B = {t.TotalSize}")
                : new(null, $"the sizes ({t.TotalSize}) are not {N(t.Total)} float32 weights ({Size(t.Total)}): other dtypes or optimizer variables"));
        }
    }

    // ---------------------------------------------------------------- explanation

    private Explanation Explain(Dictionary<RowFinding, long> share)
    {
        var layers = Rows.Select(r => Layer(r, share.TryGetValue(r, out var s) ? s : r.MinNonTrainable)).ToArray();
        var sources = new List<(string, WeightExplanation)>();
        foreach (var l in Flatten(layers))
            if (l.Children.Count == 0)
                sources.AddRange(l.Weights.Where(w => !w.Trainable).Select(w => (l.Name, w)));
        var nonZero = Rows.Where(r => r.Row.Params > 0).ToArray();
        var rowSum = Checked.Sum(Rows.Select(r => r.Row.Params));
        var equation = nonZero.Length == 0 ? "0" : string.Join(" + ", nonZero.Select(r => N(r.Row.Params))) + " = " + N(rowSum);
        var weights = Summary.Totals.Total - (Summary.Totals.Optimizer ?? 0);
        var difference = rowSum == weights ? null : Checks.First(c => c.Text.StartsWith("the rows add up", StringComparison.Ordinal)).Text;
        var modelClass = Summary.Rows.Any(r => r.ClassName == "InputLayer") ? "Functional" : "Sequential";
        var version = Summary.VersionText + ", read from the printed summary";
        return new Explanation(Summary.ModelName ?? "(unnamed)", modelClass, version, layers, Summary.Totals.Total, Summary.Totals.Trainable,
            Summary.Totals.NonTrainable, Summary.Totals.Total * 4.0, sources, Frozen.ToArray(), equation, difference);
    }

    private static IEnumerable<LayerExplanation> Flatten(IEnumerable<LayerExplanation> layers) => layers.SelectMany(l => new[] { l }.Concat(Flatten(l.Children)));

    /// <param name="frozenBy">The row whose trainable = False covers this one (itself or a nested model around it).</param>
    private LayerExplanation Layer(RowFinding r, long nonTrainable, string? frozenBy = null)
    {
        var row = r.Row;
        if (frozenBy is null && (Frozen.Contains(row.Name) || row.Trainable == "N")) frozenBy = row.Name;
        var notes = new List<string>(r.Notes);
        var inference = r.Inference;
        if (r.Unique is { } only)
        {
            notes.Add($"inferred: {only.Equation} = {N(row.Params)} ⇒ {only.Conclusion}");
            notes.AddRange(only.Notes);
        }
        else if (inference.Solutions.Count > 1)
        {
            notes.Add($"inferred: {inference.Solutions.Count} sets of hyperparameters reproduce {N(row.Params)}:");
            notes.AddRange(inference.Solutions.Select(s => $"  – {s.Formula} = {N(row.Params)}: {s.Conclusion}" + (s.Notes.Count > 0 ? $" ({string.Join("; ", s.Notes)})" : "")));
        }
        if (inference.Remark is { } remark) notes.Add(remark);
        if (inference.Problem is { } problem) notes.Add($"inconsistent: {problem}");
        if (frozenBy is not null && row.Params > 0)
            notes.Add(frozenBy != row.Name ? $"frozen with its parent '{frozenBy}': all its weights are non-trainable"
                : row.Trainable == "N" ? "frozen: the Trainable column says N, so all its weights are non-trainable"
                : "frozen (inferred from the totals): trainable = False moves all its weights to non-trainable");
        if (frozenBy is not null) nonTrainable = row.Params;

        var agreed = r.Children.Count == 0 ? Agreed(inference.Solutions) : null;
        var weights = agreed?.Weights.Select(w => Weight(w, frozenBy, row.Name)).ToArray() ?? [];
        if (weights.Length == 0 && nonTrainable > 0 && r.Children.Count == 0)
            weights = [new WeightExplanation("(weights not known)", Shape.Of(nonTrainable), nonTrainable, false, N(nonTrainable),
                frozenBy is not null ? $"non-trainable because layer '{frozenBy}' has trainable = False (inferred)" : "the non-trainable share the totals leave for this row", "float32")];
        var children = r.Children.Select(c => Layer(c, c.MinNonTrainable, frozenBy)).ToArray();
        var inbound = row.ConnectedTo.Select(c => c.ToString()).ToArray();
        nonTrainable = Math.Min(nonTrainable, row.Params);
        return new LayerExplanation(row.Name + (row.NameTruncated ? "…" : ""), row.DisplayClass, null, r.Context.Inputs ?? [], row.OutputShapes ?? [], notes, inbound, weights,
            row.Params, row.Params - nonTrainable, nonTrainable, agreed?.Formula, r.Uses, children);
    }

    /// <summary>The weights every solution agrees on: the unique solution's, or, when the solutions differ only in which
    /// weight is present (BatchNormalization with gamma or beta), the shapes they share with the names joined by "or".</summary>
    private static (IReadOnlyList<WeightSpec> Weights, string? Formula)? Agreed(IReadOnlyList<Solution> solutions)
    {
        if (solutions.Count == 0) return null;
        var first = solutions[0];
        if (solutions.Any(s => s.Weights.Count != first.Weights.Count)) return null;
        var merged = new List<WeightSpec>();
        for (var i = 0; i < first.Weights.Count; i++)
        {
            var options = solutions.Select(s => s.Weights[i]).ToArray();
            if (options.Any(w => !w.Shape.Equals(first.Weights[i].Shape) || w.Trainable != first.Weights[i].Trainable)) return null;
            var names = options.Select(w => w.Name).Distinct().ToArray();
            merged.Add(names.Length == 1 ? first.Weights[i] : first.Weights[i] with { Name = string.Join(" or ", names), Role = string.Join(", or ", options.Select(w => w.Role).Distinct()) });
        }
        return (merged, solutions.All(s => s.Formula == first.Formula) ? first.Formula : null);
    }

    private static WeightExplanation Weight(WeightSpec w, string? frozenBy, string layer)
    {
        var trainable = w.Trainable && frozenBy is null;
        var reason = frozenBy is not null && w.Trainable
            ? frozenBy == layer ? $"non-trainable because layer '{layer}' has trainable = False" : $"non-trainable because its parent '{frozenBy}' has trainable = False"
            : w.Trainable ? $"{w.Role}; {WeightSpec.LearnedByGradients}" : w.Role;
        return new WeightExplanation(w.Name, w.Shape, w.Count, trainable, w.Formula, reason, "float32");
    }

    private static string N(long n) => LayerConfig.Number(n);
}
