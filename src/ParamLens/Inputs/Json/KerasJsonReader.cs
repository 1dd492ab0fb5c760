using System.Text.Json;
using System.Text.Json.Nodes;
using ParamLens.Graph;
using ParamLens.Layers;
using ParamLens.Shapes;

namespace ParamLens.Inputs;

/// <summary>
/// Reads a Keras model config — <c>model.to_json()</c> of Keras 1/2 (2.0 → 2.15) or Keras 3, the <c>config.json</c> of a
/// <c>.keras</c> archive, the <c>model_config</c> of a legacy HDF5 file or a TF.js topology — into a model graph. The
/// layouts are told apart by structure, not by version strings: Sequential configs as a plain list (Keras ≤ 2.2.2) or an
/// object, <c>batch_input_shape</c> or <c>batch_shape</c>, dtype strings or policy objects, inbound nodes as nested lists
/// (3 or 4 elements per tensor) or <c>{args, kwargs}</c> objects, and Keras 3 <c>shared_object_id</c>s.
/// </summary>
public static class KerasJsonReader
{
    public static bool LooksLikeModelConfig(JsonObject root) => root["class_name"] is JsonValue && root["config"] is not null;

    /// <summary>Read a model from its top-level <c>{class_name, config, keras_version?}</c> object.</summary>
    /// <param name="versionOverride">Apply this Keras version's rules whatever the file says.</param>
    /// <param name="writtenBy">The version that wrote the config when the object itself does not say (a <c>.keras</c>
    /// archive keeps it in metadata.json, a legacy HDF5 file in a root attribute).</param>
    public static Model Read(JsonObject root, KerasVersion? versionOverride = null, KerasVersion? writtenBy = null, ReaderLimits? limits = null)
    {
        var written = VersionOf(Str(root["keras_version"])) ?? writtenBy
            ?? (root.ContainsKey("module") || root.ContainsKey("registered_name") ? KerasVersion.Keras3 : KerasVersion.Keras2);
        // The config's keys are those of the version that wrote it (Keras 1 names), whichever version's rules apply.
        return new Reader(versionOverride ?? written, written.Major == 1, limits ?? ReaderLimits.Default).ReadModel(root);
    }

    /// <summary>A <c>keras_version</c> value as Keras rules. TF.js writes <c>tfjs-layers 4.22.0</c>: its layers port
    /// Keras 2.2 (e.g. GRU without <c>reset_after</c>), so those rules apply, not a Keras 4.</summary>
    internal static KerasVersion? VersionOf(string? text) =>
        text is null ? null
        : text.StartsWith("tfjs", StringComparison.OrdinalIgnoreCase) ? KerasVersion.Parse("2.2.4") with { Text = text }
        : KerasVersion.TryParse(text);

    /// <summary>Call arguments passed by keyword that are masks: they shape nothing, so they are not layer inputs.</summary>
    private static bool IsMaskArgument(string key) => key == "mask" || key.EndsWith("_mask", StringComparison.Ordinal);

    private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool HasOutputShape(JsonObject config) => config["output_shape"] is JsonArray;

