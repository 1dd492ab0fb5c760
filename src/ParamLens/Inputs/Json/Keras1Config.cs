using System.Text.Json.Nodes;

namespace ParamLens.Inputs;

/// <summary>
/// Keras 1 spelled layer configs differently (<c>output_dim</c>, <c>nb_filter</c>, <c>subsample</c>, <c>border_mode</c>,
/// <c>dim_ordering</c>, <c>p</c>…). Keras 2 read them through its legacy interfaces by renaming the keys; this does the
/// same, so a Keras 1 file is read with the Keras 2 declarations. Weight counts are unchanged by the renaming.
/// </summary>
internal static class Keras1Config
{
    /// <summary>Renames common to every layer that has them.</summary>
    private static readonly Dictionary<string, string> Common = new()
    {
        ["output_dim"] = "units", ["nb_filter"] = "filters", ["border_mode"] = "padding", ["subsample"] = "strides",
        ["bias"] = "use_bias", ["p"] = "rate", ["init"] = "kernel_initializer", ["inner_init"] = "recurrent_initializer",
        ["W_regularizer"] = "kernel_regularizer", ["U_regularizer"] = "recurrent_regularizer", ["b_regularizer"] = "bias_regularizer",
        ["W_constraint"] = "kernel_constraint", ["U_constraint"] = "recurrent_constraint", ["b_constraint"] = "bias_constraint",
        ["dropout_W"] = "dropout", ["dropout_U"] = "recurrent_dropout", ["filter_length"] = "kernel_size",
        ["subsample_length"] = "strides", ["pool_length"] = "pool_size", ["stride"] = "strides",
    };

    /// <summary>Whether a config is written in Keras 1 terms (by the version that wrote it, or by its keys).</summary>
    public static bool Applies(bool writtenByKeras1, JsonObject config) =>
        writtenByKeras1 || config.ContainsKey("nb_filter") || config.ContainsKey("output_dim") && !config.ContainsKey("units")
        || config.ContainsKey("border_mode") || config.ContainsKey("dim_ordering");

    public static JsonObject Translate(string className, JsonObject config)
    {
        var result = new JsonObject();
        foreach (var (key, value) in config)
        {
            var copy = value?.DeepClone();
            switch (key)
            {
                case "nb_row" or "nb_col" or "nb_depth":
                    continue; // joined into kernel_size below
                case "dim_ordering":
                    if (value is JsonValue v && v.TryGetValue<string>(out var ordering) && ordering != "default")
                        result["data_format"] = ordering == "th" ? "channels_first" : "channels_last";
                    continue;
                case "output_dim" when className == "Embedding":
                    result[key] = copy; // Embedding kept output_dim
                    continue;
                default:
                    result[Common.GetValueOrDefault(key, key)] = copy;
                    continue;
            }
        }
        // Convolution2D(nb_filter, nb_row, nb_col), Convolution3D(…, kernel_dim1, kernel_dim2, kernel_dim3)
        if (config["nb_row"] is { } rows && config["nb_col"] is { } cols)
            result["kernel_size"] = new JsonArray(rows.DeepClone(), cols.DeepClone());
        if (config["kernel_dim1"] is { } d1 && config["kernel_dim2"] is { } d2 && config["kernel_dim3"] is { } d3)
        {
            result["kernel_size"] = new JsonArray(d1.DeepClone(), d2.DeepClone(), d3.DeepClone());
            result.Remove("kernel_dim1");
            result.Remove("kernel_dim2");
            result.Remove("kernel_dim3");
        }
        // Dense(input_dim=…) and recurrent layers' input_dim/input_length stood for the input shape of a first layer.
        if (className != "Embedding" && result["input_dim"] is { } inputDim && !result.ContainsKey("batch_input_shape"))
            result["batch_input_shape"] = result["input_length"] is { } length
                ? new JsonArray(null, length.DeepClone(), inputDim.DeepClone())
                : new JsonArray(null, inputDim.DeepClone());
        return result;
    }
}
