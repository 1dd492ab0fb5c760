using System.Text.Json.Nodes;
using ParamLens.Layers;

namespace ParamLens.Inputs;

/// <summary>
/// Reads the tensor operations a saved functional config records into the operation declarations of <c>Layers/Ops.cs</c>.
/// tf.keras <c>TFOpLambda</c>/<c>SlicingOpLambda</c> (<c>tf_op_layer.py</c>, <c>node.py</c> <c>serialize</c>): the config
/// names the TensorFlow function (<c>"function": "math.truediv"</c>); the one inbound node holds the first argument as
/// <c>[layer, node, tensor, kwargs]</c> entries (a bare entry for one tensor, a list for a list of tensors, a constant as
/// <c>["_CONSTANT_VALUE", -1, value, kwargs]</c>) and every other argument by parameter name in <c>kwargs</c>, where a tensor
/// is a <c>[layer, node, tensor]</c> triple. Keras 3 operations (<c>serialization_lib.serialize_keras_object</c>: module
/// <c>keras.src.ops.numpy</c> etc., class <c>TrueDivide</c>): their own arguments (<c>axis</c>…) are in the config, the operands
/// in the node's <c>args</c>. A function or an argument form not known here is not guessed: the reader says why, and the
/// operation's output stays unknown (it still has no weights).
/// </summary>
internal static class OpLayerReader
{
    /// <summary>The shape rule of an operation and how its arguments reach the rule.</summary>
    private enum Kind { Elementwise, Binary, Reduce, ExpandDims, Squeeze, Transpose, Matmul, GetItem, Concat, Stack, Split, Reshape }

    /// <summary>An operation read: the declaration of its rule and the config for it, or, when it is not understood, an
    /// <see cref="UnreadOperationDeclaration"/> saying why with the file's config.</summary>
    public sealed record Operation(LayerDeclaration Declaration, JsonObject Config);

    /// <summary>TensorFlow functions (their <c>function</c> value) whose op layers are read, with the rule each follows.</summary>
    private static readonly Dictionary<string, Kind> TfFunctions = Table(
        (Kind.Binary, ["__operators__.add", "math.add", "math.subtract", "math.multiply", "math.truediv", "math.divide", "math.floordiv",
            "math.floormod", "math.pow", "math.maximum", "math.minimum", "math.squared_difference", "math.less", "math.less_equal",
            "math.greater", "math.greater_equal", "math.equal", "math.not_equal"]),
        (Kind.Elementwise, ["math.square", "math.sqrt", "math.rsqrt", "math.exp", "math.log", "math.abs", "math.negative", "math.sigmoid",
            "math.tanh", "math.sign", "math.round", "math.floor", "math.ceil", "math.sin", "math.cos", "math.erf", "math.softplus",
            "math.softsign", "math.l2_normalize", "cast", "nn.relu", "nn.relu6", "nn.elu", "nn.selu", "nn.gelu", "nn.silu", "nn.leaky_relu",
            "nn.softmax", "nn.log_softmax"]),
        (Kind.Reduce, ["math.reduce_mean", "math.reduce_sum", "math.reduce_max", "math.reduce_min", "math.reduce_prod", "math.reduce_std",
            "math.reduce_variance", "math.reduce_logsumexp"]),
        (Kind.ExpandDims, ["expand_dims"]), (Kind.Squeeze, ["compat.v1.squeeze", "squeeze"]),
        (Kind.Transpose, ["compat.v1.transpose", "transpose"]), (Kind.Reshape, ["reshape"]), (Kind.Concat, ["concat"]),
        (Kind.Stack, ["stack"]), (Kind.Split, ["split"]), (Kind.Matmul, ["linalg.matmul"]), (Kind.GetItem, ["__operators__.getitem"]));

