using ParamLens.Layers;
using ParamLens.Graph;

namespace ParamLens.Python.Tests;

/// <summary>Programs that use the recurrent, attention and transposed-convolution layers: an LSTM text classifier, a
/// transformer block, a U-Net and a bidirectional GRU; every count is worked out by hand in the test.</summary>
public class CatalogProgramTests
{
    private static void Counts(Model m, long total, long trainable) => Py.AssertCounts(m, total, trainable);

    [Fact]
    public void Lstm_Text_Classifier()
    {
        var m = Py.Single("""
            from tensorflow import keras
            from tensorflow.keras import layers

            model = keras.Sequential([
                keras.Input(shape=(100,), dtype="int32"),
                layers.Embedding(input_dim=5000, output_dim=32),
                layers.LSTM(64),
                layers.Dense(1, activation="sigmoid"),
            ])
            """);
        // Embedding 5000·32; LSTM 4 gates · 64 units · (32 inputs + 64 recurrent + 1 bias); Dense 64 + 1
        const long total = 5000 * 32 + 4 * 64 * (32 + 64 + 1) + 65;
        Counts(m, total, total);
    }

    [Fact]
    public void Transformer_Block_With_MultiHeadAttention()
    {
        var m = Py.Single("""
            import keras
            from keras import layers

            def transformer_block(x, embed_dim, num_heads, ff_dim):
                attn = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)(x, x)
                x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, attn]))
                ffn = layers.Dense(ff_dim, activation="relu")(x)
                ffn = layers.Dense(embed_dim)(ffn)
                return layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, ffn]))

            inputs = keras.Input(shape=(200,))
            x = layers.Embedding(20000, 32)(inputs)
            x = transformer_block(x, 32, 2, 32)
            x = layers.GlobalAveragePooling1D()(x)
            outputs = layers.Dense(2, activation="softmax")(x)
            model = keras.Model(inputs=inputs, outputs=outputs)
            """);
        const long embedding = 20000 * 32;
        const long attention = 3 * (32 * 2 * 32 + 2 * 32) + (2 * 32 * 32 + 32); // q, k, v projections, then the output one
        const long norms = 2 * (2 * 32);
        const long ffn = (32 + 1) * 32 + (32 + 1) * 32;
        const long head = (32 + 1) * 2;
        const long total = embedding + attention + norms + ffn + head;
        Counts(m, total, total);
        Assert.Equal(650_722, total);
    }

    [Fact]
    public void Small_UNet_Built_With_Helper_Functions()
    {
        var m = Py.Single("""
            import keras
            from keras import layers

            def conv_block(x, filters):
                for _ in range(2):
                    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
                return x

            def up(x, skip, filters):
                x = layers.Conv2DTranspose(filters, 2, strides=2, padding="same")(x)
                return conv_block(layers.Concatenate()([x, skip]), filters)

            inputs = keras.Input((64, 64, 1))
            c1 = conv_block(inputs, 8)
            c2 = conv_block(layers.MaxPooling2D()(c1), 16)
            bottom = conv_block(layers.MaxPooling2D()(c2), 32)
            x = up(bottom, c2, 16)
            x = up(x, c1, 8)
            outputs = layers.Conv2D(1, 1, activation="sigmoid")(x)
            unet = keras.Model(inputs, outputs, name="unet")
            """);
        static long Conv(long k, long cin, long f) => k * k * cin * f + f;
        var total =
            Conv(3, 1, 8) + Conv(3, 8, 8) +                     // c1
            Conv(3, 8, 16) + Conv(3, 16, 16) +                  // c2
            Conv(3, 16, 32) + Conv(3, 32, 32) +                 // bottom
            (2 * 2 * 16 * 32 + 16) + Conv(3, 16 + 16, 16) + Conv(3, 16, 16) + // up to c2: transpose kernel (2, 2, 16, 32)
            (2 * 2 * 8 * 16 + 8) + Conv(3, 8 + 8, 8) + Conv(3, 8, 8) +         // up to c1
            Conv(1, 8, 1);
        Counts(m, total, total);
        Assert.Equal(29_321, total);
        Assert.Equal(new long?[] { null, 64, 64, 1 }, m.Outputs[0].Shape.ToArray());
    }

    [Fact]
    public void Bidirectional_Gru_With_Keras3_Reset_After()
    {
        var m = Py.Single("""
            from keras.models import Sequential
            from keras.layers import Input, Embedding, Bidirectional, GRU, Dense
            model = Sequential()
            model.add(Input((50,)))
            model.add(Embedding(10000, 64))
            model.add(Bidirectional(GRU(32)))
            model.add(Dense(1))
            """);
        // GRU(32) on 64 features, reset_after: 3 gates · 32 · (64 + 32) + 2 bias rows of 3 · 32; twice (forward, backward)
        const long gru = 3 * 32 * (64 + 32) + 2 * 3 * 32;
        const long total = 10000 * 64 + 2 * gru + (2 * 32 + 1);
        Counts(m, total, total);
    }

