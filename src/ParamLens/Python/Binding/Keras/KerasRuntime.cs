using System.Numerics;
using System.Text.Json.Nodes;
using ParamLens.Building;
using ParamLens.Graph;
using ParamLens.Layers;
using static ParamLens.Python.Operators;

namespace ParamLens.Python.Keras;

/// <summary>
/// The Keras API as interpreted code sees it. Every layer is made through <see cref="KerasSession"/> and so through the
/// layer declarations of the catalog; keyword arguments become the layer's config, positional ones fill the leading
/// config keys (<see cref="LayerArguments"/>). Records every model built and every summary asked for.
/// </summary>
public sealed partial class KerasRuntime
{
    private readonly Interpreter _py;
    private readonly Dictionary<Layer, PyInstance> _wrappers = [];
    private readonly Dictionary<string, int> _subclassNames = [];
    /// <summary>How many custom layer or subclassed model calls are being traced: operations inside a call run on backend
    /// tensors in Keras, so they are neither named nor refused as they are in a functional graph.</summary>
    private int _traceDepth;
    private readonly Func<Model, SummaryArguments, string> _renderSummary;

    public KerasRuntime(Interpreter interpreter, KerasVersion version, Func<Model, SummaryArguments, string> renderSummary)
    {
        _py = interpreter;
        Version = version;
        Session = new KerasSession(version);
        _renderSummary = renderSummary;
        var obj = (PyClass)_py.Builtins.Dict["object"]!;
        TensorClass = new PyClass("KerasTensor", [obj], "keras");
        LayerClass = new PyClass("Layer", [obj], "keras.layers") { Construct = ConstructCustomLayer };
        ModelClass = new PyClass("Model", [LayerClass], "keras") { Construct = ConstructModel };
        SequentialClass = new PyClass("Sequential", [ModelClass], "keras") { Construct = ConstructSequential };
        WeightClass = new PyClass("Variable", [obj], "keras");
        TensorShapeClass = new PyClass("TensorShape", [obj], "tensorflow");
        DefineTensorClass();
        DefineTensorShapeClass();
        DefineLayerClass();
        DefineModelClass();
        RegisterModules();
        _py.BuildsModel = BuildsModel;
        _py.ModelFailureSkipped = ModelFailureSkipped;
        _py.UnknownCalled = (unknown, args) =>
        {
            if (unknown.Expression.StartsWith("keras.", StringComparison.Ordinal) || unknown.Expression.StartsWith("tensorflow.", StringComparison.Ordinal))
                SettingChanged(unknown.Expression[(unknown.Expression.LastIndexOf('.') + 1)..], args);
        };
        _py.UnknownSummary = unknown => UnprintedSummaries.Add(
            $"line {_py.CurrentPosition.Line}: {unknown.Expression}.summary() was not printed: {unknown.Expression} is not known ({unknown.Origin})");
    }

    /// <summary>Summaries the code asked for that could not be printed exactly (the model is unknown, or was built
    /// from data whose shape is unknown), one line each.</summary>
    public List<string> UnprintedSummaries { get; } = [];

    /// <summary>Keras functions that do not build models: data, training and settings.</summary>
    private static readonly string[] NonModelFunctions =
        ["keras.utils.", "keras.datasets.", "keras.preprocessing.", "keras.callbacks.", "keras.optimizers.", "keras.losses.", "keras.metrics."];

    /// <summary>Functions that compute on tensors: they build part of a model only when given a Keras tensor (on data
    /// they compute values, which are unknown here).</summary>
    private static readonly string[] OperationFunctions = ["tensorflow.", "keras.ops.", "keras.backend.", "keras.activations."];

    /// <summary>Whether a callable with these arguments, or an object being configured, builds or changes a model:
    /// layer classes, the methods of layers, models and tensors, the Keras functions that make layers or models, and
    /// operations on Keras tensors.</summary>
    private bool BuildsModel(object? target, Args args) => target switch
    {
        PyBuiltin { AcceptsUnknown: true } or PyBoundMethod { Function: PyBuiltin { AcceptsUnknown: true } } => false,
        PyBoundMethod m => IsModelPart(m.Self),
        PyClass c => c.IsSubclassOf(LayerClass),
        PyBuiltin b when OperationFunctions.Any(p => b.Name.StartsWith(p, StringComparison.Ordinal)) =>
            args.Positional.Concat(args.Keywords.Select(k => k.Value)).Any(v => IsModelPart(v) || v is PyList or PyTuple && _py.ToList(v).Any(IsModelPart)),
        PyBuiltin b => b.Name.StartsWith("keras.", StringComparison.Ordinal) && !NonModelFunctions.Any(p => b.Name.StartsWith(p, StringComparison.Ordinal)),
        _ => IsModelPart(target),
    };

    private bool IsModelPart(object? value) => value is PyInstance { Native: KerasObject or KerasTensor } || (value is PyInstance p && p.Class == WeightClass);

    public KerasVersion Version { get; }
    public KerasSession Session { get; private set; }
    public PyClass TensorClass { get; }
    public PyClass LayerClass { get; }
    public PyClass ModelClass { get; }
    public PyClass SequentialClass { get; }
    public PyClass WeightClass { get; }
    public PyClass TensorShapeClass { get; }
    private readonly Dictionary<string, PyClass> _layerClasses = [];

    /// <summary>Every model the code built, in the order they were built.</summary>
    public List<(Model Model, PyInstance Object)> Models { get; } = [];
    public List<SummaryRequest> Summaries { get; } = [];

