using ParamLens.Layers;
using System.Text.RegularExpressions;
using ParamLens.Accounting;
using ParamLens.Inputs;
using ParamLens.Graph;
using ParamLens.Rendering;
using ParamLens.Shapes;

namespace ParamLens.Tests.Inputs;

/// <summary>
/// Tensor operations recorded in saved configs, read with exact shapes. The configs follow the serialized forms of the
/// sources: tf-keras <c>tf_keras/layers/core/tf_op_layer.py</c> (<c>TFOpLambda.get_config</c> writes
/// <c>"function": "math.truediv"</c>; the layer is named <c>"tf." + function</c>; <c>SlicingOpLambda</c> turns slices into
/// <c>{"start", "stop", "step"}</c> dicts) and <c>tf_keras/engine/node.py</c> <c>Node.serialize</c> (the first argument as
/// <c>[layer, node, tensor, kwargs]</c>, a bare entry for one tensor since op layers preserve the input structure; every
/// other argument by parameter name in kwargs, a tensor there as <c>[layer, node, tensor]</c>; a constant first argument as
/// <c>["_CONSTANT_VALUE", -1, value, kwargs]</c>); Keras 3 <c>keras/src/models/functional.py</c> <c>serialize_node</c>
/// (<c>{"args", "kwargs"}</c>) and <c>keras/src/saving/serialization_lib.py</c> (an operation that is not a public class keeps
/// its module, <c>keras.src.ops.numpy</c>, and its class as registered name; <c>__slice__</c> objects for slices). Every
/// expected shape is worked out in the test.
/// </summary>
public class OpLayerFileTests
{
    private static Model Read(string json) => ModelSource.LoadJson(json);

    private static Shape OutputOf(Model model, string layer) => model.Layers.Single(l => l.Name == layer).InboundNodes[0].Outputs[0].Shape;

    private static string[] InputsOf(Model model, string layer) =>
        [.. model.Layers.Single(l => l.Name == layer).InboundNodes[0].Inputs.Select(t => t.Node.Layer.Name)];

    private const string Float = "\"trainable\": true, \"dtype\": \"float32\"";

    private static string OpLambda(string function, string node, string cls = "TFOpLambda") =>
        $$$"""{"class_name": "{{{cls}}}", "config": {"name": "tf.{{{function}}}", {{{Float}}}, "function": "{{{function}}}"}, "name": "tf.{{{function}}}", "inbound_nodes": [{{{node}}}]}""";

    private static string Dense(string name, int units, string from) =>
        $$$"""{"class_name": "Dense", "config": {"name": "{{{name}}}", {{{Float}}}, "units": {{{units}}}, "activation": "linear", "use_bias": true}, "name": "{{{name}}}", "inbound_nodes": [[["{{{from}}}", 0, 0, {}]]]}""";

    private static string TfKeras(string input, string layers, params string[] outputs) => $$$"""
        {"class_name": "Functional", "keras_version": "2.13.1", "backend": "tensorflow", "config": {"name": "model", "layers": [
          {"class_name": "InputLayer", "config": {"batch_input_shape": {{{input}}}, "dtype": "float32", "sparse": false, "ragged": false, "name": "input_1"}, "name": "input_1", "inbound_nodes": []},
          {{{layers}}}
        ], "input_layers": [["input_1", 0, 0]], "output_layers": [{{{string.Join(", ", outputs.Select(o => $"[\"{o}\", 0, 0]"))}}}]}}
        """;

    private static string Lines(params string[] layers) => string.Join(",\n", layers);

    /// <summary><c>Input(28, 28) → x / 255.0 → Flatten → Dense(10)</c>.</summary>
    private static string Mnist => TfKeras("[null, 28, 28]", Lines(
        OpLambda("math.truediv", """["input_1", 0, 0, {"y": 255.0, "name": null}]"""),
        $$$"""{"class_name": "Flatten", "config": {"name": "flatten", {{{Float}}}, "data_format": "channels_last"}, "name": "flatten", "inbound_nodes": [[["tf.math.truediv", 0, 0, {}]]]}""",
        Dense("dense", 10, "flatten")), "dense");

