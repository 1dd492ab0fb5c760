using ParamLens.Layers;
using ParamLens.Accounting;
using ParamLens.Building;
using ParamLens.Graph;
using ParamLens.Rendering;

namespace ParamLens.Tests;

/// <summary>
/// Summary text for models of every shape (sequential, branches, shared layer, nested model, frozen layer, multi-output,
/// unbuilt) in both styles. The expected files in Golden/ are the worked examples of the summary-format reference, or
/// were checked line by line against its rules (column positions, wrapping, connections, totals and sizes).
/// </summary>
public class GoldenSummaryTests
{
    private static string Golden(string name) => File.ReadAllText(Path.Combine(TestPaths.Golden, name));

    private static string Render(Model model, SummaryStyle style, bool showTrainable = false, bool expandNested = false, int columns = 80)
    {
        var options = new SummaryOptions { Style = style, ShowTrainable = showTrainable, ExpandNested = expandNested, TerminalColumns = columns };
        var account = ModelAccount.Of(model);
        return style == SummaryStyle.Keras3 ? Keras3Summary.Render(account, options) : Keras2Summary.Render(account, options);
    }

    /// <summary><c>keras.Sequential([keras.Input((784,)), Dense(64, activation="relu"), Dense(10)])</c> in a fresh process.</summary>
    private static Model SequentialMlp(string version)
    {
        var k = new KerasSession(KerasVersion.Parse(version));
        return k.Sequential([k.Layer("Dense", new { units = 64, activation = "relu" }), k.Layer("Dense", new { units = 10 })], inputShape: [784]);
    }

    [Theory]
    [InlineData("3.6.0", 80, "sequential-mlp.keras3-76.txt")]
    [InlineData("3.6.0", 120, "sequential-mlp.keras3-88.txt")]
    public void SequentialMlp_Keras3(string version, int columns, string golden) =>
        Assert.Equal(Golden(golden), Render(SequentialMlp(version), SummaryStyle.Keras3, columns: columns));

    [Theory]
    [InlineData("2.4.0", "sequential-mlp.keras2-old.txt")]
    [InlineData("2.10.0", "sequential-mlp.keras2-mid.txt")]
    [InlineData("2.15.0", "sequential-mlp.keras2-new.txt")]
    public void SequentialMlp_Keras2_EveryEra(string version, string golden) =>
        Assert.Equal(Golden(golden), Render(SequentialMlp(version), SummaryStyle.Keras2));

    /// <summary>Two Dense branches from one input, concatenated, then a Dense head.</summary>
    private static Model Branches(string version)
    {
        var k = new KerasSession(KerasVersion.Parse(version));
        var i = k.Input(16);
        var a = k.Layer("Dense", new { units = 8 }).Apply(i);
        var b = k.Layer("Dense", new { units = 8 }).Apply(i);
        var c = k.Layer("Concatenate").Apply(a, b);
        var o = k.Layer("Dense", new { units = 1 }).Apply(c);
        return k.Model(i, o);
    }

    [Fact]
    public void Branches_Keras3_ConnectedTo() => Assert.Equal(Golden("branches.keras3.txt"), Render(Branches("3.6.0"), SummaryStyle.Keras3));

    [Theory]
    [InlineData("2.4.0", "branches.keras2-old.txt")]
    [InlineData("2.10.0", "branches.keras2-mid.txt")]
    public void Branches_Keras2_ConnectedTo(string version, string golden) =>
        Assert.Equal(Golden(golden), Render(Branches(version), SummaryStyle.Keras2));

    /// <summary>A CNN whose first layer is frozen; BatchNormalization adds its moving statistics.</summary>
    private static Model FrozenCnn(string version)
    {
        var k = new KerasSession(KerasVersion.Parse(version));
        var model = k.Sequential(
        [
            k.Layer("Conv2D", new { filters = 8, kernel_size = 3, name = "conv" }),
            k.Layer("BatchNormalization", new { name = "bn" }),
            k.Layer("Flatten", new { name = "flat" }),
            k.Layer("Dense", new { units = 10, name = "head" }),
        ], name: "cnn", inputShape: [28, 28, 1]);
        model.Layers[0].Trainable = false;
        return model;
    }

    [Fact]
    public void FrozenLayer_Keras3_ShowTrainable() =>
        Assert.Equal(Golden("frozen-cnn.keras3-show-trainable.txt"), Render(FrozenCnn("3.6.0"), SummaryStyle.Keras3, showTrainable: true));

