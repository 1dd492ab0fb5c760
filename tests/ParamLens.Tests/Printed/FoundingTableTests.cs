using ParamLens.Rendering;
using System.Text.Json.Nodes;
using ParamLens.Printed;

namespace ParamLens.Tests.Printed;

/// <summary>The founding question's table (Keras 2.2.4, issue 2), explained from its text alone.</summary>
public class FoundingTableTests
{
    /// <summary>Verbatim from the founding question (standalone Keras prints no "Model:" line; rows are padded to 65).</summary>
    internal static readonly string Table = string.Join("\n", new[]
    {
        "_________________________________________________________________",
        "Layer (type)                 Output Shape              Param #   ",
        "=================================================================",
        "input_3 (InputLayer)         (None, 64, 64, 3)         0         ",
        "_________________________________________________________________",
        "zero_padding2d_3 (ZeroPaddin (None, 70, 70, 3)         0         ",
        "_________________________________________________________________",
        "conv0 (Conv2D)               (None, 64, 64, 32)        4736      ",
        "_________________________________________________________________",
        "bn0 (BatchNormalization)     (None, 64, 64, 32)        128       ",
        "_________________________________________________________________",
        "activation_2 (Activation)    (None, 64, 64, 32)        0         ",
        "_________________________________________________________________",
        "max_pool (MaxPooling2D)      (None, 32, 32, 32)        0         ",
        "_________________________________________________________________",
        "flatten_2 (Flatten)          (None, 32768)             0         ",
        "_________________________________________________________________",
        "fc (Dense)                   (None, 1)                 32769     ",
        "=================================================================",
        "Total params: 37,633",
        "Trainable params: 37,569",
        "Non-trainable params: 64",
        "_________________________________________________________________",
        "",
    });

    [Fact]
    public void Reads_every_row_with_the_cut_class_resolved()
    {
        var s = PrintedSummaryReader.Read(Table);
        Assert.Equal(PrintedStyle.Keras2Old, s.Style);
        Assert.Null(s.ModelName);
        Assert.Equal(["input_3", "zero_padding2d_3", "conv0", "bn0", "activation_2", "max_pool", "flatten_2", "fc"], s.Rows.Select(r => r.Name));
        Assert.Equal(["InputLayer", "ZeroPadding2D", "Conv2D", "BatchNormalization", "Activation", "MaxPooling2D", "Flatten", "Dense"],
            s.Rows.Select(r => r.ClassName));
        Assert.True(s.Rows[1].ClassTruncated);
        Assert.Equal("ZeroPaddin", s.Rows[1].ClassText);
        Assert.Equal([0L, 0, 4736, 128, 0, 0, 0, 32769], s.Rows.Select(r => r.Params));
        Assert.Equal(new PrintedTotals(37633, 37569, 64, null, null, null, null), s.Totals);
    }

    [Fact]
    public void Conv0_is_a_7x7_kernel_and_bn0_is_the_sole_source_of_the_64()
    {
        var a = PrintedAnalysis.Of(Table);
        var conv0 = a.Rows.Single(r => r.Row.Name == "conv0");
        // (k·k·3 + 1)·32 = 4,736 ⇒ k·k = 4,736/32 − 1 = 147 / 3 = 49 ⇒ k = 7; 1×49 and 49×1 cannot turn 70 into 64.
        var only = Assert.Single(conv0.Inference.Solutions);
        Assert.Equal("k = 7 (a 7×7 kernel)", only.Conclusion);
        Assert.Equal("(k·k·3 + 1)·32", only.Equation);
        Assert.Equal([(7L, 7L, 3L, 32L)], only.Weights.Take(1).Select(w => (w.Shape[0]!.Value, w.Shape[1]!.Value, w.Shape[2]!.Value, w.Shape[3]!.Value)));
        Assert.Contains("height: (70 − 7) / 1 + 1 = 64  [padding 'valid', window 7, stride 1]", only.Notes);

        var bn0 = a.Rows.Single(r => r.Row.Name == "bn0");
        Assert.Equal((64L, 64L), (bn0.MinNonTrainable, bn0.MaxNonTrainable)); // 2 × 32 moving statistics
        Assert.All(a.Rows.Where(r => r.Row.Name != "bn0"), r => Assert.Equal(0, r.MaxNonTrainable));

        var fc = Assert.Single(a.Rows.Single(r => r.Row.Name == "fc").Inference.Solutions);
        Assert.Equal("(32,768 + 1)·1", fc.Formula); // 32·32·32 inputs + 1 bias

        var e = a.Explanation;
        Assert.Equal([("bn0", "moving_mean", 32L), ("bn0", "moving_variance", 32L)], e.NonTrainableSources.Select(s => (s.Layer, s.Weight.Name, s.Weight.Count)));
        Assert.Equal("4,736 + 128 + 32,769 = 37,633", e.RowsEquation);
        Assert.Null(e.RowsDifference);
        Assert.All(a.Checks, c => Assert.True(c.Passed, c.Text));
        Assert.Contains(a.Checks, c => c.Text == "non-trainable: only bn0 can hold them: 2 × 32 = 64, the 64 printed");
    }

