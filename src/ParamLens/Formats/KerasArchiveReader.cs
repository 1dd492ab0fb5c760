using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace ParamLens.Formats;

/// <summary>
/// Reads a <c>.keras</c> archive (Keras 3, and tf.keras 2.12–2.15): a zip holding <c>config.json</c> (the model),
/// <c>metadata.json</c> (<c>keras_version</c>) and <c>model.weights.h5</c> (the weights, whose metadata only is read).
/// Sizes are checked against <see cref="ReaderLimits"/> both as declared and as actually decompressed.
/// </summary>
internal static class KerasArchiveReader
{
    public const string Format = ".keras archive";
    private const long LargeMember = 1024 * 1024;

    public static ModelFile Read(string path, ModelSource.Options options)
    {
        var limits = options.Limits;
        using var stream = File.OpenRead(path);
        using var zip = Open(stream);
        var entries = zip.Entries;
        if (entries.Count > limits.MaxArchiveEntries)
            throw new ModelException($"the archive has {entries.Count:N0} members, more than the {limits.MaxArchiveEntries:N0} accepted");
        foreach (var entry in entries) CheckDeclaredSize(entry, limits);

        var config = Find(entries, "config.json") ?? throw new ModelException(DescribeWithoutConfig(entries));
        var root = ModelSource.ParseJson(ReadText(config, limits), limits, "config.json") as JsonObject
            ?? throw new ModelException("config.json is not a JSON object");
        if (!KerasJsonReader.LooksLikeModelConfig(root))
            throw new ModelException("config.json has no top-level 'class_name' and 'config': not a Keras model config");
        var writtenBy = Find(entries, "metadata.json") is { } metadata
            ? KerasJsonReader.VersionOf((ModelSource.ParseJson(ReadText(metadata, limits), limits, "metadata.json") as JsonObject)?["keras_version"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null)
            : null;
        var model = KerasJsonReader.Read(root, options.VersionOverride, writtenBy ?? Graph.KerasVersion.Keras3, limits);

        if (Find(entries, "model.weights.h5") is not { } weightsEntry)
            return new ModelFile(model, null, Find(entries, "model.weights.npz") is null
                ? Format + ", without weights"
                : Format + " with weights in model.weights.npz (not read)");
        var temp = Path.Combine(Path.GetTempPath(), "paramlens-" + Guid.NewGuid().ToString("N") + ".weights.h5");
        try
        {
            Extract(weightsEntry, temp, limits);
            var weights = Hdf5ModelReader.ReadKeras3Weights(temp, model, limits);
            return new ModelFile(model, new StoredWeights("model.weights.h5 in the archive", weights), Format);
        }
        catch (ModelException e)
        {
            throw ModelException.At("model.weights.h5", e);
        }
        finally
        {
            File.Delete(temp);
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
