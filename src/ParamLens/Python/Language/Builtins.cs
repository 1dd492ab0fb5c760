using System.Numerics;
using static ParamLens.Python.Operators;

namespace ParamLens.Python;

/// <summary>Interpreted code asked for something the sandbox never gives (files, processes, eval, reflection). Python
/// code cannot catch it.</summary>
public sealed class SandboxRefusal(string message) : InterpreterStop(message);

public sealed partial class Interpreter
{
    private PyClass ObjectClass => (PyClass)Builtins.Dict["object"]!;

    public PyBuiltin Fn(string name, Func<Interpreter, Args, object?> body) => new(name, body);

    private void Def(string name, Func<Interpreter, Args, object?> body) => Builtins.Dict[name] = new PyBuiltin(name, body);

    private PyClass DefClass(string name, PyClass? baseClass, Func<Interpreter, PyClass, Args, object?>? construct)
    {
        var cls = new PyClass(name, baseClass is null ? [] : [baseClass]) { Construct = construct };
        Builtins.Dict[name] = cls;
        return cls;
    }

    private void Refuse(string name, string why) =>
        Def(name, (_, _) => throw new SandboxRefusal($"{name}() is not available: {why}"));

    private void InitBuiltins()
    {
        var obj = DefClass("object", null, null);
        obj.Dict["__init__"] = new PyBuiltin("object.__init__", (_, _) => null, isMethod: true);
        obj.Dict["__eq__"] = new PyBuiltin("object.__eq__", (_, a) => ReferenceEquals(a.Positional[0], a.Positional[1]), isMethod: true);
        obj.Dict["__str__"] = new PyBuiltin("object.__str__", (i, a) => ReprStatic(a.Positional[0]), isMethod: true);
        obj.Dict["__repr__"] = new PyBuiltin("object.__repr__", (i, a) => ReprStatic(a.Positional[0]), isMethod: true);

        DefClass("type", obj, (i, c, a) => a.Positional.Count == 1 ? i.TypeOf(a.Positional[0]) : throw new SandboxRefusal("type() with three arguments (building classes at run time) is not available"));
        var intClass = DefClass("int", obj, (i, c, a) => i.ToInt(a.Get(0, "x", BigInteger.Zero), a.Has(1, "base") ? (int)ToBig(a.Get(1, "base")) : null));
        DefClass("bool", intClass, (i, c, a) => a.Positional.Count > 0 && i.Truthy(a.Positional[0]));
        DefClass("float", obj, (i, c, a) => i.ToFloat(a.Get(0, "x", 0.0)));
        DefClass("str", obj, (i, c, a) => a.Positional.Count == 0 ? "" : i.Str(a.Positional[0]));
        DefClass("list", obj, (i, c, a) => new PyList(a.Positional.Count == 0 ? [] : i.ToList(a.Positional[0])));
        DefClass("tuple", obj, (i, c, a) => a.Positional.Count == 0 ? PyTuple.Empty : new PyTuple([.. i.ToList(a.Positional[0])]));
        DefClass("dict", obj, (i, c, a) =>
        {
            var d = new PyDict();
            if (a.Positional.Count > 0)
            {
                if (a.Positional[0] is PyDict || a.Positional[0] is PyInstance)
                    foreach (var (k, v) in i.MappingItems(a.Positional[0])) d.Items[k!] = v;
                else
                    foreach (var pair in i.Iterate(a.Positional[0]))
                    {
                        var kv = i.ToList(pair);
                        if (kv.Count != 2) throw i.ValueError("dictionary update sequence element has wrong length");
                        d.Items[i.Key(kv[0])!] = kv[1];
                    }
            }
            foreach (var (k, v) in a.Keywords) d.Items[k] = v;
            return d;
        }).Dict["fromkeys"] = new PyStaticMethod(Fn("dict.fromkeys", (i, a) =>
        {
            var d = new PyDict();
            foreach (var k in i.Iterate(a.Positional[0])) d.Items[i.Key(k)!] = a.Positional.ElementAtOrDefault(1);
            return d;
        }));
        DefClass("set", obj, (i, c, a) => i.MakeSet(a.Positional.Count == 0 ? [] : i.Iterate(a.Positional[0]), false));
        DefClass("frozenset", obj, (i, c, a) => i.MakeSet(a.Positional.Count == 0 ? [] : i.Iterate(a.Positional[0]), true));
        DefClass("range", obj, (i, c, a) =>
        {
            var n = a.Positional.Select(v => IsInt(v) ? ToBig(v) : throw i.TypeError($"'{i.TypeName(v)}' object cannot be interpreted as an integer")).ToArray();
            var r = n.Length switch
            {
                1 => new PyRange(0, n[0], 1),
                2 => new PyRange(n[0], n[1], 1),
                3 => new PyRange(n[0], n[1], n[2]),
                _ => throw i.TypeError("range expected 1 to 3 arguments"),
            };
            if (r.Step.IsZero) throw i.ValueError("range() arg 3 must not be zero");
            return r;
        });
        DefClass("slice", obj, (i, c, a) => a.Positional.Count == 1 ? new PySlice(null, a.Positional[0], null) : new PySlice(a.Positional[0], a.Positional.ElementAtOrDefault(1), a.Positional.ElementAtOrDefault(2)));
        DefClass("NoneType", obj, null);
        DefClass("function", obj, null);
        DefClass("module", obj, null);
        DefClass("property", obj, (i, c, a) => new PyProperty(a.Get(0, "fget"), a.Get(1, "fset")));
        DefClass("staticmethod", obj, (i, c, a) => new PyStaticMethod(a.Positional[0]));
        DefClass("classmethod", obj, (i, c, a) => new PyClassMethod(a.Positional[0]));

        var baseException = DefClass("BaseException", obj, (i, c, a) => new PyInstance(c) { Native = new PyTuple([.. a.Positional]) });
        baseException.Dict["__init__"] = new PyBuiltin("BaseException.__init__", (i, a) =>
        {
            ((PyInstance)a.Positional[0]!).Native = new PyTuple([.. a.Positional.Skip(1)]);
            return null;
        }, isMethod: true);
        var exception = DefClass("Exception", baseException, null);
        DefClass("SystemExit", baseException, null);
        DefClass("KeyboardInterrupt", baseException, null);
        DefClass("StopIteration", exception, null);
        var arithmetic = DefClass("ArithmeticError", exception, null);
        DefClass("ZeroDivisionError", arithmetic, null);
        DefClass("OverflowError", arithmetic, null);
        var lookup = DefClass("LookupError", exception, null);
        DefClass("KeyError", lookup, null);
        DefClass("IndexError", lookup, null);
        DefClass("AssertionError", exception, null);
        DefClass("AttributeError", exception, null);
        var nameError = DefClass("NameError", exception, null);
        DefClass("UnboundLocalError", nameError, null);
        var typeError = DefClass("TypeError", exception, null);
        var valueError = DefClass("ValueError", exception, null);
        var runtime = DefClass("RuntimeError", exception, null);
        DefClass("NotImplementedError", runtime, null);
        DefClass("RecursionError", runtime, null);
        var import = DefClass("ImportError", exception, null);
        DefClass("ModuleNotFoundError", import, null);
        var os = DefClass("OSError", exception, null);
        Builtins.Dict["IOError"] = os;
        Builtins.Dict["EnvironmentError"] = os;
        DefClass("FileNotFoundError", os, null);
        DefClass("PermissionError", os, null);
        DefClass("SyntaxError", exception, null);
        DefClass("UnicodeError", valueError, null);
        _ = typeError;
        var warning = DefClass("Warning", exception, null);
        foreach (var w in new[] { "UserWarning", "DeprecationWarning", "FutureWarning", "RuntimeWarning", "PendingDeprecationWarning", "SyntaxWarning", "ImportWarning", "ResourceWarning" })
            DefClass(w, warning, null);

        Builtins.Dict["None"] = null;
        Builtins.Dict["True"] = true;
        Builtins.Dict["False"] = false;
        Builtins.Dict["NotImplemented"] = NotImplementedType.Instance;
        Builtins.Dict["Ellipsis"] = Ellipsis.Instance;
        Builtins.Dict["__name__"] = "builtins";

        Builtins.Dict["print"] = new PyBuiltin("print", (i, a) =>
        {
            // What an unknown value or an array (whose values are not computed) would print is unknown: nothing is printed.
            if (a.Positional.Any(v => v is PyUnknown or PyInstance { Native: ArrayShape })) return null;
            var sep = a.HasKw("sep") && a.Kw("sep") is string s ? s : " ";
            var end = a.HasKw("end") && a.Kw("end") is string e ? e : "\n";
            i.Print(string.Join(sep, a.Positional.Select(i.Str)) + end);
            return null;
        }) { AcceptsUnknown = true };
        Def("len", (i, a) => new BigInteger(i.Length(a.Positional[0])));
        Def("abs", (i, a) => a.Positional[0] switch
        {
            double d => Math.Abs(d),
            var v when IsInt(v) => BigInteger.Abs(ToBig(v)),
            PyInstance p => i.CallMethod(p, "__abs__", Args.None),
            var v => throw i.TypeError($"bad operand type for abs(): '{i.TypeName(v)}'"),
        });
        Def("round", (i, a) => i.Round(a.Positional[0], a.Get(1, "ndigits")));
        Def("min", (i, a) => i.MinMax(a, -1));
        Def("max", (i, a) => i.MinMax(a, 1));
        Def("sum", (i, a) =>
        {
            object? total = a.Get(1, "start", BigInteger.Zero);
            foreach (var v in i.Iterate(a.Positional[0])) total = i.Binary("+", total, v);
            return total;
        });
        Def("all", (i, a) => i.Iterate(a.Positional[0]).All(i.Truthy));
        Def("any", (i, a) => i.Iterate(a.Positional[0]).Any(i.Truthy));
        Def("isinstance", (i, a) => i.IsInstance(a.Positional[0], a.Positional[1]));
        Def("issubclass", (i, a) => a.Positional[0] is PyClass c && (a.Positional[1] is PyTuple t ? t.Items : [a.Positional[1]]).Any(x => x is PyClass k && c.IsSubclassOf(k)));
        Def("callable", (i, a) => a.Positional[0] is PyFunction or PyBuiltin or PyBoundMethod or PyClass || (a.Positional[0] is PyInstance p && p.Class.Has("__call__")));
        Def("getattr", (i, a) =>
        {
            var name = a.Positional[1] as string ?? throw i.TypeError("attribute name must be string");
            if (a.Positional.Count < 3) return i.GetAttr(a.Positional[0], name);
            try { return i.GetAttr(a.Positional[0], name); }
            catch (PyException e) when (e.Value.Class.Name == "AttributeError") { return a.Positional[2]; }
        });
        Builtins.Dict["setattr"] = new PyBuiltin("setattr", (i, a) => { i.SetAttr(a.Positional[0], (string)a.Positional[1]!, a.Positional[2]); return null; }) { AcceptsUnknown = true };
        Def("hasattr", (i, a) => i.HasAttr(a.Positional[0], a.Positional[1] as string ?? throw i.TypeError("attribute name must be string")));
        Def("delattr", (i, a) => a.Positional[0] is PyInstance p && p.Dict.Remove((string)a.Positional[1]!) ? null : throw i.Raise("AttributeError", (string)a.Positional[1]!));
        Def("repr", (i, a) => i.Repr(a.Positional[0]));
        Def("ascii", (i, a) => i.Repr(a.Positional[0]));
        Def("format", (i, a) => i.Format(a.Positional[0], a.Positional.Count > 1 ? (string)a.Positional[1]! : ""));
        Def("hash", (i, a) => new BigInteger(PyEquality.Instance.GetHashCode(i.Key(a.Positional[0]))));
        Def("id", (i, a) => new BigInteger(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(a.Positional[0]!)));
        Def("chr", (i, a) => char.ConvertFromUtf32((int)ToBig(a.Positional[0])));
        Def("ord", (i, a) => new BigInteger(char.ConvertToUtf32((string)a.Positional[0]!, 0)));
        Def("bin", (i, a) => i.Format(a.Positional[0], "#b"));
        Def("hex", (i, a) => i.Format(a.Positional[0], "#x"));
        Def("oct", (i, a) => i.Format(a.Positional[0], "#o"));
        Def("divmod", (i, a) => new PyTuple([i.Binary("//", a.Positional[0], a.Positional[1]), i.Binary("%", a.Positional[0], a.Positional[1])]));
        Def("pow", (i, a) => i.Binary("**", a.Positional[0], a.Positional[1]));
        Def("sorted", (i, a) =>
        {
            var list = new PyList(i.ToList(a.Positional[0]));
            i.Sort(list, a.Kw("key"), i.Truthy(a.Kw("reverse")));
            return list;
        });
        Def("reversed", (i, a) =>
        {
            var list = i.ToList(a.Positional[0]);
            list.Reverse();
            return new PyIterator(list.GetEnumerator());
        });
        Def("enumerate", (i, a) =>
        {
            var start = ToBig(a.Get(1, "start", BigInteger.Zero));
            return new PyIterator(i.Iterate(a.Positional[0]).Select((v, n) => (object?)new PyTuple([start + n, v])).GetEnumerator());
        });
        Def("zip", (i, a) =>
        {
            var sources = a.Positional.Select(s => i.Iterate(s).GetEnumerator()).ToArray();
            IEnumerable<object?> Zip()
            {
                if (sources.Length == 0) yield break;
                while (sources.All(s => s.MoveNext())) yield return new PyTuple([.. sources.Select(s => s.Current)]);
            }
            return new PyIterator(Zip().GetEnumerator());
        });
        Def("map", (i, a) =>
        {
            var f = a.Positional[0];
            var sources = a.Positional.Skip(1).Select(s => i.Iterate(s).GetEnumerator()).ToArray();
            IEnumerable<object?> Map()
            {
                while (sources.All(s => s.MoveNext())) yield return i.Call(f, new Args([.. sources.Select(s => s.Current)], []));
            }
            return new PyIterator(Map().GetEnumerator());
        });
        Def("filter", (i, a) =>
        {
            var f = a.Positional[0];
            return new PyIterator(i.Iterate(a.Positional[1]).Where(v => f is null ? i.Truthy(v) : i.Truthy(i.Call(f, new Args([v], [])))).GetEnumerator());
        });
        Def("iter", (i, a) => new PyIterator(i.Iterate(a.Positional[0]).GetEnumerator()));
        Def("next", (i, a) =>
        {
            if (a.Positional[0] is not PyIterator it) return i.CallMethod(a.Positional[0], "__next__", Args.None);
            if (it.Source.MoveNext()) return it.Source.Current;
            if (a.Positional.Count > 1) return a.Positional[1];
            throw i.Raise("StopIteration", "");
        });
        Def("super", (i, a) => a.Positional.Count == 2 && a.Positional[0] is PyClass c ? new PySuper(c, a.Positional[1]) : throw i.Raise("RuntimeError", "super() needs its class and instance here"));
        Def("exit", (i, a) => throw new PyException(i.NewException((PyClass)i.Builtins.Dict["SystemExit"]!, [.. a.Positional])));
        Builtins.Dict["quit"] = Builtins.Dict["exit"];

        const string noFiles = "files are not read or written here";
        const string noCode = "interpreted code cannot run code built from strings";
        // A file is never opened: what it holds is unknown, and writing to it does nothing.
        Builtins.Dict["open"] = new PyBuiltin("open", (i, _) => i.NewUnknown("open(...)", noFiles)) { AcceptsUnknown = true };
        Refuse("input", "interpreted code cannot read the terminal");
        Refuse("eval", noCode);
        Refuse("exec", noCode);
        Refuse("compile", noCode);
        Refuse("__import__", "use an import statement");
        // No introspection: what these would list is an unknown value.
        foreach (var name in new[] { "globals", "locals", "vars", "dir" })
            Builtins.Dict[name] = new PyBuiltin(name, (i, _) => i.NewUnknown($"{name}()", "the interpreter has no introspection")) { AcceptsUnknown = true };
        Refuse("breakpoint", "there is no debugger");
        Refuse("memoryview", "there is no raw memory access");
        Refuse("bytearray", "bytes are not supported");
        Refuse("bytes", "bytes are not supported");
    }

