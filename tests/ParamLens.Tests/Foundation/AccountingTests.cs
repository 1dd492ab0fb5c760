using ParamLens.Layers;
using ParamLens.Accounting;
using ParamLens.Building;
using ParamLens.Graph;
using ParamLens.Rendering;

namespace ParamLens.Tests.Foundation;

/// <summary>Totals over unique weights, trainability, bytes per dtype, and counts far beyond what could be allocated.</summary>
public class AccountingTests
{
    [Fact]
    public void BytesFollowTheVariableDtype()
    {
        var k = new KerasSession(KerasVersion.Parse("3.6.0"));
        var x = k.Input(10);
        var half = k.Layer("Dense", new { units = 10, dtype = "float16" }).Apply(x);
        var mixed = k.Layer("Dense", new { units = 10, dtype = "mixed_float16" }).Apply(half);
        var dbl = k.Layer("Dense", new { units = 10, dtype = "float64" }).Apply(mixed);
        var account = ModelAccount.Of(k.Model(x, dbl));
        // 110 weights each: float16 2 B, mixed_float16 keeps float32 variables (4 B), float64 8 B
        Assert.Equal(110 * 2 + 110 * 4 + 110 * 8, account.TotalBytes);
        Assert.Equal("1.50 KB", ByteSize.Keras3(account.TotalBytes!.Value)); // 1,540 B / 1024 = 1.504
    }

    [Theory]
    [InlineData(0, "0.00 B")]
    [InlineData(1023, "1023.00 B")]
    [InlineData(1024, "1.00 KB")]
    [InlineData(1_048_575, "1024.00 KB")]
    [InlineData(1_048_576, "1.00 MB")]
    [InlineData(150_532, "147.00 KB")]
    public void ByteSizes_AsKerasFormatsThem(double bytes, string expected) => Assert.Equal(expected, ByteSize.Keras3(bytes));

    [Fact]
    public void AHundredBillionParameters_AreJustNumbers()
    {
        var k = new KerasSession(KerasVersion.Parse("3.6.0"));
        var x = k.Input(100_000);
        var y = k.Layer("Dense", new { units = 1_000_000 }).Apply(x);
        var account = ModelAccount.Of(k.Model(x, y));
        Assert.Equal(100_000L * 1_000_000 + 1_000_000, account.TotalParams);
        Assert.Contains(" Total params: 100,001,000,000 (372.53 GB)", Keras3Summary.Render(account, new SummaryOptions()));
    }

    [Fact]
    public void FreezingANestedModel_FreezesEverythingBelowIt()
    {
        // Freezing a parent model moves every weight below it to non-trainable, BatchNormalization's gamma/beta included.
        var k = new KerasSession(KerasVersion.Parse("3.6.0"));
        var block = k.Sequential([k.Layer("Dense", new { units = 4 }), k.Layer("BatchNormalization")], name: "block", inputShape: [4]);
        var x = k.Input(4);
        var model = k.Model(x, k.Layer("Dense", new { units = 1 }).Apply(block.Apply(x)));
        var before = ModelAccount.Of(model);
        Assert.Equal((4 * 4 + 4) + 2 * 4 + (4 + 1), before.TrainableParams); // dense, BN gamma/beta, head
        Assert.Equal(2 * 4, before.NonTrainableParams);                        // BN moving statistics
        block.Trainable = false;
        var frozen = ModelAccount.Of(model);
        Assert.Equal(4 + 1, frozen.TrainableParams);
        Assert.Equal(4 * 4 + 4 + 4 * 4, frozen.NonTrainableParams);
        Assert.All(block.Layers, l => Assert.False(l.Trainable)); // the setter reaches the sub-layers, as in Keras
    }

    [Fact]
    public void UnfreezingAParent_UnfreezesAChildFrozenEarlier()
    {
        var k = new KerasSession(KerasVersion.Parse("3.6.0"));
        var block = k.Sequential([k.Layer("Dense", new { units = 2 }), k.Layer("Dense", new { units = 2 })], name: "block", inputShape: [2]);
        block.Layers[0].Trainable = false;
        Assert.Equal(2 * 2 + 2, ModelAccount.Of(block).NonTrainableParams);
        block.Trainable = true;
        Assert.Equal(0, ModelAccount.Of(block).NonTrainableParams);
    }
}
