using ParamLens.Inputs;
using ParamLens.Rendering;

namespace ParamLens.Tests.Inputs;

/// <summary>Analyses run side by side on many threads give exactly what each gives alone: nothing in reading, accounting
/// or rendering is shared between runs.</summary>
public sealed class ConcurrencyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("paramlens-concurrent-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string ConvNetJson = """
        {"class_name": "Sequential", "config": {"name": "convnet", "layers": [
          {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 28, 28, 1], "name": "image"}},
          {"class_name": "Conv2D", "config": {"name": "conv2d", "filters": 32, "kernel_size": [3, 3], "activation": "relu"}},
          {"class_name": "BatchNormalization", "config": {"name": "bn"}},
          {"class_name": "MaxPooling2D", "config": {"name": "pool", "pool_size": [2, 2]}},
          {"class_name": "Flatten", "config": {"name": "flatten"}},
          {"class_name": "Dense", "config": {"name": "dense", "units": 10, "activation": "softmax"}}]}, "keras_version": "2.15.0"}
        """;

    private const string TextModelJson = """
        {"class_name": "Sequential", "config": {"name": "text", "layers": [
          {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 40], "name": "tokens"}},
          {"class_name": "Embedding", "config": {"name": "embedding", "input_dim": 5000, "output_dim": 32}},
          {"class_name": "Bidirectional", "config": {"name": "bi", "layer": {"class_name": "LSTM", "config": {"name": "lstm", "units": 16}}}},
          {"class_name": "Dense", "config": {"name": "out", "units": 1}}]}, "keras_version": "2.15.0"}
        """;

    /// <summary>One analysis, as the command line makes it: the model read, its report in every output, and the
    /// verification of stored weights.</summary>
    private static string Analyse(Func<ModelDocument> open)
    {
        var document = open();
        var report = document.Printed is { } printed ? Report.Of(printed) : Report.Of(document.Models);
        var parts = Renderers.All
            .Where(r => document.Printed is null || r is not { Name: "keras3" or "keras2" or "summary-markdown" })
            .Select(r => r.ToText(report));
        var verification = document.Stored is { } stored ? WeightVerification.Of(document.Model, stored).Report() : "";
        return string.Join("\n---\n", parts) + verification;
    }

    [Fact]
    public void A_thousand_mixed_analyses_in_parallel_equal_the_serial_ones()
    {
        var h5 = TestModelFiles.LegacyH5(Path.Combine(_dir, "model.h5"));
        var archive = TestModelFiles.KerasArchive(Path.Combine(_dir, "model.keras"));
        var seed = Path.Combine(TestPaths.RepoRoot, "examples", "seed", "myModel.json");
        Func<ModelDocument>[] inputs =
        [
            () => ModelSource.Parse(TestModelFiles.DenseModelJson),
            () => ModelSource.Parse(TestModelFiles.Keras3SequentialJson),
            () => ModelSource.Parse(ConvNetJson),
            () => ModelSource.Parse(TextModelJson),
            () => ModelSource.Open(seed),
            () => ModelSource.Open(h5),
            () => ModelSource.Open(archive),
            () => ModelSource.Parse(TestModelFiles.MnistConvnetTable),
        ];
        var serial = inputs.Select(Analyse).ToArray();
        Assert.All(serial, s => Assert.False(string.IsNullOrEmpty(s)));

        var parallel = new string[1000];
        Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, Environment.ProcessorCount) },
            i => parallel[i] = Analyse(inputs[i % inputs.Length]));

        for (var i = 0; i < parallel.Length; i++)
            Assert.True(serial[i % inputs.Length] == parallel[i], $"run {i} (input {i % inputs.Length}) differs from the serial result");
    }
}
