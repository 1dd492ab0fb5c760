namespace ParamLens.Python.Tests;

/// <summary>A test that needs the corpus in <c>../shared/corpus</c> (read in place, never copied: the files' licences
/// differ); skipped with the reason when it is absent, unless <c>PARAMLENS_REQUIRE_SHARED=1</c> (as CI sets it).</summary>
public class SharedCorpusFactAttribute : FactAttribute
{
    public static string Corpus { get; } = FindCorpus();

    public SharedCorpusFactAttribute()
    {
        if (!Directory.Exists(Corpus) && Environment.GetEnvironmentVariable("PARAMLENS_REQUIRE_SHARED") != "1")
            Skip = $"the shared corpus is not at {Corpus}";
    }

    private static string FindCorpus()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ParamLens.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "corpus"));
        return "../shared/corpus";
    }
}

/// <summary>A test that needs the real-programs corpus in <c>../shared/corpus/programs</c>.</summary>
public sealed class ProgramsCorpusFactAttribute : SharedCorpusFactAttribute
{
    public static string Folder { get; } = Path.Combine(Corpus, "programs");
}

public class ProgramsCorpusTests
{
    /// <summary>Every real program ends in an outcome (summaries, notes, or a Python-style error), never in a .NET
    /// exception; and a run that stopped with summaries still ahead says it is incomplete.</summary>
    [ProgramsCorpusFact]
    public void Every_Program_Ends_In_An_Outcome_Never_A_Crash()
    {
        var crashes = new List<string>();
        foreach (var dir in Directory.GetDirectories(ProgramsCorpusFactAttribute.Folder).Order(StringComparer.Ordinal))
        {
            var program = Path.Combine(dir, "program.py");
            if (!File.Exists(program)) continue;
            try
            {
                var run = PythonModelSource.Run(File.ReadAllText(program), "program.py", dir, new PythonRunOptions { SkipFailingStatements = true });
                if (run.StoppedBy is not null && run.Summaries.Count > 0 && !run.Incomplete && File.ReadAllText(program).Contains(".summary(", StringComparison.Ordinal))
                {
                    var stopLine = run.StoppedBy.Trace.FirstOrDefault().Line;
                    if (File.ReadAllLines(program).Skip(stopLine).Any(l => l.Contains(".summary(", StringComparison.Ordinal)))
                        crashes.Add($"{Path.GetFileName(dir)}: stopped at line {stopLine} before a later summary, but not marked incomplete");
                }
            }
            catch (PythonError) { } // a syntax error (IPython lines) or an error the code raised: an outcome
            catch (ModelException) { }
            catch (Exception e) { crashes.Add($"{Path.GetFileName(dir)}: {e.GetType().Name}: {e.Message}"); }
        }
        Assert.Empty(crashes);
    }
}
