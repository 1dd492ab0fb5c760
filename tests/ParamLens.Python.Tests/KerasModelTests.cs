using ParamLens.Layers;
using ParamLens.Accounting;
using ParamLens.Graph;

namespace ParamLens.Python.Tests;

/// <summary>Model-building programs in the styles found in the wild; every count is worked out by hand in the test.</summary>
public class KerasModelTests
{
    private static void Counts(Model m, long total, long trainable) => Py.AssertCounts(m, total, trainable);

    /// <summary>The founding question's code: the README's example, <c>examples/seed/my_model.py</c>.</summary>
    public static readonly string Founding = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Seed", "my_model.py")).Replace("\r\n", "\n");

    [Fact]
    public void Founding_Model_From_Python()
    {
        var m = Py.Single(Founding);
        Assert.Equal("myModel", m.Name);
        // conv0 (7·7·3 + 1)·32 = 4,736; bn0 4·32 = 128 of which moving mean and variance 2·32 = 64 are not trained;
        // fc: after padding 70, conv 64, pool 32: 32·32·32 = 32,768 inputs, + 1 bias = 32,769.
        const long conv0 = (7 * 7 * 3 + 1) * 32, bn0 = 4 * 32, fc = 32 * 32 * 32 + 1;
        Counts(m, conv0 + bn0 + fc, conv0 + bn0 / 2 + fc);
        Assert.Equal(37_633, conv0 + bn0 + fc);
        Assert.Equal(["input_layer", "zero_padding2d", "conv0", "bn0", "activation", "max_pool", "flatten", "fc"], m.Layers.Select(l => l.Name));
    }

    [Fact]
    public void Founding_Model_In_A_Fresh_Keras_2_2_4_Process_Has_One_Based_Names()
    {
        var m = Py.Single(Founding, KerasVersion.Parse("2.2.4"));
        Assert.Equal(["input_1", "zero_padding2d_1", "conv0", "bn0", "activation_1", "max_pool", "flatten_1", "fc"], m.Layers.Select(l => l.Name));
    }

    [Fact]
    public void Sequential_Mlp_With_Input_Shape_On_The_First_Layer()
    {
        var m = Py.Single("""
            from keras.models import Sequential
            from keras.layers import Dense, Dropout
            model = Sequential()
            model.add(Dense(64, activation='relu', input_shape=(784,)))
            model.add(Dropout(0.2))
            model.add(Dense(10, activation='softmax'))
            """);
        Counts(m, (784 * 64 + 64) + (64 * 10 + 10), (784 * 64 + 64) + (64 * 10 + 10));
        Assert.Equal(ModelKind.Sequential, m.Kind);
    }

    [Fact]
    public void Sequential_Deferred_Build()
    {
        var run = Py.Run("""
            import keras
            model = keras.Sequential([keras.layers.Dense(32), keras.layers.Dense(1)])
            model.build((None, 16))
            print(model.count_params())
            """);
        Assert.Null(run.StoppedBy);
        Assert.Equal($"{16 * 32 + 32 + 32 + 1}\n", run.Printed);
    }

    [Fact]
    public void Sequential_Cnn_With_Input_Object()
    {
        var m = Py.Single("""
            import keras
            from keras import layers
            num_classes = 10
            input_shape = (28, 28, 1)
            model = keras.Sequential(
                [
                    keras.Input(shape=input_shape),
                    layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
                    layers.MaxPooling2D(pool_size=(2, 2)),
                    layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
                    layers.MaxPooling2D(pool_size=(2, 2)),
                    layers.Flatten(),
                    layers.Dropout(0.5),
                    layers.Dense(num_classes, activation="softmax"),
                ]
            )
            """);
        // 28 → conv 26 → pool 13 → conv 11 → pool 5; 5·5·64 = 1,600 flattened.
        const long total = (3 * 3 * 1 + 1) * 32 + (3 * 3 * 32 + 1) * 64 + (5 * 5 * 64 * 10 + 10);
        Counts(m, total, total);
        Assert.Equal(34_826, total);
    }

