using ParamLens.Layers;
using ParamLens.Shapes;

namespace ParamLens.Graph;

/// <summary>The variables of a compiled model's built optimizer (iteration, learning rate, slots), as a Keras 3 archive
/// stores them: not parameters of the model, but Keras 3 prints them as "Optimizer params" and adds them to its Total.</summary>
public sealed record OptimizerState(long Count, double Bytes);

/// <summary>How a model was made: a functional graph, a Sequential stack, or a subclassed model whose <c>call</c> was traced.</summary>
public enum ModelKind { Functional, Sequential, Subclassed }

/// <summary>
/// A Keras model: a graph of layer calls from input tensors to output tensors. A model is itself a layer, so it can be
/// called inside another model (nested model). Sequential models are the same graph, built by chaining their layers.
/// </summary>
public sealed class Model : Layer
{
    private readonly List<Layer> _layers;
    private readonly List<Node> _nodes = [];
    private readonly Dictionary<Node, int> _nodeDepth = [];
    private readonly string _className;

    private Model(string name, ModelKind kind, string className, KerasVersion version) : base(name)
    {
        Kind = kind;
        _className = className;
        Version = version;
        _layers = [];
    }

    public ModelKind Kind { get; }
    /// <summary>Set when the file stores a built optimizer (Keras 3 builds it when loading a compiled model).</summary>
    public OptimizerState? Optimizer { get; set; }
    public KerasVersion Version { get; set; }
    public override string ClassName => _className;
    public IReadOnlyList<KerasTensor> Inputs { get; private set; } = [];
    public IReadOnlyList<KerasTensor> Outputs { get; private set; } = [];

    /// <summary><c>model.layers</c>: Functional models in Keras order (depth from the outputs, inputs first);
    /// Sequential models in the order added, without their InputLayer.</summary>
    public IReadOnlyList<Layer> Layers => _layers;
    public override IReadOnlyList<Layer> SubLayers => _layers;

    /// <summary>Every node of this graph, inputs first (each node after the nodes it consumes).</summary>
    public IReadOnlyList<Node> Nodes => _nodes;
    /// <summary>Distance of a node from the outputs (Keras <c>nodes_by_depth</c>).</summary>
    public IReadOnlyDictionary<Node, int> NodeDepth => _nodeDepth;
    public bool Contains(Node node) => _nodeDepth.ContainsKey(node);

    /// <summary>
    /// Whether Keras prints this model without a "Connected to" column: Sequential models, and functional graphs where
    /// every depth holds one node, no node takes several tensors, and no layer is called twice.
    /// </summary>
    public bool IsSequentialLike
    {
        get
        {
            if (Kind != ModelKind.Functional) return true;
            foreach (var group in _nodeDepth.GroupBy(p => p.Value))
                if (group.Count() > 1 || group.First().Key.Inputs.Count > 1) return false;
            return _layers.All(l => l.InboundNodes.Count(Contains) <= 1);
        }
    }

    public override bool IsBuilt => Kind != ModelKind.Sequential || Inputs.Count > 0;

    /// <summary>A functional model over the graph from <paramref name="inputs"/> to <paramref name="outputs"/>.</summary>
    public static Model Functional(string name, IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs,
        KerasVersion version, string className = "Functional")
    {
        var model = new Model(name, ModelKind.Functional, className, version);
        model.Inputs = inputs;
        model.Outputs = outputs;
        model.MapGraph();
        return model;
    }

    /// <summary>
    /// A subclassed model (<c>class M(keras.Model)</c> with <c>call</c>) traced on symbolic inputs: the graph of its call,
    /// but like Keras its <c>layers</c> are only the layers it tracks (no InputLayer), printed without "Connected to".
    /// <paramref name="trackedLayers"/>: the layers its attributes hold, in assignment order, when the front end knows them
    /// (Keras lists those, not the graph's); <paramref name="ownWeights"/>: weights its own code created (<c>add_weight</c>).
    /// </summary>
    public static Model Subclassed(string name, IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs,
        KerasVersion version, string className, IReadOnlyList<Layer>? trackedLayers = null, IEnumerable<WeightSpec>? ownWeights = null)
    {
        var model = new Model(name, ModelKind.Subclassed, className, version);
        model.Inputs = inputs;
        model.Outputs = outputs;
        model.MapGraph();
        model._layers.RemoveAll(l => l.ClassName == "InputLayer");
        if (trackedLayers is not null)
        {
            model._layers.Clear();
            model._layers.AddRange(trackedLayers);
        }
        if (ownWeights is not null)
        {
            var dtype = DType.VariableDtype(model.DtypePolicy);
            model.AdoptStoredWeights(ownWeights.Select(w => (w, w.DType ?? dtype)));
        }
        return model;
    }

    /// <summary>A Sequential model; built now when an input layer is given, else on its first call.</summary>
    public static Model Sequential(string name, Layer? inputLayer, IReadOnlyList<Layer> layers, KerasVersion version)
    {
        var model = new Model(name, ModelKind.Sequential, "Sequential", version);
        model._layers.AddRange(layers);
        if (inputLayer is not null) model.BuildSequential(inputLayer.CreateInputNode());
        return model;
    }

