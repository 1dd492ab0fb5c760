using System.Text.Json.Nodes;
using ParamLens.Graph;
using ParamLens.Inputs;
using ParamLens.Layers;

namespace ParamLens.Python.Tests;

/// <summary>
/// Every operation of <see cref="OperationRegistry"/>, in every Python spelling either flavour has, built by the
/// interpreter and then read back from the form that flavour's Keras stores (a Keras 3 operation in a functional config,
/// a tf.keras <c>TFOpLambda</c>/<c>SlicingOpLambda</c> with its inbound-node arguments, under each TensorFlow name files
/// hold for it). The stored form is written from the registry's data; the expected class and output shapes are those of
/// the model the interpreter built.
/// </summary>
public class OperationRegistryTests
{
    private static readonly KerasVersion TfKeras = KerasVersion.Parse("2.15.0");

    /// <summary>The inputs every case may use: x (None, 3, 4), v (None, 1, 4) and w (None, 4, 5).</summary>
    private static readonly Dictionary<string, long?[]> Inputs = new()
    {
        ["x"] = [null, 3, 4], ["v"] = [null, 1, 4], ["w"] = [null, 4, 5],
    };

    /// <summary>One way to call an operation: the Python text (with <c>{f}</c> for the function), the inputs it uses,
    /// Keras 3's stored operation config and positional arguments (inputs by name), and tf.keras' first argument and kwargs.</summary>
    private sealed record CallForm(string Python, string[] Uses, JsonObject Keras3Config, JsonArray Keras3Args, JsonNode TfFirst, JsonObject TfKwargs);

    private static JsonNode Tensor(string input) => new JsonObject { ["tensor"] = input };

    private static CallForm FormOf(OperationEntry entry) => (entry.Arguments, entry.Rule) switch
    {
        (OpArguments.OneTensor, _) when entry.Name == "cast" =>
            new("{f}(x, 'float32')", ["x"], new() { ["dtype"] = "float32" }, [Tensor("x")], Tensor("x"), new() { ["dtype"] = "float32", ["name"] = null }),
        (OpArguments.OneTensor, _) => new("{f}(x)", ["x"], [], [Tensor("x")], Tensor("x"), new() { ["name"] = null }),
        // tf-keras' bias_add takes a 1-D bias and calls tf.nn.bias_add with data_format NHWC.
        (OpArguments.TwoOperands, _) when entry.Name == "bias_add" =>
            new("{f}(x, [1.0, 2.0, 3.0, 4.0])", ["x"], [], [], Tensor("x"), new() { ["bias"] = new JsonArray(1.0, 2.0, 3.0, 4.0), ["data_format"] = "NHWC" }),
        (OpArguments.TwoOperands, OpRule.Matmul) => new("{f}(x, w)", ["x", "w"], [], [Tensor("x"), Tensor("w")], Tensor("x"),
            new() { ["b"] = Tensor("w"), ["transpose_a"] = false, ["transpose_b"] = false, ["name"] = null }),
        (OpArguments.TwoOperands, _) => new("{f}(x, v)", ["x", "v"], [], [Tensor("x"), Tensor("v")], Tensor("x"), new() { [entry.SecondOperand] = Tensor("v"), ["name"] = null }),
        (OpArguments.Reduction, _) => new("{f}(x, axis=1)", ["x"], new() { ["axis"] = 1, ["keepdims"] = false }, [Tensor("x")], Tensor("x"),
            new() { ["axis"] = 1, ["keepdims"] = false, ["name"] = null }),
        (_, OpRule.ExpandDims) => new("{f}(x, 1)", ["x"], new() { ["axis"] = 1 }, [Tensor("x")], Tensor("x"), new() { ["axis"] = 1, ["name"] = null }),
        (_, OpRule.Squeeze) => new("{f}(v, 1)", ["v"], new() { ["axis"] = 1 }, [Tensor("v")], Tensor("v"), new() { ["axis"] = 1, ["name"] = null }),
        (_, OpRule.Transpose) => new("{f}(x, (0, 2, 1))", ["x"], new() { ["axes"] = new JsonArray(0, 2, 1) }, [Tensor("x")], Tensor("x"),
            new() { ["perm"] = new JsonArray(0, 2, 1), ["conjugate"] = false, ["name"] = null }),
        (_, OpRule.Reshape) => new("{f}(x, (-1, 12))", ["x"], new() { ["newshape"] = new JsonArray(-1, 12) }, [Tensor("x")], Tensor("x"),
            new() { ["shape"] = new JsonArray(-1, 12), ["name"] = null }),
        (_, OpRule.Concat or OpRule.Stack) => new("{f}([x, x], axis=1)", ["x"], new() { ["axis"] = 1 }, [new JsonArray(Tensor("x"), Tensor("x"))],
            new JsonArray(Tensor("x"), Tensor("x")), new() { ["axis"] = 1, ["name"] = null }),
        (_, OpRule.Split) => new("list({f}(x, 2, axis=2))", ["x"], new() { ["indices_or_sections"] = 2, ["axis"] = 2 }, [Tensor("x")], Tensor("x"),
            new() { ["num_or_size_splits"] = 2, ["axis"] = 2, ["name"] = null }),
        (_, OpRule.GetItem) => new("x[:, 0]", ["x"], [], [Tensor("x"), new JsonArray(Slice(keras3: true), 0)], Tensor("x"),
            new() { ["slice_spec"] = new JsonArray(Slice(keras3: false), 0) }),
        _ => throw new InvalidOperationException($"no call form for {entry.Name}"),
    };