    // ---------- helpers ----------

    private PyException Error(string message) => _py.ValueError(message);

    private static KerasObject State(object? self) =>
        self is PyInstance { Native: KerasObject k } ? k : throw new InvalidOperationException("not a Keras object");

    private PyBuiltin Method(string name, Func<PyInstance, Args, object?> body) =>
        new(name, (_, a) => body((PyInstance)a.Positional[0]!, new Args(a.Positional.Skip(1).ToList(), a.Keywords)), isMethod: true);

    /// <summary>A method that builds nothing (training, saving, reading values): unknown arguments are welcome.</summary>
    private PyBuiltin UnknownsAccepted(string name, Func<PyInstance, Args, object?> body) =>
        new(name, (_, a) => body((PyInstance)a.Positional[0]!, new Args(a.Positional.Skip(1).ToList(), a.Keywords)), isMethod: true) { AcceptsUnknown = true };

    private PyProperty Property(string name, Func<PyInstance, object?> getter, Action<PyInstance, object?>? setter = null) =>
        new(new PyBuiltin(name, (_, a) => getter((PyInstance)a.Positional[0]!)),
            setter is null ? null : new PyBuiltin(name + ".setter", (_, a) => { setter((PyInstance)a.Positional[0]!, a.Positional[1]); return null; }));

    public PyInstance Tensor(KerasTensor t) => new(TensorClass) { Native = t };

    public KerasTensor AsTensor(object? value, string what) => value is PyInstance { Native: KerasTensor t }
        ? t
        : throw _py.TypeError($"{what} expects a Keras tensor (from keras.Input or a layer call), got {_py.TypeName(value)}");

    private List<KerasTensor> Tensors(object? value, string what) => value switch
    {
        PyInstance { Native: KerasTensor t } => [t],
        PyList or PyTuple => _py.ToList(value).SelectMany(v => Tensors(v, what)).ToList(),
        PyDict d => d.Items.Values.SelectMany(v => Tensors(v, what)).ToList(),
        _ => throw _py.TypeError($"{what} expects Keras tensors, got {_py.TypeName(value)}"),
    };

    private object? TensorResult(IReadOnlyList<KerasTensor> outputs) =>
        outputs.Count == 1 ? Tensor(outputs[0]) : new PyList(outputs.Select(t => (object?)Tensor(t)).ToList());

    public static PyTuple ShapeTuple(Shapes.Shape shape) =>
        new([.. shape.Select(d => d is null ? null : (object?)new BigInteger(d.Value))]);

    /// <summary>A shape argument (<c>(64, 64, 3)</c>, <c>[None, 10]</c>, <c>784</c>) as dims.</summary>
    public long?[] Dims(object? value, string what) => value switch
    {
        PyTuple or PyList => _py.ToList(value).Select(v => v is null ? (long?)null : IsInt(v) ? (long)ToBig(v) : throw _py.TypeError($"{what}: dimensions must be integers or None, not {_py.TypeName(v)}")).ToArray(),
        _ when IsInt(value) => [(long)ToBig(value)],
        _ => throw _py.TypeError($"{what}: expected a shape tuple, got {_py.TypeName(value)}"),
    };

    /// <summary>A Python value as config JSON (what a Keras config would hold).</summary>
    public JsonNode? ToJson(object? value)
    {
        // Deeply nested config values fail cleanly (RecursionError) instead of exhausting the host stack.
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        return ToJsonValue(value);
    }

    private JsonNode? ToJsonValue(object? value) => value switch
    {
        null => null,
        bool b => JsonValue.Create(b),
        BigInteger i => i >= long.MinValue && i <= long.MaxValue ? JsonValue.Create((long)i) : throw Error("an integer in a layer config is too large"),
        double d => JsonValue.Create(d),
        string s => JsonValue.Create(s),
        PyTuple or PyList => new JsonArray(_py.ToList(value).Select(ToJson).ToArray()),
        PyDict d => new JsonObject(d.Items.Select(p => KeyValuePair.Create(p.Key as string ?? _py.Str(p.Key), ToJson(p.Value)))),
        PyInstance { Native: JsonObject serialized } => serialized.DeepClone(),
        PyInstance { Native: KerasObject k } when k.Core is { Config: { } config } core => new JsonObject { ["class_name"] = core.ClassName, ["config"] = config.Values.DeepClone() },
        PyBuiltin { Name: var n } when n.StartsWith("keras.activations.", StringComparison.Ordinal) => n["keras.activations.".Length..],
        // tf.nn.relu, tf.math.sigmoid, keras.ops.softmax … given as a layer's activation: Keras stores the function's name.
        PyBuiltin { Name: var n } when (n.StartsWith("tensorflow.", StringComparison.Ordinal) || n.StartsWith("keras.ops.", StringComparison.Ordinal))
            && ActivationNames.Contains(n[(n.LastIndexOf('.') + 1)..]) => n[(n.LastIndexOf('.') + 1)..],
        PyBuiltin { Name: var n } when n.StartsWith("numpy.", StringComparison.Ordinal) => Numpy.DTypeName(value),
        PyFunction f => f.Name,
        PyInstance { Native: ArrayShape } => throw Error("a numpy array cannot go into a layer config (this interpreter knows array shapes, not values)"),
        _ => JsonValue.Create(_py.Str(value)),
    };

