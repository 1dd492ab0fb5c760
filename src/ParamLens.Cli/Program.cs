using System.CommandLine;
using ParamLens;
using ParamLens.Accounting;
using ParamLens.Formats;
using ParamLens.Graph;
using ParamLens.Python;
using ParamLens.Rendering;

Console.OutputEncoding = System.Text.Encoding.UTF8;
return Cli.Run(args, Console.Out, Console.Error);

/// <summary>The <c>paramlens</c> command line: summary and explain. Exit codes: 0 ok, 1 model error, 2 usage error.</summary>
public static class Cli
{
    public const int Ok = 0, ModelError = 1, UsageError = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var model = new Argument<string>("model") { Description = "A Keras model config JSON (Keras 2 to_json() or Keras 3 config.json) or Python source that builds Keras models; - reads stdin" };
        var python = new PythonOptions();
        var kerasVersion = new Option<string?>("--keras-version") { Description = "Emulate this Keras version's printer and names (e.g. 2.2.4, 2.11, 3.4)" };

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
            model, style, lineLength, columns, expandNested, showTrainable, layerRange, kerasVersion, summaryFormat,
            python.SearchPaths, python.InputShape, python.ModelName, python.CallArguments,
        };
        summary.SetAction(parse => Guard(stderr, parse.GetValue(model)!, () =>
        {
            var version = ParseVersion(parse.GetValue(kerasVersion));
            var run = python.Run(parse, parse.GetValue(model)!, version, SummaryOptionsFrom(parse, style, lineLength, columns, expandNested, showTrainable, layerRange, version), stderr);
            var models = run?.Models ?? ModelSource.Load(parse.GetValue(model)!, version);
            if (parse.GetValue(summaryFormat) == "json")
            {
                stdout.Write(JsonReport.Render(models.Select(m => Explanation.Of(ModelAccount.Of(m))).ToArray()));
                return Ok;
            }
            var options = SummaryOptionsFrom(parse, style, lineLength, columns, expandNested, showTrainable, layerRange, version);
            if (run is { PrintedSummaries: true })
            {
                stdout.Write(run.Printed); // the summaries the code printed, as Keras prints them, among its own output
                return Ok;
            }
            foreach (var m in models)
            {
                var account = ModelAccount.Of(m);
                stdout.Write(options.Style == SummaryStyle.Keras2 ? Keras2Summary.Render(account, options) : Keras3Summary.Render(account, options));
            }
            return Ok;
        }));

        var layer = new Option<string?>("--layer") { Description = "Explain only this layer" };
        var explainFormat = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "text" };
        explainFormat.AcceptOnlyFromAmong("text", "markdown", "json");
        var explain = new Command("explain", "Explain every shape and parameter: formulas, trainable or not and why, totals reconciled")
        {
            model, layer, explainFormat, kerasVersion, python.SearchPaths, python.InputShape, python.ModelName, python.CallArguments,
        };
        explain.SetAction(parse => Guard(stderr, parse.GetValue(model)!, () =>
        {
            var version = ParseVersion(parse.GetValue(kerasVersion));
            var models = python.Run(parse, parse.GetValue(model)!, version, new SummaryOptions { KerasVersion = version }, TextWriter.Null)?.Models
                ?? ModelSource.Load(parse.GetValue(model)!, version);
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
        }));

        var root = new RootCommand("ParamLens: accounts for every parameter and shape of a Keras model, with the formula behind each number")
        {
            summary, explain,
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
        catch (FileNotFoundException)
        {
            stderr.WriteLine($"paramlens: {source}: no such file");
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

    private static int TerminalColumns() =>
        int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var c) && c > 0 ? c : 80;
}

