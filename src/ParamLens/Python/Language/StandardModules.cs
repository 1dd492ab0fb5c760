using System.Numerics;
using static ParamLens.Python.Operators;

namespace ParamLens.Python;

/// <summary>The standard modules model code touches, each limited to what cannot reach outside the interpreter:
/// math, functools, itertools, typing, collections, warnings, sys (no real system), os (os.path string functions and an
/// empty, private os.environ) and a shape-only numpy.</summary>
public static partial class StandardModules
{
    public static void Register(Interpreter interpreter)
    {
        var m = interpreter.BuiltinModules;
        m["math"] = MathModule;
        m["functools"] = Functools;
        m["itertools"] = Itertools;
        m["typing"] = i => Lenient(i, "typing");
        m["__future__"] = i => Lenient(i, "__future__");
        m["collections"] = Collections;
        m["warnings"] = Warnings;
        m["sys"] = Sys;
        m["os"] = Os;
        m["os.path"] = OsPath;
        m["argparse"] = Argparse;
        m["dataclasses"] = Dataclasses;
        m["copy"] = Copy;
        m["json"] = Json;
        m["string"] = StringModule;
        m["numpy"] = Numpy.Module;
        m["sklearn"] = ScikitLearn.Package;
        m["sklearn.model_selection"] = ScikitLearn.ModelSelection;
        m["numpy.random"] = Numpy.Random;
    }

    private static PyModule New(string name) => new(name, $"<{name}>");

    /// <summary>A standard module modelled in part: a name it lacks is an unknown value, not an error.</summary>
    private static PyModule Partial(string name) => new(name, $"<{name}>") { UnknownReason = $"this part of '{name}' is not modelled here" };

    private static void Add(PyModule m, Interpreter i, string name, Func<Interpreter, Args, object?> body) => m.Dict[name] = i.Fn($"{m.Name}.{name}", body);

    /// <summary>typing and __future__: every name exists and means nothing at run time.</summary>
    private static PyModule Lenient(Interpreter i, string name)
    {
        var m = New(name);
        var placeholder = new PyClass("TypingPlaceholder", [(PyClass)i.Builtins.Dict["object"]!]);
        foreach (var n in new[] { "Any", "List", "Dict", "Tuple", "Optional", "Union", "Callable", "Sequence", "Iterable", "Mapping", "Type", "Set",
                     "annotations", "print_function", "division", "absolute_import", "Literal", "TypeVar", "Iterator", "NamedTuple", "Final", "ClassVar" })
            m.Dict[n] = placeholder;
        Add(m, i, "cast", (_, a) => a.Positional[1]);
        Add(m, i, "overload", (_, a) => a.Positional[0]);
        return m;
    }

    private static PyModule MathModule(Interpreter i)
    {
        var m = Partial("math");
        m.Dict["pi"] = Math.PI;
        m.Dict["e"] = Math.E;
        m.Dict["inf"] = double.PositiveInfinity;
        m.Dict["nan"] = double.NaN;
        m.Dict["tau"] = 2 * Math.PI;
        void Unary(string name, Func<double, double> f) => Add(m, i, name, (ii, a) => f(ii.ToFloat(a.Positional[0])));
        Unary("sqrt", x => x < 0 ? throw i.ValueError("math domain error") : Math.Sqrt(x));
        Unary("exp", Math.Exp);
        Unary("sin", Math.Sin);
        Unary("cos", Math.Cos);
        Unary("tan", Math.Tan);
        Unary("atan", Math.Atan);
        Unary("tanh", Math.Tanh);
        Unary("fabs", Math.Abs);
        Unary("log2", Math.Log2);
        Unary("log10", Math.Log10);
        Unary("radians", x => x * Math.PI / 180);
        Unary("degrees", x => x * 180 / Math.PI);
        Add(m, i, "log", (ii, a) => a.Positional.Count > 1 ? Math.Log(ii.ToFloat(a.Positional[0])) / Math.Log(ii.ToFloat(a.Positional[1])) : Math.Log(ii.ToFloat(a.Positional[0])));
        Add(m, i, "pow", (ii, a) => Math.Pow(ii.ToFloat(a.Positional[0]), ii.ToFloat(a.Positional[1])));
        Add(m, i, "ceil", (ii, a) => IsInt(a.Positional[0]) ? ToBig(a.Positional[0]) : new BigInteger(Math.Ceiling(ii.ToFloat(a.Positional[0]))));
        Add(m, i, "floor", (ii, a) => IsInt(a.Positional[0]) ? ToBig(a.Positional[0]) : new BigInteger(Math.Floor(ii.ToFloat(a.Positional[0]))));
        Add(m, i, "trunc", (ii, a) => ii.ToInt(a.Positional[0]));
        Add(m, i, "isclose", (ii, a) => Math.Abs(ii.ToFloat(a.Positional[0]) - ii.ToFloat(a.Positional[1])) <= Math.Max(1e-9 * Math.Max(Math.Abs(ii.ToFloat(a.Positional[0])), Math.Abs(ii.ToFloat(a.Positional[1]))), ii.ToFloat(a.Kw("abs_tol") ?? 0.0)));
        Add(m, i, "isnan", (ii, a) => double.IsNaN(ii.ToFloat(a.Positional[0])));
        Add(m, i, "isinf", (ii, a) => double.IsInfinity(ii.ToFloat(a.Positional[0])));
        Add(m, i, "gcd", (ii, a) => a.Positional.Select(ToBig).Aggregate(BigInteger.Zero, BigInteger.GreatestCommonDivisor));
        Add(m, i, "prod", (ii, a) => ii.Iterate(a.Positional[0]).Aggregate(a.Kw("start") ?? (object?)BigInteger.One, (acc, x) => ii.Binary("*", acc, x)));
        Add(m, i, "factorial", (ii, a) =>
        {
            var n = ToBig(a.Positional[0]);
            if (n < 0) throw ii.ValueError("factorial() not defined for negative values");
            if (n > 500) throw new LimitExceeded("factorial of more than 500 is refused");
            var r = BigInteger.One;
            for (var k = 2; k <= (int)n; k++) r *= k;
            return ii.CheckInt(r);
        });
        Add(m, i, "comb", (ii, a) =>
        {
            var n = ToBig(a.Positional[0]);
            var k = ToBig(a.Positional[1]);
            if (k < 0 || k > n) return BigInteger.Zero;
            var r = BigInteger.One;
            for (var j = BigInteger.Zero; j < BigInteger.Min(k, n - k); j++) { r = r * (n - j) / (j + 1); ii.CheckInt(r); }
            return r;
        });
        return m;
    }