    /// <summary>Keras 3 lists a subclassed model's tracked layers only (no InputLayer) and prints it like a Sequential one.</summary>
    [Fact]
    public void Subclassed_Model_Summary_Lists_Its_Layers_Only()
    {
        var printed = Py.Output("""
            import keras
            from keras import layers

            class MyModel(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.dense1 = layers.Dense(32, activation="relu")
                    self.dense2 = layers.Dense(10)

                def call(self, inputs):
                    return self.dense2(self.dense1(inputs))

            model = MyModel()
            model.build((None, 784))
            model.summary()
            """);
        // 784·32 + 32 = 25,120 and 32·10 + 10 = 330; 25,450 · 4 B = 101,800 B = 99.41 KB
        Assert.Equal("""
            Model: "my_model"
            ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
            ┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
            ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
            │ dense (Dense)                   │ (None, 32)             │        25,120 │
            ├─────────────────────────────────┼────────────────────────┼───────────────┤
            │ dense_1 (Dense)                 │ (None, 10)             │           330 │
            └─────────────────────────────────┴────────────────────────┴───────────────┘
             Total params: 25,450 (99.41 KB)
             Trainable params: 25,450 (99.41 KB)
             Non-trainable params: 0 (0.00 B)

            """, printed);
    }

    /// <summary>tf.keras never calls a subclassed model's layers on symbolic tensors: every row's shape is "multiple".</summary>
    [Fact]
    public void Subclassed_Model_In_Keras2_Prints_Multiple()
    {
        var printed = Py.Output("""
            import tensorflow as tf

            class Net(tf.keras.Model):
                def __init__(self):
                    super().__init__()
                    self.hidden = tf.keras.layers.Dense(16)
                    self.out = tf.keras.layers.Dense(1)

                def call(self, x):
                    return self.out(self.hidden(x))

            net = Net()
            net.build((None, 8))
            net.summary()
            """, KerasVersion.Parse("2.9.0"));
        // K2-mid rows, 65 columns: 8·16 + 16 = 144 and 16 + 1 = 17
        Assert.Contains(" dense (Dense)               multiple                  144       \n", printed);
        Assert.Contains(" dense_1 (Dense)             multiple                  17        \n", printed);
    }

    /// <summary>Keras 3.10's RandomErasing(factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255), seed=None,
    /// data_format=None): arguments by position, the image unchanged in shape, no weights; Dense 32·32·3·10 + 10.</summary>
    [Fact]
    public void Random_Erasing_Augmentation_Takes_Its_Arguments_By_Position()
    {
        var m = Py.Single("""
            import keras
            model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.RandomErasing(0.5, (0.02, 0.2)),
                                      keras.layers.Flatten(), keras.layers.Dense(10)])
            """);
        var erasing = m.Layers[0];
        Assert.Equal("RandomErasing", erasing.ClassName);
        Assert.Equal(0.5, erasing.Config!.Raw("factor")!.GetValue<double>());
        Assert.Equal(2, erasing.Config.Raw("scale")!.AsArray().Count);
        Assert.Equal(ParamLens.Shapes.Shape.Of(null, 32, 32, 3), erasing.InboundNodes[0].Outputs[0].Shape);
        Counts(m, 32 * 32 * 3 * 10 + 10, 32 * 32 * 3 * 10 + 10);
    }

    /// <summary>tf.keras 2.3+ kept the preprocessing layers under layers.experimental.preprocessing: the augmentations
    /// keep the image's shape and have no weights; Dense 8·8·3·2 + 2.</summary>
    [Fact]
    public void Tf_Keras_Experimental_Preprocessing_Path()
    {
        var m = Py.Single("""
            import tensorflow as tf
            from tensorflow.keras.layers.experimental.preprocessing import RandomFlip, RandomRotation
            model = tf.keras.Sequential([tf.keras.Input((8, 8, 3)), RandomFlip('horizontal'), RandomRotation(0.2),
                                         tf.keras.layers.Flatten(), tf.keras.layers.Dense(2)])
            """, KerasVersion.Parse("2.6.0"));
        Assert.Equal(["RandomFlip", "RandomRotation", "Flatten", "Dense"], m.Layers.Select(l => l.ClassName));
        Counts(m, 8 * 8 * 3 * 2 + 2, 8 * 8 * 3 * 2 + 2);
    }

    private static long Conv3x3(long inChannels, long filters) => (3 * 3 * inChannels + 1) * filters;

    /// <summary>VGG16's convolutional base (13 3×3 convolutions, 5 pools): 14,714,688 parameters.</summary>
    private static readonly long Vgg16Base = Conv3x3(3, 64) + Conv3x3(64, 64) + Conv3x3(64, 128) + Conv3x3(128, 128)
        + Conv3x3(128, 256) + 2 * Conv3x3(256, 256) + Conv3x3(256, 512) + 2 * Conv3x3(512, 512) + 3 * Conv3x3(512, 512);

