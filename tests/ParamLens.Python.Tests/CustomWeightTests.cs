using ParamLens.Layers;
using ParamLens.Graph;

namespace ParamLens.Python.Tests;

/// <summary>Custom layers and subclassed models that create their own weights with <c>add_weight</c>, and the order in
/// which subclassed models list their layers. Every count is worked out by hand in the test.</summary>
public class CustomWeightTests
{
    private static readonly KerasVersion TfKeras = KerasVersion.Parse("2.15.0");
    private static readonly KerasVersion Standalone = KerasVersion.Parse("2.2.4");

    private static Layer Row(Model m, string name) => m.Layers.Single(l => l.Name == name);
    private static long Params(Layer l) => l.AllWeights.Distinct().Sum(w => w.Count);

    [Fact]
    public void Keras3_Guide_Linear_And_A_Learnable_Scale_With_A_Non_Trainable_Counter()
    {
        var run = Py.Run("""
            import keras
            from keras import layers, ops

            class Linear(layers.Layer):
                def __init__(self, units=32, **kwargs):
                    super().__init__(**kwargs)
                    self.units = units
                    print('init')

                def build(self, input_shape):
                    print('build', type(input_shape).__name__, input_shape)
                    self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
                    self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

                def call(self, inputs):
                    return ops.matmul(inputs, self.w) + self.b

            class Scale(layers.Layer):
                def build(self, input_shape):
                    self.scale = self.add_weight(shape=(), initializer="ones", name="scale")
                    self.count = self.add_weight(shape=(), initializer="zeros", trainable=False, name="count")

                def call(self, x):
                    return x * self.scale

            inp = keras.Input((16,))
            linear = Linear(8)
            print('created')
            x = linear(inp)
            x = Scale()(x)
            model = keras.Model(inp, layers.Dense(1)(x))
            """);
        Assert.Null(run.StoppedBy);
        // Keras 3 builds a layer at its first call, with the input shape as a tuple.
        Assert.Equal("init\ncreated\nbuild tuple (None, 16)\n", run.Printed);
        var m = Assert.Single(run.TopLevelModels);
        var linear = Row(m, "linear");
        Assert.Equal("Linear", linear.ClassName);
        Assert.Equal("(None, 8)", linear.InboundNodes[0].Outputs[0].Shape.ToString());
        Assert.Equal(16 * 8 + 8, Params(linear));
        Assert.Equal(1 + 1, Params(Row(m, "scale")));
        const long total = (16 * 8 + 8) + (1 + 1) + (8 * 1 + 1);
        Py.AssertCounts(m, total, total - 1); // the counter is created non-trainable
    }

    [Fact]
    public void TfKeras_Build_Gets_A_TensorShape_And_Add_Weight_Takes_The_Name_First()
    {
        var run = Py.Run("""
            import tensorflow as tf
            from tensorflow import keras

            class Linear(keras.layers.Layer):
                def __init__(self, units):
                    super(Linear, self).__init__()
                    self.units = units

                def build(self, input_shape):
                    print(input_shape, input_shape[-1], input_shape.as_list(), len(input_shape))
                    self.kernel = self.add_weight("kernel", (int(input_shape[-1]), self.units))
                    self.bias = self.add_weight("bias", shape=[self.units], initializer="zeros")

                def call(self, x):
                    return tf.nn.relu(tf.matmul(x, self.kernel) + self.bias)

            inputs = keras.Input(shape=(10,))
            outputs = keras.layers.Dense(2)(Linear(5)(inputs))
            model = keras.Model(inputs, outputs)
            """, TfKeras);
        Assert.Null(run.StoppedBy);
        Assert.Equal("TensorShape([None, 10]) 10 [None, 10] 2\n", run.Printed);
        var m = Assert.Single(run.TopLevelModels);
        Assert.Equal(10 * 5 + 5, Params(Row(m, "linear")));
        Assert.Equal("(None, 5)", Row(m, "linear").InboundNodes[0].Outputs[0].Shape.ToString());
        Py.AssertCounts(m, (10 * 5 + 5) + (5 * 2 + 2), (10 * 5 + 5) + (5 * 2 + 2));
        // The operations inside call() run on backend tensors: they are no rows of the model.
        Assert.DoesNotContain(m.Layers, l => l.ClassName == "TFOpLambda");
    }

