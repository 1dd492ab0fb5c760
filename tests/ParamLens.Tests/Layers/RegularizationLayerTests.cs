using ParamLens.Shapes;
using static ParamLens.Tests.Layers.Dims;
using static ParamLens.Tests.Layers.OneLayer;

namespace ParamLens.Tests.Layers;

public class RegularizationLayerTests
{
    [Theory]
    [InlineData("SpatialDropout1D", 2)]
    [InlineData("SpatialDropout2D", 3)]
    [InlineData("SpatialDropout3D", 4)]
    public void SpatialDropout_NeedsItsRank(string className, int nonBatchAxes)
    {
        var shape = Enumerable.Repeat((long?)4, nonBatchAxes).ToArray();
        Build(className, new { rate = 0.25 }, shape).IsWeightless(new Shape([None, .. shape]));
        Assert.Throws<ModelException>(() => Build(className, new { rate = 0.25 }, [4, .. shape]));
    }

    [Fact]
    public void SpatialDropout2D_ChannelsFirst()
    {
        Build("SpatialDropout2D", new { rate = 0.5, data_format = "channels_first" }, [3, 8, 8]).IsWeightless(Shape.Of(None, 3, 8, 8));
    }

    [Fact]
    public void NoiseAndDropoutLayers_KeepTheShape()
    {
        Build("Dropout", new { rate = 0.1, noise_shape = new long?[] { null, 1, 8 } }, [5, 8]).IsWeightless(Shape.Of(None, 5, 8));
        Build("GaussianDropout", new { rate = 0.3 }, [5, 8]).IsWeightless(Shape.Of(None, 5, 8));
        Build("GaussianNoise", new { stddev = 0.1, seed = 7 }, [16]).IsWeightless(Shape.Of(None, 16));
        Build("AlphaDropout", new { rate = 0.2 }, [16]).IsWeightless(Shape.Of(None, 16));
        Build("ActivityRegularization", new { l1 = 0.01 }, [16]).IsWeightless(Shape.Of(None, 16));
        Build("ActivityRegularization", null, [2, 3]).IsWeightless(Shape.Of(None, 2, 3));
    }

    [Fact]
    public void GaussianNoise_NeedsAStddev()
    {
        Assert.Throws<ModelException>(() => Build("GaussianNoise", null, [16]));
    }
}
