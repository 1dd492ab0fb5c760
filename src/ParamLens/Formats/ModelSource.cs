using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ParamLens.Graph;

namespace ParamLens.Formats;

/// <summary>Reads models from a file or stream, telling the format from the content, not the file name.</summary>
public static class ModelSource
{
    /// <summary>Largest input read, so an absurd file fails fast instead of exhausting memory.</summary>
    public const long MaxBytes = 256L * 1024 * 1024;

    public static IReadOnlyList<Model> Load(string path, KerasVersion? versionOverride = null)
    {
        try
        {
            if (path == "-")
            {
                using var stdin = Console.OpenStandardInput();
                return Load(stdin, versionOverride);
            }
            var info = new FileInfo(path);
            if (Directory.Exists(path))
                throw new ModelException(File.Exists(Path.Combine(path, "saved_model.pb"))
                    ? "this is a TensorFlow SavedModel directory; pass the Keras model file (.keras, .h5 or the JSON config) instead"
                    : "this is a directory; pass a model file");
            if (!info.Exists) throw new FileNotFoundException($"no such file", path);
            if (info.Length > MaxBytes) throw new ModelException($"the file is {info.Length:N0} bytes, more than the {MaxBytes:N0} this reader accepts");
            using var stream = info.OpenRead();
            return Load(stream, versionOverride);
        }
        catch (ModelException e)
        {
            throw ModelException.At(path == "-" ? "<stdin>" : path, e);
        }
    }

    public static IReadOnlyList<Model> Load(Stream stream, KerasVersion? versionOverride = null)
    {
        var bytes = ReadBounded(stream);
        return Load(bytes, versionOverride);
    }

    public static IReadOnlyList<Model> Load(byte[] bytes, KerasVersion? versionOverride = null)
    {
        if (bytes.AsSpan().StartsWith("\x89HDF\r\n\x1a\n"u8))
            throw new ModelException("this is an HDF5 file (.h5); reading HDF5 models is not supported yet — pass the model's JSON config (model.to_json())");
        if (bytes.AsSpan().StartsWith("PK\x03\x04"u8))
            throw new ModelException("this is a zip archive (.keras); reading .keras archives is not supported yet — pass its config.json");
        var text = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
        if (text.TrimStart().StartsWith('{'))
            return [ReadJson(text, versionOverride)];
        throw new ModelException("not a recognised model format (expected a Keras model config JSON)");
    }

    private static Model ReadJson(string text, KerasVersion? versionOverride)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: KerasJsonReader.DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new ModelException($"invalid JSON at line {e.LineNumber + 1}: {e.Message.Split(" Path:")[0]}");
        }
        if (root is not JsonObject obj) throw new ModelException("the JSON is not an object");
        if (obj.ContainsKey("modelTopology"))
            throw new ModelException("this is a TensorFlow.js model.json; reading it is not supported yet — pass the Keras config inside 'modelTopology'");
        if (!KerasJsonReader.LooksLikeModelConfig(obj))
            throw new ModelException("the JSON has no top-level 'class_name' and 'config': not a Keras model config");
        return KerasJsonReader.Read(obj, versionOverride);
    }

    private static byte[] ReadBounded(Stream stream)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > MaxBytes) throw new ModelException($"the input is larger than the {MaxBytes:N0} bytes this reader accepts");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
