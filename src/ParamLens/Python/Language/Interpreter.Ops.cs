using System.Globalization;
using System.Numerics;
using System.Text;
using static ParamLens.Python.Operators;

namespace ParamLens.Python;

public sealed partial class Interpreter
{
    /// <summary>Attributes that would reach the interpreter's internals; refused outright.</summary>
    private static readonly HashSet<string> Forbidden =
    [
        "__bases__", "__base__", "__subclasses__", "__globals__", "__dict__", "__code__", "__builtins__", "__mro__", "__closure__",
        "__func__", "__loader__", "__spec__", "__import__", "__getattribute__", "__reduce__", "__reduce_ex__", "__traceback__",
        "tb_frame", "f_globals", "f_locals", "gi_frame", "__self_class__", "__objclass__", "mro",
    ];

    // ---------- truth, comparison ----------

    public bool Truthy(object? v) => v switch
    {
        null => false,
        bool b => b,
        BigInteger i => !i.IsZero,
        double d => d != 0,
        string s => s.Length > 0,
        PyList l => l.Items.Count > 0,
        PyTuple t => t.Items.Length > 0,
        PyDict d => d.Count > 0,
        PySet s => s.Members.Count > 0,
        PyRange r => r.Length > 0,
        PyUnknown u => throw UnknownTruth(u),
        PyInstance i when i.Class.Lookup("__bool__", out _) is { } f => Truthy(Call(Bind(f, i, i.Class), Args.None)),
        PyInstance i when i.Class.Lookup("__len__", out _) is { } f => !ToBig(Call(Bind(f, i, i.Class), Args.None)).IsZero,
        _ => true,
    };

    public bool Equal(object? a, object? b)
    {
        if (a is PyInstance ia && ia.Class.Lookup("__eq__", out _) is { } eq && eq is not PyBuiltin { Name: "object.__eq__" })
            return Truthy(Call(Bind(eq, ia, ia.Class), new Args([b], [])));
        return ValueEquals(a, b);
    }

    /// <summary>A comparison's value: what the operand's operator method returns (a symbolic tensor compared gives a
    /// tensor), trying the reflected method of the right operand next, else the built-in comparison's bool.</summary>
    private object? RichCompare(string op, object? a, object? b)
    {
        if (op is not ("is" or "is not") && (a is PyUnknown || b is PyUnknown))
            return ((a as PyUnknown) ?? (PyUnknown)b!).Derive($"{(a as PyUnknown)?.Expression ?? Sketch(a)} {op} {(b as PyUnknown)?.Expression ?? Sketch(b)}");
        var dunder = op switch { "<" => "__lt__", "<=" => "__le__", ">" => "__gt__", ">=" => "__ge__", "!=" => "__ne__", "==" => "__eq__", _ => null };
        if (dunder is null) return Compare(op, a, b);
        var reflected = op switch { "<" => "__gt__", "<=" => "__ge__", ">" => "__lt__", ">=" => "__le__", _ => dunder };
        foreach (var (self, other, name) in new[] { (a, b, dunder), (b, a, reflected) })
        {
            if (self is not PyInstance inst || inst.Class.Lookup(name, out var owner) is not { } method || owner?.Name == "object") continue;
            var result = Call(Bind(method, inst, inst.Class), new Args([other], []));
            if (result is not NotImplementedType) return result;
        }
        return Compare(op, a, b);
    }

    private bool Compare(string op, object? a, object? b) => op switch
    {
        "==" => Equal(a, b),
        "!=" => !Equal(a, b),
        "is" => ReferenceEquals(a, b) || (a is bool x && b is bool y && x == y) || (a is Ellipsis && b is Ellipsis),
        "is not" => !(ReferenceEquals(a, b) || (a is bool x2 && b is bool y2 && x2 == y2)),
        "in" => Contains(b, a),
        "not in" => !Contains(b, a),
        _ => Order(op, a, b),
    };