    [Fact]
    public void Standalone_Keras_Documentation_Layer_With_K_Dot()
    {
        var m = Py.Single("""
            from keras import backend as K
            from keras.engine.topology import Layer
            from keras.layers import Input, Dense
            from keras.models import Model

            class MyLayer(Layer):
                def __init__(self, output_dim, **kwargs):
                    self.output_dim = output_dim
                    super(MyLayer, self).__init__(**kwargs)

                def build(self, input_shape):
                    self.kernel = self.add_weight(name='kernel', shape=(input_shape[1], self.output_dim), initializer='uniform', trainable=True)
                    super(MyLayer, self).build(input_shape)

                def call(self, x):
                    return K.dot(x, self.kernel)

                def compute_output_shape(self, input_shape):
                    return (input_shape[0], self.output_dim)

            inp = Input(shape=(20,))
            model = Model(inp, Dense(1)(MyLayer(7)(inp)))
            """, Standalone);
        Assert.Equal(20 * 7, Params(Row(m, "my_layer_1"))); // standalone Keras counts names from 1
        Py.AssertCounts(m, 20 * 7 + (7 + 1), 20 * 7 + (7 + 1));
    }

    [Fact]
    public void Compute_Output_Shape_That_Disagrees_With_Call_Is_An_Error()
    {
        var e = Py.Error("""
            import keras
            class Wrong(keras.layers.Layer):
                def call(self, x):
                    return x
                def compute_output_shape(self, input_shape):
                    return (input_shape[0], 3)
            y = Wrong()(keras.Input((4,)))
            """);
        Assert.Contains("compute_output_shape() gives (None, 3) but its call() gives (None, 4)", e.Message);
        Assert.Contains("line 7", e.Message);
    }

    [Fact]
    public void Positional_Embedding_With_A_Table_Of_Maxlen_By_Dim()
    {
        var m = Py.Single("""
            import keras
            from keras import layers

            class PositionalEmbedding(layers.Layer):
                def __init__(self, maxlen, dim, **kwargs):
                    super().__init__(**kwargs)
                    self.positions = self.add_weight(shape=(maxlen, dim), initializer="uniform", name="positions")

                def call(self, x):
                    return x + self.positions

            maxlen, vocab, dim = 50, 1000, 32
            inp = keras.Input((maxlen,), dtype="int32")
            x = layers.Embedding(vocab, dim)(inp)
            x = PositionalEmbedding(maxlen, dim, name="pos")(x)
            x = layers.GlobalAveragePooling1D()(x)
            model = keras.Model(inp, layers.Dense(1)(x))
            """);
        Assert.Equal("(None, 50, 32)", Row(m, "pos").InboundNodes[0].Outputs[0].Shape.ToString());
        const long total = 1000 * 32 + 50 * 32 + (32 + 1);
        Py.AssertCounts(m, total, total);
    }

    [Fact]
    public void Keras_2_0_Add_Weight_Takes_The_Shape_And_Initializer_First()
    {
        var m = Py.Single("""
            from keras.layers import Layer, Input
            from keras.models import Model
            class Gate(Layer):
                def build(self, input_shape):
                    self.g = self.add_weight((input_shape[-1],), 'ones', 'gate')
                def call(self, x):
                    return x * self.g
            i = Input((6,))
            Model(i, Gate()(i))
            """, KerasVersion.Parse("2.0.8"));
        Py.AssertCounts(m, 6, 6);
        Assert.Equal("gate", m.Layers.Single(l => l.ClassName == "Gate").AllWeights.Single().Name);
    }

    [Fact]
    public void Add_Weight_With_An_Unknown_Size_Is_An_Error()
    {
        var e = Py.Error("""
            import keras
            class Bad(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(shape=(input_shape[0], 3))
                def call(self, x):
                    return x
            Bad()(keras.Input((4,)))
            """);
        Assert.Contains("must be fully defined", e.Message);
        Assert.Contains("line 4", e.Message);
    }

    private const string AttributeOrder = """
        import keras
        from keras import layers

        class Classifier(keras.Model):
            def __init__(self, classes):
                super().__init__()
                self.head = layers.Dense(classes, name="head")          # assigned first, called last
                self.blocks = [layers.Dense(16, name=f"block{i}") for i in range(2)]
                self.dropout = layers.Dropout(0.5, name="drop")
                self.stem = layers.Dense(32, name="stem")                # assigned last, called first
                self.temperature = self.add_weight(shape=(), trainable=False, name="temperature")

            def call(self, x):
                x = self.stem(x)
                for block in self.blocks:
                    x = block(x) + x[:, :16]
                return self.head(self.dropout(x)) / self.temperature

        model = Classifier(3)
        model.build((None, 8))
        print([l.name for l in model.layers])
        """;

