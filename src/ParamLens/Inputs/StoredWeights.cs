using ParamLens.Shapes;

namespace ParamLens.Inputs;

/// <summary>
/// One weight as a model file stores it: where it sits (the chain of layer names from the top-level layer down to the
/// layer that owns it), the name the file gives it, its shape and its dtype. Never its values.
/// </summary>
/// <param name="LayerPath">Top-level layer name, then the inner layers of nested models down to the owner; empty when
/// the weight could not be tied to any layer of the config.</param>
/// <param name="Name">The name or path the file stores it under (<c>dense/kernel:0</c>, <c>layers/dense/vars/0</c>).</param>
public sealed record StoredWeight(IReadOnlyList<string> LayerPath, string Name, IReadOnlyList<long> Shape, string DType)
{
    /// <summary>Number of values (a scalar holds one); an overflow is a model error.</summary>
    public long Count => Checked.Product(Shape);

    /// <summary>The weight's own name without scopes or the <c>:0</c> suffix (<c>kernel</c>), or null when the file
    /// names weights only by position (<c>vars/0</c> in Keras 3 files).</summary>
    public string? ShortName
    {
        get
        {
            var last = Name.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? Name;
            var colon = last.LastIndexOf(':');
            if (colon > 0) last = last[..colon];
            return last.All(char.IsAsciiDigit) ? null : last;
        }
    }

    public string ShapeText => new Shape(Shape.Select(d => (long?)d)).ToPythonTuple();
}

/// <summary>The weights a model file stores, mapped to the layers of its config, and where they came from.</summary>
/// <param name="Source">What was read, in words (<c>model_weights group of a legacy HDF5 file</c>).</param>
public sealed record StoredWeights(string Source, IReadOnlyList<StoredWeight> Weights)
{
    public long TotalCount => Checked.Sum(Weights.Select(w => w.Count));
}