    private bool Contains(object? container, object? item) => container switch
    {
        string s => item is string sub ? s.Contains(sub, StringComparison.Ordinal) : throw TypeError("'in <string>' requires string as left operand"),
        PyDict d => d.Items.ContainsKey(Key(item)!),
        PySet s => s.Members.Contains(item),
        PyRange r when IsInt(item) => RangeContains(r, ToBig(item)),
        PyInstance i when i.Class.Lookup("__contains__", out _) is { } f => Truthy(Call(Bind(f, i, i.Class), new Args([item], []))),
        _ => Iterate(container).Any(x => Equal(x, item)),
    };

    private static bool RangeContains(PyRange r, BigInteger v) =>
        (r.Step > 0 ? v >= r.Start && v < r.Stop : v <= r.Start && v > r.Stop) && (v - r.Start) % r.Step == 0;

    private bool Order(string op, object? a, object? b)
    {
        var c = CompareValues(a, b, op);
        return op switch { "<" => c < 0, "<=" => c <= 0, ">" => c > 0, _ => c >= 0 };
    }

    public int CompareValues(object? a, object? b, string op = "<")
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        if (IsNumber(a) && IsNumber(b))
            return a is double || b is double ? ToDouble(a).CompareTo(ToDouble(b)) : ToBig(a).CompareTo(ToBig(b));
        if (a is string s && b is string t) return string.CompareOrdinal(s, t);
        if ((a is PyTuple || a is PyList) && (b is PyTuple || b is PyList) && a.GetType() == b.GetType())
        {
            var x = ToList(a);
            var y = ToList(b);
            for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
                if (!Equal(x[i], y[i])) return CompareValues(x[i], y[i], op);
            return x.Count.CompareTo(y.Count);
        }
        var dunder = op switch { "<" => "__lt__", "<=" => "__le__", ">" => "__gt__", _ => "__ge__" };
        if (a is PyInstance ia && ia.Class.Lookup(dunder, out _) is { } f)
            return Truthy(Call(Bind(f, ia, ia.Class), new Args([b], []))) ? (op.StartsWith('<') ? -1 : 1) : (op.StartsWith('<') ? 1 : -1);
        throw TypeError($"'{op}' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
    }

    // ---------- arithmetic ----------

    private static readonly Dictionary<string, string> Dunders = new()
    {
        ["+"] = "add", ["-"] = "sub", ["*"] = "mul", ["/"] = "truediv", ["//"] = "floordiv", ["%"] = "mod", ["**"] = "pow",
        ["@"] = "matmul", ["&"] = "and", ["|"] = "or", ["^"] = "xor", ["<<"] = "lshift", [">>"] = "rshift",
    };

    public object? Binary(string op, object? a, object? b)
    {
        if (a is PyUnknown || b is PyUnknown)
            return ((a as PyUnknown) ?? (PyUnknown)b!).Derive($"{(a as PyUnknown)?.Expression ?? Sketch(a)} {op} {(b as PyUnknown)?.Expression ?? Sketch(b)}");
        if (a is PyInstance || b is PyInstance || NativeOperand(a) || NativeOperand(b))
        {
            var name = Dunders[op];
            if (a is PyInstance ia && ia.Class.Lookup($"__{name}__", out _) is { } f)
            {
                var r = Call(Bind(f, ia, ia.Class), new Args([b], []));
                if (r is not NotImplementedType) return r;
            }
            if (b is PyInstance ib && ib.Class.Lookup($"__r{name}__", out _) is { } rf)
            {
                var r = Call(Bind(rf, ib, ib.Class), new Args([a], []));
                if (r is not NotImplementedType) return r;
            }
        }
        if (op == "%" && a is string fmt) return PercentFormat(fmt, b);
        if (IsNumber(a) && IsNumber(b)) return Arithmetic(op, a, b);
        switch (op)
        {
            case "+":
                if (a is string s1 && b is string s2) { CheckString(s1.Length + s2.Length); return s1 + s2; }
                if (a is PyList l1 && b is PyList l2) { CheckLength(l1.Items.Count + l2.Items.Count); return new PyList([.. l1.Items, .. l2.Items]); }
                if (a is PyTuple t1 && b is PyTuple t2) { CheckLength(t1.Items.Length + t2.Items.Length); return new PyTuple([.. t1.Items, .. t2.Items]); }
                break;
            case "*":
                if (IsInt(a) && b is string or PyList or PyTuple) return Repeat(b, ToBig(a));
                if (IsInt(b) && a is string or PyList or PyTuple) return Repeat(a, ToBig(b));
                break;
            case "|" when a is PyDict d1 && b is PyDict d2:
            {
                var d = new PyDict();
                foreach (var (k, v) in d1.Items) d.Items[k] = v;
                foreach (var (k, v) in d2.Items) d.Items[k] = v;
                return d;
            }
            case "|" or "&" or "-" or "^" when a is PySet x && b is PySet y:
            {
                var r = new PySet();
                IEnumerable<object?> items = op switch
                {
                    "|" => x.Order.Concat(y.Order),
                    "&" => x.Order.Where(y.Members.Contains),
                    "-" => x.Order.Where(v => !y.Members.Contains(v)),
                    _ => x.Order.Where(v => !y.Members.Contains(v)).Concat(y.Order.Where(v => !x.Members.Contains(v))),
                };
                foreach (var v in items) r.Add(v);
                return r;
            }
        }
        throw TypeError($"unsupported operand type(s) for {op}: '{TypeName(a)}' and '{TypeName(b)}'");
    }

