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
            modules[root] = _ => root == "tf_keras" ? Keras2Only(root, keras) : keras;
            foreach (var sub in SubmoduleNames) modules[$"{root}.{sub}"] = _ => (PyModule)keras.Dict[sub]!;
            // Keras 2 module paths that code still imports from.
            foreach (var legacy in new[] { "core", "convolutional", "normalization", "pooling", "merge", "recurrent", "embeddings", "advanced_activations", "wrappers", "noise" })
                modules[$"{root}.layers.{legacy}"] = _ => Keras2Only($"{root}.layers.{legacy}", (PyModule)keras.Dict["layers"]!);
            foreach (var engine in new[] { "engine", "engine.topology", "engine.training", "engine.input_layer" })
                modules[$"{root}.{engine}"] = _ => Keras2Only($"{root}.{engine}", Engine());
            foreach (var src in new[] { "src", "src.layers", "src.models" })
                modules[$"{root}.{src}"] = _ => src.Contains("layers") ? (PyModule)keras.Dict["layers"]! : Engine();
            // tf.keras 2.3–2.x kept the preprocessing layers under layers.experimental.preprocessing; Keras 3 has no such path.
            foreach (var experimental in new[] { "layers.experimental", "layers.experimental.preprocessing" })
                modules[$"{root}.{experimental}"] = _ => Keras2Only($"{root}.{experimental}", (PyModule)keras.Dict["layers"]!);
            modules[$"{root}.utils.vis_utils"] = _ => Keras2Only($"{root}.utils.vis_utils", (PyModule)keras.Dict["utils"]!);
            modules[$"{root}.utils.np_utils"] = _ => Keras2Only($"{root}.utils.np_utils", (PyModule)keras.Dict["utils"]!);
            modules[$"{root}.preprocessing"] = _ => (PyModule)keras.Dict["preprocessing"]!;
            foreach (var part in new[] { "sequence", "image" })
                modules[$"{root}.preprocessing.{part}"] = _ => (PyModule)((PyModule)keras.Dict["preprocessing"]!).Dict[part]!;
            // keras.preprocessing.text (Tokenizer) is gone from Keras 3 (keras/api/preprocessing has image and sequence).
            modules[$"{root}.preprocessing.text"] = _ => Keras2Only($"{root}.preprocessing.text", (PyModule)((PyModule)keras.Dict["preprocessing"]!).Dict["text"]!);
            modules[$"{root}.applications"] = _ => Applications(keras);
            foreach (var (file, _) in ApplicationFiles)
                modules[$"{root}.applications.{file}"] = _ => (PyModule)Applications(keras).Dict[file]!;
            modules[$"{root}.optimizers.schedules"] = _ => (PyModule)((PyModule)keras.Dict["optimizers"]!).Dict["schedules"]!;
            foreach (var ds in new[] { "mnist", "fashion_mnist", "cifar10", "cifar100", "boston_housing", "imdb", "reuters" })
                modules[$"{root}.datasets.{ds}"] = _ => (PyModule)((PyModule)keras.Dict["datasets"]!).Dict[ds]!;
        }
        modules["tensorflow"] = _ => BuildTensorflow(keras);
        modules["tensorflow.nn"] = _ => (PyModule)BuildTensorflow(keras).Dict["nn"]!;
        modules["tensorflow.math"] = _ => (PyModule)BuildTensorflow(keras).Dict["math"]!;
        _py.AttributeAssigned = Track;
    }

    /// <summary>The first import of a module path that only Keras 2 has (<c>keras.layers.core</c>,
    /// <c>keras.utils.np_utils</c>, <c>tf_keras</c>, …) when Keras 3 is emulated, with its line: Keras 3 would fail
    /// there, so the summaries of such a program are not what Keras 3 prints.</summary>
    public string? Keras2OnlyImport { get; private set; }

    private PyModule Keras2Only(string path, PyModule module)
    {
        if (Version.IsKeras3) Keras2OnlyImport ??= $"line {_py.CurrentPosition.Line}: {path} exists only in Keras 2, and Keras 3 (emulated) has no such module; give --keras-version for the Keras this program was written for";
        return module;
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
        keras.UnknownReason = "this part of Keras is not modelled here";
        keras.Dict["__version__"] = Version.Text;
        keras.Dict["preprocessing"] = BuildPreprocessing();
        var input = new PyBuiltin("keras.Input", (_, a) => Input(a));
        keras.Dict["Input"] = input;
        keras.Dict["Model"] = ModelClass;
        keras.Dict["Sequential"] = SequentialClass;
        keras.Dict["layers"] = BuildLayers(input);
        var models = Mod("keras.models");
        models.Dict["Model"] = ModelClass;
        models.Dict["Sequential"] = SequentialClass;
        models.Dict["Input"] = input;
        // A model read from a file (or copied) is not known here: pass the file to paramlens directly.
        foreach (var name in new[] { "load_model", "model_from_json", "model_from_yaml", "clone_model" })
            models.Dict[name] = new PyBuiltin($"keras.models.{name}", (_, _) => _py.NewUnknown($"keras.models.{name}(...)",
                "a model read from a file is not known here (give the file to paramlens directly)")) { AcceptsUnknown = true };
        models.Dict["save_model"] = new PyBuiltin("keras.models.save_model", (_, _) => null) { AcceptsUnknown = true };
        keras.Dict["models"] = models;
        keras.Dict["backend"] = BuildBackend();
        keras.Dict["utils"] = BuildUtils();
        // keras/src/backend/common/global_state.py exports clear_session as keras.utils.clear_session too (Keras 3).
        if (Version.IsKeras3) ((PyModule)keras.Dict["utils"]!).Dict["clear_session"] = ((PyModule)keras.Dict["backend"]!).Dict["clear_session"];
        ((PyModule)keras.Dict["backend"]!).UnknownReason = "this backend function is not modelled here";
        ((PyModule)keras.Dict["utils"]!).UnknownReason = "this utility is not modelled here";
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
                Construct = (_, c, a) => new PyInstance(c) { Native = NewOptimizer(cls.Name, a) },
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
        Fn(m, "set_image_data_format", a => { dataFormat = (string)a.Positional[0]!; SettingChanged("set_image_data_format", a); return null; });
        Fn(m, "floatx", _ => "float32");
        Fn(m, "set_floatx", a => { SettingChanged("set_floatx", a); return null; });
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

    /// <summary>keras.preprocessing: data preparation, whose values are unknown here, except the shape
    /// <c>pad_sequences</c> gives.</summary>
    private PyModule BuildPreprocessing()
    {
        const string why = "data preparation is not run here";
        var m = Mod("keras.preprocessing");
        m.UnknownReason = why;
        foreach (var part in new[] { "sequence", "text", "image" })
        {
            var sub = Mod($"keras.preprocessing.{part}");
            sub.UnknownReason = why;
            m.Dict[part] = sub;
        }
        ((PyModule)m.Dict["sequence"]!).Dict["pad_sequences"] = PadSequences();
        return m;
    }

    /// <summary><c>pad_sequences(sequences, maxlen=None, dtype="int32", …)</c> (keras/src/utils/sequence_utils.py):
    /// shape <c>(len(sequences), maxlen)</c> for sequences of numbers; without <c>maxlen</c> the longest sequence
    /// decides, which is known only for sequences written out in the code.</summary>
    private PyBuiltin PadSequences() => new("keras.utils.pad_sequences", (_, a) =>
    {
        var sequences = a.Get(0, "sequences");
        var samples = sequences switch
        {
            PyInstance { Native: ArrayShape { Dims: [var n], DType: "object" } } => (long?)n,
            PyList l when l.Items.All(s => s is PyList or PyTuple) => l.Items.Count,
            _ => null,
        };
        var maxlen = a.Get(1, "maxlen");
        long? length = maxlen is null
            ? sequences is PyList written && samples is not null ? written.Items.Select(s => (long)_py.ToList(s).Count).DefaultIfEmpty(0).Max() : null
            : IsInt(maxlen) ? (long)ToBig(maxlen) : null;
        if (samples is null || length is null) return _py.NewUnknown("pad_sequences(...)", "the sequences' number or length is not known here");
        var dtype = a.Has(2, "dtype") ? Numpy.DTypeName(a.Get(2, "dtype")) : "int32";
        return _py.Call(((PyModule)_py.Import("numpy", 0, Mod("keras"))).Dict["zeros"],
            new Args([new PyTuple([new BigInteger(samples.Value), new BigInteger(length.Value)])], [new("dtype", dtype)]));
    }) { AcceptsUnknown = true };

    private PyModule BuildUtils()
    {
        var m = Mod("keras.utils");
        m.Dict["pad_sequences"] = PadSequences();
        Fn(m, "plot_model", _ => null);
        Fn(m, "set_random_seed", _ => null);
        m.Dict["get_file"] = new PyBuiltin("keras.utils.get_file", (_, _) => _py.NewUnknown("keras.utils.get_file(...)", "nothing is downloaded here")) { AcceptsUnknown = true };
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
            m.Dict[KerasNaming.SnakeCase(className)] = function;
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
        // Sizes and dtypes as keras/src/datasets/*.py make them. The sequence datasets (imdb, reuters) are object
        // arrays of word-index lists; maxlen drops long sequences, so their count is then unknown.
        void Dataset(string name, Func<Args, (long Train, long Test)?> sizes, long[] sample, string dtype, long[] label, string labelDType)
        {
            var ds = Mod($"keras.datasets.{name}");
            object Array(long n, long[] dims, string type) =>
                new PyInstance((PyClass)((PyModule)_py.Import("numpy", 0, ds)).Dict["ndarray"]!) { Native = new ArrayShape([n, .. dims], type) };
            Fn(ds, "load_data", a =>
            {
                if (sizes(a) is not var (train, test))
                    return _py.NewUnknown($"{name}.load_data(...)", "with maxlen, the number of sequences kept is not known here");
                return new PyTuple([
                    new PyTuple([Array(train, sample, dtype), Array(train, label, labelDType)]),
                    new PyTuple([Array(test, sample, dtype), Array(test, label, labelDType)]),
                ]);
            });
            m.Dict[name] = ds;
        }
        static (long, long)? Fixed(long train, long test) => (train, test);
        // boston_housing and reuters: the first int(len * (1 - test_split)) samples train, the rest test.
        (long, long)? Split(long total, Args a, int splitIndex)
        {
            if (a.Get(3, "maxlen") is not null) return null;
            var fraction = a.Get(splitIndex, "test_split") is { } ts ? _py.ToFloat(ts) : 0.2;
            var train = (long)Math.Floor(total * (1 - fraction));
            return (train, total - train);
        }
        Dataset("mnist", _ => Fixed(60000, 10000), [28, 28], "uint8", [], "uint8");
        Dataset("fashion_mnist", _ => Fixed(60000, 10000), [28, 28], "uint8", [], "uint8");
        Dataset("cifar10", _ => Fixed(50000, 10000), [32, 32, 3], "uint8", [1], "uint8");
        Dataset("cifar100", _ => Fixed(50000, 10000), [32, 32, 3], "uint8", [1], "int64");
        Dataset("boston_housing", a => Split(506, a, 1), [13], "float64", [], "float64");
        Dataset("imdb", a => a.Get(3, "maxlen") is null ? (25000, 25000) : null, [], "object", [], "int64");
        Dataset("reuters", a => Split(11228, a, 4), [], "object", [], "int64");
        return m;
    }

    private PyModule BuildTensorflow(PyModule keras)
    {
        if (_modules.TryGetValue("tensorflow", out var existing)) return existing;
        var tf = Mod("tensorflow");
        tf.UnknownReason = "this part of TensorFlow is not modelled here";
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
        foreach (var (name, module) in _modules)
            if (name.StartsWith("tensorflow.", StringComparison.Ordinal)) module.UnknownReason ??= "this part of TensorFlow is not modelled here";
        return tf;
    }
}
