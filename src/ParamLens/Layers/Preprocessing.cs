using System.Text.Json.Nodes;
using ParamLens.Shapes;
using static ParamLens.Layers.SpatialArithmetic;

namespace ParamLens.Layers;

/// <summary>Keras preprocessing <c>Normalization</c>: shifts and scales by a mean and variance. Given in the config they are
/// constants (no weights); otherwise they are adapted from data and stored as non-trainable weights with a sample count.</summary>
public sealed class NormalizationDeclaration() : LayerDeclaration("Normalization",
    PositionalOrder.Of("axis", "mean", "variance"),
    ConfigKey.Opt("axis", -1), ConfigKey.Opt("mean", null), ConfigKey.Opt("variance", null), ConfigKey.Opt("invert", false))
{
    private const string Adapted = "computed from data by adapt(), not learned by gradients";

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, call.Config.Bool("invert") ? "the shape is unchanged: each value is de-normalised (invert = True)"
            : "the shape is unchanged: each value becomes (x − mean) / √variance")];

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var c = call.Config;
        if (c.Has("mean") != c.Has("variance"))
            throw new ModelException("Normalization needs both 'mean' and 'variance', or neither");
        if (c.Has("mean"))
        {
            call.Note("mean and variance are given in the config: they are constants, not weights, so the layer has 0 parameters");
            yield break;
        }
        var kept = Kept(call);
        call.Note(kept.Rank == 0
            ? "axis = None: one mean and one variance for all values (scalars)"
            : $"statistics kept per position of axis {string.Join(", ", c.IntList("axis"))}: shape {kept}");
        yield return new("mean", kept, false, $"the mean of the data, {Adapted}");
        yield return new("variance", kept, false, $"the variance of the data, {Adapted}");
        yield return new("count", Shape.Scalar, false, $"the number of samples adapt() has seen (an integer), {Adapted}", "int64");
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights) =>
        $"2 · {LayerConfig.Number(weights[0].Count)} + 1 (mean, variance, count)";

    /// <summary>The kept axes' sizes (sorted, negative from the end); <c>axis = None</c> keeps none.</summary>
    private static Shape Kept(LayerCall call)
    {
        if (!call.Config.Has("axis")) return Shape.Scalar;
        return NormalizedAxes.Sizes(call, NormalizedAxes.Of(call, allowBatch: true));
    }
}

/// <summary>Keras <c>Rescaling</c>: <c>x · scale + offset</c> with fixed numbers; no weights.</summary>
public sealed class RescalingDeclaration() : WeightlessLayerDeclaration("Rescaling", PositionalOrder.Of("scale", "offset"), ConfigKey.Req("scale"), ConfigKey.Opt("offset", 0.0))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, $"the shape is unchanged: x · {Json.Text(call.Config.Raw("scale"))} + {Json.Text(call.Config.Raw("offset"))}, fixed numbers")];
}

/// <summary>Image layers that set height and width to <c>height</c> and <c>width</c> (<c>Resizing</c>, <c>CenterCrop</c>,
/// <c>RandomCrop</c>); no weights. Images are rank 3 or 4, with the channel axis by <c>data_format</c>.</summary>
public sealed class ImageSizeDeclaration(string className, string verb, PositionalOrder positional, params ConfigKey[] keys)
    : WeightlessLayerDeclaration(className, positional, [ConfigKey.Req("height"), ConfigKey.Req("width"), ConfigKey.Opt("data_format", null), .. keys])
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var (h, w) = ImageAxes.Of(call, ClassName);
        long height = call.Config.Long("height"), width = call.Config.Long("width");
        var input = call.Input;
        call.Note($"height {Shape.DimText(input[h])} → {height}, width {Shape.DimText(input[w])} → {width} ({verb}); channels unchanged; no weights");
        return [input.With(h, height).With(w, width)];
    }
}

/// <summary>Positions of the height and width axes of an image batch (rank 4) or a single image (rank 3).</summary>
internal static class ImageAxes
{
    public static (int Height, int Width) Of(LayerCall call, string className)
    {
        var rank = call.Input.Rank;
        if (rank is not (3 or 4)) throw new ModelException($"{className} expects images of rank 3 or 4, got {call.Input}");
        return ChannelsFirst(call.Config) ? (rank - 2, rank - 1) : (rank - 3, rank - 2);
    }
}

