using System.Text.Json.Nodes;

namespace ParamLens.Inputs;

/// <summary>
/// A Keras JSON config (<c>model.to_json()</c>, Keras 2.0–2.15 and Keras 3), and the JSON files people pass by mistake
/// (a TF.js graph model, a sharded weights index, an archive's metadata), each refused with what to pass instead.
/// </summary>
internal sealed class JsonConfigReader : IModelReader
{
    public const string Format = "Keras JSON config (model.to_json())";

    public string Name => Format;

    /// <summary>Any JSON document the readers before this one did not claim.</summary>
    public bool Recognises(ModelInput input) => !input.HasExtension(".py") && input.LooksLikeJson;

    public ModelDocument Read(ModelInput input, ModelSource.Options options)
    {
        if (input.Json is not JsonObject obj) throw new ModelException("the JSON is not an object");
        if (obj["format"] is JsonValue f && f.TryGetValue<string>(out var format) && format == "graph-model")
            throw new ModelException("this is a TensorFlow.js graph model: it holds a TensorFlow graph, not Keras layers; pass the Keras model it was converted from");
        if (obj.ContainsKey("weight_map"))
            throw new ModelException("this is the index of a sharded Keras 3 weights file: it has no architecture; pass the .keras archive or the model's config.json");
        if (obj.ContainsKey("weightsManifest"))
            throw new ModelException("this TensorFlow.js model.json has a weightsManifest but no modelTopology; pass a complete layers model");
        if (obj.ContainsKey("keras_version") && obj.ContainsKey("date_saved"))
            throw new ModelException("this is the metadata.json of a .keras archive; pass the archive itself or its config.json");
        if (!KerasJsonReader.LooksLikeModelConfig(obj))
            throw new ModelException("the JSON has no top-level 'class_name' and 'config': not a Keras model config");
        return ModelDocument.OfFile(KerasJsonReader.Read(obj, options.VersionOverride, limits: options.Limits), null, Format);
    }
}
