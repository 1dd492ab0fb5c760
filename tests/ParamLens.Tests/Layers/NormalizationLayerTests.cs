using ParamLens.Layers;
using ParamLens.Graph;
using ParamLens.Shapes;
using static ParamLens.Tests.Layers.Dims;
using static ParamLens.Tests.Layers.OneLayer;

namespace ParamLens.Tests.Layers;

public class NormalizationLayerTests
{
    [Fact]
    public void BatchNormalization_Renorm_Keras2AddsThreeStatistics()
    {
        var l = Build("BatchNormalization", new { renorm = true }, [32], Keras2);
        l.Is(7 * 32, 2 * 32, Shape.Of(None, 32));
        Assert.Equal(["gamma", "beta", "moving_mean", "moving_variance", "moving_stddev", "renorm_mean", "renorm_stddev"], l.Weights.Select(w => w.Name));
    }

    [Fact]
    public void BatchNormalization_Renorm_Keras3From314Only()
    {
        Build("BatchNormalization", new { renorm = true }, [32], KerasVersion.Parse("3.14.0")).Is(7 * 32, 2 * 32, Shape.Of(None, 32));
        var e = Assert.Throws<ModelException>(() => Build("BatchNormalization", new { renorm = true }, [32], KerasVersion.Parse("3.13.1")));
        Assert.Contains("3.14", e.Message);
    }

    [Fact]
    public void BatchNormalization_SynchronizedAddsNothing()
    {
        Build("BatchNormalization", new { synchronized = true }, [8, 8, 16]).Is(4 * 16, 2 * 16, Shape.Of(None, 8, 8, 16));
        Build("SyncBatchNormalization", null, [16], Keras2).Is(4 * 16, 2 * 16, Shape.Of(None, 16));
    }

    [Fact]
    public void BatchNormalization_SeveralAxes_Keras2Only()
    {
        // axis [1, 2] on (None, 4, 5, 6): each vector has shape (1, 4, 5, 1), 20 values.
        var l = Build("BatchNormalization", new { axis = new[] { 1, 2 } }, [4, 5, 6], Keras2);
        l.Is(4 * (4 * 5), 2 * (4 * 5), Shape.Of(None, 4, 5, 6));
        Assert.Equal(Shape.Of(1, 4, 5, 1), l.Row.Weights[0].Weight.Shape);
        Assert.Throws<ModelException>(() => Build("BatchNormalization", new { axis = new[] { 1, 2 } }, [4, 5, 6], Keras3));
    }

    [Fact]
    public void BatchNormalization_ScaleOffCenterOff()
    {
        Build("BatchNormalization", new { scale = false, center = false, axis = 1 }, [3, 10, 10]).Is(2 * 3, 0, Shape.Of(None, 3, 10, 10));
    }

    [Fact]
    public void LayerNormalization_LastAxisAndSeveralAxes()
    {
        Build("LayerNormalization", null, [10, 64]).Is(2 * 64, 2 * 64, Shape.Of(None, 10, 64));
        var l = Build("LayerNormalization", new { axis = new[] { 2, 1 } }, [10, 64]);
        l.Is(2 * 10 * 64, 2 * 10 * 64, Shape.Of(None, 10, 64));
        Assert.Equal(Shape.Of(10, 64), l.Row.Weights[0].Weight.Shape); // axes sorted as Keras sorts them
    }

    [Fact]
    public void LayerNormalization_Keras3RmsScalingKeepsGammaOnly()
    {
        var l = Build("LayerNormalization", new { rms_scaling = true }, [10, 64], Keras3);
        l.Is(64, 64, Shape.Of(None, 10, 64));
        Assert.Equal("gamma", l.Weights.Single().Name);
        Build("LayerNormalization", new { center = false }, [10, 64], Keras2).Is(64, 64, Shape.Of(None, 10, 64));
    }

    [Fact]
    public void GroupNormalization_GroupsDoNotChangeTheCount()
    {
        Build("GroupNormalization", new { groups = 8 }, [32, 32, 64]).Is(2 * 64, 2 * 64, Shape.Of(None, 32, 32, 64));
        Build("GroupNormalization", new { groups = -1, center = false }, [64]).Is(64, 64, Shape.Of(None, 64));
        Build("GroupNormalization", new { groups = 4, axis = 1 }, [8, 5, 5]).Is(2 * 8, 2 * 8, Shape.Of(None, 8, 5, 5));
        Assert.Throws<ModelException>(() => Build("GroupNormalization", new { groups = 5 }, [64]));
        Assert.Throws<ModelException>(() => Build("GroupNormalization", null, [16])); // default 32 groups > 16 channels
    }

    [Fact]
    public void RMSNormalization_ScaleOverTheNormalizedAxes()
    {
        var l = Build("RMSNormalization", null, [10, 64]);
        l.Is(64, 64, Shape.Of(None, 10, 64));
        Assert.Equal("scale", l.Weights.Single().Name);
        Build("RMSNormalization", new { axis = new[] { 1, 2 } }, [10, 64]).Is(10 * 64, 10 * 64, Shape.Of(None, 10, 64));
    }

    [Fact]
    public void UnitNormalization_HasNoWeights()
    {
        Build("UnitNormalization", new { axis = new[] { 1, 2 } }, [10, 64]).IsWeightless(Shape.Of(None, 10, 64));
    }

    private static object Wrapped(string className, object config) => new { layer = new { class_name = className, config } };

    [Fact]
    public void SpectralNormalization_Dense_AddsVectorU()
    {
        var l = Build("SpectralNormalization", Wrapped("Dense", new { units = 10, name = "inner" }), [20]);
        l.Is(20 * 10 + 10 + 1 * 10, 20 * 10 + 10, Shape.Of(None, 10));
        Assert.Equal([("kernel", 200L, true), ("bias", 10L, true), ("vector_u", 10L, false)], l.Weights);
        Assert.Contains("'inner'", l.Row.Weights[0].Weight.Spec.Role);
    }

    [Fact]
    public void SpectralNormalization_Conv2D_VectorUHasOneEntryPerFilter()
    {
        var l = Build("SpectralNormalization", Wrapped("Conv2D", new { filters = 8, kernel_size = 3 }), [10, 10, 4], Keras2);
        l.Is(3 * 3 * 4 * 8 + 8 + 8, 3 * 3 * 4 * 8 + 8, Shape.Of(None, 8, 8, 8));
        Assert.Equal(Shape.Of(1, 8), l.Row.Weights[2].Weight.Shape);
    }

    [Fact]
    public void SpectralNormalization_EmbeddingAndFrozenInner()
    {
        Build("SpectralNormalization", Wrapped("Embedding", new { input_dim = 100, output_dim = 16 }), [5]).Is(100 * 16 + 16, 100 * 16, Shape.Of(None, 5, 16));
        Build("SpectralNormalization", Wrapped("Dense", new { units = 10, trainable = false }), [20]).Is(210 + 10, 0, Shape.Of(None, 10));
    }

    [Fact]
    public void SpectralNormalization_LayerWithoutKernel_IsAModelError()
    {
        var e = Assert.Throws<ModelException>(() => Build("SpectralNormalization", Wrapped("LayerNormalization", new { }), [20]));
        Assert.Contains("'kernel' or 'embeddings'", e.Message);
    }
}