    private bool NativeOperand(object? o) => o is not (null or string or bool or BigInteger or double or PyList or PyTuple or PyDict or PySet);

    private object Repeat(object? seq, BigInteger count)
    {
        if (count < 0) count = 0;
        var length = seq switch { string s => s.Length, PyList l => l.Items.Count, PyTuple t => t.Items.Length, _ => 0 };
        var total = length * count;
        if (seq is string str)
        {
            CheckString(total);
            return string.Concat(Enumerable.Repeat(str, (int)count));
        }
        CheckLength(total);
        var items = ToList(seq);
        var result = new List<object?>((int)total);
        for (var i = 0; i < (int)count; i++) result.AddRange(items);
        return seq is PyList ? new PyList(result) : new PyTuple([.. result]);
    }

    private object Arithmetic(string op, object? a, object? b)
    {
        if (op == "/" ) 
        {
            var divisor = ToDouble(b);
            if (divisor == 0) throw Raise("ZeroDivisionError", "division by zero");
            if (IsInt(a) && IsInt(b)) return (double)ToBig(a) / (double)ToBig(b);
            return ToDouble(a) / divisor;
        }
        if (a is double || b is double)
        {
            double x = ToDouble(a), y = ToDouble(b);
            switch (op)
            {
                case "+": return x + y;
                case "-": return x - y;
                case "*": return x * y;
                case "//": if (y == 0) throw Raise("ZeroDivisionError", "float floor division by zero"); return Math.Floor(x / y);
                case "%": if (y == 0) throw Raise("ZeroDivisionError", "float modulo"); var m = x % y; return m != 0 && (m < 0) != (y < 0) ? m + y : m;
                case "**": return Math.Pow(x, y);
            }
            throw TypeError($"unsupported operand type(s) for {op}: 'float'");
        }
        BigInteger p = ToBig(a), q = ToBig(b);
        switch (op)
        {
            case "+": return CheckInt(p + q);
            case "-": return CheckInt(p - q);
            case "*":
                if (p.GetBitLength() + q.GetBitLength() > Limits.MaxIntegerBits + 1) throw IntTooBig();
                return CheckInt(p * q);
            case "//": if (q.IsZero) throw Raise("ZeroDivisionError", "integer division or modulo by zero"); return FloorDiv(p, q);
            case "%": if (q.IsZero) throw Raise("ZeroDivisionError", "integer division or modulo by zero"); return p - FloorDiv(p, q) * q;
            case "**":
                if (q < 0) return Math.Pow((double)p, (double)q);
                if (p.IsZero || p.IsOne || p == BigInteger.MinusOne) return BigInteger.Pow(p, (int)(q % 2 + 2));
                if (q * p.GetBitLength() > Limits.MaxIntegerBits + 64) throw IntTooBig();
                return CheckInt(BigInteger.Pow(p, (int)q));
            case "&": return p & q;
            case "|": return p | q;
            case "^": return p ^ q;
            case "<<":
                if (q < 0) throw ValueError("negative shift count");
                if (q + p.GetBitLength() > Limits.MaxIntegerBits) throw IntTooBig();
                return p << (int)q;
            case ">>": return q > 64 * 1024 ? (p < 0 ? BigInteger.MinusOne : BigInteger.Zero) : p >> (int)q;
        }
        throw TypeError($"unsupported operand type(s) for {op}: 'int' and 'int'");
    }

