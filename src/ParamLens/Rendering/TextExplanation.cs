using System.Text;
using ParamLens.Accounting;
using ParamLens.Layers;
using ParamLens.Shapes;

namespace ParamLens.Rendering;

/// <summary>The explanation as plain text: each layer's shape arithmetic and weights, the non-trainable sources, the totals.</summary>
public static class TextExplanation
{
    public static string Render(Explanation e, string? onlyLayer = null)
    {
        var sb = new StringBuilder();
        var layers = Filter(e, onlyLayer);
        sb.Append($"Model \"{e.ModelName}\" ({e.ModelClass}, Keras {e.KerasVersion}) — {e.Layers.Count} layers, ")
          .Append(e.TotalParams is { } total ? $"{N(total)} parameters ({ByteSize.Keras3(e.TotalBytes!.Value)})\n" : "parameter count unknown (see below)\n");
        foreach (var layer in layers) Layer(sb, layer, "");
        if (onlyLayer is not null) return sb.ToString();

        if (e.Unknown is { } unknown) sb.Append('\n').Append(Unknowns(unknown, "  "));
        sb.Append('\n');
        NonTrainable(sb, e);
        sb.Append("\nTotals\n");
        sb.Append($"  {e.RowsEquation} total\n");
        if (e.TotalParams is not { } totalParams)
        {
            sb.Append($"  trainable and non-trainable: unknown ({e.Unknown?.TotalsReason})\n");
            return sb.ToString();
        }
        if (e.RowsDifference is { } diff) sb.Append($"  ({diff}; total {N(totalParams)})\n");
        sb.Append($"  {N(totalParams)} − {N(e.NonTrainableParams)} = {N(e.TrainableParams)} trainable\n");
        sb.Append($"  {N(e.NonTrainableParams)} non-trainable\n");
        if (e.OptimizerParams is { } optimizer)
            sb.Append($"  plus {N(optimizer)} optimizer variables stored with the compiled model (its step count, learning rate and ")
              .Append($"per-weight slots): not parameters of the model, but Keras 3 prints them as \"Optimizer params\" and adds them to ")
              .Append($"its Total, {N(totalParams + optimizer)}\n");
        return sb.ToString();
    }

    /// <summary>The "could not be derived" section: which shapes are unknown and why, which counts are unknown and why,
    /// and the counts that are still known. Lines start with <paramref name="bullet"/>.</summary>
    internal static string Unknowns(UnknownFacts u, string bullet)
    {
        var sb = new StringBuilder("What could not be derived\n");
        foreach (var shape in u.Shapes) sb.Append($"{bullet}{shape}\n");
        if (u.UnknownShapeLayers.Count > 0)
            sb.Append($"{bullet}so the output shapes of {u.UnknownShapeLayers.Count} layer(s) are unknown (?): {string.Join(", ", u.UnknownShapeLayers)}\n");
        foreach (var weights in u.Weights) sb.Append($"{bullet}{weights}\n");
        if (u.Counts.Count > 0)
            sb.Append($"{bullet}the weights of {u.Counts.Count} layer(s) could not be derived (see each layer's notes) and no file stores them, ")
              .Append($"so their parameter counts are unknown: {string.Join(", ", u.Counts)}\n");
        if (u.TotalsReason is null)
            sb.Append($"{bullet}{u.StillKnown}\n");
        else
            sb.Append($"{bullet}so the totals are unknown; the counts still known: ")
              .Append(u.KnownCounts.Count == 0 ? "none" : string.Join(", ", u.KnownCounts.Select(k => $"{k.Layer} {N(k.Params)}"))).Append('\n');
        return sb.ToString();
    }

    internal static IReadOnlyList<LayerExplanation> Filter(Explanation e, string? onlyLayer)
    {
        if (onlyLayer is null) return e.Layers;
        var found = Flatten(e.Layers).Where(l => l.Name == onlyLayer).ToArray();
        return found.Length > 0 ? found
            : throw new UsageException($"no layer named '{onlyLayer}' (layers: {string.Join(", ", Flatten(e.Layers).Select(l => l.Name))})");
    }

    private static IEnumerable<LayerExplanation> Flatten(IEnumerable<LayerExplanation> layers) =>
        layers.SelectMany(l => new[] { l }.Concat(Flatten(l.Children)));