    [Fact]
    public void TfKeras_DivisionByAConstant_KeepsTheShape_AndTheModelStaysExact()
    {
        var model = Read(Mnist);
        // x / 255.0 broadcasts (None, 28, 28) with a scalar: (None, 28, 28); Flatten 28·28 = 784; Dense 784·10 + 10.
        Assert.Equal(Shape.Of(null, 28, 28), OutputOf(model, "tf.math.truediv"));
        Assert.Equal(Shape.Of(null, 784), OutputOf(model, "flatten"));
        Assert.Equal("TFOpLambda", model.Layers.Single(l => l.Name == "tf.math.truediv").ClassName);
        Assert.Equal(784 * 10 + 10, ModelAccount.Of(model).TotalParams);
    }

    [Fact]
    public void TfKeras_OpLayerRows_InTheKeras2Summary()
    {
        var text = Keras2Summary.Render(ModelAccount.Of(Read(Mnist)), new SummaryOptions { Style = SummaryStyle.Keras2 });
        // tf.keras 2.13 wraps the 28 characters of "tf.math.truediv (TFOpLambda)" to fit its 26-character column.
        Assert.Matches(new Regex(@"^ tf\.math\.truediv \(TFOpLambd\s+\(None, 28, 28\)\s+0\s*\n a\)\s*$", RegexOptions.Multiline), text);
        Assert.Matches(new Regex(@"^ flatten \(Flatten\)\s+\(None, 784\)\s+0\s*$", RegexOptions.Multiline), text);
        Assert.Contains("Total params: 7850 (30.66 KB)", text); // 7850 float32 weights: 31,400 bytes
    }

    /// <summary><c>a + b</c> between two tensors: the second operand is a tensor reference inside the kwargs.</summary>
    [Fact]
    public void TfKeras_ResidualAdd_TakesTheKwargsTensorAsAnInput()
    {
        var model = Read(TfKeras("[null, 8]", Lines(
            Dense("dense", 8, "input_1"),
            Dense("dense_1", 8, "dense"),
            OpLambda("__operators__.add", """["dense", 0, 0, {"y": ["dense_1", 0, 0], "name": null}]""")), "tf.__operators__.add"));
        // (None, 8) + (None, 8) = (None, 8); two Dense of 8·8 + 8 each, the op has none.
        Assert.Equal(Shape.Of(null, 8), OutputOf(model, "tf.__operators__.add"));
        Assert.Equal(["dense", "dense_1"], InputsOf(model, "tf.__operators__.add"));
        Assert.Equal(2 * (8 * 8 + 8), ModelAccount.Of(model).TotalParams);
    }

    /// <summary><c>1.0 - x</c>: the constant is the first argument, the tensor the keyword <c>y</c>.</summary>
    [Fact]
    public void TfKeras_ConstantFirstArgument_TheKwargsTensorIsTheInput()
    {
        var model = Read(TfKeras("[null, 3, 5]", """
            {"class_name": "TFOpLambda", "config": {"name": "tf.math.subtract", "trainable": true, "dtype": "float32", "function": "math.subtract"}, "name": "tf.math.subtract",
             "inbound_nodes": [["_CONSTANT_VALUE", -1, [[1.0, 2.0, 3.0, 4.0, 5.0]], {"y": ["input_1", 0, 0], "name": null}]]}
            """, "tf.math.subtract"));
        // a (1, 5) constant broadcast with (None, 3, 5): (None, 3, 5)
        Assert.Equal(Shape.Of(null, 3, 5), OutputOf(model, "tf.math.subtract"));
        Assert.Equal(["input_1"], InputsOf(model, "tf.math.subtract"));
    }

