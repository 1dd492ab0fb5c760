using System.Numerics;
using static ParamLens.Python.Operators;

namespace ParamLens.Python;

/// <summary>The state of a shape-only numpy array: its shape and dtype, never its values.</summary>
public sealed record ArrayShape(long[] Dims, string DType);

/// <summary>A shape-only subset of numpy: arrays know their shape and dtype (enough for <c>x.shape[1:]</c> and
/// <c>np.prod(shape)</c>); reductions work on plain Python numbers and lists.</summary>
public static class Numpy
{
    private static readonly string[] DTypes = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "bool_", "complex64"];

    public static PyModule Module(Interpreter i)
    {
        var m = new PyModule("numpy", "<numpy>") { UnknownReason = "this numpy function is not modelled here" };
        var ndarray = new PyClass("ndarray", [(PyClass)i.Builtins.Dict["object"]!], "numpy");
        m.Dict["ndarray"] = ndarray;
        PyInstance Array(IEnumerable<long> dims, string dtype)
        {
            var d = dims.ToArray();
            if (d.Any(x => x < 0)) throw i.ValueError("negative dimensions are not allowed");
            return new PyInstance(ndarray) { Native = new ArrayShape(d, dtype) };
        }
        ArrayShape ShapeOf(PyInstance a) => (ArrayShape)a.Native!;
        ndarray.Dict["shape"] = new PyProperty(i.Fn("ndarray.shape", (ii, a) => new PyTuple([.. ShapeOf((PyInstance)a.Positional[0]!).Dims.Select(d => (object?)new BigInteger(d))])));
        ndarray.Dict["ndim"] = new PyProperty(i.Fn("ndarray.ndim", (ii, a) => new BigInteger(ShapeOf((PyInstance)a.Positional[0]!).Dims.Length)));
        ndarray.Dict["size"] = new PyProperty(i.Fn("ndarray.size", (ii, a) => ShapeOf((PyInstance)a.Positional[0]!).Dims.Aggregate(BigInteger.One, (x, y) => x * y)));
        ndarray.Dict["dtype"] = new PyProperty(i.Fn("ndarray.dtype", (ii, a) => ShapeOf((PyInstance)a.Positional[0]!).DType));
        ndarray.Dict["__len__"] = new PyBuiltin("ndarray.__len__", (ii, a) => ShapeOf((PyInstance)a.Positional[0]!).Dims is { Length: > 0 } d ? new BigInteger(d[0]) : throw ii.TypeError("len() of unsized object"), isMethod: true);
        ndarray.Dict["__repr__"] = new PyBuiltin("ndarray.__repr__", (ii, a) => $"<array of shape {ii.Repr(ii.GetAttr(a.Positional[0], "shape"))}, dtype {ShapeOf((PyInstance)a.Positional[0]!).DType}; values are not computed>", isMethod: true);
        ndarray.Dict["astype"] = new PyBuiltin("ndarray.astype", (ii, a) => Array(ShapeOf((PyInstance)a.Positional[0]!).Dims, DTypeName(a.Positional[1])), isMethod: true);
        ndarray.Dict["reshape"] = new PyBuiltin("ndarray.reshape", (ii, a) =>
        {
            var self = ShapeOf((PyInstance)a.Positional[0]!);
            var wanted = (a.Positional.Count == 2 && a.Positional[1] is PyTuple or PyList ? ii.ToList(a.Positional[1]) : a.Positional.Skip(1).ToList()).Select(v => (long)ToBig(v)).ToArray();
            var total = self.Dims.Aggregate(1L, (x, y) => x * y);
            var known = wanted.Where(w => w != -1).Aggregate(1L, (x, y) => x * y);
            var dims = wanted.Select(w => w == -1 ? (known == 0 ? 0 : total / known) : w).ToArray();
            if (dims.Aggregate(1L, (x, y) => x * y) != total) throw ii.ValueError($"cannot reshape array of size {total} into shape ({string.Join(", ", wanted)})");
            return Array(dims, self.DType);
        }, isMethod: true);

        // Element-wise arithmetic keeps the (broadcast) shape; the values stay unknown.
        foreach (var op in new[] { "add", "sub", "mul", "truediv", "floordiv", "mod", "pow" })
            foreach (var name in new[] { $"__{op}__", $"__r{op}__" })
                ndarray.Dict[name] = new PyBuiltin($"ndarray.{name}", (ii, a) =>
                {
                    var self = ShapeOf((PyInstance)a.Positional[0]!);
                    var other = a.Positional[1] is PyInstance { Native: ArrayShape o } ? o : null;
                    if (other is null && !IsNumber(a.Positional[1])) return NotImplementedType.Instance;
                    var dtype = op == "truediv" || self.DType.StartsWith("float", StringComparison.Ordinal) || a.Positional[1] is double ? (self.DType.StartsWith("float", StringComparison.Ordinal) ? self.DType : "float64") : self.DType;
                    return Array(other is null ? self.Dims : Broadcast(ii, self.Dims, other.Dims), dtype);
                }, isMethod: true);
        ndarray.Dict["__getitem__"] = new PyBuiltin("ndarray.__getitem__", (ii, a) =>
        {
            var self = ShapeOf((PyInstance)a.Positional[0]!);
            if (self.Dims.Length == 0) throw ii.Raise("IndexError", "too many indices for array");
            return a.Positional[1] switch
            {
                PySlice slice => Array([ii.SliceIndices(slice, (int)Math.Min(self.Dims[0], int.MaxValue)).Count, .. self.Dims[1..]], self.DType),
                var index when IsInt(index) => ToBig(index) < -self.Dims[0] || ToBig(index) >= self.Dims[0]
                    ? throw ii.Raise("IndexError", $"index {index} is out of bounds for axis 0 with size {self.Dims[0]}")
                    : self.Dims.Length == 1 ? ii.NewUnknown("an array element", "array values are not computed here") : Array(self.Dims[1..], self.DType),
                _ => throw ii.Raise("NotImplementedError", "this numpy subset indexes arrays by one integer or slice only"),
            };
        }, isMethod: true);
        m.Dict["expand_dims"] = i.Fn("numpy.expand_dims", (ii, a) =>
        {
            var s = ShapeOf((PyInstance)a.Positional[0]!);
            var axis = (int)ToBig(a.Get(1, "axis"));
            if (axis < 0) axis += s.Dims.Length + 1;
            return Array([.. s.Dims[..axis], 1, .. s.Dims[axis..]], s.DType);
        });

        long[] Dims(Interpreter ii, object? shape) => shape is PyTuple or PyList ? ii.ToList(shape).Select(v => (long)ToBig(v)).ToArray() : [(long)ToBig(shape)];
        string DTypeArg(Args a, int index) => a.Has(index, "dtype") ? DTypeName(a.Get(index, "dtype")) : "float64";
        void Maker(string name, int dtypeIndex) =>
            m.Dict[name] = i.Fn("numpy." + name, (ii, a) => Array(Dims(ii, a.Positional[0]), DTypeArg(a, dtypeIndex)));
        Maker("zeros", 1);
        Maker("ones", 1);
        Maker("empty", 1);
        m.Dict["full"] = i.Fn("numpy.full", (ii, a) => Array(Dims(ii, a.Positional[0]), DTypeArg(a, 2)));
        foreach (var like in new[] { "zeros_like", "ones_like", "empty_like" })
            m.Dict[like] = i.Fn("numpy." + like, (ii, a) => a.Positional[0] is PyInstance { Native: ArrayShape s } ? Array(s.Dims, s.DType) : Array(ShapeOfNested(ii, a.Positional[0]), "float64"));
        m.Dict["array"] = m.Dict["asarray"] = i.Fn("numpy.array", (ii, a) => a.Positional[0] is PyInstance { Native: ArrayShape s }
            ? Array(s.Dims, a.Has(1, "dtype") ? DTypeArg(a, 1) : s.DType)
            : Array(ShapeOfNested(ii, a.Positional[0]), a.Has(1, "dtype") ? DTypeArg(a, 1) : GuessDType(ii, a.Positional[0])));
        m.Dict["arange"] = i.Fn("numpy.arange", (ii, a) =>
        {
            var n = a.Positional.Select(ii.ToFloat).ToArray();
            var (start, stop, step) = n.Length switch { 1 => (0.0, n[0], 1.0), 2 => (n[0], n[1], 1.0), _ => (n[0], n[1], n[2]) };
            return Array([(long)Math.Max(0, Math.Ceiling((stop - start) / step))], a.Positional.All(IsInt) ? "int64" : "float64");
        });
        m.Dict["prod"] = i.Fn("numpy.prod", (ii, a) => Reduce(ii, a.Positional[0], "*", BigInteger.One));
        m.Dict["sum"] = i.Fn("numpy.sum", (ii, a) => Reduce(ii, a.Positional[0], "+", BigInteger.Zero));
        m.Dict["product"] = m.Dict["prod"];
        m.Dict["max"] = m.Dict["amax"] = i.Builtins.Dict["max"];
        m.Dict["min"] = m.Dict["amin"] = i.Builtins.Dict["min"];
        m.Dict["abs"] = i.Builtins.Dict["abs"];
        void Scalar(string name, Func<double, double> f) => m.Dict[name] = i.Fn("numpy." + name, (ii, a) => f(ii.ToFloat(a.Positional[0])));
        Scalar("sqrt", Math.Sqrt);
        Scalar("exp", Math.Exp);
        Scalar("log", Math.Log);
        Scalar("log2", Math.Log2);
        Scalar("log10", Math.Log10);
        Scalar("floor", Math.Floor);
        Scalar("ceil", Math.Ceiling);
        Scalar("tanh", Math.Tanh);
        m.Dict["maximum"] = i.Fn("numpy.maximum", (ii, a) => ii.CompareValues(a.Positional[0], a.Positional[1]) >= 0 ? a.Positional[0] : a.Positional[1]);
        m.Dict["minimum"] = i.Fn("numpy.minimum", (ii, a) => ii.CompareValues(a.Positional[0], a.Positional[1]) <= 0 ? a.Positional[0] : a.Positional[1]);
        m.Dict["pi"] = Math.PI;
        m.Dict["e"] = Math.E;
        m.Dict["inf"] = double.PositiveInfinity;
        m.Dict["nan"] = double.NaN;
        m.Dict["newaxis"] = null;
        foreach (var dtype in DTypes)
        {
            var name = dtype;
            m.Dict[name] = DTypeFunction(name);
        }
        m.Dict["float"] = i.Builtins.Dict["float"];
        m.Dict["int"] = i.Builtins.Dict["int"];
        m.Dict["dtype"] = i.Fn("numpy.dtype", (ii, a) => DTypeName(a.Positional[0]));
        m.Dict["random"] = Random(i);
        return m;
    }

    /// <summary>numpy.random: arrays of the requested shape; seeding does nothing.</summary>
    public static PyModule Random(Interpreter i)
    {
        var m = new PyModule("numpy.random", "<numpy.random>") { UnknownReason = "values are not computed here" };
        m.Dict["seed"] = i.Fn("numpy.random.seed", (_, _) => null);
        object MakeArray(Interpreter ii, IEnumerable<long> dims) =>
            ii.Call(((PyModule)ii.Modules["numpy"]).Dict["zeros"], new Args([new PyTuple([.. dims.Select(d => (object?)new BigInteger(d))])], []))!;
        long[] Size(Interpreter ii, object? size) => size is null ? [] : size is PyTuple or PyList ? ii.ToList(size).Select(v => (long)ToBig(v)).ToArray() : [(long)ToBig(size)];
        m.Dict["rand"] = m.Dict["randn"] = i.Fn("numpy.random.rand", (ii, a) => MakeArray(ii, a.Positional.Select(v => (long)ToBig(v))));
        foreach (var name in new[] { "random", "normal", "uniform", "randint", "standard_normal" })
            m.Dict[name] = i.Fn("numpy.random." + name, (ii, a) =>
            {
                var size = a.HasKw("size") ? a.Kw("size") : name switch { "random" or "standard_normal" => a.Positional.ElementAtOrDefault(0), _ => a.Positional.ElementAtOrDefault(2) };
                return size is null ? 0.0 : MakeArray(ii, Size(ii, size));
            });
        return m;
    }

    /// <summary><c>np.float32</c> and friends: the dtype's name when used as a dtype, a conversion when called on a value.</summary>
    private static PyBuiltin DTypeFunction(string name) => new($"numpy.{name}", (ii, a) => a.Positional.Count == 0 ? name
        : name.StartsWith("float", StringComparison.Ordinal) ? ii.ToFloat(a.Positional[0]) : name == "bool_" ? ii.Truthy(a.Positional[0]) : ii.ToInt(a.Positional[0]));

    private static long[] Broadcast(Interpreter i, long[] a, long[] b)
    {
        var rank = Math.Max(a.Length, b.Length);
        var result = new long[rank];
        for (var k = 1; k <= rank; k++)
        {
            var x = k <= a.Length ? a[^k] : 1;
            var y = k <= b.Length ? b[^k] : 1;
            result[^k] = x == y || y == 1 ? x : x == 1 ? y : throw i.ValueError($"operands could not be broadcast together with shapes {string.Join("x", a)} and {string.Join("x", b)}");
        }
        return result;
    }

    /// <summary>A dtype given as a string, a numpy type or a Python type, as the dtype name.</summary>
    public static string DTypeName(object? value) => value switch
    {
        string s => s,
        PyBuiltin b when b.Name.StartsWith("numpy.", StringComparison.Ordinal) => b.Name["numpy.".Length..].TrimEnd('_'),
        PyClass { Name: "float" } => "float64",
        PyClass { Name: "int" } => "int64",
        PyClass { Name: "bool" } => "bool",
        _ => "float32",
    };

    private static long[] ShapeOfNested(Interpreter i, object? value)
    {
        var dims = new List<long>();
        var current = value;
        while (current is PyList or PyTuple)
        {
            var items = i.ToList(current);
            dims.Add(items.Count);
            if (items.Count == 0) break;
            current = items[0];
        }
        if (current is PyInstance { Native: ArrayShape inner }) dims.AddRange(inner.Dims);
        return [.. dims];
    }

    private static string GuessDType(Interpreter i, object? value)
    {
        var current = value;
        while (current is PyList or PyTuple) { var items = i.ToList(current); if (items.Count == 0) return "float64"; current = items[0]; }
        return current switch { bool => "bool", BigInteger => "int64", _ => "float64" };
    }

    private static object? Reduce(Interpreter i, object? values, string op, object start)
    {
        if (values is PyInstance { Native: ArrayShape }) throw i.ValueError("this numpy subset knows array shapes, not values: reduce the shape (np.prod(x.shape)) instead");
        if (IsNumber(values)) return values;
        return i.Iterate(values).Aggregate((object?)start, (acc, v) => i.Binary(op, acc, v));
    }
}
