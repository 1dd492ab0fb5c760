using System.Numerics;
using System.Text.Json.Nodes;
using ParamLens.Building;
using ParamLens.Layers;
using static ParamLens.Python.Operators;

namespace ParamLens.Python.Keras;

public sealed partial class KerasRuntime
{
    private readonly Dictionary<string, PyModule> _modules = [];

    private PyModule Mod(string name)
    {
        if (_modules.TryGetValue(name, out var m)) return m;
        return _modules[name] = new PyModule(name, $"<{name}>");
    }

    private void Fn(PyModule m, string name, Func<Args, object?> body) => m.Dict[name] = new PyBuiltin($"{m.Name}.{name}", (_, a) => body(a));

    private static readonly string[] SubmoduleNames =
        ["layers", "models", "backend", "utils", "regularizers", "initializers", "constraints", "activations", "ops", "optimizers", "losses", "metrics", "callbacks", "datasets", "saving"];

    private void RegisterModules()
    {
        var keras = BuildKeras();
        var modules = _py.BuiltinModules;
        foreach (var root in new[] { "keras", "tensorflow.keras", "tf_keras" })
        {
            modules[root] = _ => keras;
            foreach (var sub in SubmoduleNames) modules[$"{root}.{sub}"] = _ => (PyModule)keras.Dict[sub]!;
            // Keras 2 module paths that code still imports from.
            foreach (var legacy in new[] { "core", "convolutional", "normalization", "pooling", "merge", "recurrent", "embeddings", "advanced_activations", "wrappers", "noise" })
                modules[$"{root}.layers.{legacy}"] = _ => (PyModule)keras.Dict["layers"]!;
            foreach (var engine in new[] { "engine", "engine.topology", "engine.training", "engine.input_layer", "src", "src.layers", "src.models" })
                modules[$"{root}.{engine}"] = _ => engine.Contains("layers") ? (PyModule)keras.Dict["layers"]! : Engine();
            modules[$"{root}.utils.vis_utils"] = _ => (PyModule)keras.Dict["utils"]!;
            modules[$"{root}.optimizers.schedules"] = _ => (PyModule)((PyModule)keras.Dict["optimizers"]!).Dict["schedules"]!;
            foreach (var ds in new[] { "mnist", "fashion_mnist", "cifar10", "cifar100", "boston_housing" })
                modules[$"{root}.datasets.{ds}"] = _ => (PyModule)((PyModule)keras.Dict["datasets"]!).Dict[ds]!;
        }
        modules["tensorflow"] = _ => BuildTensorflow(keras);
        modules["tensorflow.nn"] = _ => (PyModule)BuildTensorflow(keras).Dict["nn"]!;
        modules["tensorflow.math"] = _ => (PyModule)BuildTensorflow(keras).Dict["math"]!;
        _py.AttributeAssigned = Track;
    }

    private PyModule Engine()
    {
        var m = Mod("keras.engine");
        var keras = Mod("keras");
        m.Dict["Input"] = keras.Dict["Input"];
        m.Dict["Model"] = ModelClass;
        m.Dict["Layer"] = LayerClass;
        m.Dict["InputLayer"] = ((PyModule)keras.Dict["layers"]!).Dict["InputLayer"];
        return m;
    }

