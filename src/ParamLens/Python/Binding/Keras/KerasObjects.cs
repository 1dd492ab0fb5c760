using ParamLens.Graph;

namespace ParamLens.Python.Keras;

/// <summary>What a Keras object in interpreted code is: a declared layer, a custom layer, or one of the model styles.</summary>
public enum KerasKind { Layer, CustomLayer, Functional, Sequential, SubclassedModel }

/// <summary>What the interpreter keeps for a Keras layer or model object: the graph layer behind it (once there is
/// one) and what Python code set on it before that.</summary>
public sealed class KerasObject(KerasKind kind, string? name)
{
    private string? _name = name;

    /// <summary>A Python subclass's object: named automatically only when first needed (Keras names it in the base
    /// <c>__init__</c>, and not at all when a name is given), so a given name takes no automatic number.</summary>
    public KerasObject(KerasKind kind, Func<string> autoName) : this(kind, (string?)null) => AutoName = autoName;

    public KerasKind Kind { get; } = kind;
    private Func<string>? AutoName { get; }
    public string Name
    {
        get => _name ??= AutoName!();
        set => _name = value;
    }
    /// <summary>The graph layer or model; for Sequential and subclassed models, made when first needed.</summary>
    public Layer? Core { get; set; }
    /// <summary><c>input_shape=</c> given to a layer (without the batch axis), for a Sequential's first layer.</summary>
    public long?[]? InputShape { get; set; }
    public long? BatchSize { get; set; }
    /// <summary>Sequential: its layers in order.</summary>
    public List<Python.PyInstance> SequentialLayers { get; } = [];
    /// <summary>Subclassed models and layers: layers assigned to attributes, and the lists, tuples and dicts assigned to
    /// attributes (whose layers, appended later or not, count at the container's place), in assignment order.</summary>
    public List<object> Tracked { get; } = [];
    public bool? Trainable { get; set; }
    /// <summary>A <c>Lambda</c> layer's Python function and its <c>arguments</c> (keyword arguments for each call).</summary>
    public (object Function, object? Arguments)? LambdaFunction { get; set; }
    /// <summary>Weights the object's own code created with <c>add_weight</c>, in creation order.</summary>
    public List<ParamLens.Layers.WeightSpec> OwnWeights { get; } = [];
    /// <summary>The Python class name shown as the class of a subclassed model or layer.</summary>
    public string? ClassName { get; set; }
    /// <summary>The optimizer the last <c>compile</c> gave the model.</summary>
    public OptimizerObject? Optimizer { get; set; }
    /// <summary>Training ran on the model before it was built: Keras built it from data whose shape is not known here.</summary>
    public bool BuiltFromUnknownData { get; set; }
    /// <summary>Sequential: the input a build before <c>add</c> or <c>pop</c> used, for building it again.</summary>
    public Graph.KerasTensor? RebuildInput { get; set; }
    /// <summary>The weights trainable when <c>compile</c> ran (standalone Keras prints their count).</summary>
    public HashSet<Weight>? CompiledTrainable { get; set; }
    /// <summary>The line of a skipped statement that failed while a model was being built or changed, made after
    /// this object: it may have changed it halfway.</summary>
    public string? ChangedBySkippedFailure { get; set; }
}

/// <summary>A Keras optimizer: its class and arguments as the code gave them and, once training has built it, its
/// variables (Keras 3 prints them in the summary).</summary>
public sealed class OptimizerObject(string className, Python.Args arguments)
{
    public string ClassName { get; } = className;
    public Python.Args Arguments { get; } = arguments;
    public OptimizerState? Built { get; set; }
    /// <summary>A training step ran with it (in Keras 3 that builds it).</summary>
    public bool Trained { get; set; }
    /// <summary>Why the variables of the built optimizer are not known here (an optimizer or option not modelled).</summary>
    public string? UnknownVariables { get; set; }
}

/// <summary>The arguments of one <c>model.summary(...)</c> call.</summary>
public sealed record SummaryArguments(int? LineLength = null, bool ExpandNested = false, bool ShowTrainable = false, (string Start, string End)? LayerRange = null);

/// <summary>A <c>model.summary()</c> the code asked for, with its arguments and the line that asked.</summary>
public sealed record SummaryRequest(Model Model, SummaryArguments Arguments, SourcePos At);
