using ParamLens.Layers;
using ParamLens.Graph;

namespace ParamLens.Python.Tests;

/// <summary>Arithmetic, slicing and tensor functions on Keras tensors, recorded as each Keras flavour records them. Every
/// expected name, class and shape is worked out by hand from the rules of that flavour.</summary>
public class TensorOperationTests
{
    private static readonly KerasVersion TfKeras = KerasVersion.Parse("2.15.0");

    /// <summary>Each row of the model as name → (class, output shape).</summary>
    private static Dictionary<string, (string Class, string Shape)> Rows(Model m) =>
        m.Layers.ToDictionary(l => l.Name, l => (l.ClassName, string.Join(", ", l.InboundNodes.First(m.Contains).Outputs.Select(t => t.Shape.ToString()))));

    private const string Preprocessing = """
        import tensorflow as tf
        from tensorflow import keras
        from tensorflow.keras import layers
        inp = keras.Input((10, 8))
        x = inp / 255.0                  # normalization
        y = 1 - x                        # a number on the left
        z = layers.Dense(8)(y)
        r = z + x                        # residual
        last = r[:, -1, :]               # last timestep
        pooled = {MEAN}(r, axis=1)
        e = {EXPAND}(pooled, 1)
        out = layers.Dense(2)(last * 2)
        model = keras.Model(inp, [out, e])
        print([l.name for l in model.layers])
        """;

    [Fact]
    public void Keras3_Records_Operations_Named_By_The_Shared_Counters()
    {
        var run = Py.Run(Preprocessing.Replace("{MEAN}", "keras.ops.mean").Replace("{EXPAND}", "keras.ops.expand_dims"));
        Assert.Null(run.StoppedBy);
        var m = Assert.Single(run.TopLevelModels);
        var rows = Rows(m);
        Assert.Equal(("TrueDivide", "(None, 10, 8)"), rows["true_divide"]);
        Assert.Equal(("Subtract", "(None, 10, 8)"), rows["subtract"]);   // () broadcast with (None, 10, 8)
        Assert.Equal(("Add", "(None, 10, 8)"), rows["add"]);
        Assert.Equal(("GetItem", "(None, 8)"), rows["get_item"]);        // [:, -1, :] drops the time axis
        Assert.Equal(("Multiply", "(None, 8)"), rows["multiply"]);
        Assert.Equal(("Mean", "(None, 8)"), rows["mean"]);               // axis 1 of (None, 10, 8) reduced
        Assert.Equal(("ExpandDims", "(None, 1, 8)"), rows["expand_dims"]);
        Assert.Equal(("Dense", "(None, 2)"), rows["dense_1"]);
        Assert.Equal(1 + 2 + 7, rows.Count); // the input, 2 Dense layers, 7 operations
        Py.AssertCounts(m, (8 * 8 + 8) + (8 * 2 + 2), (8 * 8 + 8) + (8 * 2 + 2));
        // keras 3 Functional.layers keeps only Layer instances: operations are rows of the summary but not layers.
        Assert.Equal("['input_layer', 'dense', 'dense_1']\n", run.Printed);
    }

    [Fact]
    public void TfKeras_Records_TFOpLambda_Layers_Named_After_The_TensorFlow_Function()
    {
        var run = Py.Run(Preprocessing.Replace("{MEAN}", "tf.reduce_mean").Replace("{EXPAND}", "tf.expand_dims"), TfKeras);
        Assert.Null(run.StoppedBy);
        var rows = Rows(Assert.Single(run.TopLevelModels));
        Assert.Equal(("TFOpLambda", "(None, 10, 8)"), rows["tf.math.truediv"]);
        Assert.Equal(("TFOpLambda", "(None, 10, 8)"), rows["tf.math.subtract"]);
        Assert.Equal(("TFOpLambda", "(None, 10, 8)"), rows["tf.__operators__.add"]);
        Assert.Equal(("SlicingOpLambda", "(None, 8)"), rows["tf.__operators__.getitem"]);
        Assert.Equal(("TFOpLambda", "(None, 8)"), rows["tf.math.multiply"]);
        Assert.Equal(("TFOpLambda", "(None, 8)"), rows["tf.math.reduce_mean"]);
        Assert.Equal(("TFOpLambda", "(None, 1, 8)"), rows["tf.expand_dims"]);
        // tf.keras op layers are layers: model.layers lists them (in graph order).
        Assert.Contains("'tf.math.truediv'", run.Printed);
        Assert.Contains("'tf.__operators__.getitem'", run.Printed);
    }