    /// <summary>After an LSTM: <c>x[:, -1, :]</c>, <c>tf.reduce_mean(x, axis=1)</c>, their sum, <c>tf.expand_dims(s, -1)</c>.</summary>
    [Fact]
    public void TfKeras_SliceMeanAndExpandDims_AfterAnLstm()
    {
        const string all = """{"start": null, "stop": null, "step": null}""";
        var model = Read(TfKeras("[null, 10, 4]", Lines(
            $$$"""{"class_name": "LSTM", "config": {"name": "lstm", {{{Float}}}, "units": 16, "return_sequences": true, "use_bias": true}, "name": "lstm", "inbound_nodes": [[["input_1", 0, 0, {}]]]}""",
            OpLambda("__operators__.getitem", $$$"""["lstm", 0, 0, {"slice_spec": [{{{all}}}, -1, {{{all}}}]}]""", "SlicingOpLambda"),
            OpLambda("math.reduce_mean", """["lstm", 0, 0, {"axis": 1}]"""),
            OpLambda("__operators__.add", """["tf.__operators__.getitem", 0, 0, {"y": ["tf.math.reduce_mean", 0, 0], "name": null}]"""),
            OpLambda("expand_dims", """["tf.__operators__.add", 0, 0, {"axis": -1}]""")), "tf.expand_dims"));
        // LSTM (None, 10, 16); [:, -1, :] removes axis 1: (None, 16); the mean over axis 1 also (None, 16);
        // their sum (None, 16); a new last axis: (None, 16, 1). LSTM weights 4·16·(4 + 16 + 1).
        Assert.Equal(Shape.Of(null, 10, 16), OutputOf(model, "lstm"));
        Assert.Equal(Shape.Of(null, 16), OutputOf(model, "tf.__operators__.getitem"));
        Assert.Equal("SlicingOpLambda", model.Layers.Single(l => l.Name == "tf.__operators__.getitem").ClassName);
        Assert.Equal(Shape.Of(null, 16), OutputOf(model, "tf.math.reduce_mean"));
        Assert.Equal(Shape.Of(null, 16), OutputOf(model, "tf.__operators__.add"));
        Assert.Equal(Shape.Of(null, 16, 1), OutputOf(model, "tf.expand_dims"));
        Assert.Equal(4 * 16 * (4 + 16 + 1), ModelAccount.Of(model).TotalParams);
    }

    /// <summary><c>tf.concat([a, b], axis=1)</c>: the first argument is a list, written as a list of entries.</summary>
    [Fact]
    public void TfKeras_ConcatOfAList()
    {
        var model = Read(TfKeras("[null, 6]", Lines(
            Dense("dense", 3, "input_1"),
            OpLambda("concat", """[["input_1", 0, 0, {"axis": 1, "name": "concat"}], ["dense", 0, 0, {"axis": 1, "name": "concat"}]]""")), "tf.concat"));
        // (None, 6) and (None, 3) joined on axis 1: 6 + 3 = 9
        Assert.Equal(Shape.Of(null, 9), OutputOf(model, "tf.concat"));
        Assert.Equal(["input_1", "dense"], InputsOf(model, "tf.concat"));
    }

    /// <summary><c>x[..., tf.newaxis]</c> (json_utils writes Ellipsis as <c>{"class_name": "__ellipsis__"}</c>, newaxis is
    /// None), <c>tf.reshape(x, [-1, 40])</c> and <c>tf.transpose(x, perm=[0, 2, 1])</c> (recorded through the TF1 function).</summary>
    [Fact]
    public void TfKeras_EllipsisNewAxis_Reshape_Transpose()
    {
        var model = Read(TfKeras("[null, 10, 4]", Lines(
            OpLambda("__operators__.getitem", """["input_1", 0, 0, {"slice_spec": [{"class_name": "__ellipsis__"}, null]}]""", "SlicingOpLambda"),
            OpLambda("reshape", """["input_1", 0, 0, {"shape": [-1, 40], "name": null}]"""),
            OpLambda("compat.v1.transpose", """["input_1", 0, 0, {"perm": [0, 2, 1], "name": "transpose", "conjugate": false}]""")),
            "tf.__operators__.getitem", "tf.reshape", "tf.compat.v1.transpose"));
        // ... keeps (None, 10, 4) and None adds a last axis: (None, 10, 4, 1); with the batch size unknown the -1 stays
        // unknown: (None, 40); axes 0, 2, 1 of (None, 10, 4): (None, 4, 10).
        Assert.Equal(Shape.Of(null, 10, 4, 1), OutputOf(model, "tf.__operators__.getitem"));
        Assert.Equal(Shape.Of(null, 40), OutputOf(model, "tf.reshape"));
        Assert.Equal(Shape.Of(null, 4, 10), OutputOf(model, "tf.compat.v1.transpose"));
    }