    private static JsonObject Slice(bool keras3)
    {
        var bounds = new JsonObject { ["start"] = null, ["stop"] = null, ["step"] = null };
        return keras3 ? new JsonObject { ["class_name"] = "__slice__", ["config"] = bounds } : bounds;
    }

    private static readonly Dictionary<string, string> OperatorText = new()
    {
        ["add"] = "x + v", ["sub"] = "x - v", ["mul"] = "x * v", ["truediv"] = "x / v", ["floordiv"] = "x // v", ["mod"] = "x % v",
        ["pow"] = "x ** v", ["matmul"] = "x @ w", ["lt"] = "x < v", ["le"] = "x <= v", ["gt"] = "x > v", ["ge"] = "x >= v",
        ["ne"] = "x != v", ["neg"] = "-x", ["abs"] = "abs(x)", ["getitem"] = "x[:, 0]",
    };

    /// <summary>Every Python spelling of every entry in each flavour that records it, as (entry, Keras 3?, Python expression).</summary>
    public static TheoryData<string, bool, string> Spellings()
    {
        var data = new TheoryData<string, bool, string>();
        foreach (var entry in OperationRegistry.All)
        {
            var form = FormOf(entry);
            foreach (var name in entry.KerasOps) data.Add(entry.Name, true, form.Python.Replace("{f}", "keras.ops." + name));
            // tf functions are called from the module of the name they record (tf.math.reduce_std, tf.nn.relu, tf.concat).
            var module = entry.TfSymbols.FirstOrDefault()?.Split('.') is [var m, _] && m is "math" or "nn" ? "tf." + m + "." : "tf.";
            foreach (var name in entry.Tf) data.Add(entry.Name, false, form.Python.Replace("{f}", module + name));
            foreach (var name in entry.Backend) data.Add(entry.Name, false, form.Python.Replace("{f}", "K." + name));
            foreach (var name in entry.Activations)
            {
                if (entry.AsActivation().Keras3Class is not null) data.Add(entry.Name, true, $"keras.activations.{name}(x)");
                if (entry.AsActivation().TfSymbol is not null) data.Add(entry.Name, false, $"keras.activations.{name}(x)");
            }
            if (entry.Operator is { } op)
            {
                data.Add(entry.Name, true, OperatorText[op.Dunder]);
                if (op.TfSymbol is not null) data.Add(entry.Name, false, OperatorText[op.Dunder]);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Spellings))]
    public void Python_Built_And_Stored_Forms_Agree(string name, bool keras3, string expression)
    {
        var entry = OperationRegistry.ByName[name];
        var header = keras3
            ? "import keras\n"
            : "import tensorflow as tf\nfrom tensorflow import keras\nfrom tensorflow.keras import backend as K\n";
        var built = Py.Single(header + """
            x = keras.Input((3, 4))
            v = keras.Input((1, 4))
            w = keras.Input((4, 5))
            y = {EXPR}
            model = keras.Model([x, v, w], y)
            """.Replace("{EXPR}", expression), keras3 ? null : TfKeras);
        var producer = built.Outputs[0].Node.Layer;
        var shapes = built.Outputs.Select(t => t.Shape.ToString()).ToArray();
        var form = FormOf(entry);
        if (keras3)
        {
            // What Python recorded is the registry's class (or its activation's).
            Assert.Contains(producer.ClassName, new[] { entry.Keras3Class, entry.ActivationKeras3Class });
            var read = ModelSource.Parse(Keras3Model(producer.ClassName, form, shapes.Length).ToJsonString()).Model;
            AssertAgrees(read, producer.ClassName, shapes);
            return;
        }
        var recorded = producer.Config!.OptString("function")!["tf.".Length..];
        Assert.Contains(recorded, entry.TfSymbols.Append(entry.Operator?.TfSymbol));
        Assert.Equal(entry.Rule == OpRule.GetItem ? "SlicingOpLambda" : "TFOpLambda", producer.ClassName);
        // Every name files keep for the operation reads back the same.
        foreach (var symbol in entry.TfSymbols.Append(entry.Operator?.TfSymbol).OfType<string>().Distinct())
        {
            var read = ModelSource.Parse(TfKerasModel(producer.ClassName, symbol, form, shapes.Length).ToJsonString()).Model;
            AssertAgrees(read, producer.ClassName, shapes);
        }
    }

