using System.Numerics;
using System.Text.Json.Nodes;
using ParamLens.Graph;
using ParamLens.Layers;
using static ParamLens.Python.Operators;

namespace ParamLens.Python.Keras;

/// <summary>One tensor operation as each Keras flavour records it: the Keras 3 operation class (<c>keras.ops</c>) and the
/// TensorFlow function whose <c>TFOpLambda</c> tf.keras records; null where that flavour has no such function.</summary>
public sealed record TensorOperation(string? Keras3Class, string? TfSymbol, OpRule Rule);

public sealed partial class KerasRuntime
{
    private readonly Dictionary<string, int> _opLambdaNames = [];

    /// <summary>Python operators on Keras tensors. Keras 3: <c>keras_tensor.py</c> sends each to its <c>keras.ops</c>
    /// class; tf.keras: the TensorFlow function the <c>tf.Tensor</c> operator calls.</summary>
    private static readonly Dictionary<string, TensorOperation> OperatorOps = new()
    {
        ["add"] = new("Add", "__operators__.add", OpRule.Broadcast),
        ["sub"] = new("Subtract", "math.subtract", OpRule.Broadcast),
        ["mul"] = new("Multiply", "math.multiply", OpRule.Broadcast),
        ["truediv"] = new("TrueDivide", "math.truediv", OpRule.Broadcast),
        ["floordiv"] = new("FloorDivide", "math.floordiv", OpRule.Broadcast),
        ["mod"] = new("Mod", "math.floormod", OpRule.Broadcast),
        ["pow"] = new("Power", "math.pow", OpRule.Broadcast),
        ["matmul"] = new("Matmul", "linalg.matmul", OpRule.Matmul),
        ["lt"] = new("Less", "math.less", OpRule.Broadcast),
        ["le"] = new("LessEqual", "math.less_equal", OpRule.Broadcast),
        ["gt"] = new("Greater", "math.greater", OpRule.Broadcast),
        ["ge"] = new("GreaterEqual", "math.greater_equal", OpRule.Broadcast),
        ["ne"] = new("NotEqual", null, OpRule.Broadcast), // tf.keras: left unsupported rather than guessed
        ["neg"] = new("Negative", "math.negative", OpRule.Broadcast),
        ["abs"] = new("Absolute", "math.abs", OpRule.Broadcast),
        ["getitem"] = new("GetItem", "__operators__.getitem", OpRule.GetItem),
    };

    /// <summary>Element-wise functions of one tensor: Python name → (Keras 3 class, TensorFlow symbol).</summary>
    private static readonly (string Name, string Keras3Class, string TfSymbol)[] UnaryFunctions =
    [
        ("square", "Square", "math.square"), ("sqrt", "Sqrt", "math.sqrt"), ("rsqrt", "Rsqrt", "math.rsqrt"), ("exp", "Exp", "math.exp"),
        ("log", "Log", "math.log"), ("abs", "Absolute", "math.abs"), ("absolute", "Absolute", "math.abs"), ("negative", "Negative", "math.negative"),
        ("sigmoid", "Sigmoid", "math.sigmoid"), ("tanh", "Tanh", "math.tanh"), ("relu", "Relu", "nn.relu"), ("softmax", "Softmax", "nn.softmax"),
        ("sign", "Sign", "math.sign"), ("round", "Round", "math.round"), ("floor", "Floor", "math.floor"), ("ceil", "Ceil", "math.ceil"),
        ("sin", "Sin", "math.sin"), ("cos", "Cos", "math.cos"), ("erf", "Erf", "math.erf"), ("gelu", "Gelu", "nn.gelu"),
        ("silu", "Silu", "nn.silu"), ("softplus", "Softplus", "math.softplus"), ("log_softmax", "LogSoftmax", "nn.log_softmax"),
        ("l2_normalize", "L2Normalize", "math.l2_normalize"), ("cast", "Cast", "cast"), ("elu", "Elu", "nn.elu"), ("selu", "Selu", "nn.selu"),
        ("relu6", "Relu6", "nn.relu6"), ("leaky_relu", "LeakyRelu", "nn.leaky_relu"), ("softsign", "Softsign", "math.softsign"), ("swish", "Silu", "nn.silu"),
    ];

