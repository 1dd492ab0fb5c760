using System.Numerics;
using System.Text.Json.Nodes;
using ParamLens.Graph;
using ParamLens.Layers;
using static ParamLens.Python.Operators;

namespace ParamLens.Python.Keras;

public sealed partial class KerasRuntime
{
    private readonly Dictionary<string, int> _opLambdaNames = [];

    /// <summary>The registry's operations by their <c>keras.activations</c> names.</summary>
    private static readonly Dictionary<string, OperationEntry> ActivationEntries = OperationRegistry.All
        .SelectMany(e => e.Activations.Select(name => (Name: name, Entry: e))).ToDictionary(p => p.Name, p => p.Entry);

    private object? Activate(string activation, object? x)
    {
        if (activation == "linear") return x;
        var op = ActivationEntries.GetValueOrDefault(activation)?.AsActivation() ?? new TensorOperation(null, null, OpRule.Broadcast);
        return RecordOp(op, $"keras.activations.{activation}", [x]);
    }

    /// <summary>
    /// Records a tensor operation as the emulated Keras records it: Keras 3 an operation named by the global name counters
    /// that layers use (<c>true_divide</c>, <c>add_1</c>); tf.keras 2.4+ an op layer named after the TensorFlow function
    /// (<c>tf.math.truediv</c>, <c>tf.math.truediv_1</c>); standalone Keras 2.0–2.3 had no such layers, so it is an error.
    /// <paramref name="operands"/> are the call's arguments in order: tensors become inputs, constants their shapes.
    /// </summary>
    private object? RecordOp(TensorOperation op, string written, IReadOnlyList<object?> operands, JsonObject? arguments = null)
    {
        if (Version.IsStandalone && _traceDepth == 0)
            throw _py.Raise("TypeError", $"{written} on a Keras tensor: in Keras {Version.Text} this gives a backend tensor, not the output " +
                "of a Keras layer, and a Model built on it fails with \"Output tensors to a Model must be the output of a Keras `Layer` " +
                "(thus holding past layer metadata)\". Wrap the operation in a layer, or emulate a later Keras with --keras-version");
        string className, name;
        if (_traceDepth > 0)
        {
            // Inside a layer's call the operation runs on backend tensors: any spelling works and no name is taken.
            className = op.Keras3Class ?? op.TfSymbol ?? written;
            name = written;
        }
        else if (Version.IsKeras3)
        {
            className = op.Keras3Class ?? throw (op.TfSymbol is null ? Unsupported(written) : TfFunctionOnKerasTensor(written));
            name = Keras3AutoName(className);
        }
        else
        {
            var symbol = op.TfSymbol ?? throw Unsupported(written);
            className = op.Rule == OpRule.GetItem ? "SlicingOpLambda" : "TFOpLambda";
            name = OpLambdaName("tf." + symbol);
        }
        var config = arguments ?? new JsonObject();
        config["name"] = name;
        config["function"] = Version.IsKeras3 || op.TfSymbol is null ? written : "tf." + op.TfSymbol;
        var tensors = operands.OfType<PyInstance>().Where(o => o.Native is KerasTensor).Select(o => (KerasTensor)o.Native!).ToArray();
        if (tensors.Length == 0) throw _py.TypeError($"{written} expects a Keras tensor among its arguments");
        if (op.Rule is OpRule.Broadcast or OpRule.Matmul && tensors.Length < operands.Count)
            config["operand_shapes"] = new JsonArray(operands.Select(o => o is PyInstance { Native: KerasTensor } ? null : ShapeJson(ConstantShape(o, written))).ToArray());
        var declaration = TensorOps.Declaration(className, op.Rule, Version.IsKeras3);
        var layer = new Layer(declaration, declaration.Configure(config, Version), name);
        return TensorResult(layer.Call(tensors));
    }

    private PyException Unsupported(string written) =>
        _py.Raise("NotImplementedError", $"{written} on a Keras tensor outside a layer's call() is not supported for Keras {Version.Text}");