/// <summary>Keras random augmentation layers that keep the shape (flip, rotation, zoom, contrast, …): active only in training,
/// no weights (the Keras 3 seed generator is state, not a weight).</summary>
public sealed class AugmentationDeclaration(string className, PositionalOrder positional, params ConfigKey[] keys)
    : WeightlessLayerDeclaration(className, positional, [.. keys, ConfigKey.Opt("seed", null)])
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call) =>
        [Same(call, "the shape is unchanged: a random augmentation applied only in training; nothing is learned")];
}

/// <summary>Keras 2 <c>RandomHeight</c>/<c>RandomWidth</c>: the image is resized by a random factor, so that axis becomes unknown.</summary>
public sealed class RandomSideDeclaration(string className, bool height) : WeightlessLayerDeclaration(className,
    PositionalOrder.Of("factor", "interpolation", "seed"),
    ConfigKey.Req("factor"), ConfigKey.Opt("interpolation", "bilinear"), ConfigKey.Opt("seed", null))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var (h, w) = ImageAxes.Of(call, ClassName);
        var axis = height ? h : w;
        call.Note($"{(height ? "height" : "width")} becomes None: a random size is drawn in each training step; no weights");
        return [call.Input.With(axis, null)];
    }
}

/// <summary>How categorical encoders shape their output (Keras <c>output_mode</c>): <c>int</c> keeps the shape, <c>one_hot</c>
/// adds a depth axis (or replaces a trailing 1), the others replace the last axis by the depth.</summary>
internal static class CategoricalOutput
{
    public static Shape Encode(LayerCall call, Shape input, string mode, long? depth, string depthText)
    {
        Shape output;
        if (mode == "int") output = input;
        else if (input.Rank == 0) output = Shape.Of(depth);
        else if (mode == "one_hot" && (input[-1] != 1 || input.Rank == 1 && call.Config.Version.IsKeras3)) output = new Shape([.. input, depth]);
        else output = input.With(-1, depth);
        call.Note(mode == "int"
            ? "output_mode 'int': one integer per input value, the shape is unchanged"
            : $"output_mode '{mode}': depth {depthText} = {Shape.DimText(depth)} {(output.Rank > input.Rank ? "added as a new last axis" : "replaces the last axis")}: {output}");
        return output;
    }
}

/// <summary>Keras <c>Discretization</c>: values bucketed by <c>bin_boundaries</c> (or <c>num_bins</c> adapted quantiles).
/// No weights in Keras 3; Keras 2 keeps an adapt summary of shape (2, None), which it counts as 0.</summary>
public sealed class DiscretizationDeclaration() : LayerDeclaration("Discretization",
    PositionalOrder.Of("bin_boundaries", "num_bins", "epsilon", "output_mode", "sparse"),
    ConfigKey.Opt("bin_boundaries", null), ConfigKey.Opt("num_bins", null), ConfigKey.Opt("epsilon", 0.01),
    ConfigKey.Opt("output_mode", "int"), ConfigKey.Opt("sparse", false))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var c = call.Config;
        var mode = c.String("output_mode");
        (long? depth, string text) = c.Raw("bin_boundaries") is JsonArray bounds
            ? (bounds.Count + 1, $"len(bin_boundaries) + 1 = {bounds.Count} + 1")
            : (c.OptLong("num_bins"), "num_bins");
        var input = call.Input;
        // Keras 3 multi_hot/count drop axis 1 and append the depth (its compute_output_shape); Keras 2 replaces the last axis.
        if (c.Version.IsKeras3 && mode is "multi_hot" or "count")
        {
            var output = input.Rank >= 2 ? new Shape([input[0], .. input.Skip(2), depth]) : Shape.Of(depth);
            call.Note($"output_mode '{mode}' (Keras 3): axis 1 is summarised and depth {text} = {Shape.DimText(depth)} is appended: {output}");
            return [output];
        }
        return [CategoricalOutput.Encode(call, input, mode, depth, text)];
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        if (!call.Config.Version.IsKeras3 && !call.Config.Has("bin_boundaries"))
            call.Note("Keras 2 keeps an adapt summary of shape (2, None) as a non-trainable weight; its unknown axis makes Keras 2 count it as 0");
        return [];
    }
}

