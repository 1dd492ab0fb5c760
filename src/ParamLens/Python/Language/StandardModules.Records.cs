using System.Numerics;

namespace ParamLens.Python;

/// <summary>Record-like classes scripts keep their settings in: <c>collections.namedtuple</c> and
/// <c>dataclasses.dataclass</c>.</summary>
public static partial class StandardModules
{
    /// <summary><c>field(default=…, default_factory=…)</c> in a dataclass body.</summary>
    private sealed record FieldSpec(object? Default, object? DefaultFactory, bool HasDefault);

    /// <summary><c>namedtuple(typename, field_names, defaults=None)</c>: a class whose instances are tuples with named
    /// fields (attributes, indexing, unpacking, <c>_fields</c>, <c>_replace</c>, <c>_asdict</c>).</summary>
    private static object? NamedTuple(Interpreter i, Args a)
    {
        var typename = a.Positional[0] as string ?? throw i.TypeError("namedtuple() needs a type name");
        var fields = (a.Get(1, "field_names") is string text
            ? text.Replace(',', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : i.ToList(a.Get(1, "field_names")).Select(f => f as string ?? throw i.TypeError("field names must be strings")).ToArray());
        var defaults = a.Kw("defaults") is { } d and not null ? i.ToList(d) : [];
        if (defaults.Count > fields.Length) throw i.TypeError("got more default values than field names");
        PyClass cls = null!; // made below; its constructor needs Make and Bind
        PyInstance Make(object?[] values)
        {
            var instance = new PyInstance(cls) { Native = new PyTuple(values) };
            for (var n = 0; n < fields.Length; n++) instance.Dict[fields[n]] = values[n];
            return instance;
        }
        object?[] Bind(Interpreter ii, List<object?> positional, List<KeyValuePair<string, object?>> keywords)
        {
            if (positional.Count > fields.Length) throw ii.TypeError($"{typename}() takes {fields.Length} arguments, got {positional.Count}");
            var values = new object?[fields.Length];
            var set = new bool[fields.Length];
            for (var n = 0; n < positional.Count; n++) (values[n], set[n]) = (positional[n], true);
            foreach (var (key, value) in keywords)
            {
                var index = Array.IndexOf(fields, key);
                if (index < 0) throw ii.TypeError($"{typename}() got an unexpected keyword argument '{key}'");
                if (set[index]) throw ii.TypeError($"{typename}() got multiple values for argument '{key}'");
                (values[index], set[index]) = (value, true);
            }
            for (var n = 0; n < fields.Length; n++)
            {
                if (set[n]) continue;
                var fromEnd = fields.Length - n;
                if (fromEnd > defaults.Count) throw ii.TypeError($"{typename}() missing required argument: '{fields[n]}'");
                values[n] = defaults[defaults.Count - fromEnd];
            }
            return values;
        }
        PyTuple Values(object? self) => (PyTuple)((PyInstance)self!).Native!;
        PyBuiltin Method(string name, Func<Interpreter, Args, object?> body) => new($"{typename}.{name}", body, isMethod: true) { AcceptsUnknown = true };
        cls = new PyClass(typename, [(PyClass)i.Builtins.Dict["object"]!], "collections")
        {
            Construct = (ii, _, args) => Make(Bind(ii, args.Positional, args.Keywords)),
        };
        cls.Dict["_fields"] = new PyTuple([.. fields]);
        cls.Dict["__getitem__"] = Method("__getitem__", (ii, b) => ii.GetItem(Values(b.Positional[0]), b.Positional[1]));
        cls.Dict["__iter__"] = Method("__iter__", (_, b) => Values(b.Positional[0]));
        cls.Dict["__len__"] = Method("__len__", (_, _) => new BigInteger(fields.Length));
        cls.Dict["__eq__"] = Method("__eq__", (_, b) => b.Positional[1] is PyInstance { Native: PyTuple other } && Values(b.Positional[0]).Equals(other));
        cls.Dict["__repr__"] = Method("__repr__", (ii, b) =>
            $"{typename}({string.Join(", ", fields.Zip(Values(b.Positional[0]).Items, (f, v) => $"{f}={ii.Repr(v)}"))})");
        cls.Dict["_replace"] = Method("_replace", (ii, b) =>
        {
            var values = (object?[])Values(b.Positional[0]).Items.Clone();
            foreach (var (key, value) in b.Keywords)
                values[Array.IndexOf(fields, key) is var index and >= 0 ? index : throw ii.ValueError($"Got unexpected field names: ['{key}']")] = value;
            return Make(values);
        });
        cls.Dict["_asdict"] = Method("_asdict", (_, b) =>
        {
            var dict = new PyDict();
            foreach (var (f, v) in fields.Zip(Values(b.Positional[0]).Items)) dict.Items[f] = v;
            return dict;
        });
        return cls;
    }

