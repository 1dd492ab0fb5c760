using System.Text;
using ParamLens.Accounting;
using ParamLens.Graph;
using ParamLens.Printed;

namespace ParamLens.Rendering;

/// <summary>
/// What the renderers draw from: the models of one input, each accounted once, with their explanations made once when
/// first asked for; or a printed summary's analysis. Renderers see only this, never the input's format.
/// </summary>
public sealed class Report
{
    private IReadOnlyList<Explanation>? _explanations;

    private Report(IReadOnlyList<ModelAccount> accounts, PrintedAnalysis? printed, string? printedByProgram)
    {
        Accounts = accounts;
        Printed = printed;
        PrintedByProgram = printedByProgram;
    }

    /// <summary>Models, and (for a program that printed its summaries) the text it printed, summaries included.</summary>
    public static Report Of(IReadOnlyList<Model> models, string? printedByProgram = null) =>
        new(models.Select(ModelAccount.Of).ToArray(), null, printedByProgram);

    public static Report Of(PrintedAnalysis printed) => new([], printed, null);

    public IReadOnlyList<ModelAccount> Accounts { get; }

    /// <summary>A pasted summary's analysis (its explanation, the checks of the whole table, what each row lets one infer).</summary>
    public PrintedAnalysis? Printed { get; }

    /// <summary>What a program printed, its <c>model.summary()</c> tables among its own output, exactly as Keras printed them.</summary>
    public string? PrintedByProgram { get; }

    public IReadOnlyList<Explanation> Explanations =>
        _explanations ??= Printed is { } printed ? [printed.Explanation] : Accounts.Select(Explanation.Of).ToArray();
}

/// <summary>How to render: the <c>model.summary()</c> arguments, and the one layer to explain (null: all).</summary>
public sealed record RenderOptions
{
    public SummaryOptions Summary { get; init; } = new();
    public string? OnlyLayer { get; init; }
}

/// <summary>One output. <see cref="Renderers"/> lists them; a new output is one class registered there.</summary>
public interface IRenderer
{
    /// <summary>The name the command line selects it by.</summary>
    string Name { get; }

    void Render(Report report, RenderOptions options, TextWriter output);
}

/// <summary>Every output, registered by hand.</summary>
public static class Renderers
{
    public static IRenderer Keras3Summary { get; } = new SummaryRenderer("keras3", SummaryStyle.Keras3);
    public static IRenderer Keras2Summary { get; } = new SummaryRenderer("keras2", SummaryStyle.Keras2);
    public static IRenderer MarkdownSummary { get; } = new SummaryRenderer("summary-markdown", null);
    public static IRenderer Text { get; } = new ExplanationRenderer("text", TextExplanation.Render, TextChecks);
    public static IRenderer Markdown { get; } = new ExplanationRenderer("markdown", MarkdownExplanation.Render, MarkdownChecks);
    public static IRenderer Json { get; } = new JsonRenderer();

    public static IReadOnlyList<IRenderer> All { get; } = [Keras3Summary, Keras2Summary, MarkdownSummary, Text, Markdown, Json];

    /// <summary>The output as a string.</summary>
    public static string ToText(this IRenderer renderer, Report report, RenderOptions? options = null)
    {
        var output = new StringWriter();
        renderer.Render(report, options ?? new RenderOptions(), output);
        return output.ToString();
    }

    /// <summary>The <c>model.summary()</c> table of each model in a Keras style (or as Markdown when the style is null), or
    /// what a program printed when it printed its summaries.</summary>
    private sealed class SummaryRenderer(string name, SummaryStyle? style) : IRenderer
    {
        public string Name => name;

        public void Render(Report report, RenderOptions options, TextWriter output)
        {
            if (report.Printed is not null)
                throw new UsageException("the input is already a printed summary: use --format json, or 'paramlens explain'");
            if (report.PrintedByProgram is { } printed && style is not null)
            {
                output.Write(printed);
                return;
            }
            foreach (var account in report.Accounts)
                output.Write(style switch
                {
                    SummaryStyle.Keras2 => Rendering.Keras2Summary.Render(account, options.Summary with { Style = SummaryStyle.Keras2 }),
                    SummaryStyle.Keras3 => Rendering.Keras3Summary.Render(account, options.Summary with { Style = SummaryStyle.Keras3 }),
                    _ => Rendering.MarkdownSummary.Render(account, options.Summary),
                });
        }
    }

    /// <summary>The derivation of every shape and count; for a printed summary, followed by the checks of the whole table.</summary>
    private sealed class ExplanationRenderer(string name, Func<Explanation, string?, string> explain, Func<PrintedAnalysis, string> checks) : IRenderer
    {
        public string Name => name;

        public void Render(Report report, RenderOptions options, TextWriter output)
        {
            foreach (var e in report.Explanations) output.Write(explain(e, options.OnlyLayer));
            if (report.Printed is { } printed && options.OnlyLayer is null) output.Write(checks(printed));
        }
    }

    private sealed class JsonRenderer : IRenderer
    {
        public string Name => "json";

        public void Render(Report report, RenderOptions options, TextWriter output) =>
            output.Write(report.Printed is { } printed ? JsonReport.Render([printed]) : JsonReport.Render(report.Explanations));
    }

    private static string TextChecks(PrintedAnalysis analysis)
    {
        var sb = new StringBuilder($"\nChecks (read from a {analysis.Summary.StyleText})\n");
        foreach (var c in analysis.Checks) sb.Append($"  {Mark(c)} {c.Text}\n");
        return sb.ToString();
    }

    private static string MarkdownChecks(PrintedAnalysis analysis)
    {
        var sb = new StringBuilder($"\n## Checks\n\nRead from a {analysis.Summary.StyleText}.\n\n");
        foreach (var c in analysis.Checks) sb.Append($"- {Mark(c)} {c.Text.Replace("|", "\\|").Replace("*", "\\*")}\n");
        return sb.ToString();
    }

    private static string Mark(TableCheck c) => c.Passed switch { true => "✓", false => "✗", null => "•" };
}
