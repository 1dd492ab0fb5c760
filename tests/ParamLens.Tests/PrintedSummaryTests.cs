using ParamLens.Layers;
using ParamLens.Accounting;
using ParamLens.Building;
using ParamLens.Graph;
using ParamLens.Rendering;

namespace ParamLens.Tests;

/// <summary>
/// Tables printed by real Keras runs of the keras-io examples (../shared/corpus/printed-summaries): each model is rebuilt
/// here the way the example builds it, in a session of the same Keras era, and the text must match byte for byte.
/// </summary>
public class PrintedSummaryTests
{
    /// <summary>The Keras 3 tables were printed by Keras 3.0.0–3.0.4: their column split (33/27/12 at 76 columns) is that
    /// era's positions [0.45, 0.84, 1.0].</summary>
    private const string EarlyKeras3 = "3.0.2";

    private static string Printed(string file) => File.ReadAllText(Path.Combine(TestPaths.PrintedSummaries, file));

    private static string Keras3(Model m) => Keras3Summary.Render(ModelAccount.Of(m), new SummaryOptions());
    private static string Keras2(Model m) => Keras2Summary.Render(ModelAccount.Of(m), new SummaryOptions { Style = SummaryStyle.Keras2 });

    private static Model MnistConvnet(KerasSession k) => k.Sequential(
    [
        k.Layer("Conv2D", new { filters = 32, kernel_size = new[] { 3, 3 }, activation = "relu" }),
        k.Layer("MaxPooling2D", new { pool_size = new[] { 2, 2 } }),
        k.Layer("Conv2D", new { filters = 64, kernel_size = new[] { 3, 3 }, activation = "relu" }),
        k.Layer("MaxPooling2D", new { pool_size = new[] { 2, 2 } }),
        k.Layer("Flatten"),
        k.Layer("Dropout", new { rate = 0.5 }),
        k.Layer("Dense", new { units = 10, activation = "softmax" }),
    ], inputShape: [28, 28, 1]);

    [SharedFact]
    public void MnistConvnet_Keras2_TfKeras26() =>
        Assert.Equal(Printed("keras2__mnist_convnet__1.txt"), Keras2(MnistConvnet(new KerasSession(KerasVersion.Parse("2.4.0")))));

    [SharedFact]
    public void MnistConvnet_Keras3() =>
        Assert.Equal(Printed("keras3__mnist_convnet__1.txt"), Keras3(MnistConvnet(new KerasSession(KerasVersion.Parse(EarlyKeras3)))));