    private long _printedChars;

    public void Print(string text)
    {
        _printedChars += text.Length;
        if (_printedChars > Limits.MaxOutputChars) throw new LimitExceeded($"the code printed more than {Limits.MaxOutputChars:N0} characters");
        Output.Write(text);
    }

    private PySet MakeSet(IEnumerable<object?> items, bool frozen)
    {
        var s = new PySet(frozen);
        foreach (var v in items)
        {
            s.Add(Key(v));
            CheckLength(s.Members.Count);
        }
        return s;
    }

    public bool IsInstance(object? value, object? classes)
    {
        var type = TypeOf(value);
        foreach (var c in classes is PyTuple t ? t.Items : [classes])
        {
            if (c is not PyClass k) throw TypeError("isinstance() arg 2 must be a type or tuple of types");
            if (type.IsSubclassOf(k)) return true;
        }
        return false;
    }

    public int Length(object? v) => v switch
    {
        string s => s.Length,
        PyList l => l.Items.Count,
        PyTuple t => t.Items.Length,
        PyDict d => d.Count,
        PySet s => s.Members.Count,
        PyRange r => (int)BigInteger.Min(r.Length, int.MaxValue),
        PyInstance i when i.Class.Lookup("__len__", out _) is { } f => (int)ToBig(Call(Bind(f, i, i.Class), Args.None)),
        _ => throw TypeError($"object of type '{TypeName(v)}' has no len()"),
    };

