using ParamLens.Rendering;
using ParamLens.Printed;

namespace ParamLens.Tests.Printed;

/// <summary>The 21 tables printed by real Keras runs (../shared/corpus/printed-summaries), read in place and explained.</summary>
public class CorpusPrintedSummaryTests
{
    public static TheoryData<string> Files() =>
        [.. Directory.GetFiles(TestPaths.PrintedSummaries, "*.txt").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    private static string Text(string file) => File.ReadAllText(Path.Combine(TestPaths.PrintedSummaries, file));

    private static PrintedAnalysis Analyse(string file) => PrintedAnalysis.Of(Text(file));

    [SharedFact]
    public void The_corpus_holds_21_tables() => Assert.Equal(21, Files().Count);

    /// <summary>Rows counted from the rules alone: Keras 3 has a ├ rule between rows, Keras ≤2.6 a "_" rule (besides the
    /// two framing rules), Keras 2.7+ a blank line after each row.</summary>
    private static int RowsByRules(string text)
    {
        var lines = text.Split('\n');
        if (text.Contains('┏')) return lines.Count(l => l.StartsWith('├')) + 1;
        if (lines.Any(l => l.StartsWith(" Layer (type)", StringComparison.Ordinal))) return lines.Count(l => l.Length > 0 && l.Trim().Length == 0);
        return lines.Count(l => l.Length > 0 && l.All(c => c == '_')) - 2 + 1;
    }

    /// <summary>The totals lines and the Param # cells, read with nothing but a regular expression.</summary>
    private static (long Total, long Trainable, long NonTrainable) TotalsByRegex(string text)
    {
        long Read(string label) => long.Parse(System.Text.RegularExpressions.Regex.Match(text, $"(?m)^ ?{label} params: ([\\d,]+)").Groups[1].Value.Replace(",", ""));
        return (Read("Total"), Read("Trainable"), Read("Non-trainable"));
    }

    [SharedTheory]
    [MemberData(nameof(Files))]
    public void Every_table_is_read_and_its_rows_reconcile_with_its_totals(string file)
    {
        var text = Text(file);
        var a = PrintedAnalysis.Of(text);
        Assert.Equal(file.StartsWith("keras3", StringComparison.Ordinal), a.Summary.Style == PrintedStyle.Keras3);
        Assert.Equal(RowsByRules(text), a.Summary.Rows.Count);
        var (total, trainable, nonTrainable) = TotalsByRegex(text);
        Assert.Equal((total, trainable, nonTrainable), (a.Summary.Totals.Total, a.Summary.Totals.Trainable, a.Summary.Totals.NonTrainable));
        Assert.Equal(total, a.Summary.Rows.Sum(r => r.Params));
        Assert.Equal(total, trainable + nonTrainable);
        Assert.DoesNotContain(a.Checks, c => c.Passed == false);
        Assert.DoesNotContain(a.AllRows, r => r.Inconsistent);
        // The explanation's rows carry the printed counts, and its non-trainable shares add up to the printed total.
        Assert.Equal(total, a.Explanation.Layers.Sum(l => l.Params));
        Assert.Equal(nonTrainable, a.Explanation.Layers.Sum(l => l.NonTrainableParams));
        Assert.Equal(nonTrainable, a.Explanation.NonTrainableSources.Sum(s => s.Weight.Count));
        Assert.Contains("Checks", Renderers.Text.ToText(Report.Of(a)));
    }

    private static RowFinding Row(PrintedAnalysis a, string name) => a.AllRows.Single(r => r.Row.Name == name);

    [SharedFact]
    public void WganGenerator_Keras2_cut_cells_four_batch_norms_hold_the_8578()
    {
        var a = Analyse("keras2__wgan_gp__2.txt");
        // BatchNormalization over 4096, 128, 64 and 1 channels: 2 moving statistics each, 2·(4096 + 128 + 64 + 1) = 8,578.
        Assert.Equal(new[] { "batch_normalization", "batch_normalization_1", "batch_normalization_2", "batch_normalization_3" },
            a.Explanation.NonTrainableSources.Select(s => s.Layer).Distinct());
        Assert.Equal(8578, a.Explanation.NonTrainableSources.Sum(s => s.Weight.Count));
        Assert.All(a.AllRows.Where(r => r.Row.ClassText.StartsWith("Batch", StringComparison.Ordinal)), r => Assert.Equal("BatchNormalization", r.Row.ClassName));
        Assert.Equal("UpSampling2D", Row(a, "up_sampling2d_1").Row.ClassName); // printed "UpSampling2"
        // dense_1: 128·4096 = 524,288 exactly, so no bias.
        Assert.Equal("units = 4096, no bias (use_bias=False)", Assert.Single(Row(a, "dense_1").Inference.Solutions).Conclusion);
        // conv2d_4: 3·3·256·128 = 294,912 with same padding; the 3×3 kernel is among the fits (1×9 and 9×1 fit too).
        Assert.Contains(Row(a, "conv2d_4").Inference.Solutions, s => s.Conclusion == "k = 3 (a 3×3 kernel), no bias (use_bias=False)");
    }

    [SharedFact]
    public void Conv3D_classifier_Keras3_kernels_and_batch_norm_statistics()
    {
        var a = Analyse("keras3__3D_image_classification__1.txt");
        // (3·3·3·1 + 1)·64 = 1,792; 128 − 3 + 1 = 126 and 64 − 3 + 1 = 62 leave only the cube.
        Assert.Equal("k = 3 (a 3×3×3 kernel)", Assert.Single(Row(a, "conv3d").Inference.Solutions).Conclusion);
        Assert.Equal("k = 3 (a 3×3×3 kernel)", Assert.Single(Row(a, "conv3d_3").Inference.Solutions).Conclusion);
        Assert.Equal(1024, a.Explanation.NonTrainableSources.Sum(s => s.Weight.Count)); // 2·(64 + 64 + 128 + 256)
        Assert.Equal("(256 + 1)·512", Assert.Single(Row(a, "dense").Inference.Solutions).Formula);
    }

    [SharedFact]
    public void Recurrent_tables_give_units_vocabulary_and_bidirectional_lstm()
    {
        var rnn = Analyse("keras3__addition_rnn__1.txt");
        // lstm_1 on 128 features: 4·(128·128 + 128² + 128) = 131,584.
        Assert.Equal("units = 128, with a bias", Assert.Single(Row(rnn, "lstm_1").Inference.Solutions).Conclusion);
        // The first LSTM's input is not printed: 72,192 = 4·(128·D + 128² + 128) gives D = 12 (the 12-character vocabulary).
        Assert.Contains(Row(rnn, "lstm").Inference.Solutions, s => s.Conclusion == "units = 128 on D = 12 input features, with a bias");

        var imdb = Analyse("keras3__bidirectional_lstm_imdb__1.txt");
        Assert.Equal("a vocabulary of input_dim = 20,000 tokens, output_dim = 128", Assert.Single(Row(imdb, "embedding").Inference.Solutions).Conclusion);
        // 98,816 = 2·4·(64·128 + 64² + 64): two LSTM(64) copies concatenated to 128.
        Assert.Equal("Bidirectional(LSTM), merge_mode='concat': units = 64, with a bias", Assert.Single(Row(imdb, "bidirectional").Inference.Solutions).Conclusion);
    }

    [SharedFact]
    public void Siamese_nested_shared_model_holds_the_non_trainable_514()
    {
        var a = Analyse("keras3__siamese_contrastive__1.txt");
        var embedding = Row(a, "embedding");
        Assert.Equal(2, embedding.Uses);
        Assert.Equal(514, a.Explanation.Layers.Single(l => l.Name == "embedding").NonTrainableParams);
        Assert.Equal(2, Row(a, "lambda").Context.Inputs!.Count);
    }

    [SharedFact]
    public void Attention_mil_shared_dense_layers_take_their_input_from_connected_to()
    {
        var a = Analyse("keras3__attention_mil_classification__1.txt");
        Assert.Equal(3, Row(a, "dense").Uses);
        Assert.Equal("(784 + 1)·128", Assert.Single(Row(a, "dense").Inference.Solutions).Formula);
        Assert.Equal("(192 + 1)·2", Assert.Single(Row(a, "dense_2").Inference.Solutions).Formula);
        Assert.Equal(3, Row(a, "alpha").Row.OutputShapes!.Count);
    }

    [SharedFact]
    public void Transformer_cut_cells_keep_what_they_show()
    {
        var a = Analyse("keras3__neural_machine_translation_with_keras_hub__1.txt");
        var token = a.Summary.Rows[1];
        Assert.True(token.NameTruncated);
        Assert.Equal("token_and_position", token.Name);
        Assert.True(token.ClassTruncated);
        Assert.Null(token.ClassName);
        Assert.Equal("(None, None, 15000)", a.Summary.Rows[4].ShapeText); // wrapped over two lines
        Assert.Equal(["decoder_inputs", "transformer_enco"], a.Summary.Rows[4].ConnectedTo.Select(c => c.Layer));
        Assert.Equal(2, Row(a, "functional_3").Context.Inputs!.Count); // cut names matched to their rows
    }

    [SharedFact]
    public void Keras2_wrapped_class_names_are_joined_back()
    {
        var a = Analyse("keras2__vae__2.txt");
        Assert.Equal(PrintedStyle.Keras2Mid, a.Summary.Style);
        Assert.Equal(["InputLayer", "Dense", "Reshape", "Conv2DTranspose", "Conv2DTranspose", "Conv2DTranspose"], a.Summary.Rows.Select(r => r.ClassName));
        Assert.Equal("[(None, 2)]", a.Summary.Rows[0].ShapeText);
        Assert.Contains(Row(a, "conv2d_transpose").Inference.Solutions, s => s.Conclusion == "k = 3 (a 3×3 kernel)" && s.Notes[0] == "height: 7 · 2 = 14  [transposed, padding 'same']");

        var encoder = Analyse("keras2__vae__1.txt");
        Assert.Equal(["z_mean", "z_log_var"], encoder.Summary.Rows.Single(r => r.Name == "sampling").ConnectedTo.Select(c => c.Layer));
    }
}
