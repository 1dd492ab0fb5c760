using ParamLens.Accounting;

namespace ParamLens.Python.Tests;

/// <summary>More model programs in everyday styles; each expected count is the hand arithmetic in the comment.</summary>
public class ProgramTests
{
    public static TheoryData<string, string, long, long> Programs => new()
    {
        {
            "conv1d text classifier", """
            from keras.layers import Input, Conv1D, GlobalMaxPooling1D, Dense
            from keras.models import Model
            inp = Input(shape=(100, 8))
            x = Conv1D(16, 5, activation='relu')(inp)
            x = GlobalMaxPooling1D()(x)
            model = Model(inp, Dense(1, activation='sigmoid')(x))
            """, (5 * 8 + 1) * 16 + (16 + 1), (5 * 8 + 1) * 16 + (16 + 1)
        },
        {
            "conv3d volume", """
            import keras
            inp = keras.Input((8, 8, 8, 1))
            x = keras.layers.Conv3D(4, 3)(inp)
            x = keras.layers.Flatten()(x)
            model = keras.Model(inp, keras.layers.Dense(2)(x))
            """, (27 + 1) * 4 + (6 * 6 * 6 * 4 * 2 + 2), (27 + 1) * 4 + (6 * 6 * 6 * 4 * 2 + 2)
        },
        {
            "transposed-convolution decoder", """
            from tensorflow.keras import layers, Model, Input
            z = Input((7, 7, 16))
            x = layers.Conv2DTranspose(8, 3, strides=2, padding='same', activation='relu')(z)
            out = layers.Conv2D(1, 3, padding='same', activation='sigmoid')(x)
            decoder = Model(z, out, name='decoder')
            """, (3 * 3 * 16 * 8 + 8) + (3 * 3 * 8 + 1), (3 * 3 * 16 * 8 + 8) + (3 * 3 * 8 + 1)
        },
        {
            "keras 2 pima mlp with input_dim", """
            from keras.models import Sequential
            from keras.layers import Dense
            model = Sequential()
            model.add(Dense(12, input_dim=8, activation='relu'))
            model.add(Dense(8, activation='relu'))
            model.add(Dense(1, activation='sigmoid'))
            model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
            """, (8 * 12 + 12) + (12 * 8 + 8) + (8 + 1), (8 * 12 + 12) + (12 * 8 + 8) + (8 + 1)
        },
        {
            "no bias and batch norm without center", """
            import keras
            model = keras.Sequential([
                keras.layers.Dense(10, use_bias=False, input_shape=(5,)),
                keras.layers.BatchNormalization(center=False),
            ])
            """, 5 * 10 + 3 * 10, 5 * 10 + 10
        },
        {
            "siamese network with a shared layer", """
            from keras import layers, Model, Input
            shared = layers.Dense(16, activation='relu')
            a = Input((8,))
            b = Input((8,))
            diff = layers.subtract([shared(a), shared(b)])
            model = Model([a, b], layers.Dense(1)(diff))
            """, (8 * 16 + 16) + (16 + 1), (8 * 16 + 16) + (16 + 1)
        },
        {
            "leaky relu with keras 2 alpha", """
            from keras.models import Sequential
            from keras.layers import Dense, LeakyReLU, ReLU
            model = Sequential([Dense(4, input_shape=(3,)), LeakyReLU(alpha=0.1), Dense(2), ReLU()])
            """, (3 * 4 + 4) + (4 * 2 + 2), (3 * 4 + 4) + (4 * 2 + 2)
        },
        {
            "config dict and keyword unpacking", """
            from keras.layers import Input, Dense, Dropout
            from keras.models import Model
            cfg = {'units': [64, 32], 'dropout': 0.1, 'activation': 'relu'}
            def build(input_dim, units, dropout, activation, **kw):
                inp = Input(shape=(input_dim,))
                x = inp
                for i, u in enumerate(units):
                    x = Dense(u, activation=activation, name=f'hidden_{i}')(x)
                    x = Dropout(dropout)(x)
                return Model(inp, Dense(1)(x))
            model = build(20, **cfg)
            """, (20 * 64 + 64) + (64 * 32 + 32) + (32 + 1), (20 * 64 + 64) + (64 * 32 + 32) + (32 + 1)
        },
        {
            "autoencoder with a nested encoder model", """
            import keras
            ei = keras.Input((10,))
            encoder = keras.Model(ei, keras.layers.Dense(4, activation='relu')(ei), name='encoder')
            inp = keras.Input((10,))
            autoencoder = keras.Model(inp, keras.layers.Dense(10)(encoder(inp)), name='autoencoder')
            """, (10 * 4 + 4) + (4 * 10 + 10), (10 * 4 + 4) + (4 * 10 + 10)
        },
        {
            "keras 3 ops reshape", """
            import keras
            from keras import ops
            inp = keras.Input((4, 4))
            flat = ops.reshape(inp, (-1, 16))
            model = keras.Model(inp, keras.layers.Dense(2)(flat))
            """, 16 * 2 + 2, 16 * 2 + 2
        },
        {
            "builder class that is not a keras class", """
            import keras
            from keras import layers
            class Builder:
                def __init__(self, width):
                    self.width = width
                def block(self, x):
                    return layers.Dense(self.width, activation='relu')(x)
                def build(self, depth=2):
                    inp = keras.Input((6,))
                    x = inp
                    for _ in range(depth):
                        x = self.block(x)
                    return keras.Model(inp, x)
            model = Builder(5).build()
            """, (6 * 5 + 5) + (5 * 5 + 5), (6 * 5 + 5) + (5 * 5 + 5)
        },
        {
            "padding then strided convolution", """
            from keras.layers import Input, ZeroPadding2D, Conv2D, GlobalAveragePooling2D, Dense
            from keras.models import Model
            i = Input((10, 10, 3))
            x = ZeroPadding2D(1)(i)
            x = Conv2D(8, 3, strides=2)(x)
            x = GlobalAveragePooling2D()(x)
            m = Model(i, Dense(3, activation='softmax')(x))
            """, (3 * 3 * 3 + 1) * 8 + (8 * 3 + 3), (3 * 3 * 3 + 1) * 8 + (8 * 3 + 3)
        },
        {
            "two paths concatenated on the feature axis", """
            from keras import layers, Input, Model
            i = Input((8, 8, 2))
            a = layers.Flatten()(layers.AveragePooling2D(2)(i))
            b = layers.Flatten()(i)
            m = Model(i, layers.Dense(1)(layers.Concatenate(axis=1)([a, b])))
            """, (4 * 4 * 2 + 8 * 8 * 2) + 1, (4 * 4 * 2 + 8 * 8 * 2) + 1
        },
        {
            "freezing a base model layer by layer", """
            import keras
            bi = keras.Input((6,))
            base = keras.Model(bi, keras.layers.Dense(4)(keras.layers.Dense(4)(bi)), name='base')
            for layer in base.layers:
                layer.trainable = False
            inp = keras.Input((6,))
            model = keras.Model(inp, keras.layers.Dense(1)(base(inp)), name='head')
            """, (6 * 4 + 4) + (4 * 4 + 4) + (4 + 1), 4 + 1
        },
        {
            "activation objects and tf.keras aliases", """
            import tensorflow as tf
            from tensorflow.keras import activations
            m = tf.keras.Sequential()
            m.add(tf.keras.layers.Dense(3, activation=activations.relu, input_shape=(2,)))
            m.add(tf.keras.layers.Dense(2, activation=tf.nn.softmax))
            """, (2 * 3 + 3) + (3 * 2 + 2), (2 * 3 + 3) + (3 * 2 + 2)
        },
        {
            "average and maximum merges of three branches", """
            from keras.layers import Input, Dense, average, maximum
            from keras.models import Model
            i = Input((4,))
            branches = [Dense(3)(i) for _ in range(3)]
            m = Model(i, Dense(1)(average([maximum(branches[:2]), branches[2]])))
            """, 3 * (4 * 3 + 3) + (3 + 1), 3 * (4 * 3 + 3) + (3 + 1)
        },
    };