    [Fact]
    public void FrozenLayer_Keras2New_ShowTrainable() =>
        Assert.Equal(Golden("frozen-cnn.keras2-new-show-trainable.txt"), Render(FrozenCnn("2.15.0"), SummaryStyle.Keras2, showTrainable: true));

    [Fact]
    public void UnbuiltSequential_Keras3_ShowsQuestionMarks()
    {
        var k = new KerasSession(KerasVersion.Parse("3.6.0"));
        var model = k.Sequential([k.Layer("Dense", new { units = 64 }), k.Layer("Dense", new { units = 10 })]);
        Assert.Equal(Golden("unbuilt-sequential.keras3.txt"), Render(model, SummaryStyle.Keras3));
    }

    /// <summary>A siamese pair: one Dense layer called on two inputs (shared), the two results subtracted, a Dense head.</summary>
    private static Model Shared(string version)
    {
        var k = new KerasSession(KerasVersion.Parse(version));
        var left = k.Input([8], name: "left");
        var right = k.Input([8], name: "right");
        var embed = k.Layer("Dense", new { units = 4, name = "embed" });
        var difference = k.Layer("Subtract").Apply(embed.Apply(left), embed.Apply(right));
        var score = k.Layer("Dense", new { units = 1, activation = "sigmoid", name = "score" }).Apply(difference);
        return k.Model([left, right], [score], "siamese");
    }

    [Theory]
    [InlineData("3.6.0", SummaryStyle.Keras3, "shared.keras3.txt")]
    [InlineData("2.4.0", SummaryStyle.Keras2, "shared.keras2-old.txt")]
    [InlineData("2.15.0", SummaryStyle.Keras2, "shared.keras2-new.txt")]
    public void SharedLayer_CountedOnce_ListedWithBothCalls(string version, SummaryStyle style, string golden) =>
        Assert.Equal(Golden(golden), Render(Shared(version), style));

    /// <summary>A Sequential encoder used as a layer of a functional autoencoder.</summary>
    private static Model Nested(string version)
    {
        var k = new KerasSession(KerasVersion.Parse(version));
        var encoder = k.Sequential([k.Layer("Dense", new { units = 16, activation = "relu" }), k.Layer("Dense", new { units = 4 })],
            name: "encoder", inputShape: [32]);
        var x = k.Input([32], name: "features");
        var code = encoder.Apply(x);
        var output = k.Layer("Dense", new { units = 32, name = "decoder" }).Apply(code);
        return k.Model(x, output, "autoencoder");
    }

    [Theory]
    [InlineData("3.6.0", SummaryStyle.Keras3, false, "nested.keras3.txt")]
    [InlineData("3.6.0", SummaryStyle.Keras3, true, "nested.keras3-expanded.txt")]
    [InlineData("2.15.0", SummaryStyle.Keras2, false, "nested.keras2-new.txt")]
    [InlineData("2.15.0", SummaryStyle.Keras2, true, "nested.keras2-new-expanded.txt")]
    public void NestedModel_OneRowOrExpanded(string version, SummaryStyle style, bool expand, string golden) =>
        Assert.Equal(Golden(golden), Render(Nested(version), style, expandNested: expand));

    /// <summary>One trunk, two heads: a classifier and a regressor.</summary>
    private static Model MultiOutput(string version)
    {
        var k = new KerasSession(KerasVersion.Parse(version));
        var x = k.Input([10], name: "x");
        var trunk = k.Layer("Dense", new { units = 32, activation = "relu", name = "trunk" }).Apply(x);
        var cls = k.Layer("Dense", new { units = 3, activation = "softmax", name = "class" }).Apply(trunk);
        var reg = k.Layer("Dense", new { units = 1, name = "value" }).Apply(trunk);
        return k.Model([x], [cls, reg], "two_heads");
    }

    [Theory]
    [InlineData("3.6.0", SummaryStyle.Keras3, "multi-output.keras3.txt")]
    [InlineData("2.10.0", SummaryStyle.Keras2, "multi-output.keras2-mid.txt")]
    public void MultiOutput_TwoHeads(string version, SummaryStyle style, string golden) =>
        Assert.Equal(Golden(golden), Render(MultiOutput(version), style));
}
