using ParamLens.Rendering;
using ParamLens.Layers;
using ParamLens.Printed;

namespace ParamLens.Tests.Printed;

/// <summary>Layouts and situations the other tables do not show: optimizer lines, Trainable columns, connection rows,
/// inconsistent counts, ambiguous cut class names. Tables are the worked examples of the summary-format reference.</summary>
public class PrintedReaderTests
{
    private static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    /// <summary>Reference §4C: a frozen conv, Adam built; Total includes the optimizer's variables.</summary>
    private static readonly string Keras3Frozen = Lines(
        "Model: \"cnn\"",
        "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━┓",
        "┃ Layer (type)                ┃ Output Shape          ┃    Param # ┃ Trai… ┃",
        "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━┩",
        "│ conv (Conv2D)               │ (None, 26, 26, 8)     │         80 │   N   │",
        "├─────────────────────────────┼───────────────────────┼────────────┼───────┤",
        "│ bn (BatchNormalization)     │ (None, 26, 26, 8)     │         32 │   Y   │",
        "├─────────────────────────────┼───────────────────────┼────────────┼───────┤",
        "│ flat (Flatten)              │ (None, 5408)          │          0 │   -   │",
        "├─────────────────────────────┼───────────────────────┼────────────┼───────┤",
        "│ head (Dense)                │ (None, 10)            │     54,090 │   Y   │",
        "└─────────────────────────────┴───────────────────────┴────────────┴───────┘",
        " Total params: 162,416 (634.44 KB)",
        " Trainable params: 54,106 (211.35 KB)",
        " Non-trainable params: 96 (384.00 B)",
        " Optimizer params: 108,214 (422.71 KB)");

    [Fact]
    public void Keras3_trainable_column_and_optimizer_line()
    {
        var a = PrintedAnalysis.Of(Keras3Frozen);
        Assert.True(a.Summary.HasTrainable);
        Assert.Equal(["N", "Y", "-", "Y"], a.Summary.Rows.Select(r => r.Trainable));
        Assert.Equal(108214, a.Summary.Totals.Optimizer);
        // 54,106 + 96 + 108,214 = 162,416; the rows hold the 54,202 weights: 80 + 32 + 54,090.
        Assert.Contains(a.Checks, c => c.Passed == true && c.Text.StartsWith("trainable + non-trainable + optimizer = total: 54,106 + 96 + 108,214 optimizer = 162,416"));
        Assert.Contains(a.Checks, c => c.Passed == true && c.Text.StartsWith("the rows add up to the weights: 54,202"));
        // Non-trainable: the frozen conv's 80 + bn's 2 × 8 moving statistics = 96.
        Assert.Equal(["conv"], a.Frozen);
        Assert.Equal(80 + 16, a.Explanation.NonTrainableSources.Sum(s => s.Weight.Count));
        Assert.Equal(80, a.Explanation.Layers.Single(l => l.Name == "conv").NonTrainableParams);
        Assert.Equal("k = 3 (a 3×3 kernel) on Cin = 1 input channel", Assert.Single(a.Rows[0].Inference.Solutions, s => s.Conclusion.StartsWith("k = 3")).Conclusion);
        Assert.Contains("\"optimizer_params\": 108214", Renderers.Json.ToText(Report.Of(a)));
    }

    /// <summary>Reference §5B (Keras ≤2.6): the second input of concatenate on a line of its own.</summary>
    private static readonly string Keras2OldBranches = Lines(
        "Model: \"model\"",
        "__________________________________________________________________________________________________",
        "Layer (type)                    Output Shape         Param #     Connected to                     ",
        "==================================================================================================",
        "input_1 (InputLayer)            [(None, 16)]         0                                            ",
        "__________________________________________________________________________________________________",
        "dense (Dense)                   (None, 8)            136         input_1[0][0]                    ",
        "__________________________________________________________________________________________________",
        "dense_1 (Dense)                 (None, 8)            136         input_1[0][0]                    ",
        "__________________________________________________________________________________________________",
        "concatenate (Concatenate)       (None, 16)           0           dense[0][0]                      ",
        "                                                                 dense_1[0][0]                    ",
        "__________________________________________________________________________________________________",
        "dense_2 (Dense)                 (None, 1)            17          concatenate[0][0]                ",
        "==================================================================================================",
        "Total params: 289",
        "Trainable params: 289",
        "Non-trainable params: 0",
        "__________________________________________________________________________________________________");