    [Theory]
    [MemberData(nameof(Programs))]
    public void Program_Counts(string style, string code, long total, long trainable)
    {
        var run = Py.Run(code);
        Assert.True(run.StoppedBy is null, $"{style}: {run.StoppedBy?.Message}");
        var account = ModelAccount.Of(Assert.Single(run.TopLevelModels));
        Assert.Equal(total, account.TotalParams);
        Assert.Equal(trainable, account.TrainableParams);
    }

    [Fact]
    public void Activation_Functions_Become_Their_Names_In_The_Config()
    {
        var run = Py.Run("import keras\nm = keras.Sequential([keras.layers.Dense(3, activation=keras.activations.relu, input_shape=(2,))])\n");
        Assert.Equal("relu", run.Models[0].Layers[0].Config!.String("activation"));
    }
}

public class LayerArgumentTests
{
    private static IReadOnlyList<string> Positional(string className, string version) =>
        Layers.LayerCatalog.Find(className)!.Positional.In(Layers.KerasVersion.Parse(version));

    [Fact]
    public void Positional_Order_Follows_The_Keras_Version()
    {
        // Keras 3: Conv2D(filters, kernel_size, strides, padding, data_format, dilation_rate, groups, activation, …)
        Assert.Equal("groups", Positional("Conv2D", "3.0.0")[6]);
        // Keras 2.2.4: no groups, so the seventh is activation
        Assert.Equal("activation", Positional("Conv2D", "2.2.4")[6]);
        // Keras 2 Conv2DTranspose has output_padding after padding; Keras 3 does not
        Assert.Equal("output_padding", Positional("Conv2DTranspose", "2.15.0")[4]);
        Assert.Equal("data_format", Positional("Conv2DTranspose", "3.0.0")[4]);
        // LeakyReLU's one parameter is alpha in Keras 2 and negative_slope in Keras 3
        Assert.Equal(["alpha"], Positional("LeakyReLU", "2.15.0"));
        Assert.Equal(["negative_slope"], Positional("LeakyReLU", "3.0.0"));
    }

    [Fact]
    public void The_binding_reads_the_order_from_the_declaration()
    {
        // Conv2D(8, 3, 2, "same") on 16×16×3: strides 2 with same padding gives ⌈16 / 2⌉ = 8; (3·3·3 + 1)·8 = 224.
        var run = Py.Run("import keras\nm = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Conv2D(8, 3, 2, 'same')])\n");
        var layer = run.Models[0].Layers[0];
        Assert.Equal("same", layer.Config!.String("padding"));
        Assert.Equal(Shapes.Shape.Of(null, 8, 8, 8), layer.InboundNodes[0].Outputs[0].Shape);
        Assert.Equal(224, layer.OwnWeights.Sum(w => w.Shape.ElementCount));
    }
}