    [Fact]
    public void Keras3_Operations_And_Layers_Share_Name_Counters_And_TfKeras_Op_Names_Count_Per_Function()
    {
        const string code = """
            from tensorflow import keras
            a = keras.Input((4,))
            b = keras.Input((4,))
            s = keras.layers.Add()([a, b])
            t = s + a
            u = t * 2
            v = u * 3
            model = keras.Model([a, b], v)
            """;
        var keras3 = Rows(Py.Single(code));
        Assert.Equal("Add", keras3["add"].Class);     // the layer
        Assert.Equal("Add", keras3["add_1"].Class);   // the operation, counted on from the layer's name
        Assert.Equal("Multiply", keras3["multiply"].Class);
        Assert.Equal("Multiply", keras3["multiply_1"].Class);
        var tfKeras = Rows(Py.Single(code, TfKeras));
        Assert.Equal("Add", tfKeras["add"].Class);
        Assert.Equal("TFOpLambda", tfKeras["tf.__operators__.add"].Class);
        Assert.Equal("TFOpLambda", tfKeras["tf.math.multiply"].Class);
        Assert.Equal("TFOpLambda", tfKeras["tf.math.multiply_1"].Class);
    }

    [Theory]
    [InlineData("x[..., :3]", "(None, 10, 3)")]           // ... keeps batch and time; :3 of 8 keeps 3
    [InlineData("x[:, ::2]", "(None, 5, 8)")]             // range(0, 10, 2) has 5 items
    [InlineData("x[:, 2:-2]", "(None, 6, 8)")]            // 2 .. 8 of 10
    [InlineData("x[:, None]", "(None, 1, 10, 8)")]        // None inserts an axis
    [InlineData("x[:, 0]", "(None, 8)")]
    [InlineData("x[:, -3:, 1:5:2]", "(None, 3, 2)")]      // range(1, 5, 2) = 1, 3
    [InlineData("x[:, 20:]", "(None, 0, 8)")]             // a slice past the end is empty, as in numpy
    [InlineData("keras.ops.sum(x, axis=[1, 2], keepdims=True)", "(None, 1, 1)")]
    [InlineData("keras.ops.max(x, axis=-1)", "(None, 10)")]
    [InlineData("keras.ops.mean(x)", "()")]
    [InlineData("keras.ops.transpose(x, (0, 2, 1))", "(None, 8, 10)")]
    [InlineData("keras.ops.matmul(x, keras.ops.transpose(x, (0, 2, 1)))", "(None, 10, 10)")]
    [InlineData("x @ w", "(None, 10, 3)")]
    [InlineData("keras.ops.squeeze(keras.ops.expand_dims(x, -1), axis=-1)", "(None, 10, 8)")]
    [InlineData("keras.ops.reshape(x, (-1, 80))", "(None, 80)")]
    [InlineData("keras.ops.concatenate([x, x], axis=-1)", "(None, 10, 16)")]
    [InlineData("keras.ops.stack([x, x], axis=1)", "(None, 2, 10, 8)")]
    [InlineData("keras.ops.sqrt(keras.ops.square(x) + 1e-6)", "(None, 10, 8)")]
    [InlineData("x > 0.5", "(None, 10, 8)")]
    [InlineData("-abs(x) ** 2", "(None, 10, 8)")]
    [InlineData("x * v", "(None, 10, 8)")]                     // 1 stretches to 10
    [InlineData("x + [1.0, 2.0, 3.0]", "(None, 10, 8)")]       // keras 3 takes a list's shape as (): getattr(x, 'shape', [])
    public void Keras3_Output_Shapes(string expression, string shape)
    {
        var m = Py.Single($"import keras\nx = keras.Input((10, 8))\nw = keras.Input((8, 3))\nv = keras.Input((1, 8))\ny = {expression}\nmodel = keras.Model([x, w, v], y)\n");
        Assert.Equal(shape, m.Outputs[0].Shape.ToString());
    }

