using ParamLens.Graph;
using ParamLens.Layers;
using ParamLens.Shapes;

namespace ParamLens.Accounting;

/// <summary>One weight as the model counts it: trainable only if created trainable and no layer on its path is frozen.</summary>
public sealed class WeightAccount(Weight weight, bool trainable, Layer? frozenBy)
{
    public Weight Weight { get; } = weight;
    public bool Trainable { get; } = trainable;
    /// <summary>The layer or model whose <c>trainable = False</c> froze this weight, if any.</summary>
    public Layer? FrozenBy { get; } = frozenBy;
    public long Count => Weight.Count;

    /// <summary>Why the weight is or is not trainable, in plain words.</summary>
    public string Reason => FrozenBy is { } f
        ? (FrozenBy == Weight.Owner
            ? $"non-trainable because layer '{f.Name}' has trainable = False"
            : $"non-trainable because its parent '{f.Name}' has trainable = False")
        : Weight.Spec.Trainable ? $"{Weight.Spec.Role}; {WeightSpec.LearnedByGradients}" : Weight.Spec.Role;

    /// <summary>Bytes as Keras 3 counts them: elements × dtype bits / 8.</summary>
    public double Bytes => Count * (double)DType.Bits(Weight.DType) / 8;
}

/// <summary>A layer's row: its unique weights with their trainability, and the counts Keras prints.</summary>
public sealed class LayerAccount
{
    internal LayerAccount(Layer layer, IReadOnlyList<WeightAccount> weights, IReadOnlyList<LayerAccount> children)
    {
        Layer = layer;
        Weights = weights;
        Children = children;
        if (layer.HasUnknownWeights) return; // a partial sum is not the layer's count
        Params = Checked.Sum(weights.Select(w => w.Count));
        TrainableParams = Checked.Sum(weights.Where(w => w.Trainable).Select(w => w.Count));
        NonTrainableParams = Params - TrainableParams;
    }

    public Layer Layer { get; }
    /// <summary>All unique weights under this layer (its own, then its sub-layers'); for a layer with unknown weights,
    /// only those that are known.</summary>
    public IReadOnlyList<WeightAccount> Weights { get; }
    /// <summary>Rows for the layers of a nested model.</summary>
    public IReadOnlyList<LayerAccount> Children { get; }
    /// <summary>The layer's parameter count; null when its weights (or a sub-layer's) could not be derived.</summary>
    public long? Params { get; }
    public long? TrainableParams { get; }
    public long? NonTrainableParams { get; }
    /// <summary>How many calls of this layer the parent graph holds (more than one: a shared layer, counted once).</summary>
    public int Uses { get; init; } = 1;
}

/// <summary>
/// The parameter accounting of a model: per-layer rows and totals over unique weights (a shared layer or a weight reached
/// twice counts once), with frozen layers' weights moved to non-trainable, recursively into nested models.
/// </summary>
public sealed class ModelAccount
{
    private ModelAccount(Model model, IReadOnlyList<LayerAccount> layers, IReadOnlyList<WeightAccount> weights)
    {
        Model = model;
        Layers = layers;
        Weights = weights;
        UnknownLayers = Leaves(model).Where(l => l.HasUnknownOwnWeights).ToArray();
        if (UnknownLayers.Count > 0) return; // totals over unknown weights are unknown, never a partial sum
        TotalParams = Checked.Sum(weights.Select(w => w.Count));
        TrainableParams = Checked.Sum(weights.Where(w => w.Trainable).Select(w => w.Count));
        NonTrainableParams = TotalParams - TrainableParams;
        TrainableBytes = weights.Where(w => w.Trainable).Sum(w => w.Bytes);
        NonTrainableBytes = weights.Where(w => !w.Trainable).Sum(w => w.Bytes);
    }

