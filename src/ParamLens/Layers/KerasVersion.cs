using System.Globalization;
using System.Text.RegularExpressions;

namespace ParamLens.Layers;

/// <summary>The Keras version a model was written by (or is emulated as); it decides names, defaults and summary style.</summary>
public sealed partial record KerasVersion(int Major, int Minor, int Patch, string Text)
{
    public static readonly KerasVersion Keras3 = new(3, 13, 0, "3.13.0");
    public static readonly KerasVersion Keras2 = new(2, 15, 0, "2.15.0");

    /// <summary>Standalone multi-backend Keras 2.0–2.3 (not tf.keras): one-based auto names, no <c>[(...)]</c> input shapes.</summary>
    public bool IsStandalone => Major == 2 && Minor <= 3 && !Text.Contains("-tf", StringComparison.Ordinal);

    public bool IsKeras3 => Major >= 3;

    /// <summary>Whether this is <paramref name="major"/>.<paramref name="minor"/> or later.</summary>
    public bool IsAtLeast(int major, int minor) => Major > major || (Major == major && Minor >= minor);

    public static KerasVersion Parse(string text)
    {
        var m = VersionPattern().Match(text);
        if (!m.Success) throw new ModelException($"cannot read the Keras version '{text}' (expected something like 2.2.4 or 3.4.1)");
        int Part(int i) => m.Groups[i].Success ? int.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture) : 0;
        return new KerasVersion(Part(1), Part(2), Part(3), text.Trim());
    }

    public static KerasVersion? TryParse(string? text) =>
        text is not null && VersionPattern().IsMatch(text) ? Parse(text) : null;

    public override string ToString() => Text;

    [GeneratedRegex(@"(\d+)\.(\d+)(?:\.(\d+))?")]
    private static partial Regex VersionPattern();
}
