using ParamLens.Layers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using ParamLens.Accounting;
using ParamLens.Building;
using ParamLens.Inputs;
using ParamLens.Graph;
using ParamLens.Rendering;

BenchmarkSwitcher.FromAssembly(typeof(ScaleBenchmarks).Assembly).Run(args);

/// <summary>
/// Cost follows the number of layers, not the number of parameters: the same graph with 10 parameters or 100 billion,
/// and chains of growing length, built, counted and printed.
/// </summary>
[MemoryDiagnoser]
public class ScaleBenchmarks
{
    [Params(1L, 100_000L)]
    public long Width { get; set; }

    [Params(10, 1000)]
    public int Depth { get; set; }

    /// <summary>A chain of Dense layers Width wide: Width = 100,000 holds Depth × 10 billion parameters.</summary>
    [Benchmark]
    public string BuildCountAndPrint()
    {
        var k = new KerasSession(KerasVersion.Parse("3.6.0"));
        var x = k.Input(Width);
        var y = x;
        for (var i = 0; i < Depth; i++) y = k.Layer("Dense", new { units = Width }).Apply(y);
        return Keras3Summary.Render(ModelAccount.Of(k.Model(x, y)), new SummaryOptions());
    }
}

/// <summary>Reading and explaining config files given on the command line (<c>-- --filter *Files* FILE…</c> via the
/// PARAMLENS_BENCH_FILES environment variable, separated by ':').</summary>
[MemoryDiagnoser]
public class FileBenchmarks
{
    public static IEnumerable<string> Files() =>
        (Environment.GetEnvironmentVariable("PARAMLENS_BENCH_FILES") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);

    [ParamsSource(nameof(Files))]
    public string File { get; set; } = "";

    [Benchmark]
    public string LoadAndSummarise() =>
        Keras2Summary.Render(ModelAccount.Of(ModelSource.Load(File).Single()), new SummaryOptions { Style = SummaryStyle.Keras2 });

    [Benchmark]
    public string LoadAndExplain() => TextExplanation.Render(Explanation.Of(ModelAccount.Of(ModelSource.Load(File).Single())));
}
