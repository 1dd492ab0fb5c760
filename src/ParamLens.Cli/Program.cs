using ParamLens.Layers;
using System.CommandLine;
using ParamLens;
using ParamLens.Accounting;
using ParamLens.Inputs;
using ParamLens.Graph;
using ParamLens.Printed;
using ParamLens.Python;
using ParamLens.Rendering;

Console.OutputEncoding = System.Text.Encoding.UTF8;
return Cli.Run(args, Console.Out, Console.Error);

/// <summary>The <c>paramlens</c> command line: summary, explain and verify. Exit codes: 0 ok, 1 model error, 2 usage error.</summary>
public static class Cli
{
    public const int Ok = 0, ModelError = 1, UsageError = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var model = new Argument<string>("model") { Description = "A Keras model: .keras archive, legacy .h5, Keras JSON config, TensorFlow.js model.json, Python source that builds it, or a printed model.summary(); - reads stdin" };
        var python = new PythonOptions();
        var limits = new LimitOptions();
        var kerasVersion = new Option<string?>("--keras-version") { Description = "Emulate this Keras version's printer and names (e.g. 2.2.4, 2.11, 3.4)" };
        var weights = new Option<string?>("--weights") { Description = "The weights file of a bare config (Keras 2 save_weights .h5 or Keras 3 .weights.h5), to check against" };

