using System.Text.Json.Nodes;
using ParamLens.Accounting;
using ParamLens.Inputs;
using ParamLens.Rendering;

namespace ParamLens.Tests.Foundation;

/// <summary>A compiled Keras 3 model saved with its optimizer: Keras 3 prints "Optimizer params" and adds them to Total.</summary>
public class OptimizerParamsTests
{
    private static readonly string Case = Path.Combine(TestPaths.Shared, "corpus", "v3-lstm-optimizer-state-k3.8");

    [SharedFact]
    public void AdamState_IsPrintedAndAddedToTheKeras3Total_ButNotToTheModelCounts()
    {
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(Case, "expected.json")))!;
        var file = Directory.GetFiles(Case, "*.keras").Single();
        var account = ModelAccount.Of(ModelSource.Load(file).Single());
        var trainable = expected["trainable_params"]!.GetValue<long>();
        var total = expected["total_params"]!.GetValue<long>();
        Assert.Equal(total, account.TotalParams);
        // Adam (the compile_config's optimizer, learning rate a float): m and v per trainable value, iteration, learning_rate
        var optimizer = 2 * trainable + 1 + 1;
        Assert.Equal(optimizer, account.Optimizer!.Count);
        // float32 slots and learning rate (4 B), int64 iteration (8 B)
        Assert.Equal((2 * trainable + 1) * 4 + 8, account.Optimizer.Bytes);

        var text = Keras3Summary.Render(account, new SummaryOptions());
        Assert.Contains($" Total params: {total + optimizer:N0} (", text);
        Assert.EndsWith($" Optimizer params: {optimizer:N0} ({ByteSize.Keras3((2 * trainable + 1) * 4 + 8)})\n", text);
        Assert.DoesNotContain("Optimizer", Keras2Summary.Render(account, new SummaryOptions { Style = SummaryStyle.Keras2 }));
        Assert.Contains($"\"optimizer_params\": {optimizer}", JsonReport.Render([Explanation.Of(account)]));
    }

    /// <summary>A tf.keras 2.13 archive stores its own optimizer's variables (2 slots per trainable value and the step
    /// count, no learning-rate variable); tf.keras prints no optimizer line, and a count from them would not be the one
    /// Keras 3 prints, so none is given.</summary>
    [SharedFact]
    public void A_tf_keras_archive_gives_no_optimizer_line()
    {
        var file = Path.Combine(TestPaths.Shared, "corpus", "v3-gan-nested-frozen-k2.13-windows", "gan_model.keras");
        var account = ModelAccount.Of(ModelSource.Load(file).Single());
        Assert.Null(account.Optimizer);
        Assert.DoesNotContain("Optimizer", Keras3Summary.Render(account, new SummaryOptions()));
        Assert.DoesNotContain("optimizer", TextExplanation.Render(Explanation.Of(account)));
    }
}