/// <summary>Running Python model code from the command line: its options, and the models and printed text it gives.</summary>
public sealed class PythonOptions
{
    public Option<string[]> SearchPaths { get; } = new("--path") { Description = "Python source: another folder to import modules and packages from (repeatable)" };
    public Option<string?> InputShape { get; } = new("--input-shape") { Description = "Python source: build unbuilt models (subclassed, Sequential without input shape) for this input shape, e.g. 28,28,1" };
    public Option<string?> ModelName { get; } = new("--model") { Description = "Python source: report only this model (a variable, a Keras model name, or a function of the script to call)" };
    public Option<string?> CallArguments { get; } = new("--args") { Description = "Python source: arguments for the --model function, written as Python, e.g. \"(32, 32, 3), num_classes=10\"" };

    /// <summary>The outcome of a run: the models to report, and the text the code printed when it printed summaries.</summary>
    public sealed record Outcome(IReadOnlyList<Model> Models, string Printed, bool PrintedSummaries);

    public static bool IsPython(string? path)
    {
        if (path is null || path == "-") return false;
        if (path.EndsWith(".py", StringComparison.OrdinalIgnoreCase)) return true;
        try
        {
            var info = new FileInfo(path);
            return info.Exists && info.Length < 4 * 1024 * 1024 && PythonModelSource.LooksLikePython(path, File.ReadAllBytes(path));
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>Runs the MODEL argument when it is Python source (a .py name or Python content); null when it is not.</summary>
    public Outcome? Run(ParseResult parse, string path, KerasVersion? version, SummaryOptions summary, TextWriter stderr)
    {
        string source, file;
        string? folder;
        if (path == "-")
        {
            using var stdin = Console.OpenStandardInput();
            using var buffer = new MemoryStream();
            stdin.CopyTo(buffer);
            var bytes = buffer.ToArray();
            if (!PythonModelSource.LooksLikePython(null, bytes))
            {
                try { return new Outcome(ModelSource.Load(bytes, version), "", false); }
                catch (ModelException e) { throw ModelException.At("<stdin>", e); }
            }
            (source, file, folder) = (System.Text.Encoding.UTF8.GetString(bytes), "<stdin>", null);
        }
        else
        {
            if (!IsPython(path)) return null;
            (source, file, folder) = (File.ReadAllText(path), path, Path.GetDirectoryName(Path.GetFullPath(path)));
        }
        var name = parse.GetValue(ModelName);
        var arguments = parse.GetValue(CallArguments);
        var options = new PythonRunOptions
        {
            Call = name is not null && (arguments is not null || DefinesFunction(source, name)) ? (name, arguments ?? "") : null,
            Version = version,
            SearchPaths = parse.GetValue(SearchPaths) ?? [],
            InputShape = parse.GetValue(InputShape) is { } shape ? ParseShape(shape) : null,
            Summary = summary,
        };
        var run = PythonModelSource.Run(source, file, folder, options);
        if (run.StoppedBy is { } stop)
        {
            if (run.Models.Count == 0) throw stop;
            stderr.WriteLine($"paramlens: note: {file} stopped before its end:\n{stop.Message}");
            stderr.WriteLine($"paramlens: using the model(s) built before that point");
        }
        IReadOnlyList<Model> models = name is not null ? [run.Pick(name)] : run.Reported;
        if (models.Count == 0) throw new ModelException($"{file}: the code built no Keras model");
        return new Outcome(models, run.Printed, run.Summaries.Count > 0 && name is null);
    }

    /// <summary>Whether the script defines a top-level function of this name (then --model calls it).</summary>
    private static bool DefinesFunction(string source, string name) =>
        source.Split('\n').Any(line => line.StartsWith($"def {name}(", StringComparison.Ordinal));

    private static long?[] ParseShape(string text)
    {
        var parts = text.Trim().Trim('(', ')', '[', ']').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return parts.Select(p => p is "None" or "?" ? (long?)null
            : long.TryParse(p, out var d) && d > 0 ? d : throw new UsageException($"--input-shape: '{text}' is not a shape such as 28,28,1")).ToArray();
    }
}
