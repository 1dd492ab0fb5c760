using System.CommandLine;
using ParamLens;
using ParamLens.Graph;
using ParamLens.Python;
using ParamLens.Rendering;

/// <summary>Running Python model code from the command line: its options, and the models and printed text it gives.</summary>
public sealed class PythonOptions
{
    public Option<string[]> SearchPaths { get; } = new("--path") { Description = "Python source: another folder to import modules and packages from (repeatable)" };
    public Option<string?> InputShape { get; } = new("--input-shape") { Description = "Python source: build unbuilt models (subclassed, Sequential without input shape) for this input shape, e.g. 28,28,1" };
    public Option<string?> ModelName { get; } = new("--model") { Description = "Python source: report only this model (a variable, a Keras model name, or a function of the script to call)" };
    public Option<string?> CallArguments { get; } = new("--args") { Description = "Python source: arguments for the --model function, written as Python, e.g. \"(32, 32, 3), num_classes=10\"" };

    /// <summary>The outcome of a run: the models to report, and the text the code printed when it printed summaries.</summary>
    /// <param name="Incomplete">Some summary the code asks for was not printed as Keras prints it (notes on stderr say
    /// which and why).</param>
    public sealed record Outcome(IReadOnlyList<Model> Models, string Printed, bool PrintedSummaries, bool Incomplete);

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
    /// <param name="path">The file to read (standard input has already been copied to one).</param>
    /// <param name="shownAs">The name errors and notes use (the argument as given, or <c>&lt;stdin&gt;</c>).</param>
    public Outcome? Run(ParseResult parse, string path, string shownAs, KerasVersion? version, SummaryOptions summary, Limits limits, TextWriter stderr)
    {
        if (!IsPython(path)) return null;
        var source = File.ReadAllText(path);
        var file = shownAs == "-" ? "<stdin>" : shownAs;
        var folder = shownAs == "-" ? null : Path.GetDirectoryName(Path.GetFullPath(path));
        var name = parse.GetValue(ModelName);
        var arguments = parse.GetValue(CallArguments);
        var options = new PythonRunOptions
        {
            Call = name is not null && (arguments is not null || DefinesFunction(source, name)) ? (name, arguments ?? "") : null,
            Version = version,
            SearchPaths = parse.GetValue(SearchPaths) ?? [],
            InputShape = parse.GetValue(InputShape) is { } shape ? ParseShape(shape) : null,
            Summary = summary,
            Limits = limits,
            SkipFailingStatements = true,
        };
        var run = PythonModelSource.Run(source, file, folder, options);
        foreach (var note in run.Notes) stderr.WriteLine($"paramlens: {note}");
        if (run.StoppedBy is { } stop)
        {
            if (run.Models.Count == 0) throw stop;
            stderr.WriteLine($"paramlens: note: {file} stopped before its end:\n{stop.Message}");
            stderr.WriteLine(run.Incomplete
                ? "paramlens: the summaries it asks for after that point were not printed"
                : "paramlens: using the model(s) built before that point");
        }
        IReadOnlyList<Model> models = name is not null ? [run.Pick(name)] : run.Reported;
        if (models.Count == 0) throw new ModelException($"{file}: the code built no Keras model");
        return new Outcome(models, run.Printed, run.Summaries.Count > 0 && name is null, run.Incomplete);
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
