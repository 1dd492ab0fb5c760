using ParamLens.Layers;
using ParamLens.Graph;

namespace ParamLens.Python.Keras;

/// <summary>
/// Which config key each positional argument of a Keras layer constructor fills, from the Keras signatures
/// (<c>Dense(units, activation=None, use_bias=True, …)</c>). Only the order of the leading parameters is recorded here;
/// defaults live in the layer declarations.
/// </summary>
public static class LayerArguments
{
    private static readonly string[] Conv = ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups", "activation", "use_bias"];
    /// <summary>Standalone Keras 2.0–2.3 convolutions have no <c>groups</c>.</summary>
    private static readonly string[] StandaloneConv = ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation", "use_bias"];
    /// <summary>Keras 2 transposed convolutions take <c>output_padding</c> after <c>padding</c>; Keras 3's do not.</summary>
    private static readonly string[] ConvTranspose = ["filters", "kernel_size", "strides", "padding", "output_padding", "data_format", "dilation_rate", "activation", "use_bias"];
    private static readonly string[] Keras3ConvTranspose = ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation", "use_bias"];
    private static readonly string[] Pool = ["pool_size", "strides", "padding", "data_format"];
    private static readonly string[] GlobalPool = ["data_format", "keepdims"];
    private static readonly string[] Recurrent = ["units", "activation", "recurrent_activation", "use_bias"];
    private static readonly string[] ConvLstm = ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation", "recurrent_activation"];
    private static readonly string[] LocallyConnected = ["filters", "kernel_size", "strides", "padding", "data_format", "activation", "use_bias"];
    /// <summary>Colour and shape augmentations: <c>RandomBrightness(factor, value_range=(0, 255), seed=None)</c> and its kin.</summary>
    private static readonly string[] ValueRangeAugmentation = ["factor", "value_range", "seed"];

    private static readonly Dictionary<string, string[]> Table = Build();

