using ParamLens.Layers;
using System.Text;
using ParamLens.Graph;
using ParamLens.Python.Keras;
using ParamLens.Rendering;

namespace ParamLens.Python;

/// <summary>How to run a model-building Python file.</summary>
public sealed record PythonRunOptions
{
    /// <summary>The Keras version emulated (names, defaults, summary printer); Keras 3 when null.</summary>
    public KerasVersion? Version { get; init; }
    /// <summary>Extra folders to import modules and packages from (after the script's own folder).</summary>
    public IReadOnlyList<string> SearchPaths { get; init; } = [];
    /// <summary>Builds every model left unbuilt (subclassed, or Sequential without an input shape) for inputs of this
    /// shape (without the batch axis).</summary>
    public long?[]? InputShape { get; init; }
    /// <summary>The printer settings a <c>model.summary()</c> call starts from (its own arguments win); by default the
    /// printer of the emulated version (a Keras 2 process prints the Keras 2 table).</summary>
    public SummaryOptions? Summary { get; init; }
    /// <summary>The printer follows the emulated version (Keras 3 table or Keras 2 table), whatever the style of
    /// <see cref="Summary"/>: no style was asked for.</summary>
    public bool StyleFollowsVersion { get; init; }
    public Limits Limits { get; init; } = new();
    /// <summary>Report only this model (<c>--model NAME</c>): a variable, a Keras model name, or a function of the script,
    /// which is called after the script with <see cref="CallArguments"/> (its result is the model reported).</summary>
    public string? ModelName { get; init; }
    /// <summary>The arguments for the <see cref="ModelName"/> function, written as Python (<c>"(32, 32, 3), num_classes=10"</c>).</summary>
    public string? CallArguments { get; init; }
    /// <summary>Run past failures at the top level of a module that touch no model: skip the statement (a note says
    /// so) and make the names it would have bound unknown values.</summary>
    public bool SkipFailingStatements { get; init; }
}

/// <summary>What running a Python file produced.</summary>
public sealed class PythonRun
{
    /// <summary>Every model built, in order.</summary>
    public required IReadOnlyList<Model> Models { get; init; }
    /// <summary>Models the code built that are not part of another model it built, in order.</summary>
    public required IReadOnlyList<Model> TopLevelModels { get; init; }
    public required IReadOnlyList<SummaryRequest> Summaries { get; init; }
    /// <summary>Global variables of the script that hold models, by variable name.</summary>
    public required IReadOnlyDictionary<string, Model> Variables { get; init; }
    /// <summary>What the code printed (its <c>print</c> calls and summaries), in order.</summary>
    public required string Printed { get; init; }
    /// <summary>The error that stopped the code before its end, if any.</summary>
    public PythonError? StoppedBy { get; init; }
    /// <summary>Statements skipped, modules not available, summaries not printed: one line each, in order.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>Some <c>summary()</c> the code asks for was not printed as Keras prints it: its model is not known (or
    /// not derivable), or the run stopped before reaching it.</summary>
    public bool Incomplete { get; init; }

    /// <summary>The models to report: those whose summary the code printed (each once), else every top-level model.</summary>
    public IReadOnlyList<Model> Reported =>
        Summaries.Count > 0 ? Summaries.Select(s => s.Model).Distinct().ToList() : TopLevelModels;

    /// <summary>The model the function named by <see cref="PythonRunOptions.ModelName"/> returned.</summary>
    public Model? CallResult { get; init; }

    /// <summary>The model a variable, a called function or a Keras model name designates.</summary>
    public Model Pick(string name) =>
        CallResult is { } called ? called
        : Variables.TryGetValue(name, out var byVariable) ? byVariable
        : Models.FirstOrDefault(m => m.Name == name)
        ?? throw new ModelException($"no model named '{name}' (variables: {string.Join(", ", Variables.Keys)}; models: {string.Join(", ", Models.Select(m => m.Name))})");
}

/// <summary>Runs Keras model-building Python source in the sandboxed interpreter and collects the models it builds.</summary>
public static class PythonModelSource
{
    /// <summary>Host stack for the interpreter thread: deep enough for the call-depth limit with room to spare.</summary>
    private const int StackBytes = 512 * 1024 * 1024;