    private PyModule BuildKeras()
    {
        var keras = Mod("keras");
        keras.Dict["__version__"] = Version.Text;
        var input = new PyBuiltin("keras.Input", (_, a) => Input(a));
        keras.Dict["Input"] = input;
        keras.Dict["Model"] = ModelClass;
        keras.Dict["Sequential"] = SequentialClass;
        keras.Dict["layers"] = BuildLayers(input);
        var models = Mod("keras.models");
        models.Dict["Model"] = ModelClass;
        models.Dict["Sequential"] = SequentialClass;
        models.Dict["Input"] = input;
        foreach (var name in new[] { "load_model", "model_from_json", "model_from_yaml", "save_model", "clone_model" })
            Fn(models, name, _ => throw _py.Raise("NotImplementedError", $"keras.models.{name} is not supported: pass the model file to paramlens directly"));
        keras.Dict["models"] = models;
        keras.Dict["backend"] = BuildBackend();
        keras.Dict["utils"] = BuildUtils();
        keras.Dict["saving"] = BuildUtils();
        keras.Dict["regularizers"] = BuildRegularizers();
        keras.Dict["initializers"] = ConfigObjects("keras.initializers",
            ["Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform", "TruncatedNormal", "VarianceScaling", "GlorotNormal", "GlorotUniform",
             "HeNormal", "HeUniform", "LecunNormal", "LecunUniform", "Orthogonal", "Identity"]);
        keras.Dict["constraints"] = ConfigObjects("keras.constraints", ["MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "RadialConstraint"]);
        keras.Dict["activations"] = BuildActivations();
        keras.Dict["ops"] = BuildOps("keras.ops");
        var optimizers = Placeholders("keras.optimizers", ["Adam", "AdamW", "SGD", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl", "Lion", "Optimizer"]);
        foreach (var cls in optimizers.Dict.Values.OfType<PyClass>().ToList())
            optimizers.Dict[cls.Name] = new PyClass(cls.Name, [(PyClass)_py.Builtins.Dict["object"]!], "keras.optimizers")
            {
                Construct = (_, c, a) => new PyInstance(c) { Native = new OptimizerObject(cls.Name, a) },
            };
        optimizers.Dict["schedules"] = Placeholders("keras.optimizers.schedules", ["ExponentialDecay", "PiecewiseConstantDecay", "PolynomialDecay", "CosineDecay", "CosineDecayRestarts", "InverseTimeDecay", "LearningRateSchedule"]);
        optimizers.Dict["legacy"] = optimizers;
        keras.Dict["optimizers"] = optimizers;
        keras.Dict["losses"] = Placeholders("keras.losses", ["BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "MeanSquaredError", "MeanAbsoluteError", "Huber", "KLDivergence", "CosineSimilarity", "Loss",
            "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "mean_squared_error", "mse", "mae", "mean_absolute_error"]);
        keras.Dict["metrics"] = Placeholders("keras.metrics", ["Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy", "AUC", "Precision", "Recall", "MeanSquaredError", "MeanAbsoluteError", "TopKCategoricalAccuracy", "Mean", "Metric"]);
        keras.Dict["callbacks"] = Placeholders("keras.callbacks", ["EarlyStopping", "ModelCheckpoint", "ReduceLROnPlateau", "TensorBoard", "LearningRateScheduler", "CSVLogger", "Callback", "History", "TerminateOnNaN"]);
        keras.Dict["datasets"] = BuildDatasets();
        return keras;
    }

    /// <summary><c>keras.Input(shape, batch_size, name, dtype, …)</c>, with the argument order of the emulated version.</summary>
    private object? Input(Args a)
    {
        string[] order = Version.IsKeras3 ? ["shape", "batch_size", "dtype", "sparse", "batch_shape", "name"]
            : Version.IsStandalone ? ["shape", "batch_shape", "name", "dtype"] : ["shape", "batch_size", "name", "dtype"];
        object? Arg(string key) { var i = Array.IndexOf(order, key); return i >= 0 && i < a.Positional.Count ? a.Positional[i] : a.Kw(key); }
        var shape = Arg("shape");
        var batchShape = Arg("batch_shape") ?? a.Kw("batch_input_shape");
        if (a.Kw("tensor") is not null) throw _py.Raise("NotImplementedError", "Input(tensor=...) is not supported");
        long?[] dims;
        long? batch = Arg("batch_size") is { } b ? (long)ToBig(b) : null;
        if (batchShape is not null)
        {
            var all = Dims(batchShape, "Input(batch_shape)");
            dims = all.Skip(1).ToArray();
            batch = all.Length > 0 ? all[0] : null;
        }
        else dims = shape is null ? throw _py.TypeError("Input() needs a shape") : Dims(shape, "Input(shape)");
        var dtype = Arg("dtype") is { } d ? Numpy.DTypeName(d) : Shapes.DType.Float32;
        return Tensor(Session.Input(dims, Arg("name") as string, batch, dtype));
    }

    private PyModule BuildLayers(PyBuiltin input)
    {
        var layers = Mod("keras.layers");
        foreach (var name in LayerArguments.PythonNames)
            if (name != "InputLayer") layers.Dict[name] = DeclaredLayerClass(name);
        var inputLayer = new PyClass("InputLayer", [LayerClass], "keras.layers") { Construct = (_, _, a) => NewLayer("InputLayer", a) };
        _layerClasses["InputLayer"] = inputLayer;
        layers.Dict["InputLayer"] = inputLayer;
        layers.Dict["Layer"] = LayerClass;
        layers.Dict["Input"] = input;
        foreach (var (function, className) in new[] { ("concatenate", "Concatenate"), ("add", "Add"), ("subtract", "Subtract"), ("multiply", "Multiply"),
                     ("average", "Average"), ("maximum", "Maximum"), ("minimum", "Minimum"), ("dot", "Dot") })
        {
            var cls = className;
            // keras.layers.concatenate(inputs, axis=-1, **kwargs): make the layer from the remaining arguments and call it.
            Fn(layers, function, a =>
            {
                var inputs = a.Get(0, "inputs");
                var rest = new Args(a.Positional.Skip(1).ToList(), a.Keywords.Where(k => k.Key != "inputs").ToList());
                return CallLayer(NewLayer(cls, rest), new Args([inputs], []));
            });
        }
        return layers;
    }

    private PyModule BuildBackend()
    {
        var m = Mod("keras.backend");
        var dataFormat = "channels_last";
        Fn(m, "image_data_format", _ => dataFormat);
        Fn(m, "set_image_data_format", a => { dataFormat = (string)a.Positional[0]!; return null; });
        Fn(m, "floatx", _ => "float32");
        Fn(m, "set_floatx", _ => null);
        Fn(m, "epsilon", _ => 1e-7);
        Fn(m, "backend", _ => "tensorflow");
        Fn(m, "int_shape", a => ShapeTuple(AsTensor(a.Positional[0], "int_shape").Shape));
        Fn(m, "shape", a => ShapeTuple(AsTensor(a.Positional[0], "shape").Shape));
        Fn(m, "ndim", a => new BigInteger(AsTensor(a.Positional[0], "ndim").Shape.Rank));
        Fn(m, "clear_session", _ => { Session = new KerasSession(Version); _subclassNames.Clear(); return null; });
        Fn(m, "set_learning_phase", _ => null);
        Fn(m, "learning_phase", _ => BigInteger.Zero);
        DefineBackendFunctions(m);
        return m;
    }

    private PyModule BuildUtils()
    {
        var m = Mod("keras.utils");
        Fn(m, "plot_model", _ => null);
        Fn(m, "set_random_seed", _ => null);
        Fn(m, "get_file", _ => throw new SandboxRefusal("keras.utils.get_file() is not available: interpreted code cannot download files"));
        Fn(m, "to_categorical", a =>
        {
            if (a.Positional[0] is not PyInstance { Native: ArrayShape s }) throw _py.Raise("NotImplementedError", "to_categorical on values is not supported (shape-only arrays)");
            var classes = a.Get(1, "num_classes") ?? throw _py.ValueError("to_categorical needs num_classes here (values are unknown)");
            var dims = s.Dims.Length > 1 && s.Dims[^1] == 1 ? s.Dims[..^1] : s.Dims;
            return _py.Call(((PyModule)_py.Import("numpy", 0, Mod("keras"))).Dict["zeros"], new Args([new PyTuple([.. dims.Select(x => (object?)new BigInteger(x)), classes])], []));
        });
        var register = new PyBuiltin("keras.utils.register_keras_serializable", (_, a) =>
            a.Positional.Count == 1 && a.Positional[0] is PyClass or PyFunction ? a.Positional[0] : _py.Fn("register.decorator", (_, b) => b.Positional[0]));
        m.Dict["register_keras_serializable"] = register;
        m.Dict["get_custom_objects"] = _py.Fn("keras.utils.get_custom_objects", (_, _) => new PyDict());
        m.Dict["custom_object_scope"] = _py.Fn("keras.utils.custom_object_scope", (_, _) => throw _py.Raise("NotImplementedError", "custom_object_scope is not supported"));
        return m;
    }

    /// <summary>A config object as Keras serializes it: <c>{"class_name": ..., "config": {...}}</c>.</summary>
    private PyInstance Serialized(string className, JsonObject config)
    {
        var cls = new PyClass(className, [(PyClass)_py.Builtins.Dict["object"]!], "keras");
        return new PyInstance(cls) { Native = new JsonObject { ["class_name"] = className, ["config"] = config } };
    }

    private PyModule BuildRegularizers()
    {
        var m = Mod("keras.regularizers");
        JsonNode Number(object? v, double fallback) => JsonValue.Create(v is null ? fallback : _py.ToFloat(v));
        Fn(m, "l1", a => Serialized("L1", new JsonObject { ["l1"] = Number(a.Get(0, "l1"), 0.01) }));
        Fn(m, "l2", a => Serialized("L2", new JsonObject { ["l2"] = Number(a.Get(0, "l2"), 0.01) }));
        Fn(m, "l1_l2", a => Serialized("L1L2", new JsonObject { ["l1"] = Number(a.Get(0, "l1"), 0.01), ["l2"] = Number(a.Get(1, "l2"), 0.01) }));
        m.Dict["L1"] = m.Dict["l1"];
        m.Dict["L2"] = m.Dict["l2"];
        m.Dict["L1L2"] = m.Dict["l1_l2"];
        m.Dict["Regularizer"] = LayerClass;
        return m;
    }

    /// <summary>Initializers and constraints: accepted with any arguments and carried into the config.</summary>
    private PyModule ConfigObjects(string module, string[] classNames)
    {
        var m = Mod(module);
        foreach (var name in classNames)
        {
            var className = name;
            var function = new PyBuiltin($"{module}.{className}", (_, a) =>
            {
                if (a.Positional.Count > 0 && a.Keywords.Count == 0 && className is "Constant") return Serialized(className, new JsonObject { ["value"] = ToJson(a.Positional[0]) });
                if (a.Positional.Count > 0) throw _py.TypeError($"{className}: pass arguments by keyword");
                return Serialized(className, new JsonObject(a.Keywords.Select(k => KeyValuePair.Create(k.Key, ToJson(k.Value)))));
            });
            m.Dict[className] = function;
            m.Dict[KerasSession.SnakeCase(className)] = function;
        }
        return m;
    }

    private static readonly string[] ActivationNames =
        ["relu", "sigmoid", "softmax", "tanh", "elu", "selu", "softplus", "softsign", "swish", "silu", "gelu", "exponential", "linear",
         "hard_sigmoid", "hard_silu", "hard_swish", "leaky_relu", "relu6", "mish", "log_softmax"];

    private PyModule BuildActivations()
    {
        var m = Mod("keras.activations");
        foreach (var name in ActivationNames)
        {
            var activation = name;
            m.Dict[activation] = new PyBuiltin($"keras.activations.{activation}", (_, a) => Activate(activation, a.Get(0, "x")));
        }
        Fn(m, "get", a => a.Positional[0] is string s && m.Dict.TryGetValue(s, out var f) ? f : a.Positional[0]);
        Fn(m, "serialize", a => ToJson(a.Positional[0])?.ToJsonString().Trim('"'));
        return m;
    }

    /// <summary><c>keras.ops</c>: shape-only tensor operations, each recorded as the operation Keras records.</summary>
    private PyModule BuildOps(string module)
    {
        var m = Mod(module);
        DefineTensorFunctions(m, tensorflow: false);
        return m;
    }

    /// <summary>Optimizers, losses, metrics and callbacks: accepted (compile and fit need no real ones here).</summary>
    private PyModule Placeholders(string module, string[] names)
    {
        var m = Mod(module);
        foreach (var name in names)
        {
            var cls = new PyClass(name, [(PyClass)_py.Builtins.Dict["object"]!], module)
            {
                Construct = (_, c, _) => new PyInstance(c),
            };
            cls.Dict["__init__"] = new PyBuiltin($"{name}.__init__", (_, _) => null, isMethod: true);
            m.Dict[name] = cls;
        }
        return m;
    }

    /// <summary>keras.datasets: <c>load_data()</c> gives shape-only arrays with the real datasets' shapes.</summary>
    private PyModule BuildDatasets()
    {
        var m = Mod("keras.datasets");
        void Dataset(string name, long train, long test, long[] sample, long[] label, string dtype)
        {
            var ds = Mod($"keras.datasets.{name}");
            object Array(long n, long[] dims, string type) =>
                new PyInstance((PyClass)((PyModule)_py.Import("numpy", 0, ds)).Dict["ndarray"]!) { Native = new ArrayShape([n, .. dims], type) };
            Fn(ds, "load_data", _ => new PyTuple([
                new PyTuple([Array(train, sample, dtype), Array(train, label, "uint8")]),
                new PyTuple([Array(test, sample, dtype), Array(test, label, "uint8")]),
            ]));
            m.Dict[name] = ds;
        }
        Dataset("mnist", 60000, 10000, [28, 28], [], "uint8");
        Dataset("fashion_mnist", 60000, 10000, [28, 28], [], "uint8");
        Dataset("cifar10", 50000, 10000, [32, 32, 3], [1], "uint8");
        Dataset("cifar100", 50000, 10000, [32, 32, 3], [1], "uint8");
        Dataset("boston_housing", 404, 102, [13], [], "float64");
        return m;
    }

    private PyModule BuildTensorflow(PyModule keras)
    {
        if (_modules.TryGetValue("tensorflow", out var existing)) return existing;
        var tf = Mod("tensorflow");
        tf.Dict["__version__"] = Version.IsKeras3 ? "2.16.1" : Version.Text;
        tf.Dict["keras"] = keras;
        foreach (var dtype in new[] { "float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64", "uint8", "bool", "string" })
            tf.Dict[dtype] = dtype;
        DefineTensorFunctions(tf, tensorflow: true);
        var nn = Mod("tensorflow.nn");
        DefineTensorFunctions(nn, tensorflow: true);
        tf.Dict["nn"] = nn;
        var math = Mod("tensorflow.math");
        DefineTensorFunctions(math, tensorflow: true);
        tf.Dict["math"] = math;
        var random = Mod("tensorflow.random");
        Fn(random, "set_seed", _ => null);
        tf.Dict["random"] = random;
        var config = Mod("tensorflow.config");
        Fn(config, "list_physical_devices", _ => new PyList());
        Fn(config, "set_visible_devices", _ => null);
        var experimental = Mod("tensorflow.config.experimental");
        Fn(experimental, "list_physical_devices", _ => new PyList());
        Fn(experimental, "set_memory_growth", _ => null);
        config.Dict["experimental"] = experimental;
        tf.Dict["config"] = config;
        var compat = Mod("tensorflow.compat");
        var v1 = Mod("tensorflow.compat.v1");
        Fn(v1, "disable_eager_execution", _ => null);
        Fn(v1, "enable_eager_execution", _ => null);
        compat.Dict["v1"] = v1;
        tf.Dict["compat"] = compat;
        Fn(tf, "function", a => a.Positional.Count == 1 ? a.Positional[0] : _py.Fn("tf.function.decorator", (_, b) => b.Positional[0]));
        return tf;
    }
}