    /// <summary>Each entry of a call repeats the call's kwargs (node.py): a tensor among them is one input, not one per entry.</summary>
    [Fact]
    public void TfKeras_KwargsRepeatedInEveryEntry_GiveTheirTensorOnce()
    {
        var model = Read(TfKeras("[null, 6]", Lines(
            Dense("dense", 3, "input_1"),
            """{"class_name": "Mixer", "config": {"name": "mixer"}, "name": "mixer", "inbound_nodes": [[["input_1", 0, 0, {"gate": ["dense", 0, 0]}], ["dense", 0, 0, {"gate": ["dense", 0, 0]}]]]}"""),
            "mixer"));
        Assert.Equal(["input_1", "dense", "dense"], InputsOf(model, "mixer"));
    }

    /// <summary>A TensorFlow function not known here is not guessed: the shape is unknown, as for any unknown class.</summary>
    [Fact]
    public void TfKeras_UnknownFunction_StaysUnknown()
    {
        var model = Read(TfKeras("[null, 6]", OpLambda("math.cumsum", """["input_1", 0, 0, {"axis": 1}]"""), "tf.math.cumsum"));
        Assert.True(OutputOf(model, "tf.math.cumsum").IsUnknownRank);
    }

    /// <summary>Each of these refuses by name instead of crashing or building billions of pieces: a split into more
    /// sections than an axis of unknown (or zero) size is read with, and a slice step that cannot be negated.</summary>
    [Theory]
    [InlineData("[null, 8]", "split", """["input_1", 0, 0, {"num_or_size_splits": 3000000000, "axis": 0}]""", "3,000,000,000 sections")]
    [InlineData("[null, 0]", "split", """["input_1", 0, 0, {"num_or_size_splits": 2000000000, "axis": 1}]""", "2,000,000,000 sections")]
    [InlineData("[null, 8]", "split", """["input_1", 0, 0, {"num_or_size_splits": 200000000, "axis": 0}]""", "200,000,000 sections")]
    [InlineData("[null, 8]", "__operators__.getitem", """["input_1", 0, 0, {"slice_spec": [{"start": null, "stop": null, "step": null}, {"start": null, "stop": null, "step": -9223372036854775808}]}]""", "slice step -9223372036854775808")]
    public void TfKeras_ImpossibleArguments_AreErrorsNamingTheLayer(string input, string function, string node, string message)
    {
        var e = Assert.Throws<ModelException>(() => Read(TfKeras(input, OpLambda(function, node), "tf." + function)));
        Assert.Contains($"layer 'tf.{function}'", e.Message);
        Assert.Contains(message, e.Message);
    }

    /// <summary>Python's <c>len(range(0, 8, 2**63 - 1))</c> is 1 (the first element only): a step near the long limit
    /// must not overflow the rounded-up division.</summary>
    [Fact]
    public void TfKeras_HugeSliceStep_KeepsOneElement()
    {
        var model = Read(TfKeras("[null, 8]", OpLambda("__operators__.getitem",
            """["input_1", 0, 0, {"slice_spec": [{"start": null, "stop": null, "step": null}, {"start": null, "stop": null, "step": 9223372036854775807}]}]""",
            "SlicingOpLambda"), "tf.__operators__.getitem"));
        Assert.Equal(Shape.Of(null, 1), OutputOf(model, "tf.__operators__.getitem"));
        // 7, 0 and a step of -(2**63 - 1) from the end: range(7, -1, -(2**63 - 1)) holds 7 only.
        model = Read(TfKeras("[null, 8]", OpLambda("__operators__.getitem",
            """["input_1", 0, 0, {"slice_spec": [{"start": null, "stop": null, "step": null}, {"start": null, "stop": null, "step": -9223372036854775807}]}]""",
            "SlicingOpLambda"), "tf.__operators__.getitem"));
        Assert.Equal(Shape.Of(null, 1), OutputOf(model, "tf.__operators__.getitem"));
    }

