using System.Text.Json.Nodes;
using ParamLens.Accounting;
using ParamLens.Formats;

namespace ParamLens.Tests.Formats;

/// <summary>
/// Every real model file of the shared corpus (../shared/corpus/*/expected.json, whose figures were derived from the
/// stored weights with h5py/json/zipfile alone): it loads, its totals, trainable split and per-layer counts equal the
/// expected ones, and <c>verify</c> finds every stored weight where the config puts it.
/// </summary>
public class CorpusTests
{
    /// <summary>
    /// Cases that cannot load yet because a layer class of theirs is not declared. Each entry names the first undeclared
    /// class the reader meets. The layer classes of Keras are being declared elsewhere; a case whose class appears loads
    /// and is checked in full by the same test, so an entry here only ever excuses exactly this error. Custom classes
    /// (QKeras, HGQ, user-defined layers) are not Keras classes: their cases stay here until custom layers are supported.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> UndeclaredClass = new Dictionary<string, string>
    {
        ["h5-bilstm-conv1d-gen-k2.10"] = "Bidirectional",
        ["h5-bilstm-seq-k2.11"] = "Bidirectional",
        ["h5-convlstm2d-k3.8-legacy"] = "ConvLSTM2D",
        ["h5-gru-k3.13-legacy"] = "GRU",
        ["h5-hgq-mnist-k2.13"] = "FixedPointQuantizer", // custom (HGQ)
        ["h5-lstm-seq-k2.3.1"] = "LSTM",
        ["h5-mini-xception-k2.0.5"] = "SeparableConv2D",
        ["h5-multi-output-lstm-k3.10"] = "LSTM",
        ["h5-nvidia-steering-k1.2.1"] = "Lambda",
        ["h5-s2s-lstm-k2.2.5"] = "LSTM",
        ["h5-simplernn-k3.13-legacy"] = "SimpleRNN",
        ["json-config-only-carnd-k2.0.6"] = "Lambda",
        ["json-config-only-conv1d-gmp-k2.1.6"] = "Embedding",
        ["json-config-only-embedding-lstm-k2.0.9"] = "Embedding",
        ["json-embedding-lstm-k2.2.4"] = "Embedding",
        ["json-qkeras-mnist-cnn-k2.4.0"] = "QConv2D", // custom (QKeras)
        ["tfjs-embedding-lstm-k2.2.4"] = "Embedding",
        ["tfjs-mobilenetv2-flat-k3.10"] = "DepthwiseConv2D",
        ["tfjs-stacked-lstm-k2.4.0"] = "LSTM",
        ["tfjs-teachable-mobilenetv2-nested"] = "DepthwiseConv2D",
        ["v3-bilstm-seq-k3.8"] = "Bidirectional",
        ["v3-custom-transformer-block-k3.8"] = "TransformerBlock", // custom (user-defined)
        ["v3-lstm-optimizer-state-k3.8"] = "LSTM",
        ["v3-lstm-stacked-seq-k3.9"] = "LSTM",
        ["v3-normalization-k2.15-windows"] = "Normalization",
        ["v3-qkeras-3layer-k3.14"] = "QDense", // custom (QKeras)
        ["v3-siamese-mlp-custom-distance-k3.5"] = "L1Distance", // custom (user-defined)
        ["v3-transformer-mha-k3.9"] = "LayerNormalization",
    };

    private static string CorpusRoot => Path.Combine(TestPaths.Shared, "corpus");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(CorpusRoot).Order(StringComparer.Ordinal))
            if (File.Exists(Path.Combine(dir, "expected.json"))) data.Add(Path.GetFileName(dir));
        return data;
    }

    private static JsonObject Expected(string id) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(CorpusRoot, id, "expected.json")))!;

    /// <summary>Open a case's file (and its companion weights file), or null when it fails only for its listed class.</summary>
    private static ModelFile? OpenCase(string id, JsonObject expected)
    {
        var dir = Path.Combine(CorpusRoot, id);
        var companion = expected["source"]?["companion_path"]?.GetValue<string>();
        var options = new ModelSource.Options { WeightsPath = companion is null ? null : Path.Combine(dir, Path.GetFileName(companion)) };
        try
        {
            return ModelSource.Open(Path.Combine(dir, expected["file"]!.GetValue<string>()), options);
        }
        catch (ModelException e) when (UndeclaredClass.TryGetValue(id, out var missing) && e.Message.Contains($"unknown layer class '{missing}'"))
        {
            return null;
        }
    }

    [Fact]
    public void The_list_of_undeclared_classes_names_only_existing_cases() =>
        Assert.All(UndeclaredClass.Keys, id => Assert.True(File.Exists(Path.Combine(CorpusRoot, id, "expected.json")), id));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Totals_split_and_layer_counts_match(string id)
    {
        var expected = Expected(id);
        var file = OpenCase(id, expected);
        if (file is null) return;
        var account = ModelAccount.Of(file.Model);
        AssertFigure(expected["total_params"], account.TotalParams, $"{id}: total");
        AssertFigure(expected["trainable_params"], account.TrainableParams, $"{id}: trainable");
        AssertFigure(expected["non_trainable_params"], account.NonTrainableParams, $"{id}: non-trainable");
        CompareRows(id, (JsonArray)expected["layers"]!, account.Layers);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verify_agrees_with_every_stored_weight(string id)
    {
        var expected = Expected(id);
        if (expected["oracle"]!.GetValue<string>() == "config-only") return; // nothing stored to verify against
        var file = OpenCase(id, expected);
        if (file is null) return;
        Assert.NotNull(file.Stored);
        var verification = WeightVerification.Of(file.Model, file.Stored!);
        Assert.True(verification.Agrees, $"{id}:\n" + string.Join("\n", verification.Mismatches));
        Assert.Equal(expected["weight_count"]!.GetValue<int>(), file.Stored!.Weights.Count);
        Assert.Equal(expected["total_params"]!.GetValue<long>(), file.Stored.TotalCount);
    }

    /// <summary>Layer rows by name (a Sequential's InputLayer entry has no row in Keras either: it must hold nothing).</summary>
    private static void CompareRows(string where, JsonArray expectedRows, IReadOnlyList<LayerAccount> rows)
    {
        foreach (var row in expectedRows.Select(r => (JsonObject)r!))
        {
            var name = row["name"]!.GetValue<string>();
            var actual = rows.FirstOrDefault(r => r.Layer.Name == name);
            if (actual is null)
            {
                Assert.True(row["class_name"]!.GetValue<string>() == "InputLayer", $"{where}: no row for layer '{name}'");
                continue;
            }
            AssertFigure(row["params"], actual.Params, $"{where}/{name}: params");
            AssertFigure(row["trainable_params"], actual.TrainableParams, $"{where}/{name}: trainable");
            AssertFigure(row["non_trainable_params"], actual.NonTrainableParams, $"{where}/{name}: non-trainable");
            if (row["inner_layers"] is JsonArray inner) CompareRows($"{where}/{name}", inner, actual.Children);
        }
    }

    /// <summary>Config-only cases give null where no figure could be derived independently: those are not checked.</summary>
    private static void AssertFigure(JsonNode? expected, long actual, string what)
    {
        if (expected is null) return;
        Assert.True(expected.GetValue<long>() == actual, $"{what}: expected {expected.GetValue<long>()}, got {actual}");
    }
}
