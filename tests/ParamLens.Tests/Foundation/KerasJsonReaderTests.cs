using ParamLens.Layers;
using ParamLens.Accounting;
using ParamLens.Inputs;
using ParamLens.Graph;
using ParamLens.Shapes;

namespace ParamLens.Tests.Foundation;

/// <summary>Keras 2 and Keras 3 configs, in the layouts each version wrote, read into the same graph.</summary>
public class KerasJsonReaderTests
{
    private static Model Read(string json) => ModelSource.LoadJson(json);

    [Fact]
    public void SeedExample_Keras224_Functional()
    {
        var model = ModelSource.Load(Path.Combine(TestPaths.RepoRoot, "examples", "seed", "myModel.json")).Single();
        var account = ModelAccount.Of(model);
        Assert.Equal("myModel", model.Name);
        Assert.Equal("2.2.4", model.Version.Text);
        Assert.Equal((7 * 7 * 3 + 1) * 32 + 4 * 32 + (32 * 32 * 32 + 1), account.TotalParams);
        Assert.Equal(2 * 32, account.NonTrainableParams);
        Assert.Equal(["input_3", "zero_padding2d_3", "conv0", "bn0", "activation_2", "max_pool", "flatten_2", "fc"],
            model.Layers.Select(l => l.Name));
    }

    [Fact]
    public void Keras20_SequentialAsAPlainList_InputShapeOnFirstLayer()
    {
        var model = Read("""
            {"class_name": "Sequential", "keras_version": "2.0.8", "backend": "tensorflow", "config": [
              {"class_name": "Dense", "config": {"name": "dense_1", "units": 8, "batch_input_shape": [null, 4], "activation": "relu"}},
              {"class_name": "Dense", "config": {"name": "dense_2", "units": 2}}]}
            """);
        Assert.Equal(ModelKind.Sequential, model.Kind);
        Assert.Equal((4 * 8 + 8) + (8 * 2 + 2), ModelAccount.Of(model).TotalParams);
        Assert.Equal(["dense_1", "dense_2"], model.Layers.Select(l => l.Name));
        Assert.Equal("dense_1_input", model.Inputs[0].Node.Layer.Name);
    }

    /// <summary>Keras 1 key names, read through the same renaming Keras 2's legacy interfaces applied.</summary>
    [Fact]
    public void Keras1_ConfigKeys_AreRenamed()
    {
        var model = Read("""
            {"class_name": "Sequential", "keras_version": "1.2.1", "config": [
              {"class_name": "Convolution2D", "config": {"name": "convolution2d_1", "nb_filter": 8, "nb_row": 3, "nb_col": 5,
                "subsample": [2, 2], "border_mode": "same", "dim_ordering": "tf", "bias": true, "batch_input_shape": [null, 32, 40, 3]}},
              {"class_name": "MaxPooling2D", "config": {"name": "maxpooling2d_1", "pool_size": [2, 2], "border_mode": "valid", "dim_ordering": "tf"}},
              {"class_name": "Flatten", "config": {"name": "flatten_1"}},
              {"class_name": "Dropout", "config": {"name": "dropout_1", "p": 0.5}},
              {"class_name": "Dense", "config": {"name": "dense_1", "output_dim": 10, "bias": false}}]}
            """);
        // conv: ceil(32/2) = 16, ceil(40/2) = 20, (3·5·3 + 1)·8; pool: 8 × 10 × 8 = 640 values; dense 640·10 without bias
        Assert.Equal(Shape.Of(null, 8, 10, 8), model.Layers[1].InboundNodes[0].Outputs[0].Shape);
        Assert.Equal((3 * 5 * 3 + 1) * 8 + 640 * 10, ModelAccount.Of(model).TotalParams);

        var lstm = Read("""
            {"class_name": "Sequential", "keras_version": "1.2.1", "config": [
              {"class_name": "LSTM", "config": {"name": "lstm_1", "output_dim": 32, "input_dim": 16, "input_length": 10, "consume_less": "gpu", "return_sequences": true}},
              {"class_name": "GRU", "config": {"name": "gru_1", "output_dim": 4}}]}
            """);
        // LSTM 4·32·(16 + 32 + 1); GRU in Keras 1 has one bias vector: 3·4·(32 + 4 + 1)
        Assert.Equal(4 * 32 * (16 + 32 + 1) + 3 * 4 * (32 + 4 + 1), ModelAccount.Of(lstm).TotalParams);
    }