    /// <summary>Element-wise functions of two operands: Python name → (Keras 3 class, TensorFlow symbol).</summary>
    private static readonly (string Name, string Keras3Class, string TfSymbol)[] BinaryFunctions =
    [
        ("add", "Add", "math.add"), ("subtract", "Subtract", "math.subtract"), ("multiply", "Multiply", "math.multiply"),
        ("divide", "Divide", "math.divide"), ("true_divide", "TrueDivide", "math.truediv"), ("truediv", "TrueDivide", "math.truediv"),
        ("power", "Power", "math.pow"), ("pow", "Power", "math.pow"), ("maximum", "Maximum", "math.maximum"), ("minimum", "Minimum", "math.minimum"),
        ("floor_divide", "FloorDivide", "math.floordiv"), ("floordiv", "FloorDivide", "math.floordiv"),
        ("less", "Less", "math.less"), ("greater", "Greater", "math.greater"), ("equal", "Equal", "math.equal"), ("not_equal", "NotEqual", "math.not_equal"),
        ("squared_difference", "SquaredDifference", "math.squared_difference"),
    ];

    private static readonly (string Name, string Keras3Class, string TfSymbol)[] Reductions =
    [
        ("mean", "Mean", "math.reduce_mean"), ("sum", "Sum", "math.reduce_sum"), ("max", "Max", "math.reduce_max"),
        ("min", "Min", "math.reduce_min"), ("prod", "Prod", "math.reduce_prod"), ("std", "Std", "math.reduce_std"),
        ("var", "Var", "math.reduce_variance"), ("logsumexp", "Logsumexp", "math.reduce_logsumexp"),
    ];

    /// <summary><c>keras.activations.X(x)</c> on a tensor: Keras 3 calls the <c>keras.ops</c> function (relu has an
    /// operation of its own, <c>ReLU</c>; linear returns its input); tf.keras the TensorFlow function whose op layer it records.</summary>
    private static readonly Dictionary<string, TensorOperation> ActivationOps = new()
    {
        ["relu"] = new("ReLU", "nn.relu", OpRule.Broadcast), ["sigmoid"] = new("Sigmoid", "math.sigmoid", OpRule.Broadcast),
        ["softmax"] = new("Softmax", "nn.softmax", OpRule.Broadcast), ["tanh"] = new("Tanh", "math.tanh", OpRule.Broadcast),
        ["elu"] = new("Elu", "nn.elu", OpRule.Broadcast), ["selu"] = new("Selu", "nn.selu", OpRule.Broadcast),
        ["softplus"] = new("Softplus", "math.softplus", OpRule.Broadcast), ["softsign"] = new("Softsign", "math.softsign", OpRule.Broadcast),
        ["swish"] = new("Silu", "nn.silu", OpRule.Broadcast), ["silu"] = new("Silu", "nn.silu", OpRule.Broadcast),
        ["gelu"] = new("Gelu", "nn.gelu", OpRule.Broadcast), ["exponential"] = new("Exp", "math.exp", OpRule.Broadcast),
        ["leaky_relu"] = new("LeakyRelu", "nn.leaky_relu", OpRule.Broadcast), ["relu6"] = new("Relu6", "nn.relu6", OpRule.Broadcast),
        ["log_softmax"] = new("LogSoftmax", "nn.log_softmax", OpRule.Broadcast),
        ["hard_sigmoid"] = new("HardSigmoid", null, OpRule.Broadcast), ["hard_silu"] = new("HardSilu", null, OpRule.Broadcast),
        ["hard_swish"] = new("HardSilu", null, OpRule.Broadcast),
    };

    private object? Activate(string activation, object? x)
    {
        if (activation == "linear") return x;
        var op = ActivationOps.GetValueOrDefault(activation) ?? new TensorOperation(null, null, OpRule.Broadcast);
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

    /// <summary>The Python operators of Keras tensors.</summary>
    private void DefineTensorOperators(Dictionary<string, object?> t)
    {
        foreach (var (dunder, op) in OperatorOps)
        {
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
                    if (dunder is "add" or "sub" or "mul" or "truediv" or "floordiv" or "mod" or "pow" or "matmul")
                        t[$"__r{dunder}__"] = Method($"KerasTensor.__r{dunder}__", (p, a) => RecordOp(op, $"y {symbol} x", [a.Positional[0], p]));
                    break;
            }
        }
        t["__bool__"] = Method("KerasTensor.__bool__", (_, _) => throw _py.TypeError("A symbolic KerasTensor cannot be used as a boolean."));
        t["__iter__"] = Method("KerasTensor.__iter__", (_, _) => throw _py.Raise("NotImplementedError", "Iterating over a symbolic KerasTensor is not supported."));
    }