    [Theory]
    [InlineData("tf.squeeze(x[:, :1], axis=1)", "tf.compat.v1.squeeze", "(None, 8)")]
    [InlineData("tf.transpose(x, perm=[0, 2, 1])", "tf.compat.v1.transpose", "(None, 8, 10)")]
    [InlineData("tf.reduce_sum(x, axis=-1, keepdims=True)", "tf.math.reduce_sum", "(None, 10, 1)")]
    [InlineData("tf.concat([x, x], axis=1)", "tf.concat", "(None, 20, 8)")]
    [InlineData("tf.reshape(x, [-1, 80])", "tf.reshape", "(None, 80)")]
    [InlineData("tf.matmul(x, tf.transpose(x, [0, 2, 1]))", "tf.linalg.matmul", "(None, 10, 10)")]
    [InlineData("tf.matmul(x, x, transpose_b=True)", "tf.linalg.matmul", "(None, 10, 10)")]   // (10, 8) · (8, 10)
    [InlineData("tf.matmul(x, x, transpose_a=True)", "tf.linalg.matmul", "(None, 8, 8)")]     // (8, 10) · (10, 8)
    [InlineData("tf.nn.relu(x)", "tf.nn.relu", "(None, 10, 8)")]
    [InlineData("tf.math.sigmoid(x)", "tf.math.sigmoid", "(None, 10, 8)")]
    [InlineData("x + [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]", "tf.__operators__.add", "(None, 10, 8)")]
    public void TfKeras_Output_Shapes_And_Names(string expression, string name, string shape)
    {
        var m = Py.Single($"import tensorflow as tf\nx = tf.keras.Input((10, 8))\ny = {expression}\nmodel = tf.keras.Model(x, y)\n", TfKeras);
        var producer = m.Outputs[0].Node.Layer;
        Assert.Equal(name, producer.Name);
        Assert.Equal(shape, m.Outputs[0].Shape.ToString());
    }

    [Fact]
    public void Split_Gives_One_Tensor_Per_Piece()
    {
        var m = Py.Single("""
            import keras
            x = keras.Input((12,))
            a, b, c = keras.ops.split(x, 3, axis=-1)
            d, e = keras.ops.split(x, [4], axis=1)
            model = keras.Model(x, [a, b, c, d, e])
            """);
        Assert.Equal(["(None, 4)", "(None, 4)", "(None, 4)", "(None, 4)", "(None, 8)"], m.Outputs.Select(t => t.Shape.ToString()));
        var t = Py.Single("""
            import tensorflow as tf
            x = tf.keras.Input((12,))
            a, b = tf.split(x, [5, -1], axis=1)
            model = tf.keras.Model(x, [a, b])
            """, TfKeras);
        Assert.Equal(["(None, 5)", "(None, 7)"], t.Outputs.Select(o => o.Shape.ToString()));
        Assert.Equal("tf.split", t.Outputs[0].Node.Layer.Name);
    }

    [Theory]
    [InlineData("keras.Input((4,)) + keras.Input((5,))", "cannot broadcast", 2)]
    [InlineData("keras.Input((10,))[:, 10]", "out of bounds", 2)]
    [InlineData("keras.ops.reshape(keras.Input((3, 3), batch_size=2), (-1, 4))", "cannot reshape", 2)] // 2 · 3 · 3 = 18 is not a multiple of 4
    [InlineData("keras.ops.squeeze(keras.Input((10,)), axis=1)", "not 1", 2)]
    [InlineData("keras.ops.matmul(keras.Input((3, 4)), keras.Input((5, 2)))", "inner sizes 4 and 5", 2)]
    [InlineData("keras.ops.einsum('ij->ji', keras.Input((3,)))", "has no attribute 'einsum'", 2)]
    [InlineData("keras.ops.split(keras.Input((8,)), 3000000000, axis=0)[0]", "3,000,000,000 sections are more than the 1,024", 2)]
    [InlineData("keras.ops.split(keras.Input((8,)), 200000000, axis=0)[0]", "200,000,000 sections are more than the 1,024", 2)]
    [InlineData("keras.ops.split(keras.Input((8,)), 2**70, axis=0)[0]", "1180591620717411303424 sections", 2)]
    public void Shape_Errors_Are_Errors_Naming_The_Line(string expression, string message, int line)
    {
        var e = Py.Error($"import keras\ny = {expression}\n");
        Assert.Contains(message, e.Message);
        Assert.Contains($"line {line}", e.Message);
    }

