using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace ParamLens.Inputs;

/// <summary>
/// Reads a <c>.keras</c> archive (Keras 3, and tf.keras 2.12–2.15): a zip holding <c>config.json</c> (the model),
/// <c>metadata.json</c> (<c>keras_version</c>) and <c>model.weights.h5</c> (the weights, whose metadata only is read).
/// Sizes are checked against <see cref="ReaderLimits"/> both as declared and as actually decompressed.
/// </summary>
internal sealed class KerasArchiveReader : IModelReader
{
    public const string Format = ".keras archive";
    private const long LargeMember = 1024 * 1024;

    public string Name => "Keras 3 .keras archive (also tf.keras 2.12–2.15), zipped or unzipped";

    public bool Recognises(ModelInput input) =>
        input.IsDirectory ? File.Exists(Path.Combine(input.Path!, "config.json"))
        : input.Path is not null && (input.StartsWith("PK\x03\x04"u8) || input.StartsWith("PK\x05\x06"u8));

    public ModelDocument Read(ModelInput input, ModelSource.Options options) =>
        input.IsDirectory ? ReadDirectory(input.Path!, options) : Read(input.Path!, options);

    public static ModelDocument Read(string path, ModelSource.Options options)
    {
        var limits = options.Limits;
        using var stream = File.OpenRead(path);
        CheckDeclaredEntryCount(stream, limits);
        using var zip = Open(stream);
        var entries = Entries(zip);
        if (entries.Count > limits.MaxArchiveEntries)
            throw new ModelException($"the archive has {entries.Count:N0} members, more than the {limits.MaxArchiveEntries:N0} accepted");
        foreach (var entry in entries) CheckDeclaredSize(entry, limits);

        var config = Find(entries, "config.json") ?? throw new ModelException(DescribeWithoutConfig(entries));
        var metadata = Find(entries, "metadata.json");
        var (model, writtenBy) = ReadConfig(ReadText(config, limits), metadata is null ? null : ReadText(metadata, limits), options);

        if (Find(entries, "model.weights.h5") is not { } weightsEntry)
            return ModelDocument.OfFile(model, null, WithoutWeights(Find(entries, "model.weights.npz") is not null));
        var temp = Path.Combine(Path.GetTempPath(), "paramlens-" + Guid.NewGuid().ToString("N") + ".weights.h5");
        try
        {
            Extract(weightsEntry, temp, limits);
            return ModelDocument.OfFile(model, new StoredWeights("model.weights.h5 in the archive", ReadWeights(temp, model, writtenBy, limits)), Format);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The unzipped form Keras writes with <c>zipped=False</c>: a directory holding the same three files.</summary>
    public static ModelDocument ReadDirectory(string directory, ModelSource.Options options)
    {
        var limits = options.Limits;
        string? Text(string name)
        {
            var path = Path.Combine(directory, name);
            if (!File.Exists(path)) return null;
            if (new FileInfo(path).Length > limits.MaxJsonBytes)
                throw new ModelException($"{name} is larger than the {limits.MaxJsonBytes:N0} bytes of JSON accepted");
            return File.ReadAllText(path).TrimStart('\uFEFF');
        }
        var (model, writtenBy) = ReadConfig(Text("config.json")!, Text("metadata.json"), options);
        var weightsPath = Path.Combine(directory, "model.weights.h5");
        if (!File.Exists(weightsPath))
            return ModelDocument.OfFile(model, null, WithoutWeights(File.Exists(Path.Combine(directory, "model.weights.npz"))));
        if (new FileInfo(weightsPath).Length > limits.MaxFileBytes)
            throw new ModelException($"model.weights.h5 is larger than the {limits.MaxFileBytes:N0} bytes accepted");
        return ModelDocument.OfFile(model, new StoredWeights("model.weights.h5 in the directory", ReadWeights(weightsPath, model, writtenBy, limits)), Format + " (unzipped)");
    }

    /// <summary>The model, and the Keras version that wrote the archive (Keras 3 when metadata.json does not say).</summary>
    private static (Graph.Model Model, Layers.KerasVersion WrittenBy) ReadConfig(string configText, string? metadataText, ModelSource.Options options)
    {
        var limits = options.Limits;
        var root = ModelSource.ParseJson(configText, limits, "config.json") as JsonObject
            ?? throw new ModelException("config.json is not a JSON object");
        if (!KerasJsonReader.LooksLikeModelConfig(root))
            throw new ModelException("config.json has no top-level 'class_name' and 'config': not a Keras model config");
        var metadata = metadataText is null ? null : ModelSource.ParseJson(metadataText, limits, "metadata.json") as JsonObject;
        var writtenBy = KerasJsonReader.VersionOf(metadata?["keras_version"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null)
            ?? Layers.KerasVersion.Keras3;
        return (KerasJsonReader.Read(root, options.VersionOverride, writtenBy, limits), writtenBy);
    }

    private static List<StoredWeight> ReadWeights(string path, Graph.Model model, Layers.KerasVersion writtenBy, ReaderLimits limits)
    {
        try
        {
            return Hdf5ModelReader.ReadKeras3Weights(path, model, writtenBy, limits);
        }
        catch (ModelException e)
        {
            throw ModelException.At("model.weights.h5", e);
        }
    }

    private static string WithoutWeights(bool hasNpz) =>
        hasNpz ? Format + " with weights in model.weights.npz (not read)" : Format + ", without weights";

    /// <summary>
    /// The member count the end-of-central-directory record declares, checked before the runtime lists every member
    /// (which it would do in memory). Zip64 archives (count 0xFFFF here) are checked after opening instead.
    /// </summary>
    private static void CheckDeclaredEntryCount(FileStream stream, ReaderLimits limits)
    {
        var tailLength = (int)Math.Min(stream.Length, 22 + ushort.MaxValue);
        var tail = new byte[tailLength];
        stream.Seek(-tailLength, SeekOrigin.End);
        stream.ReadExactly(tail);
        stream.Seek(0, SeekOrigin.Begin);
        for (var i = tailLength - 22; i >= 0; i--)
        {
            if (tail[i] != 0x50 || tail[i + 1] != 0x4B || tail[i + 2] != 0x05 || tail[i + 3] != 0x06) continue;
            var declared = BitConverter.ToUInt16(tail, i + 10);
            if (declared != ushort.MaxValue && declared > limits.MaxArchiveEntries)
                throw new ModelException($"the archive declares {declared:N0} members, more than the {limits.MaxArchiveEntries:N0} accepted");
            return;
        }
    }

    private static ZipArchive Open(Stream stream)
    {
        try
        {
            return new ZipArchive(stream, ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw new ModelException($"the zip archive is truncated or corrupt: {e.Message}");
        }
    }

    /// <summary>The members, listed from the central directory (which the runtime reads on first access and checks against
    /// the count the end record declares).</summary>
    private static IReadOnlyCollection<ZipArchiveEntry> Entries(ZipArchive zip)
    {
        try
        {
            return zip.Entries;
        }
        catch (InvalidDataException e)
        {
            throw new ModelException($"the zip archive's central directory is truncated or corrupt: {e.Message}");
        }
    }

    private static ZipArchiveEntry? Find(IEnumerable<ZipArchiveEntry> entries, string name) =>
        entries.FirstOrDefault(e => e.FullName.Replace('\\', '/').TrimStart('/') == name);

    private static string DescribeWithoutConfig(IEnumerable<ZipArchiveEntry> entries) =>
        entries.Any(e => e.FullName.EndsWith("saved_model.pb", StringComparison.Ordinal))
            ? "this zip holds a TensorFlow SavedModel, not a .keras archive; pass the Keras model file (.keras, .h5 or the JSON config) instead"
            : "this zip archive is not a .keras archive: it has no config.json";

    /// <summary>Refuse members whose declared size is over the limit or whose compression ratio only a zip bomb reaches.</summary>
    private static void CheckDeclaredSize(ZipArchiveEntry entry, ReaderLimits limits)
    {
        if (entry.Length > limits.MaxArchiveMemberBytes)
            throw new ModelException($"archive member '{entry.FullName}' declares {entry.Length:N0} bytes, more than the {limits.MaxArchiveMemberBytes:N0} accepted");
        if (entry.Length > LargeMember && entry.Length / Math.Max(1, entry.CompressedLength) > limits.MaxCompressionRatio)
            throw new ModelException($"archive member '{entry.FullName}' expands {entry.Length / Math.Max(1, entry.CompressedLength):N0} times ({entry.CompressedLength:N0} to {entry.Length:N0} bytes), more than the ratio of {limits.MaxCompressionRatio} accepted: a zip bomb?");
    }

    private static string ReadText(ZipArchiveEntry entry, ReaderLimits limits)
    {
        using var buffer = new MemoryStream();
        Copy(entry, buffer, Math.Min(limits.MaxJsonBytes, limits.MaxArchiveMemberBytes));
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
    }

    private static void Extract(ZipArchiveEntry entry, string target, ReaderLimits limits)
    {
        using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.None);
        Copy(entry, file, limits.MaxArchiveMemberBytes);
    }

    /// <summary>Decompress a member, stopping as soon as it yields more than it declared or than the limit allows.</summary>
    private static void Copy(ZipArchiveEntry entry, Stream target, long limit)
    {
        var allowed = Math.Min(entry.Length, limit);
        if (entry.Length > limit)
            throw new ModelException($"archive member '{entry.FullName}' declares {entry.Length:N0} bytes, more than the {limit:N0} accepted");
        try
        {
            using var source = entry.Open();
            var chunk = new byte[81920];
            long total = 0;
            int read;
            while ((read = source.Read(chunk, 0, chunk.Length)) > 0)
            {
                total += read;
                if (total > allowed)
                    throw new ModelException($"archive member '{entry.FullName}' decompresses to more than the {allowed:N0} bytes it declares");
                target.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException e)
        {
            throw new ModelException($"archive member '{entry.FullName}' is truncated or corrupt: {e.Message}");
        }
    }
}