    private static BigInteger FloorDiv(BigInteger p, BigInteger q)
    {
        var d = BigInteger.DivRem(p, q, out var r);
        return !r.IsZero && (r < 0) != (q < 0) ? d - 1 : d;
    }

    private LimitExceeded IntTooBig() => new($"an integer larger than {Limits.MaxIntegerBits} bits is refused");

    public BigInteger CheckInt(BigInteger v) => v.GetBitLength() > Limits.MaxIntegerBits ? throw IntTooBig() : v;

    public void CheckLength(BigInteger count)
    {
        if (count > Limits.MaxCollectionLength)
            throw new LimitExceeded($"a collection of {count:N0} items is refused (the limit is {Limits.MaxCollectionLength:N0})");
    }

    public void CheckString(BigInteger length)
    {
        if (length > Limits.MaxStringLength)
            throw new LimitExceeded($"a string of {length:N0} characters is refused (the limit is {Limits.MaxStringLength:N0})");
    }

    private object? Unary(string op, object? v)
    {
        if (op == "not") return !Truthy(v);
        if (v is PyUnknown u) return u.Derive($"{op}{u.Expression}");
        if (v is PyInstance i)
        {
            var name = op switch { "-" => "__neg__", "+" => "__pos__", _ => "__invert__" };
            if (i.Class.Lookup(name, out _) is { } f) return Call(Bind(f, i, i.Class), Args.None);
        }
        return (op, v) switch
        {
            ("-", double d) => -d,
            ("-", _) when IsInt(v) => -ToBig(v),
            ("+", double d) => d,
            ("+", _) when IsInt(v) => ToBig(v),
            ("~", _) when IsInt(v) => -ToBig(v) - 1,
            _ => throw TypeError($"bad operand type for unary {op}: '{TypeName(v)}'"),
        };
    }

    // ---------- attributes ----------

    public object? GetAttr(object? target, string name)
    {
        if (Forbidden.Contains(name)) throw Raise("AttributeError", $"access to '{name}' is not allowed (the interpreter has no introspection)");
        switch (target)
        {
            case PyUnknown u: return UnknownAttribute(u, name);
            case PyInstance inst:
            {
                var cattr = inst.Class.Lookup(name, out _);
                if (cattr is PyProperty prop) return prop.Getter is null ? throw AttributeError(target, name) : Call(prop.Getter, new Args([inst], []));
                if (inst.Dict.TryGetValue(name, out var v)) return v;
                if (cattr is not null || inst.Class.Has(name)) return Bind(cattr, inst, inst.Class);
                if (name == "__class__") return inst.Class;
                if (name == "args" && inst.Native is PyTuple exArgs) return exArgs;
                if (inst.Class.Lookup("__getattr__", out _) is { } ga) return Call(Bind(ga, inst, inst.Class), new Args([name], []));
                throw AttributeError(target, name);
            }
            case PyClass cls:
            {
                if (name == "__name__" || name == "__qualname__") return cls.Name;
                if (name == "__module__") return cls.ModuleName;
                var v = cls.Lookup(name, out _);
                if (v is null && !cls.Has(name)) throw Raise("AttributeError", $"type object '{cls.Name}' has no attribute '{name}'");
                return v switch { PyStaticMethod s => s.Function, PyClassMethod m => new PyBoundMethod(cls, m.Function!), _ => v };
            }
            case PyModule m:
                if (m.Dict.TryGetValue(name, out var mv)) return mv;
                if (m.PackageDir is not null && TryImportSubmodule(m, name) is { } sub) return sub;
                // A provided module's submodule is its attribute, as a package's __init__ that imports it makes it.
                if (BuiltinModules.ContainsKey($"{m.Name}.{name}")) return Import($"{m.Name}.{name}", 0, m);
                if (m.UnknownReason is { } why) return NewUnknown($"{m.Name}.{name}", why);
                throw Raise("AttributeError", $"module '{m.Name}' has no attribute '{name}'");
            case PySuper s:
            {
                var type = s.Self is PyClass sc ? sc : TypeOf(s.Self);
                var mro = type.Mro;
                var start = mro.IndexOf(s.StartAfter);
                for (var i = start + 1; i < mro.Count; i++)
                    if (mro[i].Dict.TryGetValue(name, out var v))
                        return v is PyProperty p ? Call(p.Getter, new Args([s.Self], [])) : Bind(v, s.Self, type);
                throw Raise("AttributeError", $"'super' object has no attribute '{name}'");
            }
            case PyFunction f:
                if (name == "__name__" || name == "__qualname__") return f.Name;
                if (name == "__doc__") return null;
                if (f.Attributes.TryGetValue(name, out var fv)) return fv;
                break;
            case PyBuiltin b when name == "__name__": return b.Name.Split('.')[^1];
            case PyBoundMethod bm when name == "__name__": return GetAttr(bm.Function, "__name__");
        }
        if (name == "__class__") return TypeOf(target);
        if (BuiltinMethod(target, name) is { } method) return method;
        throw AttributeError(target, name);
    }