    /// <summary>WGAN-GP: discriminator then generator in one process, so the generator's auto names continue the count.</summary>
    private static (Model Discriminator, Model Generator) WganGp(KerasSession k)
    {
        KerasTensor ConvBlock(KerasTensor x, int filters, bool dropout, bool useBias = true)
        {
            x = k.Layer("Conv2D", new { filters, kernel_size = new[] { 5, 5 }, strides = new[] { 2, 2 }, padding = "same", use_bias = useBias }).Apply(x);
            x = k.Layer("LeakyReLU", new { alpha = 0.2 }).Apply(x);
            return dropout ? k.Layer("Dropout", new { rate = 0.3 }).Apply(x) : x;
        }
        var img = k.Input(28, 28, 1);
        var d = k.Layer("ZeroPadding2D", new { padding = new[] { 2, 2 } }).Apply(img);
        d = ConvBlock(d, 64, dropout: false);
        d = ConvBlock(d, 128, dropout: true);
        d = ConvBlock(d, 256, dropout: true);
        d = ConvBlock(d, 512, dropout: false);
        d = k.Layer("Flatten").Apply(d);
        d = k.Layer("Dropout", new { rate = 0.2 }).Apply(d);
        d = k.Layer("Dense", new { units = 1 }).Apply(d);
        var discriminator = k.Model(img, d, "discriminator");

        KerasTensor UpBlock(KerasTensor x, int filters, bool batchNorm, string? activation)
        {
            x = k.Layer("UpSampling2D", new { size = new[] { 2, 2 } }).Apply(x);
            x = k.Layer("Conv2D", new { filters, kernel_size = new[] { 3, 3 }, padding = "same", use_bias = false }).Apply(x);
            if (batchNorm) x = k.Layer("BatchNormalization").Apply(x);
            return activation is null ? k.Layer("LeakyReLU", new { alpha = 0.2 }).Apply(x) : k.Layer("Activation", new { activation }).Apply(x);
        }
        var noise = k.Input(128);
        var g = k.Layer("Dense", new { units = 4 * 4 * 256, use_bias = false }).Apply(noise);
        g = k.Layer("BatchNormalization").Apply(g);
        g = k.Layer("LeakyReLU", new { alpha = 0.2 }).Apply(g);
        g = k.Layer("Reshape", new { target_shape = new[] { 4, 4, 256 } }).Apply(g);
        g = UpBlock(g, 128, batchNorm: true, activation: null);
        g = UpBlock(g, 64, batchNorm: true, activation: null);
        g = UpBlock(g, 1, batchNorm: true, activation: "tanh");
        g = k.Layer("Cropping2D", new { cropping = new[] { new[] { 2, 2 }, new[] { 2, 2 } } }).Apply(g);
        return (discriminator, k.Model(noise, g, "generator"));
    }

    [SharedFact]
    public void WganGp_Discriminator_Keras2_TfKeras26() =>
        Assert.Equal(Printed("keras2__wgan_gp__1.txt"), Keras2(WganGp(new KerasSession(KerasVersion.Parse("2.4.0"))).Discriminator));

    [SharedFact]
    public void WganGp_Generator_Keras2_TfKeras26_WithFrozenStatistics() =>
        Assert.Equal(Printed("keras2__wgan_gp__2.txt"), Keras2(WganGp(new KerasSession(KerasVersion.Parse("2.4.0"))).Generator));

    /// <summary>VAE decoder; the encoder is built first in the same process (its custom Sampling layer adds no names here).</summary>
    private static Model VaeDecoder(KerasSession k)
    {
        var encoderInput = k.Input(28, 28, 1);
        var x = k.Layer("Conv2D", new { filters = 32, kernel_size = 3, activation = "relu", strides = 2, padding = "same" }).Apply(encoderInput);
        x = k.Layer("Conv2D", new { filters = 64, kernel_size = 3, activation = "relu", strides = 2, padding = "same" }).Apply(x);
        x = k.Layer("Flatten").Apply(x);
        k.Layer("Dense", new { units = 16, activation = "relu" }).Apply(x);

        var latent = k.Input(2);
        var y = k.Layer("Dense", new { units = 7 * 7 * 64, activation = "relu" }).Apply(latent);
        y = k.Layer("Reshape", new { target_shape = new[] { 7, 7, 64 } }).Apply(y);
        y = k.Layer("Conv2DTranspose", new { filters = 64, kernel_size = 3, activation = "relu", strides = 2, padding = "same" }).Apply(y);
        y = k.Layer("Conv2DTranspose", new { filters = 32, kernel_size = 3, activation = "relu", strides = 2, padding = "same" }).Apply(y);
        y = k.Layer("Conv2DTranspose", new { filters = 1, kernel_size = 3, activation = "sigmoid", padding = "same" }).Apply(y);
        return k.Model(latent, y, "decoder");
    }

    [SharedFact]
    public void VaeDecoder_Keras2_Wrapped() =>
        Assert.Equal(Printed("keras2__vae__2.txt"), Keras2(VaeDecoder(new KerasSession(KerasVersion.Parse("2.11.0")))));

    [SharedFact]
    public void VaeDecoder_Keras3() =>
        Assert.Equal(Printed("keras3__vae__2.txt"), Keras3(VaeDecoder(new KerasSession(KerasVersion.Parse(EarlyKeras3)))));

