using ParamLens.Shapes;

namespace ParamLens.Printed;

/// <summary>Which Keras printer produced a pasted table.</summary>
public enum PrintedStyle
{
    /// <summary>Keras 3 rich box table.</summary>
    Keras3,
    /// <summary>Keras 2.0–2.6: cells cut at the column end, "_" rules between rows.</summary>
    Keras2Old,
    /// <summary>Keras 2.7–2.12: wrapped cells, blank lines between rows, totals with thousands separators.</summary>
    Keras2Mid,
    /// <summary>Keras 2.13+: wrapped cells, totals with sizes and no thousands separators.</summary>
    Keras2New,
}

/// <summary>One "Connected to" entry: <c>layer[node][tensor]</c>; the layer name may be cut short in the table.</summary>
public sealed record PrintedConnection(string Layer, bool Truncated, int? Node, int? Tensor)
{
    public override string ToString() => Node is null ? Layer + "…" : $"{Layer}[{Node}][{Tensor}]";
}

/// <summary>One row of a printed summary as read from the text (cells joined back when wrapped).</summary>
public sealed class PrintedRow
{
    public required string Name { get; init; }
    /// <summary>True when the table cut the name (ends in … or the cell was cut before the class).</summary>
    public bool NameTruncated { get; init; }
    /// <summary>The class as printed (possibly cut, e.g. <c>ZeroPaddin</c>); empty when the cell lost it entirely.</summary>
    public required string ClassText { get; init; }
    public bool ClassTruncated { get; init; }
    /// <summary>The class the printed text resolves to, or null when no known class fits (custom or ambiguous).</summary>
    public string? ClassName { get; set; }
    /// <summary>Every known class the printed text could be (one when resolved; several when ambiguous).</summary>
    public IReadOnlyList<string> ClassCandidates { get; set; } = [];
    public required string ShapeText { get; init; }
    /// <summary>The output shapes, or null when the cell says <c>multiple</c> or <c>?</c> or was cut.</summary>
    public IReadOnlyList<Shape>? OutputShapes { get; init; }
    public required long Params { get; init; }
    /// <summary><c>Y</c>, <c>N</c> or <c>-</c> from a Trainable column; null without that column.</summary>
    public string? Trainable { get; init; }
    public IReadOnlyList<PrintedConnection> ConnectedTo { get; init; } = [];
    /// <summary>Nesting depth of an expanded nested model's layer (0 = top level).</summary>
    public int Level { get; init; }
    public List<PrintedRow> Children { get; } = [];

    public string DisplayClass => ClassName ?? (ClassText.Length == 0 ? "?" : ClassText + (ClassTruncated ? "…" : ""));
}

/// <summary>The three (or four) totals lines of a summary, with the sizes Keras 3 and 2.13+ print after them.</summary>
public sealed record PrintedTotals(long Total, long Trainable, long NonTrainable, long? Optimizer,
    string? TotalSize, string? TrainableSize, string? NonTrainableSize);

/// <summary>A <c>model.summary()</c> table read back from its text.</summary>
public sealed class PrintedSummary
{
    public string? ModelName { get; init; }
    public required PrintedStyle Style { get; init; }
    public bool HasConnectedTo { get; init; }
    public bool HasTrainable { get; init; }
    /// <summary>Top-level rows; expanded nested models hold their layers in <see cref="PrintedRow.Children"/>.</summary>
    public required IReadOnlyList<PrintedRow> Rows { get; init; }
    public required PrintedTotals Totals { get; init; }

    public IEnumerable<PrintedRow> AllRows => Flatten(Rows);

    private static IEnumerable<PrintedRow> Flatten(IEnumerable<PrintedRow> rows) => rows.SelectMany(r => new[] { r }.Concat(Flatten(r.Children)));

    /// <summary>The Keras versions whose printer made the table, e.g. <c>2.0–2.6 table</c>.</summary>
    public string VersionText => Style switch
    {
        PrintedStyle.Keras3 => "3 box table",
        PrintedStyle.Keras2Old => "2.0–2.6 table",
        PrintedStyle.Keras2Mid => "2.7–2.12 table",
        _ => "2.13+ table",
    };

    public string StyleText => "Keras " + VersionText;
}