/// <summary>Keras <c>CategoryEncoding</c>: integer categories to one-hot, multi-hot or count vectors of <c>num_tokens</c>; no weights.</summary>
public sealed class CategoryEncodingDeclaration() : WeightlessLayerDeclaration("CategoryEncoding",
    PositionalOrder.Of("num_tokens", "output_mode"),
    ConfigKey.Req("num_tokens"), ConfigKey.Opt("output_mode", "multi_hot"), ConfigKey.Opt("sparse", false))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var mode = call.Config.String("output_mode");
        if (mode == "int") throw new ModelException("CategoryEncoding has no output_mode 'int' (one_hot, multi_hot or count)");
        return [CategoricalOutput.Encode(call, call.Input, mode, call.Config.Long("num_tokens"), "num_tokens")];
    }
}

/// <summary>Keras <c>Hashing</c>: values hashed into <c>num_bins</c> bins; no weights. Keras 3 encodes the last axis in every
/// non-int mode; Keras 2 one_hot adds an axis unless the last one is 1.</summary>
public sealed class HashingDeclaration() : WeightlessLayerDeclaration("Hashing",
    PositionalOrder.Of("num_bins", "mask_value", "salt", "output_mode", "sparse"),
    ConfigKey.Req("num_bins"), ConfigKey.Opt("mask_value", null), ConfigKey.Opt("salt", null), ConfigKey.Opt("output_mode", "int"),
    ConfigKey.Opt("sparse", false))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var mode = call.Config.String("output_mode");
        var effective = mode;
        if (call.Config.Version.IsKeras3 && mode == "one_hot")
        {
            // keras/src/layers/preprocessing/hashing.py compute_output_spec: every mode but 'int' replaces the last axis.
            call.Note("Keras 3's Hashing shapes output_mode 'one_hot' like 'multi_hot': the last axis is replaced by num_bins");
            effective = "multi_hot";
        }
        return [CategoricalOutput.Encode(call, call.Input, effective, call.Config.Long("num_bins"), "num_bins")];
    }
}

/// <summary>Keras <c>HashedCrossing</c>: two categorical inputs crossed and hashed into <c>num_bins</c>; no weights.</summary>
public sealed class HashedCrossingDeclaration() : WeightlessLayerDeclaration("HashedCrossing",
    PositionalOrder.Of("num_bins", "output_mode", "sparse"),
    ConfigKey.Req("num_bins"), ConfigKey.Opt("output_mode", "int"), ConfigKey.Opt("sparse", false))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        if (call.Inputs.Count != 2) throw new ModelException($"HashedCrossing needs exactly 2 inputs, got {call.Inputs.Count}");
        var (a, b) = (call.Inputs[0], call.Inputs[1]);
        if (a.Rank > 0 && b.Rank > 0 && a[-1] is long x && b[-1] is long y && x != y)
            throw new ModelException($"HashedCrossing needs inputs of one shape, got {a} and {b}");
        return [CategoricalOutput.Encode(call, a, call.Config.String("output_mode"), call.Config.Long("num_bins"), "num_bins")];
    }
}

