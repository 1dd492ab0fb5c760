using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using ParamLens.Graph;
using ParamLens.Layers;
using ParamLens.Shapes;

namespace ParamLens.Building;

/// <summary>
/// Builds models the Keras way: <c>Input</c>, layers called on tensors, <c>Model</c>, <c>Sequential</c>. Like a Keras
/// process, a session hands out automatic names (<c>dense</c>, <c>dense_1</c>, …) by the rules of its Keras version.
/// </summary>
public sealed class KerasSession(KerasVersion? version = null)
{
    private readonly Dictionary<string, int> _uses = [];

    public KerasVersion Version { get; } = version ?? KerasVersion.Keras3;

    /// <summary><c>keras.Input(shape)</c>: a tensor whose batch dimension is <paramref name="batchSize"/> (None by default).</summary>
    public KerasTensor Input(long?[] shape, string? name = null, long? batchSize = null, string dtype = DType.Float32)
    {
        var inputName = name ?? (Version.IsKeras3 ? Unique("input_layer") : UniqueOneBased("input"));
        return Graph.Layer.NewInput(inputName, [batchSize, .. shape], Version, dtype).CreateInputNode();
    }

    public KerasTensor Input(params long[] shape) => Input(shape.Select(d => (long?)d).ToArray());

    /// <summary>A layer of a Keras class, configured from an object whose properties are config keys
    /// (<c>new { filters = 32, kernel_size = new[] { 7, 7 }, name = "conv0" }</c>). Reads the object's properties by
    /// reflection: a trimmed or native program passes a <see cref="JsonObject"/> instead.</summary>
    [RequiresUnreferencedCode("serializes the config object by reflection; pass a JsonObject in trimmed code")]
    [RequiresDynamicCode("serializes the config object by reflection; pass a JsonObject in native code")]
    public Layer Layer(string className, object? config) =>
        Layer(className, config is null or JsonObject ? (JsonObject?)config
            : JsonSerializer.SerializeToNode(config) as JsonObject
            ?? throw new ArgumentException("config must be an object", nameof(config)));

    /// <summary>A layer of a Keras class, configured from a JSON object of config keys (Keras' defaults for the rest).</summary>
    public Layer Layer(string className, JsonObject? config = null)
    {
        var declaration = LayerCatalog.Get(className);
        var given = config ?? new JsonObject();
        var name = given["name"]?.GetValue<string>() ?? AutoName(declaration.ClassName);
        given["name"] = name;
        try
        {
            return new Layer(declaration, declaration.Configure(given, Version), name);
        }
        catch (ModelException e)
        {
            throw ModelException.At($"layer '{name}' ({declaration.ClassName})", e);
        }
    }

    /// <summary><c>keras.Model(inputs, outputs)</c>.</summary>
    public Model Model(KerasTensor[] inputs, KerasTensor[] outputs, string? name = null) =>
        Graph.Model.Functional(name ?? ModelName(Version.IsKeras3 ? "functional" : "model"), inputs, outputs, Version,
            Version.Major == 2 && Version.Minor < 4 ? "Model" : "Functional");

    public Model Model(KerasTensor input, KerasTensor output, string? name = null) => Model([input], [output], name);

    /// <summary><c>keras.Sequential(layers)</c>, built at once when <paramref name="inputShape"/> is given (as with an
    /// <c>Input</c> first layer or <c>input_shape=</c>), else on its first call.</summary>
    public Model Sequential(IReadOnlyList<Layer> layers, string? name = null, long?[]? inputShape = null, string? inputName = null)
    {
        Layer? input = null;
        if (inputShape is not null)
        {
            var autoName = inputName ?? (Version.IsKeras3 ? Unique("input_layer") : (layers.Count > 0 ? layers[0].Name : "sequential") + "_input");
            input = Graph.Layer.NewInput(autoName, [null, .. inputShape], Version, DType.Float32);
        }
        return Graph.Model.Sequential(name ?? ModelName("sequential"), input, layers, Version);
    }


    private string ModelName(string baseName) => Version.IsStandalone ? UniqueOneBased(baseName) : Unique(baseName);

    private string AutoName(string className)
    {
        var baseName = KerasNaming.SnakeCase(className);
        return Version.IsStandalone ? UniqueOneBased(baseName) : Unique(baseName);
    }

    /// <summary>tf.keras and Keras 3: <c>dense</c>, <c>dense_1</c>, <c>dense_2</c>…</summary>
    private string Unique(string baseName)
    {
        var n = _uses.GetValueOrDefault(baseName);
        _uses[baseName] = n + 1;
        return n == 0 ? baseName : $"{baseName}_{n}";
    }

    /// <summary>Standalone Keras (and every Keras 2 <c>Input</c>): <c>dense_1</c>, <c>dense_2</c>…</summary>
    private string UniqueOneBased(string baseName)
    {
        var n = _uses.GetValueOrDefault(baseName) + 1;
        _uses[baseName] = n;
        return $"{baseName}_{n}";
    }

}

/// <summary>Keras-style call syntax for single-output layers.</summary>
public static class LayerCalls
{
    /// <summary><c>layer(x)</c> for a layer with one output.</summary>
    public static KerasTensor Apply(this Layer layer, params KerasTensor[] inputs)
    {
        var outputs = layer.Call(inputs);
        return outputs.Count == 1 ? outputs[0] : throw new ModelException($"layer '{layer.Name}' has {outputs.Count} outputs; use Call");
    }
}
