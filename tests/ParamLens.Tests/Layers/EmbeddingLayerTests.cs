using ParamLens.Shapes;
using static ParamLens.Tests.Layers.Dims;
using static ParamLens.Tests.Layers.OneLayer;

namespace ParamLens.Tests.Layers;

public class EmbeddingLayerTests
{
    [Fact]
    public void Embedding_AddsAVectorAxis()
    {
        var l = Build("Embedding", new { input_dim = 1000, output_dim = 64 }, [10]);
        l.Is(1000 * 64, 1000 * 64, Shape.Of(None, 10, 64));
        Assert.Equal("embeddings", l.Weights.Single().Name);
    }

    [Fact]
    public void Embedding_MaskZero_DoesNotChangeTheCount()
    {
        Build("Embedding", new { input_dim = 50, output_dim = 8, mask_zero = true }, [None]).Is(50 * 8, 50 * 8, Shape.Of(None, None, 8));
    }

    [Fact]
    public void Embedding_Keras2InputLength_FillsTheUnknownAxis()
    {
        Build("Embedding", new { input_dim = 50, output_dim = 8, input_length = 12 }, [None], Keras2).Is(400, 400, Shape.Of(None, 12, 8));
    }

    [Fact]
    public void Embedding_Keras3_IgnoresInputLength()
    {
        Build("Embedding", new { input_dim = 50, output_dim = 8, input_length = 12 }, [None], Keras3).Is(400, 400, Shape.Of(None, None, 8));
    }

    [Fact]
    public void Embedding_Keras2InputLengthThatDisagrees_IsAModelError()
    {
        Assert.Throws<ModelException>(() => Build("Embedding", new { input_dim = 50, output_dim = 8, input_length = 12 }, [10], Keras2));
    }

    [Fact]
    public void Embedding_Keras3Lora()
    {
        var l = Build("Embedding", new { input_dim = 1000, output_dim = 64, lora_rank = 8 }, [10], Keras3);
        l.Is(1000 * 64 + 1000 * 8 + 8 * 64, 1000 * 8 + 8 * 64, Shape.Of(None, 10, 64));
        Assert.Equal(["embeddings", "lora_embeddings_a", "lora_embeddings_b"], l.Weights.Select(w => w.Name));
    }

    [Fact]
    public void ReversibleEmbedding_TiedHasOneTable_UntiedTwo()
    {
        Build("ReversibleEmbedding", new { input_dim = 1000, output_dim = 64 }, [10]).Is(1000 * 64, 1000 * 64, Shape.Of(None, 10, 64));
        var untied = Build("ReversibleEmbedding", new { input_dim = 1000, output_dim = 64, tie_weights = false }, [10]);
        untied.Is(2 * 1000 * 64, 2 * 1000 * 64, Shape.Of(None, 10, 64));
        Assert.Equal(Shape.Of(64, 1000), untied.Row.Weights[1].Weight.Shape);
    }
}
