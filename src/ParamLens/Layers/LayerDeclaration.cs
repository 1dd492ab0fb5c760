using System.Text.Json.Nodes;
using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>A weight a layer creates when it is built: name, shape, whether it is created trainable, and what it is for.</summary>
/// <param name="Role">Plain words for what the weight does (and, for weights created non-trainable, why).</param>
/// <param name="DType">The variable's own dtype when the layer fixes it (e.g. an int counter); null: the layer's dtype policy.</param>
public sealed record WeightSpec(string Name, Shape Shape, bool Trainable, string Role, string? DType = null)
{
    public long Count => Shape.ElementCount ?? throw new ModelException($"weight '{Name}' has an unknown dimension: {Shape}");

    /// <summary>The count as a product of the dims, e.g. <c>7 · 7 · 3 · 32 = 4,704</c>.</summary>
    public string Formula => Shape.Rank switch
    {
        0 => "1 (a scalar)",
        1 => LayerConfig.Number(Count),
        _ => string.Join(" · ", Shape.Select(Shape.DimText)) + " = " + LayerConfig.Number(Count),
    };

    public const string LearnedByGradients = "learned by gradient descent";
}

/// <summary>One call of a layer being analysed: its config, its input shapes, and the notes that explain the output shape.</summary>
public sealed class LayerCall(LayerConfig config, IReadOnlyList<Shape> inputs)
{
    public LayerConfig Config { get; } = config;
    public IReadOnlyList<Shape> Inputs { get; } = inputs;
    public List<string> Notes { get; } = [];

    /// <summary>The single input of a one-input layer.</summary>
    public Shape Input => Inputs.Count == 1 ? Inputs[0] : throw new ModelException($"expects 1 input, got {Inputs.Count}");

    public void Note(string text) => Notes.Add(text);

    /// <summary>Why the weights could not be derived, when the declaration gave up on them; else null.</summary>
    public string? UnknownWeightsReason { get; private set; }

    /// <summary>Weights that cannot be derived (the layer, or a sub-layer, is of a class not known here): none are declared,
    /// and the layer's weights are unknown unless a file stores them. <paramref name="why"/> ends in what cannot be derived.</summary>
    public IEnumerable<WeightSpec> UnknownWeights(string why)
    {
        UnknownWeightsReason = why;
        Note(why + "; they are unknown unless a file stores them");
        return [];
    }

    /// <summary>Why the output shape could not be derived, when the declaration gave up on it; else null.</summary>
    public string? UnknownOutputReason { get; private set; }

    /// <summary>The output of a call whose shape cannot be derived (e.g. Python code that is not run): one unknown shape,
    /// with a note that says why.</summary>
    public IReadOnlyList<Shape> UnknownOutput(string why)
    {
        UnknownOutputReason = why;
        Note(why + "; it is marked unknown (?), and so is every shape computed from it");
        return [Shape.Unknown];
    }
}

/// <summary>
/// The declaration of one Keras layer class: its config keys with Keras defaults, its output-shape rule, the weights it
/// builds and the words that explain them. Every front end constructs layers through these declarations.
/// </summary>
public abstract class LayerDeclaration
{
    /// <summary>Keys every Keras layer config has.</summary>
    private static readonly ConfigKey[] BaseKeys =
    [
        ConfigKey.Opt("name", null), ConfigKey.Opt("trainable", true), ConfigKey.Opt("dtype", DType.Float32),
    ];

    /// <param name="positional">The constructor parameters Keras takes by position; every declaration states them, even when there are none.</param>
    protected LayerDeclaration(string className, PositionalOrder positional, params ConfigKey[] keys)
    {
        ClassName = className;
        Positional = positional;
        // A class may give a base key its own default (e.g. a layer created with trainable=False).
        Keys = [.. BaseKeys.Where(b => keys.All(k => k.Name != b.Name)), .. keys];
    }

    /// <summary>Whether the class never creates weights, whatever its config and input: then its count is exact (0) even
    /// when its input shape is unknown. A class that declares no <see cref="Weights"/> says so by deriving from
    /// <see cref="WeightlessLayerDeclaration"/>.</summary>
    public virtual bool IsWeightless => false;

    public string ClassName { get; }
    public IReadOnlyList<ConfigKey> Keys { get; }

    /// <summary>Which config key each positional argument of the Keras constructor fills (what the Python binding reads).</summary>
    public PositionalOrder Positional { get; }

    /// <summary>Output shapes for one call, with notes that show the arithmetic.</summary>
    public abstract IReadOnlyList<Shape> OutputShapes(LayerCall call);

    /// <summary>The weights built from the first call's input shapes (Keras <c>build</c>), in creation order.</summary>
    public virtual IEnumerable<WeightSpec> Weights(LayerCall call) => [];

    /// <summary>The layer's parameter count as a formula in the config's terms, e.g. <c>(7·7·3 + 1)·32</c>; null when the
    /// sum of the weight counts says it all.</summary>
    public virtual string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights) => null;

    /// <summary>A short description of the config that matters, shown next to the class (e.g. the activation).</summary>
    public virtual string? Detail(LayerConfig config) => null;

    public LayerConfig Configure(JsonObject? given, KerasVersion version)
    {
        var config = new LayerConfig(this, given, version);
        Validate(config);
        return config;
    }

    /// <summary>Refuse what the class's Keras constructor refuses (it raises ValueError before anything is built), for the
    /// config's Keras version: the checks differ between versions, so each override says where Keras makes them.</summary>
    protected virtual void Validate(LayerConfig config)
    {
    }

    protected static Shape Same(LayerCall call, string why)
    {
        call.Note(why);
        return call.Input;
    }
}

/// <summary>A Keras class whose <c>build</c> creates no weights, whatever its config and input.</summary>
public abstract class WeightlessLayerDeclaration(string className, PositionalOrder positional, params ConfigKey[] keys)
    : LayerDeclaration(className, positional, keys)
{
    public sealed override bool IsWeightless => true;
    public sealed override IEnumerable<WeightSpec> Weights(LayerCall call) => [];
}

/// <summary>The value checks Keras constructors make, with the message Keras' refusal deserves.</summary>
internal static class ConstructorChecks
{
    /// <summary>Refuse <paramref name="key"/> unless it is a positive integer (absent or None: not checked, as in Keras).</summary>
    public static void Positive(LayerConfig config, string key)
    {
        if (!config.Has(key)) return;
        var value = config.Long(key);
        if (value <= 0) throw new ModelException($"{key} must be a positive integer, got {value} (Keras {config.Version} raises ValueError)");
    }

    /// <summary>Refuse a window key (kernel_size, strides) with a 0 in it (absent or None: not checked here).</summary>
    public static void NoZero(LayerConfig config, string key, int rank)
    {
        if (config.Has(key) && config.Tuple(key, rank).Any(v => v == 0))
            throw new ModelException($"{key} cannot contain 0, got {Json.Text(config.Raw(key))} (Keras {config.Version} raises ValueError)");
    }

    /// <summary>keras/src/layers/convolutional/base_conv.py, base_conv_transpose.py and base_separable_conv.py refuse
    /// filters ≤ 0 and a 0 in kernel_size or strides (Keras 3); tf.keras' base_conv.py, which its transposed and separable
    /// convolutions share, refuses filters ≤ 0 from 2.9 (before: only negative filters).</summary>
    public static void Convolution(LayerConfig config, int rank)
    {
        if (config.Version.IsAtLeast(2, 9)) Positive(config, "filters");
        if (!config.Version.IsKeras3) return;
        NoZero(config, "kernel_size", rank);
        NoZero(config, "strides", rank);
    }
}