    private static PyModule Functools(Interpreter i)
    {
        var m = Partial("functools");
        Add(m, i, "partial", (_, a) =>
        {
            var f = a.Positional[0];
            var bound = a.Positional.Skip(1).ToList();
            var keywords = a.Keywords.ToList();
            return new PyBuiltin("functools.partial", (ii, b) =>
            {
                var kws = keywords.Where(k => !b.HasKw(k.Key)).Concat(b.Keywords).ToList();
                return ii.Call(f, new Args([.. bound, .. b.Positional], kws));
            });
        });
        Add(m, i, "reduce", (ii, a) =>
        {
            var items = ii.Iterate(a.Positional[1]).ToList();
            object? acc;
            int start;
            if (a.Positional.Count > 2) { acc = a.Positional[2]; start = 0; }
            else if (items.Count > 0) { acc = items[0]; start = 1; }
            else throw ii.TypeError("reduce() of empty iterable with no initial value");
            foreach (var x in items.Skip(start)) acc = ii.Call(a.Positional[0], new Args([acc, x], []));
            return acc;
        });
        Add(m, i, "wraps", (ii, a) => ii.Fn("functools.wraps.decorator", (_, b) => b.Positional[0]));
        Add(m, i, "lru_cache", (ii, a) => a.Positional.Count == 1 && a.Positional[0] is PyFunction f ? f : (object)ii.Fn("functools.lru_cache.decorator", (_, b) => b.Positional[0]));
        m.Dict["cache"] = m.Dict["lru_cache"];
        return m;
    }

    private static PyModule Itertools(Interpreter i)
    {
        var m = Partial("itertools");
        Add(m, i, "chain", (ii, a) => new PyIterator(a.Positional.SelectMany(ii.Iterate).ToList().GetEnumerator()));
        Add(m, i, "product", (ii, a) =>
        {
            var repeat = (int)ToBig(a.Kw("repeat") ?? BigInteger.One);
            var pools = Enumerable.Repeat(a.Positional.Select(ii.ToList), repeat).SelectMany(p => p).ToList();
            IEnumerable<object?[]> result = [[]];
            foreach (var pool in pools) result = result.SelectMany(prefix => pool.Select(x => (object?[])[.. prefix, x])).ToList();
            var list = result.Select(r => (object?)new PyTuple(r)).ToList();
            ii.CheckLength(list.Count);
            return new PyIterator(list.GetEnumerator());
        });
        Add(m, i, "repeat", (ii, a) =>
        {
            var times = (int)ToBig(a.Get(1, "times") ?? throw ii.TypeError("itertools.repeat without a count is not supported"));
            ii.CheckLength(times);
            return new PyIterator(Enumerable.Repeat(a.Positional[0], times).ToList().GetEnumerator());
        });
        return m;
    }

    private static PyModule Collections(Interpreter i)
    {
        var m = Partial("collections");
        m.Dict["OrderedDict"] = i.Builtins.Dict["dict"];
        m.Dict["namedtuple"] = i.Fn("collections.namedtuple", NamedTuple);
        return m;
    }

