using System.Numerics;
using System.Text;
using static ParamLens.Python.Operators;

namespace ParamLens.Python;

public sealed partial class Interpreter
{
    /// <summary>Methods of the built-in types (<c>"a,b".split(",")</c>, <c>list.append</c>, <c>dict.items</c>, …).</summary>
    private PyBuiltin? BuiltinMethod(object? target, string name)
    {
        Func<Args, object?>? body = target switch
        {
            string s => StringMethod(s, name),
            PyList l => ListMethod(l, name),
            PyDict d => DictMethod(d, name),
            PySet s => SetMethod(s, name),
            PyTuple t => name switch
            {
                "index" => a => new BigInteger(IndexOf(t.Items, a.Positional[0])),
                "count" => a => new BigInteger(t.Items.Count(v => Equal(v, a.Positional[0]))),
                _ => null,
            },
            BigInteger i => name switch
            {
                "bit_length" => _ => new BigInteger(i.IsZero ? 0 : (long)BigInteger.Abs(i).GetBitLength()),
                "real" or "numerator" => _ => i,
                _ => null,
            },
            double d => name switch
            {
                "is_integer" => _ => d == Math.Floor(d),
                _ => null,
            },
            PyIterator it => name == "__next__" ? _ => it.Source.MoveNext() ? it.Source.Current : throw Raise("StopIteration", "") : null,
            _ => null,
        };
        // Containers hold unknown values like any other; other methods given one compute an unknown result.
        return body is null ? null : new PyBuiltin($"{TypeName(target)}.{name}", (_, a) => body(a)) { AcceptsUnknown = target is PyList or PyDict or PySet };
    }

    private int IndexOf(IReadOnlyList<object?> items, object? value)
    {
        for (var i = 0; i < items.Count; i++)
            if (Equal(items[i], value)) return i;
        throw ValueError($"{Repr(value)} is not in list");
    }

