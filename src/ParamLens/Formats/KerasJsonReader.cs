using System.Text.Json;
using System.Text.Json.Nodes;
using ParamLens.Graph;
using ParamLens.Layers;

namespace ParamLens.Formats;

/// <summary>
/// Reads a Keras model config — <c>model.to_json()</c> of Keras 2 (2.0 → 2.15) or Keras 3, or the <c>config.json</c> of a
/// <c>.keras</c> archive — into a model graph. Both layouts are told apart by structure, not by version strings.
/// </summary>
public static class KerasJsonReader
{
    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256, AllowTrailingCommas = false };

    public static bool LooksLikeModelConfig(JsonObject root) => root["class_name"] is JsonValue && root["config"] is not null;

    /// <summary>Read a model from its top-level <c>{class_name, config, keras_version?}</c> object.</summary>
    public static Model Read(JsonObject root, KerasVersion? versionOverride = null)
    {
        var version = versionOverride
            ?? TfjsVersion(root["keras_version"]?.GetValue<string>())
            ?? KerasVersion.TryParse(root["keras_version"]?.GetValue<string>())
            ?? (root.ContainsKey("module") || root.ContainsKey("registered_name") ? KerasVersion.Keras3 : KerasVersion.Keras2);
        return ReadModel(root, version);
    }

    /// <summary>TensorFlow.js writes <c>tfjs-layers 4.22.0</c>: its layers port Keras 2.2 (e.g. GRU without
    /// <c>reset_after</c>), so those rules apply, not a Keras 4.</summary>
    private static KerasVersion? TfjsVersion(string? text) =>
        text is not null && text.StartsWith("tfjs", StringComparison.Ordinal) ? KerasVersion.Parse("2.2.4") with { Text = text } : null;

    private static Model ReadModel(JsonObject entry, KerasVersion version)
    {
        var className = Str(entry["class_name"]) ?? throw new ModelException("a model entry has no class_name");
        var config = entry["config"];
        Model model = className switch
        {
            "Sequential" => ReadSequential(config, version),
            "Functional" or "Model" => ReadFunctional(config as JsonObject ?? throw new ModelException($"the {className} config is not an object"), version, className),
            _ => throw new ModelException($"the top-level class '{className}' is not a Keras model (expected Sequential, Functional or Model)"),
        };
        if (config is JsonObject o && o["trainable"] is JsonValue t && t.TryGetValue<bool>(out var trainable)) model.Trainable = trainable;
        return model;
    }

    private static Model ReadSequential(JsonNode? config, KerasVersion version)
    {
        // Keras 2.0–2.2.2 wrote the layer list itself; later versions an object with "name" and "layers".
        var (name, entries) = config switch
        {
            JsonArray list => ("sequential", list),
            JsonObject o => (Str(o["name"]) ?? "sequential", o["layers"] as JsonArray ?? throw new ModelException("the Sequential config has no 'layers' list")),
            _ => throw new ModelException("the Sequential config is neither a list nor an object"),
        };
        var layers = new List<Layer>();
        Layer? inputLayer = null;
        foreach (var (item, index) in entries.Select((e, i) => (e, i)))
        {
            var entry = item as JsonObject ?? throw new ModelException($"Sequential '{name}': layer entry {index} is not an object");
            if (index == 0 && Str(entry["class_name"]) == "InputLayer")
            {
                inputLayer = CreateLayer(entry, version);
                continue;
            }
            var layer = CreateLayerOrModel(entry, version);
            // Older configs put the input shape on the first layer instead of an InputLayer entry.
            if (index == 0 && layer.Config is { } c && (c.OptDims("batch_input_shape") ?? c.OptDims("batch_shape")) is { } dims)
                inputLayer = AutoInput(layer.Name + "_input", dims, version);
            layers.Add(layer);
        }
        if (inputLayer is null && config is JsonObject cfg && cfg["build_input_shape"] is JsonArray buildShape)
            inputLayer = AutoInput(version.IsKeras3 ? "input_layer" : (layers.FirstOrDefault()?.Name ?? name) + "_input",
                buildShape.Select(d => d is null ? (long?)null : d.GetValue<long>()).ToArray(), version);
        try
        {
            return Model.Sequential(name, inputLayer, layers, version);
        }
        catch (ModelException e)
        {
            throw ModelException.At($"model '{name}'", e);
        }
    }

    private static Layer AutoInput(string name, long?[] batchShape, KerasVersion version)
    {
        var declaration = LayerCatalog.Get("InputLayer");
        var config = new JsonObject
        {
            ["name"] = name,
            ["batch_shape"] = new JsonArray(batchShape.Select(d => d is null ? null : (JsonNode)JsonValue.Create(d.Value)).ToArray()),
        };
        return new Layer(declaration, declaration.Configure(config, version), name);
    }

    private static Model ReadFunctional(JsonObject config, KerasVersion version, string className)
    {
        var name = Str(config["name"]) ?? "model";
        var entries = config["layers"] as JsonArray ?? throw new ModelException($"model '{name}' has no 'layers' list");
        var created = new Dictionary<string, Layer>();
        var pending = new List<(Layer Layer, Queue<JsonNode?> Nodes)>();
        foreach (var item in entries)
        {
            var entry = item as JsonObject ?? throw new ModelException($"model '{name}': a layer entry is not an object");
            var layer = CreateLayerOrModel(entry, version);
            if (!created.TryAdd(layer.Name, layer)) throw new ModelException($"model '{name}' has two layers named '{layer.Name}'");
            if (layer.ClassName == "InputLayer") layer.CreateInputNode();
            var nodes = entry["inbound_nodes"] as JsonArray ?? [];
            pending.Add((layer, new Queue<JsonNode?>(nodes)));
        }

        // Keras creates each layer's calls in order, postponing a call until every tensor it consumes exists.
        var configIndexToNode = new Dictionary<(string, long), Node>();
        bool progress;
        do
        {
            progress = false;
            foreach (var (layer, nodes) in pending)
            {
                while (nodes.Count > 0)
                {
                    var callInputs = ResolveInputs(nodes.Peek(), created, configIndexToNode, name, layer.Name);
                    if (callInputs is null) break;
                    nodes.Dequeue();
                    var configIndex = layer.InboundNodes.Count + (SkipsFirstNode(layer) ? 1 : 0);
                    layer.Call([.. callInputs]);
                    configIndexToNode[(layer.Name, configIndex)] = layer.InboundNodes[^1];
                    progress = true;
                }
            }
        } while (progress);
        foreach (var (layer, nodes) in pending)
            if (nodes.Count > 0)
                throw new ModelException($"model '{name}': layer '{layer.Name}' has an inbound node whose inputs never appear (a missing layer or a cycle)");

        var inputs = ReadTensorRefs(config["input_layers"], created, configIndexToNode, name, "input_layers");
        var outputs = ReadTensorRefs(config["output_layers"], created, configIndexToNode, name, "output_layers");
        try
        {
            return Model.Functional(name, inputs, outputs, version, className == "Model" ? "Model" : "Functional");
        }
        catch (ModelException e)
        {
            throw ModelException.At($"model '{name}'", e);
        }
    }

    /// <summary>A nested model's calls are numbered from 1 in configs, because building it gave it a node 0.</summary>
    private static bool SkipsFirstNode(Layer layer) => layer is Model m && m.IsBuilt;

    /// <summary>The tensors one inbound node consumes, or null when one of them does not exist yet.</summary>
    private static List<KerasTensor>? ResolveInputs(JsonNode? nodeData, Dictionary<string, Layer> created,
        Dictionary<(string, long), Node> nodes, string model, string layer)
    {
        var refs = new List<JsonArray>();
        switch (nodeData)
        {
            case JsonObject call: // Keras 3: {"args": [...], "kwargs": {...}}
                CollectKerasTensors(call["args"], refs);
                foreach (var (_, value) in ShapingKeywords(call["kwargs"])) CollectKerasTensors(value, refs);
                break;
            case JsonArray list: // Keras 2: [[name, node, tensor, kwargs], ...] (or one bare entry)
                var entries = list.Count > 0 && list[0] is JsonValue ? [list]
                    : list.Select(e => e as JsonArray ?? throw new ModelException($"model '{model}': layer '{layer}' has a malformed inbound node")).ToList();
                refs.AddRange(entries);
                // Tensors passed by keyword (MultiHeadAttention's value and key) follow, as [name, node, tensor] in kwargs.
                foreach (var e in entries)
                    if (e.Count > 3)
                        foreach (var (_, value) in ShapingKeywords(e[3])) CollectKeras2KwargTensors(value, refs);
                break;
            default:
                throw new ModelException($"model '{model}': layer '{layer}' has a malformed inbound node");
        }
        var tensors = new List<KerasTensor>();
        foreach (var r in refs)
        {
            if (Str(r[0]) == "_CONSTANT_VALUE") continue;
            var t = FindTensor(r, created, nodes, model, layer);
            if (t is null) return null;
            tensors.Add(t);
        }
        return tensors;
    }

    /// <summary>A call's keyword arguments except masks: a mask (attention_mask, query_mask, …) shapes no output and no
    /// weight, so it must not be taken for an input such as the key.</summary>
    private static IEnumerable<KeyValuePair<string, JsonNode?>> ShapingKeywords(JsonNode? kwargs) =>
        kwargs is JsonObject o ? o.Where(p => !p.Key.Contains("mask", StringComparison.Ordinal)) : [];

    private static void CollectKeras2KwargTensors(JsonNode? node, List<JsonArray> refs)
    {
        switch (node)
        {
            case JsonArray a when a.Count == 3 && a[0] is JsonValue v && v.GetValueKind() == JsonValueKind.String
                                  && a[1] is JsonValue { } n && n.GetValueKind() == JsonValueKind.Number:
                refs.Add(a);
                break;
            case JsonArray a:
                foreach (var x in a) CollectKeras2KwargTensors(x, refs);
                break;
            case JsonObject o:
                foreach (var (_, x) in o) CollectKeras2KwargTensors(x, refs);
                break;
        }
    }

    private static void CollectKerasTensors(JsonNode? node, List<JsonArray> refs)
    {
        switch (node)
        {
            case JsonObject o when Str(o["class_name"]) == "__keras_tensor__":
                refs.Add(o["config"]?["keras_history"] as JsonArray ?? throw new ModelException("a __keras_tensor__ has no keras_history"));
                break;
            case JsonObject o:
                foreach (var (_, v) in o) CollectKerasTensors(v, refs);
                break;
            case JsonArray a:
                foreach (var v in a) CollectKerasTensors(v, refs);
                break;
        }
    }

    private static KerasTensor? FindTensor(JsonArray r, Dictionary<string, Layer> created, Dictionary<(string, long), Node> nodes,
        string model, string consumer)
    {
        if (r.Count < 3) throw new ModelException($"model '{model}': layer '{consumer}' refers to a tensor as {r.ToJsonString()} (expected [layer, node, tensor])");
        var producer = Str(r[0]) ?? throw new ModelException($"model '{model}': layer '{consumer}' has an inbound entry without a layer name");
        if (!created.TryGetValue(producer, out var layer))
            throw new ModelException($"model '{model}': layer '{consumer}' takes input from '{producer}', which is not a layer of the model");
        var nodeIndex = r[1]!.GetValue<long>();
        var tensorIndex = r[2]!.GetValue<long>();
        if (!nodes.TryGetValue((producer, nodeIndex), out var node))
        {
            if (layer.ClassName == "InputLayer" && layer.InboundNodes.Count == 1) node = layer.InboundNodes[0];
            else return null;
        }
        if (tensorIndex < 0 || tensorIndex >= node.Outputs.Count)
            throw new ModelException($"model '{model}': layer '{consumer}' asks for output {tensorIndex} of '{producer}', which has {node.Outputs.Count}");
        return node.Outputs[(int)tensorIndex];
    }

    /// <summary><c>input_layers</c>/<c>output_layers</c>: a [name, node, tensor] leaf, a list of them, or a dict of them.</summary>
    private static List<KerasTensor> ReadTensorRefs(JsonNode? spec, Dictionary<string, Layer> created,
        Dictionary<(string, long), Node> nodes, string model, string key)
    {
        var result = new List<KerasTensor>();
        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonArray a when a.Count == 3 && a[0] is JsonValue v && v.GetValueKind() == JsonValueKind.String:
                    result.Add(FindTensor(a, created, nodes, model, key)
                        ?? throw new ModelException($"model '{model}': {key} names {a.ToJsonString()}, which does not exist"));
                    break;
                case JsonArray a:
                    foreach (var e in a) Walk(e);
                    break;
                case JsonObject o:
                    foreach (var (_, e) in o) Walk(e);
                    break;
                default:
                    throw new ModelException($"model '{model}': '{key}' is missing or malformed");
            }
        }
        Walk(spec);
        return result;
    }

    private static Layer CreateLayerOrModel(JsonObject entry, KerasVersion version)
    {
        var className = Str(entry["class_name"]);
        if (className is "Sequential" or "Functional" or "Model")
            return ReadModel(entry, version);
        return CreateLayer(entry, version);
    }

    private static Layer CreateLayer(JsonObject entry, KerasVersion version)
    {
        var className = Str(entry["class_name"]) ?? throw new ModelException("a layer entry has no class_name");
        var config = entry["config"] as JsonObject ?? new JsonObject();
        if (version.Text.StartsWith("tfjs", StringComparison.Ordinal)) config = FromTfjsSpelling(className, config);
        if (entry["inbound_nodes"] is JsonArray calls && calls.Any(AsksForAttentionScores))
        {
            // A call keyword that adds an output: the attention layers read it from their config.
            config = (JsonObject)config.DeepClone();
            config["return_attention_scores"] = true;
        }
        var name = Str(config["name"]) ?? Str(entry["name"]) ?? throw new ModelException($"a {className} layer has no name");
        try
        {
            var declaration = LayerCatalog.Get(className);
            return new Layer(declaration, declaration.Configure(config, version), name);
        }
        catch (ModelException e)
        {
            throw ModelException.At($"layer '{name}' ({className})", e);
        }
    }

    private static bool AsksForAttentionScores(JsonNode? node) => node switch
    {
        JsonObject o => (o["return_attention_scores"] is JsonValue v && v.TryGetValue<bool>(out var b) && b) || o.Any(p => AsksForAttentionScores(p.Value)),
        JsonArray a => a.Any(AsksForAttentionScores),
        _ => false,
    };

    /// <summary>TensorFlow.js stores a Reshape's <c>-1</c> as null and writes it so; Keras spells it <c>-1</c>.</summary>
    private static JsonObject FromTfjsSpelling(string className, JsonObject config)
    {
        if (className != "Reshape" || config["target_shape"] is not JsonArray target || !target.Any(d => d is null)) return config;
        var copy = (JsonObject)config.DeepClone();
        copy["target_shape"] = new JsonArray(target.Select(d => d?.DeepClone() ?? JsonValue.Create(-1)).ToArray());
        return copy;
    }

    private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
