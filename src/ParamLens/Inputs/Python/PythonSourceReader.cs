using ParamLens.Graph;
using ParamLens.Printed;
using ParamLens.Python;

namespace ParamLens.Inputs;

/// <summary>
/// Python source that builds Keras models, run in the sandboxed interpreter: a <c>.py</c> file, or any text that is not
/// JSON or a printed summary (then it must parse as Python, or it is not a model at all). IPython lines pasted from a
/// notebook (<c>%matplotlib inline</c>, <c>!pip install</c>) do nothing, with a note.
/// </summary>
internal sealed class PythonSourceReader : IModelReader
{
    public const string Format = "Python source";

    public string Name => "Python source that builds a Keras model (run in the sandboxed interpreter)";

    public bool Recognises(ModelInput input) =>
        input.HasExtension(".py", ".pyw")
        || input.Text is { } text && !input.LooksLikeJson && !PrintedSummaryReader.LooksLikeSummary(text);

    public ModelDocument Read(ModelInput input, ModelSource.Options options)
    {
        var text = input.Text ?? throw new ModelException(input.Length > input.MaxTextBytes
            ? $"the file is {input.Length:N0} bytes, more than the {input.MaxTextBytes:N0} of source accepted"
            : "the file is not UTF-8 text, so it is not Python source");
        var (source, replaced) = IPythonSyntax.ToPython(text);
        List<string> notes = IPythonSyntax.Note(input.Name, replaced) is { } note ? [note] : [];
        if (options.VersionOverride is null && options.Program.Version is null && KerasEraEvidence.FromSource(text) is var (version, why))
        {
            options = options with { Program = options.Program with { Version = version } };
            notes.Add($"{input.Name}: emulating Keras {version} because {why}; --keras-version sets another");
        }
        try
        {
            return Document(source, input.Name, input.Folder, options, Format, notes);
        }
        catch (PythonError e) when (e.Kind == "SyntaxError" && !input.HasExtension(".py", ".pyw") && e.Trace.Count <= 1)
        {
            // Text that is not Python was not meant as a program: say what the input could have been.
            throw new ModelException($"{ModelSource.NotRecognised} (as Python source: {e.Detail}, line {e.Trace.FirstOrDefault().Line})");
        }
    }

    /// <summary>Runs a program's source and gives the models to report, with notes: the run stopped early (the models
    /// built before that point are used), IPython lines did nothing.</summary>
    internal static ModelDocument Document(string source, string file, string? folder, ModelSource.Options options, string format, List<string> notes)
    {
        var program = options.Program with { Version = options.VersionOverride ?? options.Program.Version };
        var name = program.ModelName;
        var call = name is not null && (program.CallArguments is not null || DefinesFunction(source, name)) ? (name, program.CallArguments ?? "") : ((string, string)?)null;
        var run = PythonModelSource.Run(source, file, folder, program, call);
        notes.AddRange(run.Notes.Select(n => n.StartsWith("note: ", StringComparison.Ordinal) ? n["note: ".Length..] : n));
        if (run.StoppedBy is { } stop)
        {
            if (run.Models.Count == 0) throw stop;
            notes.Add($"{file} stopped before its end:\n{stop.Message}");
            notes.Add(run.Incomplete ? "the summaries it asks for after that point were not printed" : "using the model(s) built before that point");
        }
        IReadOnlyList<Model> models = name is not null ? [run.Pick(name)] : run.Reported;
        if (models.Count == 0)
            throw new ModelException("the code built no Keras model" + (notes.Count == 0 ? "" : ", after these notes:\n  " + string.Join("\n  ", notes)));
        return new ModelDocument { Format = format, Models = models, Program = run, Notes = notes };
    }

    /// <summary>Whether the script defines a top-level function of this name (then --model calls it).</summary>
    private static bool DefinesFunction(string source, string name) =>
        source.Split('\n').Any(line => line.StartsWith($"def {name}(", StringComparison.Ordinal));
}