    private static void AssertAgrees(Model read, string className, string[] shapes)
    {
        var op = read.Layers.Single(l => l.Name == "op");
        Assert.Equal(className, op.ClassName);
        Assert.Equal(shapes, op.InboundNodes[0].Outputs.Select(t => t.Shape.ToString()));
    }

    private static JsonArray Dims(long?[] dims) => new([.. dims.Select(d => d is null ? null : (JsonNode)JsonValue.Create(d.Value))]);

    /// <summary>A Keras 3 functional config: the used inputs, then the operation named <c>op</c> (module as
    /// <c>serialization_lib</c> writes it for an operation class), its outputs the model's.</summary>
    private static JsonObject Keras3Model(string className, CallForm form, int outputs)
    {
        JsonNode? Resolve(JsonNode? node) => node switch
        {
            JsonObject { Count: 1 } o when o["tensor"] is { } t => new JsonObject
            {
                ["class_name"] = "__keras_tensor__",
                ["config"] = new JsonObject { ["shape"] = Dims(Inputs[(string)t!]), ["dtype"] = "float32", ["keras_history"] = new JsonArray((string)t!, 0, 0) },
            },
            JsonArray a => new JsonArray([.. a.Select(Resolve)]),
            _ => node?.DeepClone(),
        };
        var layers = new JsonArray([.. form.Uses.Select(input => (JsonNode)new JsonObject
        {
            ["module"] = "keras.layers", ["class_name"] = "InputLayer", ["registered_name"] = null, ["name"] = input, ["inbound_nodes"] = new JsonArray(),
            ["config"] = new JsonObject { ["batch_shape"] = Dims(Inputs[input]), ["dtype"] = "float32", ["sparse"] = false, ["name"] = input },
        })]);
        var config = form.Keras3Config.DeepClone().AsObject();
        config["name"] = "op";
        layers.Add(new JsonObject
        {
            ["module"] = Keras3Module(className),
            ["class_name"] = className, ["registered_name"] = className, ["name"] = "op", ["config"] = config,
            ["inbound_nodes"] = new JsonArray(new JsonObject { ["args"] = Resolve(form.Keras3Args), ["kwargs"] = new JsonObject() }),
        });
        return new JsonObject
        {
            ["module"] = "keras", ["class_name"] = "Functional", ["registered_name"] = "Functional",
            ["config"] = new JsonObject
            {
                ["name"] = "functional", ["trainable"] = true, ["layers"] = layers,
                ["input_layers"] = new JsonArray([.. form.Uses.Select(i => (JsonNode)new JsonArray(i, 0, 0))]),
                ["output_layers"] = new JsonArray([.. Enumerable.Range(0, outputs).Select(i => (JsonNode)new JsonArray("op", 0, i))]),
            },
        };
    }

