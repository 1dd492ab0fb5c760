using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ParamLens.Graph;

namespace ParamLens.Formats;

/// <summary>
/// Opens a model file, telling the format from the content, never from the file name: a <c>.keras</c> zip, a legacy
/// Keras HDF5 file, a Keras JSON config or a TensorFlow.js <c>model.json</c>. Anything else gets an error that says what
/// it is and what to pass instead.
/// </summary>
public static class ModelSource
{
    /// <summary>How to read: the Keras version whose rules apply (null: the file's), a separate weights file for a bare
    /// config, and the safety limits.</summary>
    public sealed record Options
    {
        public KerasVersion? VersionOverride { get; init; }
        /// <summary>A weights file (Keras 2 <c>save_weights</c> HDF5 or Keras 3 <c>.weights.h5</c>) to map onto the config.</summary>
        public string? WeightsPath { get; init; }
        public ReaderLimits Limits { get; init; } = ReaderLimits.Default;
    }

    private static readonly byte[] Hdf5Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The models in a file (one per file today); <c>-</c> reads standard input.</summary>
    public static IReadOnlyList<Model> Load(string path, KerasVersion? versionOverride = null) =>
        [Open(path, new Options { VersionOverride = versionOverride }).Model];

    /// <summary>The model in a Keras JSON config (or TF.js <c>model.json</c>) given as text.</summary>
    public static Model LoadJson(string json, Options? options = null) => ReadJson(json.TrimStart('\uFEFF'), options ?? new Options()).Model;

    /// <summary>The model in a file and the weights the file (or <see cref="Options.WeightsPath"/>) stores.</summary>
    public static ModelFile Open(string path, Options? options = null)
    {
        options ??= new Options();
        if (path == "-") return OpenStandardInput(options);
        ModelFile file;
        try
        {
            file = OpenFile(path, options);
        }
        catch (ModelException e)
        {
            throw ModelException.At(path, e);
        }
        if (options.WeightsPath is { } weightsPath)
        {
            try
            {
                CheckSize(weightsPath, options.Limits);
                if (!StartsWith(weightsPath, Hdf5Signature))
                    throw new ModelException("a weights file must be HDF5 (Keras 2 save_weights .h5, or Keras 3 .weights.h5)");
                file = file with { Stored = Hdf5ModelReader.ReadWeights(weightsPath, file.Model, options.Limits) };
            }
            catch (ModelException e)
            {
                throw ModelException.At(weightsPath, e);
            }
        }
        UnknownLayerWeights.Adopt(file);
        return file;
    }

    private static ModelFile OpenFile(string path, Options options)
    {
        if (Directory.Exists(path) && File.Exists(Path.Combine(path, "config.json"))) return KerasArchiveReader.ReadDirectory(path, options);
        if (Directory.Exists(path))
            throw new ModelException(File.Exists(Path.Combine(path, "saved_model.pb"))
                ? "this is a TensorFlow SavedModel directory, which ParamLens does not read; pass the Keras model file (.keras, .h5 or the JSON config) instead"
                : "this is a directory; pass a model file");
        var length = CheckSize(path, options.Limits);
        if (StartsWith(path, Hdf5Signature)) return Hdf5ModelReader.ReadModel(path, options);
        if (StartsWith(path, "PK\x03\x04"u8.ToArray()) || StartsWith(path, "PK\x05\x06"u8.ToArray())) return KerasArchiveReader.Read(path, options);
        if (length > options.Limits.MaxJsonBytes)
            throw new ModelException($"the file is {length:N0} bytes: too large for a JSON config (limit {options.Limits.MaxJsonBytes:N0}) and not HDF5 or zip");
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(path)).TrimStart('\uFEFF');
        if (!text.TrimStart().StartsWith('{'))
            throw new ModelException(Path.GetFileName(path) is "saved_model.pb" or "keras_metadata.pb"
                ? "this is part of a TensorFlow SavedModel, which ParamLens does not read; pass the Keras model file (.keras, .h5 or the JSON config) instead"
                : "not a recognised model format: expected a .keras archive, a Keras HDF5 file (.h5), a Keras JSON config or a TensorFlow.js model.json");
        return ReadJson(text, options);
    }

    private static ModelFile OpenStandardInput(Options options) => WithStandardInput(temp => Open(temp, options), options.Limits);

    /// <summary>
    /// Run <paramref name="use"/> on a temporary copy of standard input: input may be any format, and the HDF5 and zip
    /// readers need a file they can seek in. Errors name <c>&lt;stdin&gt;</c>; the copy is deleted afterwards.
    /// </summary>
    public static T WithStandardInput<T>(Func<string, T> use, ReaderLimits? limits = null)
    {
        limits ??= ReaderLimits.Default;
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

    private static ModelFile ReadJson(string text, Options options)
    {
        if (ParseJson(text, options.Limits, "the file") is not JsonObject obj) throw new ModelException("the JSON is not an object");
        if (obj.ContainsKey("modelTopology")) return TfjsModelReader.Read(obj, options);
        if (obj["format"] is JsonValue f && f.TryGetValue<string>(out var format) && format == "graph-model")
            throw new ModelException("this is a TensorFlow.js graph model: it holds a TensorFlow graph, not Keras layers; pass the Keras model it was converted from");
        if (obj.ContainsKey("weight_map"))
            throw new ModelException("this is the index of a sharded Keras 3 weights file: it has no architecture; pass the .keras archive or the model's config.json");
        if (obj.ContainsKey("weightsManifest"))
            throw new ModelException("this TensorFlow.js model.json has a weightsManifest but no modelTopology; pass a complete layers model");
        if (obj.ContainsKey("keras_version") && obj.ContainsKey("date_saved"))
            throw new ModelException("this is the metadata.json of a .keras archive; pass the archive itself or its config.json");
        if (!KerasJsonReader.LooksLikeModelConfig(obj))
            throw new ModelException("the JSON has no top-level 'class_name' and 'config': not a Keras model config");
        return new ModelFile(KerasJsonReader.Read(obj, options.VersionOverride, limits: options.Limits), null, "Keras JSON config (model.to_json())");
    }

    /// <summary>Parse JSON within the depth limit; a syntax error names the line.</summary>
    internal static JsonNode? ParseJson(string text, ReaderLimits limits, string what)
    {
        if (Encoding.UTF8.GetByteCount(text) > limits.MaxJsonBytes)
            throw new ModelException($"{what} is larger than the {limits.MaxJsonBytes:N0} bytes of JSON accepted");
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth });
        }
        catch (JsonException e)
        {
            throw new ModelException($"{what} is not valid JSON (line {e.LineNumber + 1}): {e.Message.Split(" Path:")[0].Split(" LineNumber:")[0]}");
        }
    }

    private static long CheckSize(string path, ReaderLimits limits)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException("no such file", path);
        if (info.Length > limits.MaxFileBytes)
            throw new ModelException($"the file is {info.Length:N0} bytes, more than the {limits.MaxFileBytes:N0} this reader accepts");
        return info.Length;
    }

    private static bool StartsWith(string path, byte[] signature)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[signature.Length];
        return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.AsSpan().SequenceEqual(signature);
    }
}