    [Theory]
    [InlineData("3.13.0")]
    [InlineData("2.15.0")]
    public void Subclassed_Model_Lists_Layers_In_Attribute_Assignment_Order(string version)
    {
        var run = Py.Run(AttributeOrder, KerasVersion.Parse(version));
        Assert.Null(run.StoppedBy);
        string[] order = ["head", "block0", "block1", "drop", "stem"];
        Assert.Equal($"[{string.Join(", ", order.Select(n => $"'{n}'"))}]\n", run.Printed);
        var m = Assert.Single(run.TopLevelModels);
        Assert.Equal(order, m.Layers.Select(l => l.Name));
        // Rows are only the tracked layers; the model's own scalar counts in the totals, non-trainable.
        const long stem = 8 * 32 + 32, block = 32 * 16 + 16, block1 = 16 * 16 + 16, head = 16 * 3 + 3;
        Py.AssertCounts(m, stem + block + block1 + head + 1, stem + block + block1 + head);
        var explanation = ParamLens.Accounting.Explanation.Of(ParamLens.Accounting.ModelAccount.Of(m));
        Assert.Contains("own weights are in no row: temperature (1)", explanation.RowsDifference);
    }

    [Fact]
    public void Layers_Appended_To_A_Tracked_List_Count_At_The_List_Place()
    {
        var run = Py.Run("""
            import keras
            from keras import layers
            class Tower(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.blocks = []
                    for i in range(3):
                        self.blocks.append(layers.Dense(6, name=f"b{i}"))
                    self.heads = {"out": layers.Dense(2, name="out")}
                def call(self, x):
                    for b in self.blocks:
                        x = b(x)
                    return self.heads["out"](x)
            t = Tower()
            t.build((None, 5))
            print([l.name for l in t.layers])
            """);
        Assert.Null(run.StoppedBy);
        Assert.Equal("['b0', 'b1', 'b2', 'out']\n", run.Printed);
        const long total = (5 * 6 + 6) + 2 * (6 * 6 + 6) + (6 * 2 + 2);
        Py.AssertCounts(Assert.Single(run.TopLevelModels), total, total);
    }

    [Fact]
    public void Operations_Inside_A_Layer_Call_Take_No_Names()
    {
        var m = Py.Single("""
            import keras
            class Double(keras.layers.Layer):
                def call(self, x):
                    return x * 2
            i = keras.Input((3,))
            y = Double()(i) * 3
            model = keras.Model(i, y)
            """);
        Assert.Equal(["input_layer", "double", "multiply"], m.Layers.Select(l => l.Name));
    }
}

/// <summary>Custom layers inside Sequential models, and their automatic names.</summary>
public class CustomLayerInSequentialTests
{
    private const string Scale = """
        import keras
        from keras import layers
        class Scale(layers.Layer):
            def build(self, input_shape):
                self.s = self.add_weight(shape=(input_shape[-1],), initializer="ones")
            def call(self, x):
                return x * self.s
        """;

    [Fact]
    public void A_Custom_Layer_Is_Built_From_The_Shape_That_Reaches_It()
    {
        var run = Py.Run(Scale + "\n" + """
            a = keras.Sequential([keras.Input((5,)), layers.Dense(4), Scale(), layers.Dense(2)])
            b = keras.Sequential([layers.Dense(4), Scale(name="sc"), layers.Dense(2)])
            b.build((None, 3))
            c = keras.Sequential([layers.Dense(4, input_shape=(7,)), Scale()])
            """);
        Assert.Null(run.StoppedBy);
        var (a, b, c) = (run.Variables["a"], run.Variables["b"], run.Variables["c"]);
        Py.AssertCounts(a, (5 * 4 + 4) + 4 + (4 * 2 + 2), (5 * 4 + 4) + 4 + (4 * 2 + 2));
        Py.AssertCounts(b, (3 * 4 + 4) + 4 + (4 * 2 + 2), (3 * 4 + 4) + 4 + (4 * 2 + 2));
        Py.AssertCounts(c, (7 * 4 + 4) + 4, (7 * 4 + 4) + 4);
        // A given name takes no automatic number: the third Scale is the second one named automatically.
        Assert.Equal(["scale", "sc", "scale_1"], new[] { a, b, c }.Select(m => m.Layers.Single(l => l.ClassName == "Scale").Name));
    }

    [Fact]
    public void Without_An_Input_Shape_It_Is_A_Clear_Error()
    {
        var e = Py.Error(Scale + "\nm = keras.Sequential([layers.Dense(4), Scale()])\nm.summary()\n");
        Assert.Contains("needs its input shape first", e.Message);
    }
}