    public bool HasAttr(object? target, string name)
    {
        try { GetAttr(target, name); return true; }
        catch (PyException e) when (e.Value.Class.Name == "AttributeError") { return false; }
    }

    public void SetAttr(object? target, string name, object? value)
    {
        if (Forbidden.Contains(name) || name == "__class__") throw Raise("AttributeError", $"setting '{name}' is not allowed");
        var configuresModel = target is PyInstance && BuildsModel?.Invoke(target, Args.None) == true;
        if (configuresModel) _modelChanges++;
        if (value is PyUnknown unknown && configuresModel)
            throw new UnderivableModelStop($"{Describe(target)}.{name} at line {CurrentPosition.Line} is set to {unknown.Expression}, a value ParamLens does not compute ({unknown.Origin}); the model cannot be derived");
        switch (target)
        {
            case PyUnknown: return;
            case PyInstance inst:
                if (inst.Class.Lookup(name, out _) is PyProperty prop)
                {
                    if (prop.Setter is null) throw Raise("AttributeError", $"property '{name}' has no setter");
                    Call(prop.Setter, new Args([inst, value], []));
                    return;
                }
                AttributeAssigned?.Invoke(inst, value);
                inst.Dict[name] = value;
                return;
            case PyClass cls:
                cls.Dict[name] = value;
                return;
            case PyModule m:
                m.Dict[name] = value;
                return;
            case PyFunction f:
                f.Attributes[name] = value;
                return;
        }
        throw Raise("AttributeError", $"'{TypeName(target)}' object attribute '{name}' is read-only");
    }

    // ---------- items ----------

    public object? GetItem(object? target, object? index)
    {
        if (target is PyUnknown u) return u.Derive($"{u.Expression}[...]");
        if ((index as PyUnknown ?? FindUnknownIndex(index)) is { } unknownIndex) return unknownIndex.Derive($"{Sketch(target)}[{unknownIndex.Expression}]");
        switch (target)
        {
            case PyList l:
                return index is PySlice s ? new PyList(SliceIndices(s, l.Items.Count).Select(i => l.Items[i]).ToList()) : l.Items[NormalizeIndex(index, l.Items.Count)];
            case PyTuple t:
                return index is PySlice ts ? new PyTuple([.. SliceIndices(ts, t.Items.Length).Select(i => t.Items[i])]) : t.Items[NormalizeIndex(index, t.Items.Length)];
            case string str:
                return index is PySlice ss ? string.Concat(SliceIndices(ss, str.Length).Select(i => str[i])) : str[NormalizeIndex(index, str.Length)].ToString();
            case PyRange r:
            {
                var items = Iterate(r);
                if (index is PySlice rs) { var all = items.ToList(); return new PyList(SliceIndices(rs, all.Count).Select(i => all[i]).ToList()); }
                var i = NormalizeIndex(index, (int)BigInteger.Min(r.Length, int.MaxValue));
                return r.Start + r.Step * i;
            }
            case PyDict d:
                if (d.Items.TryGetValue(Key(index)!, out var v)) return v;
                throw new PyException(NewException((PyClass)Builtins.Dict["KeyError"]!, [index]));
            case PyInstance inst when inst.Class.Lookup("__getitem__", out _) is { } f:
                return Call(Bind(f, inst, inst.Class), new Args([index], []));
            case PyClass:
                return target; // typing subscripts such as list[int]
        }
        throw TypeError($"'{TypeName(target)}' object is not subscriptable");
    }