    [Fact]
    public void Keras2_old_connection_rows_join_their_layer()
    {
        var a = PrintedAnalysis.Of(Keras2OldBranches);
        Assert.Equal(PrintedStyle.Keras2Old, a.Summary.Style);
        Assert.Equal(5, a.Summary.Rows.Count);
        var concat = a.Rows.Single(r => r.Row.Name == "concatenate");
        Assert.Equal(["dense[0][0]", "dense_1[0][0]"], concat.Row.ConnectedTo.Select(c => c.ToString()));
        Assert.Equal(2, concat.Context.Inputs!.Count);
        // dense_2 on the 16 concatenated values: (8 + 8 + 1)·1 = 17.
        Assert.Equal("(16 + 1)·1", Assert.Single(a.Rows.Single(r => r.Row.Name == "dense_2").Inference.Solutions).Formula);
        Assert.Equal([16L], a.Rows[0].Row.OutputShapes![0].WithoutBatch.Select(d => d!.Value)); // "[(None, 16)]"
    }

    [Fact]
    public void A_count_no_hyperparameters_reproduce_is_reported_as_inconsistent_with_the_reason()
    {
        var broken = FoundingTableTests.Table.Replace("conv0 (Conv2D)               (None, 64, 64, 32)        4736      ",
                                                      "conv0 (Conv2D)               (None, 64, 64, 32)        4737      ")
            .Replace("Total params: 37,633", "Total params: 37,634").Replace("Trainable params: 37,569", "Trainable params: 37,570");
        var a = PrintedAnalysis.Of(broken);
        var conv0 = a.Rows.Single(r => r.Row.Name == "conv0");
        Assert.True(conv0.Inconsistent);
        // 4,737 − 32 = 4,705 is not a multiple of 32, and 4,737 is odd: no kernel with or without bias.
        Assert.Equal("no kernel reproduces 4,737 with 32 filters on 3 input channels and the printed shapes: (4,737 − 32) / (3·32) or 4,737 / (3·32) must be a whole kernel size",
            conv0.Inference.Problem);
        Assert.Contains(a.Checks, c => c.Passed == false && c.Text.StartsWith("inconsistent rows: conv0:"));
        Assert.Contains("inconsistent: no kernel reproduces 4,737", Renderers.Text.ToText(Report.Of(a)));
    }

    [Fact]
    public void A_weightless_class_with_parameters_is_inconsistent()
    {
        var a = PrintedAnalysis.Of(FoundingTableTests.Table.Replace("flatten_2 (Flatten)          (None, 32768)             0         ",
                                                                    "flatten_2 (Flatten)          (None, 32768)             5         "));
        Assert.Equal("Flatten has no weights, but the row shows 5 parameters", a.Rows.Single(r => r.Row.Name == "flatten_2").Inference.Problem);
        Assert.Contains(a.Checks, c => c.Passed == false && c.Text.StartsWith("the rows add up to 37,638, 5 more"));
    }

    [Fact]
    public void Cut_class_names_resolve_by_prefix_then_by_the_automatic_name_else_stay_ambiguous()
    {
        var known = ClassNameResolver.KnownClasses();
        Assert.Equal(("BatchNormalization", 1), Resolved(ClassNameResolver.Resolve("BatchNo", true, "batch_normalization", known)));
        Assert.Equal(("GlobalMaxPooling2D", 6), Resolved(ClassNameResolver.Resolve("Global", true, "global_max_pooling2d_4", known)));
        Assert.Equal(("Conv2DTranspose", 1), Resolved(ClassNameResolver.Resolve("Conv2DTra", true, "up", known)));
        var (ambiguous, candidates) = ClassNameResolver.Resolve("Global", true, "pool", known);
        Assert.Null(ambiguous);
        Assert.Equal(["GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D"], candidates);
        Assert.Equal(("Sampling", 0), Resolved(ClassNameResolver.Resolve("Sampling", false, "sampling", known)));
        static (string?, int) Resolved((string? Class, IReadOnlyList<string> Candidates) r) => (r.Class, r.Candidates.Count);
    }

