using ParamLens.Graph;

namespace ParamLens.Inputs;

/// <summary>
/// Finds the layer a stored weight belongs to from the scopes of its name (<c>conv2d_253/kernel:0</c>,
/// <c>lstm/lstm_cell/kernel</c>): the first scope that names a layer, searched through nested models. This is how
/// legacy HDF5 files name weights inside a nested model's group, and how TF.js names every weight.
/// </summary>
internal sealed class LayerNameIndex
{
    private readonly Dictionary<string, string[]> _paths = new(StringComparer.Ordinal);

    /// <summary>Index the layers (not models) below <paramref name="model"/>, each under the path from <paramref name="prefix"/>;
    /// a name met twice keeps its first, shallowest path.</summary>
    public LayerNameIndex(Model model, string[] prefix)
    {
        var queue = new Queue<(Model Model, string[] Path)>();
        queue.Enqueue((model, prefix));
        var seen = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        while (queue.Count > 0)
        {
            var (current, path) = queue.Dequeue();
            foreach (var layer in current.Layers)
            {
                if (!seen.Add(layer)) continue;
                string[] layerPath = [.. path, layer.Name];
                if (layer is Model nested) queue.Enqueue((nested, layerPath));
                else _paths.TryAdd(layer.Name, layerPath);
            }
        }
    }

    /// <summary>The path of the layer named by the first scope of <paramref name="weightName"/> that names one, or null.</summary>
    public string[]? Find(string weightName)
    {
        var scopes = weightName.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var scope in scopes.Take(Math.Max(0, scopes.Length - 1)))
            if (_paths.TryGetValue(scope, out var path)) return path;
        return null;
    }
}