    public BigInteger ToInt(object? v, int? radix = null)
    {
        switch (v)
        {
            case bool or BigInteger: return ToBig(v);
            case double d:
                if (double.IsNaN(d) || double.IsInfinity(d)) throw ValueError("cannot convert float NaN or infinity to integer");
                return CheckInt(new BigInteger(Math.Truncate(d)));
            case string s:
            {
                var text = s.Trim().Replace("_", "");
                var negative = text.StartsWith('-');
                if (negative || text.StartsWith('+')) text = text[1..];
                var r = radix ?? 10;
                if (r == 0 || r == 16 && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) { r = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? 16 : r == 0 ? 10 : r; if (r == 16) text = text[2..]; }
                if (text.Length == 0 || text.Length > 2000) throw ValueError($"invalid literal for int() with base {r}: {StringRepr(s)}");
                var n = BigInteger.Zero;
                foreach (var ch in text.ToLowerInvariant())
                {
                    var digit = char.IsAsciiDigit(ch) ? ch - '0' : ch is >= 'a' and <= 'z' ? ch - 'a' + 10 : 99;
                    if (digit >= r) throw ValueError($"invalid literal for int() with base {r}: {StringRepr(s)}");
                    n = n * r + digit;
                }
                return CheckInt(negative ? -n : n);
            }
            case PyInstance i when i.Class.Lookup("__int__", out _) is { } f: return ToInt(Call(Bind(f, i, i.Class), Args.None));
            case PyInstance i when i.Class.Lookup("__index__", out _) is { } f: return ToInt(Call(Bind(f, i, i.Class), Args.None));
        }
        throw TypeError($"int() argument must be a string or a number, not '{TypeName(v)}'");
    }