    public Model Model { get; }
    public IReadOnlyList<LayerAccount> Layers { get; }
    /// <summary>Every unique weight of the model that is known.</summary>
    public IReadOnlyList<WeightAccount> Weights { get; }
    /// <summary>The layers (at any depth, each once) whose weights could not be derived and no file supplied: while any
    /// exists, the totals below are null.</summary>
    public IReadOnlyList<Layer> UnknownLayers { get; }
    public bool IsComplete => UnknownLayers.Count == 0;

    /// <summary>Why the totals are unknown, in a few words naming each layer at the root of it: one whose output shape
    /// could not be derived (so later weights were not), one whose own weights could not be derived (a class not known
    /// here), or both; null when they are known.</summary>
    public string? UnknownTotalsReason => IsComplete ? null : string.Join("; ", UnknownLayers
        .Select(l => (Root: l.UnderivedWeightsOrigin ?? l, Shape: l.UnderivedWeightsOrigin is not null))
        .GroupBy(c => c.Root, ReferenceEqualityComparer.Instance)
        .Select(g =>
        {
            var root = (Layer)g.Key!;
            var what = g.Any(c => c.Shape) && g.Any(c => !c.Shape) ? "the output shape and the weights"
                : g.Any(c => c.Shape) ? "the output shape" : "the weights";
            return $"{what} of layer '{root.Name}' ({root.ClassName}) could not be derived";
        }));
    public long? TotalParams { get; }
    public long? TrainableParams { get; }
    public long? NonTrainableParams { get; }
    public double? TrainableBytes { get; }
    public double? NonTrainableBytes { get; }
    public double? TotalBytes => TrainableBytes + NonTrainableBytes;

    /// <summary>The built optimizer's variables when the file stores them; Keras 3 adds them to its printed total.</summary>
    public OptimizerState? Optimizer => Model.Optimizer;

    /// <summary>The weights that are non-trainable, in model order: the answer to "where do they come from".</summary>
    public IEnumerable<WeightAccount> NonTrainableSources => Weights.Where(w => !w.Trainable);

    public static ModelAccount Of(Model model)
    {
        var status = new Dictionary<Weight, WeightAccount>(ReferenceEqualityComparer.Instance);
        Resolve(model, model.Trainable ? null : model, status);
        var rows = model.Layers.Select(l => Row(l, status, model)).ToArray();
        return new ModelAccount(model, rows, Unique(model.AllWeights, status));
    }

    /// <summary>Walk the layer tree once, deciding each weight's trainability by the first path that reaches it.</summary>
    private static void Resolve(Layer layer, Layer? frozenBy, Dictionary<Weight, WeightAccount> status)
    {
        var frozen = frozenBy ?? (layer.Trainable ? null : layer);
        foreach (var w in layer.OwnWeights)
            status.TryAdd(w, new WeightAccount(w, w.Spec.Trainable && frozen is null, w.Spec.Trainable ? frozen : null));
        foreach (var sub in layer.SubLayers)
            Resolve(sub, frozen, status);
    }

    private static LayerAccount Row(Layer layer, Dictionary<Weight, WeightAccount> status, Model parent)
    {
        var children = layer is Model nested ? nested.Layers.Select(l => Row(l, status, nested)).ToArray() : [];
        return new LayerAccount(layer, Unique(layer.AllWeights, status), children)
        {
            Uses = layer.InboundNodes.Count(parent.Contains),
        };
    }

    /// <summary>Every layer that is not a model, each once, in model order.</summary>
    private static IEnumerable<Layer> Leaves(Model model)
    {
        var seen = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        return Walk(model);

        IEnumerable<Layer> Walk(Model m)
        {
            foreach (var layer in m.Layers)
            {
                if (!seen.Add(layer)) continue;
                if (layer is Model nested) foreach (var inner in Walk(nested)) yield return inner;
                else yield return layer;
            }
        }
    }

    private static WeightAccount[] Unique(IEnumerable<Weight> weights, Dictionary<Weight, WeightAccount> status)
    {
        var seen = new HashSet<Weight>(ReferenceEqualityComparer.Instance);
        return weights.Where(seen.Add).Select(w => status[w]).ToArray();
    }
}
