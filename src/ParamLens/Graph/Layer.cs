using ParamLens.Layers;
using ParamLens.Shapes;

namespace ParamLens.Graph;

/// <summary>A weight created by a layer's build: what the declaration said, plus its owner and storage dtype. Identity matters:
/// a weight reached twice (shared layer) is one weight.</summary>
public sealed class Weight(Layer owner, WeightSpec spec, string dtype)
{
    public Layer Owner { get; } = owner;
    public WeightSpec Spec { get; } = spec;
    public string Name => Spec.Name;
    public Shape Shape => Spec.Shape;
    public string DType { get; } = dtype;
    public long Count => Spec.Count;
}

/// <summary>A symbolic tensor: a shape and the node (layer call) that produced it.</summary>
public sealed class KerasTensor(Shape shape, Node node, int index)
{
    public Shape Shape { get; } = shape;
    public Node Node { get; } = node;
    /// <summary>Position among the producing node's outputs.</summary>
    public int Index { get; } = index;
    public override string ToString() => $"{Node.Layer.Name}[{Node.Index}][{Index}] {Shape}";
}

/// <summary>Why an input of a layer call has an unknown shape, in words, and the layer whose output shape could not be
/// derived in the first place.</summary>
public sealed record UnknownInput(string Text, Layer Origin);

/// <summary>One call of a layer: the tensors it consumed and produced, and the notes that explain the output shapes.</summary>
public sealed class Node
{
    internal Node(Layer layer, IReadOnlyList<KerasTensor> inputs, IReadOnlyList<Shape> outputs, LayerCall? call)
    {
        Layer = layer;
        Inputs = inputs;
        Call = call;
        Outputs = outputs.Select((s, i) => new KerasTensor(s, this, i)).ToArray();
    }

    public Layer Layer { get; }
    public IReadOnlyList<KerasTensor> Inputs { get; }
    public IReadOnlyList<KerasTensor> Outputs { get; }
    /// <summary>When an output shape of this call is unknown: the layer whose output shape could not be derived in the
    /// first place (this call's own layer, or the one upstream it inherited the unknown shape from); else null.</summary>
    public Layer? UnknownShapeOrigin { get; internal init; }
    /// <summary>The declaration's view of this call (null for calls of nested models).</summary>
    public LayerCall? Call { get; }
    /// <summary>Position among all calls of the layer (Keras <c>_inbound_nodes</c>).</summary>
    public int Index => Layer.InboundNodes.IndexOf(this);
    public bool IsInput => Inputs.Count == 0;
}

/// <summary>A layer instance: a declared Keras class with its config, its calls, and the weights its first call built.</summary>
public class Layer
{
    private readonly List<Weight> _weights = [];

    public Layer(LayerDeclaration declaration, LayerConfig config, string name)
    {
        Declaration = declaration;
        Config = config;
        Name = name;
        OwnTrainable = config.Raw("trainable") is not System.Text.Json.Nodes.JsonValue v || !v.TryGetValue<bool>(out var t) || t;
        DtypePolicy = config.OptString("dtype");
    }

