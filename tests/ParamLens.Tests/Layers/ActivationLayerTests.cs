using ParamLens.Shapes;
using static ParamLens.Tests.Layers.Dims;
using static ParamLens.Tests.Layers.OneLayer;

namespace ParamLens.Tests.Layers;

public class ActivationLayerTests
{
    [Fact]
    public void PReLU_OneSlopePerValue()
    {
        var l = Build("PReLU", null, [32, 32, 16]);
        l.Is(32 * 32 * 16, 32 * 32 * 16, Shape.Of(None, 32, 32, 16));
        Assert.Equal(Shape.Of(32, 32, 16), l.Row.Weights[0].Weight.Shape);
    }

    [Fact]
    public void PReLU_SharedAxesBecomeOne()
    {
        var l = Build("PReLU", new { shared_axes = new[] { 1, 2 } }, [32, 32, 16]);
        l.Is(1 * 1 * 16, 16, Shape.Of(None, 32, 32, 16));
        Assert.Equal(Shape.Of(1, 1, 16), l.Row.Weights[0].Weight.Shape);
        Build("PReLU", new { shared_axes = 1 }, [None, 8]).Is(1 * 8, 8, Shape.Of(None, None, 8));
        Assert.Throws<ModelException>(() => Build("PReLU", null, [None, 8]));
    }

    [Fact]
    public void FixedActivations_HaveNoWeights()
    {
        Build("ELU", new { alpha = 0.5 }, [10]).IsWeightless(Shape.Of(None, 10));
        Build("Softmax", new { axis = 1 }, [4, 10]).IsWeightless(Shape.Of(None, 4, 10));
        Build("ThresholdedReLU", new { theta = 0.5 }, [10], Keras2).IsWeightless(Shape.Of(None, 10));
        Build("ReLU", new { max_value = 6.0 }, [10]).IsWeightless(Shape.Of(None, 10));
    }

    [Fact]
    public void LeakyReLU_DefaultSlopeKeyDependsOnTheVersion()
    {
        var k3 = Build("LeakyReLU", null, [10], Keras3);
        k3.IsWeightless(Shape.Of(None, 10));
        Assert.Equal(0.3, k3.Layer.Config!.Double("negative_slope"));
        Assert.False(k3.Layer.Config.Has("alpha"));
        var k2 = Build("LeakyReLU", null, [10], Keras2);
        Assert.Equal(0.3, k2.Layer.Config!.Double("alpha"));
        Assert.False(k2.Layer.Config.Has("negative_slope"));
    }
}