    private Func<Args, object?>? StringMethod(string s, string name) => name switch
    {
        "join" => a =>
        {
            var parts = ToList(a.Positional[0]).Select(p => p as string ?? throw TypeError($"sequence item: expected str instance, {TypeName(p)} found")).ToList();
            CheckString(parts.Sum(p => (long)p.Length) + (long)s.Length * Math.Max(0, parts.Count - 1));
            return string.Join(s, parts);
        },
        "split" => a => Split(s, a.Get(0, "sep") as string, (int)ToBig(a.Get(1, "maxsplit", new BigInteger(-1))), false),
        "rsplit" => a => Split(s, a.Get(0, "sep") as string, (int)ToBig(a.Get(1, "maxsplit", new BigInteger(-1))), true),
        "splitlines" => _ => new PyList(s.Split('\n').Select(x => (object?)x.TrimEnd('\r')).ToList() is var lines && s.EndsWith('\n') ? lines.SkipLast(1).ToList() : lines),
        "strip" => a => a.Positional.Count > 0 && a.Positional[0] is string c ? s.Trim(c.ToCharArray()) : s.Trim(),
        "lstrip" => a => a.Positional.Count > 0 && a.Positional[0] is string c ? s.TrimStart(c.ToCharArray()) : s.TrimStart(),
        "rstrip" => a => a.Positional.Count > 0 && a.Positional[0] is string c ? s.TrimEnd(c.ToCharArray()) : s.TrimEnd(),
        "lower" => _ => s.ToLowerInvariant(),
        "upper" => _ => s.ToUpperInvariant(),
        "title" => _ => string.Join("", s.Select((c, i) => i == 0 || !char.IsLetter(s[i - 1]) ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c))),
        "capitalize" => _ => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant(),
        "swapcase" => _ => string.Concat(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c))),
        "startswith" => a => (a.Positional[0] is PyTuple t ? t.Items : [a.Positional[0]]).Any(p => s.StartsWith((string)p!, StringComparison.Ordinal)),
        "endswith" => a => (a.Positional[0] is PyTuple t ? t.Items : [a.Positional[0]]).Any(p => s.EndsWith((string)p!, StringComparison.Ordinal)),
        "replace" => a =>
        {
            var old = (string)a.Positional[0]!;
            var replacement = (string)a.Positional[1]!;
            if (old.Length == 0) throw ValueError("empty pattern is not supported in replace()");
            var count = s.Length / old.Length;
            CheckString((long)s.Length + (long)count * Math.Max(0, replacement.Length - old.Length));
            return s.Replace(old, replacement, StringComparison.Ordinal);
        },
        "format" => a => StrFormat(s, a),
        "find" => a => new BigInteger(s.IndexOf((string)a.Positional[0]!, StringComparison.Ordinal)),
        "rfind" => a => new BigInteger(s.LastIndexOf((string)a.Positional[0]!, StringComparison.Ordinal)),
        "index" => a => s.IndexOf((string)a.Positional[0]!, StringComparison.Ordinal) is var i and >= 0 ? new BigInteger(i) : throw ValueError("substring not found"),
        "count" => a => new BigInteger(CountOf(s, (string)a.Positional[0]!)),
        "isdigit" or "isnumeric" or "isdecimal" => _ => s.Length > 0 && s.All(char.IsDigit),
        "isalpha" => _ => s.Length > 0 && s.All(char.IsLetter),
        "isalnum" => _ => s.Length > 0 && s.All(char.IsLetterOrDigit),
        "isspace" => _ => s.Length > 0 && s.All(char.IsWhiteSpace),
        "isupper" => _ => s.Any(char.IsLetter) && !s.Any(char.IsLower),
        "islower" => _ => s.Any(char.IsLetter) && !s.Any(char.IsUpper),
        "isidentifier" => _ => s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => char.IsLetterOrDigit(c) || c == '_'),
        "center" or "ljust" or "rjust" => a =>
        {
            var width = (int)ToBig(a.Positional[0]);
            CheckString(width);
            var fill = a.Positional.Count > 1 ? ((string)a.Positional[1]!)[0] : ' ';
            var pad = Math.Max(0, width - s.Length);
            return name switch
            {
                "ljust" => s + new string(fill, pad),
                "rjust" => new string(fill, pad) + s,
                _ => new string(fill, (pad + (s.Length & width & 1)) / 2) + s + new string(fill, pad - (pad + (s.Length & width & 1)) / 2),
            };
        },
        "zfill" => a =>
        {
            var width = (int)ToBig(a.Positional[0]);
            CheckString(width);
            var sign = s.StartsWith('-') || s.StartsWith('+') ? s[..1] : "";
            return sign + s[sign.Length..].PadLeft(width - sign.Length, '0');
        },
        "partition" or "rpartition" => a =>
        {
            var sep = (string)a.Positional[0]!;
            var i = name == "partition" ? s.IndexOf(sep, StringComparison.Ordinal) : s.LastIndexOf(sep, StringComparison.Ordinal);
            return i < 0 ? (name == "partition" ? new PyTuple([s, "", ""]) : new PyTuple(["", "", s])) : new PyTuple([s[..i], sep, s[(i + sep.Length)..]]);
        },
        "encode" => _ => throw TypeError("bytes are not supported"),
        _ => null,
    };

    private static int CountOf(string s, string sub)
    {
        if (sub.Length == 0) return s.Length + 1;
        var n = 0;
        for (var i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    private static PyList Split(string s, string? sep, int max, bool fromRight)
    {
        List<string> parts;
        if (sep is null)
        {
            var words = s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();
            if (max >= 0 && words.Count > max + 1)
            {
                if (fromRight) { var keep = words.TakeLast(max).ToList(); var restEnd = s.TrimEnd(); var cut = restEnd.Length; foreach (var w in keep.AsEnumerable().Reverse()) cut = restEnd.LastIndexOf(w, cut - 1, StringComparison.Ordinal); parts = [restEnd[..cut].TrimEnd(), .. keep]; }
                else { var head = words.Take(max).ToList(); var pos = 0; var trimmed = s.TrimStart(); foreach (var w in head) pos = trimmed.IndexOf(w, pos, StringComparison.Ordinal) + w.Length; parts = [.. head, trimmed[pos..].TrimStart()]; }
            }
            else parts = words;
        }
        else
        {
            if (sep.Length == 0) throw new ArgumentException("empty separator");
            parts = [.. s.Split(sep)];
            if (max >= 0 && parts.Count > max + 1)
                parts = fromRight
                    ? [string.Join(sep, parts.Take(parts.Count - max)), .. parts.TakeLast(max)]
                    : [.. parts.Take(max), string.Join(sep, parts.Skip(max))];
        }
        return new PyList(parts.Select(p => (object?)p).ToList());
    }

    private Func<Args, object?>? ListMethod(PyList l, string name) => name switch
    {
        "append" => a => { CheckLength(l.Items.Count + 1); l.Items.Add(a.Positional[0]); return null; },
        "extend" => a => { var items = ToList(a.Positional[0]); CheckLength(l.Items.Count + items.Count); l.Items.AddRange(items); return null; },
        "insert" => a =>
        {
            CheckLength(l.Items.Count + 1);
            var i = ToBig(a.Positional[0]);
            if (i < 0) i += l.Items.Count;
            l.Items.Insert((int)BigInteger.Clamp(i, 0, l.Items.Count), a.Positional[1]);
            return null;
        },
        "pop" => a =>
        {
            if (l.Items.Count == 0) throw Raise("IndexError", "pop from empty list");
            var i = a.Positional.Count > 0 ? NormalizeIndex(a.Positional[0], l.Items.Count) : l.Items.Count - 1;
            var v = l.Items[i];
            l.Items.RemoveAt(i);
            return v;
        },
        "remove" => a => { l.Items.RemoveAt(IndexOf(l.Items, a.Positional[0])); return null; },
        "index" => a => new BigInteger(IndexOf(l.Items, a.Positional[0])),
        "count" => a => new BigInteger(l.Items.Count(v => Equal(v, a.Positional[0]))),
        "sort" => a => { Sort(l, a.Kw("key"), Truthy(a.Kw("reverse"))); return null; },
        "reverse" => _ => { l.Items.Reverse(); return null; },
        "copy" => _ => new PyList([.. l.Items]),
        "clear" => _ => { l.Items.Clear(); return null; },
        _ => null,
    };

    private Func<Args, object?>? DictMethod(PyDict d, string name) => name switch
    {
        "get" => a => d.Items.TryGetValue(Key(a.Positional[0])!, out var v) ? v : a.Positional.ElementAtOrDefault(1),
        "keys" => _ => new PyList([.. d.Items.Keys]),
        "values" => _ => new PyList([.. d.Items.Values]),
        "items" => _ => new PyList(d.Items.Select(p => (object?)new PyTuple([p.Key, p.Value])).ToList()),
        "pop" => a =>
        {
            if (d.Items.Remove(Key(a.Positional[0])!, out var v)) return v;
            return a.Positional.Count > 1 ? a.Positional[1] : throw new PyException(NewException((PyClass)Builtins.Dict["KeyError"]!, [a.Positional[0]]));
        },
        "popitem" => _ =>
        {
            if (d.Count == 0) throw Raise("KeyError", "popitem(): dictionary is empty");
            var last = d.Items.GetAt(d.Count - 1);
            d.Items.RemoveAt(d.Count - 1);
            return new PyTuple([last.Key, last.Value]);
        },
        "setdefault" => a =>
        {
            var k = Key(a.Positional[0])!;
            if (!d.Items.TryGetValue(k, out var v)) d.Items[k] = v = a.Positional.ElementAtOrDefault(1);
            return v;
        },
        "update" => a =>
        {
            if (a.Positional.Count > 0)
            {
                var other = a.Positional[0];
                if (other is PyDict or PyInstance) foreach (var (k, v) in MappingItems(other)) d.Items[k!] = v;
                else foreach (var pair in Iterate(other)) { var kv = ToList(pair); d.Items[Key(kv[0])!] = kv[1]; }
            }
            foreach (var (k, v) in a.Keywords) d.Items[k] = v;
            CheckLength(d.Count);
            return null;
        },
        "copy" => _ => { var c = new PyDict(); foreach (var (k, v) in d.Items) c.Items[k] = v; return c; },
        "clear" => _ => { d.Items.Clear(); return null; },
        _ => null,
    };

    private Func<Args, object?>? SetMethod(PySet s, string name) => name switch
    {
        "add" when !s.Frozen => a => { s.Add(Key(a.Positional[0])); CheckLength(s.Members.Count); return null; },
        "remove" when !s.Frozen => a => s.Remove(a.Positional[0]) ? null : throw new PyException(NewException((PyClass)Builtins.Dict["KeyError"]!, [a.Positional[0]])),
        "discard" when !s.Frozen => a => { s.Remove(a.Positional[0]); return null; },
        "update" when !s.Frozen => a => { foreach (var x in a.Positional) foreach (var v in Iterate(x)) s.Add(Key(v)); CheckLength(s.Members.Count); return null; },
        "pop" when !s.Frozen => _ => { if (s.Order.Count == 0) throw Raise("KeyError", "pop from an empty set"); var v = s.Order[0]; s.Remove(v); return v; },
        "clear" when !s.Frozen => _ => { s.Order.Clear(); s.Members.Clear(); return null; },
        "union" => a => a.Positional.Aggregate((object?)s, (acc, x) => Binary("|", acc, MakeSet(Iterate(x), false))),
        "intersection" => a => a.Positional.Aggregate((object?)s, (acc, x) => Binary("&", acc, MakeSet(Iterate(x), false))),
        "difference" => a => a.Positional.Aggregate((object?)s, (acc, x) => Binary("-", acc, MakeSet(Iterate(x), false))),
        "issubset" => a => s.Members.IsSubsetOf(MakeSet(Iterate(a.Positional[0]), false).Members),
        "issuperset" => a => s.Members.IsSupersetOf(MakeSet(Iterate(a.Positional[0]), false).Members),
        "copy" => _ => MakeSet(s.Order, s.Frozen),
        _ => null,
    };
}
