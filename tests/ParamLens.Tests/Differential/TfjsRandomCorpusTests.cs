using System.Text.Json;
using System.Text.Json.Nodes;
using ParamLens.Accounting;
using ParamLens.Inputs;
using ParamLens.Graph;
using ParamLens.Layers;
using ParamLens.Shapes;

namespace ParamLens.Tests.Differential;

/// <summary>
/// The random models in ../shared/corpus/random, generated and answered by TensorFlow.js (an independent implementation
/// of the Keras layers API, see ../shared/tools/tfjs-oracle/README.md). Each model with an <c>.expected.json</c> is read
/// through <see cref="ModelSource"/> and must match it: every layer's output shape, params, trainable and non-trainable
/// counts (layers matched by name), and the three totals.
/// </summary>
public class TfjsRandomCorpusTests
{
    /// <summary>The shared corpus, or a folder of models generated locally with other seeds (set PARAMLENS_RANDOM_CORPUS).</summary>
    private static string Corpus => Environment.GetEnvironmentVariable("PARAMLENS_RANDOM_CORPUS") is { Length: > 0 } local
        ? local : Path.Combine(TestPaths.Shared, "corpus", "random");

    /// <summary>
    /// The one documented TF.js divergence in this corpus. TF.js' <c>Sequential.add</c> (tfjs-layers models.ts) records
    /// the model's own node with a bare output shape when the first layer is added and as a one-element list when later
    /// layers are added; its call node records a list. So a nested Sequential holding a single layer that carries its
    /// input shape reports "multiple". Keras (tf-keras engine/sequential.py <c>add</c>, then
    /// <c>_init_graph_network</c>) records the model's node the same way whatever the layer count, so its
    /// <c>output_shape</c> (engine/base_layer.py: "multiple" only when <c>str(node.output_shapes)</c> differ) is the
    /// single shape of both calls.
    /// </summary>
    private static HashSet<string> OneLayerSequentialsWithInputShape(JsonObject root)
    {
        var names = new HashSet<string>();
        void Walk(JsonNode? n, bool nested)
        {
            if (n is JsonArray a)
                foreach (var child in a) Walk(child, nested);
            if (n is not JsonObject o) return;
            if (nested && (string?)o["class_name"] == "Sequential" && o["config"]?["layers"] is JsonArray layers)
            {
                var own = layers.Where(l => (string?)l!["class_name"] != "InputLayer").ToArray();
                var hasShape = layers.Count > own.Length || own.FirstOrDefault()?["config"]?["batch_input_shape"] is not null;
                if (own.Length == 1 && hasShape) names.Add((string)o["config"]!["name"]!);
            }
            foreach (var (_, child) in o) Walk(child, nested: true);
        }
        Walk(root, nested: false);
        return names;
    }

    private static readonly string[] ModelClasses = ["Sequential", "Functional", "Model"];

    public static TheoryData<string> AllModels()
    {
        var data = new TheoryData<string>();
        foreach (var id in Models()) data.Add(id);
        return data;
    }

