using ParamLens.Layers;
using ParamLens.Shapes;
using static ParamLens.Tests.Foundation.LayerAssert;

namespace ParamLens.Tests.Foundation;

/// <summary>The layers of the foundation: expected shapes and counts are worked out by hand in each test.</summary>
public class FoundationLayerTests
{
    [Fact]
    public void InputLayer_HasNoWeights_AndANoneBatch()
    {
        var k = new Building.KerasSession(ParamLens.Layers.KerasVersion.Parse("2.2.4"));
        var input = k.Input(64, 64, 3);
        Assert.Equal("input_1", input.Node.Layer.Name);
        Assert.Equal(S(null, 64, 64, 3), input.Shape);
        Assert.Empty(input.Node.Layer.OwnWeights);
        Assert.Equal(S(8, 5), k.Input([5], batchSize: 8).Shape);
    }

    [Fact]
    public void Dense_KernelAndBias()
    {
        var r = Apply("Dense", new { units = 64 }, [784]);
        Assert.Equal(S(null, 64), r.Output);
        Assert.Equal(784 * 64 + 64, r.Params);
        Assert.Equal([("kernel", S(784, 64), true), ("bias", S(64), true)], r.Weights);
    }

    [Fact]
    public void Dense_WithoutBias_OnRank3_ActsOnLastAxis()
    {
        var r = Apply("Dense", new { units = 16, use_bias = false }, [10, 32]);
        Assert.Equal(S(null, 10, 16), r.Output);
        Assert.Equal(32 * 16, r.Params);
    }

    [Fact]
    public void Conv1D_CausalDilated_KeepsLength()
    {
        var r = Apply("Conv1D", new { filters = 16, kernel_size = 3, padding = "causal", dilation_rate = 2 }, [100, 8]);
        Assert.Equal(S(null, 100, 16), r.Output);
        Assert.Equal(3 * 8 * 16 + 16, r.Params);
    }

    [Fact]
    public void Conv1D_ValidStrided()
    {
        // floor((50 - 5) / 2) + 1 = 23
        var r = Apply("Conv1D", new { filters = 4, kernel_size = 5, strides = 2 }, [50, 3]);
        Assert.Equal(S(null, 23, 4), r.Output);
        Assert.Equal(5 * 3 * 4 + 4, r.Params);
    }

    [Fact]
    public void Conv2D_SeedConv0()
    {
        var r = Apply("Conv2D", new { filters = 32, kernel_size = new[] { 7, 7 }, strides = new[] { 1, 1 } }, [70, 70, 3]);
        Assert.Equal(S(null, 64, 64, 32), r.Output);
        Assert.Equal((7 * 7 * 3 + 1) * 32, r.Params);
        Assert.Equal(4_736, r.Params);
    }

    [Fact]
    public void Conv2D_SameStrided_RoundsUp()
    {
        // ceil(28 / 3) = 10
        var r = Apply("Conv2D", new { filters = 8, kernel_size = 3, strides = 3, padding = "same" }, [28, 28, 1]);
        Assert.Equal(S(null, 10, 10, 8), r.Output);
        Assert.Equal(3 * 3 * 1 * 8 + 8, r.Params);
    }

    [Fact]
    public void Conv2D_ChannelsFirst()
    {
        var r = Apply("Conv2D", new { filters = 32, kernel_size = 3, data_format = "channels_first" }, [3, 64, 64]);
        Assert.Equal(S(null, 32, 62, 62), r.Output);
        Assert.Equal(3 * 3 * 3 * 32 + 32, r.Params);
    }

    [Fact]
    public void Conv2D_Groups_DivideInputChannels()
    {
        var r = Apply("Conv2D", new { filters = 64, kernel_size = 3, groups = 2 }, [10, 10, 16]);
        Assert.Equal(3 * 3 * (16 / 2) * 64 + 64, r.Params);
        Assert.Equal(S(3, 3, 8, 64), r.Weights[0].Shape);
    }

