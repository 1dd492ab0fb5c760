using System.Numerics;

namespace ParamLens.Python;

// Python values are plain CLR objects where one fits: null is None, bool, BigInteger (int), double (float), string.
// Everything else is one of the classes below.

/// <summary>A Python list.</summary>
public sealed class PyList(List<object?> items)
{
    public List<object?> Items { get; } = items;
    public PyList() : this([]) { }
}

/// <summary>A Python tuple (immutable).</summary>
public sealed class PyTuple(object?[] items)
{
    public static readonly PyTuple Empty = new([]);
    public object?[] Items { get; } = items;
    public override bool Equals(object? obj) => obj is PyTuple t && t.Items.Length == Items.Length && Items.Zip(t.Items).All(p => PyEquality.Instance.Equals(p.First, p.Second));
    public override int GetHashCode()
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        var h = new HashCode();
        foreach (var i in Items) h.Add(PyEquality.Instance.GetHashCode(i));
        return h.ToHashCode();
    }
}

/// <summary>A Python dict, keeping insertion order.</summary>
public sealed class PyDict
{
    public OrderedDictionary<object, object?> Items { get; } = new(PyEquality.Instance);
    public int Count => Items.Count;
}

/// <summary>A Python set.</summary>
public sealed class PySet(bool frozen = false)
{
    public List<object?> Order { get; } = [];
    public HashSet<object?> Members { get; } = new(PyEquality.Instance);
    public bool Frozen { get; } = frozen;

    public bool Add(object? value)
    {
        if (!Members.Add(value)) return false;
        Order.Add(value);
        return true;
    }

    public bool Remove(object? value)
    {
        if (!Members.Remove(value)) return false;
        Order.RemoveAt(Order.FindIndex(v => PyEquality.Instance.Equals(v, value)));
        return true;
    }
}

/// <summary><c>range(start, stop, step)</c>.</summary>
public sealed record PyRange(BigInteger Start, BigInteger Stop, BigInteger Step)
{
    public BigInteger Length => Step > 0 ? BigInteger.Max(0, (Stop - Start + Step - 1) / Step) : BigInteger.Max(0, (Start - Stop - Step - 1) / -Step);
}

/// <summary>A slice object <c>a:b:c</c>.</summary>
public sealed record PySlice(object? Start, object? Stop, object? Step);

/// <summary>A one-pass iterator (zip, map, enumerate, iter(), generator expressions).</summary>
public sealed class PyIterator(IEnumerator<object?> source)
{
    public IEnumerator<object?> Source { get; } = source;
}

/// <summary>A function defined in Python (<c>def</c> or <c>lambda</c>).</summary>
public sealed class PyFunction(string name, IReadOnlyList<Parameter> parameters, object?[] defaults, IReadOnlyList<Stmt> body,
    Scope closure, PyModule module, bool isLambda)
{
    public string Name { get; set; } = name;
    public IReadOnlyList<Parameter> Parameters { get; } = parameters;
    /// <summary>Default values, one per parameter (null entry when it has none; <see cref="NoDefault"/> marks absence).</summary>
    public object?[] Defaults { get; } = defaults;
    public IReadOnlyList<Stmt> Body { get; } = body;
    public Scope Closure { get; } = closure;
    public PyModule Module { get; } = module;
    public bool IsLambda { get; } = isLambda;
    /// <summary>Its body yields: calling it gives an unknown value (generators are not run).</summary>
    public bool IsGenerator { get; init; }
    public PyClass? DefiningClass { get; set; }
    public Dictionary<string, object?> Attributes { get; } = [];
    public static readonly object NoDefault = new();
}

/// <summary>Arguments of a call: positional values and keyword values in the order given.</summary>
public sealed class Args(List<object?> positional, List<KeyValuePair<string, object?>> keywords)
{
    public static readonly Args None = new([], []);
    public List<object?> Positional { get; } = positional;
    public List<KeyValuePair<string, object?>> Keywords { get; } = keywords;

    public object? Kw(string name) => Keywords.FirstOrDefault(k => k.Key == name).Value;
    public bool HasKw(string name) => Keywords.Any(k => k.Key == name);

    /// <summary>The argument at <paramref name="index"/> or named <paramref name="name"/>, else the default.</summary>
    public object? Get(int index, string name, object? fallback = null) =>
        index < Positional.Count ? Positional[index] : HasKw(name) ? Kw(name) : fallback;

    public bool Has(int index, string name) => index < Positional.Count || HasKw(name);

    public Args Prepend(object? first) => new([first, .. Positional], Keywords);
}

/// <summary>A function implemented by the interpreter itself.</summary>
public sealed class PyBuiltin(string name, Func<Interpreter, Args, object?> body, bool isMethod = false)
{
    public string Name { get; } = name;
    public Func<Interpreter, Args, object?> Body { get; } = body;
    /// <summary>Binds its instance as first argument when found on a class (like a Python method).</summary>
    public bool IsMethod { get; } = isMethod;
    /// <summary>Takes unknown values as they are (it stores or ignores them); other built-ins given one give an unknown
    /// result.</summary>
    public bool AcceptsUnknown { get; init; }
}