    /// <summary>The module <c>serialization_lib</c> writes for an operation class: the file of <c>keras/src</c> that defines it.</summary>
    private static string Keras3Module(string className) => className switch
    {
        "ReLU" => "keras.src.activations.activations",
        "Relu" or "Relu6" or "Sigmoid" or "Softplus" or "Softsign" or "Silu" or "LeakyRelu" or "HardSigmoid" or "HardSilu" or "Elu" or "Selu"
            or "Gelu" or "Softmax" or "LogSoftmax" => "keras.src.ops.nn",
        "Rsqrt" or "Erf" or "Logsumexp" => "keras.src.ops.math",
        "Cast" => "keras.src.ops.core",
        _ => "keras.src.ops.numpy",
    };

    /// <summary>A tf.keras functional config: the used inputs, then a <c>TFOpLambda</c> named <c>op</c> whose function is
    /// <paramref name="symbol"/>, its call in <c>node.py</c>'s form: the first argument as <c>[layer, node, tensor, kwargs]</c>
    /// (a list of them for a list), a tensor among the kwargs as <c>[layer, node, tensor]</c>.</summary>
    private static JsonObject TfKerasModel(string className, string symbol, CallForm form, int outputs)
    {
        JsonNode? Resolve(JsonNode? node) => node switch
        {
            JsonObject { Count: 1 } o when o["tensor"] is { } t => new JsonArray((string)t!, 0, 0),
            JsonArray a => new JsonArray([.. a.Select(Resolve)]),
            JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Resolve(p.Value)))),
            _ => node?.DeepClone(),
        };
        var kwargs = Resolve(form.TfKwargs);
        JsonNode Entry(JsonNode first) => new JsonArray((string)first["tensor"]!, 0, 0, kwargs!.DeepClone());
        var node = form.TfFirst is JsonArray list ? new JsonArray([.. list.Select(e => Entry(e!))]) : Entry(form.TfFirst);
        var layers = new JsonArray([.. form.Uses.Select(input => (JsonNode)new JsonObject
        {
            ["class_name"] = "InputLayer", ["name"] = input, ["inbound_nodes"] = new JsonArray(),
            ["config"] = new JsonObject { ["batch_input_shape"] = Dims(Inputs[input]), ["dtype"] = "float32", ["sparse"] = false, ["ragged"] = false, ["name"] = input },
        })]);
        layers.Add(new JsonObject
        {
            ["class_name"] = className, ["name"] = "op", ["inbound_nodes"] = new JsonArray(node),
            ["config"] = new JsonObject { ["name"] = "op", ["trainable"] = true, ["dtype"] = "float32", ["function"] = symbol },
        });
        return new JsonObject
        {
            ["class_name"] = "Functional", ["keras_version"] = "2.15.0", ["backend"] = "tensorflow",
            ["config"] = new JsonObject
            {
                ["name"] = "model", ["layers"] = layers,
                ["input_layers"] = new JsonArray([.. form.Uses.Select(i => (JsonNode)new JsonArray(i, 0, 0))]),
                ["output_layers"] = new JsonArray([.. Enumerable.Range(0, outputs).Select(i => (JsonNode)new JsonArray("op", 0, i))]),
            },
        };
    }

    /// <summary>The registry's lookups are consistent: no TensorFlow name or Keras 3 class stands for two operations
    /// (the dictionaries would not build), and every entry is recorded by at least one flavour.</summary>
    [Fact]
    public void Every_Entry_Is_Recorded_By_Some_Flavour()
    {
        Assert.All(OperationRegistry.All, e => Assert.True(e.Keras3Class is not null || e.TfSymbols.Length > 0, e.Name));
        Assert.Equal(OperationRegistry.All.Count, OperationRegistry.ByName.Count);
        Assert.Contains(OperationRegistry.All, e => e.Keras3Class is null);
        Assert.Contains(OperationRegistry.All, e => e.TfSymbols.Length == 0);
    }
}