    /// <summary>Keras 3 operation classes that are read, with the rule each follows.</summary>
    private static readonly Dictionary<string, Kind> Keras3Classes = Table(
        (Kind.Elementwise, ["Add", "Subtract", "Multiply", "Divide", "TrueDivide", "FloorDivide", "Mod", "Power", "Maximum", "Minimum",
            "Less", "LessEqual", "Greater", "GreaterEqual", "Equal", "NotEqual", "Negative", "Absolute", "Square", "Sqrt", "Exp", "Log",
            "Sign", "Round", "Floor", "Ceil", "Sin", "Cos", "Tanh", "Rsqrt", "Erf", "Cast", "Relu", "ReLU", "Relu6", "Sigmoid", "Softplus",
            "Softsign", "Silu", "LeakyRelu", "HardSigmoid", "HardSilu", "Elu", "Selu", "Gelu", "Softmax", "LogSoftmax"]),
        (Kind.Reduce, ["Mean", "Sum", "Max", "Min", "Prod", "Std", "Var", "Logsumexp"]),
        (Kind.ExpandDims, ["ExpandDims"]), (Kind.Squeeze, ["Squeeze"]), (Kind.Transpose, ["Transpose"]), (Kind.Reshape, ["Reshape"]),
        (Kind.Concat, ["Concatenate"]), (Kind.Stack, ["Stack"]), (Kind.Split, ["Split"]), (Kind.Matmul, ["Matmul"]), (Kind.GetItem, ["GetItem"]));

    private static Dictionary<string, Kind> Table(params (Kind Kind, string[] Names)[] groups) =>
        groups.SelectMany(g => g.Names.Select(n => (n, g.Kind))).ToDictionary(p => p.n, p => p.Kind);

    /// <summary>Whether a Keras 3 entry is an operation rather than a layer: the class name alone cannot tell (<c>Add</c> is
    /// both), the module does (<c>keras.src.ops.numpy</c> against <c>keras.layers</c>; <c>ReLU</c> of the activations).</summary>
    public static bool IsKeras3Operation(JsonObject entry) =>
        Str(entry["module"]) is { } module && (module.StartsWith("keras.src.ops.", StringComparison.Ordinal)
            || module.StartsWith("keras.ops", StringComparison.Ordinal) || module.StartsWith("keras.src.activations", StringComparison.Ordinal));

    /// <summary>A tf.keras <c>TFOpLambda</c> or <c>SlicingOpLambda</c> entry.</summary>
    public static Operation TfOpLambda(string className, JsonObject config, JsonNode? inboundNodes)
    {
        if (Str(config["function"]) is not { } function) return NotRead(className, config, "its config names no TensorFlow function");
        if (!TfFunctions.TryGetValue(function, out var kind)) return NotRead(className, config, $"the TensorFlow function '{function}' is not read here");
        if (inboundNodes is not JsonArray { Count: 1 } nodes || nodes[0] is not JsonArray { Count: > 0 } node)
            return NotRead(className, config, $"its call of '{function}' is not recorded as one inbound node");
        // One tensor as the first argument is written as a bare entry; a list of them as a list of entries.
        var firstIsList = node[0] is not JsonValue;
        var entries = firstIsList ? node.Select(e => e as JsonArray).ToList() : [node];
        if (entries.Any(e => e is not { Count: 3 or 4 })) return NotRead(className, config, $"the arguments of its call of '{function}' are not understood");
        var first = entries.Select(e => Str(e![0]) == "_CONSTANT_VALUE" ? e[2] : null).ToList();
        var isTensor = entries.Select(e => Str(e![0]) != "_CONSTANT_VALUE").ToList();
        // node.py writes the same kwargs into every entry of the first argument.
        var kwargs = entries[0]!.Count == 4 && entries[0]![3] is JsonObject k ? k : [];
        var call = new OpCall(first, isTensor, firstIsList, kwargs, Keras3: false);
        var result = Configure(kind, call, config, "tf." + function);
        return result is null ? NotRead(className, config, call.WhyNot ?? $"the arguments of its call of '{function}' are not understood")
            : new Operation(Declaration(className, kind, keras3: false), result);
    }

