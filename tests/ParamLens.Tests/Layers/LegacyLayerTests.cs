using ParamLens.Shapes;
using static ParamLens.Tests.Layers.Dims;
using static ParamLens.Tests.Layers.OneLayer;

namespace ParamLens.Tests.Layers;

public class LegacyLayerTests
{
    [Fact]
    public void LocallyConnected1D_OneKernelPerPosition()
    {
        // Output length 10 − 3 + 1 = 8: kernel (8, 3·8, 16), bias (8, 16).
        long expected = 8 * (3 * 8) * 16 + 8 * 16;
        var l = Build("LocallyConnected1D", new { filters = 16, kernel_size = 3 }, [10, 8], Keras2);
        l.Is(expected, expected, Shape.Of(None, 8, 16));
        Assert.Equal(Shape.Of(8, 24, 16), l.Row.Weights[0].Weight.Shape);
    }

    [Fact]
    public void LocallyConnected2D_Implementation1()
    {
        long expected = 30 * 30 * (3 * 3 * 3) * 64 + 30 * 30 * 64;
        Build("LocallyConnected2D", new { filters = 64, kernel_size = new[] { 3, 3 } }, [32, 32, 3], Keras2).Is(expected, expected, Shape.Of(None, 30, 30, 64));
    }

    [Fact]
    public void LocallyConnected1D_Implementation2CountsTheMaskedZeros()
    {
        // Dense kernel (input length, Cin, output length, filters) = (10, 8, 8, 16).
        long expected = 10 * 8 * 8 * 16 + 8 * 16;
        Build("LocallyConnected1D", new { filters = 16, kernel_size = 3, implementation = 2 }, [10, 8], Keras2).Is(expected, expected, Shape.Of(None, 8, 16));
    }

    [Fact]
    public void LocallyConnected1D_Implementation3CountsTheConnections()
    {
        // 'valid': 8 output positions, each sees 3 inputs · 8 channels, for 16 filters.
        Build("LocallyConnected1D", new { filters = 16, kernel_size = 3, implementation = 3 }, [10, 8], Keras2)
            .Is(8 * 3 * 8 * 16 + 8 * 16, 8 * 3 * 8 * 16 + 8 * 16, Shape.Of(None, 8, 16));
        // 'same', stride 1, length 5, kernel 3: windows clipped at both ends see 2 + 3 + 3 + 3 + 2 = 13 inputs.
        Build("LocallyConnected1D", new { filters = 1, kernel_size = 3, padding = "same", implementation = 3, use_bias = false }, [5, 1], Keras2)
            .Is(2 + 3 + 3 + 3 + 2, 13, Shape.Of(None, 5, 1));
    }

    [Fact]
    public void RandomFourierFeatures_IsFrozenByDefault()
    {
        var l = Build("RandomFourierFeatures", new { output_dim = 256 }, [32], Keras2);
        l.Is(32 * 256 + 256 + 1, 0, Shape.Of(None, 256));
        var trainable = Build("RandomFourierFeatures", new { output_dim = 256, trainable = true }, [32], Keras2);
        trainable.Is(32 * 256 + 256 + 1, 1, Shape.Of(None, 256));
    }
}
