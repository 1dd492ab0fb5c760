using ParamLens.Layers;
using System.Text;
using ParamLens.Accounting;
using ParamLens.Inputs;
using ParamLens.Graph;
using ParamLens.Shapes;

namespace ParamLens.Tests.Layers;

/// <summary>MultiHeadAttention, GroupedQueryAttention, Attention and AdditiveAttention: counts and shapes by hand.</summary>
public class AttentionTests
{
    private static readonly KerasVersion Keras2 = KerasVersion.Parse("2.15.0");

    [Fact]
    public void MultiHeadAttention_TwoHeadsOfSixteen_SelfAttention()
    {
        var p = Probe.Keras3("MultiHeadAttention", new { num_heads = 2, key_dim = 16 }, [10, 32], [10, 32]);
        // query, key and value: 32·2·16 + 2·16 = 1,056 each; output: 2·16·32 + 32 = 1,056.
        Assert.Equal(4 * (32 * 2 * 16 + 2 * 16), p.Params); // 4,224
        Assert.Equal(Shape.Of(null, 10, 32), p.Output);
        Assert.Equal(Shape.Of(32, 2, 16), p.Weight("query/kernel"));
        Assert.Equal(Shape.Of(2, 16), p.Weight("value/bias"));
        Assert.Equal(Shape.Of(2, 16, 32), p.Weight("attention_output/kernel"));
        Assert.Equal(Shape.Of(32), p.Weight("attention_output/bias"));
    }

    [Fact]
    public void MultiHeadAttention_DistinctKeyValueDimAndOutputShape_WithoutBias()
    {
        // query (5, 8), value (7, 6), key (7, 4); 3 heads, key_dim 4, value_dim 5, output 10.
        var p = Probe.Keras3("MultiHeadAttention", new { num_heads = 3, key_dim = 4, value_dim = 5, output_shape = 10, use_bias = false },
            [5, 8], [7, 6], [7, 4]);
        Assert.Equal(8 * 3 * 4 + 4 * 3 * 4 + 6 * 3 * 5 + 3 * 5 * 10, p.Params);
        Assert.Equal(Shape.Of(4, 3, 4), p.Weight("key/kernel"));
        Assert.Equal(Shape.Of(6, 3, 5), p.Weight("value/kernel"));
        Assert.Equal(Shape.Of(null, 5, 10), p.Output);
        Assert.DoesNotContain(p.WeightNames, n => n.EndsWith("bias", StringComparison.Ordinal));
    }

    [Fact]
    public void MultiHeadAttention_OutputShapeTuple()
    {
        var p = Probe.Keras3("MultiHeadAttention", new { num_heads = 2, key_dim = 3, output_shape = new[] { 2, 5 } }, [4, 6], [4, 6]);
        Assert.Equal(Shape.Of(2, 3, 2, 5), p.Weight("attention_output/kernel"));
        Assert.Equal(Shape.Of(2, 5), p.Weight("attention_output/bias"));
        Assert.Equal(Shape.Of(null, 4, 2, 5), p.Output);
        Assert.Equal(3 * (6 * 2 * 3 + 2 * 3) + 2 * 3 * 10 + 10, p.Params);
    }

    [Fact]
    public void MultiHeadAttention_ReturnsScoresPerHead()
    {
        var p = Probe.Keras3("MultiHeadAttention", new { num_heads = 4, key_dim = 8, return_attention_scores = true }, [5, 16], [9, 12]);
        Assert.Equal(new[] { Shape.Of(null, 5, 16), Shape.Of(null, 4, 5, 9) }, p.Outputs);
    }

    [Fact]
    public void MultiHeadAttention_AttentionAxes_ChangeTheScoresNotTheCount()
    {
        // Attention over axis 2 only of (batch, 3, 6, 16): axis 1 stays a batch-like axis of the scores.
        var p = Probe.Keras3("MultiHeadAttention", new { num_heads = 2, key_dim = 8, attention_axes = new[] { 2 }, return_attention_scores = true },
            [3, 6, 16], [3, 6, 16]);
        Assert.Equal(3 * (16 * 2 * 8 + 2 * 8) + 2 * 8 * 16 + 16, p.Params);
        Assert.Equal(new[] { Shape.Of(null, 3, 6, 16), Shape.Of(null, 3, 2, 6, 6) }, p.Outputs);
    }

