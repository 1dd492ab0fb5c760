using ParamLens.Layers;
using System.Text.Json;
using ParamLens.Accounting;
using ParamLens.Building;
using ParamLens.Inputs;
using ParamLens.Graph;
using ParamLens.Rendering;

namespace ParamLens.Tests.Foundation;

/// <summary>The founding question answered in words and numbers, and the same facts in Markdown and JSON.</summary>
public class ExplanationTests
{
    private static Explanation Seed() =>
        Explanation.Of(ModelAccount.Of(ModelSource.Load(Path.Combine(TestPaths.RepoRoot, "examples", "seed", "myModel.json")).Single()));

    [Fact]
    public void Text_AnswersTheFoundingQuestion()
    {
        var text = TextExplanation.Render(Seed());
        Assert.Contains("total 4 · 32 = 128, of which 64 non-trainable (moving_mean 32 + moving_variance 32)", text);
        Assert.Contains("total (7·7·3 + 1)·32 = 4,736", text);
        Assert.Contains("height: (70 − 7) / 1 + 1 = 64", text);
        Assert.Contains("32 · 32 · 32 = 32,768 values per sample", text);
        Assert.Contains("total (32,768 + 1) · 1 = 32,769", text);
        Assert.Contains("Where the 64 non-trainable parameters come from", text);
        Assert.Contains("bn0.moving_mean 32 + bn0.moving_variance 32 = 64", text);
        Assert.Contains("not by gradients", text);
        Assert.Contains("(no layer is frozen)", text);
        Assert.Contains("4,736 + 128 + 32,769 = 37,633 total", text);
        Assert.Contains("37,633 − 64 = 37,569 trainable", text);
    }

    [Fact]
    public void Text_OneLayer()
    {
        var text = TextExplanation.Render(Seed(), "bn0");
        Assert.Contains("bn0 (BatchNormalization)", text);
        Assert.DoesNotContain("conv0 (Conv2D)", text);
        Assert.Throws<UsageException>(() => TextExplanation.Render(Seed(), "nope"));
    }

    [Fact]
    public void Markdown_HasAWeightTablePerLayer()
    {
        var md = MarkdownExplanation.Render(Seed());
        Assert.Contains("## `bn0` (BatchNormalization) — 128 params", md);
        Assert.Contains("| `moving_mean` | `(32,)` | 32 | no |", md);
        Assert.Contains("| `bn0` | `moving_variance` | 32 |", md);
        Assert.Contains("- 4,736 + 128 + 32,769 = 37,633 total", md);
    }

    [Fact]
    public void Json_FollowsTheDocumentedSchema()
    {
        using var doc = JsonDocument.Parse(JsonReport.Render([Seed()]));
        var root = doc.RootElement;
        Assert.Equal("myModel", root.GetProperty("model_name").GetString());
        Assert.Equal(37_633, root.GetProperty("total_params").GetInt64());
        Assert.Equal(37_569, root.GetProperty("trainable_params").GetInt64());
        Assert.Equal(64, root.GetProperty("non_trainable_params").GetInt64());
        var layers = root.GetProperty("layers").EnumerateArray().ToArray();
        Assert.Equal(8, layers.Length);
        var input = layers[0];
        Assert.Equal(JsonValueKind.Null, input.GetProperty("output_shapes")[0][0].ValueKind);
        Assert.Equal(64, input.GetProperty("output_shapes")[0][1].GetInt64());
        var bn = layers.Single(l => l.GetProperty("name").GetString() == "bn0");
        Assert.Equal("BatchNormalization", bn.GetProperty("class_name").GetString());
        Assert.Equal(128, bn.GetProperty("params").GetInt64());
        Assert.Equal(64, bn.GetProperty("non_trainable_params").GetInt64());
        Assert.Equal(["conv0[0][0]"], bn.GetProperty("inbound").EnumerateArray().Select(e => e.GetString()));
        var mean = bn.GetProperty("weights")[2];
        Assert.Equal("moving_mean", mean.GetProperty("name").GetString());
        Assert.Equal(32, mean.GetProperty("count").GetInt64());
        Assert.False(mean.GetProperty("trainable").GetBoolean());
        Assert.Equal(32, mean.GetProperty("shape")[0].GetInt64());
        Assert.False(string.IsNullOrEmpty(mean.GetProperty("reason").GetString()));
        Assert.False(string.IsNullOrEmpty(mean.GetProperty("formula").GetString()));
    }

    [Fact]
    public void Json_SeveralModels_AreAnArray()
    {
        using var doc = JsonDocument.Parse(JsonReport.Render([Seed(), Seed()]));
        Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind);
        Assert.Equal(2, doc.RootElement.GetArrayLength());
    }

    [Fact]
    public void FrozenParent_IsNamedAsTheReason()
    {
        var k = new KerasSession(KerasVersion.Parse("3.6.0"));
        var inner = k.Sequential([k.Layer("Dense", new { units = 2, name = "inner_dense" })], name: "inner", inputShape: [3]);
        inner.Trainable = false;
        var x = k.Input(3);
        var model = k.Model(x, k.Layer("Dense", new { units = 1, name = "head" }).Apply(inner.Apply(x)), "outer");
        var e = Explanation.Of(ModelAccount.Of(model));
        Assert.Equal(3 * 2 + 2, e.NonTrainableParams);
        var kernel = e.NonTrainableSources.Single(s => s.Weight.Name == "kernel");
        Assert.Equal("inner_dense", kernel.Layer);
        Assert.Contains("its parent 'inner' has trainable = False", kernel.Weight.Reason);
        Assert.Equal(["inner"], e.FrozenLayers);
    }

    [Fact]
    public void SharedLayer_SaysCountedOnce()
    {
        var k = new KerasSession(KerasVersion.Parse("3.6.0"));
        var a = k.Input(4);
        var b = k.Input(4);
        var shared = k.Layer("Dense", new { units = 4, name = "shared" });
        var sum = k.Layer("Add").Apply(shared.Apply(a), shared.Apply(b));
        var text = TextExplanation.Render(Explanation.Of(ModelAccount.Of(k.Model([a, b], [sum]))));
        Assert.Contains("shared: called 2 times, its weights are counted once", text);
        Assert.Contains("20 = 20 total", text); // 4·4 + 4, once
    }

    [Fact]
    public void WeightReachedThroughTwoRows_IsExplained()
    {
        // The same Dense object sits inside a nested model and at top level: Keras counts it once.
        var k = new KerasSession(KerasVersion.Parse("3.6.0"));
        var dense = k.Layer("Dense", new { units = 3, name = "both" });
        var innerIn = k.Input([3], name: "inner_in");
        var inner = k.Model(innerIn, dense.Apply(innerIn), "inner");
        var x = k.Input([3], name: "x");
        var y = dense.Apply(inner.Apply(x));
        var e = Explanation.Of(ModelAccount.Of(k.Model(x, y, "outer")));
        Assert.Equal(3 * 3 + 3, e.TotalParams);
        Assert.NotNull(e.RowsDifference);
        Assert.Contains("both.kernel (9) appears under", e.RowsDifference);
    }
}