    [Fact]
    public void An_ambiguous_cut_class_is_settled_by_the_count_when_one_candidate_fits()
    {
        // "pool (Global" could be any global pooling: all have no weights, so a 0 row is consistent whichever it is.
        var text = FoundingTableTests.Table.Replace("flatten_2 (Flatten)          (None, 32768)             0         ",
                                                    "pool (Global                 (None, 32)                0         ")
            .Replace("fc (Dense)                   (None, 1)                 32769     ", "fc (Dense)                   (None, 1)                 33        ")
            .Replace("37,633", "4,897").Replace("37,569", "4,833");
        var a = PrintedAnalysis.Of(text);
        var pool = a.Rows.Single(r => r.Row.Name == "pool");
        Assert.Null(pool.Row.ClassName);
        Assert.False(pool.Inconsistent);
        Assert.StartsWith("whichever of GlobalAveragePooling1D", pool.Inference.Remark);
        Assert.DoesNotContain(a.Checks, c => c.Passed == false);
    }

    [Fact]
    public void Recurrent_and_attention_rules_solve_units_reset_after_and_heads()
    {
        // GRU(64) on 32 features: 3·(64·32 + 64²) + 6·64 = 18,816 with reset_after; 3·(64·32 + 64² + 64) = 18,624 without.
        var gru = Infer("GRU", [Shape(null, 10, 32)], Shape(null, 64), 18816);
        Assert.Equal("units = 64, reset_after=True (bias (2, 3u): Keras 3 and tf.keras 2 default)", Assert.Single(gru.Solutions).Conclusion);
        Assert.Contains("reset_after=False", Assert.Single(Infer("GRU", [Shape(null, 10, 32)], Shape(null, 64), 18624).Solutions).Conclusion);
        // SimpleRNN(32) on 8: 32·8 + 32² + 32 = 1,312.
        Assert.Equal("units = 32, with a bias", Assert.Single(Infer("SimpleRNN", [Shape(null, 10, 8)], Shape(null, 32), 1312).Solutions).Conclusion);
        // MultiHeadAttention(2 heads, key_dim 16) on query = value (None, 10, 32): 4 × (32·32 + 32) = 4,224; only H·kd = 32 is determined.
        var mha = Infer("MultiHeadAttention", [Shape(null, 10, 32), Shape(null, 10, 32)], Shape(null, 10, 32), 4224);
        // With biases H·kd = (4,224 − 32) / (4·32 + 3) = 32: 1×32, 2×16, 4×8, 8×4, 16×2, 32×1; without, 4,224 / 128 = 33.
        Assert.Equal(6, mha.Solutions.Count(s => !s.Conclusion.Contains("no biases")));
        Assert.Equal(4, mha.Solutions.Count(s => s.Conclusion.Contains("no biases")));
        Assert.Contains(mha.Solutions, s => s.Conclusion == "num_heads × key_dim = 32: 2 × 16");
        // Embedding(1000, 64) = 64,000; LayerNormalization on 64 = 128; PReLU on (32, 32, 16) shared over 1, 2 = 16.
        Assert.Contains("input_dim = 1,000", Assert.Single(Infer("Embedding", [Shape(null, 10)], Shape(null, 10, 64), 64000).Solutions).Conclusion);
        Assert.Equal("gamma and beta over the last axis (64)", Assert.Single(Infer("LayerNormalization", [Shape(null, 10, 64)], Shape(null, 10, 64), 128).Solutions).Conclusion);
        Assert.Equal("shared_axes = [1, 2]", Assert.Single(Infer("PReLU", [Shape(null, 32, 32, 16)], Shape(null, 32, 32, 16), 16).Solutions).Conclusion);
        // SeparableConv2D(64, 3) on 16 channels: 3·3·16 + 16·64 + 64 = 1,232; DepthwiseConv2D(3, dm 2) on 16: 3·3·16·2 + 32 = 320.
        Assert.Contains(Infer("SeparableConv2D", [Shape(null, 32, 32, 16)], Shape(null, 30, 30, 64), 1232).Solutions, s => s.Conclusion == "a 3×3 kernel, depth_multiplier = 1");
        Assert.Contains(Infer("DepthwiseConv2D", [Shape(null, 32, 32, 16)], Shape(null, 30, 30, 32), 320).Solutions, s => s.Conclusion == "a 3×3 kernel, depth_multiplier = 2");
    }

