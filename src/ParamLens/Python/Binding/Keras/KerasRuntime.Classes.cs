using System.Numerics;
using System.Text.Json.Nodes;
using ParamLens.Accounting;
using ParamLens.Graph;
using static ParamLens.Python.Operators;

namespace ParamLens.Python.Keras;

public sealed partial class KerasRuntime
{
    private void DefineTensorClass()
    {
        var t = TensorClass.Dict;
        KerasTensor Of(PyInstance p) => (KerasTensor)p.Native!;
        t["shape"] = Property("shape", p => ShapeTuple(Of(p).Shape));
        t["dtype"] = Property("dtype", _ => "float32");
        t["ndim"] = Property("ndim", p => new BigInteger(Of(p).Shape.Rank));
        t["name"] = Property("name", p => Of(p).Node.Layer.Name);
        t["__repr__"] = Method("KerasTensor.__repr__", (p, _) => $"<KerasTensor shape={Interpreter.ReprStatic(ShapeTuple(Of(p).Shape))}, dtype=float32, name={Of(p).Node.Layer.Name}>");
        t["__hash__"] = Method("KerasTensor.__hash__", (p, _) => new BigInteger(p.GetHashCode()));
        DefineTensorOperators(t);
    }

    private void DefineLayerClass()
    {
        var d = LayerClass.Dict;
        d["__init__"] = Method("Layer.__init__", LayerInit);
        d["__call__"] = UnknownsAccepted("Layer.__call__", CallLayer); // CallLayer itself tells data from tensors
        d["call"] = Method("Layer.call", (p, _) => throw _py.Raise("NotImplementedError", $"{p.Class.Name} must define call()"));
        d["build"] = Method("Layer.build", (p, a) => null);
        d["__repr__"] = Method("Layer.__repr__", (p, _) => $"<{p.Class.Name} name={State(p).Name}, built={(State(p).Core?.IsBuilt == true ? "True" : "False")}>");
        d["name"] = Property("name", p => State(p).Name);
        d["trainable"] = Property("trainable", p => State(p).Core?.Trainable ?? State(p).Trainable ?? true, (p, v) =>
        {
            var state = State(p);
            state.Trainable = _py.Truthy(v);
            if (state.Core is { } core) core.Trainable = state.Trainable.Value;
        });
        d["built"] = Property("built", p => State(p).Core?.IsBuilt ?? false, (_, _) => { }); // build() sets it; being built is the graph's business here
        d["dtype"] = Property("dtype", p => State(p).Core?.DtypePolicy ?? "float32");
        d["output"] = Property("output", p => TensorResult(FirstNode(p, "output").Outputs));
        d["input"] = Property("input", p => FirstNode(p, "input") is { IsInput: true } n ? TensorResult(n.Outputs) : TensorResult(FirstNode(p, "input").Inputs));
        d["output_shape"] = Property("output_shape", p => ShapeResult(FirstNode(p, "output_shape").Outputs));
        d["input_shape"] = Property("input_shape", p => FirstNode(p, "input_shape") is { IsInput: true } n ? ShapeResult(n.Outputs) : ShapeResult(FirstNode(p, "input_shape").Inputs));
        d["weights"] = Property("weights", p => WeightList(p, null));
        d["trainable_weights"] = Property("trainable_weights", p => WeightList(p, true));
        d["non_trainable_weights"] = Property("non_trainable_weights", p => WeightList(p, false));
        d["variables"] = d["weights"];
        d["trainable_variables"] = d["trainable_weights"];
        d["count_params"] = Method("Layer.count_params", (p, _) => new BigInteger(WeightsOf(p, "count its parameters").Sum(w => w.Weight.Count)));
        d["get_config"] = Method("Layer.get_config", (p, _) => State(p).Core?.Config is { } c ? FromJsonObject((JsonObject)c.Values.DeepClone()) : new PyDict());
        d["add_weight"] = Method("Layer.add_weight", AddWeight);
        d["add_variable"] = d["add_weight"];
        d["compute_output_shape"] = Method("Layer.compute_output_shape", (p, a) => throw _py.Raise("NotImplementedError", "compute_output_shape is not supported"));
        d["get_weights"] = UnknownsAccepted("Layer.get_weights", (_, _) => _py.NewUnknown("layer.get_weights()", "weight values do not exist here"));
        d["set_weights"] = UnknownsAccepted("Layer.set_weights", (_, _) => null);
        d["__getattr__"] = new PyBuiltin("Layer.__getattr__", (_, a) => LayerAttribute((PyInstance)a.Positional[0]!, a.Positional[1] as string ?? "?"), isMethod: true);
        d["get_layer"] = Method("Model.get_layer", GetLayer);
    }

