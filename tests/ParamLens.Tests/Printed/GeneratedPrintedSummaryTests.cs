using ParamLens.Layers;
using ParamLens.Accounting;
using ParamLens.Building;
using ParamLens.Graph;
using ParamLens.Printed;
using ParamLens.Rendering;

namespace ParamLens.Tests.Printed;

/// <summary>
/// Models built here with known hyperparameters, printed by the Keras 3 and the three Keras 2 printers, then read back:
/// every weighted row's inferred weights must be the ones the model was built with, and the non-trainable parameters
/// must be placed on the layers that really hold them.
/// </summary>
public class GeneratedPrintedSummaryTests
{
    /// <summary>A model to print, with the layers whose hyperparameters must come out as the only solution, and the layers
    /// that hold the non-trainable parameters (by construction or frozen).</summary>
    private sealed record Case(Model Model, string[] UniqueRows, string[] NonTrainableHolders, string[] Frozen);

    private static readonly Dictionary<string, Func<KerasSession, Case>> Builders = new()
    {
        ["seed"] = Seed, ["conv-stack"] = ConvStack, ["shared-branches"] = SharedBranches, ["nested"] = k => Nested(k, frozen: false),
        ["nested-frozen"] = k => Nested(k, frozen: true), ["nested-sequential"] = NestedSequential, ["conv1d-transpose"] = Conv1DAndTranspose, ["bn-variants-frozen"] = BatchNormVariants,
    };

    /// <summary>Keras 3 (early and current column layouts) and every Keras 2 era: standalone 2.2.4 and tf.keras 2.6 (cut
    /// cells), 2.11 (wrapped), 2.15 (sizes).</summary>
    private static readonly string[] Versions = ["3.0.2", "3.13.0", "2.2.4", "2.6.0", "2.11.0", "2.15.0"];

    public static TheoryData<string, string, bool, bool> Cases()
    {
        var data = new TheoryData<string, string, bool, bool>();
        foreach (var builder in Builders.Keys)
            foreach (var version in Versions)
                data.Add(builder, version, false, false);
        foreach (var version in new[] { "3.0.2", "3.13.0", "2.11.0", "2.15.0" })
        {
            data.Add("nested", version, true, false);
            data.Add("nested-frozen", version, true, false);
            data.Add("nested-sequential", version, true, false);
            data.Add("bn-variants-frozen", version, false, true);
        }
        return data;
    }