    /// <summary>The layer whose output is a call's only input, when every call of the entry takes exactly that one tensor.</summary>
    private static string? ProducerOfOnlyInput(JsonObject entry)
    {
        if (entry["inbound_nodes"] is not JsonArray { Count: 1 } calls) return null;
        var refs = new List<string>();
        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o when Str(o["class_name"]) == "__keras_tensor__":
                    if (o["config"]?["keras_history"] is JsonArray h && Str(h[0]) is { } k3) refs.Add(k3);
                    break;
                case JsonObject o:
                    foreach (var (_, v) in o) Walk(v);
                    break;
                case JsonArray a when a.Count >= 3 && Str(a[0]) is { } k2 && a[1] is JsonValue:
                    refs.Add(k2);
                    break;
                case JsonArray a:
                    foreach (var v in a) Walk(v);
                    break;
            }
        }
        Walk(calls[0] is JsonObject k3Call ? k3Call["args"] : calls[0]);
        return refs.Count == 1 ? refs[0] : null;
    }

    /// <summary>The input shape(s) of a Keras 3 <c>build_config</c>: one shape, or a list of shapes for several inputs.</summary>
    private static IReadOnlyList<Shape>? BuildShapes(JsonObject entry)
    {
        if (entry["build_config"]?["input_shape"] is not JsonArray shape) return null;
        static long? Dim(JsonNode? d) => d is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;
        static bool IsDims(JsonArray a) => a.All(d => d is null or JsonValue);
        if (IsDims(shape)) return [new Shape(shape.Select(Dim))];
        return shape.All(s => s is JsonArray a && IsDims(a)) ? shape.Select(s => new Shape(((JsonArray)s!).Select(Dim))).ToArray() : null;
    }

    private static bool AsksForAttentionScores(JsonNode? node) => node switch
    {
        JsonObject o => (o["return_attention_scores"] is JsonValue v && v.TryGetValue<bool>(out var b) && b) || o.Any(p => AsksForAttentionScores(p.Value)),
        JsonArray a => a.Any(AsksForAttentionScores),
        _ => false,
    };

    /// <summary>One read: the version whose rules apply, the limits, and the objects Keras 3 marked as shared.</summary>
    private sealed class Reader(KerasVersion version, bool writtenByKeras1, ReaderLimits limits)
    {
        private readonly Dictionary<long, Layer> _shared = [];
        /// <summary>Output shapes the file recorded for a layer through the next layer's build shape, by producer name.</summary>
        private readonly Dictionary<string, Shape> _recordedOutputs = [];
        private int _layerCount;

        public Model ReadModel(JsonObject entry)
        {
            var className = Str(entry["class_name"]) ?? throw new ModelException("a model entry has no class_name");
            var config = entry["config"];
            Model model = className switch
            {
                "Sequential" => ReadSequential(config),
                "Functional" or "Model" => ReadFunctional(config as JsonObject ?? throw new ModelException($"the {className} config is not an object"), className),
                _ => throw new ModelException($"the top-level class '{className}' is not a Keras model (expected Sequential, Functional or Model)"),
            };
            if (config is JsonObject o && o["trainable"] is JsonValue t && t.TryGetValue<bool>(out var trainable)) model.OwnTrainable = trainable; // as saved: the sub-layers' own flags are in their configs
            return model;
        }

        private Model ReadSequential(JsonNode? config)
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
            for (var i = 0; i + 1 < entries.Count; i++)
                if (entries[i] is JsonObject current && entries[i + 1] is JsonObject next && Str(current["name"] ?? current["config"]?["name"]) is { } producer
                    && BuildShapes(next) is [var consumed])
                    _recordedOutputs[producer] = consumed;
            foreach (var (item, index) in entries.Select((e, i) => (e, i)))
            {
                var entry = item as JsonObject ?? throw new ModelException($"Sequential '{name}': layer entry {index} is not an object");
                if (index == 0 && Str(entry["class_name"]) == "InputLayer")
                {
                    inputLayer = CreateLayer(entry);
                    continue;
                }
                var layer = CreateLayerOrModel(entry);
                // Older configs put the input shape on the first layer instead of an InputLayer entry.
                if (index == 0 && layer.Config is { } c && (c.OptDims("batch_input_shape") ?? c.OptDims("batch_shape")) is { } dims)
                    inputLayer = Layer.NewInput(layer.Name + "_input", dims, version);
                layers.Add(layer);
            }
            if (inputLayer is null && config is JsonObject cfg && cfg["build_input_shape"] is JsonArray buildShape)
                inputLayer = Layer.NewInput(version.IsKeras3 ? "input_layer" : (layers.FirstOrDefault()?.Name ?? name) + "_input",
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

        private Model ReadFunctional(JsonObject config, string className)
        {
            var name = Str(config["name"]) ?? "model";
            var entries = config["layers"] as JsonArray ?? throw new ModelException($"model '{name}' has no 'layers' list");
            var created = new Dictionary<string, Layer>();
            var pending = new List<(Layer Layer, Queue<JsonNode?> Nodes)>();
            foreach (var item in entries)
                if (item is JsonObject consumer && BuildShapes(consumer) is [var consumed] && ProducerOfOnlyInput(consumer) is { } producer)
                    _recordedOutputs[producer] = consumed;
            foreach (var item in entries)
                if (item is JsonObject consumer)
                    RecordKerasTensorShapes(consumer["inbound_nodes"]);
            var connected = new Dictionary<string, int>();
            foreach (var item in entries)
                if (item is JsonObject consumer) CountConnectedOutputs(consumer["inbound_nodes"], connected);
            CountConnectedOutputs(config["output_layers"], connected);
            foreach (var item in entries)
            {
                var entry = item as JsonObject ?? throw new ModelException($"model '{name}': a layer entry is not an object");
                var layer = CreateLayerOrModel(entry);
                if (!created.TryAdd(layer.Name, layer)) throw new ModelException($"model '{name}' has two layers named '{layer.Name}'");
                if (layer.ClassName == "InputLayer" && layer.InboundNodes.Count == 0) layer.CreateInputNode();
                layer.ConnectedOutputs = Math.Max(layer.ConnectedOutputs, connected.GetValueOrDefault(layer.Name));
                var nodes = entry["inbound_nodes"] switch
                {
                    null => [],
                    JsonArray a => a,
                    _ => throw new ModelException($"model '{name}': layer '{layer.Name}' has 'inbound_nodes' that is not a list"),
                };
                pending.Add((layer, new Queue<JsonNode?>(nodes)));
            }

            // Keras creates each layer's calls in order, postponing a call until every tensor it consumes exists. A call
            // that waits is parked under the tensor it needs and woken when that tensor's node is made, so the work stays
            // linear in the number of calls whatever order the entries come in.
            var configIndexToNode = new Dictionary<(string, long), Node>();
            // Configs number a layer's calls among this model's calls only: a layer shared with a nested model (Keras 3
            // shared_object_id) already has calls from there.
            var callsHere = new Dictionary<Layer, int>(ReferenceEqualityComparer.Instance);
            var waiting = new Dictionary<(string, long), List<int>>();
            var ready = new Queue<int>(Enumerable.Range(0, pending.Count));
            while (ready.Count > 0)
            {
                var index = ready.Dequeue();
                var (layer, nodes) = pending[index];
                while (nodes.Count > 0)
                {
                    var (callInputs, missing) = ResolveInputs(nodes.Peek(), created, configIndexToNode, name, layer.Name);
                    if (callInputs is null)
                    {
                        if (!waiting.TryGetValue(missing, out var list)) waiting[missing] = list = [];
                        list.Add(index);
                        break;
                    }
                    nodes.Dequeue();
                    var calls = callsHere.GetValueOrDefault(layer);
                    callsHere[layer] = calls + 1;
                    var configIndex = calls + (SkipsFirstNode(layer) ? 1 : 0);
                    layer.Call([.. callInputs]);
                    configIndexToNode[(layer.Name, configIndex)] = layer.InboundNodes[^1];
                    if (waiting.Remove((layer.Name, configIndex), out var woken))
                        foreach (var w in woken) ready.Enqueue(w);
                }
            }
            foreach (var (layer, nodes) in pending)
                if (nodes.Count > 0)
                    throw new ModelException($"model '{name}': layer '{layer.Name}' has an inbound node whose inputs never appear (a missing node or a cycle)");

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

        /// <summary>A nested model's calls are numbered from 1 in configs, because building it gave it a node 0. Keras 3 gives
        /// that node to Functional models only (a Sequential keeps its graph in an inner model).</summary>
        private bool SkipsFirstNode(Layer layer) => layer is Model m && m.IsBuilt && (!version.IsKeras3 || m.Kind == ModelKind.Functional);

        /// <summary>The tensors one inbound node consumes, or null and the (layer, node) not made yet.</summary>
        private (List<KerasTensor>? Inputs, (string, long) Missing) ResolveInputs(JsonNode? nodeData,
            Dictionary<string, Layer> created, Dictionary<(string, long), Node> nodes, string model, string layer)
        {
            var refs = new List<JsonArray>();
            switch (nodeData)
            {
                case JsonObject call: // Keras 3: {"args": [...], "kwargs": {...}}
                    CollectKerasTensors(call["args"], refs);
                    if (call["kwargs"] is JsonObject kwargs)
                        foreach (var (key, value) in kwargs)
                            if (!IsMaskArgument(key)) CollectKerasTensors(value, refs);
                    break;
                case JsonArray list: // Keras 1/2: [[name, node, tensor(, kwargs)], ...], or one bare entry
                    if (list.Count > 0 && list[0] is JsonValue) AddKeras2Entry(list, refs, model, layer, withKwargs: true);
                    else
                        for (var i = 0; i < list.Count; i++)
                        {
                            var entry = list[i] as JsonArray ?? throw new ModelException($"model '{model}': layer '{layer}' has a malformed inbound node");
                            // Keras writes the call's kwargs into every entry: the same kwargs again add no inputs.
                            var repeated = i > 0 && list[0] is JsonArray { Count: 4 } first && entry.Count == 4 && JsonNode.DeepEquals(first[3], entry[3]);
                            AddKeras2Entry(entry, refs, model, layer, withKwargs: !repeated);
                        }
                    break;
                default:
                    throw new ModelException($"model '{model}': layer '{layer}' has a malformed inbound node");
            }
            // Keras 3 numbers the tensors inside {args, kwargs} by the calls alone, without a nested Functional's own first
            // node (which input_layers/output_layers do count): serialize_node and functional_from_config's get_tensor.
            var callsOnly = nodeData is JsonObject;
            var tensors = new List<KerasTensor>();
            foreach (var r in refs)
            {
                var (t, missing) = FindTensor(r, created, nodes, model, layer, callsOnly ? SkipsFirstNode : null);
                if (t is null) return (null, missing);
                tensors.Add(t);
            }
            return (tensors, default);
        }

        /// <summary>A Keras 2 entry <c>[layer, node, tensor, kwargs?]</c>; tensors passed by keyword are written as
        /// <c>[layer, node, tensor]</c> triples inside kwargs. Every entry of a call carries the call's kwargs (tf-keras
        /// <c>node.py</c> <c>serialize</c>), so an entry repeating them adds no inputs; a constant first argument
        /// (<c>["_CONSTANT_VALUE", -1, value, kwargs]</c>) is no input, but its kwargs may hold tensors.</summary>
        private static void AddKeras2Entry(JsonArray entry, List<JsonArray> refs, string model, string layer, bool withKwargs)
        {
            if (entry.Count is < 3 or > 4) throw new ModelException($"model '{model}': layer '{layer}' has the inbound entry {Short(entry)} (expected [layer, node, tensor, kwargs])");
            if (Str(entry[0]) != "_CONSTANT_VALUE") refs.Add(entry);
            if (withKwargs && entry.Count == 4 && entry[3] is JsonObject kwargs)
                foreach (var (key, value) in kwargs)
                    if (!IsMaskArgument(key)) CollectTriples(value, refs);
        }

        private static void CollectTriples(JsonNode? node, List<JsonArray> refs)
        {
            if (node is not JsonArray a) return;
            if (a.Count == 3 && Str(a[0]) is not null && a[1] is JsonValue && a[2] is JsonValue) refs.Add(a);
            else foreach (var v in a) CollectTriples(v, refs);
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

        private static (KerasTensor? Tensor, (string, long) Missing) FindTensor(JsonArray r, Dictionary<string, Layer> created,
            Dictionary<(string, long), Node> nodes, string model, string consumer, Func<Layer, bool>? countsCallsOnly = null)
        {
            if (r.Count < 3) throw new ModelException($"model '{model}': layer '{consumer}' refers to a tensor as {Short(r)} (expected [layer, node, tensor])");
            var producer = Str(r[0]) ?? throw new ModelException($"model '{model}': layer '{consumer}' has an inbound entry without a layer name");
            if (!created.TryGetValue(producer, out var layer))
                throw new ModelException($"model '{model}': layer '{consumer}' takes input from '{producer}', which is not a layer of the model");
            var nodeIndex = Index(r[1], model, consumer) + (countsCallsOnly is not null && countsCallsOnly(layer) ? 1 : 0);
            var tensorIndex = Index(r[2], model, consumer);
            if (!nodes.TryGetValue((producer, nodeIndex), out var node))
            {
                if (layer.ClassName == "InputLayer" && layer.InboundNodes.Count == 1) node = layer.InboundNodes[0];
                else return (null, (producer, nodeIndex));
            }
            if (tensorIndex >= node.Outputs.Count)
                throw new ModelException($"model '{model}': layer '{consumer}' asks for output {tensorIndex} of '{producer}', which has {node.Outputs.Count}");
            return (node.Outputs[(int)tensorIndex], default);
        }

        private static long Index(JsonNode? n, string model, string consumer) =>
            n is JsonValue v && v.TryGetValue<long>(out var i) && i >= 0 ? i
            : n is JsonValue d && d.TryGetValue<double>(out var x) && x >= 0 && x == Math.Floor(x) && x < int.MaxValue ? (long)x
            : throw new ModelException($"model '{model}': layer '{consumer}' has the node or tensor index {Short(n)} (expected a non-negative integer)");

        /// <summary><c>input_layers</c>/<c>output_layers</c>: a [name, node, tensor] leaf, a list of them, or a dict of them.</summary>
        private static List<KerasTensor> ReadTensorRefs(JsonNode? spec, Dictionary<string, Layer> created,
            Dictionary<(string, long), Node> nodes, string model, string key)
        {
            var result = new List<KerasTensor>();
            var stack = new Stack<JsonNode?>();
            stack.Push(spec);
            while (stack.Count > 0)
            {
                switch (stack.Pop())
                {
                    case JsonArray a when a.Count == 3 && a[0] is JsonValue v && v.GetValueKind() == JsonValueKind.String:
                        result.Add(FindTensor(a, created, nodes, model, key).Tensor
                            ?? throw new ModelException($"model '{model}': {key} names {Short(a)}, which does not exist"));
                        break;
                    case JsonArray a:
                        for (var i = a.Count - 1; i >= 0; i--) stack.Push(a[i]);
                        break;
                    case JsonObject o:
                        foreach (var (_, e) in o.Reverse()) stack.Push(e);
                        break;
                    default:
                        throw new ModelException($"model '{model}': '{key}' is missing or malformed");
                }
            }
            return result;
        }

        /// <summary>More outputs than any layer has: a larger index is left for <see cref="FindTensor"/> to reject.</summary>
        private const int MaxConnectedOutputs = 1024;

        /// <summary>For each producer, 1 + the largest output index any tensor reference (<c>[layer, node, tensor]</c>, in
        /// Keras 2 lists or Keras 3 <c>keras_history</c>) asks for: how many outputs a layer of unknown output shape has.</summary>
        private static void CountConnectedOutputs(JsonNode? node, Dictionary<string, int> connected)
        {
            switch (node)
            {
                case JsonArray a when a.Count >= 3 && Str(a[0]) is { } producer && a[1] is JsonValue
                                      && a[2] is JsonValue t && t.TryGetValue<int>(out var index) && index is >= 0 and < MaxConnectedOutputs:
                    connected[producer] = Math.Max(connected.GetValueOrDefault(producer), index + 1);
                    if (a.Count > 3) CountConnectedOutputs(a[3], connected); // Keras 2 kwargs may hold more references
                    break;
                case JsonArray a:
                    foreach (var v in a) CountConnectedOutputs(v, connected);
                    break;
                case JsonObject o:
                    foreach (var (_, v) in o) CountConnectedOutputs(v, connected);
                    break;
            }
        }

        /// <summary>Keras 3 writes each tensor a call consumes with its shape: the producer's first output shape, recorded.</summary>
        private void RecordKerasTensorShapes(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o when Str(o["class_name"]) == "__keras_tensor__":
                    if (o["config"] is JsonObject c && c["keras_history"] is JsonArray h && Str(h[0]) is { } producer
                        && h.Count >= 3 && h[2] is JsonValue t && t.TryGetValue<long>(out var index) && index == 0
                        && c["shape"] is JsonArray dims && dims.All(d => d is null or JsonValue))
                        _recordedOutputs[producer] = new Shape(dims.Select(d => d is JsonValue v && v.TryGetValue<long>(out var n) ? (long?)n : null));
                    break;
                case JsonObject o:
                    foreach (var (_, v) in o) RecordKerasTensorShapes(v);
                    break;
                case JsonArray a:
                    foreach (var v in a) RecordKerasTensorShapes(v);
                    break;
            }
        }

        private Layer CreateLayerOrModel(JsonObject entry)
        {
            // Keras 3 writes an object reached twice (a layer in both an outer and a nested model) twice, tagged with one id.
            long? sharedId = entry["shared_object_id"] is JsonValue id && id.TryGetValue<long>(out var s) ? s : null;
            if (sharedId is { } known && _shared.TryGetValue(known, out var existing)) return existing;
            if (++_layerCount > limits.MaxLayers)
                throw new ModelException($"the config has more than {limits.MaxLayers:N0} layers");
            var className = Str(entry["class_name"]);
            var layer = className is "Sequential" or "Functional" or "Model" ? ReadModel(entry) : CreateLayer(entry);
            if (sharedId is { } fresh) _shared[fresh] = layer;
            return layer;
        }

        private Layer CreateLayer(JsonObject entry)
        {
            var className = Str(entry["class_name"]) ?? throw new ModelException("a layer entry has no class_name");
            var config = entry["config"] as JsonObject ?? new JsonObject();
            if (Keras1Config.Applies(writtenByKeras1, config)) config = Keras1Config.Translate(className, config);
            if (entry["inbound_nodes"] is JsonArray calls && calls.Any(AsksForAttentionScores))
            {
                // A call keyword that adds an output: the attention layers read it from their config.
                config = (JsonObject)config.DeepClone();
                config["return_attention_scores"] = true;
            }
            var name = Str(config["name"]) ?? Str(entry["name"]) ?? throw new ModelException($"a {className} layer has no name");
            // An operation keeps its arguments in its inbound node; a Keras 3 operation may share a layer's class name (Add).
            var isOperation = OpLayerReader.IsKeras3Operation(entry);
            var operation = className is "TFOpLambda" or "SlicingOpLambda" ? OpLayerReader.TfOpLambda(className, config, entry["inbound_nodes"])
                : isOperation ? OpLayerReader.Keras3Operation(className, config, entry["inbound_nodes"]) : null;
            if (operation is not null and not { Declaration: UnreadOperationDeclaration })
                return new Layer(operation.Declaration, Configure(operation.Declaration, operation.Config, name, className), name);
            if ((LayerCatalog.Find(className) is null || className == "Lambda" || operation is not null) && !HasOutputShape(config)
                && _recordedOutputs.TryGetValue(name, out var recorded))
            {
                // Its output shape is Python code; the next layer's recorded build shape says what it produced.
                config = (JsonObject)config.DeepClone();
                config["output_shape"] = new JsonArray(recorded.Skip(1).Select(d => d is null ? null : (JsonNode)JsonValue.Create(d.Value)).ToArray());
                config["output_shape_type"] = "raw";
            }
            // An operation not read above says why, and is never the layer of the same name.
            var declaration = operation?.Declaration ?? LayerCatalog.Get(className);
            return new Layer(declaration, Configure(declaration, config, name, className), name) { RecordedBuildShapes = BuildShapes(entry) };
        }

        private LayerConfig Configure(LayerDeclaration declaration, JsonObject config, string name, string className)
        {
            try
            {
                return declaration.Configure(config, version);
            }
            catch (ModelException e)
            {
                throw ModelException.At($"layer '{name}' ({className})", e);
            }
        }

        private static string Short(JsonNode? n)
        {
            var text = n?.ToJsonString() ?? "null";
            return text.Length > 80 ? text[..77] + "..." : text;
        }
    }
}