    /// <summary>A recognised op layer whose call is not understood (no slice_spec, a keepdims or transpose flag that is
    /// not a boolean, a function not read) is not guessed: its output is unknown with the reason, and it has no weights
    /// (0, not unknown), so a model of only such operations keeps known totals.</summary>
    [Theory]
    [InlineData("__operators__.getitem", """["input_1", 0, 0, {}]""", "its slice_spec is not understood")]
    [InlineData("math.reduce_mean", """["input_1", 0, 0, {"axis": 1, "keepdims": "yes"}]""", "its keepdims is not true or false")]
    [InlineData("linalg.matmul", """["input_1", 0, 0, {"b": ["input_1", 0, 0], "transpose_b": 1}]""", "transpose_b")]
    [InlineData("math.foo", """["input_1", 0, 0, {}]""", "the TensorFlow function 'math.foo' is not read here")]
    [InlineData("nn.bias_add", """["input_1", 0, 0, {"bias": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], "data_format": "NCHW"}]""", "does not add along the last axis")]
    public void TfKeras_OpNotUnderstood_SaysWhy_AndHasNoWeights(string function, string node, string reason)
    {
        var model = Read(TfKeras("[null, 8]", OpLambda(function, node), "tf." + function));
        var layer = model.Layers.Single(l => l.Name == "tf." + function);
        Assert.True(OutputOf(model, "tf." + function).IsUnknownRank);
        Assert.Contains(reason, layer.InboundNodes[0].Call!.UnknownOutputReason);
        Assert.DoesNotContain("not a Keras layer class", layer.InboundNodes[0].Call!.UnknownOutputReason);
        Assert.False(layer.HasUnknownWeights);
        Assert.Equal(0, ModelAccount.Of(model).TotalParams);
        // No weights were taken from a file: the counts are known because nothing after the op has weights.
        Assert.Contains("no layer whose shape is unknown has weights", Explanation.UnknownsOf(ModelAccount.Of(model))!.OneLine);
    }

    private const string Policy = """{"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}""";

    private static string K3Tensor(string producer, string shape) =>
        $$$"""{"class_name": "__keras_tensor__", "config": {"shape": {{{shape}}}, "dtype": "float32", "keras_history": ["{{{producer}}}", 0, 0]}}""";

    private static string K3Op(string module, string cls, string name, string config, string args) =>
        $$$"""{"module": "{{{module}}}", "class_name": "{{{cls}}}", "config": {"name": "{{{name}}}"{{{config}}}}, "registered_name": "{{{cls}}}", "name": "{{{name}}}", "inbound_nodes": [{"args": {{{args}}}, "kwargs": {}}]}""";

    private static string K3Input(int width) =>
        $$$"""{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, {{{width}}}], "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null, "name": "input_layer", "inbound_nodes": []}""";

    private static string K3Layer(string cls, string name, string config, string buildShape, string args) =>
        $$$"""{"module": "keras.layers", "class_name": "{{{cls}}}", "config": {"name": "{{{name}}}", "trainable": true, "dtype": {{{Policy}}}{{{config}}}}, "registered_name": null, "build_config": {"input_shape": {{{buildShape}}}}, "name": "{{{name}}}", "inbound_nodes": [{"args": {{{args}}}, "kwargs": {}}]}""";

    private static string K3Functional(string output, params string[] layers) =>
        $$$"""{"module": "keras", "class_name": "Functional", "registered_name": "Functional", "config": {"name": "functional", "trainable": true, "layers": [{{{Lines(layers)}}}], "input_layers": [["input_layer", 0, 0]], "output_layers": [["{{{output}}}", 0, 0]]}}""";