    /// <summary>The transfer-learning pattern: a frozen VGG16 base without its top on 150×150 images (five halvings:
    /// 150 → 75 → 37 → 18 → 9 → 4), flattened to 4·4·512 = 8,192 values, and a new head.</summary>
    [Fact]
    public void Frozen_Vgg16_Base_Under_A_New_Head()
    {
        var m = Py.Single("""
            import tensorflow as tf
            from tensorflow.keras.applications import VGG16
            base = VGG16(include_top=False, weights='imagenet', input_shape=(150, 150, 3))
            base.trainable = False
            model = tf.keras.Sequential([base, tf.keras.layers.Flatten(), tf.keras.layers.Dense(256, activation='relu'),
                                         tf.keras.layers.Dense(1, activation='sigmoid')])
            """, KerasVersion.Parse("2.15.0"));
        Assert.Equal(14_714_688, Vgg16Base);
        var head = 8192 * 256 + 256 + 256 + 1;
        Counts(m, Vgg16Base + head, head);
        Assert.Equal(ParamLens.Shapes.Shape.Of(null, 4, 4, 512), m.Layers[0].InboundNodes[^1].Outputs[0].Shape);
    }

    /// <summary>VGG16 and VGG19 with their tops: 224 halved five times is 7, so 7·7·512 = 25,088 → 4096 → 4096 → classes;
    /// VGG19 has one more 3×3 convolution in each of blocks 3, 4 and 5.</summary>
    [Fact]
    public void Vgg16_And_Vgg19_With_Their_Tops()
    {
        var run = Py.Run("""
            import keras
            a = keras.applications.VGG16()
            b = keras.applications.vgg19.VGG19(weights=None, classes=10, classifier_activation=None)
            """);
        long top(long classes) => 25088 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * classes + classes;
        Assert.Equal("vgg16", run.Models[0].Name);
        Counts(run.Models[0], Vgg16Base + top(1000), Vgg16Base + top(1000));
        var vgg19Base = Vgg16Base + Conv3x3(256, 256) + 2 * Conv3x3(512, 512);
        Counts(run.Models[1], vgg19Base + top(10), vgg19Base + top(10));
        Assert.Equal(138_357_544, Vgg16Base + top(1000)); // the figure Keras documents for VGG16
    }

    [Fact]
    public void Imagenet_Weights_Keep_The_Checks_Keras_Makes()
    {
        var error = Py.Error("import keras\nkeras.applications.VGG16(classes=10)\n");
        Assert.Contains("`classes` should be 1000", error.Message);
    }

    /// <summary>ResNet50 counted from its structure: conv1 7×7×3→64 with BN; four stacks of bottleneck blocks (64, 128, 256,
    /// 512 filters; 3, 4, 6, 3 blocks), each block 1×1 → 3×3 → 1×1 (×4) with a BN after each convolution, the first block
    /// of a stack with a 1×1 projection shortcut and its BN; the top 2048 → 1000. Every BN holds 4 values per channel, two
    /// of them (moving mean and variance) non-trainable. The totals Keras reports: 25,636,712 with 53,120 non-trainable.</summary>
    [Fact]
    public void ResNet50_From_Its_Structure()
    {
        long total = 7 * 7 * 3 * 64 + 64, bnChannels = 64, inChannels = 64;
        foreach (var (filters, blocks) in new (long, int)[] { (64, 3), (128, 4), (256, 6), (512, 3) })
        {
            for (var b = 0; b < blocks; b++)
            {
                if (b == 0) { total += inChannels * 4 * filters + 4 * filters; bnChannels += 4 * filters; }
                total += inChannels * filters + filters + 9 * filters * filters + filters + filters * 4 * filters + 4 * filters;
                bnChannels += filters + filters + 4 * filters;
                inChannels = 4 * filters;
            }
        }
        total += 4 * bnChannels + 2048 * 1000 + 1000;
        Assert.Equal(25_636_712, total);
        Assert.Equal(53_120, 2 * bnChannels);
        var m = Py.Single("import keras\nmodel = keras.applications.resnet50.ResNet50()\n");
        Assert.Equal("resnet50", m.Name);
        Counts(m, total, total - 2 * bnChannels);
    }

    /// <summary>Keras lower-cases a padding mode when the layer is made: 'SAME' keeps 16×16 at stride 1.</summary>
    [Fact]
    public void Padding_Mode_Is_Lower_Cased_As_Keras_Does()
    {
        var m = Py.Single("import keras\nmodel = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Conv2D(4, 3, padding='SAME')])\n");
        Assert.Equal("same", m.Layers[0].Config!.String("padding"));
        Assert.Equal(ParamLens.Shapes.Shape.Of(null, 16, 16, 4), m.Layers[0].InboundNodes[0].Outputs[0].Shape);
    }

    /// <summary>keras_applications' ResNet50 (standalone Keras, tf.keras up to 2.2.4-tf) named its layers differently
    /// (res2a_branch2a, …): refused there rather than printed with the later names.</summary>
    [Fact]
    public void ResNet50_Of_Keras_Applications_Era_Is_Refused()
    {
        var error = Py.Error("import keras\nkeras.applications.ResNet50()\n", version: KerasVersion.Parse("2.2.4"));
        Assert.Contains("give --keras-version 2.4 or later", error.Message);
        Assert.Equal("resnet50", Py.Single("import tensorflow as tf\nm = tf.keras.applications.ResNet50()\n", KerasVersion.Parse("2.6.0")).Name);
    }
}
