using ParamLens.Layers;
using System.Text;
using ParamLens.Accounting;
using ParamLens.Building;
using ParamLens.Inputs;
using ParamLens.Graph;
using ParamLens.Shapes;

namespace ParamLens.Tests.Layers;

/// <summary>TimeDistributed and Bidirectional: the wrapped layer is configured by its own declaration; counts by hand.</summary>
public class WrapperTests
{
    private static object Wrapped(string className, object config) => new { class_name = className, config };

    /// <summary>LSTM(u) on D features: 4u(D + u + 1).</summary>
    private static long Lstm(long u, long d) => 4 * u * (d + u + 1);

    [Fact]
    public void TimeDistributed_Dense_OnEveryStep()
    {
        var p = Probe.Keras3("TimeDistributed", new { layer = Wrapped("Dense", new { units = 8, name = "dense" }) }, [10, 16]);
        Assert.Equal(16 * 8 + 8, p.Params); // 136
        Assert.Equal(Shape.Of(null, 10, 8), p.Output);
        Assert.Equal(Shape.Of(16, 8), p.Weight("dense/kernel"));
    }

    [Fact]
    public void TimeDistributed_Conv2D_OnFrames()
    {
        var p = Probe.Keras3("TimeDistributed", new { layer = Wrapped("Conv2D", new { filters = 4, kernel_size = 3, name = "conv" }) }, [5, 9, 9, 2]);
        Assert.Equal(3 * 3 * 2 * 4 + 4, p.Params);
        Assert.Equal(Shape.Of(null, 5, 7, 7, 4), p.Output);
    }

    [Fact]
    public void TimeDistributed_FrozenInnerLayer_IsNonTrainable()
    {
        var p = Probe.Keras3("TimeDistributed", new { layer = Wrapped("Dense", new { units = 3, trainable = false }) }, [4, 5]);
        Assert.Equal(5 * 3 + 3, p.Row.NonTrainableParams);
        Assert.Equal(0, p.Row.TrainableParams);
    }

    [Fact]
    public void TimeDistributed_NeedsATimeAxis()
    {
        var e = Assert.Throws<ModelException>(() => Probe.Keras3("TimeDistributed", new { layer = Wrapped("Dense", new { units = 3 }) }, [5]));
        Assert.Contains("rank 3", e.Message);
    }

    [Fact]
    public void Bidirectional_LSTM64_Concat()
    {
        var p = Probe.Keras3("Bidirectional", new { layer = Wrapped("LSTM", new { units = 64, name = "lstm" }) }, [10, 32]);
        Assert.Equal(2 * Lstm(64, 32), p.Params); // 49,664
        Assert.Equal(Shape.Of(null, 2 * 64), p.Output);
        Assert.Equal(Shape.Of(32, 256), p.Weight("forward_lstm/kernel"));
        Assert.Equal(Shape.Of(64, 256), p.Weight("backward_lstm/recurrent_kernel"));
    }

    [Theory]
    [InlineData("sum")]
    [InlineData("mul")]
    [InlineData("ave")]
    public void Bidirectional_ElementwiseMerges_KeepTheWidth(string mode)
    {
        var p = Probe.Keras3("Bidirectional", new { layer = Wrapped("SimpleRNN", new { units = 6, return_sequences = true }), merge_mode = mode }, [4, 3]);
        Assert.Equal(2 * (6 * 3 + 6 * 6 + 6), p.Params);
        Assert.Equal(Shape.Of(null, 4, 6), p.Output);
    }

    [Fact]
    public void Bidirectional_MergeModeNone_ReturnsBothDirections()
    {
        var p = Probe.Keras3("Bidirectional", new { layer = Wrapped("LSTM", new { units = 7 }), merge_mode = (string?)null }, [6, 3]);
        Assert.Equal(new[] { Shape.Of(null, 7), Shape.Of(null, 7) }, p.Outputs);
        Assert.Equal(2 * Lstm(7, 3), p.Params);
    }

    [Fact]
    public void Bidirectional_ReturnState_ForwardStatesThenBackwardStates()
    {
        var p = Probe.Keras3("Bidirectional", new { layer = Wrapped("LSTM", new { units = 5, return_sequences = true, return_state = true }) }, [6, 3]);
        var state = Shape.Of(null, 5);
        Assert.Equal(new[] { Shape.Of(null, 6, 10), state, state, state, state }, p.Outputs);
    }

