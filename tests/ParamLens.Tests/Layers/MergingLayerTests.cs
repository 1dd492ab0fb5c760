using ParamLens.Shapes;
using static ParamLens.Tests.Layers.Dims;
using static ParamLens.Tests.Layers.OneLayer;

namespace ParamLens.Tests.Layers;

public class MergingLayerTests
{
    [Fact]
    public void Dot_VectorsGiveOneValue()
    {
        Merge("Dot", new { axes = 1 }, [8], [8]).IsWeightless(Shape.Of(None, 1));
        Merge("Dot", new { axes = -1, normalize = true }, [8], [8]).IsWeightless(Shape.Of(None, 1));
    }

    [Fact]
    public void Dot_SequencesGiveAMatrix()
    {
        Merge("Dot", new { axes = new[] { 2, 2 } }, [5, 8], [7, 8]).IsWeightless(Shape.Of(None, 5, 7));
        Merge("Dot", new { axes = new[] { 1, 2 } }, [5, 8], [7, 5]).IsWeightless(Shape.Of(None, 8, 7));
    }

    [Fact]
    public void Dot_MismatchedAxes_IsAModelError()
    {
        Assert.Throws<ModelException>(() => Merge("Dot", new { axes = 1 }, [8], [9]));
    }
}
