using ParamLens.Layers;

namespace ParamLens.Tests.Layers;

/// <summary>Every class of the layer catalog (../shared/reference/keras-layer-catalog.md, Appendix A) outside the recurrent,
/// attention and wrapper families has a declaration of its own, not the unknown-class fallback.</summary>
public class CatalogCoverageTests
{
    public static TheoryData<string> CatalogClasses => new(
    [
        "Dense", "EinsumDense", "Embedding", "ReversibleEmbedding", "Masking", "Identity", "Lambda", "Activation", "InputLayer",
        "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "DepthwiseConv1D", "DepthwiseConv2D",
        "SeparableConv1D", "SeparableConv2D",
        "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
        "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
        "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D", "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D",
        "BatchNormalization", "SyncBatchNormalization", "LayerNormalization", "GroupNormalization", "RMSNormalization", "UnitNormalization",
        "SpectralNormalization",
        "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot",
        "Flatten", "Reshape", "Permute", "RepeatVector", "Cropping1D", "Cropping2D", "Cropping3D", "ZeroPadding1D", "ZeroPadding2D",
        "ZeroPadding3D", "UpSampling1D", "UpSampling2D", "UpSampling3D",
        "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout", "GaussianNoise", "AlphaDropout",
        "ActivityRegularization",
        "ReLU", "LeakyReLU", "ELU", "Softmax", "ThresholdedReLU", "PReLU",
        "Normalization", "Discretization", "CategoryEncoding", "Hashing", "HashedCrossing", "StringLookup", "IntegerLookup",
        "TextVectorization", "Rescaling", "Resizing", "CenterCrop", "RandomCrop", "RandomFlip", "RandomRotation", "RandomZoom",
        "RandomTranslation", "RandomContrast", "RandomBrightness", "STFTSpectrogram", "MelSpectrogram",
        "LocallyConnected1D", "LocallyConnected2D", "RandomFourierFeatures",
    ]);

    [Theory]
    [MemberData(nameof(CatalogClasses))]
    public void IsDeclared(string className)
    {
        var declaration = LayerCatalog.Find(className);
        Assert.NotNull(declaration);
        Assert.IsNotType<UnknownLayerDeclaration>(declaration);
        Assert.Equal(className, declaration.ClassName);
    }

    /// <summary>The catalog is registered by hand (a native build cannot search types): every family in the assembly is in it.</summary>
    [Fact]
    public void EveryFamilyIsRegistered()
    {
        var registered = LayerCatalog.All.Select(d => d.GetType().Assembly).Distinct().Single();
        var families = registered.GetTypes().Where(t => t.IsSubclassOf(typeof(LayerFamily)) && !t.IsAbstract);
        foreach (var family in families)
            foreach (var declaration in ((LayerFamily)Activator.CreateInstance(family)!).Declarations())
                Assert.True(LayerCatalog.Find(declaration.ClassName) is not null, $"{family.Name} is not registered in LayerCatalog");
    }

    /// <summary>A class says it is weightless exactly when it declares no weights (its count is then exact on unknown input).</summary>
    [Fact]
    public void WeightlessExactlyWhenNoWeightsAreDeclared()
    {
        foreach (var declaration in LayerCatalog.All)
        {
            var declaresWeights = declaration.GetType().GetMethod(nameof(LayerDeclaration.Weights))!.DeclaringType
                is { } owner && owner != typeof(LayerDeclaration) && owner != typeof(WeightlessLayerDeclaration);
            Assert.True(declaration.IsWeightless != declaresWeights, $"{declaration.ClassName}: IsWeightless is {declaration.IsWeightless}");
        }
    }
}