    /// <summary>Runs <paramref name="source"/> as <c>__main__</c>; <paramref name="scriptDir"/> is where its own imports
    /// are found (none when null).</summary>
    public static PythonRun Run(string source, string file, string? scriptDir, PythonRunOptions options, (string Function, string Arguments)? call = null)
    {
        PythonRun? result = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { result = RunHere(source, file, scriptDir, options, call); }
            catch (Exception e) { failure = e; }
        }, StackBytes);
        thread.Start();
        thread.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        return result!;
    }

    private static PythonRun RunHere(string source, string file, string? scriptDir, PythonRunOptions options, (string Function, string Arguments)? call)
    {
        var printed = new StringWriter();
        var interpreter = new Interpreter(options.Limits, printed, options.SearchPaths)
        {
            ScriptDir = scriptDir,
            SkipFailingStatements = options.SkipFailingStatements,
        };
        StandardModules.Register(interpreter);
        var version = options.Version ?? KerasVersion.Keras3;
        var summary = options.Summary is { } given && !options.StyleFollowsVersion
            ? given
            : (options.Summary ?? new SummaryOptions()) with { Style = version.IsKeras3 ? SummaryStyle.Keras3 : SummaryStyle.Keras2 };
        var keras = new KerasRuntime(interpreter, version, (model, arguments) => Render(model, arguments, summary));
        PythonError? stopped = null;
        PyModule? main = null;
        try
        {
            main = interpreter.RunMain(source, file);
        }
        catch (PythonError e) when (e.Kind != "SyntaxError")
        {
            stopped = e;
            main = interpreter.Modules.GetValueOrDefault("__main__");
        }
        var globals = main?.Dict ?? [];
        Model? callResult = null;
        if (call is var (function, arguments) && stopped is null)
        {
            interpreter.SkipFailingStatements = false; // the call is what was asked for: its failure is the answer
            callResult = CallFunction(interpreter, keras, globals, function, arguments);
        }
        try { interpreter.RunOutsideCode(() => keras.BuildPendingSequentials(globals.Values)); }
        catch (ModelException) when (stopped is not null) { } // the run already stopped with an error: that one is reported
        if (options.InputShape is { } shape && stopped is null)
        {
            foreach (var unbuilt in keras.UnbuiltModels(globals.Values).ToList())
            {
                try { interpreter.RunOutsideCode(() => keras.Build(unbuilt, [null, .. shape])); }
                catch (PythonError e) { throw new ModelException($"{file}: --input-shape: {e.Detail}"); }
            }
        }
        var models = keras.Models.Select(m => m.Model).ToList();
        var nested = models.SelectMany(m => m.Layers).OfType<Model>().ToHashSet();
        var variables = new Dictionary<string, Model>();
        foreach (var (name, value) in globals)
            if (value is PyInstance { Native: KerasObject { Core: Model { IsBuilt: true } m } }) variables[name] = m;
        var notes = interpreter.Notes.Concat(keras.UnprintedSummaries.Select(s => $"note: {s}")).ToList();
        if (keras.Keras2OnlyImport is { } keras2) notes.Add($"note: {keras2}");
        return new PythonRun
        {
            Notes = notes,
            Incomplete = keras.UnprintedSummaries.Count > 0 || (stopped is not null && SummaryNotReached(source, file, stopped))
                         || (keras.Keras2OnlyImport is not null && keras.Summaries.Count > 0)
                         || (keras.Summaries.Count == 0 && interpreter.ModelFailuresSkipped > 0),
            Models = models,
            TopLevelModels = models.Where(m => !nested.Contains(m)).ToList(),
            Summaries = keras.Summaries,
            Variables = variables,
            Printed = printed.ToString(),
            StoppedBy = stopped,
            CallResult = callResult,
        };
    }

    /// <summary>Whether the code that stopped has a <c>summary()</c> call it did not reach: one on or after the line the
    /// main module stopped at, or one inside a function or class (when it would have run is not known).</summary>
    private static bool SummaryNotReached(string source, string file, PythonError stopped)
    {
        var stopLine = stopped.Trace.FirstOrDefault(p => p.File == file).Line;
        var lines = Syntax.SummaryCallLines(Parser.ParseModule(source, file), out var inFunctions);
        return inFunctions || lines.Any(line => line >= stopLine);
    }

    /// <summary>Calls a function of the script in the sandbox and returns the model it built.</summary>
    private static Model CallFunction(Interpreter interpreter, KerasRuntime keras, Dictionary<string, object?> globals, string function, string arguments)
    {
        if (!globals.TryGetValue(function, out var target) || target is not (PyFunction or PyBuiltin or PyClass))
            throw new ModelException($"--model {function}: the script has no function of that name to call");
        var caller = new PyModule("__call__", "<--args>");
        foreach (var (name, value) in globals) caller.Dict[name] = value;
        interpreter.RunModule(caller, $"__result__ = {function}({arguments})\n");
        var result = caller.Dict["__result__"];
        if (result is PyInstance { Native: KerasObject { Kind: KerasKind.Sequential } } sequential) keras.BuildPendingSequentials([sequential]);
        return result is PyInstance { Native: KerasObject { Core: Model { IsBuilt: true } model } }
            ? model
            : throw new ModelException($"--model {function}: the function returned {interpreter.TypeName(result)}, not a built Keras model");
    }

    /// <summary>A summary as the code asked for it: the call's own arguments over the command line's settings.</summary>
    public static string Render(Model model, SummaryArguments arguments, SummaryOptions baseOptions)
    {
        var options = baseOptions with
        {
            LineLength = arguments.LineLength ?? baseOptions.LineLength,
            ExpandNested = arguments.ExpandNested || baseOptions.ExpandNested,
            ShowTrainable = arguments.ShowTrainable || baseOptions.ShowTrainable,
            LayerRange = arguments.LayerRange ?? baseOptions.LayerRange,
        };
        var account = Accounting.ModelAccount.Of(model);
        return options.Style == SummaryStyle.Keras2 ? Keras2Summary.Render(account, options) : Keras3Summary.Render(account, options);
    }
}
