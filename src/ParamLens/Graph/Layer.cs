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

    /// <summary>Weights a file stores for a layer whose class is not known here, so that they are still counted.</summary>
    internal void AdoptStoredWeights(IEnumerable<(WeightSpec Spec, string DType)> weights)
    {
        if (_weights.Count > 0) throw new InvalidOperationException($"layer '{Name}' already has weights");
        foreach (var (spec, dtype) in weights) _weights.Add(new Weight(this, spec, dtype));
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
            var (outputs, call) = Compute(inputs.Select(t => t.Shape).ToArray(), build: true);
            var node = new Node(this, inputs, outputs, call);
            InboundNodes.Add(node);
            return node.Outputs;
        }
        catch (Exception e) when (e is ModelException or OverflowException)
        {
            throw ModelException.At($"layer '{Name}' ({ClassName})", e);
        }
    }

    /// <summary>A node with no inputs: how an InputLayer produces the model's input tensor.</summary>
    internal KerasTensor CreateInputNode()
    {
        var call = new LayerCall(Config!, []);
        var shapes = Declaration!.OutputShapes(call);
        BuildCall = call;
        var node = new Node(this, [], shapes, call);
        InboundNodes.Add(node);
        return node.Outputs[0];
    }

    /// <summary>Output shapes for inputs of these shapes; builds the weights first when asked and not yet built.</summary>
    internal virtual (IReadOnlyList<Shape> Outputs, LayerCall? Call) Compute(IReadOnlyList<Shape> inputs, bool build)
    {
        var call = new LayerCall(Config!, inputs);
        var outputs = Declaration!.OutputShapes(call);
        if (build && !IsBuilt)
        {
            var buildCall = RecordedBuildShapes is { } recorded ? new LayerCall(Config!, recorded) : call;
            var dtype = DType.VariableDtype(DtypePolicy);
            foreach (var spec in Declaration.Weights(buildCall))
            {
                _ = spec.Count; // an unknown dim in a weight is an error now, not in a renderer later
                _weights.Add(new Weight(this, spec, spec.DType ?? dtype));
            }
            BuildCall = buildCall;
        }
        return (outputs, call);
    }

    public override string ToString() => $"{Name} ({ClassName})";
}
