using System.CommandLine;
using System.Globalization;
using ParamLens.Inputs;
using ParamLens.Python;
using ParamLens.Rendering;

/// <summary><c>--limit NAME=VALUE</c>: raises or lowers one of the safety limits of the file readers or of the Python
/// sandbox, for models that legitimately go past a default (a script that loops for long, a config with many layers).</summary>
public sealed class LimitOptions
{
    private static readonly Dictionary<string, (string Meaning, Func<Limits, long, Limits>? Python, Func<ReaderLimits, long, ReaderLimits>? Reader)> Names = new()
    {
        ["steps"] = ("Python statements, calls and loop iterations", (l, v) => l with { MaxSteps = v }, null),
        ["seconds"] = ("Python run time", (l, v) => l with { MaxTime = TimeSpan.FromSeconds(Math.Min(v, MaxSeconds)) }, null),
        ["call-depth"] = ("nested Python calls", (l, v) => l with { MaxCallDepth = Int(v) }, null),
        ["collection-length"] = ("items in one Python list, tuple, dict or set", (l, v) => l with { MaxCollectionLength = Int(v) }, null),
        ["string-length"] = ("characters in one Python string", (l, v) => l with { MaxStringLength = Int(v) }, null),
        ["integer-bits"] = ("bits in one Python integer", (l, v) => l with { MaxIntegerBits = Int(v) }, null),
        ["output-chars"] = ("characters Python code may print", (l, v) => l with { MaxOutputChars = Int(v) }, null),
        ["file-bytes"] = ("bytes in a model or weights file", null, (r, v) => r with { MaxFileBytes = v }),
        ["json-bytes"] = ("bytes of JSON", null, (r, v) => r with { MaxJsonBytes = v }),
        ["json-depth"] = ("JSON nesting depth", null, (r, v) => r with { MaxJsonDepth = (int)v }),
        ["layers"] = ("layers in one config", null, (r, v) => r with { MaxLayers = Int(v) }),
        ["archive-entries"] = ("members of a .keras archive", null, (r, v) => r with { MaxArchiveEntries = Int(v) }),
        ["archive-member-bytes"] = ("bytes of one .keras archive member", null, (r, v) => r with { MaxArchiveMemberBytes = v }),
        ["compression-ratio"] = ("expansion ratio of a large archive member", null, (r, v) => r with { MaxCompressionRatio = Int(v) }),
        ["hdf5-objects"] = ("objects in an HDF5 file", null, (r, v) => r with { MaxHdf5Objects = Int(v) }),
        ["hdf5-depth"] = ("nesting depth of HDF5 groups", null, (r, v) => r with { MaxHdf5Depth = Int(v) }),
        ["hdf5-attribute-bytes"] = ("bytes of one HDF5 attribute", null, (r, v) => r with { MaxHdf5AttributeBytes = v }),
    };

    /// <summary>The readers walk JSON recursively; deeper than this could exhaust the stack of the process.</summary>
    private const long MaxJsonDepth = 4096;
    /// <summary>A run-time budget beyond a year means none; larger values do not fit a time span.</summary>
    private const long MaxSeconds = 366L * 24 * 3600;

    public Option<string[]> Option { get; } = new("--limit")
    {
        Description = "Change a safety limit, NAME=VALUE (repeatable). Python source: " + string.Join(", ", Names.Where(n => n.Value.Python is not null).Select(n => n.Key))
            + "; model files: " + string.Join(", ", Names.Where(n => n.Value.Reader is not null).Select(n => n.Key)),
    };

    /// <summary>The limits the command line asks for, over the defaults.</summary>
    public (Limits Python, ReaderLimits Reader) From(ParseResult parse)
    {
        var python = new Limits();
        var reader = ReaderLimits.Default;
        foreach (var item in parse.GetValue(Option) ?? [])
        {
            var eq = item.IndexOf('=');
            var name = eq < 0 ? item : item[..eq];
            if (!Names.TryGetValue(name, out var limit))
                throw new UsageException($"--limit: unknown limit '{name}' (known: {string.Join(", ", Names.Keys)})");
            var text = eq < 0 ? "" : item[(eq + 1)..];
            // Digits, with single underscores between them as Python writes them (1_000_000).
            if (!System.Text.RegularExpressions.Regex.IsMatch(text, "^[0-9]+(_[0-9]+)*$")
                || !long.TryParse(text.Replace("_", ""), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
                throw new UsageException($"--limit: '{item}' needs a positive whole number, e.g. {name}=1000000 ({limit.Meaning})");
            if (name == "json-depth" && value > MaxJsonDepth)
                throw new UsageException($"--limit: json-depth above {MaxJsonDepth:N0} is refused: JSON nested that deep could exhaust the stack");
            if (limit.Python is { } setPython) python = setPython(python, value);
            if (limit.Reader is { } setReader) reader = setReader(reader, value);
        }
        return (python, reader);
    }

    private static int Int(long value) => value > int.MaxValue ? int.MaxValue : (int)value;
}