    /// <summary>
    /// Keras 3: <c>d = Dense(4)(x)</c>; <c>t = d / 2.0</c> (TrueDivide); <c>s = t + d</c> (the Add operation, auto-named
    /// <c>add</c>); <c>Add()([s, d])</c> (the Add layer, <c>add_1</c>); <c>ops.mean(·, axis=1, keepdims=True)</c>;
    /// <c>s[:, 0:2]</c>. The shapes each consumer records (<c>__keras_tensor__</c>) are the ones worked out by hand.
    /// </summary>
    [Fact]
    public void Keras3_Operations_BesideAnAddLayer_AgreeWithTheRecordedShapes()
    {
        const string numpy = "keras.src.ops.numpy";
        const string all = """{"class_name": "__slice__", "config": {"start": null, "stop": null, "step": null}}""";
        const string firstTwo = """{"class_name": "__slice__", "config": {"start": 0, "stop": 2, "step": null}}""";
        var json = K3Functional("concatenate",
            K3Input(4),
            K3Layer("Dense", "dense", ", \"units\": 4, \"activation\": \"linear\", \"use_bias\": true", "[null, 4]", $"[{K3Tensor("input_layer", "[null, 4]")}]"),
            K3Op(numpy, "TrueDivide", "true_divide", "", $"[{K3Tensor("dense", "[null, 4]")}, 2.0]"),
            K3Op(numpy, "Add", "add", "", $"[{K3Tensor("true_divide", "[null, 4]")}, {K3Tensor("dense", "[null, 4]")}]"),
            K3Layer("Add", "add_1", "", "[[null, 4], [null, 4]]", $"[[{K3Tensor("add", "[null, 4]")}, {K3Tensor("dense", "[null, 4]")}]]"),
            K3Op(numpy, "Mean", "mean", ", \"axis\": 1, \"keepdims\": true", $"[{K3Tensor("add_1", "[null, 4]")}]"),
            K3Op(numpy, "GetItem", "get_item", "", $"[{K3Tensor("add", "[null, 4]")}, [{all}, {firstTwo}]]"),
            K3Layer("Concatenate", "concatenate", ", \"axis\": -1", "[[null, 1], [null, 2]]", $"[[{K3Tensor("mean", "[null, 1]")}, {K3Tensor("get_item", "[null, 2]")}]]"));
        var model = Read(json);
        // Every shape Keras 3 recorded for a consumed tensor is the shape derived for its producer.
        foreach (var (producer, recorded) in RecordedShapes(System.Text.Json.Nodes.JsonNode.Parse(json)))
            Assert.Equal(recorded, OutputOf(model, producer));
        // d / 2.0: (None, 4) with a scalar; t + d: (None, 4); the Add layer: (None, 4); the mean over axis 1 kept as 1:
        // (None, 1); [:, 0:2] keeps 2 of 4: (None, 2); concatenated: 1 + 2 = 3. Only Dense has weights: 4·4 + 4.
        Assert.Equal(Shape.Of(null, 4), OutputOf(model, "true_divide"));
        Assert.Equal(Shape.Of(null, 4), OutputOf(model, "add"));
        Assert.Equal("Add", model.Layers.Single(l => l.Name == "add").ClassName);
        Assert.IsType<ParamLens.Layers.BroadcastOpDeclaration>(model.Layers.Single(l => l.Name == "add").Declaration);
        Assert.IsType<ParamLens.Layers.ElementwiseMergeDeclaration>(model.Layers.Single(l => l.Name == "add_1").Declaration);
        Assert.Equal(["true_divide", "dense"], InputsOf(model, "add"));
        Assert.Equal(Shape.Of(null, 1), OutputOf(model, "mean"));
        Assert.Equal(Shape.Of(null, 2), OutputOf(model, "get_item"));
        Assert.Equal(Shape.Of(null, 3), OutputOf(model, "concatenate"));
        Assert.Equal(4 * 4 + 4, ModelAccount.Of(model).TotalParams);
    }

    private static IEnumerable<(string Producer, Shape Shape)> RecordedShapes(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        System.Text.Json.Nodes.JsonObject o when (string?)o["class_name"] == "__keras_tensor__" =>
            [((string)o["config"]!["keras_history"]![0]!, new Shape(o["config"]!["shape"]!.AsArray().Select(d => d is null ? (long?)null : (long)d)))],
        System.Text.Json.Nodes.JsonObject o => o.SelectMany(p => RecordedShapes(p.Value)),
        System.Text.Json.Nodes.JsonArray a => a.SelectMany(RecordedShapes),
        _ => [],
    };

