using System.Text;
using ParamLens.Formats;
using ParamLens.Graph;

namespace ParamLens.Printed;

/// <summary>
/// A command-line input read once: a pasted <c>model.summary()</c> (told from its content) is analysed here; anything
/// else is handed to <see cref="ModelSource"/>. Standard input is buffered so either reader can use it.
/// </summary>
public sealed class PrintedSummaryInput
{
    private readonly string _path;
    private readonly byte[]? _stdin;

    private PrintedSummaryInput(string path, byte[]? stdin, PrintedAnalysis? printed)
    {
        _path = path;
        _stdin = stdin;
        Printed = printed;
    }

    /// <summary>The analysis when the input is a printed summary, else null.</summary>
    public PrintedAnalysis? Printed { get; }

    public static PrintedSummaryInput Read(string path)
    {
        byte[]? bytes = null, stdin = null;
        if (path == "-")
        {
            using var input = Console.OpenStandardInput();
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = input.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + read > ModelSource.MaxBytes) throw new ModelException($"<stdin>: the input is larger than the {ModelSource.MaxBytes:N0} bytes this reader accepts");
                buffer.Write(chunk, 0, read);
            }
            bytes = stdin = buffer.ToArray();
        }
        else if (File.Exists(path) && new FileInfo(path).Length <= ModelSource.MaxBytes)
            bytes = File.ReadAllBytes(path);
        if (bytes is null) return new PrintedSummaryInput(path, stdin, null);
        var text = Encoding.UTF8.GetString(bytes);
        if (!PrintedSummaryReader.LooksLikeSummary(text) || text.TrimStart('\uFEFF').TrimStart().StartsWith('{'))
            return new PrintedSummaryInput(path, stdin, null);
        try
        {
            return new PrintedSummaryInput(path, stdin, PrintedAnalysis.Of(text));
        }
        catch (ModelException e)
        {
            throw ModelException.At(path == "-" ? "<stdin>" : path, e);
        }
    }

    /// <summary>The models of a model file (or of the buffered standard input).</summary>
    public IReadOnlyList<Model> Models(KerasVersion? version)
    {
        if (_stdin is null) return ModelSource.Load(_path, version);
        try
        {
            return ModelSource.Load(_stdin, version);
        }
        catch (ModelException e)
        {
            throw ModelException.At("<stdin>", e);
        }
    }
}