    /// <summary>Names keras.ops does not export (<c>keras/api/ops/__init__.py</c>: no pow, truediv, floordiv,
    /// squared_difference or l2_normalize) are missing attributes, as in Keras 3, not operations made up here.</summary>
    [Theory]
    [InlineData("pow")]
    [InlineData("truediv")]
    [InlineData("floordiv")]
    [InlineData("squared_difference")]
    [InlineData("l2_normalize")]
    public void Keras3_Ops_Has_Only_The_Functions_Keras_Exports(string name)
    {
        var e = Py.Error($"import keras\nx = keras.Input((3,))\ny = keras.ops.{name}(x, x)\n");
        Assert.Contains($"has no attribute '{name}'", e.Message);
        Assert.Contains("line 3", e.Message);
    }

    /// <summary>tf.keras' <c>x != y</c> dispatches <c>tf.Tensor.__ne__</c>, whose recorded function changed across TensorFlow
    /// releases: it is refused rather than named; <c>tf.math.not_equal</c> records <c>tf.math.not_equal</c>.</summary>
    [Fact]
    public void TfKeras_NotEqual_Operator_Is_Refused_And_The_Function_Is_Recorded()
    {
        var e = Py.Error("import tensorflow as tf\nx = tf.keras.Input((3,))\ny = x != 1.0\n", version: TfKeras);
        Assert.Contains("not supported", e.Message);
        var m = Py.Single("import tensorflow as tf\nx = tf.keras.Input((3,))\nmodel = tf.keras.Model(x, tf.math.not_equal(x, 1.0))\n", TfKeras);
        Assert.Equal("tf.math.not_equal", m.Outputs[0].Node.Layer.Name);
        Assert.Equal("(None, 3)", m.Outputs[0].Shape.ToString());
    }

    /// <summary>Python: <c>len(range(8)[::2**63 - 1])</c>, <c>len(range(8)[::-2**63])</c> and <c>len(range(8)[::2**70])</c>
    /// are all 1; a step past 64 bits or at the negative limit is read, not an overflow.</summary>
    [Fact]
    public void Huge_Slice_Steps_Keep_One_Element()
    {
        var m = Py.Single("""
            import keras
            x = keras.Input((8,))
            model = keras.Model(x, [x[:, ::2**63 - 1], x[:, ::-2**63], x[:, ::2**70]])
            """);
        Assert.Equal(["(None, 1)", "(None, 1)", "(None, 1)"], m.Outputs.Select(t => t.Shape.ToString()));
    }

    [Fact]
    public void Keras3_Refuses_TensorFlow_Functions_On_Keras_Tensors()
    {
        var e = Py.Error("import tensorflow as tf\nimport keras\nx = keras.Input((3,))\ny = tf.reduce_mean(x, axis=1)\n");
        Assert.Contains("line 4", e.Message);
        Assert.Contains("keras.ops", e.Message);
    }

    [Fact]
    public void Standalone_Keras_2_Arithmetic_Is_The_Error_Keras_Gave()
    {
        var e = Py.Error("from keras.layers import Input, Dense\nx = Input((3,))\ny = Dense(2)(x)\nz = y / 255.0\n", version: KerasVersion.Parse("2.2.4"));
        Assert.Contains("line 4", e.Message);
        Assert.Contains("Output tensors to a Model must be the output of a Keras", e.Message);
    }