    /// <summary>Build an unbuilt Sequential model from an input tensor (Keras <c>model.build</c>).</summary>
    public void BuildSequential(KerasTensor input)
    {
        if (Kind != ModelKind.Sequential || Inputs.Count > 0) throw new ModelException($"model '{Name}' is already built");
        var x = new[] { input };
        foreach (var layer in _layers)
            x = [.. layer.Call(x)];
        Inputs = [input];
        Outputs = x;
        var declared = _layers.ToList();
        MapGraph();
        _layers.Clear();
        _layers.AddRange(declared); // Sequential keeps its own order and hides the InputLayer
    }

    internal override (IReadOnlyList<Shape> Outputs, LayerCall? Call) Compute(IReadOnlyList<Shape> inputs, bool build, UnknownInput? unknownInput = null)
    {
        if (Kind == ModelKind.Sequential && Inputs.Count == 0)
        {
            if (!build) throw new ModelException($"model '{Name}' is not built");
            if (inputs.Count != 1) throw new ModelException($"a Sequential model takes 1 input, got {inputs.Count}");
            if (inputs[0].IsUnknownRank)
            {
                // Built on a tensor whose shape is unknown: its layers see an unknown input, and say so.
                var unknownLayer = NewInput(Name + "_input", [], Version);
                BuildSequential(unknownLayer.CreateInputNode(unknownInput ?? new UnknownInput("it could not be derived", unknownLayer)));
            }
            else BuildSequential(NewInput(Name + "_input", inputs[0], Version).CreateInputNode());
            return (Outputs.Select(t => t.Shape).ToArray(), null);
        }
        if (inputs.Count != Inputs.Count)
            throw new ModelException($"model '{Name}' takes {Inputs.Count} input(s), got {inputs.Count}");
        var shapes = new Dictionary<KerasTensor, Shape>();
        for (var i = 0; i < inputs.Count; i++) shapes[Inputs[i]] = inputs[i];
        foreach (var node in _nodes)
        {
            if (node.IsInput) continue;
            var (outs, _) = node.Layer.Compute(node.Inputs.Select(t => shapes[t]).ToArray(), build: false);
            for (var i = 0; i < outs.Count; i++) shapes[node.Outputs[i]] = outs[i];
        }
        return (Outputs.Select(t => shapes[t]).ToArray(), null);
    }

    /// <summary>
    /// Keras <c>map_graph</c>: walk back from the outputs, depth-first, to find this graph's nodes, their depth from the
    /// outputs, and the layer order (deepest first; ties in the order the walk first met each layer).
    /// </summary>
    private void MapGraph()
    {
        var finished = new HashSet<Node>();
        var inProgress = new HashSet<Node>();
        var layerIndex = new Dictionary<Layer, int>();
        var stack = new Stack<(Node Node, int NextInput)>();
        foreach (var output in Outputs)
        {
            Visit(output.Node);
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (next < node.Inputs.Count)
                {
                    stack.Push((node, next + 1));
                    Visit(node.Inputs[next].Node);
                    continue;
                }
                inProgress.Remove(node);
                finished.Add(node);
                _nodes.Add(node);
            }
        }

        void Visit(Node node)
        {
            if (finished.Contains(node)) return;
            if (inProgress.Contains(node)) throw new ModelException($"model '{Name}' has a cycle through layer '{node.Layer.Name}'");
            layerIndex.TryAdd(node.Layer, layerIndex.Count);
            inProgress.Add(node);
            stack.Push((node, 0));
        }

        var layerDepth = new Dictionary<Layer, int>();
        for (var i = _nodes.Count - 1; i >= 0; i--)
        {
            var node = _nodes[i];
            var depth = Math.Max(_nodeDepth.GetValueOrDefault(node), layerDepth.GetValueOrDefault(node.Layer));
            layerDepth[node.Layer] = depth;
            _nodeDepth[node] = depth;
            foreach (var input in node.Inputs)
                _nodeDepth[input.Node] = Math.Max(depth + 1, _nodeDepth.GetValueOrDefault(input.Node));
        }

        var inputNodes = Inputs.Select(t => t.Node).ToHashSet();
        foreach (var node in _nodes)
            if (node.IsInput && !inputNodes.Contains(node))
                throw new ModelException($"model '{Name}' is disconnected: input '{node.Layer.Name}' is used but is not one of the model's inputs");
        foreach (var input in Inputs)
            if (!input.Node.IsInput) throw new ModelException($"model '{Name}': the input '{input.Node.Layer.Name}' is not an Input tensor");

        _layers.Clear();
        _layers.AddRange(layerDepth.Keys.OrderByDescending(l => layerDepth[l]).ThenBy(l => layerIndex[l]));
        foreach (var input in Inputs)
            if (!_layers.Contains(input.Node.Layer)) _layers.Insert(0, input.Node.Layer); // an unused input still belongs
    }
}
