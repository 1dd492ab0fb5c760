using System.CommandLine;
using ParamLens;
using ParamLens.Accounting;
using ParamLens.Formats;
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
        summaryFormat.AcceptOnlyFromAmong("text", "json");

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
            return WithInput(source, readerLimits, path =>
            {
                if (PrintedSummaryInput.TryRead(path) is { } printed)
                {
                    if (parse.GetValue(summaryFormat) != "json") throw new UsageException("the input is already a printed summary: use --format json, or 'paramlens explain'");
                    stdout.Write(PrintedExplanationRenderer.Json([printed]));
                    return Ok;
                }
                var options = SummaryOptionsFrom(parse, style, lineLength, columns, expandNested, showTrainable, layerRange, version);
                var run = python.Run(parse, path, source, version, options, pythonLimits, stderr);
                var models = run?.Models ?? LoadNotingDisagreements(path, source, version, parse.GetValue(weights), readerLimits, stderr);
                if (parse.GetValue(summaryFormat) == "json")
                {
                    stdout.Write(JsonReport.Render(models.Select(m => Explanation.Of(ModelAccount.Of(m))).ToArray()));
                    return Ok;
                }
                // A summary the code asks for that could not be printed exactly makes the exit status 1.
                var status = run is { Incomplete: true } ? ModelError : Ok;
                if (run is { PrintedSummaries: true })
                {
                    stdout.Write(run.Printed); // the summaries the code printed, as Keras prints them, among its own output
                    return status;
                }
                foreach (var m in models)
                {
                    var account = ModelAccount.Of(m);
                    stdout.Write(options.Style == SummaryStyle.Keras2 ? Keras2Summary.Render(account, options) : Keras3Summary.Render(account, options));
                }
                return status;
            });
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
            return WithInput(source, readerLimits, path =>
            {
                if (PrintedSummaryInput.TryRead(path) is { } printed)
                {
                    stdout.Write(PrintedExplanationRenderer.Render(printed, parse.GetValue(explainFormat)!, parse.GetValue(layer)));
                    return Ok;
                }
                var version = ParseVersion(parse.GetValue(kerasVersion));
                var models = python.Run(parse, path, source, version, new SummaryOptions { KerasVersion = version }, pythonLimits, TextWriter.Null)?.Models
                    ?? LoadNotingDisagreements(path, source, version, parse.GetValue(weights), readerLimits, stderr);
                var explanations = models.Select(m => Explanation.Of(ModelAccount.Of(m))).ToArray();
                var only = parse.GetValue(layer);
                switch (parse.GetValue(explainFormat))
                {
                    case "json":
                        stdout.Write(JsonReport.Render(explanations));
                        break;
                    case "markdown":
                        foreach (var e in explanations) stdout.Write(MarkdownExplanation.Render(e, only));
                        break;
                    default:
                        foreach (var e in explanations) stdout.Write(TextExplanation.Render(e, only));
                        break;
                }
                return Ok;
            });
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
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) stderr.WriteLine($"paramlens: {error.Message}");
            stderr.WriteLine("Run 'paramlens --help' for usage.");
            return UsageError;
        }
        return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

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
    }

    /// <summary>Standard input is copied to a temporary file once, so every reader (and the printed-summary check) can use it.</summary>
    private static int WithInput(string source, ReaderLimits limits, Func<string, int> run) =>
        source == "-" ? ModelSource.WithStandardInput(run, limits) : run(source);

    /// <summary>Load a model; when its file stores weights that disagree with the config, or some of its shapes or counts
    /// could not be derived, say so in one line each on stderr.</summary>
    private static IReadOnlyList<Model> LoadNotingDisagreements(string path, string source, KerasVersion? version, string? weightsPath,
        ReaderLimits limits, TextWriter stderr)
    {
        var file = ModelSource.Open(path, new ModelSource.Options { VersionOverride = version, WeightsPath = weightsPath, Limits = limits });
        if (Explanation.UnknownsOf(ModelAccount.Of(file.Model)) is { } unknown)
            stderr.WriteLine($"paramlens: note: {source}: {unknown.OneLine}");
        if (file.Stored is { } stored && WeightVerification.Of(file.Model, stored) is { Agrees: false } verification)
            stderr.WriteLine($"paramlens: note: {source}: {verification.Verdict}");
        return [file.Model];
    }

    /// <summary>The summary settings from the command line. With Python source and no explicit --style, the style follows
    /// the emulated Keras version (a Keras 2 run prints the Keras 2 table).</summary>
    private static SummaryOptions SummaryOptionsFrom(ParseResult parse, Option<string> style, Option<int?> lineLength, Option<int?> columns,
        Option<bool> expandNested, Option<bool> showTrainable, Option<string[]> layerRange, KerasVersion? version)
    {
        var range = parse.GetValue(layerRange);
        var styleGiven = parse.GetResult(style) is { Implicit: false };
        var keras2 = styleGiven ? parse.GetValue(style) == "keras2" : version is { IsKeras3: false } && PythonOptions.IsPython(parse.GetValue<string>("model"));
        return new SummaryOptions
        {
            Style = keras2 ? SummaryStyle.Keras2 : SummaryStyle.Keras3,
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
