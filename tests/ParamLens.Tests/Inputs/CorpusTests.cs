using System.Text.Json.Nodes;
using ParamLens.Accounting;
using ParamLens.Inputs;

namespace ParamLens.Tests.Inputs;

/// <summary>
/// Every real model file of the shared corpus (../shared/corpus/*/expected.json, whose figures were derived from the
/// stored weights with h5py/json/zipfile alone): it loads, its totals, trainable split and per-layer counts equal the
/// expected ones, and <c>verify</c> finds every stored weight where the config puts it. Layers whose output shapes cannot
/// be derived (custom classes, Lambdas without an output_shape) do not stop a case: their shapes are unknown, and the
/// weights the file stores for them and the layers after them are counted as stored.
/// </summary>
public class CorpusTests
{
    /// <summary>
    /// Cases with custom classes (QKeras, HGQ) whose output shapes only running their Python code gives, and which the
    /// files do not all record (the Keras 3 archive records every one but the last layer's): those shapes, and every shape
    /// after them, are unknown. The files store every layer's weights, so every count is still known and must equal the
    /// expected one. (The two Lambda cases get their shapes from the
    /// element-wise arithmetic of their stored bytecode; see the carnd test.)
    /// </summary>
    public static readonly TheoryData<string> CustomClassCases =
        new(["h5-hgq-mnist-k2.13", "json-qkeras-mnist-cnn-k2.4.0", "v3-qkeras-3layer-k3.14"]);

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

    /// <summary>Open a case's file (and its companion weights file).</summary>
    private static ModelDocument OpenCase(string id, JsonObject expected)
    {
        var dir = Path.Combine(CorpusRoot, id);
        var companion = expected["source"]?["companion_path"]?.GetValue<string>();
        var options = new ModelSource.Options { WeightsPath = companion is null ? null : Path.Combine(dir, Path.GetFileName(companion)) };
        return ModelSource.Open(Path.Combine(dir, expected["file"]!.GetValue<string>()), options);
    }

    [SharedTheory]
    [MemberData(nameof(Cases))]
    public void Totals_split_and_layer_counts_match(string id)
    {
        var expected = Expected(id);
        var file = OpenCase(id, expected);
        var account = ModelAccount.Of(file.Model);
        AssertFigure(expected["total_params"], account.TotalParams, $"{id}: total");
        AssertFigure(expected["trainable_params"], account.TrainableParams, $"{id}: trainable");
        AssertFigure(expected["non_trainable_params"], account.NonTrainableParams, $"{id}: non-trainable");
        CompareRows(id, (JsonArray)expected["layers"]!, account.Layers);
    }

    [SharedTheory]
    [MemberData(nameof(Cases))]
    public void Verify_agrees_with_every_stored_weight(string id)
    {
        var expected = Expected(id);
        if (expected["oracle"]!.GetValue<string>() == "config-only") return; // nothing stored to verify against
        var file = OpenCase(id, expected);
        Assert.NotNull(file.Stored);
        var verification = WeightVerification.Of(file.Model, file.Stored!);
        Assert.True(verification.Agrees, $"{id}:\n" + string.Join("\n", verification.Mismatches));
        Assert.Equal(expected["weight_count"]!.GetValue<int>(), file.Stored!.Weights.Count);
        Assert.Equal(expected["total_params"]!.GetValue<long>(), file.Stored.TotalCount);
    }

    [SharedFact]
    public void Carnd_ConfigOnly_NormalisingLambdaKeepsTheInputShape_AndTheTotalIsTheCompanionWeightsTotal()
    {
        // Keras 2.0.6 stored lambda x: x / 255 - 0.5 as Python 3.5 bytecode; its input is (64, 64, 3).
        var file = ModelSource.Open(Path.Combine(CorpusRoot, "json-config-only-carnd-k2.0.6", "model.json"));
        var account = ModelAccount.Of(file.Model);
        var lambda = account.Layers.Single(r => r.Layer.Name == "lambda_1").Layer;
        Assert.Equal(Shapes.Shape.Of(null, 64, 64, 3), lambda.InboundNodes[0].Outputs[0].Shape);
        Assert.Contains(lambda.InboundNodes[0].Call!.Notes, n => n.Contains("`lambda x: x / 255 - 0.5`") && n.Contains("Python 3.0–3.5"));
        // Valid 5x5 stride-2 convolutions: 64 -> 30 -> 13 -> 5; 3x3 stride 2 'same': 5 -> 3; 3x3 stride 2 valid: 3 -> 1.
        long conv = (5 * 5 * 3 + 1) * 24 + (5 * 5 * 24 + 1) * 36 + (5 * 5 * 36 + 1) * 48 + (3 * 3 * 48 + 1) * 64 + (3 * 3 * 64 + 1) * 64;
        long dense = (1 * 1 * 64 + 1) * 80 + (80 + 1) * 40 + (40 + 1) * 16 + (16 + 1) * 10 + (10 + 1) * 1;
        Assert.Equal(140_625, conv + dense); // the notes' total of the companion model.h5's stored weights
        Assert.Equal(conv + dense, account.TotalParams);
        Assert.Equal(conv + dense, account.TrainableParams);
    }

    [SharedTheory]
    [MemberData(nameof(CustomClassCases))]
    public void Custom_classes_leave_shapes_unknown_but_stored_weights_give_every_count(string id)
    {
        var expected = Expected(id);
        var file = OpenCase(id, expected);
        var account = ModelAccount.Of(file.Model);
        var unknownShapes = file.Model.Layers.Where(l => l.InboundNodes.Any(n => n.Outputs.Any(t => t.Shape.IsUnknownRank))).ToArray();
        Assert.NotEmpty(unknownShapes);
        Assert.Contains(unknownShapes, l => l.Declaration is ParamLens.Layers.UnknownLayerDeclaration);
        Assert.True(account.IsComplete, $"{id}: unknown weights in {string.Join(", ", account.UnknownLayers.Select(l => l.Name))}");
        Assert.Equal(expected["total_params"]!.GetValue<long>(), account.TotalParams);
        Assert.Equal(expected["trainable_params"]!.GetValue<long>(), account.TrainableParams);
        Assert.All(account.Layers, row => Assert.NotNull(row.Params));
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

    /// <summary>Config-only cases give null where no figure could be derived independently: those are not checked. Where a
    /// figure is expected, an unknown count is a failure.</summary>
    private static void AssertFigure(JsonNode? expected, long? actual, string what)
    {
        if (expected is null) return;
        Assert.True(expected.GetValue<long>() == actual, $"{what}: expected {expected.GetValue<long>()}, got {actual?.ToString() ?? "unknown"}");
    }
}