    [Fact]
    public void Conv2D_Dilation_WidensTheWindow()
    {
        // effective kernel 2·(3 − 1) + 1 = 5; 32 − 5 + 1 = 28
        var r = Apply("Conv2D", new { filters = 1, kernel_size = 3, dilation_rate = 2, use_bias = false }, [32, 32, 2]);
        Assert.Equal(S(null, 28, 28, 1), r.Output);
        Assert.Equal(3 * 3 * 2 * 1, r.Params);
    }

    [Fact]
    public void Conv3D()
    {
        var r = Apply("Conv3D", new { filters = 8, kernel_size = 3 }, [10, 12, 14, 4]);
        Assert.Equal(S(null, 8, 10, 12, 8), r.Output);
        Assert.Equal(3 * 3 * 3 * 4 * 8 + 8, r.Params);
    }

    [Fact]
    public void Conv_UnknownSpatialDims_StayUnknown()
    {
        var r = Apply("Conv2D", new { filters = 64, kernel_size = 5, padding = "same" }, [null, null, 1]);
        Assert.Equal(S(null, null, null, 64), r.Output);
        Assert.Equal(5 * 5 * 1 * 64 + 64, r.Params);
    }

    [Fact]
    public void ZeroPadding_EveryForm()
    {
        Assert.Equal(S(null, 12, 3), Apply("ZeroPadding1D", null, [10, 3]).Output);
        Assert.Equal(S(null, 10 + 2 + 5, 3), Apply("ZeroPadding1D", new { padding = new[] { 2, 5 } }, [10, 3]).Output);
        Assert.Equal(S(null, 70, 70, 3), Apply("ZeroPadding2D", new { padding = new[] { 3, 3 } }, [64, 64, 3]).Output);
        Assert.Equal(S(null, 10 + 1 + 2, 10 + 3 + 4, 3),
            Apply("ZeroPadding2D", new { padding = new[] { new[] { 1, 2 }, new[] { 3, 4 } } }, [10, 10, 3]).Output);
        Assert.Equal(S(null, 6, 7, 8, 2), Apply("ZeroPadding3D", null, [4, 5, 6, 2]).Output);
        Assert.Equal(0, Apply("ZeroPadding3D", new { padding = 2 }, [4, 5, 6, 2]).Params);
    }

    [Fact]
    public void BatchNormalization_FourVectors_TwoNonTrainable()
    {
        var r = Apply("BatchNormalization", new { axis = 3 }, [64, 64, 32]);
        Assert.Equal(4 * 32, r.Params);
        Assert.Equal(2 * 32, r.NonTrainable);
        Assert.Equal([("gamma", S(32), true), ("beta", S(32), true), ("moving_mean", S(32), false), ("moving_variance", S(32), false)], r.Weights);
    }

    [Fact]
    public void BatchNormalization_WithoutScaleOrCenter()
    {
        var r = Apply("BatchNormalization", new { center = false, scale = false }, [16]);
        Assert.Equal(2 * 16, r.Params);
        Assert.Equal(0, r.Trainable);
    }

    [Fact]
    public void BatchNormalization_AxisFollowsTheConfig_NotTheDataFormat()
    {
        // axis −1 on (N, C=3, H=8, W=10) normalises over W: 4 · 10
        Assert.Equal(4 * 10, Apply("BatchNormalization", null, [3, 8, 10]).Params);
        Assert.Equal(4 * 3, Apply("BatchNormalization", new { axis = 1 }, [3, 8, 10]).Params);
    }

    [Fact]
    public void Activation_And_ReLU_KeepTheShape()
    {
        Assert.Equal(S(null, 5, 7), Apply("Activation", new { activation = "tanh" }, [5, 7]).Output);
        var relu = Apply("ReLU", new { max_value = 6.0 }, [5, 7]);
        Assert.Equal(S(null, 5, 7), relu.Output);
        Assert.Equal(0, relu.Params);
    }

