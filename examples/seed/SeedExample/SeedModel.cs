using ParamLens.Building;
using ParamLens.Graph;

namespace SeedExample;

/// <summary>The founding model, built with the C# API the way the Keras functional API builds it.</summary>
public static class SeedModel
{
    public static Model Build(KerasSession keras)
    {
        var xInput = keras.Input(64, 64, 3);
        var x = keras.Layer("ZeroPadding2D", new { padding = new[] { 3, 3 } }).Apply(xInput);
        x = keras.Layer("Conv2D", new { filters = 32, kernel_size = new[] { 7, 7 }, strides = new[] { 1, 1 }, name = "conv0" }).Apply(x);
        x = keras.Layer("BatchNormalization", new { axis = 3, name = "bn0" }).Apply(x);
        x = keras.Layer("Activation", new { activation = "relu" }).Apply(x);
        x = keras.Layer("MaxPooling2D", new { pool_size = new[] { 2, 2 }, name = "max_pool" }).Apply(x);
        x = keras.Layer("Flatten").Apply(x);
        x = keras.Layer("Dense", new { units = 1, activation = "sigmoid", name = "fc" }).Apply(x);
        return keras.Model(xInput, x, "myModel");
    }
}