    [Fact]
    public void Renders_text_markdown_and_json_in_the_explain_layout()
    {
        var a = PrintedAnalysis.Of(Table);
        var text = Renderers.Text.ToText(Report.Of(a));
        Assert.Contains("inferred: (k·k·3 + 1)·32 = 4,736 ⇒ k = 7 (a 7×7 kernel)", text);
        Assert.Contains("total (7·7·3 + 1)·32 = 4,736", text);
        Assert.Contains("bn0.moving_mean 32 + bn0.moving_variance 32 = 64", text);
        Assert.Contains("4,736 + 128 + 32,769 = 37,633 total", text);
        Assert.Contains("✓ trainable + non-trainable = total: 37,569 + 64 = 37,633", text);

        var md = Renderers.Markdown.ToText(Report.Of(a));
        Assert.Contains("## `conv0` (Conv2D) — 4,736 params", md);
        Assert.Contains("- inferred: (k·k·3 + 1)·32 = 4,736 ⇒ k = 7 (a 7×7 kernel)", md);
        Assert.Contains("## Checks", md);

        var json = JsonNode.Parse(Renderers.Json.ToText(Report.Of(a)))!;
        Assert.Equal(37633, json["total_params"]!.GetValue<long>());
        Assert.Equal(64, json["non_trainable_params"]!.GetValue<long>());
        var conv0 = json["layers"]!.AsArray().Single(l => l!["name"]!.GetValue<string>() == "conv0")!;
        Assert.Equal("k = 7 (a 7×7 kernel)", conv0["inferred"]!["solutions"]![0]!["conclusion"]!.GetValue<string>());
        Assert.Equal(new long?[] { 7, 7, 3, 32 }, conv0["weights"]![0]!["shape"]!.AsArray().Select(d => d?.GetValue<long?>()));
        var bn0 = json["layers"]!.AsArray().Single(l => l!["name"]!.GetValue<string>() == "bn0")!;
        Assert.Equal(64, bn0["non_trainable_params"]!.GetValue<long>());
        Assert.Equal("printed summary", json["source"]!.GetValue<string>());
    }

    [Fact]
    public void Cli_explains_a_printed_summary_detected_from_its_content()
    {
        var path = Path.Combine(Path.GetTempPath(), $"paramlens-seed-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, Table);
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            Assert.Equal(0, Cli.Run(["explain", path], stdout, stderr));
            Assert.Contains("⇒ k = 7 (a 7×7 kernel)", stdout.ToString());

            stdout = new StringWriter();
            Assert.Equal(0, Cli.Run(["summary", path, "--format", "json"], stdout, stderr));
            Assert.Equal(37569, JsonNode.Parse(stdout.ToString())!["trainable_params"]!.GetValue<long>());

            stdout = new StringWriter();
            Assert.Equal(0, Cli.Run(["explain", path, "--format", "markdown", "--layer", "bn0"], stdout, stderr));
            Assert.Contains("4·C = 128 ⇒ C = 32 channels", stdout.ToString());

            Assert.Equal(2, Cli.Run(["summary", path], new StringWriter(), stderr));
            Assert.Contains("already a printed summary", stderr.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_founding_table_pasted_with_an_indent_reads_the_same()
    {
        var indented = string.Join("\n", Table.Split('\n').Select(l => l.Length == 0 ? l : "    " + l));
        Assert.Equal(PrintedSummaryReader.Read(Table).Rows.Select(r => (r.Name, r.ClassName, r.Params, r.ShapeText)),
            PrintedSummaryReader.Read(indented).Rows.Select(r => (r.Name, r.ClassName, r.Params, r.ShapeText)));
    }
}