    /// <summary>A value as a short text for an unknown value's expression: numbers and short strings as written,
    /// anything else by its type (never a long repr).</summary>
    private string Sketch(object? value) => value switch
    {
        null or bool or BigInteger or double => ReprStatic(value),
        string s when s.Length <= 20 => ReprStatic(s),
        _ => TypeName(value),
    };

    /// <summary>An unknown value inside a slice or tuple index (<c>x[:n]</c> with <c>n</c> unknown).</summary>
    private static PyUnknown? FindUnknownIndex(object? index) => index switch
    {
        PySlice s => new[] { s.Start, s.Stop, s.Step }.OfType<PyUnknown>().FirstOrDefault(),
        PyTuple t => t.Items.Select(FindUnknownIndex).FirstOrDefault(x => x is not null) ?? t.Items.OfType<PyUnknown>().FirstOrDefault(),
        _ => null,
    };

    public void SetItem(object? target, object? index, object? value)
    {
        switch (target)
        {
            case PyUnknown: return;
            case PyList l when index is PySlice s:
            {
                var indices = SliceIndices(s, l.Items.Count);
                var values = ToList(value);
                if (s.Step is null or BigInteger { IsOne: true })
                {
                    var start = indices.Count > 0 ? indices[0] : Math.Clamp(s.Start is null ? 0 : NormalizeSliceBound(s.Start, l.Items.Count), 0, l.Items.Count);
                    l.Items.RemoveRange(start, indices.Count);
                    l.Items.InsertRange(start, values);
                    CheckLength(l.Items.Count);
                }
                else
                {
                    if (indices.Count != values.Count) throw ValueError($"attempt to assign sequence of size {values.Count} to extended slice of size {indices.Count}");
                    for (var i = 0; i < indices.Count; i++) l.Items[indices[i]] = values[i];
                }
                return;
            }
            case PyList l:
                l.Items[NormalizeIndex(index, l.Items.Count)] = value;
                return;
            case PyDict d:
                d.Items[Key(index)!] = value;
                CheckLength(d.Count);
                return;
            case PyInstance inst when inst.Class.Lookup("__setitem__", out _) is { } f:
                Call(Bind(f, inst, inst.Class), new Args([index, value], []));
                return;
        }
        throw TypeError($"'{TypeName(target)}' object does not support item assignment");
    }

    public int NormalizeIndex(object? index, int count)
    {
        if (!IsInt(index))
        {
            if (index is PyInstance pi && pi.Class.Lookup("__index__", out _) is { } f) index = Call(Bind(f, pi, pi.Class), Args.None);
            else throw TypeError($"indices must be integers or slices, not {TypeName(index)}");
        }
        var i = ToBig(index);
        if (i < 0) i += count;
        if (i < 0 || i >= count) throw Raise("IndexError", "index out of range");
        return (int)i;
    }

    private int NormalizeSliceBound(object? bound, int count)
    {
        var i = ToBig(bound);
        if (i < 0) i += count;
        return (int)BigInteger.Clamp(i, -1, count);
    }

    public List<int> SliceIndices(PySlice s, int count)
    {
        var step = s.Step is null ? 1 : (int)ToBig(s.Step);
        if (step == 0) throw ValueError("slice step cannot be zero");
        int start, stop;
        if (step > 0)
        {
            start = s.Start is null ? 0 : Math.Max(0, NormalizeSliceBound(s.Start, count));
            stop = s.Stop is null ? count : Math.Max(0, NormalizeSliceBound(s.Stop, count));
        }
        else
        {
            start = s.Start is null ? count - 1 : Math.Min(count - 1, NormalizeSliceBound(s.Start, count));
            stop = s.Stop is null ? -1 : NormalizeSliceBound(s.Stop, count);
        }
        var list = new List<int>();
        for (var i = start; step > 0 ? i < stop : i > stop; i += step) list.Add(i);
        return list;
    }

