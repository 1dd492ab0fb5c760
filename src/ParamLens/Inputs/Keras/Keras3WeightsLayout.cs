using System.Text.RegularExpressions;
using ParamLens.Graph;
using ParamLens.Shapes;

namespace ParamLens.Inputs;

/// <summary>
/// Maps the datasets of a Keras 3 weights file (<c>model.weights.h5</c> inside a <c>.keras</c> archive, or a
/// <c>.weights.h5</c>) to the layers of a config. The file names no layers: every object's variables sit in
/// <c>&lt;path&gt;/vars/0, 1, …</c>, and a container's children are keyed by their snake_case class name made unique
/// within the container (<c>dense</c>, <c>dense_1</c>, …). tf.keras 2.13–2.15 archives use
/// <c>_layer_checkpoint_dependencies</c> instead of <c>layers</c>, number the keys with gaps, and Windows-saved ones
/// join path parts with <c>\</c>; both are accepted.
/// </summary>
internal static partial class Keras3WeightsLayout
{
    /// <summary>Object paths holding training state, not parameters (Keras counts none of them).</summary>
    private static bool IsTrainingState(string segment) =>
        segment is "optimizer" or "metrics" || segment.Contains("seed_generator", StringComparison.Ordinal);

    private sealed class PathNode
    {
        public SortedDictionary<string, PathNode> Children { get; } = new(StringComparer.Ordinal);
        public List<(int Index, string Path, long[] Shape, string DType)> Vars { get; } = [];
        public bool Claimed { get; set; }

        public PathNode Child(string name)
        {
            if (!Children.TryGetValue(name, out var child)) Children[name] = child = new PathNode();
            return child;
        }
    }