    /// <summary>The positional order of <c>add_weight</c>'s arguments: Keras 3 starts with the shape, standalone Keras 2.0 with
    /// the shape and the initializer, Keras 2.1 and later (tf.keras included) with the name.</summary>
    private string[] AddWeightOrder => Version.IsKeras3 ? ["shape", "initializer", "dtype", "trainable"]
        : Version is { Major: 2, Minor: 0 } ? ["shape", "initializer", "name", "trainable"]
        : ["name", "shape", "dtype", "initializer", "regularizer", "trainable"];

    /// <summary><c>self.add_weight(...)</c> in a custom layer or subclassed model: records the weight (name, shape,
    /// trainable) on the object and returns a variable that has that shape in tensor operations.</summary>
    private object? AddWeight(PyInstance self, Args args)
    {
        var state = State(self);
        if (state.Kind is not (KerasKind.CustomLayer or KerasKind.SubclassedModel))
            throw _py.TypeError($"add_weight on the built-in layer '{state.Name}' is not supported");
        if (state.Core is not null)
            throw _py.Raise("NotImplementedError", $"{self.Class.Name}.add_weight after the layer was built (in call()) is not supported; create weights in __init__ or build()");
        var order = AddWeightOrder;
        if (args.Positional.Count > order.Length) throw _py.TypeError($"add_weight() takes at most {order.Length} positional arguments here");
        object? Arg(string key) => Array.IndexOf(order, key) is var i && i >= 0 && i < args.Positional.Count ? args.Positional[i] : args.Kw(key);
        var shapeArgument = Arg("shape");
        var dims = shapeArgument is null ? [] : Dims(shapeArgument, "add_weight(shape)");
        if (dims.Any(d => d is null)) throw _py.ValueError($"{self.Class.Name}.add_weight: the shape {Interpreter.ReprStatic(shapeArgument)} must be fully defined (no None)");
        var trainableArgument = Arg("trainable");
        var trainable = trainableArgument is null || _py.Truthy(trainableArgument);
        var name = Arg("name") as string ?? "variable";
        var dtype = Arg("dtype") is { } d ? Numpy.DTypeName(d) : null;
        var spec = new ParamLens.Layers.WeightSpec(name, new Shapes.Shape(dims), trainable,
            trainable ? $"created by {self.Class.Name}'s own code (add_weight)" : $"created by {self.Class.Name}'s own code with add_weight(trainable=False)", dtype);
        state.OwnWeights.Add(spec);
        var variable = new PyInstance(WeightClass) { Native = spec };
        variable.Dict["name"] = name;
        variable.Dict["shape"] = ShapeTuple(spec.Shape);
        variable.Dict["trainable"] = trainable;
        variable.Dict["dtype"] = dtype ?? "float32";
        return variable;
    }

    /// <summary>Each weight of a layer or model, once (shared weights count once), and whether it is trainable there.</summary>
    private IReadOnlyList<(Weight Weight, bool Trainable)> WeightsOf(PyInstance p, string action)
    {
        var state = State(p);
        if (state.Kind is KerasKind.Sequential or KerasKind.Functional or KerasKind.SubclassedModel)
            return ModelAccount.Of(BuiltModel(p, action)).Weights.Select(w => (w.Weight, w.Trainable)).ToList();
        var core = state.Core;
        if (core is null || !core.IsBuilt) throw Error($"layer '{state.Name}' is not built yet (call it on a tensor first), so it cannot {action}");
        if (core is Model m) return ModelAccount.Of(m).Weights.Select(w => (w.Weight, w.Trainable)).ToList();
        return core.AllWeights.Distinct().Select(w => (w, core.Trainable && w.Spec.Trainable)).ToList();
    }

    private PyList WeightList(PyInstance p, bool? trainable) =>
        new(WeightsOf(p, "list its weights").Where(w => trainable is null || w.Trainable == trainable).Select(w =>
        {
            var v = new PyInstance(WeightClass);
            v.Dict["name"] = w.Weight.Name;
            v.Dict["shape"] = ShapeTuple(w.Weight.Shape);
            v.Dict["trainable"] = w.Trainable;
            v.Dict["dtype"] = w.Weight.DType;
            return (object?)v;
        }).ToList());

    private Node FirstNode(PyInstance p, string what)
    {
        var state = State(p);
        var core = state.Kind == KerasKind.Sequential ? SequentialModel(p) : state.Core;
        if (core is Model { Kind: ModelKind.Functional or ModelKind.Sequential, IsBuilt: true } m && m.InboundNodes.Count == 0)
            return what.StartsWith("input", StringComparison.Ordinal) ? m.Inputs[0].Node : m.Outputs[0].Node;
        if (core is null || core.InboundNodes.Count == 0) throw _py.Raise("AttributeError", $"layer '{state.Name}' has no {what}: it has not been called yet");
        return core.InboundNodes[0];
    }