    private PyException TfFunctionOnKerasTensor(string written) =>
        _py.TypeError($"{written}: a Keras tensor cannot be passed to a TensorFlow function in Keras 3 (Keras raises \"A KerasTensor cannot be " +
            "used as input to a TensorFlow function\"). Use the keras.ops function of that name, or emulate tf.keras with --keras-version 2.15");

    /// <summary>Keras 3 names an operation like a layer of its class, from the same global counters (<c>naming.auto_name</c>),
    /// so <c>x + y</c> after an <c>Add</c> layer is <c>add_1</c>. The session holds those counters.</summary>
    private string Keras3AutoName(string className)
    {
        var placeholders = new JsonObject();
        foreach (var key in LayerCatalog.Find(className)?.Keys.Where(k => k.Required) ?? []) placeholders[key.Name] = null;
        return Session.Layer(className, placeholders).Name;
    }

    /// <summary>tf.keras <c>unique_object_name(zero_based=True)</c> for op layers: <c>tf.math.multiply</c>, then <c>_1</c>, <c>_2</c>….</summary>
    private string OpLambdaName(string baseName)
    {
        var n = _opLambdaNames.GetValueOrDefault(baseName);
        _opLambdaNames[baseName] = n + 1;
        return n == 0 ? baseName : $"{baseName}_{n}";
    }

    private static JsonArray ShapeJson(IEnumerable<long?> dims) => new([.. dims.Select(d => d is null ? null : (JsonNode)JsonValue.Create(d.Value))]);

    /// <summary>The shape of a constant operand: a number is a scalar, a nested list has its nesting's shape, a numpy array its own.</summary>
    private long?[] ConstantShape(object? value, string written) => value switch
    {
        _ when IsNumber(value) => [],
        PyInstance { Native: ArrayShape a } => [.. a.Dims.Select(d => (long?)d)],
        PyInstance { Native: WeightSpec w } => [.. w.Shape],
        // Keras 3 reads an operand's shape as getattr(x, "shape", []): a Python list has none, so it counts as a scalar.
        PyList or PyTuple when Version.IsKeras3 => [],
        PyList or PyTuple => _py.ToList(value) is { Count: > 0 } items
            ? [items.Count, .. ConstantShape(items[0], written)]
            : [0],
        _ => throw _py.TypeError($"{written}: an operand of type {_py.TypeName(value)} is not supported (numbers, lists, numpy arrays and Keras tensors are)"),
    };

    /// <summary>A Python index (<c>x[:, -1]</c>, <c>x[..., :3]</c>, <c>x[:, None]</c>) as the key list of the GetItem rule.</summary>
    private JsonArray IndexKey(object? index)
    {
        var items = index is PyTuple t ? t.Items.ToList() : [index];
        // Beyond 64 bits a bound or step says the same as the largest one: every axis is shorter.
        JsonNode? Bound(object? b) => b is null ? null : IsInt(b) ? JsonValue.Create((long)BigInteger.Clamp(ToBig(b), -long.MaxValue, long.MaxValue))
            : throw _py.TypeError($"slice bounds must be integers or None here, not {_py.TypeName(b)}");
        return new JsonArray([.. items.Select(item => item switch
        {
            null => (JsonNode?)null,
            Ellipsis => JsonValue.Create("..."),
            PySlice s => new JsonObject { ["slice"] = new JsonArray(Bound(s.Start), Bound(s.Stop), Bound(s.Step)) },
            _ when IsInt(item) => new JsonObject { ["index"] = (long)BigInteger.Clamp(ToBig(item), long.MinValue, long.MaxValue) },
            PyInstance { Native: KerasTensor } => throw _py.Raise("NotImplementedError", "indexing a Keras tensor with another tensor is not supported"),
            _ => throw _py.TypeError($"a Keras tensor index must be an integer, a slice, ... or None, not {_py.TypeName(item)}"),
        })]);
    }