    /// <summary>The tensor functions of one module (<c>keras.ops</c>, or <c>tf</c> / <c>tf.math</c> / <c>tf.nn</c>), each
    /// recorded as an operation. <paramref name="tensorflow"/>: the TensorFlow spelling (<c>reduce_mean</c>, <c>axis</c>…).</summary>
    private void DefineTensorFunctions(PyModule m, bool tensorflow)
    {
        string Written(string name) => (tensorflow ? "tf." : "keras.ops.") + name;
        TensorOperation Op(string? keras3Class, string? tfSymbol, OpRule rule) =>
            new(tensorflow ? null : keras3Class, tensorflow ? tfSymbol : null, rule);

        foreach (var (name, cls, symbol) in UnaryFunctions)
        {
            var op = Op(cls, symbol, OpRule.Broadcast);
            var fn = name;
            Fn(m, name, a => RecordOp(op, Written(fn), [a.Get(0, "x")]));
        }
        foreach (var (name, cls, symbol) in BinaryFunctions)
        {
            var op = Op(cls, symbol, OpRule.Broadcast);
            var fn = name;
            Fn(m, name, a => RecordOp(op, Written(fn), [a.Get(0, "x1") ?? a.Get(0, "x"), a.Get(1, "x2") ?? a.Get(1, "y")]));
        }
        foreach (var (name, cls, symbol) in Reductions)
        {
            var op = Op(cls, symbol, OpRule.Reduce);
            var fn = tensorflow ? "reduce_" + name : name;
            Fn(m, fn, a => RecordOp(op, Written(fn), [a.Get(0, tensorflow ? "input_tensor" : "x")],
                new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis")), ["keepdims"] = _py.Truthy(a.Get(2, "keepdims", false)) }));
        }
        Fn(m, "expand_dims", a => RecordOp(Op("ExpandDims", "expand_dims", OpRule.ExpandDims), Written("expand_dims"), [a.Get(0, tensorflow ? "input" : "x")],
            new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis") ?? throw _py.TypeError("expand_dims() needs axis")) }));
        // tf.squeeze and tf.transpose call their TF1 versions, whose dispatch records the op: tf.compat.v1.squeeze.
        Fn(m, "squeeze", a => RecordOp(Op("Squeeze", "compat.v1.squeeze", OpRule.Squeeze), Written("squeeze"), [a.Get(0, tensorflow ? "input" : "x")],
            new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis")) }));
        Fn(m, "transpose", a => RecordOp(Op("Transpose", "compat.v1.transpose", OpRule.Transpose), Written("transpose"), [a.Get(0, tensorflow ? "a" : "x")],
            new JsonObject { ["perm"] = AxisJson(a.Get(1, tensorflow ? "perm" : "axes")) }));
        Fn(m, "matmul", a => RecordOp(Op("Matmul", "linalg.matmul", OpRule.Matmul), Written("matmul"), [a.Get(0, tensorflow ? "a" : "x1"), a.Get(1, tensorflow ? "b" : "x2")],
            tensorflow ? new JsonObject { ["transpose_a"] = _py.Truthy(a.Get(2, "transpose_a", false)), ["transpose_b"] = _py.Truthy(a.Get(3, "transpose_b", false)) } : null));
        Fn(m, "stack", a => RecordOp(Op("Stack", "stack", OpRule.Stack), Written("stack"), _py.ToList(a.Get(0, tensorflow ? "values" : "x")),
            new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis", BigInteger.Zero)) }));
        Fn(m, "split", a =>
        {
            var how = a.Get(1, tensorflow ? "num_or_size_splits" : "indices_or_sections") ?? throw _py.TypeError("split() needs the number or the sizes of the pieces");
            var config = new JsonObject { ["axis"] = AxisJson(a.Get(2, "axis", BigInteger.Zero)) };
            if (IsInt(how))
                config["sections"] = ToBig(how) is var n && n > long.MaxValue
                    ? throw _py.Raise("ValueError", $"split() into {n} sections: more than the {TensorOps.MaxSections} read here")
                    : (long)BigInteger.Max(n, long.MinValue);
            else config[tensorflow ? "sizes" : "indices"] = AxisJson(how);
            return RecordOp(Op("Split", "split", OpRule.Split), Written("split"), [a.Get(0, tensorflow ? "value" : "x")], config);
        });
        var concatName = tensorflow ? "concat" : "concatenate";
        Fn(m, concatName, a =>
        {
            var axis = tensorflow ? a.Get(1, "axis") ?? throw _py.TypeError("tf.concat() needs axis") : a.Get(1, "axis", BigInteger.Zero);
            return RecordOp(Op("Concatenate", "concat", OpRule.Concat), Written(concatName), _py.ToList(a.Get(0, tensorflow ? "values" : "xs")),
                new JsonObject { ["axis"] = AxisJson(axis) });
        });
        Fn(m, "reshape", a => RecordOp(Op("Reshape", "reshape", OpRule.Reshape), Written("reshape"), [a.Get(0, tensorflow ? "tensor" : "x")],
            new JsonObject { ["newshape"] = ShapeJson(Dims(a.Get(1, tensorflow ? "shape" : "newshape") ?? throw _py.TypeError("reshape() needs the new shape"), "reshape")) }));
        Fn(m, "shape", a => ShapeTuple(AsTensor(a.Get(0, "x"), "shape").Shape));
    }

    /// <summary>tf.keras <c>keras.backend</c> tensor functions: each calls the TensorFlow function that tf.keras records
    /// (<c>K.mean</c> is <c>tf.math.reduce_mean</c>); Keras 3's backend module has none of them.</summary>
    private void DefineBackendFunctions(PyModule m)
    {
        if (Version.IsKeras3) return;
        // Custom layers of the Keras 2 era compute with these inside call(); outside a call tf.keras records several op layers.
        Fn(m, "dot", a => _traceDepth > 0
            ? RecordOp(new(null, "linalg.matmul", OpRule.Matmul), "K.dot", [a.Get(0, "x"), a.Get(1, "y")])
            : throw _py.Raise("NotImplementedError", "K.dot on Keras tensors outside a layer's call() is not supported; use a Dot or Dense layer"));
        Fn(m, "bias_add", a => RecordOp(new(null, "nn.bias_add", OpRule.Broadcast), "K.bias_add", [a.Get(0, "x"), a.Get(1, "bias")]));
        TensorOperation Tf(string symbol, OpRule rule) => new(null, symbol, rule);
        foreach (var (name, _, symbol) in Reductions.Where(r => r.Name is "mean" or "sum" or "max" or "min" or "prod" or "std" or "var"))
        {
            var fn = name;
            Fn(m, name, a => RecordOp(Tf(symbol, OpRule.Reduce), "K." + fn, [a.Get(0, "x")],
                new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis")), ["keepdims"] = _py.Truthy(a.Get(2, "keepdims", false)) }));
        }
        foreach (var (name, _, symbol) in UnaryFunctions.Where(u => u.Name is "square" or "exp" or "log" or "abs" or "sigmoid" or "tanh" or "softmax" or "relu"))
        {
            var fn = name;
            Fn(m, name, a => RecordOp(Tf(symbol, OpRule.Broadcast), "K." + fn, [a.Get(0, "x")]));
        }
        Fn(m, "expand_dims", a => RecordOp(Tf("expand_dims", OpRule.ExpandDims), "K.expand_dims", [a.Get(0, "x")],
            new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis", new BigInteger(-1))) }));
        Fn(m, "squeeze", a => RecordOp(Tf("compat.v1.squeeze", OpRule.Squeeze), "K.squeeze", [a.Get(0, "x")],
            new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis") ?? throw _py.TypeError("K.squeeze() needs axis")) }));
        Fn(m, "permute_dimensions", a => RecordOp(Tf("compat.v1.transpose", OpRule.Transpose), "K.permute_dimensions", [a.Get(0, "x")],
            new JsonObject { ["perm"] = AxisJson(a.Get(1, "pattern")) }));
        Fn(m, "concatenate", a => RecordOp(Tf("concat", OpRule.Concat), "K.concatenate", _py.ToList(a.Get(0, "tensors")),
            new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis", new BigInteger(-1))) }));
        Fn(m, "reshape", a => RecordOp(Tf("reshape", OpRule.Reshape), "K.reshape", [a.Get(0, "x")],
            new JsonObject { ["newshape"] = ShapeJson(Dims(a.Get(1, "shape"), "reshape")) }));
        Fn(m, "stack", a => RecordOp(Tf("stack", OpRule.Stack), "K.stack", _py.ToList(a.Get(0, "x")),
            new JsonObject { ["axis"] = AxisJson(a.Get(1, "axis", BigInteger.Zero)) }));
    }

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
