using ParamLens.Layers;
using ParamLens.Accounting;
using ParamLens.Building;
using ParamLens.Graph;
using ParamLens.Rendering;

namespace ParamLens.Python.Tests;

/// <summary><c>model.summary()</c> in Python prints exactly what the renderers print for the same model built with
/// <see cref="KerasSession"/>, with the call's own arguments.</summary>
public class SummaryTextTests
{
    private static Model Founding(KerasSession k) => SeedExample.SeedModel.Build(k);

    [Fact]
    public void Keras3_Summary_Matches_The_Renderer()
    {
        var expected = Keras3Summary.Render(ModelAccount.Of(Founding(new KerasSession())), new SummaryOptions());
        Assert.Equal(expected, Py.Output(KerasModelTests.Founding));
    }

    [Fact]
    public void Keras2_Summary_Of_A_Fresh_2_2_4_Process_Matches_The_Renderer()
    {
        var version = KerasVersion.Parse("2.2.4");
        var expected = Keras2Summary.Render(ModelAccount.Of(Founding(new KerasSession(version))), new SummaryOptions { Style = SummaryStyle.Keras2 });
        var run = PythonModelSource.Run(KerasModelTests.Founding, "seed.py", null, new PythonRunOptions
        {
            Version = version,
            Summary = new SummaryOptions { Style = SummaryStyle.Keras2 },
        });
        Assert.Equal(expected, run.Printed);
        Assert.Contains("zero_padding2d_1 (ZeroPaddin (None, 70, 70, 3)         0", run.Printed);
    }

    [Fact]
    public void Summary_Arguments_Are_Applied()
    {
        var code = KerasModelTests.Founding.Replace("model.summary()", "model.summary(line_length=100, show_trainable=True, expand_nested=True, layer_range=['conv0', 'fc'])");
        var expected = Keras3Summary.Render(ModelAccount.Of(Founding(new KerasSession())),
            new SummaryOptions { LineLength = 100, ShowTrainable = true, ExpandNested = true, LayerRange = ("conv0", "fc") });
        Assert.Equal(expected, Py.Output(code));
        Assert.DoesNotContain("zero_padding2d", expected);
    }

    [Fact]
    public void Print_And_Summaries_Keep_Their_Order()
    {
        var output = Py.Output("print('before')\n" + KerasModelTests.Founding + "\nprint('after', model.count_params())\n");
        Assert.StartsWith("before\nModel: \"myModel\"", output);
        Assert.EndsWith("after 37633\n", output);
    }
}