/// <summary>Keras <c>StringLookup</c>/<c>IntegerLookup</c>: a vocabulary table maps tokens to indices. The table is not a weight
/// (Keras 3: 0 parameters). Keras 2 with <c>output_mode='tf_idf'</c> and no vocabulary in the config also keeps an int64 document
/// counter, which it counts as 1.</summary>
public sealed class LookupDeclaration(string className, JsonNode oovToken) : LayerDeclaration(className,
    PositionalOrder.Of("max_tokens", "num_oov_indices", "mask_token", "oov_token", "vocabulary"),
    ConfigKey.Opt("max_tokens", null), ConfigKey.Opt("num_oov_indices", 1), ConfigKey.Opt("mask_token", null),
    ConfigKey.Opt("oov_token", oovToken), ConfigKey.Opt("vocabulary", null), ConfigKey.Opt("idf_weights", null),
    ConfigKey.Opt("invert", false), ConfigKey.Opt("output_mode", "int"), ConfigKey.Opt("pad_to_max_tokens", false),
    ConfigKey.Opt("sparse", false), ConfigKey.Opt("vocabulary_size", null))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var mode = call.Config.String("output_mode");
        var (depth, text) = mode == "int" ? ((long?)null, "") : VocabularyDepth(call.Config);
        return [CategoricalOutput.Encode(call, call.Input, mode, depth, text)];
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call) => DocumentCounter(call);

    /// <summary>The encoded depth: <c>max_tokens</c> when padding to it, else the vocabulary size (from the config's
    /// <c>vocabulary_size</c>, or the vocabulary list plus OOV indices, plus the mask in int mode); unknown otherwise.</summary>
    internal static (long? Depth, string Text) VocabularyDepth(LayerConfig c)
    {
        if (c.Bool("pad_to_max_tokens") && c.OptLong("max_tokens") is long max) return (max, "max_tokens (pad_to_max_tokens)");
        if (c.OptLong("vocabulary_size") is long size) return (size, "the saved vocabulary_size");
        if (c.Raw("vocabulary") is JsonArray vocabulary)
        {
            var oov = c.Has("num_oov_indices") ? c.Long("num_oov_indices") : 1;
            var mask = c.Has("mask_token") && c.String("output_mode") == "int" ? 1 : 0;
            return (vocabulary.Count + oov + mask, $"{vocabulary.Count} vocabulary tokens + {oov} OOV index(es){(mask == 1 ? " + 1 mask" : "")}");
        }
        return (null, "the vocabulary size (unknown: the vocabulary is not in the config)");
    }

    /// <summary>Keras 2 tf_idf lookups adapting their vocabulary keep <c>num_documents</c>, an int64 scalar it counts.</summary>
    internal static IEnumerable<WeightSpec> DocumentCounter(LayerCall call)
    {
        var c = call.Config;
        call.Note(c.Version.IsKeras3
            ? "the vocabulary lives in a lookup table, which Keras 3 does not count as a weight"
            : "the vocabulary lives in a lookup table, which Keras 2 does not count (it has no shape)");
        if (c.Version.IsKeras3 || c.String("output_mode") != "tf_idf") yield break;
        call.Note("Keras 2 tf_idf: idf_weights has shape (None,), which Keras 2 counts as 0");
        if (!c.Has("vocabulary"))
            yield return new("num_documents", Shape.Scalar, false,
                "Keras 2 count of documents seen by adapt() (no vocabulary in the config), not learned by gradients", "int64");
    }
}

/// <summary>Keras <c>TextVectorization</c>: standardise, split and look up text. The vocabulary is held by an inner
/// <c>StringLookup</c>, so it counts like one (0; Keras 2 tf_idf while adapting: 1).</summary>
public sealed class TextVectorizationDeclaration() : LayerDeclaration("TextVectorization",
    PositionalOrder.Of("max_tokens", "standardize", "split", "ngrams", "output_mode", "output_sequence_length"),
    ConfigKey.Opt("max_tokens", null), ConfigKey.Opt("standardize", "lower_and_strip_punctuation"), ConfigKey.Opt("split", "whitespace"),
    ConfigKey.Opt("ngrams", null), ConfigKey.Opt("output_mode", "int"), ConfigKey.Opt("output_sequence_length", null),
    ConfigKey.Opt("pad_to_max_tokens", false), ConfigKey.Opt("vocabulary", null), ConfigKey.Opt("idf_weights", null),
    ConfigKey.Opt("vocabulary_size", null), ConfigKey.Opt("sparse", false), ConfigKey.Opt("ragged", false))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var c = call.Config;
        var input = call.Input;
        var mode = c.String("output_mode");
        if (mode == "int")
        {
            var length = c.OptLong("output_sequence_length");
            call.Note(length is long l ? $"output_mode 'int': token ids padded or truncated to output_sequence_length = {l}"
                : "output_mode 'int' without output_sequence_length: the number of tokens is unknown (None)");
            return [Shape.Of(input.Rank > 0 ? input[0] : null, length)];
        }
        // Keras 2 runs the layer, which squeezes a trailing 1 before splitting; Keras 3 reports its compute_output_shape.
        var split = !c.Version.IsKeras3 && input.Rank > 1 && input[-1] == 1 ? new Shape(input.Take(input.Rank - 1)) : input;
        var tokens = c.Has("split") ? new Shape([.. split, null]) : input.Rank <= 1 ? new Shape([.. input, 1]) : input;
        var (depth, text) = LookupDepth(c);
        return [CategoricalOutput.Encode(call, tokens, mode, depth, text)];
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call) => LookupDeclaration.DocumentCounter(call);

    /// <summary>The inner StringLookup has no mask in non-int modes and one OOV index.</summary>
    private static (long? Depth, string Text) LookupDepth(LayerConfig c)
    {
        if (c.Bool("pad_to_max_tokens") && c.OptLong("max_tokens") is long max) return (max, "max_tokens (pad_to_max_tokens)");
        if (c.OptLong("vocabulary_size") is long size) return (size, "the saved vocabulary_size");
        if (c.Raw("vocabulary") is JsonArray vocabulary) return (vocabulary.Count + 1, $"{vocabulary.Count} vocabulary tokens + 1 OOV index");
        return (null, "the vocabulary size (unknown: the vocabulary is not in the config)");
    }
}