    private object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonArray a => new PyList(a.Select(FromJson).ToList()),
        JsonObject o => FromJsonObject(o),
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<long>(out var l) => new BigInteger(l),
        JsonValue v when v.TryGetValue<int>(out var i) => new BigInteger(i),
        JsonValue v when v.TryGetValue<double>(out var d) => d == Math.Floor(d) && v.ToJsonString().All(c => char.IsDigit(c) || c == '-') ? new BigInteger(d) : d,
        _ => node.ToJsonString(),
    };

    private PyDict FromJsonObject(JsonObject o)
    {
        var d = new PyDict();
        foreach (var (k, v) in o) d.Items[k] = FromJson(v);
        return d;
    }

    /// <summary>The Python object for a graph layer (the same object each time).</summary>
    public PyInstance Wrap(Layer layer)
    {
        if (_wrappers.TryGetValue(layer, out var w)) return w;
        var cls = _layerClasses.TryGetValue(layer.ClassName, out var c) ? c : layer is Model ? ModelClass : LayerClass;
        var kind = layer is Model m ? (m.Kind == ModelKind.Sequential ? KerasKind.Sequential : KerasKind.Functional) : KerasKind.Layer;
        w = new PyInstance(cls) { Native = new KerasObject(kind, layer.Name) { Core = layer } };
        _wrappers[layer] = w;
        return w;
    }

    private void Register(Layer layer, PyInstance wrapper) => _wrappers[layer] = wrapper;

    private string SubclassName(string className)
    {
        var baseName = KerasNaming.SnakeCase(className);
        var n = _subclassNames.GetValueOrDefault(baseName);
        _subclassNames[baseName] = n + 1;
        if (Version.IsStandalone) return $"{baseName}_{n + 1}";
        return n == 0 ? baseName : $"{baseName}_{n}";
    }

    private void RecordModel(Model model, PyInstance wrapper)
    {
        if (Models.All(m => m.Model != model)) Models.Add((model, wrapper));
    }

    // ---------- layers ----------

    /// <summary>A built-in layer class (<c>Dense</c>, <c>Conv2D</c>, …): calling it makes the graph layer through the session.</summary>
    private PyClass DeclaredLayerClass(string pythonName)
    {
        var className = LayerArguments.CanonicalClass(pythonName);
        if (_layerClasses.TryGetValue(pythonName, out var existing)) return existing;
        var cls = new PyClass(pythonName, [LayerClass], "keras.layers")
        {
            Construct = (i, c, args) =>
            {
                if (c.Name != pythonName && !c.Mro.Any(k => k.Name == pythonName && k.ModuleName == "keras.layers"))
                    throw i.TypeError($"subclassing the built-in layer {pythonName} is not supported; subclass keras.layers.Layer instead");
                if (c.Mro[0] != _layerClasses[pythonName])
                    throw i.TypeError($"subclassing the built-in layer {pythonName} is not supported; subclass keras.layers.Layer instead");
                return NewLayer(className, args);
            },
        };
        _layerClasses[pythonName] = cls;
        if (className != pythonName) _layerClasses.TryAdd(className, cls);
        return cls;
    }

    /// <summary>Makes a graph layer of a declared class from Python arguments.</summary>
    public PyInstance NewLayer(string className, Args args)
    {
        var keys = LayerArguments.For(className, Version);
        if (args.Positional.Count > keys.Count)
            throw _py.TypeError($"{className}() takes at most {keys.Count} positional arguments ({string.Join(", ", keys)}), got {args.Positional.Count}");
        var config = new JsonObject();
        for (var n = 0; n < args.Positional.Count; n++) config[keys[n]] = ToJson(args.Positional[n]);
        long?[]? inputShape = null;
        long? batchSize = null;
        foreach (var (key, value) in args.Keywords)
        {
            switch (key)
            {
                case "input_shape" when className != "InputLayer": inputShape = Dims(value, "input_shape"); break; // InputLayer keeps it: its own shape
                case "input_dim" when className != "Embedding": inputShape = [(long)ToBig(value)]; break; // Keras 1/2 shorthand for input_shape; Embedding's own key
                case "batch_input_shape" or "batch_shape" when className != "InputLayer":
                    var dims = Dims(value, key);
                    batchSize = dims.Length > 0 ? dims[0] : null;
                    inputShape = dims.Skip(1).ToArray();
                    break;
                case "batch_size" when className != "InputLayer": batchSize = value is null ? null : (long)ToBig(value); break;
                case "input_length" when className == "Embedding": config[key] = ToJson(value); inputShape ??= value is null ? [null] : [(long)ToBig(value)]; break;
                // Keras lower-cases a padding mode when the layer is made (normalize_padding / standardize_padding): 'SAME' is 'same'.
                case "padding" when value is string mode: config[key] = mode.ToLowerInvariant(); break;
                default: config[key] = ToJson(value); break;
            }
        }
        // Keras 2's Embedding constructor gives itself input_shape=(input_length,), or (None,) without a length, so a
        // Sequential that starts with one is built at once (reference: layer catalog G11); Keras 3 does not.
        if (className == "Embedding" && !Version.IsKeras3) inputShape ??= [null];
        if (className == "InputLayer") return NewInputLayer(config);
        var declaration = LayerCatalog.Find(className)
            ?? throw _py.Raise("NotImplementedError", $"the Keras layer class {className} is not declared in ParamLens yet, so its shapes and parameters are unknown");
        var layer = Session.Layer(declaration.ClassName, config);
        var wrapper = new PyInstance(_layerClasses.GetValueOrDefault(className) ?? DeclaredLayerClass(className))
        {
            Native = new KerasObject(KerasKind.Layer, layer.Name) { Core = layer, InputShape = inputShape, BatchSize = batchSize },
        };
        if (declaration.ClassName == "Lambda" && args.Get(0, "function") is { } function && function is PyFunction or PyBuiltin or PyBoundMethod)
            State(wrapper).LambdaFunction = (function, args.Kw("arguments"));
        Register(layer, wrapper);
        return wrapper;
    }

    /// <summary><c>InputLayer(...)</c> used as a Sequential's first layer: carries the input shape.</summary>
    private PyInstance NewInputLayer(JsonObject config)
    {
        var shape = config["shape"] ?? config["input_shape"];
        var batch = config["batch_shape"] ?? config["batch_input_shape"];
        long?[] Read(JsonNode node) => node is JsonArray a ? a.Select(n => n is null ? (long?)null : n.GetValue<long>()).ToArray() : [node.GetValue<long>()];
        long?[] dims = shape is not null ? Read(shape) : batch is not null ? Read(batch).Skip(1).ToArray() : throw Error("InputLayer needs a shape");
        var name = config["name"]?.GetValue<string>();
        var tensor = Session.Input(dims, name, batch is not null ? Read(batch)[0] : null);
        var wrapper = Wrap(tensor.Node.Layer);
        State(wrapper).InputShape = dims;
        return wrapper;
    }

    private object? ConstructCustomLayer(Interpreter i, PyClass cls, Args args)
    {
        if (cls == LayerClass) throw i.TypeError("keras.layers.Layer is a base class: subclass it and define call()");
        return new PyInstance(cls) { Native = new KerasObject(KerasKind.CustomLayer, () => SubclassName(cls.Name)) { ClassName = cls.Name } };
    }

    /// <summary>The base <c>__init__</c> of layers and models: name, trainable, dtype and input_shape.</summary>
    private object? LayerInit(PyInstance self, Args args)
    {
        var state = State(self);
        if (args.Kw("name") is string name) state.Name = name;
        else _ = state.Name; // the automatic name is taken here, in the order the objects are initialized
        if (args.HasKw("trainable")) state.Trainable = _py.Truthy(args.Kw("trainable"));
        if (args.HasKw("input_shape")) state.InputShape = Dims(args.Kw("input_shape"), "input_shape");
        return null;
    }

    /// <summary><c>layer(inputs)</c>: records a call in the graph and returns the output tensor(s).</summary>
    /// <summary>A layer or model called on data (a numpy array, or values not computed here) computes values, which are
    /// unknown here; a model not built yet is built by that call on data whose shape is not known. Data mixed with
    /// Keras tensors cannot be derived.</summary>
    private PyUnknown? EagerCall(PyInstance self, object? inputs)
    {
        var state = State(self);
        var items = inputs is PyList or PyTuple ? _py.ToList(inputs) : [inputs];
        var data = items.FirstOrDefault(i => i is PyUnknown or PyInstance { Native: ArrayShape });
        if (data is null) return null;
        // Inside a custom layer's call the inputs are the traced tensors: anything else there would shape the model.
        if (_traceDepth > 0)
            throw new UnderivableModelStop($"layer '{state.Name}' at line {_py.CurrentPosition.Line} is called on {_py.Repr(data)} inside a call() being traced; the model cannot be derived");
        if (items.Any(IsModelPart))
            throw new UnderivableModelStop($"layer '{state.Name}' at line {_py.CurrentPosition.Line} is called on Keras tensors together with {_py.Repr(data)}, which is not a tensor");
        var model = state.Kind == KerasKind.Sequential ? SequentialModel(self) : state.Core as Model;
        if (state.Kind is KerasKind.Sequential or KerasKind.SubclassedModel && model is not { IsBuilt: true })
            state.BuiltFromUnknownData = true;
        return data is PyUnknown u ? u.Derive($"{state.Name}(...)") : _py.NewUnknown($"{state.Name}(...)", "layers are not run on data here");
    }

    public object? CallLayer(PyInstance self, Args args)
    {
        var state = State(self);
        var inputsArg = args.Positional.Count switch
        {
            0 => args.Kw("inputs") ?? throw _py.TypeError($"layer '{state.Name}' was called without inputs"),
            1 => args.Positional[0],
            _ => new PyList(args.Positional.TakeWhile(p => p is PyInstance { Native: KerasTensor }).ToList()),
        };
        if (state.Kind is KerasKind.Layer && state.Core?.ClassName == "MultiHeadAttention" && args.Positional.Count == 1 && args.HasKw("value"))
            inputsArg = new PyList([args.Positional[0], args.Kw("value"), .. args.HasKw("key") ? new[] { args.Kw("key") } : []]);
        if (EagerCall(self, inputsArg) is { } computed) return computed;
        var inputs = Tensors(inputsArg, $"layer '{state.Name}'");
        switch (state.Kind)
        {
            case KerasKind.Layer:
            case KerasKind.Functional:
                TraceLambda(state, inputs.Select(t => t.Shape).ToList(), inputsArg is PyList or PyTuple);
                return TensorResult(state.Core!.Call([.. inputs]));
            case KerasKind.Sequential:
            {
                if (state.Core is not Model { IsBuilt: true } && inputs.Count == 1) TraceCustomLayersOf(self, inputs[0].Shape);
                var model = SequentialModel(self);
                var outputs = model.Call([.. inputs]);
                if (model.IsBuilt) RecordModel(model, self);
                return TensorResult(outputs);
            }
            default:
            {
                var core = TraceSubclass(self, inputs.Select(t => t.Shape).ToList(), inputsArg is PyList or PyTuple);
                return TensorResult(core.Call([.. inputs]));
            }
        }
    }

    /// <summary>
    /// A subclassed model or custom layer becomes a graph by running its <c>call</c> on fresh inputs of the given shapes
    /// (with the batch axis), after its <c>build</c> (Keras builds a layer at its first call); its class name is the Python
    /// class, its layers are those its attributes hold, in assignment order (Keras <c>_flatten_layers</c> over the tracked
    /// layers, in Keras 3 and tf.keras alike), and its own weights are those its code made with <c>add_weight</c>.
    /// </summary>
    private Model TraceSubclass(PyInstance self, IReadOnlyList<Shapes.Shape> shapes, bool asList)
    {
        var state = State(self);
        if (state.Core is Model existing) return existing;
        var inputs = shapes.Select((s, n) => Session.Input(s.Skip(1).ToArray(), $"{state.Name}_input{(shapes.Count > 1 ? "_" + n : "")}", s.Rank > 0 ? s[0] : null)).ToList();
        _traceDepth++;
        try
        {
            var userBuild = self.Class.Lookup("build", out var owner);
            if (userBuild is PyFunction && owner != LayerClass && owner != ModelClass)
                _py.Call(_py.Bind(userBuild, self, self.Class), new Args([shapes.Count == 1 ? BuildShape(shapes[0]) : new PyList(shapes.Select(s => BuildShape(s)).ToList())], []));
            var call = self.Class.Lookup("call", out _) ?? throw _py.Raise("NotImplementedError", $"{self.Class.Name} has no call() method");
            var argument = asList || inputs.Count > 1 ? new PyList(inputs.Select(t => (object?)Tensor(t)).ToList()) : (object?)Tensor(inputs[0]);
            // tf.keras passes `training` itself when call() declares it without a default (the signature's default,
            // None); Keras 3 binds the signature and fails as Python does.
            var passTraining = !Version.IsKeras3 && !Version.IsStandalone && call is PyFunction f
                && f.Parameters.Select((p, n) => (p, n)).Any(x => x.p.Name == "training" && x.p.Kind is ParameterKind.Positional or ParameterKind.KeywordOnly
                                                            && f.Defaults[x.n] == PyFunction.NoDefault);
            var result = _py.Call(_py.Bind(call, self, self.Class), new Args([argument], passTraining ? [new("training", null)] : []));
            var outputs = Tensors(result, $"{self.Class.Name}.call()");
            CheckDeclaredOutputShape(self, shapes, outputs);
            var tracked = TrackedLayers(state).Select(l => State(l).Kind == KerasKind.Sequential ? SequentialModel(l) : State(l).Core).OfType<Layer>().ToList();
            var model = Model.Subclassed(state.Name, inputs, outputs, Version, state.ClassName ?? self.Class.Name, tracked, state.OwnWeights);
            if (state.Trainable is bool t) model.Trainable = t;
            state.Core = model;
            Register(model, self);
            return model;
        }
        finally { _traceDepth--; }
    }

    /// <summary>
    /// A <c>Lambda</c> whose output shape is not given: Keras runs its function on placeholder inputs to find it (Keras 3
    /// <c>compute_output_spec</c>, tf.keras and standalone Keras alike), so it runs here on fresh inputs and the shapes
    /// it gives (without the batch axis) become the layer's <c>output_shape</c>. Done once, at the first call.
    /// </summary>
    private void TraceLambda(KerasObject state, IReadOnlyList<Shapes.Shape> shapes, bool asList)
    {
        if (state.LambdaFunction is not var (function, arguments) || state.Core?.Config is not { } config || config.Has("output_shape")) return;
        var inputs = shapes.Select((s, n) => Session.Input(s.Skip(1).ToArray(), $"{state.Name}_input{(shapes.Count > 1 ? "_" + n : "")}", s.Rank > 0 ? s[0] : null)).ToList();
        _traceDepth++;
        try
        {
            var argument = asList || inputs.Count > 1 ? new PyList(inputs.Select(t => (object?)Tensor(t)).ToList()) : (object?)Tensor(inputs[0]);
            var keywords = arguments is PyDict d ? d.Items.Select(p => KeyValuePair.Create(p.Key as string ?? _py.Str(p.Key), p.Value)).ToList() : [];
            var outputs = Tensors(_py.Call(function, new Args([argument], keywords)), $"the function of Lambda layer '{state.Name}'");
            config.Values["output_shape"] = outputs.Count == 1 ? ShapeJson(outputs[0].Shape.Skip(1))
                : new JsonArray([.. outputs.Select(o => (JsonNode)ShapeJson(o.Shape.Skip(1)))]);
        }
        finally { _traceDepth--; }
    }

    /// <summary>Keras 3 and standalone Keras take a layer's output shape from its own <c>compute_output_shape</c> when it has
    /// one; tf.keras runs <c>call</c>. The shapes are taken from <c>call</c> here, so a <c>compute_output_shape</c> that
    /// disagrees with them is an error rather than a silently different answer.</summary>
    private void CheckDeclaredOutputShape(PyInstance self, IReadOnlyList<Shapes.Shape> inputs, IReadOnlyList<KerasTensor> outputs)
    {
        if (!(Version.IsKeras3 || Version.IsStandalone) || self.Class.Lookup("compute_output_shape", out var owner) is not PyFunction method
            || owner == LayerClass || owner == ModelClass) return;
        var declared = _py.Call(_py.Bind(method, self, self.Class),
            new Args([inputs.Count == 1 ? ShapeTuple(inputs[0]) : new PyList(inputs.Select(s => (object?)ShapeTuple(s)).ToList())], []));
        var items = declared is PyList or PyTuple ? _py.ToList(declared) : [];
        var several = items.Count > 0 && items.All(i => i is PyList or PyTuple);
        var shapes = (several ? items : [declared]).Select(d => new Shapes.Shape(Dims(d, $"{self.Class.Name}.compute_output_shape()"))).ToList();
        bool Agree(Shapes.Shape a, Shapes.Shape b) => a.Rank == b.Rank && a.Zip(b).All(p => p.First is null || p.Second is null || p.First == p.Second);
        if (shapes.Count != outputs.Count || !shapes.Zip(outputs).All(p => Agree(p.First, p.Second.Shape)))
            throw _py.ValueError($"{self.Class.Name}.compute_output_shape() gives {string.Join(", ", shapes)} but its call() gives " +
                $"{string.Join(", ", outputs.Select(o => o.Shape))}; Keras {Version.Text} would print the first, the computation makes the second");
    }

    /// <summary>The input shape <c>build</c> receives: a tuple in Keras 3 and standalone Keras, a <c>TensorShape</c> in tf.keras
    /// (indexing either gives an int or None, so <c>input_shape[-1]</c> works in both).</summary>
    private object? BuildShape(Shapes.Shape shape) =>
        Version.IsKeras3 || Version.IsStandalone ? ShapeTuple(shape) : new PyInstance(TensorShapeClass) { Native = shape };

    // ---------- models ----------

    /// <summary>Every model object made so far: a skipped failure while building a model may have changed any of them.</summary>
    private readonly List<KerasObject> _modelObjects = [];

    private PyInstance Remembered(PyInstance model)
    {
        _modelObjects.Add(State(model));
        return model;
    }

    /// <summary>A statement that failed while building or changing a model was skipped: the models that exist may be
    /// half changed by it, so their summaries are not printed from now on.</summary>
    private void ModelFailureSkipped(string line)
    {
        foreach (var state in _modelObjects) state.ChangedBySkippedFailure ??= line;
    }

    private object? ConstructModel(Interpreter i, PyClass cls, Args args)
    {
        if (cls != ModelClass)
            return Remembered(new PyInstance(cls) { Native = new KerasObject(KerasKind.SubclassedModel, () => SubclassName(cls.Name)) { ClassName = cls.Name } });
        var inputs = args.Get(0, "inputs") ?? throw i.TypeError("Model() needs inputs and outputs (or subclass keras.Model)");
        var outputs = args.Get(1, "outputs") ?? throw i.TypeError("Model() needs outputs");
        var self = Remembered(new PyInstance(cls) { Native = new KerasObject(KerasKind.Functional, "") });
        return MakeFunctional(self, inputs, outputs, args.Kw("name") as string, args.HasKw("trainable") ? i.Truthy(args.Kw("trainable")) : null);
    }

    private PyInstance MakeFunctional(PyInstance self, object? inputs, object? outputs, string? name, bool? trainable)
    {
        var model = Session.Model([.. Tensors(inputs, "Model(inputs=...)")], [.. Tensors(outputs, "Model(outputs=...)")], name);
        if (trainable is bool t) model.Trainable = t;
        var state = State(self);
        state.Core = model;
        state.Name = model.Name;
        // A Sequential that starts with this model is built from its input, as Keras builds it (tf.keras recovers the
        // first layer's batch input shape; Keras 3 reads the model's input_shape).
        if (model.Inputs is [{ Shape: { IsUnknownRank: false, Rank: > 0 } shape }])
            (state.InputShape, state.BatchSize) = (shape.Skip(1).ToArray(), shape[0]);
        Register(model, self);
        RecordModel(model, self);
        return self;
    }

    private object? ModelInit(PyInstance self, Args args)
    {
        var state = State(self);
        if (args.Get(0, "inputs") is { } inputs && args.Get(1, "outputs") is { } outputs)
        {
            MakeFunctional(self, inputs, outputs, args.Kw("name") as string ?? (state.Kind == KerasKind.SubclassedModel ? state.Name : null), null);
            state.ClassName = self.Class.Name;
            return null;
        }
        return LayerInit(self, args);
    }

    private object? ConstructSequential(Interpreter i, PyClass cls, Args args)
    {
        var name = args.Get(1, "name") as string ?? Session.Sequential([]).Name;
        var self = Remembered(new PyInstance(cls) { Native = new KerasObject(KerasKind.Sequential, name) });
        if (args.Get(0, "layers") is { } layers)
            foreach (var layer in i.ToList(layers)) AddToSequential(self, layer);
        if (args.HasKw("trainable")) State(self).Trainable = i.Truthy(args.Kw("trainable"));
        return self;
    }

    private void AddToSequential(PyInstance self, object? layer)
    {
        var state = State(self);
        ForgetBuiltSequential(state);
        switch (layer)
        {
            case PyInstance { Native: KerasTensor t } when state.SequentialLayers.Count == 0 && t.Node.IsInput:
                state.SequentialLayers.Add(Wrap(t.Node.Layer));
                State(Wrap(t.Node.Layer)).InputShape ??= t.Shape.Skip(1).ToArray();
                break;
            case PyInstance { Native: KerasObject } p:
                state.SequentialLayers.Add(p);
                break;
            default:
                throw _py.TypeError($"Sequential.add expects a layer, got {_py.TypeName(layer)}");
        }
    }

    /// <summary>A built Sequential changed by <c>add</c> or <c>pop</c> is built again on the same input, as Keras does
    /// (each summary shows the model as it is then); summaries taken before keep the model as it was.</summary>
    private void ForgetBuiltSequential(KerasObject state)
    {
        if (state.Core is Model { IsBuilt: true } built)
        {
            state.RebuildInput = built.Inputs[0];
            Models.RemoveAll(m => m.Model == built);
        }
        state.Core = null;
    }

    /// <summary>The graph of a Sequential model: built when its input shape is known (an Input or input_shape on the first
    /// layer), else an unbuilt model that builds on its first call.</summary>
    private Model SequentialModel(PyInstance self)
    {
        var state = State(self);
        if (state.Core is Model existing) return existing;
        var items = state.SequentialLayers;
        Model model;
        var first = items.Count > 0 ? State(items[0]) : null;
        if (first is { Core.ClassName: "InputLayer" })
            TraceCustomLayersOf(self, first.Core.InboundNodes[0].Outputs[0].Shape);
        else if (first?.InputShape is { } known)
            TraceCustomLayersOf(self, new Shapes.Shape([first.BatchSize, .. known]));
        if (items.FirstOrDefault(l => State(l) is { Kind: KerasKind.CustomLayer, Core: null }) is { } untraced)
            throw Error($"the custom layer '{State(untraced).Name}' in Sequential model '{state.Name}' is built from the shape that reaches it, " +
                "so the model needs its input shape first: an Input, input_shape= on the first layer, or model.build(...)");
        if (first is { Core.ClassName: "InputLayer" })
        {
            var input = (Model)Session.Sequential(items.Skip(1).Select(l => CoreOf(l)).ToList(), state.Name);
            model = input;
            model.BuildSequential(first.Core.InboundNodes[0].Outputs[0]);
        }
        else if (state.RebuildInput is { } input)
        {
            model = Session.Sequential(items.Select(CoreOf).ToList(), state.Name);
            model.BuildSequential(input);
        }
        else if (first?.InputShape is { } shape)
            model = Session.Sequential(items.Select(CoreOf).ToList(), state.Name, shape);
        else
            model = Session.Sequential(items.Select(CoreOf).ToList(), state.Name);
        if (state.Trainable is bool t) model.Trainable = t;
        state.Core = model;
        Register(model, self);
        if (model.IsBuilt) RecordModel(model, self);
        return model;
    }

    /// <summary>Custom layers in a Sequential are built and traced in order on the shape that reaches them (found through
    /// the declared layers before them), so the Sequential can chain them like any layer. Stops at a nested model.</summary>
    private void TraceCustomLayersOf(PyInstance sequential, Shapes.Shape batchShape)
    {
        var shape = batchShape;
        foreach (var item in State(sequential).SequentialLayers)
        {
            var s = State(item);
            if (s.Core?.ClassName == "InputLayer") continue;
            if (s.Kind == KerasKind.CustomLayer)
                shape = TraceSubclass(item, [shape], asList: false).Outputs[0].Shape;
            else if (s.Kind == KerasKind.Layer && s.Core is { Declaration: { } declaration, Config: { } config })
            {
                TraceLambda(s, [shape], asList: false);
                try { shape = declaration.OutputShapes(new LayerCall(config, [shape]))[0]; }
                catch (ModelException e) { throw ModelException.At($"layer '{s.Name}' ({declaration.ClassName})", e); }
            }
            else return;
        }
    }

    private Layer CoreOf(PyInstance layer)
    {
        var s = State(layer);
        return s.Kind == KerasKind.Sequential ? SequentialModel(layer) : s.Core ?? throw Error($"layer '{s.Name}' cannot be used before it is built");
    }

    /// <summary>The graph of any model object, building it when that is possible without more information.</summary>
    public Model BuiltModel(PyInstance self, string action)
    {
        var state = State(self);
        var model = state.Kind switch
        {
            KerasKind.Sequential => SequentialModel(self),
            _ => state.Core as Model,
        };
        if (model is null || !model.IsBuilt)
            throw Error($"model '{state.Name}' is not built yet, so it cannot {action}: call model.build(input_shape), call it on a keras.Input, " +
                "or give the input shape on the command line (--input-shape)");
        RecordModel(model, self);
        return model;
    }

    /// <summary><c>model.build(input_shape)</c>; also what <c>--input-shape</c> does for an unbuilt model.</summary>
    public void Build(PyInstance self, long?[] batchShape)
    {
        var state = State(self);
        switch (state.Kind)
        {
            case KerasKind.Sequential:
            {
                if (state.Core is not Model { IsBuilt: true }) TraceCustomLayersOf(self, new Shapes.Shape(batchShape));
                var model = SequentialModel(self);
                if (model.IsBuilt) return;
                var firstName = state.SequentialLayers.Count > 0 ? State(state.SequentialLayers[0]).Name : "sequential";
                var input = Session.Input(batchShape.Skip(1).ToArray(), Version.IsKeras3 ? null : firstName + "_input", batchShape.Length > 0 ? batchShape[0] : null);
                model.BuildSequential(input);
                RecordModel(model, self);
                return;
            }
            case KerasKind.SubclassedModel or KerasKind.CustomLayer:
                if (state.Core is not null) return;
                var traced = TraceSubclass(self, [new Shapes.Shape(batchShape)], asList: false);
                if (state.Kind == KerasKind.SubclassedModel) RecordModel(traced, self);
                return;
        }
    }

    /// <summary>At the end of a run: builds the Sequential models whose input shape is known but that nothing needed yet
    /// (Keras builds them as soon as the shape is known), so they count as built models.</summary>
    public void BuildPendingSequentials(IEnumerable<object?> values)
    {
        foreach (var p in values.OfType<PyInstance>().Where(p => p.Native is KerasObject { Kind: KerasKind.Sequential, Core: null }).Distinct().ToList())
        {
            var layers = State(p).SequentialLayers;
            var shapeKnown = layers.Count > 0 && State(layers[0]) is { Core.ClassName: "InputLayer" } or { InputShape: not null };
            // Without an input shape a custom layer cannot be traced: the model stays unbuilt (--input-shape can build it).
            if (shapeKnown || layers.All(l => State(l).Kind != KerasKind.CustomLayer)) SequentialModel(p);
        }
    }

    /// <summary>Models that exist but were never built (subclassed or Sequential without an input shape), so
    /// <c>--input-shape</c> can build them.</summary>
    public IEnumerable<PyInstance> UnbuiltModels(IEnumerable<object?> values) =>
        values.OfType<PyInstance>().Where(p => p.Native is KerasObject { Kind: KerasKind.Sequential or KerasKind.SubclassedModel } k
            && (k.Core is not Model m || !m.IsBuilt)).Distinct();

    private object? Summary(PyInstance self, Args args)
    {
        if (UnprintableReason(self) is { } why)
        {
            UnprintedSummaries.Add($"line {_py.CurrentPosition.Line}: the summary of model '{State(self).Name}' was not printed: {why}");
            return null;
        }
        // Keras 3 prints an unbuilt Sequential too (its rows "?" and "0 (unbuilt)"); earlier versions raise.
        var model = Version.IsKeras3 && State(self).Kind == KerasKind.Sequential ? SequentialModel(self) : BuiltModel(self, "print a summary");
        model.Optimizer = Version.IsKeras3 ? State(self).Optimizer?.Built : null;
        var arguments = new SummaryArguments(
            args.Get(0, "line_length") is { } ll ? (int)ToBig(ll) : null,
            _py.Truthy(args.Get(3, "expand_nested", false)),
            _py.Truthy(args.Get(4, "show_trainable", false)),
            args.Kw("layer_range") is { } lr ? (_py.ToList(lr) is [string a, string b] ? (a, b) : throw _py.ValueError("layer_range must be two layer names")) : null);
        Summaries.Add(new SummaryRequest(model, arguments, _py.CurrentPosition));
        var text = _renderSummary(model, arguments);
        if (args.Get(2, "print_fn") is { } printFn && printFn is not null)
            foreach (var line in text.TrimEnd('\n').Split('\n')) _py.Call(printFn, new Args([line], []));
        else _py.Print(text);
        return null;
    }

    /// <summary><c>model.layers</c>: what Keras lists for each kind of model.</summary>
    private PyList LayersOf(PyInstance self)
    {
        var state = State(self);
        return state.Kind switch
        {
            KerasKind.Sequential => new PyList(state.SequentialLayers.Where(l => State(l).Core?.ClassName != "InputLayer").Select(l => (object?)l).ToList()),
            KerasKind.SubclassedModel or KerasKind.CustomLayer => new PyList(TrackedLayers(state).Select(l => (object?)l).ToList()),
            // Keras 3 lists only layers: the graph's operations (x + y, x[:, 0]) are printed in summaries but are not layers.
            _ => new PyList(((Model)state.Core!).Layers.Where(l => !(Version.IsKeras3 && l.Declaration is TensorOpDeclaration))
                .Select(l => (object?)Wrap(l)).ToList()),
        };
    }

    /// <summary>Layers assigned to attributes of subclassed models and layers are tracked, as Keras does; so are the
    /// containers assigned to attributes, whose layers are read when the layers are needed (a list filled by
    /// <c>append</c> after its assignment counts).</summary>
    internal void Track(PyInstance owner, object? value)
    {
        if (owner.Native is not KerasObject { Kind: KerasKind.SubclassedModel or KerasKind.CustomLayer } state) return;
        if (value is PyInstance { Native: KerasObject } or PyList or PyTuple or PyDict && !state.Tracked.Contains(value!)) state.Tracked.Add(value!);
    }

    /// <summary>The tracked layers in order: each container's layers at the container's place (tf.keras
    /// <c>_flatten_layers</c> reads a tracked list's contents where the list was assigned), each layer once.</summary>
    private List<PyInstance> TrackedLayers(KerasObject state)
    {
        var layers = new List<PyInstance>();
        void Add(object? item, int depth)
        {
            switch (item)
            {
                case PyInstance { Native: KerasObject } layer when !layers.Contains(layer): layers.Add(layer); break;
                case PyList or PyTuple when depth < 8: foreach (var x in _py.ToList(item)) Add(x, depth + 1); break;
                case PyDict d when depth < 8: foreach (var x in d.Items.Values) Add(x, depth + 1); break;
            }
        }
        foreach (var item in state.Tracked) Add(item, 0);
        return layers;
    }
}