    [Fact]
    public void Summaries_Print_Operation_Rows_With_Zero_Parameters()
    {
        const string code = """
            import tensorflow as tf
            from tensorflow import keras
            x = keras.Input((6,))
            y = keras.layers.Dense(3)(x / 255.0)
            keras.Model(x, y).summary()
            """;
        var keras3 = Py.Output(code);
        Assert.Matches(@"│ true_divide \(TrueDivide\)\s+│ \(None, 6\)\s+│\s+0 │", keras3);
        var keras2 = Py.Output(code, TfKeras);
        // The first column is 25 characters wide: the rest of the name goes on the next line.
        Assert.Matches(@"\n tf\.math\.truediv \(TFOpLambd\s+\(None, 6\)\s+0\s*\n a\)", keras2);
        Assert.Contains("Total params: 21", keras2); // 6 · 3 + 3
    }

    [Fact]
    public void Activation_Functions_On_Tensors_Are_Operations_And_As_Arguments_Are_Names()
    {
        const string code = """
            import tensorflow as tf
            from tensorflow import keras
            x = keras.Input((4,))
            a = keras.activations.relu(x)
            b = keras.activations.sigmoid(a)
            c = keras.activations.linear(b)
            d = keras.layers.Dense(2, activation=tf.nn.softmax)(c)
            model = keras.Model(x, d)
            print(model.layers[-1].get_config()['activation'], c is b)
            """;
        var keras3 = Py.Run(code);
        Assert.Null(keras3.StoppedBy);
        // keras.activations.relu has an operation class of its own, ReLU (auto-named re_lu); sigmoid calls ops.sigmoid.
        Assert.Equal(["input_layer", "re_lu", "sigmoid", "dense"], keras3.TopLevelModels[0].Layers.Select(l => l.Name));
        Assert.Equal("softmax True\n", keras3.Printed);
        var tfKeras = Py.Run(code, TfKeras);
        Assert.Null(tfKeras.StoppedBy);
        Assert.Equal(["input_1", "tf.nn.relu", "tf.math.sigmoid", "dense"], tfKeras.TopLevelModels[0].Layers.Select(l => l.Name));
    }

    [Fact]
    public void Lambda_Layers_Run_Their_Function_For_The_Output_Shape()
    {
        var m = Py.Single("""
            import keras
            from keras import layers, ops
            a = keras.Input((10, 8))
            b = keras.Input((10, 8))
            last = layers.Lambda(lambda t: t[:, -1])(a)                              # (None, 8)
            both = layers.Lambda(lambda ts: ops.concatenate(ts, axis=-1))([a, b])     # (None, 10, 16)
            scaled = layers.Lambda(lambda t, k: t * k, arguments={'k': 2.0})(last)    # (None, 8)
            pooled = layers.Lambda(lambda t: ops.mean(t, axis=1))(both)               # (None, 16)
            model = keras.Model([a, b], layers.Concatenate()([scaled, pooled]))
            """);
        Assert.Equal("(None, 24)", m.Outputs[0].Shape.ToString()); // 8 + 16
        // The operations inside the functions are no rows of the model.
        Assert.Equal(4, m.Layers.Count(l => l.ClassName == "Lambda"));
        Assert.DoesNotContain(m.Layers, l => l.ClassName is "GetItem" or "Mean" or "Multiply");
        Assert.Equal(2 + 4 + 1, m.Layers.Count);
    }

    [Fact]
    public void Lambda_In_A_Standalone_Keras_Sequential_With_Backend_Functions()
    {
        var m = Py.Single("""
            from keras.models import Sequential
            from keras.layers import Lambda, Conv2D, Flatten, Dense
            from keras import backend as K
            model = Sequential()
            model.add(Lambda(lambda x: K.expand_dims(x, axis=-1), input_shape=(28, 28)))
            model.add(Conv2D(4, 3))
            model.add(Flatten())
            model.add(Dense(1))
            """, KerasVersion.Parse("2.2.4"));
        Assert.Equal("(None, 28, 28, 1)", m.Layers[0].InboundNodes[0].Outputs[0].Shape.ToString()); // a channel axis added
        const long conv = 3 * 3 * 1 * 4 + 4, dense = 26 * 26 * 4 + 1; // 28 - 3 + 1 = 26
        Py.AssertCounts(m, conv + dense, conv + dense);
    }
}
