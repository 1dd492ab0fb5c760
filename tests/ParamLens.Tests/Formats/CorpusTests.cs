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
    /// <summary>A layer class a case needs that is not declared yet, and where its weights are defined.</summary>
    /// <param name="Source">The Keras source file that creates the class's weights (<c>keras-team/keras</c>), or the
    /// package that defines a class which is not part of Keras.</param>
    public sealed record Undeclared(string ClassName, string Source);

    private const string Rnn = "keras/src/layers/rnn/";
    private const string Conv = "keras/src/layers/convolutional/";

    /// <summary>
    /// Cases that cannot load yet because a layer class of theirs is not declared. Each entry names the first undeclared
    /// class the reader meets. The layer classes of Keras are being declared elsewhere; a case whose class appears loads
    /// and is checked in full by the same tests, so an entry here only ever excuses exactly this error. Classes that are
    /// not part of Keras (QKeras, HGQ, layers defined in a model's own code) stay here until custom layers are supported.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Undeclared> UndeclaredClass = new Dictionary<string, Undeclared>
    {
        ["h5-bilstm-conv1d-gen-k2.10"] = new("Bidirectional", Rnn + "bidirectional.py"),
        ["h5-bilstm-seq-k2.11"] = new("Bidirectional", Rnn + "bidirectional.py"),
        ["h5-convlstm2d-k3.8-legacy"] = new("ConvLSTM2D", Rnn + "conv_lstm2d.py"),
        ["h5-gru-k3.13-legacy"] = new("GRU", Rnn + "gru.py"),
        ["h5-hgq-mnist-k2.13"] = new("FixedPointQuantizer", "not Keras: the HGQ package"),
        ["h5-lstm-seq-k2.3.1"] = new("LSTM", Rnn + "lstm.py"),
        ["h5-mini-xception-k2.0.5"] = new("SeparableConv2D", Conv + "separable_conv2d.py"),
        ["h5-multi-output-lstm-k3.10"] = new("LSTM", Rnn + "lstm.py"),
        ["h5-nvidia-steering-k1.2.1"] = new("Lambda", "keras/src/layers/core/lambda_layer.py"),
        ["h5-s2s-lstm-k2.2.5"] = new("LSTM", Rnn + "lstm.py"),
        ["h5-simplernn-k3.13-legacy"] = new("SimpleRNN", Rnn + "simple_rnn.py"),
        ["json-config-only-carnd-k2.0.6"] = new("Lambda", "keras/src/layers/core/lambda_layer.py"),
        ["json-config-only-conv1d-gmp-k2.1.6"] = new("Embedding", "keras/src/layers/core/embedding.py"),
        ["json-config-only-embedding-lstm-k2.0.9"] = new("Embedding", "keras/src/layers/core/embedding.py"),
        ["json-embedding-lstm-k2.2.4"] = new("Embedding", "keras/src/layers/core/embedding.py"),
        ["json-qkeras-mnist-cnn-k2.4.0"] = new("QConv2D", "not Keras: the QKeras package"),
        ["tfjs-embedding-lstm-k2.2.4"] = new("Embedding", "keras/src/layers/core/embedding.py"),
        ["tfjs-mobilenetv2-flat-k3.10"] = new("DepthwiseConv2D", Conv + "depthwise_conv2d.py"),
        ["tfjs-stacked-lstm-k2.4.0"] = new("LSTM", Rnn + "lstm.py"),
        ["tfjs-teachable-mobilenetv2-nested"] = new("DepthwiseConv2D", Conv + "depthwise_conv2d.py"),
        ["v3-bilstm-seq-k3.8"] = new("Bidirectional", Rnn + "bidirectional.py"),
        ["v3-custom-transformer-block-k3.8"] = new("TransformerBlock", "not Keras: defined in the model's own code"),
        ["v3-lstm-optimizer-state-k3.8"] = new("LSTM", Rnn + "lstm.py"),
        ["v3-lstm-stacked-seq-k3.9"] = new("LSTM", Rnn + "lstm.py"),
        ["v3-normalization-k2.15-windows"] = new("Normalization", "keras/src/layers/preprocessing/normalization.py"),
        ["v3-qkeras-3layer-k3.14"] = new("QDense", "not Keras: the QKeras package"),
        ["v3-siamese-mlp-custom-distance-k3.5"] = new("L1Distance", "not Keras: defined in the model's own code"),
        ["v3-transformer-mha-k3.9"] = new("LayerNormalization", "keras/src/layers/normalization/layer_normalization.py"),
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
        catch (ModelException e) when (UndeclaredClass.TryGetValue(id, out var missing) && e.Message.Contains($"unknown layer class '{missing.ClassName}'"))
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