    /// <summary>A Keras 3 operation entry (<see cref="IsKeras3Operation"/>).</summary>
    public static Operation Keras3Operation(string className, JsonObject config, JsonNode? inboundNodes)
    {
        if (!Keras3Classes.TryGetValue(className, out var kind)) return NotRead(className, config, $"the operation '{className}' is not read here");
        if (inboundNodes is not JsonArray { Count: 1 } nodes || nodes[0] is not JsonObject node || node["args"] is not JsonArray { Count: > 0 } args)
            return NotRead(className, config, "its call is not recorded as one inbound node with arguments");
        var kwargs = node["kwargs"] as JsonObject ?? [];
        OpCall call;
        if (kind is Kind.Concat or Kind.Stack)
        {
            if (args.Count != 1 || args[0] is not JsonArray { Count: > 0 } list)
                return NotRead(className, config, "its first argument is not a list of tensors");
            call = new OpCall([.. list.Select(_ => (JsonNode?)null)], [.. list.Select(IsKeras3Tensor)], true, kwargs, Keras3: true);
        }
        else
        {
            // The operands in call order; GetItem's second argument is its key.
            var operands = kind == Kind.GetItem ? args.Take(1).ToList() : args.ToList();
            var rest = kwargs.DeepClone().AsObject();
            if (kind == Kind.GetItem)
            {
                if (args.Count != 2) return NotRead(className, config, "its call does not have a tensor and a key");
                rest["slice_spec"] = args[1]?.DeepClone();
            }
            call = new OpCall([.. operands.Select(o => IsKeras3Tensor(o) ? null : o)], [.. operands.Select(IsKeras3Tensor)], false, rest, Keras3: true);
            if (kind == Kind.Elementwise) kind = Kind.Binary; // Keras 3 passes every operand positionally
        }
        var result = Configure(kind, call, config, function: null);
        return result is null ? NotRead(className, config, call.WhyNot ?? "its arguments are not understood")
            : new Operation(Declaration(className, kind, keras3: true), result);
    }

    private static Operation NotRead(string className, JsonObject config, string why) =>
        new(new UnreadOperationDeclaration(className, why), config);

    /// <summary>One recorded call: the first argument's items (null for a tensor, else the constant), which are tensors,
    /// whether the first argument was a list, and the other arguments by name.</summary>
    private sealed record OpCall(List<JsonNode?> First, List<bool> IsTensor, bool FirstIsList, JsonObject Arguments, bool Keras3)
    {
        /// <summary>Whether an argument other than the operands holds a tensor: an input the rule does not place.</summary>
        public bool TensorAmong(params string[] keys) => Arguments.Any(a => !keys.Contains(a.Key) && ContainsTensor(a.Value, Keras3));

        /// <summary>Why the call is not understood, when a specific reason is known.</summary>
        public string? WhyNot { get; private set; }

        /// <summary>Records why the call is not understood; null, the rule's missing config.</summary>
        public JsonObject? NotUnderstood(string why)
        {
            WhyNot = why;
            return null;
        }

        /// <summary>A true/false argument: false when absent, null when present but not a boolean.</summary>
        public bool? Flag(string key) => !Arguments.TryGetPropertyValue(key, out var v) || v is null ? false
            : v is JsonValue b && b.TryGetValue<bool>(out var flag) ? flag : null;
    }

