using System.Text.Json.Nodes;
using ParamLens.Graph;

namespace ParamLens.Inputs;

/// <summary>
/// Reads a TensorFlow.js layers model (<c>model.json</c>): the Keras topology in <c>modelTopology</c> (its
/// <c>model_config</c> when converted from Keras, the topology itself when saved by TF.js), and the names, shapes and
/// dtypes in <c>weightsManifest</c>. The shard files are never opened.
/// </summary>
internal sealed class TfjsModelReader : IModelReader
{
    public const string Format = "TensorFlow.js layers model (model.json)";

    public string Name => Format;

    public bool Recognises(ModelInput input) =>
        !input.HasExtension(".py") && input.LooksLikeJson && input.Json is JsonObject root && root.ContainsKey("modelTopology");

    public ModelDocument Read(ModelInput input, ModelSource.Options options) => Read((JsonObject)input.Json!, options);

    public static ModelDocument Read(JsonObject root, ModelSource.Options options)
    {
        var topology = root["modelTopology"] as JsonObject ?? throw new ModelException("'modelTopology' is not an object");
        var config = topology["model_config"] as JsonObject ?? topology;
        if (!KerasJsonReader.LooksLikeModelConfig(config))
            throw new ModelException("'modelTopology' holds no Keras model config (no 'class_name' and 'config')");
        var writtenBy = KerasJsonReader.VersionOf(Str(topology["keras_version"]))
            ?? KerasJsonReader.VersionOf(Str(root["generatedBy"]) is { } by && by.StartsWith("keras v", StringComparison.Ordinal) ? by["keras v".Length..] : null);
        var model = KerasJsonReader.Read(config, options.VersionOverride, writtenBy, options.Limits);
        if (root["weightsManifest"] is not JsonArray manifest) return ModelDocument.OfFile(model, null, Format + ", without weightsManifest");
        return ModelDocument.OfFile(model, new StoredWeights("the weightsManifest of model.json", Weights(manifest, model)), Format);
    }

    private static List<StoredWeight> Weights(JsonArray manifest, Model model)
    {
        var entries = new List<(string Name, long[] Shape, string DType)>();
        foreach (var group in manifest)
        {
            var weights = group?["weights"] as JsonArray ?? throw new ModelException("a weightsManifest group has no 'weights' list");
            foreach (var entry in weights)
            {
                if (entry is not JsonObject w) throw new ModelException("a weightsManifest entry is not an object");
                if (Str(w["group"]) == "optimizer") continue; // optimizer state saved with includeOptimizer: not parameters
                var name = Str(w["name"]) ?? throw new ModelException("a weightsManifest entry has no name");
                entries.Add((name, Shape(w["shape"], name), Str(w["dtype"]) ?? "float32"));
            }
        }
        // Converted from a Keras 3 archive, weights keep their archive paths (layers/dense/vars/0) and map the same way.
        var byPath = entries.Where(e => e.Name.Contains("/vars/", StringComparison.Ordinal)).ToList();
        var index = new LayerNameIndex(model, []);
        var stored = entries.Except(byPath).Select(e => new StoredWeight(index.Find(e.Name) ?? [], e.Name, e.Shape, e.DType)).ToList();
        if (byPath.Count > 0) stored.AddRange(Keras3WeightsLayout.Map(model, byPath));
        return stored;
    }

    private static long[] Shape(JsonNode? node, string name)
    {
        if (node is not JsonArray dims) throw new ModelException($"weight '{name}' has no shape list");
        var shape = new long[dims.Count];
        for (var i = 0; i < dims.Count; i++)
        {
            if (dims[i] is not JsonValue v || !v.TryGetValue<long>(out var d))
                throw new ModelException($"weight '{name}' has the dimension {dims[i]?.ToJsonString() ?? "null"}, which is not a 64-bit integer");
            if (d < 0) throw new ModelException($"weight '{name}' has the negative dimension {d}");
            shape[i] = d;
        }
        _ = Shapes.Checked.Product(shape);
        return shape;
    }

    private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
