using ParamLens.Graph;
using ParamLens.Layers;
using ParamLens.Shapes;

namespace ParamLens.Accounting;

/// <summary>What could not be derived in a model, and what still was, in plain words.</summary>
/// <param name="Shapes">One line per layer whose output shape could not be derived in the first place, saying why.</param>
/// <param name="Weights">One line per layer whose own weights could not be derived whatever its input (a class not known
/// here, or one it wraps or runs) and that no file supplied, saying why.</param>
/// <param name="UnknownShapeLayers">Every layer whose output shape is unknown: those above and the layers after them.</param>
/// <param name="Counts">The layers whose weights could not be derived (no file supplied them), as <c>name (Class)</c>: their
/// counts are unknown (each layer's notes say which input made them so).</param>
/// <param name="KnownCounts">The top-level layers whose counts are still known, with their counts.</param>
/// <param name="TotalsReason">Why the totals are unknown (null when they are known).</param>
/// <param name="CountedFromFile">Whether some weights that could not be derived were counted as the file stores them.</param>
public sealed record UnknownFacts(
    IReadOnlyList<string> Shapes,
    IReadOnlyList<string> Weights,
    IReadOnlyList<string> UnknownShapeLayers,
    IReadOnlyList<string> Counts,
    IReadOnlyList<(string Layer, long Params)> KnownCounts,
    string? TotalsReason,
    bool CountedFromFile)
{
    /// <summary>Why every count is known although some shapes are not.</summary>
    public string StillKnown => CountedFromFile
        ? "every parameter count is still known: the weights that could not be derived are counted as the file stores them"
        : "every parameter count is still known: no layer whose shape is unknown has weights that depend on it";

    /// <summary>The facts in one line, for a note beside the printed table.</summary>
    public string OneLine => string.Join("; ", [
        .. Shapes, .. Weights,
        .. UnknownShapeLayers.Count > 0 ? [$"the output shapes of {UnknownShapeLayers.Count} layer(s) are shown as ?"] : Array.Empty<string>(),
        TotalsReason is null
            ? StillKnown
            : $"the parameter counts of {Counts.Count} layer(s) and the totals are unknown"]);
}

/// <summary>One weight explained: shape, count as a product, trainable or not, and why.</summary>
public sealed record WeightExplanation(string Name, Shape Shape, long Count, bool Trainable, string Formula, string Reason, string DType);

/// <summary>One layer explained: how its output shape follows from its inputs and config, and where its parameters come from.</summary>
public sealed record LayerExplanation(
    string Name,
    string ClassName,
    string? Detail,
    IReadOnlyList<Shape> InputShapes,
    IReadOnlyList<Shape> OutputShapes,
    IReadOnlyList<string> ShapeNotes,
    IReadOnlyList<string> Inbound,
    IReadOnlyList<WeightExplanation> Weights,
    long? Params,
    long? TrainableParams,
    long? NonTrainableParams,
    string? CountFormula,
    int Uses,
    IReadOnlyList<LayerExplanation> Children,
    string? UnknownParamsReason = null);