    /// <summary>The rule's config from the file's config and the call's arguments; null when something is not understood.</summary>
    private static JsonObject? Configure(Kind kind, OpCall call, JsonObject fileConfig, string? function)
    {
        var config = fileConfig.DeepClone().AsObject();
        config["function"] = function;
        var single = !call.FirstIsList && call.First.Count == 1 && call.IsTensor[0];
        switch (kind)
        {
            case Kind.Elementwise:
                if (!single || call.TensorAmong()) return null;
                return config;
            case Kind.Binary:
            case Kind.Matmul:
            {
                // tf.keras: the first operand is the first argument, the second a keyword (y, or b for matmul); Keras 3: args.
                var second = call.Keras3 ? null : kind == Kind.Matmul ? "b" : "y";
                if (call.FirstIsList || call.TensorAmong(second is null ? [] : [second])) return null;
                var operands = call.First.Select((c, i) => (Constant: c, Tensor: call.IsTensor[i])).ToList();
                if (second is not null)
                {
                    if (!call.Arguments.TryGetPropertyValue(second, out var y)) return null;
                    operands.Add(IsTensorRef(y, keras3: false) ? (null, true) : (y, false));
                }
                if (kind == Kind.Matmul && operands.Count != 2) return null;
                if (operands.Any(o => !o.Tensor))
                {
                    var shapes = new JsonArray();
                    foreach (var (constant, tensor) in operands)
                    {
                        if (tensor) { shapes.Add((JsonNode?)null); continue; }
                        if (ConstantShape(constant, call.Keras3) is not { } dims) return null;
                        shapes.Add((JsonNode)new JsonArray([.. dims.Select(d => (JsonNode)JsonValue.Create(d))]));
                    }
                    config["operand_shapes"] = shapes;
                }
                if (kind == Kind.Matmul && !call.Keras3)
                {
                    // An adjoint is a transpose as far as shapes go.
                    var flags = ((string[])["transpose_a", "adjoint_a", "transpose_b", "adjoint_b"]).Select(call.Flag).ToArray();
                    if (flags.Any(f => f is null)) return call.NotUnderstood("its transpose_a, transpose_b, adjoint_a or adjoint_b is not true or false");
                    config["transpose_a"] = flags[0] == true || flags[1] == true;
                    config["transpose_b"] = flags[2] == true || flags[3] == true;
                }
                return config;
            }
            case Kind.Concat:
            case Kind.Stack:
                if (!call.FirstIsList || call.IsTensor.Any(t => !t) || call.TensorAmong()) return null;
                if (!call.Keras3) config["axis"] = Argument(call, "axis", kind == Kind.Stack ? 0 : null);
                return config["axis"] is null ? null : config;
            case Kind.GetItem:
            {
                if (!single || call.TensorAmong()) return null;
                if (!call.Arguments.TryGetPropertyValue("slice_spec", out var spec) || Key(spec, call.Keras3) is not { } key)
                    return call.NotUnderstood("its slice_spec is not understood");
                config["key"] = key;
                return config;
            }
        }
        if (!single || call.TensorAmong()) return null;
        if (call.Keras3)
        {
            // The operation's own arguments are in its config already; two have names of their own.
            if (kind == Kind.Transpose) config["perm"] = fileConfig["axes"]?.DeepClone();
            if (kind == Kind.Reshape && fileConfig["newshape"] is not JsonArray) return call.NotUnderstood("its newshape is not a list of sizes");
            if (kind == Kind.Split && fileConfig["indices_or_sections"] is { } how)
                config[how is JsonArray ? "indices" : "sections"] = how.DeepClone();
            return config;
        }
        switch (kind)
        {
            case Kind.Reduce:
                config["axis"] = Argument(call, "axis", null);
                if (call.Flag("keepdims") is not { } keep) return call.NotUnderstood("its keepdims is not true or false");
                config["keepdims"] = keep;
                break;
            case Kind.ExpandDims:
                if ((config["axis"] = Argument(call, "axis", null)) is null) return call.NotUnderstood("its axis is missing");
                break;
            case Kind.Squeeze:
                config["axis"] = Argument(call, "axis", null) ?? Argument(call, "squeeze_dims", null);
                break;
            case Kind.Transpose:
                config["perm"] = Argument(call, "perm", null);
                break;
            case Kind.Reshape:
                if ((config["newshape"] = Argument(call, "shape", null)) is not JsonArray) return call.NotUnderstood("its shape is not a list of sizes");
                break;
            case Kind.Split:
                config["axis"] = Argument(call, "axis", 0);
                var pieces = Argument(call, "num_or_size_splits", null);
                if (pieces is null) return call.NotUnderstood("its num_or_size_splits is missing");
                config[pieces is JsonArray ? "sizes" : "sections"] = pieces;
                break;
        }
        return config;
    }

    private static JsonNode? Argument(OpCall call, string key, int? fallback) =>
        call.Arguments.TryGetPropertyValue(key, out var v) && v is not null ? v.DeepClone() : fallback is int f ? JsonValue.Create(f) : null;