        var style = new Option<string>("--style") { Description = "Summary style", DefaultValueFactory = _ => "keras3" };
        style.AcceptOnlyFromAmong("keras3", "keras2");
        var lineLength = new Option<int?>("--line-length") { Description = "Keras line_length (total width of the table)" };
        var columns = new Option<int?>("--columns") { Description = "Terminal width Keras 3 would see (default: $COLUMNS, else 80 as when piped)" };
        var expandNested = new Option<bool>("--expand-nested") { Description = "Show the layers of nested models" };
        var showTrainable = new Option<bool>("--show-trainable") { Description = "Add a Trainable column" };
        var layerRange = new Option<string[]>("--layer-range") { Description = "Two layer-name patterns: print from the first match of START to the last match of END", Arity = new ArgumentArity(2, 2), AllowMultipleArgumentsPerToken = true };
        var summaryFormat = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "text" };
        summaryFormat.AcceptOnlyFromAmong("text", "markdown", "json");

        var summary = new Command("summary", "Print the table Keras model.summary() prints, byte for byte")
        {
            model, style, lineLength, columns, expandNested, showTrainable, layerRange, kerasVersion, summaryFormat, weights,
            python.SearchPaths, python.InputShape, python.ModelName, python.CallArguments, limits.Option,
        };
        summary.SetAction(parse => Guard(stderr, parse.GetValue(model)!, () =>
        {
            var version = ParseVersion(parse.GetValue(kerasVersion));
            var source = parse.GetValue(model)!;
            var (pythonLimits, readerLimits) = limits.From(parse);
            var options = SummaryOptionsFrom(parse, style, lineLength, columns, expandNested, showTrainable, layerRange, version);
            var styleGiven = parse.GetResult(style) is { Implicit: false };
            var document = Read(source, version, parse.GetValue(weights), readerLimits, python.From(parse, options, pythonLimits, styleGiven), stderr);
            // A program's tables follow the Keras version it ran under (given, or inferred from a notebook) unless a style is asked for.
            if (document.Program is not null && !styleGiven && document.Models.Count > 0)
                options = options with { Style = document.Models[0].Version.IsKeras3 ? SummaryStyle.Keras3 : SummaryStyle.Keras2 };
            var renderer = parse.GetValue(summaryFormat) switch
            {
                "json" => Renderers.Json,
                "markdown" => Renderers.MarkdownSummary,
                _ => options.Style == SummaryStyle.Keras2 ? Renderers.Keras2Summary : Renderers.Keras3Summary,
            };
            renderer.Render(ReportOf(document, source, stderr, parse.GetValue(python.ModelName)), new RenderOptions { Summary = options }, stdout);
            return Outcome(document, source, stderr);
        }));

        var layer = new Option<string?>("--layer") { Description = "Explain only this layer" };
        var explainFormat = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "text" };
        explainFormat.AcceptOnlyFromAmong("text", "markdown", "json");
        var explain = new Command("explain", "Explain every shape and parameter: formulas, trainable or not and why, totals reconciled")
        {
            model, layer, explainFormat, kerasVersion, weights, python.SearchPaths, python.InputShape, python.ModelName, python.CallArguments,
            limits.Option,
        };
        explain.SetAction(parse => Guard(stderr, parse.GetValue(model)!, () =>
        {
            var source = parse.GetValue(model)!;
            var (pythonLimits, readerLimits) = limits.From(parse);
            var version = ParseVersion(parse.GetValue(kerasVersion));
            var document = Read(source, version, parse.GetValue(weights), readerLimits,
                python.From(parse, new SummaryOptions { KerasVersion = version }, pythonLimits), stderr);
            var renderer = Renderers.All.Single(r => r.Name == parse.GetValue(explainFormat));
            renderer.Render(ReportOf(document, source, stderr, parse.GetValue(python.ModelName)), new RenderOptions { OnlyLayer = parse.GetValue(layer) }, stdout);
            return Outcome(document, source, stderr);
        }));

        var verify = new Command("verify", "Check the weights derived from the config against the weights the file stores; exit 0 when all agree, 1 otherwise")
        {
            model, kerasVersion, weights, limits.Option,
        };
        verify.SetAction(parse => Guard(stderr, parse.GetValue(model)!, () =>
        {
            var source = parse.GetValue(model)!;
            var file = ModelSource.Open(source, new ModelSource.Options
            {
                VersionOverride = ParseVersion(parse.GetValue(kerasVersion)), WeightsPath = parse.GetValue(weights), Limits = limits.From(parse).Reader,
            });
            if (file.Stored is null)
                throw new ModelException($"{source}: nothing to verify against: the file stores no weights ({file.Format}); give the weights file with --weights");
            var verification = WeightVerification.Of(file.Model, file.Stored);
            stdout.WriteLine($"{source}: {file.Format}");
            stdout.Write(verification.Report());
            return verification.Agrees ? Ok : ModelError;
        }));

        var root = new RootCommand("ParamLens: accounts for every parameter and shape of a Keras model, with the formula behind each number")
        {
            summary, explain, verify,
        };
        var result = root.Parse(args);
        if (args.Length == 0 || (!args[0].StartsWith('-') && root.Subcommands.All(c => c.Name != args[0])))
        {
            var commands = string.Join(", ", root.Subcommands.Select(c => c.Name));
            if (args.Length == 0) root.Parse("--help").Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
            stderr.WriteLine(args.Length == 0
                ? $"paramlens: no command given; the commands are {commands}"
                : $"paramlens: unknown command '{args[0]}'; the commands are {commands}");
            stderr.WriteLine("Run 'paramlens --help' for usage.");
            return UsageError;
        }
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) stderr.WriteLine($"paramlens: {Plain(error.Message)}");
            stderr.WriteLine("Run 'paramlens --help' for usage.");
            return UsageError;
        }
        return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    /// <summary>A parse error in the user's terms: the parser names .NET types (<c>System.Nullable`1[System.Int32]</c>).</summary>
    private static string Plain(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message,
            @"^Cannot parse argument '(.*)' for option '(.*)' as expected type '[^']*Int32[^']*'\.?$",
            "option '$2' takes a whole number, not '$1'");

    private static int Guard(TextWriter stderr, string source, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (ModelException e)
        {
            stderr.WriteLine($"paramlens: {e.Message}");
            return ModelError;
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"paramlens: {e.Message}");
            return UsageError;
        }
        catch (FileNotFoundException e)
        {
            stderr.WriteLine($"paramlens: {e.FileName ?? source}: no such file");
            return UsageError;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"paramlens: {source}: {e.Message}");
            return ModelError;
        }
        catch (UnauthorizedAccessException e)
        {
            stderr.WriteLine($"paramlens: {source}: {e.Message}");
            return ModelError;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A fault of ParamLens itself, not of the input: said as such, in one line, without a stack trace.
            stderr.WriteLine($"paramlens: {source}: internal error ({e.GetType().Name}: {e.Message}); this is a bug in ParamLens, please report it with the input");
            return ModelError;
        }
    }

    /// <summary>The exit code once the output is written: a model error when a summary the program asks for could not be
    /// printed as Keras prints it, or when a printed table's own figures contradict each other, since no count read from
    /// it can be right (the output shows the contradiction; stderr says it in one line).</summary>
    private static int Outcome(ModelDocument document, string source, TextWriter stderr)
    {
        // A summary the code asks for that could not be printed exactly makes the exit status 1 (a note said which).
        if (document.Program is { Incomplete: true }) return ModelError;
        if (document.Printed is not { Contradictions.Count: > 0 } printed) return Ok;
        stderr.WriteLine($"paramlens: {source}: the table contradicts itself: {string.Join("; ", printed.Contradictions)}");
        return ModelError;
    }

    /// <summary>Reads the input through the library's one entry point and prints its notes on stderr.</summary>
    private static ModelDocument Read(string source, KerasVersion? version, string? weightsPath, ReaderLimits limits, PythonRunOptions program,
        TextWriter stderr)
    {
        var document = ModelSource.Open(source, new ModelSource.Options { VersionOverride = version, WeightsPath = weightsPath, Limits = limits, Program = program });
        foreach (var note in document.Notes) stderr.WriteLine($"paramlens: note: {note}");
        return document;
    }

    /// <summary>What the renderers draw from, computed once: the models' accounts (or a printed summary's analysis, or what
    /// a program printed when it printed its summaries). For a model file, a line each on stderr when its stored weights
    /// disagree with the config, or some of its shapes or counts could not be derived.</summary>
    private static Report ReportOf(ModelDocument document, string source, TextWriter stderr, string? onlyModel)
    {
        if (document.Printed is { } printed) return Report.Of(printed);
        if (document.Program is { } run)
            return Report.Of(document.Models, run.Summaries.Count > 0 && onlyModel is null ? run.Printed : null);
        var report = Report.Of(document.Models);
        if (Explanation.UnknownsOf(report.Accounts[0]) is { } unknown)
            stderr.WriteLine($"paramlens: note: {source}: {unknown.OneLine}");
        if (document.Stored is { } stored && WeightVerification.Of(document.Model, stored) is { Agrees: false } verification)
            stderr.WriteLine($"paramlens: note: {source}: {verification.Verdict}");
        return report;
    }

    /// <summary>The summary settings from the command line.</summary>
    private static SummaryOptions SummaryOptionsFrom(ParseResult parse, Option<string> style, Option<int?> lineLength, Option<int?> columns,
        Option<bool> expandNested, Option<bool> showTrainable, Option<string[]> layerRange, KerasVersion? version)
    {
        var range = parse.GetValue(layerRange);
        return new SummaryOptions
        {
            Style = parse.GetValue(style) == "keras2" ? SummaryStyle.Keras2 : SummaryStyle.Keras3,
            LineLength = parse.GetValue(lineLength),
            TerminalColumns = parse.GetValue(columns) ?? TerminalColumns(),
            ExpandNested = parse.GetValue(expandNested),
            ShowTrainable = parse.GetValue(showTrainable),
            LayerRange = range is { Length: 2 } ? (range[0], range[1]) : null,
            KerasVersion = version,
        };
    }

    private static KerasVersion? ParseVersion(string? text)
    {
        if (text is null) return null;
        try { return KerasVersion.Parse(text); }
        catch (ModelException e) { throw new UsageException($"--keras-version: {e.Message}"); }
    }

    internal static int TerminalColumns() =>
        int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var c) && c > 0 ? c : 80;
}
