using ParamLens.Shapes;
using static ParamLens.Tests.Layers.Dims;
using static ParamLens.Tests.Layers.OneLayer;

namespace ParamLens.Tests.Layers;

public class PreprocessingLayerTests
{
    [Fact]
    public void Normalization_AdaptedStatisticsAreNonTrainable()
    {
        var l = Build("Normalization", null, [3]);
        l.Is(2 * 3 + 1, 0, Shape.Of(None, 3));
        Assert.Equal([("mean", 3L, false), ("variance", 3L, false), ("count", 1L, false)], l.Weights);
        Assert.Equal("int64", l.Row.Weights[2].Weight.DType);
    }

    [Fact]
    public void Normalization_AxisNone_ScalarStatistics()
    {
        var l = Build("Normalization", new { axis = (int?)null }, [3]);
        l.Is(1 + 1 + 1, 0, Shape.Of(None, 3));
        Assert.Equal(Shape.Scalar, l.Row.Weights[0].Weight.Shape);
    }

    [Fact]
    public void Normalization_SeveralAxes()
    {
        Build("Normalization", new { axis = new[] { 1, 2 } }, [4, 5, 6], Keras2).Is(2 * (4 * 5) + 1, 0, Shape.Of(None, 4, 5, 6));
    }

    [Fact]
    public void Normalization_GivenMeanAndVariance_AreConstants()
    {
        Build("Normalization", new { mean = new[] { 0.5, 1.0, 2.0 }, variance = new[] { 1.0, 1.0, 4.0 } }, [3]).IsWeightless(Shape.Of(None, 3));
        Assert.Throws<ModelException>(() => Build("Normalization", new { mean = new[] { 0.5 } }, [3]));
    }

    [Fact]
    public void ImageLayers_SetHeightAndWidth()
    {
        Build("Rescaling", new { scale = 1.0 / 255 }, [64, 48, 3]).IsWeightless(Shape.Of(None, 64, 48, 3));
        Build("Resizing", new { height = 32, width = 30 }, [64, 48, 3]).IsWeightless(Shape.Of(None, 32, 30, 3));
        Build("Resizing", new { height = 32, width = 30, data_format = "channels_first" }, [3, 64, 48], Keras3).IsWeightless(Shape.Of(None, 3, 32, 30));
        Build("CenterCrop", new { height = 24, width = 24 }, [None, None, 3]).IsWeightless(Shape.Of(None, 24, 24, 3));
        Build("RandomCrop", new { height = 20, width = 10, seed = 1 }, [64, 48, 3]).IsWeightless(Shape.Of(None, 20, 10, 3));
        Assert.Throws<ModelException>(() => Build("Resizing", new { height = 2, width = 2 }, [8]));
    }

    [Theory]
    [InlineData("RandomFlip")]
    [InlineData("RandomGrayscale")]
    [InlineData("AutoContrast")]
    [InlineData("MixUp")]
    [InlineData("RandomErasing")]
    public void Augmentations_KeepTheShape(string className) =>
        Build(className, null, [32, 32, 3]).IsWeightless(Shape.Of(None, 32, 32, 3));

    [Fact]
    public void Augmentations_WithRequiredFactors()
    {
        Build("RandomRotation", new { factor = 0.2 }, [32, 32, 3]).IsWeightless(Shape.Of(None, 32, 32, 3));
        Build("RandomZoom", new { height_factor = 0.1 }, [32, 32, 3]).IsWeightless(Shape.Of(None, 32, 32, 3));
        Build("RandomTranslation", new { height_factor = 0.1, width_factor = 0.1 }, [32, 32, 3]).IsWeightless(Shape.Of(None, 32, 32, 3));
        Build("RandomContrast", new { factor = 0.5 }, [32, 32, 3]).IsWeightless(Shape.Of(None, 32, 32, 3));
        Build("RandomBrightness", new { factor = 0.5 }, [32, 32, 3]).IsWeightless(Shape.Of(None, 32, 32, 3));
        Assert.Throws<ModelException>(() => Build("RandomRotation", null, [32, 32, 3]));
    }

