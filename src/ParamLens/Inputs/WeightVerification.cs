using ParamLens.Accounting;
using ParamLens.Graph;
using ParamLens.Shapes;

namespace ParamLens.Inputs;

/// <summary>One disagreement between the weights the config implies and those the file stores.</summary>
/// <param name="Layer">The layer's path (<c>model_117/conv2d_253</c>), or empty when the weight belongs to no layer.</param>
/// <param name="Weight">The weight's name in the config or the file, when one weight is concerned.</param>
public sealed record WeightMismatch(string Layer, string? Weight, string Problem)
{
    public override string ToString() =>
        (Layer.Length == 0 ? "" : $"layer '{Layer}'") + (Weight is null ? "" : (Layer.Length == 0 ? "" : ", ") + $"weight '{Weight}'") + ": " + Problem;
}

/// <summary>
/// Checks ParamLens' own accounting against the weights a file stores: per layer, the number of weights, their names
/// (where the file names them), their shapes, and that running statistics stored by the file are non-trainable in the
/// accounting. Every stored weight must belong to a layer of the config, and every weight the config implies must be stored.
/// </summary>
public sealed class WeightVerification
{
    private static readonly Dictionary<string, string> LegacyNames = new(StringComparer.Ordinal)
    {
        // Keras 1 suffixes (dense_1_W) and its batch-norm statistics.
        ["W"] = "kernel", ["b"] = "bias", ["running_mean"] = "moving_mean", ["running_std"] = "moving_variance",
    };

    private static readonly HashSet<string> RunningStatistics =
        ["moving_mean", "moving_variance", "moving_stddev", "renorm_mean", "renorm_stddev"];

    private WeightVerification(ModelAccount account, StoredWeights stored, List<WeightMismatch> mismatches, List<string> notChecked)
    {
        Account = account;
        Stored = stored;
        Mismatches = mismatches;
        Unchecked = notChecked;
    }

    public ModelAccount Account { get; }
    public StoredWeights Stored { get; }
    public IReadOnlyList<WeightMismatch> Mismatches { get; }
    /// <summary>Layers whose weights the config does not determine (a class not known here, or an input shape that could
    /// not be derived), so there is nothing to check the stored weights against: not disagreements, but said.</summary>
    public IReadOnlyList<string> Unchecked { get; }
    public bool Agrees => Mismatches.Count == 0;

    public static WeightVerification Of(Model model, StoredWeights stored)
    {
        var account = ModelAccount.Of(model);
        var trainable = new Dictionary<Weight, bool>(ReferenceEqualityComparer.Instance);
        foreach (var w in account.Weights) trainable[w.Weight] = w.Trainable;
        var mismatches = new List<WeightMismatch>();
        var byLayer = new Dictionary<Layer, List<StoredWeight>>(ReferenceEqualityComparer.Instance);
        foreach (var weight in stored.Weights)
        {
            var (layer, problem) = Resolve(model, weight.LayerPath);
            if (layer is null)
            {
                mismatches.Add(new WeightMismatch(string.Join("/", weight.LayerPath), weight.Name, problem!));
                continue;
            }
            if (!byLayer.TryGetValue(layer, out var list)) byLayer[layer] = list = [];
            list.Add(weight);
        }
        var notChecked = new List<string>();
        foreach (var (layer, path) in Leaves(model))
        {
            var own = byLayer.GetValueOrDefault(layer) ?? [];
            if (Underived(layer) is { } why)
                notChecked.Add($"layer '{path}' ({layer.ClassName}): {why}; the file stores {own.Count} weight(s) for it ({Describe(own.Select(w => (w.Name, w.ShapeText)))})");
            else Compare(path, layer, own, trainable, mismatches);
        }
        return new WeightVerification(account, stored, mismatches, notChecked);
    }

    /// <summary>Why the config does not determine a layer's weights, or null when it does.</summary>
    private static string? Underived(Layer layer)
    {
        if (layer.UnderivedWeightsReason is not { } reason) return null;
        var outcome = $"they are {(layer.WeightsTakenFromFile ? "counted as stored" : "unknown")}, not checked";
        return layer.UnderivedWeightsOrigin is null
            ? $"{reason}: {outcome}" // a class not known here: the reason says itself that the weights cannot be derived
            : $"its weights could not be derived ({reason}), so {outcome}";
    }

    /// <summary>The layer a stored weight's path names, or why there is none.</summary>
    private static (Layer?, string?) Resolve(Model model, IReadOnlyList<string> path)
    {
        if (path.Count == 0) return (null, "the file stores this weight outside every layer of the config");
        Layer current = model;
        foreach (var name in path)
        {
            if (current is not Model container || container.Layers.FirstOrDefault(l => l.Name == name) is not { } next)
                return (null, $"the file stores this weight for '{name}', which is not a layer of the config there");
            current = next;
        }
        return current is Model nested
            ? (null, $"the file stores this weight inside nested model '{nested.Name}', but its name matches none of that model's layers")
            : (current, null);
    }