    [SharedFact]
    public void Conv3D_Classifier_Keras3_BatchNormStatistics()
    {
        var k = new KerasSession(KerasVersion.Parse(EarlyKeras3));
        var inputs = k.Input(128, 128, 64, 1);
        var x = inputs;
        foreach (var filters in new[] { 64, 64, 128, 256 })
        {
            x = k.Layer("Conv3D", new { filters, kernel_size = 3, activation = "relu" }).Apply(x);
            x = k.Layer("MaxPooling3D", new { pool_size = 2 }).Apply(x);
            x = k.Layer("BatchNormalization").Apply(x);
        }
        x = k.Layer("GlobalAveragePooling3D").Apply(x);
        x = k.Layer("Dense", new { units = 512, activation = "relu" }).Apply(x);
        x = k.Layer("Dropout", new { rate = 0.3 }).Apply(x);
        x = k.Layer("Dense", new { units = 1, activation = "sigmoid" }).Apply(x);
        Assert.Equal(Printed("keras3__3D_image_classification__1.txt"), Keras3(k.Model(inputs, x, "3dcnn")));
    }

    [SharedFact]
    public void DcganDiscriminator_Keras3_Sequential()
    {
        var k = new KerasSession(KerasVersion.Parse(EarlyKeras3));
        var model = k.Sequential(
        [
            k.Layer("Conv2D", new { filters = 64, kernel_size = 4, strides = 2, padding = "same" }),
            k.Layer("LeakyReLU", new { negative_slope = 0.2 }),
            k.Layer("Conv2D", new { filters = 128, kernel_size = 4, strides = 2, padding = "same" }),
            k.Layer("LeakyReLU", new { negative_slope = 0.2 }),
            k.Layer("Conv2D", new { filters = 128, kernel_size = 4, strides = 2, padding = "same" }),
            k.Layer("LeakyReLU", new { negative_slope = 0.2 }),
            k.Layer("Flatten"),
            k.Layer("Dropout", new { rate = 0.2 }),
            k.Layer("Dense", new { units = 1, activation = "sigmoid" }),
        ], name: "discriminator", inputShape: [64, 64, 3]);
        Assert.Equal(Printed("keras3__dcgan_overriding_train_step__1.txt"), Keras3(model));
    }

    [SharedFact]
    public void ConvAutoencoder_Keras3_TransposedConvolutions()
    {
        var k = new KerasSession(KerasVersion.Parse(EarlyKeras3));
        var input = k.Input(28, 28, 1);
        var x = k.Layer("Conv2D", new { filters = 32, kernel_size = new[] { 3, 3 }, activation = "relu", padding = "same" }).Apply(input);
        x = k.Layer("MaxPooling2D", new { pool_size = new[] { 2, 2 }, padding = "same" }).Apply(x);
        x = k.Layer("Conv2D", new { filters = 32, kernel_size = new[] { 3, 3 }, activation = "relu", padding = "same" }).Apply(x);
        x = k.Layer("MaxPooling2D", new { pool_size = new[] { 2, 2 }, padding = "same" }).Apply(x);
        x = k.Layer("Conv2DTranspose", new { filters = 32, kernel_size = new[] { 3, 3 }, strides = 2, activation = "relu", padding = "same" }).Apply(x);
        x = k.Layer("Conv2DTranspose", new { filters = 32, kernel_size = new[] { 3, 3 }, strides = 2, activation = "relu", padding = "same" }).Apply(x);
        x = k.Layer("Conv2D", new { filters = 1, kernel_size = new[] { 3, 3 }, activation = "sigmoid", padding = "same" }).Apply(x);
        // Keras 3.0–3.3 named the first functional model functional_1.
        Assert.Equal(Printed("keras3__autoencoder__1.txt"), Keras3(k.Model(input, x, "functional_1")));
    }
}