    /// <summary>Keras 2 rules applied to a Keras 1 file (<c>--keras 2</c>): its keys are still Keras 1's, so still renamed.</summary>
    [Fact]
    public void Keras1_ConfigKeys_AreRenamed_UnderAKeras2Override()
    {
        var root = (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse("""
            {"class_name": "Sequential", "keras_version": "1.2.1", "config": [
              {"class_name": "Dense", "config": {"name": "dense_1", "output_dim": 6, "input_dim": 4}},
              {"class_name": "Dropout", "config": {"name": "dropout_1", "p": 0.25}},
              {"class_name": "Dense", "config": {"name": "dense_2", "output_dim": 2, "bias": false}}]}
            """)!;
        var model = KerasJsonReader.Read(root, versionOverride: KerasVersion.Parse("2.10.0"));
        // (4 + 1)·6 + 6·2 without bias
        Assert.Equal((4 + 1) * 6 + 6 * 2, ModelAccount.Of(model).TotalParams);
        Assert.Equal(0.25, model.Layers[1].Config!.Double("rate"));
    }

    [Fact]
    public void Keras2_SequentialWithBuildInputShape()
    {
        var model = Read("""
            {"class_name": "Sequential", "keras_version": "2.9.0", "config": {"name": "seq", "layers": [
              {"class_name": "Dense", "config": {"name": "dense", "units": 3}}], "build_input_shape": [null, 5]}}
            """);
        Assert.Equal(5 * 3 + 3, ModelAccount.Of(model).TotalParams);
    }

    /// <summary>Keras 3 layout: module/registered_name entries, batch_shape, {args, kwargs} nodes with __keras_tensor__,
    /// flat input/output triples, DTypePolicy objects; a nested functional model called twice (a shared sub-model).
    /// Inside {args, kwargs} Keras 3 numbers a nested model's calls from 0 (keras/src/models/functional.py serialize_node).</summary>
    [Fact]
    public void Keras3_FunctionalWithSharedNestedModel()
    {
        var model = Read("""
            {"module": "keras", "class_name": "Functional", "registered_name": "Functional", "config": {
              "name": "pair", "trainable": true,
              "layers": [
                {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null, "name": "a",
                 "config": {"batch_shape": [null, 6], "dtype": "float32", "sparse": false, "name": "a"}, "inbound_nodes": []},
                {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null, "name": "b",
                 "config": {"batch_shape": [null, 6], "dtype": "float32", "sparse": false, "name": "b"}, "inbound_nodes": []},
                {"module": "keras", "class_name": "Functional", "registered_name": "Functional", "name": "tower",
                 "config": {"name": "tower", "trainable": false,
                   "layers": [
                     {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null, "name": "t_in",
                      "config": {"batch_shape": [null, 6], "dtype": "float32", "sparse": false, "name": "t_in"}, "inbound_nodes": []},
                     {"module": "keras.layers", "class_name": "Dense", "registered_name": null, "name": "t_dense",
                      "config": {"name": "t_dense", "trainable": true,
                                 "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null},
                                 "units": 3, "activation": "relu", "use_bias": true},
                      "build_config": {"input_shape": [null, 6]},
                      "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 6], "dtype": "float32", "keras_history": ["t_in", 0, 0]}}], "kwargs": {}}]}],
                   "input_layers": ["t_in", 0, 0], "output_layers": ["t_dense", 0, 0]},
                 "inbound_nodes": [
                   {"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 6], "dtype": "float32", "keras_history": ["a", 0, 0]}}], "kwargs": {}},
                   {"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 6], "dtype": "float32", "keras_history": ["b", 0, 0]}}], "kwargs": {}}]},
                {"module": "keras.layers", "class_name": "Concatenate", "registered_name": null, "name": "join",
                 "config": {"name": "join", "trainable": true, "axis": -1},
                 "inbound_nodes": [{"args": [[
                    {"class_name": "__keras_tensor__", "config": {"shape": [null, 3], "dtype": "float32", "keras_history": ["tower", 0, 0]}},
                    {"class_name": "__keras_tensor__", "config": {"shape": [null, 3], "dtype": "float32", "keras_history": ["tower", 1, 0]}}]], "kwargs": {}}]},
                {"module": "keras.layers", "class_name": "Dense", "registered_name": null, "name": "head",
                 "config": {"name": "head", "trainable": true, "units": 1},
                 "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 6], "dtype": "float32", "keras_history": ["join", 0, 0]}}], "kwargs": {}}]}],
              "input_layers": [["a", 0, 0], ["b", 0, 0]], "output_layers": ["head", 0, 0]}}
            """);
        Assert.True(model.Version.IsKeras3);
        var account = ModelAccount.Of(model);
        // tower: 6·3 + 3 = 21, counted once although called twice; head: 6 + 1 = 7
        Assert.Equal(21 + 7, account.TotalParams);
        Assert.Equal(21, account.NonTrainableParams); // the tower is frozen
        var tower = account.Layers.Single(r => r.Layer.Name == "tower");
        Assert.Equal(2, tower.Uses);
        Assert.Equal(Shape.Of(null, 6), model.Layers.Single(l => l.Name == "join").InboundNodes[0].Outputs[0].Shape);
        Assert.False(model.IsSequentialLike);
    }

    [Fact]
    public void Keras3_CustomClass_TakesTheShapeItsConsumerRecorded()
    {
        var model = Read("""
            {"module": "keras", "class_name": "Functional", "config": {"name": "m",
              "layers": [
                {"module": "keras.layers", "class_name": "InputLayer", "name": "x", "config": {"batch_shape": [null, 8], "name": "x"}, "inbound_nodes": []},
                {"module": null, "class_name": "MyBlock", "registered_name": "Custom>MyBlock", "name": "block", "config": {"name": "block", "width": 5},
                 "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 8], "keras_history": ["x", 0, 0]}}], "kwargs": {}}]},
                {"module": "keras.layers", "class_name": "Dense", "name": "head", "config": {"name": "head", "units": 2},
                 "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 5], "keras_history": ["block", 0, 0]}}], "kwargs": {}}]}],
              "input_layers": ["x", 0, 0], "output_layers": ["head", 0, 0]}}
            """);
        var block = model.Layers.Single(l => l.Name == "block");
        Assert.Equal(Shape.Of(null, 5), block.InboundNodes[0].Outputs[0].Shape);
        Assert.Empty(block.OwnWeights); // a config stores no weights: the custom class's own are unknown, not guessed
        var account = ModelAccount.Of(model);
        Assert.Equal(5 * 2 + 2, account.Layers.Single(r => r.Layer.Name == "head").Params); // from the recorded (None, 5)
        Assert.Null(account.Layers.Single(r => r.Layer.Name == "block").Params);
        Assert.Null(account.TotalParams);
        Assert.Contains(block.BuildCall!.Notes, n => n.Contains("not a Keras layer class known here"));
    }

    [Fact]
    public void Keras2_SharedLayer_SecondCallReferencedAsNodeOne()
    {
        var model = Read("""
            {"class_name": "Functional", "keras_version": "2.8.0", "config": {"name": "m",
              "layers": [
                {"class_name": "InputLayer", "name": "x", "config": {"batch_input_shape": [null, 4], "name": "x"}, "inbound_nodes": []},
                {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 4}, "inbound_nodes": [[["x", 0, 0, {}]], [["d", 0, 0, {}]]]},
                {"class_name": "Dense", "name": "out", "config": {"name": "out", "units": 1, "trainable": false}, "inbound_nodes": [[["d", 1, 0, {}]]]}],
              "input_layers": [["x", 0, 0]], "output_layers": [["out", 0, 0]]}}
            """);
        var account = ModelAccount.Of(model);
        Assert.Equal((4 * 4 + 4) + (4 + 1), account.TotalParams);
        Assert.Equal(4 + 1, account.NonTrainableParams);
        Assert.Equal(2, model.Layers.Single(l => l.Name == "d").InboundNodes.Count);
    }

    [Theory]
    [InlineData("""{"class_name": "Functional", "config": {"name": "m", "layers": [{"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2}, "inbound_nodes": [[["ghost", 0, 0, {}]]]}], "input_layers": [], "output_layers": [["d", 0, 0]]}}""", "'ghost'")]
    [InlineData("""{"class_name": "Functional", "config": {"name": "m", "layers": [{"class_name": "InputLayer", "name": "x", "config": {"batch_input_shape": [null, 2], "name": "x"}, "inbound_nodes": []}, {"class_name": "Dense", "name": "a", "config": {"name": "a", "units": 2}, "inbound_nodes": [[["b", 0, 0, {}]]]}, {"class_name": "Dense", "name": "b", "config": {"name": "b", "units": 2}, "inbound_nodes": [[["a", 0, 0, {}]]]}], "input_layers": [["x", 0, 0]], "output_layers": [["b", 0, 0]]}}""", "never appear")]
    [InlineData("""{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 2], "name": "i"}}, {"class_name": "Dense", "config": {"name": "d"}}]}}""", "'units'")]
    [InlineData("""{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "InputLayer", "config": {"batch_input_shape": [null, -3], "name": "i"}}]}}""", "negative")]
    [InlineData("""{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 2], "name": "i"}}, {"class_name": "Conv2D", "config": {"name": "c", "filters": 2, "kernel_size": 3}}]}}""", "layer 'c' (Conv2D)")]
    [InlineData("""{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 3037000500], "name": "i"}}, {"class_name": "Dense", "config": {"name": "d", "units": 3037000500}}]}}""", "64 bits")]
    public void BrokenConfigs_GiveAClearModelError(string json, string expectedFragment)
    {
        var error = Assert.Throws<ModelException>(() => Read(json));
        Assert.Contains(expectedFragment, error.Message);
    }

    [Fact]
    public void DeeplyNestedJson_IsRefused_NotAStackOverflow()
    {
        var json = new string('[', 100_000) + new string(']', 100_000);
        var error = Assert.Throws<ModelException>(() => ModelSource.LoadJson("{\"a\": " + json + "}"));
        Assert.Contains("JSON", error.Message);
    }
}
