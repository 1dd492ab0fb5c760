using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ParamLens.Python;

/// <summary>Pure parts of the standard library that scripts use around a model: argparse (the defaults a script is
/// run with when no argument is given), copy, json (of values written in the code) and string.</summary>
public static partial class StandardModules
{
    private const string NoCommandLine = "the script's command-line arguments are not known here";

    /// <summary>argparse: <c>parse_args()</c> gives each option its default (after <c>type</c>, as argparse converts
    /// string defaults); an argument without a default (a positional one, a required option) is unknown.</summary>
    private static PyModule Argparse(Interpreter i)
    {
        var m = New("argparse");
        var obj = (PyClass)i.Builtins.Dict["object"]!;
        var namespaceClass = new PyClass("Namespace", [obj], "argparse");
        namespaceClass.Dict["__init__"] = new PyBuiltin("Namespace.__init__", (ii, a) =>
        {
            foreach (var (k, v) in a.Keywords) ((PyInstance)a.Positional[0]!).Dict[k] = v;
            return null;
        }, isMethod: true) { AcceptsUnknown = true };
        m.Dict["Namespace"] = namespaceClass;
        var parser = new PyClass("ArgumentParser", [obj], "argparse")
        {
            Construct = (_, c, _) => new PyInstance(c) { Native = new List<KeyValuePair<string, object?>>() },
        };
        static List<KeyValuePair<string, object?>> Options(object? self) => (List<KeyValuePair<string, object?>>)((PyInstance)self!).Native!;
        PyBuiltin Method(string name, Func<Interpreter, Args, object?> body) =>
            new($"ArgumentParser.{name}", body, isMethod: true) { AcceptsUnknown = true };
        parser.Dict["add_argument"] = Method("add_argument", (ii, a) =>
        {
            var flags = a.Positional.Skip(1).OfType<string>().ToList();
            var dest = a.Kw("dest") as string ?? Destination(flags);
            var action = a.Kw("action") as string;
            object? value = action switch
            {
                "store_true" => a.HasKw("default") ? a.Kw("default") : false,
                "store_false" => a.HasKw("default") ? a.Kw("default") : true,
                "help" or "version" => null,
                _ when a.HasKw("default") => a.Kw("default") is string text && a.Kw("type") is { } type and not PyUnknown ? ii.Call(type, new Args([text], [])) : a.Kw("default"),
                _ when flags.All(f => !f.StartsWith('-')) || ii.Truthy(a.Kw("required") ?? false) => ii.NewUnknown($"args.{dest}", NoCommandLine),
                _ => null,
            };
            if (action is not ("help" or "version")) Options(a.Positional[0]).Add(new(dest, value));
            return null;
        });
        parser.Dict["set_defaults"] = Method("set_defaults", (_, a) =>
        {
            foreach (var (k, v) in a.Keywords) Options(a.Positional[0]).Add(new(k, v));
            return null;
        });
        parser.Dict["add_argument_group"] = Method("add_argument_group", (_, a) => a.Positional[0]);
        parser.Dict["add_mutually_exclusive_group"] = parser.Dict["add_argument_group"];
        PyInstance Parse(Interpreter ii, Args a)
        {
            if (a.Get(1, "args") is { } given && ii.ToList(given).Count > 0)
                throw ii.Raise("NotImplementedError", "parse_args with an argument list is not supported: only the defaults are known");
            var result = new PyInstance(namespaceClass);
            foreach (var (k, v) in Options(a.Positional[0])) result.Dict[k] = v;
            return result;
        }
        parser.Dict["parse_args"] = Method("parse_args", Parse);
        parser.Dict["parse_known_args"] = Method("parse_known_args", (ii, a) => new PyTuple([Parse(ii, a), new PyList()]));
        parser.Dict["print_help"] = Method("print_help", (_, _) => null);
        m.Dict["ArgumentParser"] = parser;
        return m;
    }

    /// <summary>argparse's dest: the first long option (dashes inside become underscores), else the first short one,
    /// else the positional name.</summary>
    private static string Destination(List<string> flags)
    {
        var chosen = flags.FirstOrDefault(f => f.StartsWith("--", StringComparison.Ordinal)) ?? flags.FirstOrDefault() ?? "arg";
        return chosen.TrimStart('-').Replace('-', '_');
    }

    /// <summary>copy: copies of lists, dicts, sets and tuples (deep copies recursively); a copy of any other object
    /// (a layer, a model, an instance) is an unknown value.</summary>
    private static PyModule Copy(Interpreter i)
    {
        var m = New("copy");
        object? Duplicate(Interpreter ii, object? value, bool deep, int depth)
        {
            if (depth > 100) throw new LimitExceeded("the value nests too deeply to copy");
            object? Inner(object? v) => deep ? Duplicate(ii, v, deep, depth + 1) : v;
            switch (value)
            {
                case null or bool or BigInteger or double or string or PyFunction or PyBuiltin or PyClass or PyModule or PyUnknown:
                    return value;
                case PyList l:
                    return new PyList(l.Items.Select(Inner).ToList());
                case PyTuple t:
                    return deep ? new PyTuple([.. t.Items.Select(Inner)]) : t;
                case PyDict d:
                {
                    var copy = new PyDict();
                    foreach (var (k, v) in d.Items) copy.Items[k] = Inner(v);
                    return copy;
                }
                case PySet s:
                {
                    var copy = new PySet(s.Frozen);
                    foreach (var v in s.Order) copy.Add(v);
                    return copy;
                }
                default:
                    return ii.NewUnknown($"copy of {ii.TypeName(value)}", "copies of objects are not made here");
            }
        }
        m.Dict["copy"] = new PyBuiltin("copy.copy", (ii, a) => Duplicate(ii, a.Positional[0], false, 0)) { AcceptsUnknown = true };
        m.Dict["deepcopy"] = new PyBuiltin("copy.deepcopy", (ii, a) => Duplicate(ii, a.Positional[0], true, 0)) { AcceptsUnknown = true };
        return m;
    }