/// <summary>A function bound to its instance (<c>obj.method</c>).</summary>
public sealed record PyBoundMethod(object? Self, object Function);

/// <summary><c>property(getter, setter)</c>.</summary>
public sealed class PyProperty(object? getter, object? setter = null)
{
    public object? Getter { get; } = getter;
    public object? Setter { get; set; } = setter;
}

/// <summary><c>@staticmethod</c>: a function found on a class, never bound.</summary>
public sealed record PyStaticMethod(object? Function);
/// <summary><c>@classmethod</c>: a function bound to the class.</summary>
public sealed record PyClassMethod(object? Function);

/// <summary>A Python class (defined in code, or one of the interpreter's own, such as the exceptions and Keras classes).</summary>
public sealed class PyClass
{
    public PyClass(string name, IReadOnlyList<PyClass> bases, string module = "builtins")
    {
        Name = name;
        Bases = bases;
        ModuleName = module;
        Mro = Linearize();
    }

    public string Name { get; }
    public string ModuleName { get; }
    public IReadOnlyList<PyClass> Bases { get; }
    public List<PyClass> Mro { get; }
    public Dictionary<string, object?> Dict { get; } = [];
    /// <summary>For built-in classes: makes the instance (before <c>__init__</c>), e.g. a Keras layer wrapper.</summary>
    public Func<Interpreter, PyClass, Args, object?>? Construct { get; init; }

    public bool IsSubclassOf(PyClass other) => Mro.Contains(other);

    public object? Lookup(string name, out PyClass? owner)
    {
        foreach (var c in Mro)
            if (c.Dict.TryGetValue(name, out var v)) { owner = c; return v; }
        owner = null;
        return null;
    }

    public bool Has(string name) => Mro.Any(c => c.Dict.ContainsKey(name));

    /// <summary>C3 linearization, as Python orders base classes.</summary>
    private List<PyClass> Linearize()
    {
        var result = new List<PyClass> { this };
        var sequences = Bases.Select(b => new List<PyClass>(b.Mro)).Append([.. Bases]).Where(s => s.Count > 0).ToList();
        while (sequences.Count > 0)
        {
            PyClass? head = null;
            foreach (var s in sequences)
            {
                var candidate = s[0];
                if (!sequences.Any(o => o.IndexOf(candidate) > 0)) { head = candidate; break; }
            }
            if (head is null) throw new InvalidOperationException($"cannot create a consistent method resolution order for {Name}");
            result.Add(head);
            foreach (var s in sequences) s.Remove(head);
            sequences.RemoveAll(s => s.Count == 0);
        }
        return result;
    }

    public override string ToString() => $"<class '{Name}'>";
}

/// <summary>An instance of a <see cref="PyClass"/>. <see cref="Native"/> carries the interpreter's own state for
/// instances of built-in classes (the Keras layer or model, an exception's arguments).</summary>
public sealed class PyInstance(PyClass cls)
{
    public PyClass Class { get; } = cls;
    public Dictionary<string, object?> Dict { get; } = [];
    public object? Native { get; set; }
}

/// <summary>A module: its name and global variables.</summary>
public sealed class PyModule(string name, string file)
{
    public string Name { get; } = name;
    public string File { get; } = file;
    public Dictionary<string, object?> Dict { get; } = [];
    /// <summary>Set for packages (folders with <c>__init__.py</c>): the folder its submodules live in.</summary>
    public string? PackageDir { get; init; }
    /// <summary>Set for a module the interpreter does not provide (and for the parts of one it provides only in part):
    /// why a name it lacks is an unknown value rather than an error.</summary>
    public string? UnknownReason { get; set; }
    /// <summary>Modules this one star-imported from that the interpreter does not provide: a name found nowhere else
    /// may come from them, so it is an unknown value.</summary>
    public List<PyModule> UnknownStarImports { get; } = [];
}

/// <summary><c>super()</c> bound to a class and instance.</summary>
public sealed record PySuper(PyClass StartAfter, object? Self);

/// <summary>Variables of one function call, class body or comprehension; its parent is the enclosing function's scope.</summary>
public sealed class Scope(Scope? parent, PyModule module, bool isClassBody = false)
{
    public Dictionary<string, object?> Vars { get; } = [];
    public Scope? Parent { get; } = parent;
    public PyModule Module { get; } = module;
    public bool IsClassBody { get; } = isClassBody;
    public HashSet<string>? Globals { get; set; }
    public HashSet<string>? Nonlocals { get; set; }
}

/// <summary>Python equality and hashing for dict keys and sets: <c>1 == 1.0 == True</c>.</summary>
public sealed class PyEquality : IEqualityComparer<object?>
{
    public static readonly PyEquality Instance = new();

    public new bool Equals(object? a, object? b) => Operators.ValueEquals(a, b);

    public int GetHashCode(object? o) => o switch
    {
        null => 0,
        bool b => (b ? BigInteger.One : BigInteger.Zero).GetHashCode(),
        BigInteger i => i.GetHashCode(),
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e300 => new BigInteger(d).GetHashCode(),
        double d => d.GetHashCode(),
        string s => s.GetHashCode(StringComparison.Ordinal),
        PyTuple t => t.GetHashCode(),
        _ => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(o),
    };
}
