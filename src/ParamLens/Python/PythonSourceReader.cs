using ParamLens.Formats;
using ParamLens.Printed;

namespace ParamLens.Python;

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
        try
        {
            return PythonModelSource.Document(source, input.Name, input.Folder, options, Format, notes);
        }
        catch (PythonError e) when (e.Kind == "SyntaxError" && !input.HasExtension(".py", ".pyw") && e.Trace.Count <= 1)
        {
            // Text that is not Python was not meant as a program: say what the input could have been.
            throw new ModelException($"{ModelSource.NotRecognised} (as Python source: {e.Detail}, line {e.Trace.FirstOrDefault().Line})");
        }
    }
}
