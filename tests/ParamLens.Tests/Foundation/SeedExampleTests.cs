using ParamLens.Layers;
using ParamLens.Accounting;
using ParamLens.Building;
using ParamLens.Inputs;
using ParamLens.Graph;
using ParamLens.Rendering;

namespace ParamLens.Tests.Foundation;

/// <summary>The C# example and the JSON config in examples/seed describe the same model.</summary>
public class SeedExampleTests
{
    [Fact]
    public void CSharpExample_AndJsonConfig_GiveTheSameNumbers()
    {
        var built = ModelAccount.Of(SeedExample.SeedModel.Build(new KerasSession(KerasVersion.Parse("2.2.4"))));
        var read = ModelAccount.Of(ModelSource.Load(Path.Combine(TestPaths.RepoRoot, "examples", "seed", "myModel.json")).Single());
        Assert.Equal(37_633, built.TotalParams);
        Assert.Equal(37_569, built.TrainableParams);
        Assert.Equal(64, built.NonTrainableParams);
        Assert.Equal(read.Layers.Select(r => (r.Layer.ClassName, r.Params, r.NonTrainableParams)),
            built.Layers.Select(r => (r.Layer.ClassName, r.Params, r.NonTrainableParams)));
    }

    [Fact]
    public void FreshKeras224Session_NamesFromOne()
    {
        var model = SeedExample.SeedModel.Build(new KerasSession(KerasVersion.Parse("2.2.4")));
        Assert.Equal(["input_1", "zero_padding2d_1", "conv0", "bn0", "activation_1", "max_pool", "flatten_1", "fc"], model.Layers.Select(l => l.Name));
        var text = Keras2Summary.Render(ModelAccount.Of(model), new SummaryOptions { Style = SummaryStyle.Keras2 });
        Assert.Contains("zero_padding2d_1 (ZeroPaddin (None, 70, 70, 3)         0         \n", text);
    }

    [Fact]
    public void TfKerasAndKeras3_NameDifferently()
    {
        var tf = SeedExample.SeedModel.Build(new KerasSession(KerasVersion.Parse("2.9.0")));
        Assert.Equal(["input_1", "zero_padding2d", "activation", "flatten"], tf.Layers.Select(l => l.Name).Where(n => !n.Contains('0') && n != "max_pool" && n != "fc"));
        var k3 = SeedExample.SeedModel.Build(new KerasSession(KerasVersion.Parse("3.6.0")));
        Assert.Equal("input_layer", k3.Layers[0].Name);
    }
}