    /// <summary>An index key (tf.keras <c>slice_spec</c> or Keras 3's second argument) as the GetItem rule's key list:
    /// <c>{"index": n}</c>, <c>{"slice": [start, stop, step]}</c>, <c>"..."</c>, null (a new axis).</summary>
    private static JsonArray? Key(JsonNode? spec, bool keras3)
    {
        // A tuple key is written as a list; any other key is one item.
        var items = spec is JsonArray list ? list.ToList() : [spec];
        var key = new JsonArray();
        foreach (var item in items)
        {
            switch (item)
            {
                case null:
                    key.Add((JsonNode?)null);
                    break;
                case JsonValue v when v.TryGetValue<long>(out var index):
                    key.Add((JsonNode)new JsonObject { ["index"] = index });
                    break;
                case JsonObject o when Str(o["class_name"]) == "__ellipsis__":
                    key.Add((JsonNode?)JsonValue.Create("..."));
                    break;
                case JsonObject o when (keras3 ? Str(o["class_name"]) == "__slice__" ? o["config"] as JsonObject : null
                                               : o.ContainsKey("start") && o.ContainsKey("stop") ? o : null) is { } bounds:
                    var slice = new JsonArray();
                    foreach (var name in (string[])["start", "stop", "step"])
                    {
                        if (bounds[name] is null) slice.Add((JsonNode?)null);
                        else if (bounds[name] is JsonValue b && b.TryGetValue<long>(out var n)) slice.Add((JsonNode?)JsonValue.Create(n));
                        else return null; // a tensor bound: its value is not known
                    }
                    key.Add((JsonNode)new JsonObject { ["slice"] = slice });
                    break;
                default:
                    return null;
            }
        }
        return key;
    }

    /// <summary>The shape of a constant operand: a number is a scalar, a nested list its nesting (tf.keras converts it to a
    /// tensor), a Keras 3 <c>__numpy__</c>/<c>__tensor__</c> its value's. Keras 3 reads a plain list's shape as
    /// <c>getattr(x, "shape", [])</c>: a scalar. Null when not understood.</summary>
    private static long[]? ConstantShape(JsonNode? value, bool keras3) => value switch
    {
        JsonValue v when v.TryGetValue<double>(out _) || v.TryGetValue<bool>(out _) => [],
        JsonArray when keras3 => [],
        JsonArray list => NestedShape(list),
        JsonObject o when keras3 && Str(o["class_name"]) is "__numpy__" or "__tensor__" && o["config"]?["value"] is { } inner =>
            inner is JsonArray a ? NestedShape(a) : ConstantShape(inner, keras3),
        _ => null,
    };

    private static long[]? NestedShape(JsonArray list)
    {
        if (list.Count == 0) return [0];
        var shapes = list.Select(item => item is JsonArray a ? NestedShape(a) : ConstantShape(item, keras3: false)).ToList();
        if (shapes.Any(s => s is null) || shapes.Any(s => !s!.SequenceEqual(shapes[0]!))) return null;
        return [list.Count, .. shapes[0]!];
    }

    private static bool IsKeras3Tensor(JsonNode? node) => node is JsonObject o && Str(o["class_name"]) == "__keras_tensor__";

    /// <summary>A tensor reference where tf.keras writes one in kwargs: a <c>[layer, node, tensor]</c> triple.</summary>
    private static bool IsTensorRef(JsonNode? node, bool keras3) => keras3
        ? IsKeras3Tensor(node)
        : node is JsonArray { Count: 3 } a && Str(a[0]) is not null && a[1] is JsonValue && a[2] is JsonValue;

    private static bool ContainsTensor(JsonNode? node, bool keras3) => IsTensorRef(node, keras3) || node switch
    {
        JsonArray a => a.Any(n => ContainsTensor(n, keras3)),
        JsonObject o => o.Any(p => ContainsTensor(p.Value, keras3)),
        _ => false,
    };

    private static LayerDeclaration Declaration(string className, Kind kind, bool keras3) => TensorOps.Declaration(className, kind switch
    {
        Kind.Elementwise or Kind.Binary => OpRule.Broadcast,
        Kind.Reduce => OpRule.Reduce,
        Kind.ExpandDims => OpRule.ExpandDims,
        Kind.Squeeze => OpRule.Squeeze,
        Kind.Transpose => OpRule.Transpose,
        Kind.Matmul => OpRule.Matmul,
        Kind.GetItem => OpRule.GetItem,
        Kind.Concat => OpRule.Concat,
        Kind.Stack => OpRule.Stack,
        Kind.Split => OpRule.Split,
        _ => OpRule.Reshape,
    }, keras3);

    private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