    [Theory]
    [InlineData("MaxPooling1D", new long[] { 25, 4 }, new long[] { 12, 4 })]
    [InlineData("AveragePooling1D", new long[] { 25, 4 }, new long[] { 12, 4 })]
    [InlineData("MaxPooling2D", new long[] { 26, 26, 32 }, new long[] { 13, 13, 32 })]
    [InlineData("AveragePooling2D", new long[] { 7, 9, 1 }, new long[] { 3, 4, 1 })]
    [InlineData("MaxPooling3D", new long[] { 126, 126, 62, 64 }, new long[] { 63, 63, 31, 64 })]
    [InlineData("AveragePooling3D", new long[] { 5, 5, 5, 2 }, new long[] { 2, 2, 2, 2 })]
    public void Pooling_DefaultWindowTwo_StrideTwo_Valid(string cls, long[] input, long[] expected)
    {
        // floor((L − 2) / 2) + 1 per spatial axis
        var r = Apply(cls, new { pool_size = 2 }, input.Select(d => (long?)d).ToArray());
        Assert.Equal(new Shape([null, .. expected.Select(d => (long?)d)]), r.Output);
        Assert.Equal(0, r.Params);
    }

    [Fact]
    public void Pooling_SameWithStride()
    {
        // ceil(25 / 2) = 13
        Assert.Equal(S(null, 13, 4), Apply("AveragePooling1D", new { pool_size = 3, strides = 2, padding = "same" }, [25, 4]).Output);
        // floor((10 − 3) / 1) + 1 = 8
        Assert.Equal(S(null, 8, 8, 2), Apply("MaxPooling2D", new { pool_size = 3, strides = 1 }, [10, 10, 2]).Output);
    }

    [Theory]
    [InlineData("GlobalAveragePooling1D", new long[] { 10, 6 })]
    [InlineData("GlobalMaxPooling1D", new long[] { 10, 6 })]
    [InlineData("GlobalAveragePooling2D", new long[] { 7, 7, 6 })]
    [InlineData("GlobalMaxPooling2D", new long[] { 7, 7, 6 })]
    [InlineData("GlobalAveragePooling3D", new long[] { 3, 7, 7, 6 })]
    [InlineData("GlobalMaxPooling3D", new long[] { 3, 7, 7, 6 })]
    public void GlobalPooling_OneValuePerChannel(string cls, long[] input)
    {
        var r = Apply(cls, null, input.Select(d => (long?)d).ToArray());
        Assert.Equal(S(null, 6), r.Output);
        Assert.Equal(0, r.Params);
    }

    [Fact]
    public void GlobalPooling_KeepDims_And_ChannelsFirst()
    {
        Assert.Equal(S(null, 1, 1, 512), Apply("GlobalAveragePooling2D", new { keepdims = true }, [7, 7, 512]).Output);
        Assert.Equal(S(null, 3), Apply("GlobalMaxPooling2D", new { data_format = "channels_first" }, [3, 7, 7]).Output);
    }

    [Fact]
    public void Flatten_MultipliesTheNonBatchAxes()
    {
        Assert.Equal(S(null, 32 * 32 * 32), Apply("Flatten", null, [32, 32, 32]).Output);
        Assert.Equal(S(null, null), Apply("Flatten", null, [null, 4]).Output);
    }

    [Fact]
    public void Dropout_KeepsTheShape() => Assert.Equal(S(null, 1600), Apply("Dropout", new { rate = 0.5 }, [1600]).Output);

    [Fact]
    public void Reshape_InfersMinusOne()
    {
        Assert.Equal(S(null, 12 / 4, 4), Apply("Reshape", new { target_shape = new[] { -1, 4 } }, [12]).Output);
        Assert.Equal(S(null, 7, 7, 64), Apply("Reshape", new { target_shape = new[] { 7, 7, 64 } }, [3136]).Output);
    }

    [Fact]
    public void Add_Broadcasts()
    {
        var r = ApplyMany("Add", null, [[1, 8], [5, 8]]);
        Assert.Equal(S(null, 5, 8), r.Output);
        Assert.Equal(0, r.Params);
    }

    [Fact]
    public void Concatenate_SumsTheAxis()
    {
        Assert.Equal(S(null, 8 + 24), ApplyMany("Concatenate", null, [[8], [24]]).Output);
        Assert.Equal(S(null, 3 + 5, 4), ApplyMany("Concatenate", new { axis = 1 }, [[3, 4], [5, 4]]).Output);
    }
}