    [Fact]
    public void Functional_Multiple_Inputs_And_Outputs()
    {
        var m = Py.Single("""
            from tensorflow.keras.layers import Input, Dense, concatenate
            from tensorflow.keras.models import Model
            a = Input(shape=(16,), name='a')
            b = Input(shape=(8,), name='b')
            x = Dense(32, activation='relu')(a)
            y = Dense(32)(b)
            z = concatenate([x, y])
            score = Dense(1, name='score')(z)
            cls = Dense(3, activation='softmax', name='cls')(z)
            model = Model(inputs=[a, b], outputs=[score, cls])
            """);
        const long total = (16 * 32 + 32) + (8 * 32 + 32) + (64 + 1) + (64 * 3 + 3);
        Counts(m, total, total);
        Assert.Equal(2, m.Inputs.Count);
        Assert.Equal(2, m.Outputs.Count);
    }

    [Fact]
    public void Residual_Blocks_Built_In_A_Loop_And_Helper_Function()
    {
        var m = Py.Single("""
            from keras import layers, Model, Input

            def res_block(x, filters, kernel=3):
                shortcut = x
                for i in range(2):
                    x = layers.Conv2D(filters, kernel, padding='same')(x)
                    x = layers.BatchNormalization()(x)
                    if i == 0:
                        x = layers.Activation('relu')(x)
                x = layers.add([shortcut, x])
                return layers.Activation('relu')(x)

            inputs = Input((32, 32, 16))
            x = inputs
            for _ in range(3):
                x = res_block(x, 16)
            x = layers.GlobalAveragePooling2D()(x)
            outputs = layers.Dense(10)(x)
            model = Model(inputs, outputs, name='resnet_mini')
            """);
        const long conv = (3 * 3 * 16 + 1) * 16, bn = 4 * 16, block = 2 * conv + 2 * bn, dense = 16 * 10 + 10;
        Counts(m, 3 * block + dense, 3 * block + dense - 3 * 2 * (2 * 16));
    }

    [Fact]
    public void Small_UNet_With_Skip_Connections()
    {
        var m = Py.Single("""
            from keras.layers import Input, Conv2D, MaxPooling2D, UpSampling2D, concatenate
            from keras.models import Model
            def conv(x, f):
                return Conv2D(f, 3, padding='same', activation='relu')(x)
            inp = Input((64, 64, 1))
            c1 = conv(inp, 8)
            p1 = MaxPooling2D()(c1)
            c2 = conv(p1, 16)
            u1 = UpSampling2D()(c2)
            m1 = concatenate([u1, c1], axis=-1)
            c3 = conv(m1, 8)
            out = Conv2D(1, 1, activation='sigmoid')(c3)
            unet = Model(inp, out)
            """);
        // concatenated channels: 16 + 8 = 24
        const long total = (9 * 1 + 1) * 8 + (9 * 8 + 1) * 16 + (9 * 24 + 1) * 8 + (8 + 1);
        Counts(m, total, total);
    }

    [Fact]
    public void Subclassed_Model_Built_By_Build()
    {
        var run = Py.Run("""
            import keras
            from keras import layers

            class MLP(keras.Model):
                def __init__(self, hidden=20, **kwargs):
                    super().__init__(**kwargs)
                    self.hidden = layers.Dense(hidden, activation='relu')
                    self.out = layers.Dense(5)

                def call(self, inputs, training=False):
                    return self.out(self.hidden(inputs))

            model = MLP()
            model.build((None, 10))
            print(model.name, len(model.layers), model.count_params())
            """);
        Assert.Null(run.StoppedBy);
        const long total = (10 * 20 + 20) + (20 * 5 + 5);
        Assert.Equal($"mlp 2 {total}\n", run.Printed);
        var m = Assert.Single(run.TopLevelModels);
        Assert.Equal("MLP", m.ClassName);
        Counts(m, total, total);
    }

