using System.Globalization;
using System.Text.Json.Nodes;

namespace ParamLens.Layers;

/// <summary>One config key of a Keras layer class, with the default Keras applies when the key is absent.</summary>
/// <param name="DefaultFor">When the default depends on the Keras version (e.g. GRU <c>reset_after</c>), the default for a version.</param>
public sealed record ConfigKey(string Name, JsonNode? Default, bool Required = false, Func<KerasVersion, JsonNode?>? DefaultFor = null)
{
    public static ConfigKey Req(string name) => new(name, null, Required: true);
    public static ConfigKey Opt(string name, JsonNode? @default) => new(name, @default);
    public static ConfigKey ByVersion(string name, Func<KerasVersion, JsonNode?> defaultFor) => new(name, null, DefaultFor: defaultFor);

    public JsonNode? DefaultIn(KerasVersion version) => DefaultFor is { } f ? f(version) : Default?.DeepClone();
}

/// <summary>The parameters a Keras layer constructor takes by position, in order (<c>Dense(units, activation, use_bias, …)</c>):
/// the config key each positional argument fills. Defaults stay with the <see cref="ConfigKey"/>s.</summary>
public sealed class PositionalOrder
{
    private readonly Func<KerasVersion, IReadOnlyList<string>> _namesFor;

    private PositionalOrder(Func<KerasVersion, IReadOnlyList<string>> namesFor) => _namesFor = namesFor;

    /// <summary>A constructor that takes every argument by keyword (<c>Add(**kwargs)</c>).</summary>
    public static PositionalOrder None { get; } = Of();

    public static PositionalOrder Of(params string[] names) => new(_ => names);

    /// <summary>An order that differs between Keras versions (a parameter added, moved or renamed).</summary>
    public static PositionalOrder ByVersion(Func<KerasVersion, string[]> namesFor) => new(namesFor);

    public IReadOnlyList<string> In(KerasVersion version) => _namesFor(version);
}

/// <summary>
/// A layer's config with the declaration's defaults filled in. Values keep their JSON form (that is what every
/// front end produces); typed accessors convert and say which key was wrong.
/// </summary>
public sealed class LayerConfig
{
    private readonly JsonObject _values;

    public LayerConfig(LayerDeclaration declaration, JsonObject? given, KerasVersion version)
    {
        Version = version;
        _values = given is null ? new JsonObject() : (JsonObject)given.DeepClone();
        foreach (var key in declaration.Keys)
        {
            if (_values.ContainsKey(key.Name)) continue;
            if (key.Required) throw new ModelException($"{declaration.ClassName} needs the config key '{key.Name}'");
            _values[key.Name] = key.DefaultIn(version);
        }
    }

    /// <summary>The Keras version whose defaults and rules apply (the one that wrote the config, or the one emulated).</summary>
    public KerasVersion Version { get; }
    public JsonObject Values => _values;
    public bool Has(string key) => _values.TryGetPropertyValue(key, out var v) && v is not null;
    public JsonNode? Raw(string key) => _values.TryGetPropertyValue(key, out var v) ? v : null;

    public string? OptString(string key) => Raw(key) switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o when o["config"]?["name"] is JsonValue n => n.GetValue<string>(), // serialized policy or activation object
        var other => throw Bad(key, other, "a string"),
    };

    public string String(string key) => OptString(key) ?? throw Bad(key, null, "a string");

    public bool Bool(string key) => Raw(key) switch
    {
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        var other => throw Bad(key, other, "true or false"),
    };

    public long Long(string key) => AsLong(key, Raw(key));
    public int Int(string key) => checked((int)Long(key));
    public long? OptLong(string key) => Raw(key) is null ? null : Long(key);

    public double Double(string key) => AsNumber(Raw(key)) ?? throw Bad(key, Raw(key), "a number");

    /// <summary>An int or a tuple of <paramref name="rank"/> ints (Keras <c>standardize_tuple</c>).</summary>
    public long[] Tuple(string key, int rank)
    {
        var raw = Raw(key);
        if (raw is JsonArray arr)
        {
            if (arr.Count != rank) throw Bad(key, raw, $"{rank} integers");
            return arr.Select(n => AsLong(key, n)).ToArray();
        }
        var one = AsLong(key, raw);
        return Enumerable.Repeat(one, rank).ToArray();
    }

    /// <summary>A list of ints, or one int as a list of one.</summary>
    public long[] IntList(string key) => Raw(key) switch
    {
        JsonArray arr => arr.Select(n => AsLong(key, n)).ToArray(),
        var one => [AsLong(key, one)],
    };

    /// <summary>Optional list of possibly-null dims (such as a target shape or a batch shape).</summary>
    public long?[]? OptDims(string key) => Raw(key) switch
    {
        null => null,
        JsonArray arr => arr.Select(n => n is null ? (long?)null : AsLong(key, n)).ToArray(),
        var other => throw Bad(key, other, "a list of dimensions"),
    };

    internal static long AsLong(string key, JsonNode? node)
    {
        if (node is JsonValue v)
        {
            if (v.TryGetValue<long>(out var l)) return l;
            if (v.TryGetValue<int>(out var i)) return i;
        }
        if (AsNumber(node) is double d && d == Math.Floor(d) && Math.Abs(d) < 9e15) return (long)d;
        throw Bad(key, node, "an integer");
    }

    /// <summary>Any JSON number, whatever CLR type the node was built from (parsed text, int, long, double…).</summary>
    private static double? AsNumber(JsonNode? node)
    {
        if (node is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.Number) return null;
        if (v.TryGetValue<double>(out var d)) return d;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<int>(out var i)) return i;
        return double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);
    }

    private static ModelException Bad(string key, JsonNode? value, string expected) =>
        new($"config key '{key}' should be {expected}, not {value?.ToJsonString() ?? "null"}");

    public static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