    /// <summary>The top-level optimizer's variables (<c>optimizer/vars/&lt;i&gt;</c>), or null when none are stored.</summary>
    public static OptimizerState? Optimizer(IEnumerable<(string Path, long[] Shape, string DType)> datasets)
    {
        long count = 0;
        double bytes = 0;
        var any = false;
        foreach (var (path, shape, dtype) in datasets)
        {
            var parts = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts is not ["optimizer", "vars", _]) continue;
            var n = Checked.Product(shape);
            count = Checked.Add(count, n);
            bytes += n * (double)DType.Bits(dtype) / 8;
            any = true;
        }
        return any ? new OptimizerState(count, bytes) : null;
    }

    /// <summary>Whether a file's dataset paths follow this layout (some <c>…/vars/&lt;i&gt;</c> dataset exists).</summary>
    public static bool Recognises(IEnumerable<string> datasetPaths) =>
        datasetPaths.Any(p => VarsPath().IsMatch(p.Replace('\\', '/')));

    public static List<StoredWeight> Map(Model model, IEnumerable<(string Path, long[] Shape, string DType)> datasets)
    {
        var root = new PathNode();
        foreach (var (path, shape, dtype) in datasets)
        {
            var parts = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || parts[^2] != "vars" || !int.TryParse(parts[^1], out var index)) continue;
            if (parts.Any(IsTrainingState)) continue;
            var node = root;
            foreach (var part in parts[..^2]) node = node.Child(part);
            node.Vars.Add((index, path, shape, dtype));
        }

        var stored = new List<StoredWeight>();
        var visited = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        var work = new Stack<(PathNode Container, Model Model, string[] Prefix)>();
        work.Push((root, model, []));
        while (work.Count > 0)
        {
            var (container, current, prefix) = work.Pop();
            container.Claimed = true;
            stored.AddRange(VarsIn(container, prefix, ownOnly: true));
            var list = container.Children.GetValueOrDefault("layers") ?? container.Children.GetValueOrDefault("_layer_checkpoint_dependencies");
            if (list is null) continue;
            list.Claimed = true;
            foreach (var (layer, node) in Pair(current.Layers, list, visited))
            {
                string[] path = [.. prefix, layer.Name];
                if (layer is Model nested) work.Push((node, nested, path));
                else stored.AddRange(VarsIn(node, path, ownOnly: false));
            }
        }
        // Whatever no layer claimed (and is not training state) is reported, so a verification can point at it.
        stored.AddRange(Unclaimed(root));
        return stored;
    }

    /// <summary>The layers of one container matched to their keys: Keras 3's exact names when they fit what the file
    /// holds, else, per class, the i-th layer with the i-th key in numeric order (tf.keras 2.13–2.15 numbering).</summary>
    private static IEnumerable<(Layer Layer, PathNode Node)> Pair(IReadOnlyList<Layer> layers, PathNode list, HashSet<Layer> visited)
    {
        var used = new Dictionary<string, int>();
        var exact = new List<(Layer, string)>();
        foreach (var layer in layers)
        {
            var snake = SnakeCase(layer.ClassName);
            var key = used.TryGetValue(snake, out var n) ? $"{snake}_{used[snake] = n + 1}" : snake;
            if (!used.ContainsKey(snake)) used[snake] = 0;
            exact.Add((layer, key));
        }
        var exactKeys = exact.Select(e => e.Item2).ToHashSet();
        var pairs = list.Children.Keys.All(exactKeys.Contains)
            ? exact.Where(e => list.Children.ContainsKey(e.Item2)).Select(e => (e.Item1, e.Item2))
            : ByClassOrder(layers, list);
        foreach (var (layer, key) in pairs)
        {
            // A layer reached twice (shared between an outer and a nested model) is stored once, at its first path.
            if (!visited.Add(layer)) continue;
            var node = list.Children[key];
            node.Claimed = true;
            yield return (layer, node);
        }
    }

    private static IEnumerable<(Layer, string)> ByClassOrder(IReadOnlyList<Layer> layers, PathNode list)
    {
        foreach (var group in layers.GroupBy(l => SnakeCase(l.ClassName)))
        {
            var keys = list.Children.Keys
                .Select(k => (Key: k, Number: KeyNumber(k, group.Key)))
                .Where(k => k.Number >= 0)
                .OrderBy(k => k.Number)
                .Select(k => k.Key)
                .ToList();
            foreach (var (layer, key) in group.Zip(keys)) yield return (layer, key);
        }
    }

    /// <summary>0 for <c>snake</c>, n for <c>snake_n</c>, -1 when the key belongs to another class.</summary>
    private static long KeyNumber(string key, string snake)
    {
        if (key == snake) return 0;
        return key.Length > snake.Length + 1 && key.StartsWith(snake + "_", StringComparison.Ordinal)
            && long.TryParse(key.AsSpan(snake.Length + 1), out var n) && n > 0 ? n : -1;
    }

    /// <summary>Variables of an object: its own <c>vars</c> in index order, then (unless asked for its own only) those of
    /// every object below it, such as an RNN's <c>cell</c> or a wrapper's <c>forward_layer</c>.</summary>
    private static IEnumerable<StoredWeight> VarsIn(PathNode node, string[] layerPath, bool ownOnly)
    {
        var stack = new Stack<PathNode>();
        stack.Push(node);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            current.Claimed = true;
            foreach (var v in current.Vars.OrderBy(v => v.Index))
                yield return new StoredWeight(layerPath, v.Path, v.Shape, v.DType);
            if (ownOnly) yield break;
            foreach (var child in current.Children.Values.Reverse()) stack.Push(child);
        }
    }

    private static IEnumerable<StoredWeight> Unclaimed(PathNode root)
    {
        var stack = new Stack<PathNode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!node.Claimed)
                foreach (var v in node.Vars) yield return new StoredWeight([], v.Path, v.Shape, v.DType);
            foreach (var child in node.Children.Values) stack.Push(child);
        }
    }

    /// <summary>Keras <c>naming.to_snake_case</c>: drop non-word characters, split before capitalised words and at
    /// lower→upper steps, lower-case.</summary>
    public static string SnakeCase(string className)
    {
        var name = NonWord().Replace(className, "");
        name = CapitalisedWord().Replace(name, "$1_$2");
        name = LowerUpper().Replace(name, "$1_$2");
        return name.ToLowerInvariant();
    }

    [GeneratedRegex(@"(^|/)vars/\d+$")]
    private static partial Regex VarsPath();
    [GeneratedRegex(@"\W+")]
    private static partial Regex NonWord();
    [GeneratedRegex("(.)([A-Z][a-z]+)")]
    private static partial Regex CapitalisedWord();
    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex LowerUpper();
}
