using System.Text.Json.Nodes;
using ParamLens.Building;
using ParamLens.Inputs;
using ParamLens.Layers;

namespace ParamLens.Tests.Layers;

/// <summary>
/// Values a Keras constructor refuses with ValueError are refused here too, with the layer named, in the Keras versions
/// whose source makes the check (keras/src/layers/core/dense.py from 3.13, keras/src/layers/core/embedding.py from 3.15,
/// the convolution and recurrent bases, and tf.keras' own): a version that accepted the value still does.
/// </summary>
public class ConstructorCheckTests
{
    /// <summary>A Sequential Keras JSON config (Input of shape <paramref name="input"/> → one layer) written by <paramref name="version"/>.</summary>
    private static string Config(string version, string input, string layer) =>
        $$$"""{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "InputLayer", "config": {"batch_input_shape": {{{input}}}, "name": "in"}}, {{{layer}}}]}, "keras_version": "{{{version}}}"}""";

    private static ModelException Refused(string json) => Assert.Throws<ModelException>(() => ModelSource.Parse(json));

    private static long Count(string json) => ModelSource.Parse(json).Model.Layers.Sum(l => l.AllWeights.Sum(w => w.Spec.Count));

    private const string DenseZero = """{"class_name": "Dense", "config": {"name": "head", "units": 0}}""";

    [Fact]
    public void Dense_with_zero_units_is_refused_from_keras_3_13_with_the_layer_named()
    {
        var e = Refused(Config("3.13.0", "[null, 4]", DenseZero));
        Assert.Contains("layer 'head' (Dense): units must be a positive integer, got 0", e.Message);
    }

    [Theory]
    [InlineData("3.12.0")]
    [InlineData("2.15.0")]
    public void Dense_with_zero_units_builds_where_keras_accepted_it(string version) =>
        Assert.Equal(0, Count(Config(version, "[null, 4]", DenseZero)));

    [Fact]
    public void The_csharp_api_names_the_layer_too()
    {
        var session = new KerasSession(KerasVersion.Keras3);
        var e = Assert.Throws<ModelException>(() => session.Layer("Dense", new JsonObject { ["units"] = 0 }));
        Assert.Contains("layer 'dense' (Dense): units must be a positive integer", e.Message);
    }

    [Theory]
    [InlineData("3.0.0")]
    [InlineData("2.11.0")]
    public void Recurrent_layers_with_zero_units_are_refused_from_tf_keras_2_11(string version)
    {
        foreach (var className in new[] { "LSTM", "GRU", "SimpleRNN" })
        {
            var layer = $$$"""{"class_name": "{{{className}}}", "config": {"name": "rnn", "units": 0}}""";
            Assert.Contains($"layer 'rnn' ({className}): units must be a positive integer, got 0", Refused(Config(version, "[null, 5, 3]", layer)).Message);
        }
    }

    [Fact]
    public void A_zero_unit_lstm_builds_in_tf_keras_2_10() =>
        Assert.Equal(0, Count(Config("2.10.0", "[null, 5, 3]", """{"class_name": "LSTM", "config": {"name": "rnn", "units": 0}}""")));

    [Theory]
    [InlineData("3.13.0", "Conv2D", """ "filters": 0, "kernel_size": 3 """, "filters must be a positive integer, got 0")]
    [InlineData("2.9.0", "Conv2D", """ "filters": 0, "kernel_size": 3 """, "filters must be a positive integer, got 0")]
    [InlineData("2.15.0", "Conv2DTranspose", """ "filters": 0, "kernel_size": 3 """, "filters must be a positive integer, got 0")]
    [InlineData("3.13.0", "SeparableConv2D", """ "filters": 4, "kernel_size": 3, "depth_multiplier": 0 """, "depth_multiplier must be a positive integer, got 0")]
    [InlineData("3.13.0", "DepthwiseConv2D", """ "kernel_size": 3, "depth_multiplier": 0 """, "depth_multiplier must be a positive integer, got 0")]
    [InlineData("3.13.0", "Conv2D", """ "filters": 4, "kernel_size": [3, 0] """, "kernel_size cannot contain 0, got [3,0]")]
    [InlineData("3.13.0", "Conv2D", """ "filters": 4, "kernel_size": 3, "strides": 0 """, "strides cannot contain 0, got 0")]
    public void Convolutions_refuse_what_their_keras_constructor_refuses(string version, string className, string keys, string problem)
    {
        var layer = $$"""{"class_name": "{{className}}", "config": {"name": "conv", """ + keys + "}}";
        Assert.Contains($"layer 'conv' ({className}): {problem}", Refused(Config(version, "[null, 8, 8, 2]", layer)).Message);
    }

    [Fact]
    public void A_zero_stride_in_tf_keras_is_an_error_not_a_division_by_zero()
    {
        var layer = """{"class_name": "MaxPooling2D", "config": {"name": "pool", "pool_size": 2, "strides": 0}}""";
        Assert.Contains("the stride must be positive, got 0", Refused(Config("2.15.0", "[null, 8, 8, 2]", layer)).Message);
    }

    [Theory]
    [InlineData("2.15.0", true)]
    [InlineData("2.6.0", true)]
    [InlineData("3.14.0", false)]
    [InlineData("3.15.0", true)]
    public void Embedding_refuses_a_zero_dimension_where_keras_does(string version, bool refused)
    {
        foreach (var (inputDim, outputDim, key) in new[] { (0, 8, "input_dim"), (10, 0, "output_dim") })
        {
            var json = Config(version, "[null, 5]", $$"""{"class_name": "Embedding", "config": {"name": "emb", "input_dim": {{inputDim}}, "output_dim": {{outputDim}}""" + "}}");
            if (refused) Assert.Contains($"layer 'emb' (Embedding): {key} must be a positive integer, got 0", Refused(json).Message);
            else Assert.Equal(0, Count(json));
        }
    }
}
