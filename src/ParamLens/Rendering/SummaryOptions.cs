using ParamLens.Layers;
using ParamLens.Graph;

namespace ParamLens.Rendering;

public enum SummaryStyle { Keras3, Keras2 }

/// <summary>The arguments of <c>model.summary()</c>, plus the terminal width Keras 3 would have seen.</summary>
public sealed record SummaryOptions
{
    public SummaryStyle Style { get; init; } = SummaryStyle.Keras3;
    /// <summary>Keras <c>line_length</c>; null for the default of the style.</summary>
    public int? LineLength { get; init; }
    /// <summary>Terminal columns (Keras 3 clamps its default width to this minus 4); 80 when output is piped.</summary>
    public int TerminalColumns { get; init; } = 80;
    public bool ExpandNested { get; init; }
    public bool ShowTrainable { get; init; }
    /// <summary>Keras <c>layer_range</c>: two name patterns (regular expressions matched at the start of the name).</summary>
    public (string Start, string End)? LayerRange { get; init; }
    /// <summary>Emulate this Keras version's printer instead of the one the model was written by.</summary>
    public KerasVersion? KerasVersion { get; init; }
}