/// <summary>Keras 3 (from 3.7) <c>STFTSpectrogram</c>: a short-time Fourier transform computed as a strided 1D convolution with
/// Fourier kernels, which are weights (trainable unless the layer is frozen).</summary>
public sealed class STFTSpectrogramDeclaration() : LayerDeclaration("STFTSpectrogram", PositionalOrder.None,
    ConfigKey.Opt("mode", "log"), ConfigKey.Opt("frame_length", 256), ConfigKey.Opt("frame_step", null), ConfigKey.Opt("fft_length", null),
    ConfigKey.Opt("window", "hann"), ConfigKey.Opt("periodic", false), ConfigKey.Opt("scaling", "density"), ConfigKey.Opt("padding", "valid"),
    ConfigKey.Opt("expand_dims", false), ConfigKey.Opt("data_format", null))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var c = call.Config;
        var input = call.Input;
        RequireRank(input, 3, ClassName);
        var cf = ChannelsFirst(c);
        var (frame, step, fft) = Framing(c);
        var bins = fft / 2 + 1;
        var frequencies = c.String("mode") == "stft" ? 2 * bins : bins;
        var time = Window(call, "time", input[cf ? 2 : 1], frame, step, 1, c.String("padding"));
        var channels = input[ChannelAxis(input, cf)];
        if (c.Bool("expand_dims"))
        {
            call.Note($"expand_dims: frequencies {frequencies} get their own axis next to the {Shape.DimText(channels)} channels");
            return [cf ? Shape.Of(input[0], channels, time, frequencies) : Shape.Of(input[0], time, frequencies, channels)];
        }
        long? features = channels is long ch ? Checked.Multiply(frequencies, ch) : null;
        call.Note($"features: {frequencies} frequencies · {Shape.DimText(channels)} channels = {Shape.DimText(features)}  [fft_length {fft}: {fft} / 2 + 1 = {bins} bins{(frequencies != bins ? ", × 2 for real and imaginary parts" : "")}]");
        return [cf ? Shape.Of(input[0], features, time) : Shape.Of(input[0], time, features)];
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var c = call.Config;
        var (frame, _, fft) = Framing(c);
        var shape = Shape.Of(frame, 1, fft / 2 + 1);
        var mode = c.String("mode");
        if (mode != "imag") yield return new("real_kernel", shape, true, $"cosine (real-part) Fourier kernels: {frame} samples for each of the {fft / 2 + 1} frequency bins");
        if (mode != "real") yield return new("imag_kernel", shape, true, $"sine (imaginary-part) Fourier kernels: {frame} samples for each of the {fft / 2 + 1} frequency bins");
    }

    /// <summary>frame_length; frame_step (default frame_length / 2); fft_length (default: the next power of two ≥ frame_length).</summary>
    private static (long Frame, long Step, long Fft) Framing(LayerConfig c)
    {
        var frame = c.Long("frame_length");
        var step = c.OptLong("frame_step") ?? frame / 2;
        var fft = c.OptLong("fft_length") ?? (long)Math.Pow(2, Math.Ceiling(Math.Log2(frame)));
        return (frame, step, fft);
    }
}

