using ParamLens.Layers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ParamLens.Graph;
using ParamLens.Printed;
using ParamLens.Python;

namespace ParamLens.Inputs;

/// <summary>
/// The library's one entry point for every input: a <c>.keras</c> archive, a legacy Keras HDF5 file, a Keras JSON config,
/// a TensorFlow.js <c>model.json</c>, a Jupyter notebook, Python source, or a pasted <c>model.summary()</c>. The format
/// is told from the content, never from the file name alone: each registered <see cref="IModelReader"/> is asked in
/// turn, and the first that recognises the input reads it, once. Anything else gets an error that says what it is and
/// what to pass instead.
/// </summary>
public static class ModelSource
{
    /// <summary>How to read: the Keras version whose rules apply (null: the file's), a separate weights file for a bare
    /// config, how to run Python source, and the safety limits.</summary>
    public sealed record Options
    {
        public KerasVersion? VersionOverride { get; init; }
        /// <summary>A weights file (Keras 2 <c>save_weights</c> HDF5 or Keras 3 <c>.weights.h5</c>) to map onto the config.</summary>
        public string? WeightsPath { get; init; }
        public ReaderLimits Limits { get; init; } = ReaderLimits.Default;
        /// <summary>How Python source and notebooks are run (the Keras version comes from <see cref="VersionOverride"/>
        /// when that is set); by default past failing statements that touch no model, as real programs need.</summary>
        public PythonRunOptions Program { get; init; } = new() { SkipFailingStatements = true };
    }

    /// <summary>The readers, in the order they are asked: binary signatures first, then a config printed by Python (which
    /// would not parse as JSON), JSON documents by their keys,
    /// then text (Python source, and printed summaries, which Python would not parse).</summary>
    public static IReadOnlyList<IModelReader> Readers { get; } =
    [
        new Hdf5ModelReader(), new KerasArchiveReader(), new ConfigDictReader(), new NotebookReader(), new TfjsModelReader(), new JsonConfigReader(),
        new PythonSourceReader(), new PrintedSummaryFileReader(),
    ];

    /// <summary>The models in a file (one per model file); <c>-</c> reads standard input.</summary>
    public static IReadOnlyList<Model> Load(string path, KerasVersion? versionOverride = null) =>
        Open(path, new Options { VersionOverride = versionOverride }).Models;

    /// <summary>The model in a Keras JSON config (or TF.js <c>model.json</c>) given as text.</summary>
    public static Model LoadJson(string json, Options? options = null) => Parse(json, options).Model;

    /// <summary>Reads a file (or the unzipped <c>.keras</c> directory); <c>-</c> reads standard input. Errors name the file.</summary>
    public static ModelDocument Open(string path, Options? options = null)
    {
        options ??= new Options();
        if (path == "-") return WithStandardInput(temp => Read(ModelInput.FromFile(temp, options.Limits, StandardInputName), options), options.Limits);
        ModelInput input;
        try
        {
            input = ModelInput.FromFile(path, options.Limits);
        }
        catch (ModelException e)
        {
            throw ModelException.At(path, e);
        }
        return Read(input, options);
    }

    /// <summary>Reads text given in memory: a Keras or TF.js JSON config, a notebook, Python source or a printed summary.</summary>
    public static ModelDocument Parse(string text, Options? options = null, string name = "<text>")
    {
        options ??= new Options();
        return Read(ModelInput.FromText(text, options.Limits, name), options);
    }

    private static ModelDocument Read(ModelInput input, Options options)
    {
        ModelDocument document;
        try
        {
            document = ReaderFor(input).Read(input, options);
        }
        catch (PythonError)
        {
            throw; // a traceback already names the file and line
        }
        catch (ModelException e)
        {
            throw ModelException.At(input.Name, e);
        }
        if (options.WeightsPath is { } weightsPath)
        {
            if (document.Models.Count != 1)
                throw new ModelException($"{input.Name}: --weights applies to a model file; this input is {document.Format}");
            try
            {
                var weights = ModelInput.FromFile(weightsPath, options.Limits);
                if (!weights.StartsWith(Hdf5ModelReader.Signature))
                    throw new ModelException("a weights file must be HDF5 (Keras 2 save_weights .h5, or Keras 3 .weights.h5)");
                document = document with { Stored = Hdf5ModelReader.ReadWeights(weightsPath, document.Model, options.Limits) };
            }
            catch (ModelException e)
            {
                throw ModelException.At(weightsPath, e);
            }
        }
        if (document.Program is null && document.Models.Count == 1) UnknownLayerWeights.Adopt(document);
        return document;
    }