    /// <summary>Every layer that is not a model, each once, with the path of names it is first reached by.</summary>
    private static IEnumerable<(Layer Layer, string Path)> Leaves(Model model)
    {
        var seen = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Layer Layer, string Path)>();
        foreach (var layer in model.Layers.Reverse()) stack.Push((layer, layer.Name));
        while (stack.Count > 0)
        {
            var (layer, path) = stack.Pop();
            if (!seen.Add(layer)) continue;
            if (layer is Model nested)
                foreach (var inner in nested.Layers.Reverse()) stack.Push((inner, path + "/" + inner.Name));
            else yield return (layer, path);
        }
    }

    private static void Compare(string path, Layer layer, List<StoredWeight> stored, Dictionary<Weight, bool> trainable, List<WeightMismatch> mismatches)
    {
        var seen = new HashSet<Weight>(ReferenceEqualityComparer.Instance);
        var derived = layer.AllWeights.Where(seen.Add).ToList();
        if (derived.Count != stored.Count)
            mismatches.Add(new WeightMismatch(path, null,
                $"the config gives {derived.Count} weight(s) ({Describe(derived.Select(w => (w.Name, w.Shape.ToPythonTuple())))}), the file stores {stored.Count} ({Describe(stored.Select(s => (s.Name, s.ShapeText)))})"));

        var unpaired = new List<Weight>(derived);
        var deferred = new List<(StoredWeight Stored, string? Name)>();
        foreach (var s in stored)
        {
            var name = Normalise(s.ShortName, layer.Name);
            var byName = name is null ? [] : unpaired.Where(d => NamesAgree(d.Name, name)).ToList();
            if (byName.Count == 0)
            {
                deferred.Add((s, name));
                continue;
            }
            var match = byName.FirstOrDefault(d => SameShape(d.Shape, s.Shape)) ?? byName[0];
            unpaired.Remove(match);
            Check(path, match, s, trainable, mismatches);
        }
        foreach (var (s, name) in deferred)
        {
            var match = unpaired.FirstOrDefault(d => SameShape(d.Shape, s.Shape));
            if (match is null)
            {
                if (derived.Count == stored.Count)
                    mismatches.Add(new WeightMismatch(path, s.Name, $"the file stores {s.ShapeText}, which no remaining weight of the config has"));
                continue;
            }
            unpaired.Remove(match);
            if (name is not null)
                mismatches.Add(new WeightMismatch(path, s.Name, $"the file names it '{name}' where the config has '{match.Name}' of the same shape"));
            Check(path, match, s, trainable, mismatches);
        }
    }

    private static void Check(string path, Weight derived, StoredWeight stored, Dictionary<Weight, bool> trainable, List<WeightMismatch> mismatches)
    {
        if (!SameShape(derived.Shape, stored.Shape))
            mismatches.Add(new WeightMismatch(path, derived.Name, $"the config gives the shape {derived.Shape.ToPythonTuple()}, the file stores {stored.ShapeText}"));
        if (Normalise(stored.ShortName, derived.Owner.Name) is { } name && RunningStatistics.Contains(name) && trainable.GetValueOrDefault(derived))
            mismatches.Add(new WeightMismatch(path, derived.Name, "the file stores a running statistic, which the accounting counts as trainable"));
    }

    /// <summary>A config weight name agrees with a stored short name when it is that name, or ends in it as its last scope
    /// (a wrapper's <c>forward_lstm/kernel</c> is stored as <c>…/forward_lstm/lstm_cell/kernel:0</c>).</summary>
    private static bool NamesAgree(string derived, string stored) =>
        derived == stored || derived.EndsWith("/" + stored, StringComparison.Ordinal);

    /// <summary>The config's name for a stored short name: Keras 1 files prefix it with the layer name (<c>dense_1_W</c>).</summary>
    private static string? Normalise(string? shortName, string layerName)
    {
        if (shortName is null) return null;
        var name = shortName.StartsWith(layerName + "_", StringComparison.Ordinal) ? shortName[(layerName.Length + 1)..] : shortName;
        return LegacyNames.GetValueOrDefault(name, name);
    }

    private static bool SameShape(Shape derived, IReadOnlyList<long> stored) =>
        derived.Rank == stored.Count && derived.Select((d, i) => d == stored[i]).All(b => b);

    private static string Describe(IEnumerable<(string Name, string Shape)> weights)
    {
        var text = string.Join(", ", weights.Select(w => $"{w.Name} {w.Shape}"));
        return text.Length == 0 ? "none" : text;
    }

    /// <summary>A one-line verdict, for commands that only mention disagreements.</summary>
    public string Verdict => Agrees
        ? $"all {Stored.Weights.Count} stored weights agree with the config" + (Unchecked.Count == 0 ? "" : $" ({Unchecked.Count} layer(s) not checked: the config does not determine their weights)")
        : $"{Mismatches.Count} disagreement(s) between the config and the stored weights; first: {Mismatches[0]} (run 'paramlens verify' for all)";

    /// <summary>The full report <c>paramlens verify</c> prints.</summary>
    public string Report()
    {
        var lines = new List<string>
        {
            $"stored: {Stored.Weights.Count} weights, {Stored.TotalCount:N0} parameters ({Stored.Source})",
            Account.UnknownTotalsReason is { } why
                ? $"config: {Account.Weights.Count} weights known, parameter count unknown ({why})"
                : $"config: {Account.Weights.Count} weights, {Account.TotalParams:N0} parameters ({Account.TrainableParams:N0} trainable, {Account.NonTrainableParams:N0} non-trainable)",
        };
        lines.AddRange(Unchecked.Select(u => "not checked: " + u));
        lines.AddRange(Mismatches.Select(m => "mismatch: " + m));
        lines.Add(!Agrees ? $"{Mismatches.Count} mismatch(es)"
            : Unchecked.Count == 0 ? "ok: every stored weight matches the config"
            : $"ok: every stored weight that could be checked matches the config ({Unchecked.Count} layer(s) not checked)");
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }
}