    /// <summary>An <c>axis</c> argument as config JSON (None, an int, or a list of ints).</summary>
    private JsonNode? AxisJson(object? axis) => axis switch
    {
        null => null,
        PyList or PyTuple => new JsonArray([.. _py.ToList(axis).Select(a => (JsonNode)JsonValue.Create((long)ToBig(a)))]),
        _ => JsonValue.Create((long)ToBig(axis)),
    };

    /// <summary>The Python operators of Keras tensors. Keras 3: <c>keras_tensor.py</c> sends each to its <c>keras.ops</c>
    /// class; tf.keras: the TensorFlow function the <c>tf.Tensor</c> operator dispatches.</summary>
    private void DefineTensorOperators(Dictionary<string, object?> t)
    {
        foreach (var entry in OperationRegistry.All)
        {
            if (entry.Operator is not { Dunder: var dunder }) continue;
            var op = entry.AsOperator();
            var symbol = dunder switch
            {
                "add" => "+", "sub" => "-", "mul" => "*", "truediv" => "/", "floordiv" => "//", "mod" => "%", "pow" => "**", "matmul" => "@",
                "lt" => "<", "le" => "<=", "gt" => ">", "ge" => ">=", "ne" => "!=", _ => dunder,
            };
            switch (dunder)
            {
                case "neg":
                    t["__neg__"] = Method("KerasTensor.__neg__", (p, _) => RecordOp(op, "-x", [p]));
                    break;
                case "abs":
                    t["__abs__"] = Method("KerasTensor.__abs__", (p, _) => RecordOp(op, "abs(x)", [p]));
                    break;
                case "getitem":
                    t["__getitem__"] = Method("KerasTensor.__getitem__", (p, a) =>
                        RecordOp(op, "x[...]", [p], new JsonObject { ["key"] = IndexKey(a.Positional[0]) }));
                    break;
                default:
                    t[$"__{dunder}__"] = Method($"KerasTensor.__{dunder}__", (p, a) => RecordOp(op, $"x {symbol} y", [p, a.Positional[0]]));
                    // Comparisons have no reflected form: Python swaps them (y < x for x > y) instead.
                    if (dunder is not ("lt" or "le" or "gt" or "ge" or "ne"))
                        t[$"__r{dunder}__"] = Method($"KerasTensor.__r{dunder}__", (p, a) => RecordOp(op, $"y {symbol} x", [a.Positional[0], p]));
                    break;
            }
        }
        t["__bool__"] = Method("KerasTensor.__bool__", (_, _) => throw _py.TypeError("A symbolic KerasTensor cannot be used as a boolean."));
        t["__iter__"] = Method("KerasTensor.__iter__", (_, _) => throw _py.Raise("NotImplementedError", "Iterating over a symbolic KerasTensor is not supported."));
    }

    /// <summary>The tensor functions of one module (<c>keras.ops</c>, or <c>tf</c> / <c>tf.math</c> / <c>tf.nn</c>), each
    /// recorded as an operation. <paramref name="tensorflow"/>: the TensorFlow names and spelling (<c>reduce_mean</c>,
    /// <c>input_tensor</c>…).</summary>
    private void DefineTensorFunctions(PyModule m, bool tensorflow)
    {
        foreach (var entry in OperationRegistry.All)
            foreach (var name in tensorflow ? entry.Tf : entry.KerasOps)
                Fn(m, name, TensorFunction(entry, entry.AsFunction(tensorflow), (tensorflow ? "tf." : "keras.ops.") + name, tensorflow));
        Fn(m, "shape", a => ShapeTuple(AsTensor(a.Get(0, "x"), "shape").Shape));
    }

