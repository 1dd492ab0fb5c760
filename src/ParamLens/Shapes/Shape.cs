using System.Collections;

namespace ParamLens.Shapes;

/// <summary>A tensor shape: an ordered list of dimensions, each known (a non-negative count) or unknown (None).</summary>
public sealed class Shape : IReadOnlyList<long?>, IEquatable<Shape>
{
    private readonly long?[] _dims;

    public Shape(IEnumerable<long?> dims)
    {
        _dims = dims.ToArray();
        foreach (var d in _dims)
            if (d is < 0) throw new ModelException($"a shape cannot have the negative dimension {d}");
    }

    public static Shape Of(params long?[] dims) => new(dims);
    public static readonly Shape Scalar = new(Array.Empty<long?>());

    public int Rank => _dims.Length;
    public int Count => _dims.Length;
    public long? this[int index] => _dims[index < 0 ? _dims.Length + index : index];

    /// <summary>The dimensions after the batch axis.</summary>
    public Shape WithoutBatch => new(_dims.Skip(1));

    public Shape With(int index, long? value)
    {
        var copy = (long?[])_dims.Clone();
        copy[index < 0 ? copy.Length + index : index] = value;
        return new Shape(copy);
    }

    public bool IsFullyKnown => _dims.All(d => d.HasValue);

    /// <summary>Number of scalars in a tensor of this shape (a scalar shape holds 1); null when a dim is unknown.</summary>
    public long? ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in _dims)
            {
                if (d is null) return null;
                n = Checked.Multiply(n, d.Value);
            }
            return n;
        }
    }

    public IEnumerator<long?> GetEnumerator() => ((IEnumerable<long?>)_dims).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _dims.GetEnumerator();

    public bool Equals(Shape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);
    public override bool Equals(object? obj) => Equals(obj as Shape);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in _dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Python tuple notation, as Keras 2 prints it: <c>(None, 64)</c>, <c>(None,)</c>, <c>()</c>.</summary>
    public string ToPythonTuple() => _dims.Length == 1 ? $"({DimText(_dims[0])},)" : "(" + string.Join(", ", _dims.Select(DimText)) + ")";

    /// <summary>Keras 3 summary notation: like a tuple but a single dim has no trailing comma: <c>(None)</c>.</summary>
    public string ToKeras3Text() => "(" + string.Join(", ", _dims.Select(DimText)) + ")";

    public override string ToString() => ToPythonTuple();

    public static string DimText(long? d) => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None";
}