    [Fact]
    public void MultiHeadAttention_Gate_ProjectsTheQueryOnceMore()
    {
        var p = Probe.Keras3("MultiHeadAttention", new { num_heads = 2, key_dim = 4, use_gate = true }, [3, 8], [3, 8]);
        Assert.Equal(4 * (8 * 2 * 4 + 2 * 4) + 2 * 4 * 8 + 8, p.Params);
        Assert.Equal(Shape.Of(8, 2, 4), p.Weight("gate/kernel"));
    }

    [Fact]
    public void MultiHeadAttention_KeyMustMatchValueExceptLastAxis()
    {
        var e = Assert.Throws<ModelException>(() => Probe.Keras3("MultiHeadAttention", new { num_heads = 1, key_dim = 2 }, [3, 4], [5, 4], [6, 4]));
        Assert.Contains("except the last", e.Message);
    }

    [Fact]
    public void MultiHeadAttention_InAKeras2Config_TakesTheValueFromTheCallKeywords_NotTheMask()
    {
        const string json = """
        {"class_name": "Functional", "keras_version": "2.13.1", "config": {"name": "m",
          "layers": [
            {"class_name": "InputLayer", "name": "q", "config": {"name": "q", "batch_input_shape": [null, 5, 12]}, "inbound_nodes": []},
            {"class_name": "InputLayer", "name": "v", "config": {"name": "v", "batch_input_shape": [null, 7, 20]}, "inbound_nodes": []},
            {"class_name": "InputLayer", "name": "m", "config": {"name": "m", "batch_input_shape": [null, 5, 7]}, "inbound_nodes": []},
            {"class_name": "MultiHeadAttention", "name": "mha", "config": {"name": "mha", "num_heads": 2, "key_dim": 3},
             "inbound_nodes": [[["q", 0, 0, {"value": ["v", 0, 0], "attention_mask": ["m", 0, 0]}]]]}],
          "input_layers": [["q", 0, 0], ["v", 0, 0], ["m", 0, 0]], "output_layers": [["mha", 0, 0]]}}
        """;
        var model = ModelSource.LoadJson(json);
        // query 12·2·3 + 6, key and value 20·2·3 + 6 each, output 2·3·12 + 12.
        Assert.Equal((12 * 6 + 6) + 2 * (20 * 6 + 6) + (6 * 12 + 12), ModelAccount.Of(model).TotalParams);
        Assert.Equal(Shape.Of(null, 5, 12), model.Outputs[0].Shape);
    }

    [Fact]
    public void MultiHeadAttention_InAKeras3Config_ReturnAttentionScoresAddsAnOutput()
    {
        const string json = """
        {"module": "keras", "class_name": "Functional", "config": {"name": "m",
          "layers": [
            {"module": "keras.layers", "class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_shape": [null, 6, 8]}, "inbound_nodes": []},
            {"module": "keras.layers", "class_name": "MultiHeadAttention", "name": "mha", "config": {"name": "mha", "num_heads": 3, "key_dim": 2},
             "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 6, 8], "keras_history": ["x", 0, 0]}}],
                                "kwargs": {"value": {"class_name": "__keras_tensor__", "config": {"shape": [null, 6, 8], "keras_history": ["x", 0, 0]}},
                                           "return_attention_scores": true}}]}],
          "input_layers": [["x", 0, 0]], "output_layers": [["mha", 0, 0], ["mha", 0, 1]]}}
        """;
        var model = ModelSource.LoadJson(json);
        Assert.Equal(new[] { Shape.Of(null, 6, 8), Shape.Of(null, 3, 6, 6) }, model.Outputs.Select(t => t.Shape));
        Assert.Equal(3 * (8 * 3 * 2 + 3 * 2) + 3 * 2 * 8 + 8, ModelAccount.Of(model).TotalParams);
    }

