using System.CommandLine;
using ParamLens;
using ParamLens.Python;
using ParamLens.Rendering;

/// <summary>The command-line options that say how Python source and notebooks are run.</summary>
public sealed class PythonOptions
{
    public Option<string[]> SearchPaths { get; } = new("--path") { Description = "Python source: another folder to import modules and packages from (repeatable)" };
    public Option<string?> InputShape { get; } = new("--input-shape") { Description = "Python source: build unbuilt models (subclassed, Sequential without input shape) for this input shape, e.g. 28,28,1" };
    public Option<string?> ModelName { get; } = new("--model") { Description = "Python source: report only this model (a variable, a Keras model name, or a function of the script to call)" };
    public Option<string?> CallArguments { get; } = new("--args") { Description = "Python source: arguments for the --model function, written as Python, e.g. \"(32, 32, 3), num_classes=10\"" };

    /// <summary>How to run Python input, from the command line.</summary>
    public PythonRunOptions From(ParseResult parse, SummaryOptions summary, Limits limits, bool styleGiven = false) => new()
    {
        StyleFollowsVersion = !styleGiven,
        SkipFailingStatements = true,
        SearchPaths = parse.GetValue(SearchPaths) ?? [],
        InputShape = parse.GetValue(InputShape) is { } shape ? ParseShape(shape) : null,
        ModelName = parse.GetValue(ModelName),
        CallArguments = parse.GetValue(CallArguments),
        Summary = summary,
        Limits = limits,
    };

    private static long?[] ParseShape(string text)
    {
        var parts = text.Trim().Trim('(', ')', '[', ']').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return parts.Select(p => p is "None" or "?" ? (long?)null
            : long.TryParse(p, out var d) && d > 0 ? d : throw new UsageException($"--input-shape: '{text}' is not a shape such as 28,28,1")).ToArray();
    }
}