    private static Dictionary<string, string[]> Build()
    {
        var t = new Dictionary<string, string[]>
        {
            ["InputLayer"] = ["shape", "batch_size", "dtype", "sparse", "batch_shape"],
            ["Dense"] = ["units", "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint"],
            ["EinsumDense"] = ["equation", "output_shape", "activation", "bias_axes"],
            ["SeparableConv1D"] = ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "depth_multiplier", "activation", "use_bias"],
            ["SeparableConv2D"] = ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "depth_multiplier", "activation", "use_bias"],
            ["DepthwiseConv1D"] = ["kernel_size", "strides", "padding", "depth_multiplier", "data_format", "dilation_rate", "activation", "use_bias"],
            ["DepthwiseConv2D"] = ["kernel_size", "strides", "padding", "depth_multiplier", "data_format", "dilation_rate", "activation", "use_bias"],
            ["Flatten"] = ["data_format"],
            ["Reshape"] = ["target_shape"],
            ["Permute"] = ["dims"],
            ["RepeatVector"] = ["n"],
            ["Dropout"] = ["rate", "noise_shape", "seed"],
            ["SpatialDropout1D"] = ["rate"],
            ["SpatialDropout2D"] = ["rate", "data_format"],
            ["SpatialDropout3D"] = ["rate", "data_format"],
            ["GaussianNoise"] = ["stddev", "seed"],
            ["GaussianDropout"] = ["rate", "seed"],
            ["AlphaDropout"] = ["rate", "noise_shape", "seed"],
            ["ActivityRegularization"] = ["l1", "l2"],
            ["Activation"] = ["activation"],
            ["ReLU"] = ["max_value", "negative_slope", "threshold"],
            ["PReLU"] = ["alpha_initializer", "alpha_regularizer", "alpha_constraint", "shared_axes"],
            ["ELU"] = ["alpha"],
            ["Softmax"] = ["axis"],
            ["ThresholdedReLU"] = ["theta"],
            ["BatchNormalization"] = ["axis", "momentum", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer"],
            ["LayerNormalization"] = ["axis", "epsilon", "center", "scale"],
            ["GroupNormalization"] = ["groups", "axis", "epsilon", "center", "scale"],
            ["UnitNormalization"] = ["axis"],
            ["Embedding"] = ["input_dim", "output_dim", "embeddings_initializer", "embeddings_regularizer", "embeddings_constraint", "mask_zero"],
            ["SimpleRNN"] = ["units", "activation", "use_bias"],
            ["LSTM"] = Recurrent,
            ["GRU"] = Recurrent,
            ["SimpleRNNCell"] = ["units", "activation", "use_bias"],
            ["LSTMCell"] = Recurrent,
            ["GRUCell"] = Recurrent,
            ["StackedRNNCells"] = ["cells"],
            ["RNN"] = ["cell", "return_sequences", "return_state", "go_backwards", "stateful", "unroll"],
            ["LocallyConnected1D"] = LocallyConnected,
            ["LocallyConnected2D"] = LocallyConnected,
            ["SpectralNormalization"] = ["layer", "power_iterations"],
            ["GroupedQueryAttention"] = ["head_dim", "num_query_heads", "num_key_value_heads", "dropout", "use_bias"],
            ["ReversibleEmbedding"] = ["input_dim", "output_dim", "tie_weights", "embeddings_initializer", "embeddings_regularizer", "embeddings_constraint", "mask_zero"],
            ["RandomFourierFeatures"] = ["output_dim", "kernel_initializer", "scale", "trainable"],
            ["Hashing"] = ["num_bins", "mask_value", "salt", "output_mode", "sparse"],
            ["HashedCrossing"] = ["num_bins", "output_mode", "sparse"],
            ["Discretization"] = ["bin_boundaries", "num_bins", "epsilon", "output_mode", "sparse"],
            ["RandomBrightness"] = ValueRangeAugmentation,
            ["RandomHue"] = ValueRangeAugmentation,
            ["RandomSaturation"] = ValueRangeAugmentation,
            ["RandomSharpness"] = ValueRangeAugmentation,
            ["RandomColorDegeneration"] = ValueRangeAugmentation,
            ["RandomPosterization"] = ValueRangeAugmentation,
            ["RandomHeight"] = ["factor", "interpolation", "seed"],
            ["RandomWidth"] = ["factor", "interpolation", "seed"],
            ["CuDNNLSTM"] = ["units"],
            ["CuDNNGRU"] = ["units"],
            ["Bidirectional"] = ["layer", "merge_mode", "weights", "backward_layer"],
            ["TimeDistributed"] = ["layer"],
            ["Concatenate"] = ["axis"],
            ["Dot"] = ["axes", "normalize"],
            ["Attention"] = ["use_scale", "score_mode"],
            ["AdditiveAttention"] = ["use_scale"],
            ["MultiHeadAttention"] = ["num_heads", "key_dim", "value_dim", "dropout", "use_bias", "output_shape", "attention_axes"],
            ["Lambda"] = ["function", "output_shape", "mask", "arguments"],
            ["Masking"] = ["mask_value"],
            ["Rescaling"] = ["scale", "offset"],
            ["Normalization"] = ["axis", "mean", "variance"],
            ["Resizing"] = ["height", "width", "interpolation", "crop_to_aspect_ratio"],
            ["CenterCrop"] = ["height", "width"],
            ["RandomCrop"] = ["height", "width", "seed"],
            ["RandomFlip"] = ["mode", "seed"],
            ["RandomRotation"] = ["factor", "fill_mode", "interpolation", "seed"],
            ["RandomZoom"] = ["height_factor", "width_factor", "fill_mode", "interpolation", "seed"],
            ["RandomTranslation"] = ["height_factor", "width_factor", "fill_mode", "interpolation", "seed"],
            ["RandomContrast"] = ["factor", "seed"],
            ["CategoryEncoding"] = ["num_tokens", "output_mode"],
            ["TextVectorization"] = ["max_tokens", "standardize", "split", "ngrams", "output_mode", "output_sequence_length"],
            ["StringLookup"] = ["max_tokens", "num_oov_indices", "mask_token", "oov_token", "vocabulary"],
            ["IntegerLookup"] = ["max_tokens", "num_oov_indices", "mask_token", "oov_token", "vocabulary"],
            ["UpSampling1D"] = ["size"],
            ["UpSampling2D"] = ["size", "data_format", "interpolation"],
            ["UpSampling3D"] = ["size", "data_format"],
        };
        foreach (var rank in new[] { 1, 2, 3 })
        {
            t[$"Conv{rank}D"] = Conv;
            t[$"Conv{rank}DTranspose"] = ConvTranspose;
            t[$"ConvLSTM{rank}D"] = ConvLstm;
            t[$"MaxPooling{rank}D"] = Pool;
            t[$"AveragePooling{rank}D"] = Pool;
            t[$"AdaptiveMaxPooling{rank}D"] = t[$"AdaptiveAveragePooling{rank}D"] = ["output_size", "data_format"];
            t[$"GlobalMaxPooling{rank}D"] = GlobalPool;
            t[$"GlobalAveragePooling{rank}D"] = GlobalPool;
            t[$"ZeroPadding{rank}D"] = ["padding", "data_format"];
            t[$"Cropping{rank}D"] = ["cropping", "data_format"];
        }
        return t;
    }

    /// <summary>The config keys the positional arguments of <paramref name="className"/> fill, in order, for the Keras
    /// version emulated (LeakyReLU's parameter is <c>negative_slope</c> in Keras 3 and <c>alpha</c> before).</summary>
    public static IReadOnlyList<string> For(string className, KerasVersion version)
    {
        var canonical = CanonicalClass(className);
        if (canonical == "LeakyReLU") return [version.IsKeras3 ? "negative_slope" : "alpha"];
        if (!Table.TryGetValue(canonical, out var keys)) return [];
        if (keys == Conv && version.IsStandalone) return StandaloneConv;
        if (keys == ConvTranspose && version.IsKeras3) return Keras3ConvTranspose;
        return keys;
    }

    /// <summary>The class a Python name stands for: Keras' aliases (<c>Convolution2D</c>, <c>MaxPool2D</c>) name a declared class.</summary>
    public static string CanonicalClass(string pythonName) => LayerCatalog.Find(pythonName)?.ClassName ?? pythonName;

    /// <summary>Every class name code may find in <c>keras.layers</c>.</summary>
    public static IEnumerable<string> PythonNames => Table.Keys.Concat(LayerCatalog.All.Select(d => d.ClassName)).Concat(LayerCatalog.AliasNames).Distinct();
}
