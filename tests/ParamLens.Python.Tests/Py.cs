using ParamLens.Layers;
using ParamLens.Graph;

namespace ParamLens.Python.Tests;

/// <summary>Runs Python snippets in the interpreter for tests.</summary>
internal static class Py
{
    public static PythonRun Run(string code, KerasVersion? version = null, Limits? limits = null, string? folder = null, long?[]? inputShape = null,
        bool skipFailures = false) =>
        PythonModelSource.Run(code.Replace("\r\n", "\n"), "test.py", folder, new PythonRunOptions
        {
            Version = version,
            Limits = limits ?? new Limits(),
            InputShape = inputShape,
            SkipFailingStatements = skipFailures,
        });

    /// <summary>What the code printed; fails the test when it stopped with an error.</summary>
    public static string Output(string code, KerasVersion? version = null)
    {
        var run = Run(code, version);
        if (run.StoppedBy is { } e) throw e;
        return run.Printed;
    }

    /// <summary>The error the code stopped with.</summary>
    public static PythonError Error(string code, Limits? limits = null, KerasVersion? version = null)
    {
        try
        {
            var run = Run(code, version, limits);
            return run.StoppedBy ?? throw new Xunit.Sdk.XunitException("the code ran to its end without an error");
        }
        catch (PythonError e) { return e; }
    }

    /// <summary>The model's totals, worked out by the test: total and trainable (non-trainable is the rest).</summary>
    public static void AssertCounts(Model m, long total, long trainable)
    {
        var a = ParamLens.Accounting.ModelAccount.Of(m);
        Assert.Equal(total, a.TotalParams);
        Assert.Equal(trainable, a.TrainableParams);
        Assert.Equal(total - trainable, a.NonTrainableParams);
    }

    public static Model Single(string code, KerasVersion? version = null)
    {
        var run = Run(code, version);
        if (run.StoppedBy is { } e) throw e;
        return Assert.Single(run.TopLevelModels);
    }
}