    private object ShapeResult(IReadOnlyList<KerasTensor> tensors) =>
        tensors.Count == 1 ? ShapeTuple(tensors[0].Shape) : new PyList(tensors.Select(t => (object?)ShapeTuple(t.Shape)).ToList());

    private object? GetLayer(PyInstance self, Args args)
    {
        var layers = _py.ToList(LayersOf(self));
        if (args.Get(0, "name") is string name)
            return layers.FirstOrDefault(l => State(l).Name == name) ?? throw _py.ValueError($"No such layer: {name}. Existing layers are: {string.Join(", ", layers.Select(l => State(l).Name))}.");
        if (args.Get(1, "index") is { } index) return _py.GetItem(new PyList(layers), index);
        throw _py.ValueError("Provide either a layer name or layer index at `get_layer`.");
    }

    /// <summary>Config keys a built-in layer keeps as attributes exactly as given (Keras normalizes others, such as
    /// <c>kernel_size</c> to a tuple or <c>activation</c> to a function).</summary>
    private static readonly HashSet<string> PlainConfigAttributes =
    [
        "units", "rate", "filters", "input_dim", "output_dim", "momentum", "epsilon", "use_bias", "return_sequences", "return_state",
        "go_backwards", "stateful", "dropout", "recurrent_dropout", "mask_zero", "n", "num_heads", "key_dim",
    ];

    /// <summary>An attribute the code did not assign: a built-in layer's plain config values (<c>dropout.rate</c>,
    /// <c>dense.units</c>); attributes that hold training state or values are unknown here; anything else does not
    /// exist.</summary>
    private object? LayerAttribute(PyInstance self, string name)
    {
        var state = State(self);
        if (state.Kind == KerasKind.Layer && PlainConfigAttributes.Contains(name) && state.Core?.Config?.Raw(name) is JsonValue value)
            return FromJson(value);
        return UnmodelledAttributes.Contains(name)
            ? _py.NewUnknown($"{state.Name}.{name}", "this attribute of a Keras object is not modelled here")
            : throw _py.AttributeError(self, name);
    }

    private static readonly HashSet<string> UnmodelledAttributes =
    [
        "optimizer", "history", "stop_training", "metrics_names", "metrics", "loss", "losses", "input_spec", "kernel", "bias",
        "embeddings", "non_trainable_variables", "compute_dtype", "dtype_policy", "run_eagerly",
    ];

    private void DefineModelClass()
    {
        var d = ModelClass.Dict;
        d["__init__"] = Method("Model.__init__", ModelInit);
        d["summary"] = Method("Model.summary", Summary);
        d["layers"] = Property("layers", LayersOf);
        d["inputs"] = Property("inputs", p => new PyList(BuiltModel(p, "list its inputs").Inputs.Select(t => (object?)Tensor(t)).ToList()));
        d["outputs"] = Property("outputs", p => new PyList(BuiltModel(p, "list its outputs").Outputs.Select(t => (object?)Tensor(t)).ToList()));
        d["build"] = Method("Model.build", (p, a) =>
        {
            var shape = a.Get(0, "input_shape") ?? throw _py.TypeError("build() needs input_shape");
            if (shape is PyList l && l.Items.Count > 0 && l.Items[0] is PyTuple or PyList)
                throw _py.Raise("NotImplementedError", "build() with several input shapes is not supported; call the model on keras.Input tensors");
            Build(p, Dims(shape, "build(input_shape)"));
            return null;
        });
        d["compile"] = UnknownsAccepted("Model.compile", Compile);
        // Training runs nothing here; its first step builds the optimizer (Keras 3 then prints its variables).
        foreach (var name in new[] { "fit", "fit_generator", "train_on_batch" })
            d[name] = UnknownsAccepted("Model." + name, (p, a) => Train(p, a, name));
        foreach (var name in new[] { "evaluate", "predict", "test_on_batch", "predict_on_batch", "evaluate_generator", "predict_generator", "to_json", "to_yaml", "get_weights" })
            d[name] = UnknownsAccepted("Model." + name, (_, _) => _py.NewUnknown($"model.{name}(...)", "models are not run here"));
        // Files are never read or written: saving does nothing, and loaded weights change no shape or count.
        foreach (var name in new[] { "save", "save_weights", "load_weights", "export", "set_weights", "reset_states" })
            d[name] = UnknownsAccepted("Model." + name, (_, _) => null);

        SequentialClass.Dict["add"] = Method("Sequential.add", (p, a) => { AddToSequential(p, a.Positional[0]); return null; });
        SequentialClass.Dict["pop"] = Method("Sequential.pop", (p, _) =>
        {
            var state = State(p);
            ForgetBuiltSequential(state);
            var last = state.SequentialLayers[^1];
            state.SequentialLayers.RemoveAt(state.SequentialLayers.Count - 1);
            return last;
        });
    }
}
