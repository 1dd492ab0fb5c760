namespace ParamLens.Tests;

/// <summary>
/// Tests that read the Keras facts and real files in ../shared. On a clone without it they are skipped with the reason;
/// with <c>PARAMLENS_REQUIRE_SHARED=1</c> (as CI sets it) they run, and fail if it is missing.
/// </summary>
internal static class SharedFolder
{
    public static string? SkipReason =>
        Directory.Exists(TestPaths.Shared) || Environment.GetEnvironmentVariable("PARAMLENS_REQUIRE_SHARED") == "1"
            ? null
            : $"needs the shared corpus and references beside the repository, at {TestPaths.Shared}";
}

/// <summary>A fact that reads ../shared: skipped with the reason when it is absent (see <see cref="SharedFolder"/>).</summary>
public sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute() => Skip = SharedFolder.SkipReason;
}

/// <summary>A theory that reads ../shared: skipped with the reason when it is absent (see <see cref="SharedFolder"/>).</summary>
public sealed class SharedTheoryAttribute : TheoryAttribute
{
    public SharedTheoryAttribute() => Skip = SharedFolder.SkipReason;
}