    [Fact]
    public void RandomHeightAndWidth_Keras2_MakeThatAxisUnknown()
    {
        Build("RandomHeight", new { factor = 0.2 }, [32, 30, 3], Keras2).IsWeightless(Shape.Of(None, None, 30, 3));
        Build("RandomWidth", new { factor = 0.2 }, [32, 30, 3], Keras2).IsWeightless(Shape.Of(None, 32, None, 3));
    }

    [Fact]
    public void Discretization_ModesAndVersions()
    {
        var bins = new[] { 0.0, 1.0, 2.0 }; // 3 boundaries → 4 bins
        Build("Discretization", new { bin_boundaries = bins }, [4]).IsWeightless(Shape.Of(None, 4));
        Build("Discretization", new { bin_boundaries = bins, output_mode = "one_hot" }, [4]).IsWeightless(Shape.Of(None, 4, 3 + 1));
        Build("Discretization", new { bin_boundaries = bins, output_mode = "one_hot" }, [1]).IsWeightless(Shape.Of(None, 3 + 1));
        Build("Discretization", new { bin_boundaries = bins, output_mode = "multi_hot" }, [4]).IsWeightless(Shape.Of(None, 3 + 1));
        // Keras 3 multi_hot drops axis 1 and appends the depth; Keras 2 replaces the last axis.
        Build("Discretization", new { num_bins = 6, output_mode = "count" }, [5, 4], Keras3).IsWeightless(Shape.Of(None, 4, 6));
        Build("Discretization", new { num_bins = 6, output_mode = "count" }, [5, 4], Keras2).IsWeightless(Shape.Of(None, 5, 6));
    }

    [Fact]
    public void CategoryEncoding_OneHotAndMultiHot()
    {
        Build("CategoryEncoding", new { num_tokens = 10 }, [3]).IsWeightless(Shape.Of(None, 10));
        Build("CategoryEncoding", new { num_tokens = 10, output_mode = "one_hot" }, [1]).IsWeightless(Shape.Of(None, 10));
        Build("CategoryEncoding", new { num_tokens = 10, output_mode = "one_hot" }, [3]).IsWeightless(Shape.Of(None, 3, 10));
    }

    [Fact]
    public void Hashing_OneHotDiffersBetweenVersions()
    {
        Build("Hashing", new { num_bins = 16 }, [3]).IsWeightless(Shape.Of(None, 3));
        Build("Hashing", new { num_bins = 16, output_mode = "one_hot" }, [3], Keras3).IsWeightless(Shape.Of(None, 16));
        Build("Hashing", new { num_bins = 16, output_mode = "one_hot" }, [3], Keras2).IsWeightless(Shape.Of(None, 3, 16));
        Build("Hashing", new { num_bins = 16, output_mode = "multi_hot" }, [3], Keras2).IsWeightless(Shape.Of(None, 16));
    }

    [Fact]
    public void HashedCrossing_TwoInputs()
    {
        Merge("HashedCrossing", new { num_bins = 8 }, [1], [1]).IsWeightless(Shape.Of(None, 1));
        Merge("HashedCrossing", new { num_bins = 8, output_mode = "one_hot" }, [1], [1]).IsWeightless(Shape.Of(None, 8));
    }

    [Fact]
    public void StringLookup_DepthFromTheVocabulary()
    {
        var vocabulary = new[] { "a", "b", "c", "d" };
        Build("StringLookup", new { vocabulary }, [5]).IsWeightless(Shape.Of(None, 5));
        // multi_hot: 4 tokens + 1 OOV index = 5 (no mask outside int mode).
        Build("StringLookup", new { vocabulary, output_mode = "multi_hot", mask_token = "" }, [5]).IsWeightless(Shape.Of(None, 4 + 1));
        Build("StringLookup", new { vocabulary, output_mode = "one_hot", num_oov_indices = 2 }, [1]).IsWeightless(Shape.Of(None, 4 + 2));
        Build("StringLookup", new { max_tokens = 100, pad_to_max_tokens = true, output_mode = "count" }, [7]).IsWeightless(Shape.Of(None, 100));
        Build("StringLookup", new { output_mode = "count" }, [7]).IsWeightless(Shape.Of(None, None));
        Build("IntegerLookup", new { vocabulary = new[] { 12, 36, 1138 }, output_mode = "multi_hot", vocabulary_size = 4 }, [2]).IsWeightless(Shape.Of(None, 3 + 1));
    }

