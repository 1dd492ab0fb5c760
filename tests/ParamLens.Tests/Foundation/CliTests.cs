using System.Diagnostics;

namespace ParamLens.Tests.Foundation;

/// <summary>The command line: the seed's two tables, exit codes (0 ok, 1 model error, 2 usage), errors without stack traces.</summary>
public class CliTests
{
    private static readonly string Seed = Path.Combine(TestPaths.RepoRoot, "examples", "seed", "myModel.json");

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The table Keras 2.2.4 printed for the founding model, as quoted in the question (the asker's paste
    /// leaves out the underscore rule Keras prints above the header and below the totals).</summary>
    private const string FoundingTable = """
        Layer (type)                 Output Shape              Param #   
        =================================================================
        input_3 (InputLayer)         (None, 64, 64, 3)         0         
        _________________________________________________________________
        zero_padding2d_3 (ZeroPaddin (None, 70, 70, 3)         0         
        _________________________________________________________________
        conv0 (Conv2D)               (None, 64, 64, 32)        4736      
        _________________________________________________________________
        bn0 (BatchNormalization)     (None, 64, 64, 32)        128       
        _________________________________________________________________
        activation_2 (Activation)    (None, 64, 64, 32)        0         
        _________________________________________________________________
        max_pool (MaxPooling2D)      (None, 32, 32, 32)        0         
        _________________________________________________________________
        flatten_2 (Flatten)          (None, 32768)             0         
        _________________________________________________________________
        fc (Dense)                   (None, 1)                 32769     
        =================================================================
        Total params: 37,633
        Trainable params: 37,569
        Non-trainable params: 64
        """;

    [Fact]
    public void Summary_Keras2_PrintsTheFoundingTable()
    {
        var (code, output, error) = Run("summary", Seed, "--style", "keras2");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        var rule = new string('_', 65);
        Assert.Equal(rule + "\n" + FoundingTable + "\n" + rule + "\n", output);
    }

    /// <summary>The founding table as Markdown: the rows and totals of the question's table (sizes at 4 bytes per float32
    /// parameter: 37,633 · 4 = 150,532 B = 147.00 KB; 64 · 4 = 256 B), with a Trainable column asked for.</summary>
    [Fact]
    public void Summary_Markdown_PrintsTheFoundingTableAsMarkdown()
    {
        var (code, output, error) = Run("summary", Seed, "--format", "markdown", "--show-trainable");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Equal("""
            **Model: "myModel"**

            | Layer (type) | Output Shape | Param # | Trainable |
            |---|---|--:|:-:|
            | input_3 (InputLayer) | (None, 64, 64, 3) | 0 | - |
            | zero_padding2d_3 (ZeroPadding2D) | (None, 70, 70, 3) | 0 | - |
            | conv0 (Conv2D) | (None, 64, 64, 32) | 4,736 | Y |
            | bn0 (BatchNormalization) | (None, 64, 64, 32) | 128 | Y |
            | activation_2 (Activation) | (None, 64, 64, 32) | 0 | - |
            | max_pool (MaxPooling2D) | (None, 32, 32, 32) | 0 | - |
            | flatten_2 (Flatten) | (None, 32768) | 0 | - |
            | fc (Dense) | (None, 1) | 32,769 | Y |

            Total params: 37,633 (147.00 KB)  
            Trainable params: 37,569 (146.75 KB)  
            Non-trainable params: 64 (256.00 B)

            """, output);
    }

    [Fact]
    public void Summary_Keras3_Default()
    {
        var (code, output, _) = Run("summary", Seed, "--columns", "80");
        Assert.Equal(0, code);
        Assert.Equal(File.ReadAllText(Path.Combine(TestPaths.Golden, "seed.keras3.txt")), output);
        Assert.Contains(" Total params: 37,633 (147.00 KB)\n", output);
    }

    [Fact]
    public void Summary_LineLength_ShowTrainable_LayerRange()
    {
        var (code, output, _) = Run("summary", Seed, "--style", "keras2", "--keras-version", "2.10", "--show-trainable", "--layer-range", "conv0", "bn0");
        Assert.Equal(0, code);
        var rows = output.Split('\n').Where(l => l.StartsWith(" conv0") || l.StartsWith(" bn0") || l.StartsWith(" fc")).ToArray();
        Assert.Equal(2, rows.Length);
        Assert.All(rows, r => Assert.Equal(65 + 11, r.Length));
        var wide = Run("summary", Seed, "--line-length", "100", "--columns", "200").Out;
        Assert.Equal(100, wide.Split('\n')[1].Length);
    }

    [Fact]
    public void Summary_Json_And_Explain_Formats()
    {
        Assert.Contains("\"total_params\": 37633", Run("summary", Seed, "--format", "json").Out);
        Assert.Contains("## `conv0` (Conv2D) — 4,736 params", Run("explain", Seed, "--format", "markdown").Out);
        Assert.Contains("bn0 (BatchNormalization)", Run("explain", Seed, "--layer", "bn0").Out);
    }

    [Theory]
    [InlineData(2, "summary", "does-not-exist.json")]
    [InlineData(2, "summary", "SEED", "--style", "keras4")]
    [InlineData(2, "frobnicate")]
    [InlineData(2, "summary", "SEED", "--layer-range", "nothing", "matches")]
    [InlineData(2, "explain", "SEED", "--layer", "nope")]
    [InlineData(2, "summary", "SEED", "--keras-version", "banana")]
    public void UsageErrors_ExitTwo(int expected, params string[] args)
    {
        var (code, _, error) = Run(args.Select(a => a == "SEED" ? Seed : a).ToArray());
        Assert.Equal(expected, code);
        Assert.StartsWith("paramlens: ", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("""{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 2], "name": "i"}}, {"class_name": "Dense", "config": {"name": "d", "units": "many"}}]}}""", "layer 'd' (Dense): config key 'units'")]
    [InlineData("plain text", "not a recognised model format")]
    public void ModelErrors_ExitOne_NameTheFileAndLayer(string content, string fragment)
    {
        var path = Path.Combine(Path.GetTempPath(), $"paramlens-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, content);
        try
        {
            var (code, _, error) = Run("summary", path);
            Assert.Equal(1, code);
            Assert.Contains(path, error);
            Assert.Contains(fragment, error);
            Assert.DoesNotContain("   at ", error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Stdin_IsReadWithADash()
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "paramlens.dll");
        var start = new ProcessStartInfo("dotnet", [exe, "summary", "-", "--style", "keras2"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(File.ReadAllText(Seed));
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit(60_000);
        Assert.Equal(0, process.ExitCode);
        Assert.Contains(FoundingTable, output.Replace("\r\n", "\n"));
    }
}