    /// <summary>dataclasses: <c>@dataclass</c> (with or without arguments) gives the class an <c>__init__</c> over its
    /// annotated fields in order (base classes' fields first; defaults from the class body or <c>field()</c>), a
    /// <c>__repr__</c> and an <c>__eq__</c>; <c>asdict</c> and <c>field</c>.</summary>
    private static PyModule Dataclasses(Interpreter i)
    {
        var m = Partial("dataclasses");
        Add(m, i, "field", (_, a) => new FieldSpec(a.Kw("default"), a.Kw("default_factory"), a.HasKw("default")));
        m.Dict["dataclass"] = new PyBuiltin("dataclasses.dataclass", (ii, a) =>
            a.Positional.Count == 1 && a.Positional[0] is PyClass cls ? MakeDataclass(ii, cls) : ii.Fn("dataclass.decorator", (iii, b) => MakeDataclass(iii, (PyClass)b.Positional[0]!)));
        Add(m, i, "asdict", (ii, a) =>
        {
            var instance = a.Positional[0] as PyInstance ?? throw ii.TypeError("asdict() should be called on dataclass instances");
            var dict = new PyDict();
            foreach (var name in DataclassFields(instance.Class).Select(f => f.Name)) dict.Items[name] = ii.GetAttr(instance, name);
            return dict;
        });
        return m;
    }

    private static List<(string Name, FieldSpec? Default)> DataclassFields(PyClass cls) =>
        cls.Lookup("__dataclass_fields__", out _) is List<(string, FieldSpec?)> fields ? fields : [];

    private static PyClass MakeDataclass(Interpreter i, PyClass cls)
    {
        // Fields of dataclass bases first, then this class's annotated names in order (a redefined name keeps its place).
        var fields = cls.Bases.SelectMany(DataclassFields).ToList();
        if (cls.Dict.TryGetValue("__annotations__", out var annotations) && annotations is PyDict names)
        {
            foreach (var name in names.Items.Keys.OfType<string>())
            {
                FieldSpec? spec = cls.Dict.TryGetValue(name, out var value)
                    ? value as FieldSpec ?? new FieldSpec(value, null, true)
                    : null;
                if (spec is { HasDefault: true }) cls.Dict[name] = spec.Default;
                else cls.Dict.Remove(name);
                var index = fields.FindIndex(f => f.Name == name);
                if (index >= 0) fields[index] = (name, spec);
                else fields.Add((name, spec));
            }
        }
        cls.Dict["__dataclass_fields__"] = fields;
        cls.Dict["__init__"] = new PyBuiltin($"{cls.Name}.__init__", (ii, a) =>
        {
            var self = (PyInstance)a.Positional[0]!;
            var positional = a.Positional.Skip(1).ToList();
            if (positional.Count > fields.Count) throw ii.TypeError($"{cls.Name}.__init__() takes {fields.Count} positional arguments, got {positional.Count}");
            var given = new Dictionary<string, object?>();
            for (var n = 0; n < positional.Count; n++) given[fields[n].Name] = positional[n];
            foreach (var (key, value) in a.Keywords)
            {
                if (fields.All(f => f.Name != key)) throw ii.TypeError($"{cls.Name}.__init__() got an unexpected keyword argument '{key}'");
                if (!given.TryAdd(key, value)) throw ii.TypeError($"{cls.Name}.__init__() got multiple values for argument '{key}'");
            }
            foreach (var (name, spec) in fields)
            {
                var value = given.TryGetValue(name, out var v) ? v
                    : spec is { HasDefault: true } ? spec.Default
                    : spec?.DefaultFactory is { } factory ? ii.Call(factory, Args.None)
                    : throw ii.TypeError($"{cls.Name}.__init__() missing required argument: '{name}'");
                ii.SetAttr(self, name, value);
            }
            if (cls.Lookup("__post_init__", out _) is { } post) ii.Call(ii.Bind(post, self, cls), Args.None);
            return null;
        }, isMethod: true) { AcceptsUnknown = true };
        cls.Dict["__repr__"] = new PyBuiltin($"{cls.Name}.__repr__", (ii, a) =>
            $"{cls.Name}({string.Join(", ", fields.Select(f => $"{f.Name}={ii.Repr(ii.GetAttr(a.Positional[0], f.Name))}"))})", isMethod: true);
        cls.Dict["__eq__"] = new PyBuiltin($"{cls.Name}.__eq__", (ii, a) =>
            a.Positional[1] is PyInstance other && other.Class == cls
            && fields.All(f => ii.Equal(ii.GetAttr(a.Positional[0], f.Name), ii.GetAttr(other, f.Name))), isMethod: true);
        return cls;
    }
}