    /// <summary>One case per model.</summary>
    [SharedTheory]
    [MemberData(nameof(AllModels))]
    public void MatchesTensorFlowJs(string id)
    {
        var missing = UndeclaredClasses(ReadJson(id + ".json"));
        Assert.True(missing.Count == 0, $"{id} uses layer classes the catalog does not declare: {string.Join(", ", missing)}");

        var expected = ReadJson(id + ".expected.json");
        var model = ModelSource.Load(Path.Combine(Corpus, id + ".json")).Single();
        var account = ModelAccount.Of(model);
        var problems = new List<string>();

        var rows = account.Layers.ToDictionary(r => r.Layer.Name);
        var tfjsQuirk = OneLayerSequentialsWithInputShape(ReadJson(id + ".json"));
        var expectedLayers = (JsonArray)expected["layers"]!;
        foreach (var e in expectedLayers.Cast<JsonObject>())
        {
            var name = (string)e["name"]!;
            if (!rows.TryGetValue(name, out var row))
            {
                problems.Add($"layer '{name}' ({e["class_name"]}) is missing");
                continue;
            }
            var shape = OutputShapeJson(row.Layer);
            var expectedShape = e["output_shape"]!.ToJsonString();
            if (shape != expectedShape && !(expectedShape == "\"multiple\"" && tfjsQuirk.Contains(name) && !shape.Contains("multiple")))
                problems.Add($"{name}: output shape {shape}, expected {e["output_shape"]!.ToJsonString()}");
            Compare(problems, name, "params", row.Params, e["params"]);
            Compare(problems, name, "trainable params", row.TrainableParams, e["trainable_params"]);
            Compare(problems, name, "non-trainable params", row.NonTrainableParams, e["non_trainable_params"]);
        }
        var extra = rows.Keys.Except(expectedLayers.Select(e => (string)e!["name"]!)).ToArray();
        if (extra.Length > 0) problems.Add($"layers TF.js does not list: {string.Join(", ", extra)}");
        Compare(problems, "model", "total params", account.TotalParams, expected["total_params"]);
        Compare(problems, "model", "trainable params", account.TrainableParams, expected["trainable_params"]);
        Compare(problems, "model", "non-trainable params", account.NonTrainableParams, expected["non_trainable_params"]);

        Assert.True(problems.Count == 0, $"{id} differs from TF.js:\n  " + string.Join("\n  ", problems));
    }

    /// <summary>The corpus is found and holds models: a missing folder must not pass as a theory with no cases.</summary>
    [SharedFact]
    public void CorpusHasModels() => Assert.True(Models().Any(), $"expected generated models with answers in {Corpus}");

    private static IEnumerable<string> Models() =>
        Directory.EnumerateFiles(Corpus, "*.expected.json")
            .Select(f => Path.GetFileName(f)[..^".expected.json".Length])
            .Where(id => File.Exists(Path.Combine(Corpus, id + ".json")))
            .Order(StringComparer.Ordinal);

    private static JsonObject ReadJson(string file) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Corpus, file)), documentOptions: new JsonDocumentOptions { MaxDepth = 256 })!;

    /// <summary>Layer classes in the config (entries with a named config: layers, wrapped layers, cells) that the catalog
    /// does not know. Initializers, regularizers and constraints have no name, so they are not mistaken for layers;
    /// dtype policies are skipped.</summary>
    private static IReadOnlyCollection<string> UndeclaredClasses(JsonNode? node)
    {
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    if (o["class_name"] is JsonValue v && v.TryGetValue<string>(out var cls) && o["config"] is JsonObject c
                        && c.ContainsKey("name") && !ModelClasses.Contains(cls) && LayerCatalog.Find(cls) is null)
                        missing.Add(cls);
                    foreach (var (key, child) in o)
                        if (key != "dtype") Walk(child); // a Keras 3 dtype policy object has a named config too
                    break;
                case JsonArray a:
                    foreach (var child in a) Walk(child);
                    break;
            }
        }
        Walk(node);
        return missing;
    }

    /// <summary>The layer's output shape as TF.js writes it: one list, a list of lists for several outputs, or
    /// "multiple" when its calls produced different shapes.</summary>
    private static string OutputShapeJson(Layer layer)
    {
        static string Dims(Shape s) => "[" + string.Join(",", s.Select(d => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null")) + "]";
        var texts = layer.InboundNodes
            .Select(n => n.Outputs.Count == 1 ? Dims(n.Outputs[0].Shape) : "[" + string.Join(",", n.Outputs.Select(t => Dims(t.Shape))) + "]")
            .Distinct().ToArray();
        return texts.Length == 1 ? texts[0] : "\"multiple\"";
    }

    private static void Compare(List<string> problems, string where, string what, long? actual, JsonNode? expected)
    {
        var value = expected!.GetValue<long>();
        if (actual != value) problems.Add($"{where}: {what} {actual?.ToString("N0") ?? "unknown"}, expected {value:N0}");
    }
}
