using System.Text.Json.Nodes;
using ParamLens.Layers;

namespace ParamLens.Inputs;

/// <summary>
/// Reads the tensor operations a saved functional config records into the operation declarations of
/// <c>Layers/Operations</c>, each function or class found in the <see cref="OperationRegistry"/>.
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
    /// <summary>An operation read: the declaration of its rule and the config for it, or, when it is not understood, an
    /// <see cref="UnreadOperationDeclaration"/> saying why with the file's config.</summary>
    public sealed record Operation(LayerDeclaration Declaration, JsonObject Config);

    /// <summary>Whether a Keras 3 entry is an operation rather than a layer: the class name alone cannot tell (<c>Add</c> is
    /// both), the module does (<c>keras.src.ops.numpy</c> against <c>keras.layers</c>; <c>ReLU</c> of the activations).</summary>
    public static bool IsKeras3Operation(JsonObject entry) =>
        Str(entry["module"]) is { } module && (module.StartsWith("keras.src.ops.", StringComparison.Ordinal)
            || module.StartsWith("keras.ops", StringComparison.Ordinal) || module.StartsWith("keras.src.activations", StringComparison.Ordinal));

    /// <summary>A tf.keras <c>TFOpLambda</c> or <c>SlicingOpLambda</c> entry.</summary>
    public static Operation TfOpLambda(string className, JsonObject config, JsonNode? inboundNodes)
    {
        if (Str(config["function"]) is not { } function) return NotRead(className, config, "its config names no TensorFlow function");
        if (!OperationRegistry.ByTfSymbol.TryGetValue(function, out var entry)) return NotRead(className, config, $"the TensorFlow function '{function}' is not read here");
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
        var result = Configure(entry, call, config, "tf." + function);
        return result is null ? NotRead(className, config, call.WhyNot ?? $"the arguments of its call of '{function}' are not understood")
            : new Operation(TensorOps.Declaration(className, entry.Rule, keras3: false), result);
    }

    /// <summary>A Keras 3 operation entry (<see cref="IsKeras3Operation"/>).</summary>
    public static Operation Keras3Operation(string className, JsonObject config, JsonNode? inboundNodes)
    {
        if (!OperationRegistry.ByKeras3Class.TryGetValue(className, out var entry)) return NotRead(className, config, $"the operation '{className}' is not read here");
        if (inboundNodes is not JsonArray { Count: 1 } nodes || nodes[0] is not JsonObject node || node["args"] is not JsonArray { Count: > 0 } args)
            return NotRead(className, config, "its call is not recorded as one inbound node with arguments");
        var kwargs = node["kwargs"] as JsonObject ?? [];
        OpCall call;
        if (entry.Rule is OpRule.Concat or OpRule.Stack)
        {
            if (args.Count != 1 || args[0] is not JsonArray { Count: > 0 } list)
                return NotRead(className, config, "its first argument is not a list of tensors");
            call = new OpCall([.. list.Select(_ => (JsonNode?)null)], [.. list.Select(IsKeras3Tensor)], true, kwargs, Keras3: true);
        }
        else
        {
            // The operands in call order; GetItem's second argument is its key.
            var operands = entry.Rule == OpRule.GetItem ? args.Take(1).ToList() : args.ToList();
            var rest = kwargs.DeepClone().AsObject();
            if (entry.Rule == OpRule.GetItem)
            {
                if (args.Count != 2) return NotRead(className, config, "its call does not have a tensor and a key");
                rest["slice_spec"] = args[1]?.DeepClone();
            }
            call = new OpCall([.. operands.Select(o => IsKeras3Tensor(o) ? null : o)], [.. operands.Select(IsKeras3Tensor)], false, rest, Keras3: true);
        }
        var result = Configure(entry, call, config, function: null);
        return result is null ? NotRead(className, config, call.WhyNot ?? "its arguments are not understood")
            : new Operation(TensorOps.Declaration(className, entry.Rule, keras3: true), result);
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
    private static JsonObject? Configure(OperationEntry entry, OpCall call, JsonObject fileConfig, string? function)
    {
        var config = fileConfig.DeepClone().AsObject();
        config["function"] = function;
        var single = !call.FirstIsList && call.First.Count == 1 && call.IsTensor[0];
        // Keras 3 passes every operand positionally, so its one-tensor operations are read as operand lists too.
        if (entry.Arguments == OpArguments.OneTensor && !call.Keras3) return single && !call.TensorAmong() ? config : null;
        if (entry.Arguments is OpArguments.OneTensor or OpArguments.TwoOperands) return Operands(entry, call, config);
        switch (entry.Rule)
        {
            case OpRule.Concat:
            case OpRule.Stack:
                if (!call.FirstIsList || call.IsTensor.Any(t => !t) || call.TensorAmong()) return null;
                if (!call.Keras3) config["axis"] = Argument(call, "axis", entry.Rule == OpRule.Stack ? 0 : null);
                return config["axis"] is null ? null : config;
            case OpRule.GetItem:
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
            if (entry.Rule == OpRule.Transpose) config["perm"] = fileConfig["axes"]?.DeepClone();
            if (entry.Rule == OpRule.Reshape && fileConfig["newshape"] is not JsonArray) return call.NotUnderstood("its newshape is not a list of sizes");
            if (entry.Rule == OpRule.Split && fileConfig["indices_or_sections"] is { } how)
                config[how is JsonArray ? "indices" : "sections"] = how.DeepClone();
            return config;
        }
        switch (entry.Rule)
        {
            case OpRule.Reduce:
                config["axis"] = Argument(call, "axis", null);
                if (call.Flag("keepdims") is not { } keep) return call.NotUnderstood("its keepdims is not true or false");
                config["keepdims"] = keep;
                break;
            case OpRule.ExpandDims:
                if ((config["axis"] = Argument(call, "axis", null)) is null) return call.NotUnderstood("its axis is missing");
                break;
            case OpRule.Squeeze:
                config["axis"] = Argument(call, "axis", null) ?? Argument(call, "squeeze_dims", null);
                break;
            case OpRule.Transpose:
                config["perm"] = Argument(call, "perm", null);
                break;
            case OpRule.Reshape:
                if ((config["newshape"] = Argument(call, "shape", null)) is not JsonArray) return call.NotUnderstood("its shape is not a list of sizes");
                break;
            case OpRule.Split:
                config["axis"] = Argument(call, "axis", 0);
                var pieces = Argument(call, "num_or_size_splits", null);
                if (pieces is null) return call.NotUnderstood("its num_or_size_splits is missing");
                config[pieces is JsonArray ? "sizes" : "sections"] = pieces;
                break;
        }
        return config;
    }

    /// <summary>Operands in call order: tf.keras' first argument and the second under its keyword
    /// (<see cref="OperationEntry.SecondOperand"/>), or Keras 3's positional arguments; each constant's shape goes into
    /// <c>operand_shapes</c>.</summary>
    private static JsonObject? Operands(OperationEntry entry, OpCall call, JsonObject config)
    {
        var second = call.Keras3 ? null : entry.SecondOperand;
        if (call.FirstIsList || call.TensorAmong(second is null ? [] : [second])) return null;
        var operands = call.First.Select((c, i) => (Constant: c, Tensor: call.IsTensor[i])).ToList();
        if (second is not null)
        {
            if (!call.Arguments.TryGetPropertyValue(second, out var y)) return null;
            operands.Add(IsTensorRef(y, keras3: false) ? (null, true) : (y, false));
        }
        if (entry.Rule == OpRule.Matmul && operands.Count != 2) return null;
        // tf.nn.bias_add adds along the last axis only as NHWC; NCHW adds along axis 1, which is no broadcast.
        if (!call.Keras3 && call.Arguments["data_format"] is { } format && Str(format) != "NHWC")
            return call.NotUnderstood($"its data_format {format.ToJsonString()} does not add along the last axis");
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
        if (entry.Rule == OpRule.Matmul && !call.Keras3)
        {
            // An adjoint is a transpose as far as shapes go.
            var flags = ((string[])["transpose_a", "adjoint_a", "transpose_b", "adjoint_b"]).Select(call.Flag).ToArray();
            if (flags.Any(f => f is null)) return call.NotUnderstood("its transpose_a, transpose_b, adjoint_a or adjoint_b is not true or false");
            config["transpose_a"] = flags[0] == true || flags[1] == true;
            config["transpose_b"] = flags[2] == true || flags[3] == true;
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

    private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
