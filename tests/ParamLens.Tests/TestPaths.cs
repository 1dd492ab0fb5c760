namespace ParamLens.Tests;

/// <summary>Where the repository and the read-only shared folder beside it are.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Shared => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
    public static string PrintedSummaries => Path.Combine(Shared, "corpus", "printed-summaries");
    public static string Golden => Path.Combine(AppContext.BaseDirectory, "Golden");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ParamLens.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find ParamLens.sln above the test binaries");
    }
}