    [Fact]
    public void Subclassed_Model_Built_From_The_Command_Line_Input_Shape()
    {
        var run = Py.Run("""
            import tensorflow as tf
            class Net(tf.keras.Model):
                def __init__(self):
                    super(Net, self).__init__(name='net')
                    self.d = tf.keras.layers.Dense(3)
                def call(self, x):
                    return self.d(x)
            net = Net()
            """, inputShape: [7]);
        Assert.Null(run.StoppedBy);
        Counts(Assert.Single(run.TopLevelModels), 7 * 3 + 3, 7 * 3 + 3);
    }

    [Fact]
    public void Custom_Layer_Shows_As_One_Layer_With_Its_Sublayers_Parameters()
    {
        var m = Py.Single("""
            import keras
            from keras import layers
            class Block(layers.Layer):
                def __init__(self, units, **kwargs):
                    super().__init__(**kwargs)
                    self.a = layers.Dense(units)
                    self.b = layers.Dense(units)
                def call(self, x):
                    return self.a(x) + self.b(x)
            inp = keras.Input((4,))
            out = Block(6, name='block')(inp)
            model = keras.Model(inp, out)
            """);
        var block = Assert.IsType<Model>(m.Layers.Single(l => l.Name == "block"));
        Assert.Equal("Block", block.ClassName);
        Counts(m, 2 * (4 * 6 + 6), 2 * (4 * 6 + 6));
    }

    [Fact]
    public void Transfer_Learning_With_A_Frozen_Nested_Model()
    {
        var m = Py.Single("""
            from tensorflow import keras
            base = keras.Sequential([keras.layers.Dense(8, input_shape=(4,)), keras.layers.Dense(8)], name='base')
            base.trainable = False
            inputs = keras.Input(shape=(4,))
            x = base(inputs, training=False)
            outputs = keras.layers.Dense(2)(x)
            model = keras.Model(inputs, outputs)
            """);
        const long frozen = (4 * 8 + 8) + (8 * 8 + 8), head = 8 * 2 + 2;
        Counts(m, frozen + head, head);
    }

    [Fact]
    public void Tf_Keras_Tutorial_Style()
    {
        var m = Py.Single("""
            import tensorflow as tf
            model = tf.keras.models.Sequential([
              tf.keras.layers.Flatten(input_shape=(28, 28)),
              tf.keras.layers.Dense(128, activation='relu'),
              tf.keras.layers.Dropout(0.2),
              tf.keras.layers.Dense(10)
            ])
            model.compile(optimizer='adam', loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=['accuracy'])
            """);
        Counts(m, (784 * 128 + 128) + (128 * 10 + 10), (784 * 128 + 128) + (128 * 10 + 10));
    }

    [Fact]
    public void Keras_2_Style_With_Dataset_Shapes_And_Fit_After_Summary()
    {
        var run = Py.Run("""
            from keras.datasets import mnist
            from keras.models import Sequential
            from keras.layers import Dense, Convolution2D, MaxPooling2D, Flatten
            from keras.utils import to_categorical
            (x_train, y_train), (x_test, y_test) = mnist.load_data()
            x_train = x_train.reshape(x_train.shape[0], 28, 28, 1).astype('float32') / 255
            y_train = to_categorical(y_train, 10)
            model = Sequential()
            model.add(Convolution2D(16, (3, 3), activation='relu', input_shape=x_train.shape[1:]))
            model.add(MaxPooling2D(pool_size=(2, 2)))
            model.add(Flatten())
            model.add(Dense(y_train.shape[1], activation='softmax'))
            model.compile(loss='categorical_crossentropy', optimizer='adam')
            model.summary()
            model.fit(x_train, y_train, epochs=1)
            """, KerasVersion.Parse("2.2.4"));
        Assert.Null(run.StoppedBy); // fit trains nothing here and returns an unknown value
        var m = Assert.Single(run.Reported);
        Assert.Equal(["conv2d_1", "max_pooling2d_1", "flatten_1", "dense_1"], m.Layers.Select(l => l.Name));
        // 28 → 26 → 13: 13·13·16 = 2,704 inputs to the dense layer
        Counts(m, (9 + 1) * 16 + (13 * 13 * 16 * 10 + 10), (9 + 1) * 16 + (13 * 13 * 16 * 10 + 10));
    }

