using ParamLens.Layers;
using ParamLens.Accounting;
using ParamLens.Building;
using ParamLens.Graph;
using ParamLens.Shapes;

namespace ParamLens.Tests.Foundation;

/// <summary>Builds a one-layer model on the given input shape and reads back what ParamLens derived.</summary>
internal static class LayerAssert
{
    public sealed record Result(Shape Output, long? Params, long? Trainable, long? NonTrainable, IReadOnlyList<(string Name, Shape Shape, bool Trainable)> Weights);

    public static Result Apply(string className, object? config, long?[] inputShape, string version = "3.6.0") =>
        ApplyMany(className, config, [inputShape], version);

    public static Result ApplyMany(string className, object? config, long?[][] inputShapes, string version = "3.6.0")
    {
        var k = new KerasSession(KerasVersion.Parse(version));
        var inputs = inputShapes.Select(s => k.Input(s)).ToArray();
        var layer = k.Layer(className, config);
        var output = layer.Apply(inputs);
        var account = ModelAccount.Of(k.Model(inputs, [output]));
        var row = account.Layers.Single(r => r.Layer == layer);
        return new Result(output.Shape, row.Params, row.TrainableParams, row.NonTrainableParams,
            row.Weights.Select(w => (w.Weight.Name, w.Weight.Shape, w.Trainable)).ToArray());
    }

    public static Shape S(params long?[] dims) => new(dims);
}
