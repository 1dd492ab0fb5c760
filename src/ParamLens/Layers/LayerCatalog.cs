namespace ParamLens.Layers;

/// <summary>Every declared Keras layer class, by class name: the one place front ends look layers up.</summary>
public static class LayerCatalog
{
    private static readonly Dictionary<string, LayerDeclaration> ByName = Build();

    private static Dictionary<string, LayerDeclaration> Build()
    {
        List<LayerDeclaration> all =
        [
            new InputLayerDeclaration(), new DenseDeclaration(), new DropoutDeclaration(), new ActivationDeclaration(),
            new ReLUDeclaration(), new LeakyReLUDeclaration(), new BatchNormalizationDeclaration(),
            new FlattenDeclaration(), new ReshapeDeclaration(), new ConcatenateDeclaration(),
            new ElementwiseMergeDeclaration("Add", "adds"), new ElementwiseMergeDeclaration("Subtract", "subtracts"),
            new ElementwiseMergeDeclaration("Multiply", "multiplies"), new ElementwiseMergeDeclaration("Average", "averages"),
            new ElementwiseMergeDeclaration("Maximum", "takes the maximum of"), new ElementwiseMergeDeclaration("Minimum", "takes the minimum of"),
        ];
        foreach (var rank in new[] { 1, 2, 3 })
        {
            all.Add(new ConvDeclaration(rank));
            all.Add(new ConvTransposeDeclaration(rank));
            all.Add(new ZeroPaddingDeclaration(rank));
            all.Add(new CroppingDeclaration(rank));
            all.Add(new UpSamplingDeclaration(rank));
            foreach (var kind in new[] { "Max", "Average" })
            {
                all.Add(new PoolingDeclaration(kind, rank));
                all.Add(new GlobalPoolingDeclaration(kind, rank));
            }
        }
        return all.ToDictionary(d => d.ClassName);
    }

    /// <summary>Keras 2 aliases that name the same class.</summary>
    private static readonly Dictionary<string, string> Aliases = new()
    {
        ["Convolution1D"] = "Conv1D", ["Convolution2D"] = "Conv2D", ["Convolution3D"] = "Conv3D",
        ["Deconvolution2D"] = "Conv2DTranspose", ["Deconv2D"] = "Conv2DTranspose",
        ["MaxPool1D"] = "MaxPooling1D", ["MaxPool2D"] = "MaxPooling2D", ["MaxPool3D"] = "MaxPooling3D",
        ["AvgPool1D"] = "AveragePooling1D", ["AvgPool2D"] = "AveragePooling2D", ["AvgPool3D"] = "AveragePooling3D",
        ["GlobalMaxPool1D"] = "GlobalMaxPooling1D", ["GlobalMaxPool2D"] = "GlobalMaxPooling2D", ["GlobalMaxPool3D"] = "GlobalMaxPooling3D",
        ["GlobalAvgPool1D"] = "GlobalAveragePooling1D", ["GlobalAvgPool2D"] = "GlobalAveragePooling2D", ["GlobalAvgPool3D"] = "GlobalAveragePooling3D",
        ["BatchNormalizationV1"] = "BatchNormalization", ["BatchNormalizationV2"] = "BatchNormalization",
    };

    public static IEnumerable<LayerDeclaration> All => ByName.Values;

    public static LayerDeclaration? Find(string className) =>
        ByName.TryGetValue(className, out var d) ? d
        : Aliases.TryGetValue(className, out var alias) && ByName.TryGetValue(alias, out d) ? d : null;

    public static LayerDeclaration Get(string className) =>
        Find(className) ?? throw new ModelException($"unknown layer class '{className}'");
}
