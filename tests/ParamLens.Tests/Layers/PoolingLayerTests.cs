using ParamLens.Shapes;
using static ParamLens.Tests.Layers.Dims;
using static ParamLens.Tests.Layers.OneLayer;

namespace ParamLens.Tests.Layers;

public class PoolingLayerTests
{
    [Fact]
    public void AveragePooling_Keras2DefaultsPoolSizeToTwo()
    {
        Build("AveragePooling2D", null, [26, 26, 32], Keras2).IsWeightless(Shape.Of(None, 13, 13, 32));
    }

    [Fact]
    public void AveragePooling_Keras3RequiresPoolSize()
    {
        var e = Assert.Throws<ModelException>(() => Build("AveragePooling2D", null, [26, 26, 32], Keras3));
        Assert.Contains("pool_size", e.Message);
        Build("AveragePooling1D", new { pool_size = 3, strides = 2, padding = "same" }, [25, 4], Keras3).IsWeightless(Shape.Of(None, 13, 4));
    }

    [Fact]
    public void MaxPooling_Keras3StillDefaultsPoolSize()
    {
        Build("MaxPooling2D", null, [26, 26, 32], Keras3).IsWeightless(Shape.Of(None, 13, 13, 32));
    }

    [Fact]
    public void AdaptivePooling_SetsTheSpatialAxes()
    {
        Build("AdaptiveAveragePooling2D", new { output_size = new[] { 4, 4 } }, [32, 32, 3]).IsWeightless(Shape.Of(None, 4, 4, 3));
        Build("AdaptiveMaxPooling1D", new { output_size = 7, data_format = "channels_first" }, [3, 100]).IsWeightless(Shape.Of(None, 3, 7));
        Build("AdaptiveMaxPooling3D", new { output_size = 2 }, [9, 9, 9, 5]).IsWeightless(Shape.Of(None, 2, 2, 2, 5));
    }
}