    /// <summary>A Keras 3 operation not known here stays an unknown class (never the layer of its name) and takes the
    /// shape its consumer recorded.</summary>
    [Fact]
    public void Keras3_UnknownOperation_TakesTheRecordedShape()
    {
        var model = Read(K3Functional("add",
            K3Input(5),
            K3Op("keras.src.ops.numpy", "Cumsum", "cumsum", ", \"axis\": 1", $"[{K3Tensor("input_layer", "[null, 5]")}]"),
            K3Op("keras.src.ops.numpy", "Add", "add", "", $"[{K3Tensor("cumsum", "[null, 5]")}, {K3Tensor("input_layer", "[null, 5]")}]")));
        Assert.IsType<ParamLens.Layers.UnreadOperationDeclaration>(model.Layers.Single(l => l.Name == "cumsum").Declaration);
        Assert.False(model.Layers.Single(l => l.Name == "cumsum").HasUnknownWeights); // an operation has no weights
        Assert.Equal(Shape.Of(null, 5), OutputOf(model, "cumsum"));
        Assert.Equal(Shape.Of(null, 5), OutputOf(model, "add"));
    }

    /// <summary>Keras 3 forms that used to crash: <c>concatenate([])</c> (an empty list is not read; with no tensor the
    /// model is disconnected) and a Reshape whose <c>newshape</c> is null (not read, so its shape is unknown with the reason).</summary>
    [Fact]
    public void Keras3_EmptyConcatenate_And_NullNewShape_AreNotRead()
    {
        var e = Assert.Throws<ModelException>(() => Read(K3Functional("op", K3Input(8), K3Op("keras.src.ops.numpy", "Concatenate", "op", ", \"axis\": 0", "[[]]"))));
        Assert.DoesNotContain("ArgumentOutOfRange", e.Message);
        var model = Read(K3Functional("op", K3Input(8),
            K3Op("keras.src.ops.numpy", "Reshape", "op", ", \"newshape\": null", $"[{K3Tensor("input_layer", "[null, 8]")}]")));
        var layer = model.Layers.Single(l => l.Name == "op");
        Assert.True(OutputOf(model, "op").IsUnknownRank);
        Assert.Contains("its newshape is not a list of sizes", layer.InboundNodes[0].Call!.UnknownOutputReason);
        Assert.Equal(0, ModelAccount.Of(model).TotalParams);
    }

    /// <summary>Keras 3 <c>ops.split(x, 3000000000)</c> on (None, 8) and on an unknown axis: refused before any piece is made.</summary>
    [Fact]
    public void Keras3_SplitIntoHugeSections_IsAnError()
    {
        var e = Assert.Throws<ModelException>(() => Read(K3Functional("op", K3Input(8),
            K3Op("keras.src.ops.numpy", "Split", "op", ", \"indices_or_sections\": 3000000000, \"axis\": 0", $"[{K3Tensor("input_layer", "[null, 8]")}]"))));
        Assert.Contains("layer 'op'", e.Message);
        Assert.Contains("3,000,000,000 sections", e.Message);
    }

    /// <summary>The concat and stack rules on no tensor at all (Keras: "need at least one array") are errors, not crashes.</summary>
    [Theory]
    [InlineData(ParamLens.Layers.OpRule.Concat)]
    [InlineData(ParamLens.Layers.OpRule.Stack)]
    public void ConcatAndStack_OfNoTensor_AreErrors(ParamLens.Layers.OpRule rule)
    {
        var declaration = ParamLens.Layers.TensorOps.Declaration("Op", rule, keras3: true);
        var call = new ParamLens.Layers.LayerCall(declaration.Configure(new System.Text.Json.Nodes.JsonObject { ["axis"] = 0 }, KerasVersion.Parse("3.6.0")), []);
        var e = Assert.Throws<ModelException>(() => declaration.OutputShapes(call));
        Assert.Contains("needs at least one tensor", e.Message);
    }
}