    /// <summary>json: <c>dumps</c> and <c>loads</c> of values (as Python's json writes and reads them); reading and
    /// writing files (<c>load</c>, <c>dump</c>) touches nothing and gives an unknown value.</summary>
    private static PyModule Json(Interpreter i)
    {
        var m = New("json");
        Add(m, i, "dumps", (ii, a) =>
        {
            if (a.Keywords.Any(k => k.Key is "indent" or "sort_keys" or "separators" && k.Value is not (null or false)))
                throw ii.Raise("NotImplementedError", "json.dumps with indent, sort_keys or separators is not supported");
            var sb = new StringBuilder();
            WriteJson(ii, a.Positional[0], sb, 0);
            ii.CheckString(sb.Length);
            return sb.ToString();
        });
        Add(m, i, "loads", (ii, a) =>
        {
            JsonNode? node;
            try { node = JsonNode.Parse(a.Positional[0] as string ?? throw ii.TypeError("json.loads needs a string"), documentOptions: new JsonDocumentOptions { MaxDepth = 64 }); }
            catch (JsonException e) { throw ii.Raise("ValueError", $"invalid JSON: {e.Message}"); }
            return FromJson(ii, node);
        });
        m.Dict["load"] = new PyBuiltin("json.load", (ii, _) => ii.NewUnknown("json.load(...)", "files are not read here")) { AcceptsUnknown = true };
        m.Dict["dump"] = new PyBuiltin("json.dump", (_, _) => null) { AcceptsUnknown = true };
        return m;
    }

    private static void WriteJson(Interpreter i, object? value, StringBuilder sb, int depth)
    {
        if (depth > 100) throw i.ValueError("the value nests too deeply for json.dumps");
        switch (value)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case BigInteger n: sb.Append(n.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : Interpreter.ReprStatic(d)); break;
            case string s: sb.Append(JsonString(s)); break;
            case PyList or PyTuple:
                sb.Append('[');
                var items = i.ToList(value);
                for (var n = 0; n < items.Count; n++)
                {
                    if (n > 0) sb.Append(", ");
                    WriteJson(i, items[n], sb, depth + 1);
                }
                sb.Append(']');
                break;
            case PyDict d:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in d.Items)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    sb.Append(JsonString(k switch { string key => key, bool kb => kb ? "true" : "false", _ => Interpreter.ReprStatic(k) }));
                    sb.Append(": ");
                    WriteJson(i, v, sb, depth + 1);
                }
                sb.Append('}');
                break;
            default: throw i.TypeError($"Object of type {i.TypeName(value)} is not JSON serializable");
        }
    }

    /// <summary>A JSON string as Python's json writes it by default (ASCII only: other characters escaped).</summary>
    private static string JsonString(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e) sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    private static object? FromJson(Interpreter i, JsonNode? node)
    {
        switch (node)
        {
            case null: return null;
            case JsonArray array:
                i.CheckLength(array.Count);
                return new PyList(array.Select(n => FromJson(i, n)).ToList());
            case JsonObject obj:
            {
                i.CheckLength(obj.Count);
                var d = new PyDict();
                foreach (var (k, v) in obj) d.Items[k] = FromJson(i, v);
                return d;
            }
            default:
            {
                var element = node.GetValue<JsonElement>();
                return element.ValueKind switch
                {
                    JsonValueKind.String => element.GetString(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number when BigInteger.TryParse(element.GetRawText(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => i.CheckInt(n),
                    JsonValueKind.Number => element.GetDouble(),
                    _ => null,
                };
            }
        }
    }

    /// <summary>string: its constants.</summary>
    private static PyModule StringModule(Interpreter i)
    {
        var m = New("string");
        const string lower = "abcdefghijklmnopqrstuvwxyz";
        const string upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        const string punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
        m.Dict["ascii_lowercase"] = lower;
        m.Dict["ascii_uppercase"] = upper;
        m.Dict["ascii_letters"] = lower + upper;
        m.Dict["digits"] = "0123456789";
        m.Dict["hexdigits"] = "0123456789abcdefABCDEF";
        m.Dict["octdigits"] = "01234567";
        m.Dict["punctuation"] = punctuation;
        m.Dict["whitespace"] = " \t\n\r\u000b\u000c";
        m.Dict["printable"] = "0123456789" + lower + upper + punctuation + " \t\n\r\u000b\u000c";
        return m;
    }
}