/// <summary>
/// The whole explanation of a model's numbers, independent of how it is printed: per-layer derivations, the sources of the
/// non-trainable parameters, and the reconciliation of the rows with the totals.
/// </summary>
public sealed record Explanation(
    string ModelName,
    string ModelClass,
    string KerasVersion,
    IReadOnlyList<LayerExplanation> Layers,
    long? TotalParams,
    long? TrainableParams,
    long? NonTrainableParams,
    double? TotalBytes,
    IReadOnlyList<(string Layer, WeightExplanation Weight)> NonTrainableSources,
    IReadOnlyList<string> FrozenLayers,
    string RowsEquation,
    string? RowsDifference,
    long? OptimizerParams = null,
    UnknownFacts? Unknown = null)
{
    public static Explanation Of(ModelAccount account)
    {
        var model = account.Model;
        var layers = account.Layers.Select(r => Layer(r, model)).ToArray();
        var sources = account.NonTrainableSources.Select(w => (w.Weight.Owner.Name, Weight(w))).ToArray();
        var frozen = account.Weights.Where(w => w.FrozenBy is not null).Select(w => w.FrozenBy!.Name).Distinct().ToArray();

        if (account.Layers.Any(r => r.Params is null))
        {
            var terms = account.Layers.Where(r => r.Params is not 0).Select(r => r.Params is { } n ? LayerConfig.Number(n) : $"? ({r.Layer.Name})");
            return new Explanation(model.Name, model.ClassName, model.Version.Text, layers, null, null, null, null, sources, frozen,
                string.Join(" + ", terms) + " = unknown", null, account.Optimizer?.Count, UnknownsOf(account));
        }
        var nonZero = account.Layers.Where(r => r.Params > 0).ToArray();
        var rowSum = Checked.Sum(account.Layers.Select(r => r.Params!.Value));
        var equation = nonZero.Length == 0 ? "0" : string.Join(" + ", nonZero.Select(r => LayerConfig.Number(r.Params!.Value))) + " = " + LayerConfig.Number(rowSum);
        string? difference = null;
        if (rowSum != account.TotalParams)
        {
            var repeated = account.Layers.SelectMany(r => r.Weights.Select(w => (Row: r.Layer.Name, w)))
                .GroupBy(p => p.w.Weight, ReferenceEqualityComparer.Instance)
                .Where(g => g.Count() > 1)
                .Select(g => $"{((Weight)g.Key!).Owner.Name}.{((Weight)g.Key!).Name} ({LayerConfig.Number(((Weight)g.Key!).Count)}) appears under {string.Join(" and ", g.Select(p => p.Row))}")
                .ToArray();
            var causes = new List<string>();
            if (repeated.Length > 0) causes.Add("a weight reached through several rows counts once: " + string.Join("; ", repeated));
            if (model.OwnWeights.Count > 0) // a subclassed model's add_weight variables belong to no layer row
                causes.Add($"the model's own weights are in no row: {string.Join(", ", model.OwnWeights.Select(w => $"{w.Name} ({LayerConfig.Number(w.Count)})"))}");
            difference = $"the rows add up to {LayerConfig.Number(rowSum)}, but {string.Join(", and ", causes)}";
        }
        return new Explanation(model.Name, model.ClassName, model.Version.Text, layers, account.TotalParams, account.TrainableParams,
            account.NonTrainableParams, account.TotalBytes, sources, frozen, equation, difference, account.Optimizer?.Count,
            UnknownsOf(account));
    }

    /// <summary>What could not be derived (null when every shape and count is known): the layers whose output shapes or
    /// own weights could not be derived and why, the layers whose shapes or counts are unknown as a result, and the counts
    /// still known. Cheap when everything is known, without building the whole explanation.</summary>
    public static UnknownFacts? UnknownsOf(ModelAccount account)
    {
        var nodes = AllLayers(account.Model).SelectMany(l => l.InboundNodes).ToArray();
        var origins = nodes.Select(n => n.UnknownShapeOrigin).OfType<Graph.Layer>().Distinct().ToArray();
        if (origins.Length == 0 && account.IsComplete) return null;
        var shapes = origins.Select(o => o.InboundNodes.Select(n => n.Call?.UnknownOutputReason).FirstOrDefault(r => r is not null) is { } why
            ? $"layer '{o.Name}' ({o.ClassName}): {why}"
            : $"the output shape of layer '{o.Name}' ({o.ClassName}) could not be derived").ToArray();
        var unknownShapes = AllLayers(account.Model)
            .Where(l => l.InboundNodes.Count > 0 && l.InboundNodes[^1].Outputs.Any(t => t.Shape.IsUnknownRank))
            .Select(l => l.Name).ToArray();
        var weights = account.UnknownLayers.Where(l => l.UnderivedWeightsOrigin is null)
            .Select(l => $"layer '{l.Name}' ({l.ClassName}): {l.UnderivedWeightsReason}").ToArray();
        var counts = account.UnknownLayers.Select(l => $"{l.Name} ({l.ClassName})").ToArray();
        var known = account.Layers.Where(r => r.Params is not null).Select(r => (r.Layer.Name, r.Params!.Value)).ToArray();
        var fromFile = AllLayers(account.Model).Any(l => l.WeightsTakenFromFile && l.UnderivedWeightsReason is not null);
        return new UnknownFacts(shapes, weights, unknownShapes, counts, known, account.UnknownTotalsReason, fromFile);
    }

    /// <summary>Every layer of the model at any depth (nested models and their layers), each once.</summary>
    private static IEnumerable<Graph.Layer> AllLayers(Model model)
    {
        var seen = new HashSet<Graph.Layer>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Graph.Layer>(model.Layers.Reverse());
        while (stack.Count > 0)
        {
            var layer = stack.Pop();
            if (!seen.Add(layer)) continue;
            yield return layer;
            if (layer is Model nested) foreach (var inner in nested.Layers.Reverse()) stack.Push(inner);
        }
    }

    private static LayerExplanation Layer(LayerAccount row, Model parent)
    {
        var layer = row.Layer;
        var node = layer.InboundNodes.LastOrDefault(parent.Contains) ?? layer.InboundNodes.LastOrDefault();
        var inputs = node?.Inputs.Select(t => t.Shape).ToArray() ?? [];
        var outputs = node?.Outputs.Select(t => t.Shape).ToArray() ?? [];
        var notes = new List<string>(node?.Call?.Notes ?? []);
        if (layer.BuildCall is { } build && node?.Call != build)
            notes.AddRange(build.Notes.Where(n => !notes.Contains(n))); // notes made while building the weights
        var weights = row.Weights.Select(Weight).ToArray();
        string? formula = null;
        if (layer.Declaration is { } d && layer.BuildCall is { } b && weights.Length > 0 && !layer.WeightsTakenFromFile) // stored weights have no formula
            formula = d.CountFormula(b, layer.OwnWeights.Select(w => w.Spec).ToArray());
        var inbound = layer.InboundNodes.Where(parent.Contains)
            .SelectMany(n => n.Inputs.Select(t => $"{t.Node.Layer.Name}[{t.Node.Index}][{t.Index}]")).ToArray();
        var children = layer is Model nested ? row.Children.Select(c => Layer(c, nested)).ToArray() : [];
        var unknown = !layer.HasUnknownOwnWeights ? null
            : layer.UnderivedWeightsOrigin is null ? layer.UnderivedWeightsReason // says itself what cannot be derived
            : $"its weights cannot be derived: {layer.UnderivedWeightsReason}";
        unknown ??= layer.HasUnknownWeights ? "the weights of some of its layers cannot be derived" : null;
        return new LayerExplanation(layer.Name, layer.ClassName, layer.Config is { } c ? layer.Declaration?.Detail(c) : null,
            inputs, outputs, notes, inbound, weights, row.Params, row.TrainableParams, row.NonTrainableParams, formula, row.Uses, children, unknown);
    }

    private static WeightExplanation Weight(WeightAccount w) =>
        new(w.Weight.Name, w.Weight.Shape, w.Count, w.Trainable, w.Weight.Spec.Formula, w.Reason, w.Weight.DType);
}
