using System.Text.Json.Nodes;
using PureHDF;
using ParamLens.Graph;
using ParamLens.Layers;

namespace ParamLens.Inputs;

/// <summary>
/// Reads Keras HDF5 files through their metadata only: the legacy full-model file of <c>model.save("m.h5")</c> (Keras 1,
/// 2, tf.keras and Keras 3's legacy writer: root attribute <c>model_config</c>, group <c>model_weights</c>), and weight
/// files given beside a config: Keras 2 <c>save_weights</c> files (root <c>layer_names</c>) and Keras 3
/// <c>.weights.h5</c> files (<c>layers/…/vars</c>).
/// </summary>
internal sealed class Hdf5ModelReader : IModelReader
{
    public const string LegacyFormat = "legacy Keras HDF5 (model.save to .h5)";
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    public string Name => "legacy Keras HDF5 file of model.save (Keras 1, 2 and 3)";

    public bool Recognises(ModelInput input) => input.Path is not null && !input.IsDirectory && input.StartsWith(Signature);

    public ModelDocument Read(ModelInput input, ModelSource.Options options) => ReadModel(input.Path!, options);

    /// <summary>A full model from a legacy HDF5 file; anything else gets an error saying what the file is.</summary>
    public static ModelDocument ReadModel(string path, ModelSource.Options options)
    {
        using var h5 = Hdf5Metadata.Open(path, options.Limits);
        var root = h5.Root;
        var configText = h5.StringAttribute(root, "model_config");
        if (configText is null) throw new ModelException(DescribeWithoutConfig(h5));
        var config = ModelSource.ParseJson(configText, options.Limits, "the model_config attribute") as JsonObject
            ?? throw new ModelException("the model_config attribute is not a JSON object");
        var writtenBy = KerasJsonReader.VersionOf(h5.StringAttribute(root, "keras_version"));
        var model = KerasJsonReader.Read(config, options.VersionOverride, writtenBy, options.Limits);
        if (!h5.HasLink(root, "model_weights")) return ModelDocument.OfFile(model, null, LegacyFormat + ", without weights");
        var weights = LegacyWeights(h5, h5.Group(root, "model_weights"), model);
        return ModelDocument.OfFile(model, new StoredWeights("the model_weights group of the HDF5 file", weights), LegacyFormat);
    }

    /// <summary>The weights of an HDF5 weight file given beside a config, mapped to that config's layers.</summary>
    public static StoredWeights ReadWeights(string path, Model model, ReaderLimits limits)
    {
        using var h5 = Hdf5Metadata.Open(path, limits);
        var root = h5.Root;
        if (h5.HasAttribute(root, "layer_names"))
            return new StoredWeights("a Keras 2 save_weights HDF5 file", LegacyWeights(h5, root, model));
        if (h5.HasLink(root, "model_weights"))
            return new StoredWeights("the model_weights group of a legacy HDF5 model file", LegacyWeights(h5, h5.Group(root, "model_weights"), model));
        var datasets = h5.AllDatasets(root);
        if (Keras3WeightsLayout.Recognises(datasets.Select(d => d.Path)))
            return new StoredWeights("a Keras 3 weights HDF5 file", Keras3WeightsLayout.Map(model, datasets));
        throw new ModelException("this HDF5 file holds no Keras weights (no layer_names attribute, no model_weights group, no layers/…/vars datasets)");
    }

    /// <summary>Keras 3 weights stored in an archive's model.weights.h5. The optimizer's stored variables are what Keras 3
    /// prints as "Optimizer params" only when Keras 3 wrote them: tf.keras 2.12–2.15 archives store its own optimizer's
    /// (no learning-rate variable), and its summary prints no optimizer line.</summary>
    public static List<StoredWeight> ReadKeras3Weights(string path, Model model, KerasVersion writtenBy, ReaderLimits limits)
    {
        using var h5 = Hdf5Metadata.Open(path, limits);
        var datasets = h5.AllDatasets(h5.Root);
        model.Optimizer = writtenBy.IsKeras3 ? Keras3WeightsLayout.Optimizer(datasets) : null;
        return Keras3WeightsLayout.Map(model, datasets);
    }

    /// <summary>What an HDF5 file without a model config is, and what to pass instead.</summary>
    private static string DescribeWithoutConfig(Hdf5Metadata h5)
    {
        var root = h5.Root;
        if (h5.HasAttribute(root, "layer_names") || h5.HasAttribute(root, "layer_names0"))
            return "this is a Keras weights-only HDF5 file (model.save_weights): it has no architecture; pass the model's JSON config (model.to_json()) and give this file with --weights";
        if (h5.HasLink(root, "layers") || h5.HasLink(root, "vars") || h5.HasLink(root, "_layer_checkpoint_dependencies"))
            return "this is a Keras 3 weights file (.weights.h5): it has no architecture; pass the .keras archive, or the model's config.json and give this file with --weights";
        return "this HDF5 file is not a Keras model: it has no model_config attribute and no layer_names";
    }

    /// <summary>
    /// The legacy layout: <c>layer_names</c> lists one group per layer, whose <c>weight_names</c> name its datasets in
    /// Keras' order (trainable, then non-trainable). Inside a nested model's group the owner is found by the weight
    /// name's scopes.
    /// </summary>
    private static List<StoredWeight> LegacyWeights(Hdf5Metadata h5, IH5Group group, Model model)
    {
        var layerNames = h5.StringListAttribute(group, "layer_names")
            ?? throw new ModelException("the weights group has no layer_names attribute");
        var topLevel = new Dictionary<string, Layer>(StringComparer.Ordinal);
        foreach (var layer in model.Layers) topLevel.TryAdd(layer.Name, layer);
        var nestedIndexes = new Dictionary<Model, LayerNameIndex>(ReferenceEqualityComparer.Instance);
        var stored = new List<StoredWeight>();
        foreach (var layerName in layerNames)
        {
            if (!h5.HasLink(group, layerName))
                throw new ModelException($"layer_names lists '{layerName}', but the file has no group of that name");
            var layerGroup = h5.Group(group, layerName);
            var weightNames = h5.StringListAttribute(layerGroup, "weight_names") ?? [];
            topLevel.TryGetValue(layerName, out var owner);
            foreach (var weightName in weightNames)
            {
                var (shape, dtype) = h5.DatasetInfo(layerGroup, weightName);
                string[] path = owner switch
                {
                    null => [layerName], // a group of no config layer: verification names it
                    Model nested => (nestedIndexes.TryGetValue(nested, out var index) ? index : nestedIndexes[nested] = new LayerNameIndex(nested, [nested.Name]))
                        .Find(weightName) ?? [nested.Name],
                    _ => [owner.Name],
                };
                stored.Add(new StoredWeight(path, weightName, shape, dtype));
            }
        }
        // Weights the model owns directly (Keras ≥ 2.9 and Keras 3); normally none.
        if (h5.HasLink(group, "top_level_model_weights"))
        {
            var own = h5.Group(group, "top_level_model_weights");
            foreach (var weightName in h5.StringListAttribute(own, "weight_names") ?? [])
            {
                var (shape, dtype) = h5.DatasetInfo(own, weightName);
                stored.Add(new StoredWeight([], "top_level_model_weights/" + weightName, shape, dtype));
            }
        }
        return stored;
    }
}