/// <summary>Keras 3 <c>MelSpectrogram</c>: audio (batch, samples) to (batch, mel bins, frames) with fixed transforms; no weights.</summary>
public sealed class MelSpectrogramDeclaration() : WeightlessLayerDeclaration("MelSpectrogram", PositionalOrder.None,
    ConfigKey.Opt("fft_length", 2048), ConfigKey.Opt("sequence_stride", 512), ConfigKey.Opt("sequence_length", null),
    ConfigKey.Opt("window", "hann"), ConfigKey.Opt("sampling_rate", 16000), ConfigKey.Opt("num_mel_bins", 128))
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var input = call.Input;
        if (input.Rank is not (1 or 2)) throw new ModelException($"MelSpectrogram expects audio of rank 1 or 2, got {input}");
        var bins = call.Config.Long("num_mel_bins");
        var stride = call.Config.Long("sequence_stride");
        var samples = input[-1];
        long? frames = samples is long n ? (n + stride + 1) / stride : null;
        call.Note($"frames: ⌊({Shape.DimText(samples)} + {stride} + 1) / {stride}⌋ = {Shape.DimText(frames)} (Keras' formula); mel bins: num_mel_bins = {bins}; the transforms are fixed, no weights");
        return [input.Rank == 1 ? Shape.Of(bins, frames) : Shape.Of(input[0], bins, frames)];
    }
}

/// <summary>Preprocessing layers: feature normalisation, image resizing and augmentation, categorical encoding, lookups,
/// text vectorization and spectrograms.</summary>
public sealed class PreprocessingFamily : LayerFamily
{
    /// <summary>Augmentations that keep the shape: the config keys each requires (if any), and the parameters its
    /// constructor takes by position (<c>RandomBrightness(factor, value_range=(0, 255), seed=None)</c> and its kin).</summary>
    private static readonly (string ClassName, string[] Required, string[] Positional)[] Augmentations =
    [
        ("RandomFlip", [], ["mode", "seed"]), ("RandomRotation", ["factor"], ["factor", "fill_mode", "interpolation", "seed"]),
        ("RandomZoom", ["height_factor"], ["height_factor", "width_factor", "fill_mode", "interpolation", "seed"]),
        ("RandomTranslation", ["height_factor", "width_factor"], ["height_factor", "width_factor", "fill_mode", "interpolation", "seed"]),
        ("RandomContrast", ["factor"], ["factor", "seed"]), ("RandomBrightness", ["factor"], ["factor", "value_range", "seed"]),
        ("AutoContrast", [], []), ("Equalization", [], []), ("Solarization", [], []), ("RandomGrayscale", [], []),
        ("RandomHue", ["factor"], ["factor", "value_range", "seed"]), ("RandomSaturation", ["factor"], ["factor", "value_range", "seed"]),
        ("RandomSharpness", ["factor"], ["factor", "value_range", "seed"]), ("RandomColorJitter", [], []),
        ("RandomColorDegeneration", ["factor"], ["factor", "value_range", "seed"]), ("RandomPosterization", ["factor"], ["factor", "value_range", "seed"]),
        ("RandomShear", [], []), ("RandomPerspective", [], []), ("RandomInvert", [], []), ("RandomElasticTransform", [], []),
        ("RandomGaussianBlur", [], []), ("AugMix", [], []), ("RandAugment", [], []), ("CutMix", [], []), ("MixUp", [], []),
        ("RandomErasing", [], ["factor", "scale", "fill_value", "value_range", "seed", "data_format"]),
    ];

    public override IEnumerable<LayerDeclaration> Declarations() =>
    [
        new NormalizationDeclaration(), new RescalingDeclaration(),
        new ImageSizeDeclaration("Resizing", "resized", PositionalOrder.Of("height", "width", "interpolation", "crop_to_aspect_ratio"),
            ConfigKey.Opt("interpolation", "bilinear"), ConfigKey.Opt("crop_to_aspect_ratio", false),
            ConfigKey.Opt("pad_to_aspect_ratio", false)),
        new ImageSizeDeclaration("CenterCrop", "cropped around the centre", PositionalOrder.Of("height", "width")),
        new ImageSizeDeclaration("RandomCrop", "a random crop in training, a centre crop otherwise", PositionalOrder.Of("height", "width", "seed"), ConfigKey.Opt("seed", null)),
        .. Augmentations.Select(a => new AugmentationDeclaration(a.ClassName, PositionalOrder.Of(a.Positional), [.. a.Required.Select(ConfigKey.Req)])),
        new RandomSideDeclaration("RandomHeight", height: true), new RandomSideDeclaration("RandomWidth", height: false),
        new DiscretizationDeclaration(), new CategoryEncodingDeclaration(), new HashingDeclaration(), new HashedCrossingDeclaration(),
        new LookupDeclaration("StringLookup", "[UNK]"), new LookupDeclaration("IntegerLookup", -1), new TextVectorizationDeclaration(),
        new STFTSpectrogramDeclaration(), new MelSpectrogramDeclaration(),
    ];
}