    public double ToFloat(object? v) => v switch
    {
        double d => d,
        bool or BigInteger => (double)ToBig(v),
        string s => s.Trim().ToLowerInvariant() switch
        {
            "inf" or "+inf" or "infinity" => double.PositiveInfinity,
            "-inf" or "-infinity" => double.NegativeInfinity,
            "nan" => double.NaN,
            var t => double.TryParse(t.Replace("_", ""), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
                ? d : throw ValueError($"could not convert string to float: {StringRepr(s)}"),
        },
        PyInstance i when i.Class.Lookup("__float__", out _) is { } f => ToFloat(Call(Bind(f, i, i.Class), Args.None)),
        _ => throw TypeError($"float() argument must be a string or a number, not '{TypeName(v)}'"),
    };

    private object Round(object? v, object? digits)
    {
        if (IsInt(v)) return digits is null ? ToBig(v) : ToBig(v);
        var d = ToFloat(v);
        if (digits is null)
        {
            if (double.IsNaN(d) || double.IsInfinity(d)) throw ValueError("cannot round a non-finite float");
            return new BigInteger(Math.Round(d, MidpointRounding.ToEven));
        }
        var n = (int)ToBig(digits);
        if (n < 0) return Math.Round(d / Math.Pow(10, -n), MidpointRounding.ToEven) * Math.Pow(10, -n);
        if (n > 15 || double.IsNaN(d) || double.IsInfinity(d) || Math.Abs(d) >= 1e15) return d;
        // Round the exact binary value, as Python does: 2.675 is stored as 2.67499999… and rounds to 2.67.
        var exact = decimal.Parse(d.ToString("E27", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
        return (double)Math.Round(exact, n, MidpointRounding.ToEven);
    }

    private object? MinMax(Args a, int sign)
    {
        var items = a.Positional.Count == 1 ? ToList(a.Positional[0]) : a.Positional;
        var key = a.Kw("key");
        if (items.Count == 0)
            return a.HasKw("default") ? a.Kw("default") : throw ValueError($"{(sign < 0 ? "min" : "max")}() arg is an empty sequence");
        var best = items[0];
        var bestKey = key is null ? best : Call(key, new Args([best], []));
        foreach (var item in items.Skip(1))
        {
            var k = key is null ? item : Call(key, new Args([item], []));
            if (CompareValues(k, bestKey) * sign > 0) { best = item; bestKey = k; }
        }
        return best;
    }

    public void Sort(PyList list, object? key, bool reverse)
    {
        var keyed = list.Items.Select(v => (Key: key is null ? v : Call(key, new Args([v], [])), Value: v)).ToList();
        var sorted = keyed.Select((p, n) => (p, n)).OrderBy(x => x, Comparer<((object? Key, object? Value) p, int n)>.Create((x, y) =>
        {
            var c = CompareValues(x.p.Key, y.p.Key);
            if (reverse) c = -c;
            return c != 0 ? c : x.n.CompareTo(y.n);
        })).Select(x => x.p.Value).ToList();
        list.Items.Clear();
        list.Items.AddRange(sorted);
    }
}