    [Fact]
    public void Lookup_TfIdfWhileAdapting_Keras2CountsTheDocumentCounter()
    {
        var k2 = Build("StringLookup", new { output_mode = "tf_idf", max_tokens = 50, pad_to_max_tokens = true }, [7], Keras2);
        k2.Is(1, 0, Shape.Of(None, 50));
        Assert.Equal("num_documents", k2.Weights.Single().Name);
        Build("StringLookup", new { output_mode = "tf_idf", max_tokens = 50, pad_to_max_tokens = true }, [7], Keras3).IsWeightless(Shape.Of(None, 50));
        Build("StringLookup", new { output_mode = "tf_idf", vocabulary = new[] { "a" }, idf_weights = new[] { 0.5 } }, [7], Keras2)
            .IsWeightless(Shape.Of(None, 1 + 1));
    }

    [Fact]
    public void TextVectorization_IntAndMultiHot()
    {
        Build("TextVectorization", new { output_sequence_length = 20 }, [1]).IsWeightless(Shape.Of(None, 20));
        Build("TextVectorization", null, [1]).IsWeightless(Shape.Of(None, None));
        Build("TextVectorization", new { max_tokens = 1000, pad_to_max_tokens = true, output_mode = "multi_hot", split = (string?)null }, [1])
            .IsWeightless(Shape.Of(None, 1000));
        // Split text: Keras 3 reports (batch, 1, tokens) encoded as (batch, 1, depth); Keras 2 squeezes the 1 first.
        Build("TextVectorization", new { output_mode = "tf_idf", max_tokens = 30, pad_to_max_tokens = true }, [1], Keras2).Is(1, 0, Shape.Of(None, 30));
        Build("TextVectorization", new { output_mode = "count", max_tokens = 30, pad_to_max_tokens = true }, [1], Keras3).IsWeightless(Shape.Of(None, 1, 30));
    }

    [Fact]
    public void STFTSpectrogram_DefaultsCarryTwoFourierKernels()
    {
        // frame 256, step 128, fft 256 → 129 bins; time ⌊(16000 − 256) / 128⌋ + 1 = 124.
        var l = Build("STFTSpectrogram", null, [16000, 1], Keras3);
        l.Is(2 * 256 * 1 * 129, 2 * 256 * 129, Shape.Of(None, (16000 - 256) / 128 + 1, 129));
        var real = Build("STFTSpectrogram", new { mode = "real", frame_length = 100, frame_step = 50 }, [1000, 2], Keras3);
        // fft_length: next power of two ≥ 100 = 128 → 65 bins; features 65 · 2 channels.
        real.Is(100 * 65, 100 * 65, Shape.Of(None, (1000 - 100) / 50 + 1, 65 * 2));
    }

    [Fact]
    public void MelSpectrogram_FramesByKerasFormula()
    {
        // ⌊(16000 + 512 + 1) / 512⌋ = 32 frames of 128 mel bins; with stride 160 and 80 bins: ⌊(16000 + 161) / 160⌋ = 101.
        Build("MelSpectrogram", null, [16000], Keras3).IsWeightless(Shape.Of(None, 128, (16000 + 512 + 1) / 512));
        Build("MelSpectrogram", new { sequence_stride = 160, num_mel_bins = 80 }, [16000], Keras3).IsWeightless(Shape.Of(None, 80, (16000 + 160 + 1) / 160));
    }
}
