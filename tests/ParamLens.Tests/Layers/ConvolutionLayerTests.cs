using ParamLens.Shapes;
using static ParamLens.Tests.Layers.Dims;
using static ParamLens.Tests.Layers.OneLayer;

namespace ParamLens.Tests.Layers;

public class ConvolutionLayerTests
{
    [Fact]
    public void SeparableConv2D_DepthMultiplierOne()
    {
        var l = Build("SeparableConv2D", new { filters = 64, kernel_size = 3 }, [32, 32, 16]);
        long expected = 3 * 3 * 16 * 1 + 16 * 1 * 64 + 64;
        l.Is(expected, expected, Shape.Of(None, 30, 30, 64));
        Assert.Equal([("depthwise_kernel", 3L * 3 * 16, true), ("pointwise_kernel", 16L * 64, true), ("bias", 64L, true)], l.Weights);
        Assert.Equal(Shape.Of(1, 1, 16, 64), l.Row.Weights[1].Weight.Shape);
    }

    [Fact]
    public void SeparableConv2D_DepthMultiplierTwo()
    {
        long expected = 3 * 3 * 16 * 2 + 16 * 2 * 64 + 64;
        Build("SeparableConv2D", new { filters = 64, kernel_size = 3, depth_multiplier = 2 }, [32, 32, 16]).Is(expected, expected, Shape.Of(None, 30, 30, 64));
    }

    [Fact]
    public void SeparableConv2D_StridedSameWithoutBias()
    {
        long expected = 5 * 5 * 8 + 8 * 16;
        Build("SeparableConv2D", new { filters = 16, kernel_size = 5, strides = 2, padding = "same", use_bias = false }, [28, 28, 8])
            .Is(expected, expected, Shape.Of(None, 14, 14, 16));
    }

    [Fact]
    public void SeparableConv2D_ChannelsFirst()
    {
        long expected = 3 * 3 * 3 + 3 * 8 + 8;
        Build("SeparableConv2D", new { filters = 8, kernel_size = 3, data_format = "channels_first" }, [3, 32, 32])
            .Is(expected, expected, Shape.Of(None, 8, 30, 30));
    }

    [Fact]
    public void SeparableConv1D_DepthMultiplierTwo()
    {
        long expected = 3 * 8 * 2 + 8 * 2 * 32 + 32;
        Build("SeparableConv1D", new { filters = 32, kernel_size = 3, depth_multiplier = 2 }, [100, 8]).Is(expected, expected, Shape.Of(None, 98, 32));
    }

    [Fact]
    public void DepthwiseConv2D_KernelNameDependsOnTheVersion()
    {
        long expected = 3 * 3 * 16 * 2 + 16 * 2;
        var k3 = Build("DepthwiseConv2D", new { kernel_size = 3, depth_multiplier = 2 }, [32, 32, 16], Keras3);
        k3.Is(expected, expected, Shape.Of(None, 30, 30, 32));
        Assert.Equal(["kernel", "bias"], k3.Weights.Select(w => w.Name));
        var k2 = Build("DepthwiseConv2D", new { kernel_size = 3, depth_multiplier = 2 }, [32, 32, 16], Keras2);
        k2.Is(expected, expected, Shape.Of(None, 30, 30, 32));
        Assert.Equal(["depthwise_kernel", "bias"], k2.Weights.Select(w => w.Name));
        Assert.Equal(Shape.Of(3, 3, 16, 2), k2.Row.Weights[0].Weight.Shape);
    }

    [Fact]
    public void DepthwiseConv1D_Defaults()
    {
        Build("DepthwiseConv1D", new { kernel_size = 5 }, [100, 8]).Is(5 * 8 * 1 + 8, 5 * 8 + 8, Shape.Of(None, 96, 8));
    }

    [Fact]
    public void Conv2D_Groups()
    {
        Build("Conv2D", new { filters = 64, kernel_size = 3, groups = 2 }, [10, 10, 16]).Is(3 * 3 * 8 * 64 + 64, 3 * 3 * 8 * 64 + 64, Shape.Of(None, 8, 8, 64));
    }

    [Fact]
    public void Conv2D_Keras3Lora()
    {
        var l = Build("Conv2D", new { filters = 8, kernel_size = 3, lora_rank = 2 }, [10, 10, 4], Keras3);
        long trainable = 8 + 3 * 3 * 4 * 2 + 2 * 8;
        l.Is(3 * 3 * 4 * 8 + trainable, trainable, Shape.Of(None, 8, 8, 8));
    }

    [Fact]
    public void Conv3DTranspose_Keras2LeavesDilationOutOfTheShape()
    {
        long expected = 3 * 3 * 3 * 4 * 16 + 4;
        var config = new { filters = 4, kernel_size = 3, dilation_rate = 2 };
        // Keras 3: dilated window 2·(3 − 1) + 1 = 5, so 8·1 + max(5 − 1, 0) = 12; Keras 2 uses the window 3: 8 + 2 = 10.
        Build("Conv3DTranspose", config, [8, 8, 8, 16], Keras3).Is(expected, expected, Shape.Of(None, 12, 12, 12, 4));
        Build("Conv3DTranspose", config, [8, 8, 8, 16], Keras2).Is(expected, expected, Shape.Of(None, 10, 10, 10, 4));
    }

    [Fact]
    public void Conv2DTranspose_Keras2KeepsDilation()
    {
        Build("Conv2DTranspose", new { filters = 4, kernel_size = 3, dilation_rate = 2 }, [8, 8, 16], Keras2)
            .Is(3 * 3 * 4 * 16 + 4, 3 * 3 * 4 * 16 + 4, Shape.Of(None, 12, 12, 4));
    }

    [Fact]
    public void CausalPadding_OnlyForOneDimension()
    {
        Build("SeparableConv1D", new { filters = 4, kernel_size = 3, padding = "causal" }, [20, 2]).Is(3 * 2 + 2 * 4 + 4, 3 * 2 + 2 * 4 + 4, Shape.Of(None, 20, 4));
        Assert.Throws<ModelException>(() => Build("DepthwiseConv2D", new { kernel_size = 3, padding = "causal" }, [8, 8, 2]));
    }
}
