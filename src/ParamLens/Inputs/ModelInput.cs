using System.Text;
using System.Text.Json.Nodes;

namespace ParamLens.Inputs;

/// <summary>
/// One input as the readers see it: a file (or the unzipped <c>.keras</c> directory), or text given in memory. Its first
/// bytes are read once for sniffing; its whole text and parsed JSON at most once, when a reader asks for them.
/// </summary>
public sealed class ModelInput
{
    private const int HeadBytes = 64;

    private readonly ReaderLimits _limits;
    private readonly byte[] _head;
    private string? _text;
    private bool _textRead;
    private JsonNode? _json;
    private bool _jsonParsed;

    private ModelInput(string name, string? path, string? folder, bool isDirectory, long length, byte[] head, string? text, ReaderLimits limits)
    {
        Name = name;
        Path = path;
        Folder = folder;
        IsDirectory = isDirectory;
        Length = length;
        _head = head;
        _limits = limits;
        if (text is not null) (_text, _textRead) = (text, true);
    }

    /// <summary>A file or directory on disk. <paramref name="name"/> is what messages call it (the path by default); a
    /// copy of standard input (named <see cref="ModelSource.StandardInputName"/>) has no folder of its own.</summary>
    public static ModelInput FromFile(string path, ReaderLimits limits, string? name = null)
    {
        var folder = name == ModelSource.StandardInputName ? null : System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (Directory.Exists(path)) return new ModelInput(name ?? path, path, folder, isDirectory: true, 0, [], null, limits);
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException("no such file", path);
        if (info.Length > limits.MaxFileBytes)
            throw new ModelException($"the file is {info.Length:N0} bytes, more than the {limits.MaxFileBytes:N0} this reader accepts");
        var head = new byte[Math.Min(HeadBytes, info.Length)];
        using (var stream = File.OpenRead(path)) head = head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        return new ModelInput(name ?? path, path, folder, isDirectory: false, info.Length, head, null, limits);
    }

    /// <summary>Text given in memory (a config, Python source, a notebook or a pasted summary); it has no folder, so
    /// Python source given this way imports only the interpreter's own modules.</summary>
    public static ModelInput FromText(string text, ReaderLimits limits, string name = "<text>")
    {
        var bytes = Encoding.UTF8.GetByteCount(text);
        return new ModelInput(name, null, null, isDirectory: false, bytes, Encoding.UTF8.GetBytes(text[..Math.Min(text.Length, HeadBytes)]),
            text.TrimStart('\uFEFF'), limits);
    }

    /// <summary>What messages call the input: the path as given, <c>&lt;stdin&gt;</c> or <c>&lt;text&gt;</c>.</summary>
    public string Name { get; }
    /// <summary>The file or directory on disk; null for text given in memory.</summary>
    public string? Path { get; }
    /// <summary>The folder the input lives in (where Python source finds its own modules); null for text in memory.</summary>
    public string? Folder { get; }
    public bool IsDirectory { get; }
    public long Length { get; }
    /// <summary>The largest text input read (<see cref="ReaderLimits.MaxJsonBytes"/>).</summary>
    public long MaxTextBytes => _limits.MaxJsonBytes;

    /// <summary>Whether the content starts with these bytes (a format's signature).</summary>
    public bool StartsWith(ReadOnlySpan<byte> signature) => _head.AsSpan().StartsWith(signature);

    /// <summary>Whether the name ends with one of these extensions (a hint only: the content decides).</summary>
    public bool HasExtension(params string[] extensions) =>
        extensions.Any(e => Name.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>The content as UTF-8 text (without a byte-order mark), or null when it is not text: a directory, binary
    /// content (a NUL byte), or more than <see cref="ReaderLimits.MaxJsonBytes"/>.</summary>
    public string? Text
    {
        get
        {
            if (_textRead) return _text;
            _textRead = true;
            if (IsDirectory || Path is null || Length > _limits.MaxJsonBytes || _head.AsSpan().IndexOf((byte)0) >= 0) return null;
            var bytes = File.ReadAllBytes(Path);
            _text = bytes.AsSpan().IndexOf((byte)0) >= 0 ? null : Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
            return _text;
        }
    }

    /// <summary>Whether the text is a JSON document (starts with <c>{</c> or <c>[</c>).</summary>
    public bool LooksLikeJson => Text?.TrimStart() is { Length: > 0 } t && t[0] is '{' or '[';

    /// <summary>The text parsed as JSON (once), within the depth limit; a syntax error names the line.</summary>
    public JsonNode? Json
    {
        get
        {
            if (_jsonParsed) return _json;
            _json = ModelSource.ParseJson(Text ?? throw new ModelException("the input is not text"), _limits, "the file");
            _jsonParsed = true;
            return _json;
        }
    }
}