    /// <summary>An InputLayer whose output has this batch shape (batch axis first; null dims are unknown).</summary>
    public static Layer NewInput(string name, IEnumerable<long?> batchShape, KerasVersion version, string? dtype = null)
    {
        var declaration = LayerCatalog.Get("InputLayer");
        var config = new System.Text.Json.Nodes.JsonObject
        {
            ["name"] = name,
            ["batch_shape"] = new System.Text.Json.Nodes.JsonArray(batchShape
                .Select(d => d is null ? null : (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(d.Value)).ToArray()),
        };
        if (dtype is not null) config["dtype"] = dtype;
        return new Layer(declaration, declaration.Configure(config, version), name);
    }

    /// <summary>For models, which declare themselves.</summary>
    protected Layer(string name) => Name = name;

    public string Name { get; }
    public LayerDeclaration? Declaration { get; }
    public LayerConfig? Config { get; }
    public virtual string ClassName => Declaration!.ClassName;
    /// <summary>Keras <c>layer.trainable</c>. Setting it, as in Keras, sets it on every sub-layer too (a frozen model
    /// freezes its layers; unfreezing it unfreezes them all).</summary>
    public bool Trainable
    {
        get => OwnTrainable;
        set
        {
            OwnTrainable = value;
            foreach (var sub in SubLayers) sub.Trainable = value;
        }
    }

    /// <summary>This layer's own flag, as a saved config records it, without touching sub-layers.</summary>
    public bool OwnTrainable { get; set; } = true;
    public string? DtypePolicy { get; set; }
    public List<Node> InboundNodes { get; } = [];

    /// <summary>The call that built the weights (input shapes and the notes about them); null until built.</summary>
    public LayerCall? BuildCall { get; private set; }

    /// <summary>Input shapes a file recorded for this layer's build (Keras 3 <c>build_config</c>). Keras builds a loaded
    /// layer from them, so they decide the weights even when the graph's input leaves a dimension unknown.</summary>
    public IReadOnlyList<Shape>? RecordedBuildShapes { get; set; }
    public virtual bool IsBuilt => BuildCall is not null;

    /// <summary>Why the weights of this layer could not be derived (its build input shape is unknown, or a sub-layer's class
    /// is not known here), or null when they were. Stays set after a file's stored weights are adopted, to say where they
    /// came from.</summary>
    public string? UnderivedWeightsReason { get; private set; }

    /// <summary>The layer whose output shape could not be derived, which left this layer's weights underivable.</summary>
    public Layer? UnderivedWeightsOrigin { get; private set; }

    /// <summary>Whether the weights are those a file stores, adopted because the class is not known here or because they
    /// could not be derived; such weights are counted as stored and cannot be checked against the config.</summary>
    public bool WeightsTakenFromFile { get; private set; }

    /// <summary>This layer's own weights are unknown: they could not be derived and no file supplied them.</summary>
    public bool HasUnknownOwnWeights => UnderivedWeightsReason is not null && !WeightsTakenFromFile;

    /// <summary>This layer's weights or those of a layer inside it are unknown, so its parameter count is unknown.</summary>
    public bool HasUnknownWeights => HasUnknownOwnWeights || SubLayers.Any(l => l.HasUnknownWeights);

    /// <summary>How many outputs the file's config connects from this layer: the number of unknown outputs a call gets when
    /// its output shapes cannot be derived (the class alone would say, but it cannot be asked without shapes).</summary>
    internal int ConnectedOutputs { get; set; } = 1;

    /// <summary>Weights a file stores for a layer whose class is not known here, or whose weights could not be derived,
    /// so that they are still counted.</summary>
    internal void AdoptStoredWeights(IEnumerable<(WeightSpec Spec, string DType)> weights)
    {
        if (_weights.Count > 0) throw new InvalidOperationException($"layer '{Name}' already has weights");
        foreach (var (spec, dtype) in weights) _weights.Add(new Weight(this, spec, dtype));
        WeightsTakenFromFile = true;
    }

    /// <summary>Weights this layer created itself, in creation order.</summary>
    public IReadOnlyList<Weight> OwnWeights => _weights;
    public virtual IReadOnlyList<Layer> SubLayers => [];

    /// <summary>Own weights, then every sub-layer's, recursively (may repeat a shared weight; accounting dedupes).</summary>
    public IEnumerable<Weight> AllWeights => _weights.Concat(SubLayers.SelectMany(l => l.AllWeights));

    /// <summary>Call the layer on tensors: records a node, builds the weights on the first call.</summary>
    public IReadOnlyList<KerasTensor> Call(params KerasTensor[] inputs)
    {
        try
        {
            var unknown = Array.FindIndex(inputs, t => t.Shape.IsUnknownRank);
            var why = unknown < 0 ? null : DescribeUnknownInput(inputs, unknown);
            var (outputs, call) = Compute(inputs.Select(t => t.Shape).ToArray(), build: true, why);
            var node = new Node(this, inputs, outputs, call)
            {
                UnknownShapeOrigin = outputs.Any(s => s.IsUnknownRank) ? why?.Origin ?? this : null,
            };
            InboundNodes.Add(node);
            return node.Outputs;
        }
        catch (Exception e) when (e is ModelException or OverflowException)
        {
            throw ModelException.At($"layer '{Name}' ({ClassName})", e);
        }
    }

    /// <summary>A node with no inputs: how an InputLayer produces the model's input tensor.</summary>
    /// <param name="unknownShape">Why the tensor's shape is unknown (a Sequential model built by a call on a tensor whose
    /// shape could not be derived); null: the shape comes from the layer's config.</param>
    internal KerasTensor CreateInputNode(UnknownInput? unknownShape = null)
    {
        var call = new LayerCall(Config!, []);
        IReadOnlyList<Shape> shapes;
        if (unknownShape is null) shapes = Declaration!.OutputShapes(call);
        else
        {
            call.Note($"the model is built by a call on a tensor whose shape is unknown ({unknownShape.Text})");
            shapes = [Shape.Unknown];
        }
        BuildCall = call;
        var node = new Node(this, [], shapes, call) { UnknownShapeOrigin = unknownShape?.Origin };
        InboundNodes.Add(node);
        return node.Outputs[0];
    }

    /// <summary>
    /// Output shapes for inputs of these shapes; builds the weights first when asked and not yet built. A layer called on
    /// a shape that could not be derived is not asked for its shapes or weights (no declaration handles unknown shapes):
    /// its outputs are unknown, and so are its weights unless its class builds none or the file recorded its build shape.
    /// </summary>
    /// <param name="unknownInput">Which input is unknown and why, for the notes; null when all are known (or when a nested
    /// model's graph is re-run, whose notes are not kept).</param>
    internal virtual (IReadOnlyList<Shape> Outputs, LayerCall? Call) Compute(IReadOnlyList<Shape> inputs, bool build, UnknownInput? unknownInput = null)
    {
        var call = new LayerCall(Config!, inputs);
        IReadOnlyList<Shape> outputs;
        if (inputs.Any(s => s.IsUnknownRank))
        {
            call.Note($"{unknownInput?.Text ?? "an input shape is unknown"}, so its output shape is unknown too (?)");
            outputs = Enumerable.Repeat(Shape.Unknown, ConnectedOutputs).ToArray();
        }
        else
        {
            outputs = Declaration!.OutputShapes(call);
            if (outputs is [{ IsUnknownRank: true }] && ConnectedOutputs > 1) outputs = Enumerable.Repeat(Shape.Unknown, ConnectedOutputs).ToArray();
        }
        if (build && !IsBuilt)
        {
            var buildCall = RecordedBuildShapes is { } recorded ? new LayerCall(Config!, recorded) : call;
            if (buildCall.Inputs.Any(s => s.IsUnknownRank) && !Declaration!.IsWeightless)
            {
                UnderivedWeightsReason = $"{unknownInput?.Text ?? "an input shape is unknown"}, and the weights '{ClassName}' builds depend on it";
                UnderivedWeightsOrigin = unknownInput?.Origin;
                buildCall.Note($"so are the weights '{ClassName}' builds from its input shape: they are unknown unless a file stores them");
            }
            else
            {
                var specs = Declaration!.Weights(buildCall).ToArray();
                if (buildCall.UnknownWeightsReason is { } why) UnderivedWeightsReason = why;
                var dtype = DType.VariableDtype(DtypePolicy);
                foreach (var spec in specs)
                {
                    _ = spec.Count; // an unknown dim in a weight is an error now, not in a renderer later
                    _weights.Add(new Weight(this, spec, spec.DType ?? dtype));
                }
            }
            BuildCall = buildCall;
        }
        return (outputs, call);
    }

    /// <summary>Which input is unknown and where the unknown shape comes from, e.g. <c>its input from 'conv2d_1' has an
    /// unknown shape (the output shape of layer 'lambda_1' (Lambda) could not be derived)</c>.</summary>
    private static UnknownInput DescribeUnknownInput(KerasTensor[] inputs, int index)
    {
        var producer = inputs[index].Node.Layer;
        var origin = inputs[index].Node.UnknownShapeOrigin ?? producer;
        var which = inputs.Length == 1 ? "its input" : $"its input {index}";
        var cause = origin == producer
            ? $"the output shape of layer '{producer.Name}' ({producer.ClassName}) could not be derived"
            : $"it follows from layer '{origin.Name}' ({origin.ClassName}), whose output shape could not be derived";
        return new UnknownInput($"{which} from '{producer.Name}' ({producer.ClassName}) has an unknown shape ({cause})", origin);
    }

    public override string ToString() => $"{Name} ({ClassName})";
}
