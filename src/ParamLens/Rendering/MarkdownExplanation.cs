using System.Text;
using ParamLens.Accounting;
using static ParamLens.Rendering.TextExplanation;

namespace ParamLens.Rendering;

/// <summary>The explanation as Markdown: a section and a weight table per layer, then the non-trainable sources and totals.</summary>
public static class MarkdownExplanation
{
    public static string Render(Explanation e, string? onlyLayer = null)
    {
        var sb = new StringBuilder();
        sb.Append($"# Model `{e.ModelName}`\n\n{e.ModelClass}, Keras {e.KerasVersion} — {e.Layers.Count} layers, ")
          .Append(e.TotalParams is { } total
              ? $"**{N(total)}** parameters ({ByteSize.Keras3(e.TotalBytes!.Value)}): {N(e.TrainableParams)} trainable, {N(e.NonTrainableParams)} non-trainable.\n"
              : $"parameter count **unknown** ({Escape(e.Unknown?.TotalsReason ?? "")}).\n");
        foreach (var layer in Filter(e, onlyLayer)) Layer(sb, layer, 2);
        if (onlyLayer is not null) return sb.ToString();

        if (e.Unknown is { } unknown)
        {
            var lines = TextExplanation.Unknowns(unknown, "- ").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            sb.Append($"\n## {lines[0]}\n\n");
            foreach (var line in lines.Skip(1)) sb.Append(Escape(line)).Append('\n');
        }
        sb.Append("\n## Non-trainable parameters\n\n");
        if (e.NonTrainableParams is null) sb.Append($"Unknown ({Escape(e.Unknown?.TotalsReason ?? "")}).\n");
        else if (e.NonTrainableParams == 0) sb.Append("None: every weight is learned by gradient descent.\n");
        else
        {
            sb.Append("| layer | weight | count | why |\n|---|---|---:|---|\n");
            foreach (var (layer, w) in e.NonTrainableSources) sb.Append($"| `{layer}` | `{w.Name}` | {N(w.Count)} | {Escape(w.Reason)} |\n");
            sb.Append($"\n{string.Join(" + ", e.NonTrainableSources.Select(s => N(s.Weight.Count)))} = **{N(e.NonTrainableParams)}**")
              .Append(e.FrozenLayers.Count == 0 ? " (no layer is frozen)\n" : $" (frozen: {string.Join(", ", e.FrozenLayers.Select(f => $"`{f}`"))})\n");
        }
        sb.Append("\n## Totals\n\n");
        sb.Append($"- {e.RowsEquation} total\n");
        if (e.RowsDifference is { } diff) sb.Append($"- {Escape(diff)}\n");
        if (e.TotalParams is not { } totalParams)
        {
            sb.Append($"- trainable and non-trainable: unknown\n");
            return sb.ToString();
        }
        sb.Append($"- {N(totalParams)} − {N(e.NonTrainableParams)} = {N(e.TrainableParams)} trainable\n");
        if (e.OptimizerParams is { } optimizer)
            sb.Append($"- plus {N(optimizer)} optimizer variables stored with the compiled model: not parameters, but Keras 3 adds them to its printed Total ({N(totalParams + optimizer)})\n");
        return sb.ToString();
    }

    private static void Layer(StringBuilder sb, LayerExplanation l, int level)
    {
        sb.Append($"\n{new string('#', Math.Min(level, 6))} `{l.Name}` ({l.ClassName}{(l.Detail is null ? "" : " " + l.Detail)}) — {TextExplanation.Params(l.Params)}\n\n");
        sb.Append(l.InputShapes.Count == 0 ? $"Output `{ShapeList(l.OutputShapes)}`.\n" : $"`{ShapeList(l.InputShapes)}` → `{ShapeList(l.OutputShapes)}`\n");
        if (l.ShapeNotes.Count > 0 || (l.Children.Count > 0 && l.UnknownParamsReason is not null)) sb.Append('\n');
        foreach (var note in l.ShapeNotes) sb.Append($"- {Escape(note)}\n");
        if (l.Children.Count > 0 && l.UnknownParamsReason is { } unknown) sb.Append($"- parameter count unknown: {Escape(unknown)}\n");
        if (l.Uses > 1) sb.Append($"- shared: called {l.Uses} times, its weights are counted once\n");
        if (l.Children.Count > 0)
        {
            foreach (var child in l.Children) Layer(sb, child, level + 1);
            return;
        }
        if (l.Weights.Count == 0) return;
        sb.Append("\n| weight | shape | count | trainable | why |\n|---|---|---:|---|---|\n");
        foreach (var w in l.Weights)
            sb.Append($"| `{w.Name}` | `{w.Shape.ToPythonTuple()}` | {Escape(w.Formula)} | {(w.Trainable ? "yes" : "no")} | {Escape(w.Reason)} |\n");
        sb.Append($"\nTotal: {(l.CountFormula is { } f ? Escape(f) + " = " : "")}**{N(l.Params)}**\n");
    }

    private static string Escape(string s) => s.Replace("|", "\\|").Replace("*", "\\*");
}
