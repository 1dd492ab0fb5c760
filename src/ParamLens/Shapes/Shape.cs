using System.Collections;

namespace ParamLens.Shapes;

/// <summary>
/// A tensor shape: an ordered list of dimensions, each known (a non-negative count) or unknown (None); or
/// <see cref="Unknown"/>, a shape of which not even the rank is known (the output of a layer whose shape could not be
/// derived). An unknown shape has no dimensions to read: asking for its rank or dims is a <see cref="ModelException"/>,
/// so every consumer checks <see cref="IsUnknownRank"/> first.
/// </summary>
public sealed class Shape : IReadOnlyList<long?>, IEquatable<Shape>
{
    /// <summary>The dims; null for <see cref="Unknown"/>.</summary>
    private readonly long?[]? _dims;

    public Shape(IEnumerable<long?> dims)
    {
        _dims = dims.ToArray();
        foreach (var d in _dims)
            if (d is < 0) throw new ModelException($"a shape cannot have the negative dimension {d}");
    }

    private Shape() => _dims = null;

    public static Shape Of(params long?[] dims) => new(dims);
    public static readonly Shape Scalar = new(Array.Empty<long?>());

    /// <summary>A shape that could not be derived: its rank and dims are unknown. Printed as <c>?</c>.</summary>
    public static readonly Shape Unknown = new();

    public bool IsUnknownRank => _dims is null;

    private long?[] Dims => _dims ?? throw new ModelException("the shape is unknown (not even its rank could be derived), so its dimensions cannot be used");

    public int Rank => Dims.Length;
    public int Count => Dims.Length;
    public long? this[int index] => Dims[index < 0 ? Dims.Length + index : index];

    /// <summary>The dimensions after the batch axis.</summary>
    public Shape WithoutBatch => new(Dims.Skip(1));

    public Shape With(int index, long? value)
    {
        var copy = (long?[])Dims.Clone();
        copy[index < 0 ? copy.Length + index : index] = value;
        return new Shape(copy);
    }

    public bool IsFullyKnown => _dims is not null && _dims.All(d => d.HasValue);

    /// <summary>Number of scalars in a tensor of this shape (a scalar shape holds 1); null when a dim or the rank is unknown.</summary>
    public long? ElementCount
    {
        get
        {
            if (_dims is null) return null;
            long n = 1;
            foreach (var d in _dims)
            {
                if (d is null) return null;
                n = Checked.Multiply(n, d.Value);
            }
            return n;
        }
    }

    public IEnumerator<long?> GetEnumerator() => ((IEnumerable<long?>)Dims).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => Dims.GetEnumerator();

    /// <summary>Equal dims; an unknown shape equals only itself (two unknown shapes are not known to agree, but the
    /// singleton is one value).</summary>
    public bool Equals(Shape? other) => other is not null &&
        (_dims is null || other._dims is null ? ReferenceEquals(this, other) : _dims.AsSpan().SequenceEqual(other._dims));
    public override bool Equals(object? obj) => Equals(obj as Shape);
    public override int GetHashCode()
    {
        if (_dims is null) return 0;
        var h = new HashCode();
        foreach (var d in _dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>What an unknown shape prints as, in both summary styles (Keras' own mark for an output shape it does not know).</summary>
    public const string UnknownText = "?";

    /// <summary>Python tuple notation, as Keras 2 prints it: <c>(None, 64)</c>, <c>(None,)</c>, <c>()</c>; <c>?</c> when unknown.</summary>
    public string ToPythonTuple() => _dims is null ? UnknownText
        : _dims.Length == 1 ? $"({DimText(_dims[0])},)" : "(" + string.Join(", ", _dims.Select(DimText)) + ")";

    /// <summary>Keras 3 summary notation: like a tuple but a single dim has no trailing comma: <c>(None)</c>; <c>?</c> when unknown.</summary>
    public string ToKeras3Text() => _dims is null ? UnknownText : "(" + string.Join(", ", _dims.Select(DimText)) + ")";

    public override string ToString() => ToPythonTuple();

    public static string DimText(long? d) => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None";
}
