using System.Text.RegularExpressions;
using ParamLens.Layers;

namespace ParamLens.Inputs;

/// <summary>
/// Which Keras a notebook ran under, from what it left behind: a notebook does not say its Keras version, but the tables
/// its cells printed have the layout of their printer's era (Keras 3's box drawing; tf.keras 2.13+ sizes after the
/// totals; 2.7–2.12 blank lines between rows; older underscore rules, without a <c>Model:</c> line in standalone Keras
/// up to 2.2.4), a version printed by the code names it, and "Using TensorFlow backend." is standalone Keras 2.0–2.3.
/// The printer eras are those of the summary-format reference; each maps to one version of the era to emulate.
/// </summary>
internal static partial class KerasEraEvidence
{
    /// <summary>The version to emulate and why, or null when the notebook leaves no evidence (then Keras 3 applies).</summary>
    public static (KerasVersion Version, string Why)? Infer(IEnumerable<(string Source, string Output)> cells)
    {
        string? printedKerasVersion = null, table = null;
        var standaloneBackend = false;
        var tfKerasImports = false;
        foreach (var (source, output) in cells)
        {
            tfKerasImports |= TfKerasImport().IsMatch(source);
            standaloneBackend |= output.Contains("Using TensorFlow backend.", StringComparison.Ordinal)
                || output.Contains("Using Theano backend.", StringComparison.Ordinal);
            // `keras.__version__` alone on a cell's last line is echoed as '2.2.4' (tf.keras: '2.2.4-tf').
            if (KerasVersionExpression().IsMatch(source) && QuotedVersion().Match(output) is { Success: true } v && !source.Contains("tf.__version__"))
                printedKerasVersion ??= v.Groups[1].Value;
            if (output.Contains("Layer (type)", StringComparison.Ordinal) && output.Contains("Total params:", StringComparison.Ordinal))
                table ??= output;
        }
        if (printedKerasVersion is not null && KerasVersion.TryParse(printedKerasVersion) is { } printed)
            return (printed, $"a cell printed keras.__version__ as '{printedKerasVersion}'");
        if (table is null)
            return standaloneBackend
                ? (KerasVersion.Parse("2.3.1"), "a cell printed \"Using TensorFlow backend.\" (standalone Keras 2.0–2.3)")
                : FromSource(string.Join("\n", cells.Select(c => c.Source)));
        if (table.Contains('┏'))
            return (KerasVersion.Keras3, "a stored summary table has Keras 3's box drawing");
        var lines = table.Replace("\r\n", "\n").Split('\n');
        if (lines.Any(l => TotalsWithSize().IsMatch(l)))
            return (KerasVersion.Parse("2.15.0"), "a stored summary table gives sizes after its totals (tf.keras 2.13–2.15)");
        var header = Array.FindIndex(lines, l => l.Contains("Layer (type)", StringComparison.Ordinal));
        var rows = lines.Skip(header + 2).TakeWhile(l => !l.StartsWith("Total params:", StringComparison.Ordinal)).ToArray();
        if (rows.Any(l => l.Length > 0 && l.Trim().Length == 0) && !rows.Any(l => UnderscoreRule().IsMatch(l)))
            return (KerasVersion.Parse("2.12.0"), "a stored summary table separates its rows with blank lines (tf.keras 2.7–2.12)");
        if (tfKerasImports && !standaloneBackend)
            return (KerasVersion.Parse("2.6.0"), "a stored summary table separates its rows with underscore rules and the code imports tf.keras (TensorFlow 2.0–2.6)");
        var hasModelLine = lines.Take(header).Any(l => l.StartsWith("Model: ", StringComparison.Ordinal));
        return hasModelLine
            ? (KerasVersion.Parse("2.3.1"), "a stored summary table separates its rows with underscore rules and the code imports standalone Keras (2.0–2.3)")
            : (KerasVersion.Parse("2.2.4"), "a stored summary table has no Model: line (standalone Keras up to 2.2.4)");
    }

    /// <summary>What the code alone says. Colab's <c>%tensorflow_version 1.x</c> selects TensorFlow 1.15, whose tf.keras is
    /// 2.2.4-tf; <c>%tensorflow_version 2.x</c> the TensorFlow 2 of the day (2.0 to about 2.9, the same counts throughout),
    /// emulated as 2.6, the last of the underscore-rule printers. <c>tf_keras</c> is Keras 2.15 for TensorFlow 2.16+.
    /// Module paths only Keras 2 has (<c>keras.layers.core</c>, <c>keras.utils.np_utils</c>, <c>keras.engine</c>,
    /// <c>keras.preprocessing.text</c>, …) say Keras 2 without saying which: tf.keras 2.6 when imported through
    /// TensorFlow, else standalone Keras 2.3.</summary>
    public static (KerasVersion Version, string Why)? FromSource(string code)
    {
        if (TensorflowVersionMagic().Match(code) is { Success: true } magic)
            return magic.Groups[1].Value == "1"
                ? (KerasVersion.Parse("2.2.4-tf"), "the code selects TensorFlow 1 (%tensorflow_version 1.x), whose tf.keras is 2.2.4-tf")
                : (KerasVersion.Parse("2.6.0"), "the code selects TensorFlow 2 in Colab (%tensorflow_version 2.x: tf.keras 2.x, before Keras 3); the table layout of 2.0–2.6 is assumed");
        if (TfKerasPackage().IsMatch(code))
            return (KerasVersion.Parse("2.15.0"), "the code imports tf_keras (Keras 2.15 for TensorFlow 2.16 and later)");
        if (Keras2OnlyPath().Match(code) is { Success: true } path)
            return path.Groups[1].Value.StartsWith("tensorflow", StringComparison.Ordinal)
                ? (KerasVersion.Parse("2.6.0"), $"the code imports {path.Value.Trim()}, which only Keras 2 has (tf.keras; the table layout of 2.0–2.6 is assumed)")
                : (KerasVersion.Parse("2.3.1"), $"the code imports {path.Value.Trim()}, which only Keras 2 has (standalone Keras 2.3 is assumed)");
        return null;
    }

    [GeneratedRegex(@"\b(?:tensorflow\.keras|tf\.keras|tensorflow\s+import\s+keras)\b")]
    private static partial Regex TfKerasImport();

    [GeneratedRegex(@"(?m)^\s*%tensorflow_version\s+([12])\.x")]
    private static partial Regex TensorflowVersionMagic();

    [GeneratedRegex(@"(?m)^\s*(?:import|from)\s+tf_keras\b")]
    private static partial Regex TfKerasPackage();

    [GeneratedRegex(@"(?m)^\s*(?:import|from)\s+((?:tensorflow\.)?keras)\.(?:layers\.(?:core|convolutional|normalization|pooling|merge|recurrent|embeddings|advanced_activations|wrappers|noise)|engine|utils\.(?:np_utils|vis_utils)|preprocessing\.text)\b")]
    private static partial Regex Keras2OnlyPath();

    [GeneratedRegex(@"\bkeras\.__version__")]
    private static partial Regex KerasVersionExpression();

    [GeneratedRegex(@"'(\d+\.\d+\.\d+(?:-tf)?)'")]
    private static partial Regex QuotedVersion();

    [GeneratedRegex(@"^Total params: [\d,]+ \(")]
    private static partial Regex TotalsWithSize();

    [GeneratedRegex(@"^_{10,}\s*$")]
    private static partial Regex UnderscoreRule();
}