    private static PyModule Warnings(Interpreter i)
    {
        var m = Partial("warnings");
        Add(m, i, "warn", (ii, a) => null);
        Add(m, i, "filterwarnings", (ii, a) => null);
        Add(m, i, "simplefilter", (ii, a) => null);
        var context = new PyClass("catch_warnings", [(PyClass)i.Builtins.Dict["object"]!]);
        context.Dict["__enter__"] = new PyBuiltin("catch_warnings.__enter__", (_, _) => null, isMethod: true);
        context.Dict["__exit__"] = new PyBuiltin("catch_warnings.__exit__", (_, _) => false, isMethod: true);
        m.Dict["catch_warnings"] = context;
        return m;
    }

    private static PyModule Sys(Interpreter i)
    {
        var m = Partial("sys");
        m.Dict["path"] = new PyList();
        m.Dict["argv"] = new PyList(["script.py"]);
        m.Dict["version"] = "3.11.0 (ParamLens interpreter)";
        m.Dict["version_info"] = new PyTuple([new BigInteger(3), new BigInteger(11), BigInteger.Zero]);
        m.Dict["platform"] = "linux";
        m.Dict["maxsize"] = new BigInteger(long.MaxValue);
        m.Dict["modules"] = new PyDict();
        Add(m, i, "exit", (ii, a) => throw new PyException(ii.NewException((PyClass)ii.Builtins.Dict["SystemExit"]!, [.. a.Positional])));
        Add(m, i, "setrecursionlimit", (_, _) => null);
        Add(m, i, "getrecursionlimit", (ii, _) => new BigInteger(ii.Limits.MaxCallDepth));
        return m;
    }

    private static PyModule Os(Interpreter i)
    {
        var m = Partial("os");
        m.Dict["path"] = OsPath(i);
        m.Dict["environ"] = new PyDict();
        m.Dict["sep"] = "/";
        m.Dict["name"] = "posix";
        Add(m, i, "getenv", (_, a) => a.Positional.ElementAtOrDefault(1));
        foreach (var name in new[] { "system", "popen", "fork", "kill", "execv", "execve", "execl", "spawnl", "startfile", "putenv" })
            Add(m, i, name, (_, _) => throw new SandboxRefusal($"os.{name}() is not available: interpreted code cannot reach processes"));
        // The file system is never looked at or changed: listings and file facts are unknown, changes do nothing.
        foreach (var name in new[] { "remove", "unlink", "rmdir", "removedirs", "mkdir", "makedirs", "listdir", "scandir", "walk",
                     "rename", "replace", "chdir", "getcwd", "open", "chmod", "stat", "cpu_count", "getpid" })
            m.Dict[name] = new PyBuiltin($"os.{name}", (ii, _) => ii.NewUnknown($"os.{name}(...)", "the file system is not looked at here")) { AcceptsUnknown = true };
        return m;
    }

    private static PyModule OsPath(Interpreter i)
    {
        var m = Partial("os.path");
        static string S(object? v) => v as string ?? throw new InvalidCastException();
        Add(m, i, "join", (ii, a) =>
        {
            var result = "";
            foreach (var p in a.Positional.Select(S))
                result = p.StartsWith('/') || result.Length == 0 ? p : result.EndsWith('/') ? result + p : result + "/" + p;
            return result;
        });
        Add(m, i, "basename", (_, a) => S(a.Positional[0])[(S(a.Positional[0]).LastIndexOf('/') + 1)..]);
        Add(m, i, "dirname", (_, a) => { var s = S(a.Positional[0]); var k = s.LastIndexOf('/'); return k < 0 ? "" : k == 0 ? "/" : s[..k].TrimEnd('/') is { Length: > 0 } d ? d : "/"; });
        Add(m, i, "split", (_, a) => { var s = S(a.Positional[0]); var k = s.LastIndexOf('/'); return new PyTuple([k < 0 ? "" : k == 0 ? "/" : s[..k], s[(k + 1)..]]); });
        Add(m, i, "splitext", (_, a) =>
        {
            var s = S(a.Positional[0]);
            var slash = s.LastIndexOf('/');
            var dot = s.LastIndexOf('.');
            return dot > slash + 1 && s[(slash + 1)..dot].Trim('.').Length > 0 ? new PyTuple([s[..dot], s[dot..]]) : new PyTuple([s, ""]);
        });
        Add(m, i, "normpath", (_, a) => NormPath(S(a.Positional[0])));
        Add(m, i, "isabs", (_, a) => S(a.Positional[0]).StartsWith('/'));
        foreach (var name in new[] { "exists", "isfile", "isdir", "getsize", "abspath", "realpath", "expanduser", "getmtime", "listdir" })
            m.Dict[name] = new PyBuiltin($"os.path.{name}", (ii, _) => ii.NewUnknown($"os.path.{name}(...)", "the file system is not looked at here")) { AcceptsUnknown = true };
        return m;
    }

    private static string NormPath(string path)
    {
        var absolute = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var p in path.Split('/'))
        {
            if (p is "" or ".") continue;
            if (p == ".." && parts.Count > 0 && parts[^1] != "..") parts.RemoveAt(parts.Count - 1);
            else if (p != ".." || !absolute) parts.Add(p);
        }
        var joined = string.Join('/', parts);
        return absolute ? "/" + joined : joined.Length == 0 ? "." : joined;
    }
}