    // ---------- iteration ----------

    public IEnumerable<object?> Iterate(object? v)
    {
        switch (v)
        {
            case PyList l: return IterateList(l);
            case PyTuple t: return t.Items;
            case string s: return s.Select(c => (object?)c.ToString());
            case PyDict d: return d.Items.Keys.ToList();
            case PySet s: return s.Order.ToList();
            case PyRange r: return IterateRange(r);
            case PyIterator it: return Drain(it);
            case PyUnknown u: throw UnknownItems(u);
            case PyInstance i when i.Class.Lookup("__iter__", out _) is { } f: return Iterate(Call(Bind(f, i, i.Class), Args.None));
            case PyInstance i when i.Class.Lookup("__next__", out _) is not null: return IterateNext(i);
            case PyInstance i when i.Class.Lookup("__getitem__", out _) is { } g: return IterateGetItem(i, g);
        }
        throw TypeError($"'{TypeName(v)}' object is not iterable");
    }

    private IEnumerable<object?> IterateList(PyList l)
    {
        for (var i = 0; i < l.Items.Count; i++) yield return l.Items[i];
    }

    private IEnumerable<object?> IterateRange(PyRange r)
    {
        for (var i = r.Start; r.Step > 0 ? i < r.Stop : i > r.Stop; i += r.Step)
        {
            Step();
            yield return i;
        }
    }

    private static IEnumerable<object?> Drain(PyIterator it)
    {
        while (it.Source.MoveNext()) yield return it.Source.Current;
    }

    private IEnumerable<object?> IterateNext(PyInstance i)
    {
        var next = GetAttr(i, "__next__");
        while (true)
        {
            object? item;
            try { item = Call(next, Args.None); }
            catch (PyException e) when (e.Value.Class.Name == "StopIteration") { yield break; }
            yield return item;
        }
    }

    private IEnumerable<object?> IterateGetItem(PyInstance i, object getter)
    {
        for (var n = 0; ; n++)
        {
            object? item;
            try { item = Call(Bind(getter, i, i.Class), new Args([new BigInteger(n)], [])); }
            catch (PyException e) when (e.Value.Class.Name is "IndexError" or "StopIteration") { yield break; }
            yield return item;
        }
    }

    public List<object?> ToList(object? v)
    {
        if (v is PyList l) return [.. l.Items];
        if (v is PyTuple t) return [.. t.Items];
        var list = new List<object?>();
        foreach (var item in Iterate(v))
        {
            list.Add(item);
            CheckLength(list.Count);
        }
        return list;
    }

    public IEnumerable<(object? Key, object? Value)> MappingItems(object? v)
    {
        if (v is PyDict d) return d.Items.Select(p => ((object?)p.Key, p.Value)).ToList();
        if (v is PyInstance i && i.Class.Lookup("keys", out _) is not null)
            return Iterate(CallMethod(i, "keys", Args.None)).Select(k => (k, GetItem(i, k))).ToList();
        throw TypeError($"'{TypeName(v)}' object is not a mapping");
    }

    /// <summary>A value usable as a dict key or set member.</summary>
    public object? Key(object? v) => v switch
    {
        PyList or PyDict or PySet { Frozen: false } => throw TypeError($"unhashable type: '{TypeName(v)}'"),
        null => throw TypeError("None as a dict key or set member is not supported by this interpreter"),
        _ => v,
    };

    // ---------- text ----------

    public string TypeName(object? v) => TypeOf(v).Name;

