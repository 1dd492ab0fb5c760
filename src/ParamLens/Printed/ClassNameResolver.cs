using System.Text.RegularExpressions;
using ParamLens.Layers;

namespace ParamLens.Printed;

/// <summary>
/// Resolves the class text of a printed row to a known class: exact names as they are, cut names (<c>ZeroPaddin</c>,
/// <c>BatchNo</c>, <c>TokenAndPositionE…</c>) by prefix against the catalog as it stands at run time, ties broken by the
/// layer's automatic name (<c>max_pooling2d_1</c> → <c>MaxPooling2D</c>).
/// </summary>
public static partial class ClassNameResolver
{
    /// <summary>Model classes a summary row can show, which are not layer declarations.</summary>
    private static readonly string[] ModelClasses = ["Functional", "Sequential", "Model"];

    public static IReadOnlyList<string> KnownClasses() =>
        LayerCatalog.All.Select(d => d.ClassName).Concat(ModelClasses).Concat(InferenceRules.OperationClassNames)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    internal static void ResolveAll(PrintedSummary summary)
    {
        var known = KnownClasses();
        foreach (var row in summary.AllRows)
        {
            var (resolved, candidates) = Resolve(row.ClassText, row.ClassTruncated, row.Name, known);
            row.ClassName = resolved;
            row.ClassCandidates = candidates;
        }
    }

    /// <summary>The class, or null when the text is cut and several classes fit; the candidates are every known class the
    /// text can be (for a cut text, all those it begins; for a complete one, itself when known).</summary>
    public static (string? ClassName, IReadOnlyList<string> Candidates) Resolve(string classText, bool truncated, string layerName, IReadOnlyList<string> known)
    {
        if (!truncated)
        {
            var canonical = known.Contains(classText) ? classText : LayerCatalog.Find(classText)?.ClassName ?? classText;
            return (canonical, known.Contains(canonical) ? [canonical] : []);
        }
        var candidates = known.Where(k => k.StartsWith(classText, StringComparison.Ordinal)).ToArray();
        var baseName = AutoNameSuffix().Replace(layerName, "");
        var byName = candidates.Where(c => KerasNaming.SnakeCase(c) == baseName).ToArray();
        if (byName.Length == 1) return (byName[0], classText.Length > 0 ? candidates : byName);
        if (classText.Length == 0) return (null, []); // nothing of the class is left, and the name is not automatic
        return candidates.Length == 1 ? (candidates[0], candidates) : (null, candidates);
    }

    [GeneratedRegex("_\\d+$")]
    private static partial Regex AutoNameSuffix();
}