    [Fact]
    public void Frozen_Layer_And_Get_Layer()
    {
        var run = Py.Run("""
            import keras
            inp = keras.Input((3,))
            h = keras.layers.Dense(4, name='h')(inp)
            out = keras.layers.Dense(2, name='out')(h)
            model = keras.Model(inp, out)
            model.get_layer('h').trainable = False
            print(model.get_layer('out').count_params(), [l.name for l in model.layers], model.layers[1].trainable)
            print(model.get_layer('h').output_shape if False else model.get_layer('h').output.shape)
            """);
        Assert.Null(run.StoppedBy);
        Assert.Equal("10 ['input_layer', 'h', 'out'] False\n(None, 4)\n", run.Printed);
        Counts(Assert.Single(run.TopLevelModels), (3 * 4 + 4) + (4 * 2 + 2), 4 * 2 + 2);
    }

    [Fact]
    public void Tensor_Arithmetic_Records_Keras3_Operations()
    {
        var m = Py.Single("""
            import keras
            a = keras.Input((5,))
            b = keras.Input((5,))
            s = a + b
            d = keras.ops.multiply(s, a)
            model = keras.Model([a, b], d)
            """);
        Assert.Equal(["Add", "Multiply"], m.Layers.Where(l => l.ClassName is not "InputLayer").Select(l => l.ClassName));
        // Keras 3 records operations (keras.ops.Add), not the merge layers of the same class names.
        Assert.All(m.Layers.Where(l => l.ClassName is not "InputLayer"), l => Assert.IsAssignableFrom<ParamLens.Layers.TensorOpDeclaration>(l.Declaration));
    }

    [Fact]
    public void Positional_Arguments_Fill_The_Leading_Config_Keys_And_Config_Objects_Are_Carried()
    {
        var m = Py.Single("""
            from keras import layers, regularizers, initializers, Input, Model
            i = Input((9, 9, 2))
            c = layers.Conv2D(4, (3, 3), (2, 2), 'same', kernel_regularizer=regularizers.l2(0.01),
                              kernel_initializer=initializers.HeNormal(seed=1), name='c')(i)
            Model(i, c)
            """);
        var config = m.Layers.Single(l => l.Name == "c").Config!;
        Assert.Equal([2L, 2L], config.Tuple("strides", 2));
        Assert.Equal("same", config.String("padding"));
        Assert.Equal("""{"class_name":"L2","config":{"l2":0.01}}""", config.Raw("kernel_regularizer")!.ToJsonString());
        Assert.Equal("HeNormal", config.Raw("kernel_initializer")!["class_name"]!.GetValue<string>());
        Assert.Equal(5, m.Layers.Single(l => l.Name == "c").InboundNodes[0].Outputs[0].Shape[1]); // ceil(9 / 2)
    }

    [Fact]
    public void Unbuilt_Sequential_Summary_Prints_In_Keras_3_And_Fails_In_Keras_2()
    {
        const string code = "import keras\nm = keras.Sequential([keras.layers.Dense(3)])\nm.summary()\n";
        // Keras 3 never raises for an unbuilt model: its rows are "?" and "0 (unbuilt)", its totals 0 (reference §3.4, example D).
        var printed = Py.Output(code);
        Assert.Contains("│ dense (Dense)                   │ ?                      │   0 (unbuilt) │", printed);
        Assert.Contains(" Total params: 0 (0.00 B)", printed);
        var e = Py.Error(code, version: KerasVersion.Parse("2.15"));
        Assert.Contains("not built", e.Message);
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void Unknown_Layer_Class_Is_A_Clear_Error() =>
        Assert.Contains("module 'keras.layers' has no attribute 'Frobnicate'", Py.Error("import keras\nkeras.layers.Frobnicate(100)\n").Message);
}