    [Fact]
    public void At_least_25_generated_summaries_cover_both_styles_and_every_Keras2_era()
    {
        var cases = Cases();
        Assert.True(cases.Count >= 25);
        var eras = cases.Select(c => (string)c[1]).Select(v => KerasVersion.Parse(v)).Select(v => v.IsKeras3 ? "3" : Keras2Summary.EraOf(v).ToString()).Distinct();
        Assert.Equal(["3", "Old", "Mid", "New"], eras);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Printed_then_read_back_gives_the_hyperparameters_it_was_built_with(string builder, string versionText, bool expandNested, bool showTrainable)
    {
        var version = KerasVersion.Parse(versionText);
        var c = Builders[builder](new KerasSession(version));
        var account = ModelAccount.Of(c.Model);
        var options = new SummaryOptions
        {
            Style = version.IsKeras3 ? SummaryStyle.Keras3 : SummaryStyle.Keras2, KerasVersion = version,
            ExpandNested = expandNested, ShowTrainable = showTrainable,
        };
        var text = version.IsKeras3 ? Keras3Summary.Render(account, options) : Keras2Summary.Render(account, options);
        var a = PrintedAnalysis.Of(text);

        var expectedStyle = version.IsKeras3 ? PrintedStyle.Keras3 : Keras2Summary.EraOf(version) switch
        {
            Keras2Era.Old => PrintedStyle.Keras2Old, Keras2Era.Mid => PrintedStyle.Keras2Mid, _ => PrintedStyle.Keras2New,
        };
        Assert.Equal(expectedStyle, a.Summary.Style);
        Assert.Equal((account.TotalParams, account.TrainableParams, account.NonTrainableParams),
            (a.Summary.Totals.Total, a.Summary.Totals.Trainable, a.Summary.Totals.NonTrainable));
        Assert.DoesNotContain(a.Checks, check => check.Passed == false);

        var layers = AllLayers(c.Model).ToDictionary(l => l.Name);
        foreach (var row in a.AllRows)
        {
            Assert.False(row.Inconsistent, $"{row.Row.Name}: {row.Inference.Problem}\n{text}");
            var layer = layers[row.Row.Name];
            Assert.Equal(layer.ClassName, row.Row.ClassName);
            if (layer is Model || layer.OwnWeights.Count == 0) continue;
            // The inferred weights are the built weights, name for name and shape for shape.
            var built = layer.OwnWeights.Select(w => (w.Name, w.Shape.ToPythonTuple())).ToArray();
            var inferred = row.Inference.Solutions.Select(s => s.Weights.Select(w => (w.Name, w.Shape.ToPythonTuple())).ToArray()).ToArray();
            Assert.Contains(inferred, s => s.SequenceEqual(built));
            if (c.UniqueRows.Contains(layer.Name)) Assert.Single(inferred);
        }
        Assert.Equal(account.NonTrainableParams, a.Explanation.Layers.Sum(l => l.NonTrainableParams));
        Assert.Equal(account.NonTrainableParams, a.Explanation.NonTrainableSources.Sum(s => s.Weight.Count));
        var holders = a.Explanation.Layers.Where(l => l.NonTrainableParams > 0).Select(l => l.Name).Order().ToArray();
        Assert.Equal(c.NonTrainableHolders.Order(), holders);
        Assert.Equal(c.Frozen.Order(), a.Frozen.Order());
        if (expandNested) Assert.Contains(a.Summary.Rows, r => r.Children.Count > 0);
    }

    private static IEnumerable<Layer> AllLayers(Model model) =>
        model.Layers.SelectMany(l => l is Model m ? new[] { l }.Concat(AllLayers(m)) : [l]);

    /// <summary>The founding model: a 7×7 convolution after a 3-pixel zero padding; bn0 holds 2 × 32 = 64.</summary>
    private static Case Seed(KerasSession k) => new(SeedExample.SeedModel.Build(k), ["conv0", "bn0", "fc"], ["bn0"], []);

    /// <summary>Sequential: a 5×5 stride-2 convolution (its input hidden, so several kernels fit), a 3×1 kernel without
    /// bias (unique: a 1×3 would shrink the width instead), a global pooling whose class a cut cell loses.</summary>
    private static Case ConvStack(KerasSession k)
    {
        var model = k.Sequential(
        [
            k.Layer("Conv2D", new { filters = 16, kernel_size = 5, strides = 2, padding = "same" }),
            k.Layer("BatchNormalization"),
            k.Layer("ReLU"),
            k.Layer("Conv2D", new { filters = 24, kernel_size = new[] { 3, 1 }, use_bias = false, name = "tall" }),
            k.Layer("GlobalAveragePooling2D"),
            k.Layer("Dense", new { units = 10, name = "head" }),
        ], inputShape: [32, 32, 3]);
        var bn = model.Layers.Single(l => l.ClassName == "BatchNormalization").Name;
        return new(model, ["tall", "head", bn], [bn], []);
    }

    /// <summary>Two inputs through one shared Dense (counted once), merged by Concatenate and Add, two outputs.</summary>
    private static Case SharedBranches(KerasSession k)
    {
        var i1 = k.Input(16);
        var i2 = k.Input(16);
        var shared = k.Layer("Dense", new { units = 12, name = "shared" });
        var a = shared.Apply(i1);
        var b = shared.Apply(i2);
        var joined = k.Layer("Concatenate").Apply(a, b);
        var left = k.Layer("Dense", new { units = 4, use_bias = false, name = "left" }).Apply(joined);
        var sum = k.Layer("Add").Apply(a, b);
        var right = k.Layer("Dense", new { units = 3, name = "right" }).Apply(sum);
        return new(k.Model([i1, i2], [left, right], "branches"), ["shared", "left", "right"], [], []);
    }

    /// <summary>An encoder model used as a layer; frozen, its whole count is non-trainable.</summary>
    private static Case Nested(KerasSession k, bool frozen)
    {
        var inner = k.Input(28, 28, 1);
        var y = k.Layer("Conv2D", new { filters = 8, kernel_size = 3, name = "enc_conv" }).Apply(inner);
        y = k.Layer("BatchNormalization", new { name = "enc_bn" }).Apply(y);
        y = k.Layer("Flatten").Apply(y);
        y = k.Layer("Dense", new { units = 16, name = "enc_dense" }).Apply(y);
        var encoder = k.Model(inner, y, "encoder");
        encoder.Trainable = !frozen;
        var input = k.Input(28, 28, 1);
        var z = encoder.Apply(input);
        z = k.Layer("Dense", new { units = 10, name = "classifier" }).Apply(z);
        return new(k.Model(input, z, "outer"), ["enc_conv", "enc_bn", "enc_dense", "classifier"], ["encoder"], frozen ? ["encoder"] : []);
    }

    /// <summary>A Sequential inside a functional model: expanded, its first layer's input is what the nested row receives.</summary>
    private static Case NestedSequential(KerasSession k)
    {
        var features = k.Sequential(
        [
            k.Layer("Conv2D", new { filters = 4, kernel_size = 3, name = "feat_conv" }),
            k.Layer("Flatten"),
        ], name: "features");
        var input = k.Input(8, 8, 2);
        var logits = k.Layer("Dense", new { units = 3, name = "logits" }).Apply(features.Apply(input));
        // feat_conv: (k·k·2 + 1)·4 = 76 ⇒ k·k = 9, and 8 − 3 + 1 = 6 leaves only the 3×3.
        return new(k.Model(input, logits, "stack"), ["logits", "feat_conv"], [], []);
    }

    /// <summary>Conv1D with stride 2 and a same-padded Conv1D without bias (a rank-1 kernel is unique); a transposed 3×3
    /// with stride 2 and a 2×2 convolution, where strides and output padding let a 1×9 or 1×4 fit the shapes too.</summary>
    private static Case Conv1DAndTranspose(KerasSession k)
    {
        var seq = k.Input(100, 8);
        var s = k.Layer("Conv1D", new { filters = 16, kernel_size = 5, strides = 2, name = "c1" }).Apply(seq);
        s = k.Layer("MaxPooling1D").Apply(s);
        s = k.Layer("Conv1D", new { filters = 4, kernel_size = 3, padding = "same", use_bias = false, name = "c2" }).Apply(s);
        s = k.Layer("Flatten").Apply(s);
        s = k.Layer("Dense", new { units = 6, name = "d1" }).Apply(s);
        s = k.Layer("Reshape", new { target_shape = new[] { 1, 1, 6 } }).Apply(s);
        var img = k.Layer("Conv2DTranspose", new { filters = 5, kernel_size = 3, strides = 2, name = "up" }).Apply(s);
        img = k.Layer("Conv2D", new { filters = 2, kernel_size = new[] { 2, 2 }, name = "c3" }).Apply(img);
        return new(k.Model(seq, img, "conv1d_transpose"), ["c1", "c2", "d1"], [], []);
    }

    /// <summary>BatchNormalization without center (3·C) and without either (2·C, all non-trainable), and a frozen Dense whose
    /// 512 weights the totals place: 608 = 64 + 32 by construction + 512 frozen.</summary>
    private static Case BatchNormVariants(KerasSession k)
    {
        var model = k.Sequential(
        [
            k.Layer("Dense", new { units = 32, name = "d0" }),
            k.Layer("BatchNormalization", new { center = false, name = "bn_scale" }),
            k.Layer("Dense", new { units = 16, use_bias = false, trainable = false, name = "frozen" }),
            k.Layer("BatchNormalization", new { center = false, scale = false, name = "bn_plain" }),
            k.Layer("Dense", new { units = 1, name = "out" }),
        ], inputShape: [10]);
        return new(model, ["bn_plain", "frozen", "out"], ["bn_scale", "bn_plain", "frozen"], ["frozen"]);
    }
}