    /// <summary>One tensor function: its arguments, as the TensorFlow or keras.ops signature names them, in the rule's config.</summary>
    private Func<Args, object?> TensorFunction(OperationEntry entry, TensorOperation op, string written, bool tensorflow) => (entry.Arguments, entry.Rule) switch
    {
        (OpArguments.OneTensor, _) => a => RecordOp(op, written, [a.Get(0, "x")]),
        (OpArguments.TwoOperands, OpRule.Matmul) => a => RecordOp(op, written, [a.Get(0, tensorflow ? "a" : "x1"), a.Get(1, tensorflow ? "b" : "x2")],
            tensorflow ? new JsonObject { ["transpose_a"] = _py.Truthy(a.Get(2, "transpose_a", false)), ["transpose_b"] = _py.Truthy(a.Get(3, "transpose_b", false)) } : null),
        (OpArguments.TwoOperands, _) => a => RecordOp(op, written, [a.Get(0, "x1") ?? a.Get(0, "x"), a.Get(1, "x2") ?? a.Get(1, "y")]),
        (OpArguments.Reduction, _) => a => RecordOp(op, written, [a.Get(0, tensorflow ? "input_tensor" : "x")],
            new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis")), ["keepdims"] = _py.Truthy(a.Get(2, "keepdims", false)) }),
        (_, OpRule.ExpandDims) => a => RecordOp(op, written, [a.Get(0, tensorflow ? "input" : "x")],
            new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis") ?? throw _py.TypeError("expand_dims() needs axis")) }),
        (_, OpRule.Squeeze) => a => RecordOp(op, written, [a.Get(0, tensorflow ? "input" : "x")], new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis")) }),
        (_, OpRule.Transpose) => a => RecordOp(op, written, [a.Get(0, tensorflow ? "a" : "x")],
            new JsonObject { ["perm"] = AxisJson(a.Get(1, tensorflow ? "perm" : "axes")) }),
        (_, OpRule.Stack) => a => RecordOp(op, written, _py.ToList(a.Get(0, tensorflow ? "values" : "x")),
            new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis", BigInteger.Zero)) }),
        (_, OpRule.Split) => a =>
        {
            var how = a.Get(1, tensorflow ? "num_or_size_splits" : "indices_or_sections") ?? throw _py.TypeError("split() needs the number or the sizes of the pieces");
            var config = new JsonObject { ["axis"] = AxisJson(a.Get(2, "axis", BigInteger.Zero)) };
            if (IsInt(how))
                config["sections"] = ToBig(how) is var n && n > long.MaxValue
                    ? throw _py.Raise("ValueError", $"split() into {n} sections: more than the {TensorOps.MaxSections} read here")
                    : (long)BigInteger.Max(n, long.MinValue);
            else config[tensorflow ? "sizes" : "indices"] = AxisJson(how);
            return RecordOp(op, written, [a.Get(0, tensorflow ? "value" : "x")], config);
        },
        (_, OpRule.Concat) => a =>
        {
            var axis = tensorflow ? a.Get(1, "axis") ?? throw _py.TypeError("tf.concat() needs axis") : a.Get(1, "axis", BigInteger.Zero);
            return RecordOp(op, written, _py.ToList(a.Get(0, tensorflow ? "values" : "xs")), new JsonObject { ["axis"] = AxisJson(axis) });
        },
        (_, OpRule.Reshape) => a => RecordOp(op, written, [a.Get(0, tensorflow ? "tensor" : "x")],
            new JsonObject { ["newshape"] = ShapeJson(Dims(a.Get(1, tensorflow ? "shape" : "newshape") ?? throw _py.TypeError("reshape() needs the new shape"), "reshape")) }),
        _ => throw new InvalidOperationException($"the operation '{entry.Name}' has no function form"),
    };

    /// <summary>tf.keras <c>keras.backend</c> tensor functions: each calls the TensorFlow function that tf.keras records
    /// (<c>K.mean</c> is <c>tf.math.reduce_mean</c>); Keras 3's backend module has none of them.</summary>
    private void DefineBackendFunctions(PyModule m)
    {
        if (Version.IsKeras3) return;
        // Custom layers of the Keras 2 era compute with K.dot inside call(); outside a call tf.keras records several op layers.
        var matmul = OperationRegistry.ByName["matmul"].AsBackendFunction();
        Fn(m, "dot", a => _traceDepth > 0
            ? RecordOp(matmul, "K.dot", [a.Get(0, "x"), a.Get(1, "y")])
            : throw _py.Raise("NotImplementedError", "K.dot on Keras tensors outside a layer's call() is not supported; use a Dot or Dense layer"));
        foreach (var entry in OperationRegistry.All)
            foreach (var name in entry.Backend)
                Fn(m, name, BackendFunction(entry, entry.AsBackendFunction(), "K." + name));
    }

    /// <summary>One <c>keras.backend</c> function with tf-keras' signature and defaults (<c>K.expand_dims</c> and
    /// <c>K.concatenate</c> default to the last axis).</summary>
    private Func<Args, object?> BackendFunction(OperationEntry entry, TensorOperation op, string written) => (entry.Arguments, entry.Rule) switch
    {
        (OpArguments.OneTensor, _) => a => RecordOp(op, written, [a.Get(0, "x")]),
        (OpArguments.TwoOperands, _) => a => RecordOp(op, written, [a.Get(0, "x"), a.Get(1, entry.SecondOperand)]),
        (OpArguments.Reduction, _) => a => RecordOp(op, written, [a.Get(0, "x")],
            new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis")), ["keepdims"] = _py.Truthy(a.Get(2, "keepdims", false)) }),
        (_, OpRule.ExpandDims) => a => RecordOp(op, written, [a.Get(0, "x")], new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis", new BigInteger(-1))) }),
        (_, OpRule.Squeeze) => a => RecordOp(op, written, [a.Get(0, "x")],
            new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis") ?? throw _py.TypeError("K.squeeze() needs axis")) }),
        (_, OpRule.Transpose) => a => RecordOp(op, written, [a.Get(0, "x")], new JsonObject { ["perm"] = AxisJson(a.Get(1, "pattern")) }),
        (_, OpRule.Concat) => a => RecordOp(op, written, _py.ToList(a.Get(0, "tensors")), new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis", new BigInteger(-1))) }),
        (_, OpRule.Reshape) => a => RecordOp(op, written, [a.Get(0, "x")], new JsonObject { ["newshape"] = ShapeJson(Dims(a.Get(1, "shape"), "reshape")) }),
        (_, OpRule.Stack) => a => RecordOp(op, written, _py.ToList(a.Get(0, "x")), new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis", BigInteger.Zero)) }),
        _ => throw new InvalidOperationException($"the operation '{entry.Name}' has no keras.backend form"),
    };

    /// <summary>tf.keras hands <c>build</c> a <c>TensorShape</c>: indexable (an int or None), iterable, <c>as_list()</c>, <c>rank</c>.</summary>
    private void DefineTensorShapeClass()
    {
        var d = TensorShapeClass.Dict;
        Shapes.Shape Of(PyInstance p) => (Shapes.Shape)p.Native!;
        d["__getitem__"] = Method("TensorShape.__getitem__", (p, a) => a.Positional[0] is PySlice
            ? new PyInstance(TensorShapeClass) { Native = new Shapes.Shape(_py.ToList(_py.GetItem(ShapeTuple(Of(p)), a.Positional[0])).Select(v => v is null ? (long?)null : (long)ToBig(v))) }
            : _py.GetItem(ShapeTuple(Of(p)), a.Positional[0]));
        d["__len__"] = Method("TensorShape.__len__", (p, _) => new BigInteger(Of(p).Rank));
        d["__eq__"] = Method("TensorShape.__eq__", (p, a) => _py.Equal(ShapeTuple(Of(p)), a.Positional[0] is PyInstance { Native: Shapes.Shape o } ? ShapeTuple(o) : a.Positional[0]));
        d["__repr__"] = Method("TensorShape.__repr__", (p, _) => $"TensorShape([{string.Join(", ", Of(p).Select(Shapes.Shape.DimText))}])");
        d["as_list"] = Method("TensorShape.as_list", (p, _) => new PyList([.. ShapeTuple(Of(p)).Items]));
        d["rank"] = Property("rank", p => new BigInteger(Of(p).Rank));
        d["ndims"] = d["rank"];
    }
}