    [Fact]
    public void Bidirectional_GRU_FollowsTheVersionsResetAfter()
    {
        object config = new { layer = Wrapped("GRU", new { units = 4 }) };
        // Keras 3: bias (2, 12) per direction; Keras 2.2.4: bias (12,).
        Assert.Equal(2 * (3 * 4 * (3 + 4) + 2 * 3 * 4), Probe.Keras3("Bidirectional", config, [5, 3]).Params);
        Assert.Equal(2 * 3 * 4 * (3 + 4 + 1), Probe.Call(KerasVersion.Parse("2.2.4"), "Bidirectional", config, [5, 3]).Params);
    }

    [Fact]
    public void Bidirectional_ExplicitBackwardLayer_IsBuiltFromItsOwnConfig()
    {
        var p = Probe.Keras3("Bidirectional", new
        {
            layer = Wrapped("LSTM", new { units = 4, name = "forward_lstm" }),
            backward_layer = Wrapped("GRU", new { units = 4, go_backwards = true, name = "backward_gru" }),
        }, [5, 3]);
        Assert.Equal(Lstm(4, 3) + 3 * 4 * (3 + 4) + 2 * 3 * 4, p.Params);
        Assert.Contains("backward_gru/bias", p.WeightNames);
        Assert.Contains("forward_lstm/kernel", p.WeightNames);
    }

    [Fact]
    public void Bidirectional_DirectionsMustAgreeOnReturnSequences()
    {
        var e = Assert.Throws<ModelException>(() => Probe.Keras3("Bidirectional", new
        {
            layer = Wrapped("LSTM", new { units = 4 }),
            backward_layer = Wrapped("LSTM", new { units = 4, go_backwards = true, return_sequences = true }),
        }, [5, 3]));
        Assert.Contains("return_sequences", e.Message);
    }

    [Fact]
    public void Bidirectional_Frozen_InnerOrWrapper_MovesEverythingToNonTrainable()
    {
        var inner = Probe.Keras3("Bidirectional", new { layer = Wrapped("LSTM", new { units = 3, trainable = false }) }, [5, 2]);
        Assert.Equal(2 * Lstm(3, 2), inner.Row.NonTrainableParams);

        var outer = Probe.Keras3("Bidirectional", new { layer = Wrapped("LSTM", new { units = 3 }), trainable = false }, [5, 2]);
        Assert.Equal(2 * Lstm(3, 2), outer.Row.NonTrainableParams);
        Assert.Equal(0, outer.Row.TrainableParams);
    }

    [Fact]
    public void Bidirectional_FromAKeras3Config()
    {
        // Keras 3 writes the forward copy as "layer" and the backward copy as "backward_layer".
        const string json = """
        {"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [
          {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 14, 3], "name": "input_layer"}},
          {"module": "keras.layers", "class_name": "Bidirectional", "config": {"name": "bidirectional", "merge_mode": "concat",
            "layer": {"module": "keras.layers", "class_name": "LSTM", "config": {"name": "forward_lstm", "units": 64}},
            "backward_layer": {"module": "keras.layers", "class_name": "LSTM", "config": {"name": "backward_lstm", "units": 64, "go_backwards": true}}}},
          {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "units": 1}}]}}
        """;
        var model = ModelSource.LoadJson(json);
        Assert.Equal(2 * Lstm(64, 3) + (128 + 1), ModelAccount.Of(model).TotalParams);
        Assert.Equal(Shape.Of(null, 128), model.Layers[0].InboundNodes[^1].Outputs[0].Shape);
    }

    [Fact]
    public void Bidirectional_InsideTimeDistributed()
    {
        var k = new KerasSession();
        var x = k.Input(3, 5, 4);
        var bidi = new { class_name = "Bidirectional", config = new { layer = Wrapped("SimpleRNN", new { units = 2 }) } };
        var td = k.Layer("TimeDistributed", new { layer = bidi });
        var y = td.Apply(x);
        Assert.Equal(Shape.Of(null, 3, 4), y.Shape);
        Assert.Equal(2 * (2 * 4 + 2 * 2 + 2), td.OwnWeights.Sum(w => w.Count));
    }
}