    [Fact]
    public void A_Keras3_batch_norm_row_of_seven_per_channel_is_renorm()
    {
        // Keras 3.14+ renorm: gamma, beta, moving mean and variance, and three renorm statistics, 7 · 16 = 112, 5 · 16 = 80 not trained.
        var renorm = Assert.Single(Infer("BatchNormalization", [Shape(null, 8, 16)], Shape(null, 8, 16), 112).Solutions);
        Assert.Equal(80, renorm.NonTrainable);
    }

    [Fact]
    public void CuDNN_rows_are_solved_with_their_double_biases()
    {
        // CuDNNLSTM(64) on 32 features: 4·(64·32 + 64²) + 8·64 = 24,576 + 512 = 25,088; the bias is (8·64,) = (512,).
        var lstm = Assert.Single(Infer("CuDNNLSTM", [Shape(null, 10, 32)], Shape(null, 64), 25088).Solutions);
        Assert.Equal("units = 64, CuDNN bias of 8·u", lstm.Conclusion);
        Assert.Equal(512, lstm.Weights.Single(w => w.Name == "bias").Count);
        // The same count read as a CuDNNGRU on an unprinted input: 3·(64·D + 64²) + 6·64 = 25,088 gives D = (25,088 − 384 − 12,288) / 192 = 64.66…, not whole.
        Assert.True(Infer("CuDNNGRU", [], Shape(null, 64), 25088).Problem is not null);
        // CuDNNGRU(64) on 32 features: 3·(64·32 + 64²) + 6·64 = 18,432 + 384 = 18,816.
        Assert.Equal("units = 64, CuDNN bias of 6·u", Assert.Single(Infer("CuDNNGRU", [Shape(null, 10, 32)], Shape(null, 64), 18816).Solutions).Conclusion);
    }

    private static Shapes.Shape Shape(params long?[] dims) => new(dims);

    private static RowInference Infer(string cls, Shapes.Shape[] inputs, Shapes.Shape output, long count)
    {
        var row = new PrintedRow { Name = "x", ClassText = cls, ClassName = cls, ShapeText = output.ToString(), OutputShapes = [output], Params = count };
        return InferenceRules.Infer(new RowContext(row, inputs, Keras3: true))!;
    }
}

/// <summary>A subclassed model's table: every shape is "multiple", so nothing can be solved, and nothing is wrong.</summary>
public class MultipleShapesTests
{
    private static readonly string Subclassed = string.Join("\n",
        "Model: \"my_model\"",
        "_________________________________________________________________",
        "Layer (type)                 Output Shape              Param #   ",
        "=================================================================",
        "dense (Dense)                multiple                  330       ",
        "_________________________________________________________________",
        "dense_1 (Dense)              multiple                  99        ",
        "=================================================================",
        "Total params: 429",
        "Trainable params: 429",
        "Non-trainable params: 0",
        "_________________________________________________________________") + "\n";

    [Fact]
    public void Multiple_shapes_leave_the_counts_unsolved_but_consistent()
    {
        var a = PrintedAnalysis.Of(Subclassed);
        Assert.Equal("my_model", a.Summary.ModelName);
        Assert.All(a.Summary.Rows, r => Assert.Null(r.OutputShapes));
        Assert.All(a.Rows, r => Assert.False(r.Inconsistent));
        Assert.All(a.Rows, r => Assert.Equal("the table does not give the output's last axis (units), so the count cannot be solved", r.Inference.Remark));
        Assert.DoesNotContain(a.Checks, c => c.Passed == false);
        Assert.Contains(a.Checks, c => c.Text == "the rows add up to the weights: 429");
    }
}