    [Fact]
    public void GroupedQueryAttention_FourQueryHeadsShareTwoKeyValueHeads()
    {
        var p = Probe.Keras3("GroupedQueryAttention", new { head_dim = 16, num_query_heads = 4, num_key_value_heads = 2 }, [10, 64], [10, 64]);
        // query 64·4·16 + 4·16, key and value 64·2·16 + 2·16, output 4·16·64 + 64.
        Assert.Equal(4_160 + 2_080 + 2_080 + 4_160, p.Params); // 12,480
        Assert.Equal(64 * 4 * 16 + 4 * 16 + 2 * (64 * 2 * 16 + 2 * 16) + 4 * 16 * 64 + 64, p.Params);
        Assert.Equal(Shape.Of(64, 2, 16), p.Weight("key/kernel"));
        Assert.Equal(Shape.Of(null, 10, 64), p.Output);
    }

    [Fact]
    public void GroupedQueryAttention_WithoutBias_ReturningScores()
    {
        var p = Probe.Keras3("GroupQueryAttention", new { head_dim = 4, num_query_heads = 6, num_key_value_heads = 3, use_bias = false, return_attention_scores = true },
            [5, 8], [9, 10]);
        Assert.Equal(8 * 6 * 4 + 10 * 3 * 4 + 10 * 3 * 4 + 6 * 4 * 8, p.Params);
        Assert.Equal(new[] { Shape.Of(null, 5, 8), Shape.Of(null, 6, 5, 9) }, p.Outputs);
    }

    [Fact]
    public void GroupedQueryAttention_QueryHeadsMustBeAMultipleOfKeyValueHeads()
    {
        var e = Assert.Throws<ModelException>(() => Probe.Keras3("GroupedQueryAttention", new { head_dim = 4, num_query_heads = 5, num_key_value_heads = 2 }, [3, 8], [3, 8]));
        Assert.Contains("multiple", e.Message);
    }

    [Theory]
    [InlineData("3.4.1")]
    [InlineData("2.15.0")]
    public void Attention_Default_HasNoWeights_OutputTakesTheValueWidth(string version)
    {
        // Keras 2's compute_output_shape says the query's shape, but its functional models trace the call: scores
        // (5 × 7) times values (7 × 8) give 8 features per query position, as in Keras 3.
        var p = Probe.Call(KerasVersion.Parse(version), "Attention", new { }, [5, 16], [7, 8], [7, 16]);
        Assert.Equal(0, p.Params);
        Assert.Equal(Shape.Of(null, 5, 8), p.Output);
    }

    [Fact]
    public void Attention_ScaleAndConcatScore_AreOneScalarEach()
    {
        var p = Probe.Keras3("Attention", new { use_scale = true, score_mode = "concat", return_attention_scores = true }, [5, 16], [7, 16]);
        Assert.Equal(1 + 1, p.Params);
        Assert.Equal(Shape.Scalar, p.Weight("scale"));
        Assert.Equal(Shape.Scalar, p.Weight("concat_score_weight"));
        Assert.Equal(new[] { Shape.Of(null, 5, 16), Shape.Of(null, 5, 7) }, p.Outputs);
    }

    [Fact]
    public void AdditiveAttention_ScaleIsSizedByTheQueryInKeras3()
    {
        var p = Probe.Keras3("AdditiveAttention", new { }, [5, 16], [7, 8], [7, 16]);
        Assert.Equal(16, p.Params);
        Assert.Equal(Shape.Of(null, 5, 8), p.Output);
    }

    [Fact]
    public void AdditiveAttention_ScaleIsSizedByTheValueInKeras2()
    {
        var p = Probe.Call(Keras2, "AdditiveAttention", new { }, [5, 12], [7, 12]);
        Assert.Equal(12, p.Params);
        Assert.Equal(Shape.Of(null, 5, 12), p.Output);
        // A value narrower than query and key: Keras 2's scale (value width) cannot multiply query + key.
        var e = Assert.Throws<ModelException>(() => Probe.Call(Keras2, "AdditiveAttention", new { }, [5, 16], [7, 8], [7, 16]));
        Assert.Contains("fails in Keras 2", e.Message);
    }

    [Fact]
    public void AdditiveAttention_WithoutScale_HasNoWeights() =>
        Assert.Equal(0, Probe.Keras3("AdditiveAttention", new { use_scale = false }, [5, 16], [7, 16]).Params);
}
