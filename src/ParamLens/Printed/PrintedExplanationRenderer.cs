using System.Text;
using System.Text.Json.Nodes;
using ParamLens.Rendering;

namespace ParamLens.Printed;

/// <summary>
/// Prints a printed summary's explanation with the same renderers as a model's (text, Markdown, JSON), followed by the
/// whole-table checks; inferred hyperparameters are the notes marked "inferred", and the JSON gains an "inferred" object
/// per layer.
/// </summary>
public static class PrintedExplanationRenderer
{
    public static string Render(PrintedAnalysis analysis, string format, string? onlyLayer = null) => format switch
    {
        "json" => Json([analysis]),
        "markdown" => Markdown(analysis, onlyLayer),
        _ => Text(analysis, onlyLayer),
    };

    public static string Text(PrintedAnalysis analysis, string? onlyLayer = null)
    {
        var sb = new StringBuilder(TextExplanation.Render(analysis.Explanation, onlyLayer));
        if (onlyLayer is not null) return sb.ToString();
        sb.Append($"\nChecks (read from a {analysis.Summary.StyleText})\n");
        foreach (var c in analysis.Checks) sb.Append($"  {Mark(c)} {c.Text}\n");
        return sb.ToString();
    }

    public static string Markdown(PrintedAnalysis analysis, string? onlyLayer = null)
    {
        var sb = new StringBuilder(MarkdownExplanation.Render(analysis.Explanation, onlyLayer));
        if (onlyLayer is not null) return sb.ToString();
        sb.Append($"\n## Checks\n\nRead from a {analysis.Summary.StyleText}.\n\n");
        foreach (var c in analysis.Checks) sb.Append($"- {Mark(c)} {c.Text.Replace("|", "\\|").Replace("*", "\\*")}\n");
        return sb.ToString();
    }

    public static string Json(IReadOnlyList<PrintedAnalysis> analyses)
    {
        var root = JsonNode.Parse(JsonReport.Render(analyses.Select(a => a.Explanation).ToArray()))!;
        var models = root is JsonArray array ? array.Select(n => n!.AsObject()).ToArray() : [root.AsObject()];
        for (var i = 0; i < models.Length; i++)
        {
            var a = analyses[i];
            var model = models[i];
            model["source"] = "printed summary";
            model["printed_style"] = a.Summary.StyleText;
            if (a.Summary.Totals.Optimizer is long optimizer) model["optimizer_params"] = optimizer;
            model["frozen_layers"] = new JsonArray(a.Frozen.Select(f => (JsonNode?)f).ToArray());
            model["checks"] = new JsonArray(a.Checks.Select(c => (JsonNode?)new JsonObject { ["passed"] = c.Passed, ["text"] = c.Text }).ToArray());
            AddInferred(model["layers"]!.AsArray(), a.Rows);
        }
        return root.ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }) + "\n";
    }

    private static void AddInferred(JsonArray layers, IReadOnlyList<RowFinding> rows)
    {
        for (var i = 0; i < rows.Count && i < layers.Count; i++)
        {
            var layer = layers[i]!.AsObject();
            var r = rows[i];
            layer["inferred"] = new JsonObject
            {
                ["solutions"] = new JsonArray(r.Inference.Solutions.Select(s => (JsonNode?)new JsonObject
                {
                    ["equation"] = s.Equation,
                    ["formula"] = s.Formula,
                    ["conclusion"] = s.Conclusion,
                    ["non_trainable_params"] = s.NonTrainable,
                    ["notes"] = new JsonArray(s.Notes.Select(n => (JsonNode?)n).ToArray()),
                }).ToArray()),
                ["consistent"] = !r.Inconsistent,
                ["problem"] = r.Inference.Problem,
                ["remark"] = r.Inference.Remark,
                ["class_text"] = r.Row.ClassText + (r.Row.ClassTruncated ? "…" : ""),
                ["class_candidates"] = new JsonArray(r.Row.ClassCandidates.Select(c => (JsonNode?)c).ToArray()),
                ["non_trainable_capacity"] = new JsonObject { ["min"] = r.MinNonTrainable, ["max"] = r.MaxNonTrainable },
            };
            if (r.Children.Count > 0 && layer["layers"] is JsonArray children) AddInferred(children, r.Children);
        }
    }

    private static string Mark(TableCheck c) => c.Passed switch { true => "✓", false => "✗", null => "•" };
}