    private static void Layer(StringBuilder sb, LayerExplanation l, string indent)
    {
        sb.Append('\n');
        var title = $"{indent}{l.Name} ({l.ClassName}{(l.Detail is null ? "" : " " + l.Detail)})";
        var shapes = l.InputShapes.Count == 0 ? $"→ {ShapeList(l.OutputShapes)}" : $"{ShapeList(l.InputShapes)} → {ShapeList(l.OutputShapes)}";
        sb.Append($"{title}  {shapes}  {Params(l.Params)}\n");
        foreach (var note in l.ShapeNotes) sb.Append($"{indent}  {note}\n");
        if (l.Children.Count > 0 && l.UnknownParamsReason is { } unknown) sb.Append($"{indent}  parameter count unknown: {unknown}\n");
        if (l.Uses > 1) sb.Append($"{indent}  shared: called {l.Uses} times, its weights are counted once\n");
        if (l.Children.Count > 0)
        {
            sb.Append($"{indent}  a nested model: its {N(l.Params)} parameters are those of its layers, each counted once:\n");
            foreach (var child in l.Children) Layer(sb, child, indent + "    ");
            return;
        }
        if (l.Weights.Count == 0) return;
        var nameWidth = l.Weights.Max(w => w.Name.Length);
        var shapeWidth = l.Weights.Max(w => w.Shape.ToPythonTuple().Length);
        var formulaWidth = l.Weights.Max(w => w.Formula.Length);
        foreach (var w in l.Weights)
            sb.Append($"{indent}  {w.Name.PadRight(nameWidth)}  {w.Shape.ToPythonTuple().PadRight(shapeWidth)}  {w.Formula.PadRight(formulaWidth)}  ")
              .Append($"{(w.Trainable ? "trainable" : "non-trainable"),-13}  {w.Reason}\n");
        sb.Append($"{indent}  total {(l.CountFormula is { } f ? f + " = " : l.Weights.Count > 1 ? string.Join(" + ", l.Weights.Select(w => N(w.Count))) + " = " : "")}{N(l.Params)}");
        if (l.NonTrainableParams > 0)
        {
            var nt = l.Weights.Where(w => !w.Trainable).ToArray();
            sb.Append($", of which {N(l.NonTrainableParams)} non-trainable ({string.Join(" + ", nt.Select(w => $"{w.Name} {N(w.Count)}"))})");
        }
        sb.Append('\n');
    }

    private static void NonTrainable(StringBuilder sb, Explanation e)
    {
        if (e.NonTrainableParams is null)
        {
            sb.Append($"Non-trainable parameters: unknown ({e.Unknown?.TotalsReason})");
            sb.Append(e.NonTrainableSources.Count == 0 ? "\n"
                : "; those known: " + string.Join(", ", e.NonTrainableSources.Select(s => $"{s.Layer}.{s.Weight.Name} {N(s.Weight.Count)} ({s.Weight.Reason})")) + "\n");
            return;
        }
        if (e.NonTrainableParams == 0)
        {
            sb.Append("Non-trainable parameters: none — every weight is learned by gradient descent.\n");
            return;
        }
        sb.Append($"Where the {N(e.NonTrainableParams)} non-trainable parameters come from\n");
        sb.Append("  " + string.Join(" + ", e.NonTrainableSources.Select(s => $"{s.Layer}.{s.Weight.Name} {N(s.Weight.Count)}")))
          .Append($" = {N(e.NonTrainableParams)}\n");
        foreach (var group in e.NonTrainableSources.GroupBy(s => s.Weight.Reason))
            sb.Append($"  {string.Join(", ", group.Select(s => $"{s.Layer}.{s.Weight.Name}"))}: {group.Key}\n");
        sb.Append(e.FrozenLayers.Count == 0 ? "  (no layer is frozen)\n" : $"  (frozen: {string.Join(", ", e.FrozenLayers)})\n");
    }

    internal static string ShapeList(IReadOnlyList<Shape> shapes) =>
        shapes.Count == 1 ? shapes[0].ToPythonTuple() : "[" + string.Join(", ", shapes.Select(s => s.ToPythonTuple())) + "]";

    internal static string N(long n) => LayerConfig.Number(n);

    /// <summary>A count, or <c>?</c> when it is unknown.</summary>
    internal static string N(long? n) => n is { } known ? LayerConfig.Number(known) : "?";

    /// <summary>A layer's count with its noun: <c>1 param</c>, <c>0 params</c>, <c>? params</c>.</summary>
    internal static string Params(long? n) => n == 1 ? "1 param" : $"{N(n)} params";
}
