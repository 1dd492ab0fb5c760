using System.Text.Json.Nodes;

namespace ParamLens.Python.Tests;

/// <summary>The built-in MobileNetV2 against a real one: a Keras 3.10 model converted to TF.js
/// (../shared/corpus/tfjs-mobilenetv2-flat-k3.10, read in place) holds a MobileNetV2 base at 224×224, flattened into it.
/// Every base layer's count must equal what the file's stored weights give (its expected.json), name for name.</summary>
public class ApplicationsCorpusTests
{
    private static readonly string Case = Path.Combine(SharedCorpusFactAttribute.Corpus, "tfjs-mobilenetv2-flat-k3.10");

    [SharedCorpusFact]
    public void MobileNetV2_Base_Layers_Match_A_Stored_Model()
    {
        var stored = JsonNode.Parse(File.ReadAllText(Path.Combine(Case, "expected.json")))!["layers"]!.AsArray()
            .ToDictionary(l => l!["name"]!.GetValue<string>(), l => (Total: l!["params"]!.GetValue<long>(), NonTrainable: l["non_trainable_params"]!.GetValue<long>()));
        var base_ = Py.Single("import keras\nbase = keras.applications.MobileNetV2(input_shape=(224, 224, 3), include_top=False)\n");
        var accounts = ParamLens.Accounting.ModelAccount.Of(base_).Layers;
        var compared = 0;
        foreach (var row in accounts.Where(r => r.Layer.ClassName != "InputLayer"))
        {
            Assert.True(stored.TryGetValue(row.Layer.Name, out var file), $"layer {row.Layer.Name} is not in the stored model");
            Assert.Equal(file.Total, row.Params);
            Assert.Equal(file.NonTrainable, row.NonTrainableParams);
            compared++;
        }
        Assert.Equal(154, accounts.Count); // "Number of layers in the base model: 154", as the TensorFlow tutorial prints it
        Assert.Equal(153, compared); // every layer but the input
    }

    /// <summary>The base of TensorFlow's transfer-learning tutorial, MobileNetV2 at 160×160 without its top, as its summary
    /// prints it: 2,257,984 parameters, 34,112 of them the BatchNormalization moving statistics; named after alpha and rows.</summary>
    [Fact]
    public void MobileNetV2_Tutorial_Base()
    {
        var m = Py.Single("import tensorflow as tf\nbase = tf.keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights='imagenet')\n");
        Assert.Equal("mobilenetv2_1.00_160", m.Name);
        Py.AssertCounts(m, 2_257_984, 2_257_984 - 34_112);
    }

    /// <summary>Keras up to 2.6 (keras_applications, tf.keras) padded the stem explicitly: Conv1_pad adds one row and column
    /// at the bottom right of an even-sized image (160 → 161), then Conv1 convolves 'valid' with stride 2: ⌊(161 − 3) / 2⌋ + 1
    /// = 80. Same counts; one layer more. Where the change happened after 2.6 is not known here, so 2.7–2.15 refuse.</summary>
    [Fact]
    public void MobileNetV2_Stem_Follows_The_Keras_Version()
    {
        var old = Py.Single("import tensorflow as tf\nbase = tf.keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False)\n",
            ParamLens.Layers.KerasVersion.Parse("2.6.0"));
        Assert.Equal(["Conv1_pad", "Conv1"], old.Layers.Skip(1).Take(2).Select(l => l.Name));
        Assert.Equal(ParamLens.Shapes.Shape.Of(null, 161, 161, 3), old.Layers[1].InboundNodes[0].Outputs[0].Shape);
        Assert.Equal(ParamLens.Shapes.Shape.Of(null, 80, 80, 32), old.Layers[2].InboundNodes[0].Outputs[0].Shape);
        Py.AssertCounts(old, 2_257_984, 2_257_984 - 34_112);
        var error = Py.Error("import tensorflow as tf\ntf.keras.applications.MobileNetV2()\n", version: ParamLens.Layers.KerasVersion.Parse("2.12.0"));
        Assert.Contains("give --keras-version 2.6 or 3", error.Message);
    }
}
