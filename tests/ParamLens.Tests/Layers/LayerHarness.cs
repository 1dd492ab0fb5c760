using ParamLens.Layers;
using ParamLens.Accounting;
using ParamLens.Building;
using ParamLens.Graph;
using ParamLens.Shapes;

namespace ParamLens.Tests.Layers;

/// <summary>One layer called on one input in a functional model of the given Keras version, counted the way a model is.</summary>
internal sealed record OneLayer(Layer Layer, LayerAccount Row, Shape Output)
{
    public static readonly KerasVersion Keras2 = KerasVersion.Keras2;
    public static readonly KerasVersion Keras3 = KerasVersion.Keras3;

    public static OneLayer Build(string className, object? config, long?[] inputShape, KerasVersion? version = null)
    {
        var k = new KerasSession(version);
        var x = k.Input(inputShape);
        var layer = k.Layer(className, config);
        var y = layer.Apply(x);
        var account = ModelAccount.Of(k.Model(x, y));
        return new OneLayer(layer, account.Layers.Single(r => r.Layer == layer), y.Shape);
    }

    /// <summary>Several inputs (merging layers).</summary>
    public static OneLayer Merge(string className, object? config, params long?[][] inputShapes)
    {
        var k = new KerasSession();
        var xs = inputShapes.Select(s => k.Input(s)).ToArray();
        var layer = k.Layer(className, config);
        var y = layer.Apply(xs);
        var account = ModelAccount.Of(k.Model(xs, [y]));
        return new OneLayer(layer, account.Layers.Single(r => r.Layer == layer), y.Shape);
    }

    public long Params => Row.Params ?? throw new InvalidOperationException("the count is unknown");
    public long Trainable => Row.TrainableParams ?? throw new InvalidOperationException("the count is unknown");
    public long NonTrainable => Row.NonTrainableParams ?? throw new InvalidOperationException("the count is unknown");

    /// <summary>Weight names with their counts, in creation order.</summary>
    public (string Name, long Count, bool Trainable)[] Weights =>
        Row.Weights.Select(w => (w.Weight.Name, w.Count, w.Trainable)).ToArray();

    public void Is(long total, long trainable, Shape output)
    {
        Assert.Equal(output, Output);
        Assert.Equal(total, Params);
        Assert.Equal(trainable, Trainable);
        Assert.Equal(total - trainable, NonTrainable);
    }

    /// <summary>A layer without weights whose output has this shape.</summary>
    public void IsWeightless(Shape output) => Is(0, 0, output);
}

/// <summary><c>None</c>, as Keras writes an unknown dimension.</summary>
internal static class Dims
{
    public static readonly long? None = null;
}
