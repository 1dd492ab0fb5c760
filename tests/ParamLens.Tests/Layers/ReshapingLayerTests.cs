using ParamLens.Shapes;
using static ParamLens.Tests.Layers.Dims;
using static ParamLens.Tests.Layers.OneLayer;

namespace ParamLens.Tests.Layers;

public class ReshapingLayerTests
{
    [Fact]
    public void Permute_ReordersTheNonBatchAxes()
    {
        Build("Permute", new { dims = new[] { 2, 1 } }, [10, 64]).IsWeightless(Shape.Of(None, 64, 10));
        Build("Permute", new { dims = new[] { 3, 1, 2 } }, [2, 3, 4]).IsWeightless(Shape.Of(None, 4, 2, 3));
        Assert.Throws<ModelException>(() => Build("Permute", new { dims = new[] { 1, 1 } }, [10, 64]));
    }

    [Fact]
    public void RepeatVector_AddsATimeAxis()
    {
        Build("RepeatVector", new { n = 3 }, [8]).IsWeightless(Shape.Of(None, 3, 8));
        Assert.Throws<ModelException>(() => Build("RepeatVector", new { n = 3 }, [2, 8]));
    }

    [Fact]
    public void Reshape_NullTargetEntryIsInferred()
    {
        // TensorFlow.js writes the inferred entry as null: 16 · 4 · 64 = 4,096 values → 4,096 / 2 = 2,048.
        Build("Reshape", new { target_shape = new long?[] { null, 2 } }, [16, 4, 64]).IsWeightless(Shape.Of(None, 16 * 4 * 64 / 2, 2));
    }
}