    private static IModelReader ReaderFor(ModelInput input)
    {
        if (input.IsDirectory)
            return Readers.FirstOrDefault(r => r.Recognises(input)) ?? throw new ModelException(
                File.Exists(Path.Combine(input.Path!, "saved_model.pb"))
                    ? "this is a TensorFlow SavedModel directory, which ParamLens does not read; pass the Keras model file (.keras, .h5 or the JSON config) instead"
                    : "this is a directory; pass a model file");
        foreach (var reader in Readers)
            if (reader.Recognises(input)) return reader;
        if (input.Length > input.MaxTextBytes)
            throw new ModelException($"the file is {input.Length:N0} bytes: too large for a JSON config or other text input (limit {input.MaxTextBytes:N0}) and not HDF5 or zip");
        throw new ModelException(Path.GetFileName(input.Name) is "saved_model.pb" or "keras_metadata.pb"
            ? "this is part of a TensorFlow SavedModel, which ParamLens does not read; pass the Keras model file (.keras, .h5 or the JSON config) instead"
            : NotRecognised);
    }

    /// <summary>What messages call standard input.</summary>
    public const string StandardInputName = "<stdin>";

    /// <summary>The message for content no reader recognises.</summary>
    internal const string NotRecognised =
        "not a recognised model format: expected a .keras archive, a Keras HDF5 file (.h5), a Keras JSON config, a TensorFlow.js model.json, " +
        "a Jupyter notebook, Python source or a printed model.summary()";

    /// <summary>
    /// Run <paramref name="use"/> on a temporary copy of standard input: input may be any format, and the HDF5 and zip
    /// readers need a file they can seek in. Errors name <c>&lt;stdin&gt;</c>; the copy is deleted afterwards.
    /// </summary>
    public static T WithStandardInput<T>(Func<string, T> use, ReaderLimits? limits = null)
    {
        limits ??= ReaderLimits.Default;
        if (StandardInputIsClosed())
            throw new Rendering.UsageException($"{StandardInputName}: standard input is closed; give a model file, or pipe one in");
        var temp = Path.Combine(Path.GetTempPath(), "paramlens-stdin-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var target = new FileStream(temp, FileMode.CreateNew))
            using (var stdin = Console.OpenStandardInput())
            {
                var chunk = new byte[81920];
                long total = 0;
                int read;
                while ((read = stdin.Read(chunk, 0, chunk.Length)) > 0)
                {
                    if ((total += read) > limits.MaxFileBytes)
                        throw new ModelException($"<stdin>: the input is larger than the {limits.MaxFileBytes:N0} bytes accepted");
                    target.Write(chunk, 0, read);
                }
            }
            return use(temp);
        }
        catch (ModelException e)
        {
            throw new ModelException(e.Message.Replace(temp, "<stdin>", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Whether this process was started with descriptor 0 closed (<c>paramlens summary - &lt;&amp;-</c>). The runtime then
    /// reuses descriptor 0 for a pipe of its own, and reading it waits forever. Every descriptor a process inherits
    /// survived <c>exec</c>, so it cannot be close-on-exec; one that is was opened by this process, not given to it.
    /// Linux says so in <c>/proc/self/fdinfo/0</c>; elsewhere nothing is assumed.
    /// </summary>
    private static bool StandardInputIsClosed()
    {
        const string fdInfo = "/proc/self/fdinfo/0";
        const int closeOnExec = 0x80000; // O_CLOEXEC (octal 02000000) in the flags line
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc/self/fdinfo")) return false;
        string[] lines;
        try
        {
            lines = File.ReadAllLines(fdInfo);
        }
        catch (IOException)
        {
            return true; // no descriptor 0 at all
        }
        var flags = lines.FirstOrDefault(l => l.StartsWith("flags:", StringComparison.Ordinal))?["flags:".Length..].Trim();
        return flags is not null && (Convert.ToInt32(flags, 8) & closeOnExec) != 0;
    }

    /// <summary>Parse JSON within the depth limit; a syntax error names the line.</summary>
    internal static JsonNode? ParseJson(string text, ReaderLimits limits, string what)
    {
        if (Encoding.UTF8.GetByteCount(text) > limits.MaxJsonBytes)
            throw new ModelException($"{what} is larger than the {limits.MaxJsonBytes:N0} bytes of JSON accepted");
        try
        {
            // Duplicate keys are refused while parsing: JsonNode would otherwise throw an ArgumentException on first access,
            // and which of the two values Python's json (the last) or another reader keeps is not the file's to decide.
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is long n ? $" (line {n + 1})" : "";
            throw new ModelException($"{what} is not valid JSON{line}: {e.Message.Split(" Path:")[0].Split(" LineNumber:")[0]}");
        }
    }
}