    public PyClass TypeOf(object? v)
    {
        string name = v switch
        {
            null => "NoneType",
            bool => "bool",
            BigInteger => "int",
            double => "float",
            string => "str",
            PyList => "list",
            PyTuple => "tuple",
            PyDict => "dict",
            PySet { Frozen: true } => "frozenset",
            PySet => "set",
            PyRange => "range",
            PySlice => "slice",
            PyInstance i => i.Class.Name,
            PyClass => "type",
            PyModule => "module",
            PyFunction or PyBuiltin => "function",
            PyBoundMethod => "method",
            PyUnknown => "unknown",
            _ => v.GetType().Name,
        };
        if (v is PyInstance inst) return inst.Class;
        return Builtins.Dict.TryGetValue(name, out var c) && c is PyClass pc ? pc : new PyClass(name, [(PyClass)Builtins.Dict["object"]!]);
    }

    public string Str(object? v) => v switch
    {
        string s => s,
        PyInstance i when i.Class.Lookup("__str__", out _) is { } f and not PyBuiltin { Name: "object.__str__" } => Str(Call(Bind(f, i, i.Class), Args.None)),
        PyInstance i when i.Native is PyTuple && IsException(i) => ExceptionMessage(i),
        _ => Repr(v),
    };

    private int _reprDepth;

    public string Repr(object? v)
    {
        if (++_reprDepth > 100) { _reprDepth--; throw new LimitExceeded("the value nests too deeply to print"); }
        try { return ReprCore(v); }
        finally { _reprDepth--; }
    }

    private string ReprCore(object? v)
    {
        switch (v)
        {
            case PyInstance i when i.Class.Lookup("__repr__", out _) is { } f and not PyBuiltin { Name: "object.__repr__" }:
                return Str(Call(Bind(f, i, i.Class), Args.None));
            case PyInstance i when IsException(i):
                return $"{i.Class.Name}({string.Join(", ", ((PyTuple)i.Native!).Items.Select(Repr))})";
            case PyList l: return "[" + string.Join(", ", l.Items.Select(Repr)) + "]";
            case PyDict d: return "{" + string.Join(", ", d.Items.Select(p => Repr(p.Key) + ": " + Repr(p.Value))) + "}";
            case PySet s: return s.Members.Count == 0 ? (s.Frozen ? "frozenset()" : "set()") : (s.Frozen ? "frozenset({" : "{") + string.Join(", ", s.Order.Select(Repr)) + (s.Frozen ? "})" : "}");
            case PyTuple t: return t.Items.Length == 1 ? "(" + Repr(t.Items[0]) + ",)" : "(" + string.Join(", ", t.Items.Select(Repr)) + ")";
        }
        return ReprStatic(v);
    }

    private bool IsException(PyInstance i) => i.Class.IsSubclassOf((PyClass)Builtins.Dict["BaseException"]!);

    public static string StrStatic(object? v) => v is string s ? s : ReprStatic(v);

    public static string ReprStatic(object? v) => v switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        BigInteger i => i.ToString(CultureInfo.InvariantCulture),
        double d => FloatRepr(d),
        string s => StringRepr(s),
        PyTuple t => t.Items.Length == 1 ? "(" + ReprStatic(t.Items[0]) + ",)" : "(" + string.Join(", ", t.Items.Select(ReprStatic)) + ")",
        PyRange r => r.Step.IsOne ? $"range({r.Start}, {r.Stop})" : $"range({r.Start}, {r.Stop}, {r.Step})",
        PySlice s => $"slice({ReprStatic(s.Start)}, {ReprStatic(s.Stop)}, {ReprStatic(s.Step)})",
        PyClass c => $"<class '{c.Name}'>",
        PyInstance i => $"<{i.Class.Name} object>",
        PyModule m => $"<module '{m.Name}'>",
        PyFunction f => $"<function {f.Name}>",
        PyBuiltin b => $"<built-in function {b.Name}>",
        PyBoundMethod m => $"<bound method {(m.Function is PyFunction f ? f.Name : ((PyBuiltin)m.Function).Name)}>",
        Ellipsis => "Ellipsis",
        PyUnknown u => $"<unknown: {u.Expression}>",
        NotImplementedType => "NotImplemented",
        _ => $"<{v.GetType().Name}>",
    };
}

/// <summary>Python's <c>NotImplemented</c>.</summary>
public sealed class NotImplementedType
{
    public static readonly NotImplementedType Instance = new();
}
