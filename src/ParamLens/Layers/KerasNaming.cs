using System.Text.RegularExpressions;

namespace ParamLens.Layers;

/// <summary>How Keras names things after their class.</summary>
public static partial class KerasNaming
{
    /// <summary>Keras <c>to_snake_case</c>: <c>BatchNormalization</c> → <c>batch_normalization</c>, <c>LeakyReLU</c> → <c>leaky_re_lu</c>.</summary>
    public static string SnakeCase(string className)
    {
        var intermediate = CapitalisedWord().Replace(className, "$1_$2");
        return LowerUpper().Replace(intermediate, "$1_$2").ToLowerInvariant();
    }

    [GeneratedRegex("(.)([A-Z][a-z0-9]+)")]
    private static partial Regex CapitalisedWord();

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex LowerUpper();
}
