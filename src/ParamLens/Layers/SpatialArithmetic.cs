using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>The per-axis arithmetic shared by convolutions, pooling, padding and resizing, with the notes that show it.</summary>
internal static class SpatialArithmetic
{
    public static string[] AxisNames(int rank) => rank switch
    {
        1 => ["length"],
        2 => ["height", "width"],
        3 => ["depth", "height", "width"],
        _ => Enumerable.Range(1, rank).Select(i => $"axis {i}").ToArray(),
    };

    public static bool ChannelsFirst(LayerConfig config) =>
        config.Has("data_format") && config.String("data_format") == "channels_first";

    /// <summary>Positions of the spatial axes in the full shape (batch first).</summary>
    public static int[] SpatialAxes(int rank, bool channelsFirst) =>
        Enumerable.Range(channelsFirst ? 2 : 1, rank).ToArray();

    public static int ChannelAxis(Shape input, bool channelsFirst) => channelsFirst ? 1 : input.Rank - 1;

    public static long KnownChannels(Shape input, bool channelsFirst)
    {
        var axis = ChannelAxis(input, channelsFirst);
        return input[axis] ?? throw new ModelException($"the channel dimension (axis {axis}) of the input {input} must be known to build the weights");
    }

    public static void RequireRank(Shape input, int rank, string what)
    {
        if (input.Rank != rank) throw new ModelException($"{what} expects an input of rank {rank}, got {input} (rank {input.Rank})");
    }

    /// <summary>A window that does not move has no output length (the arithmetic would divide by zero); TensorFlow's
    /// convolution and pooling ops refuse it too.</summary>
    private static void RequirePositiveStride(string axis, long stride)
    {
        if (stride <= 0) throw new ModelException($"{axis}: the stride must be positive, got {stride}");
    }

    /// <summary>Output length of a sliding window (convolution or pooling), Keras <c>compute_conv_output_shape</c>.</summary>
    public static long? Window(LayerCall call, string axis, long? length, long kernel, long stride, long dilation, string padding)
    {
        RequirePositiveStride(axis, stride);
        if (length is not long l)
        {
            call.Note($"{axis}: None (unknown input length stays unknown)");
            return null;
        }
        var effective = Checked.Add(Checked.Multiply(dilation, kernel - 1), 1);
        var kernelText = dilation == 1 ? $"{kernel}" : $"{effective}";
        var dilationNote = dilation == 1 ? $"  [padding 'valid', window {kernel}, stride {stride}]" : $"  [padding 'valid', dilated window {dilation}·({kernel} − 1) + 1 = {effective}, stride {stride}]";
        switch (padding)
        {
            case "valid":
                {
                    if (l < effective)
                        throw new ModelException($"the {axis} {l} is smaller than the window {effective} with padding 'valid'");
                    var result = (l - effective) / stride + 1;
                    var exact = (l - effective) % stride == 0;
                    var expr = exact ? $"({l} − {kernelText}) / {stride} + 1" : $"⌊({l} − {kernelText}) / {stride}⌋ + 1";
                    call.Note($"{axis}: {expr} = {result}{dilationNote}");
                    return result;
                }
            case "same":
            case "causal":
                {
                    var result = (l + stride - 1) / stride;
                    var expr = l % stride == 0 ? $"{l} / {stride}" : $"⌈{l} / {stride}⌉";
                    call.Note($"{axis}: {expr} = {result}  [padding '{padding}': length / stride, rounded up]");
                    return result;
                }
            default:
                throw new ModelException($"unknown padding '{padding}' (expected 'valid' or 'same')");
        }
    }

    /// <summary>Output length of a transposed convolution (Keras <c>deconv_output_length</c>).</summary>
    public static long? Transposed(LayerCall call, string axis, long? length, long kernel, long stride, long dilation, string padding, long? outputPadding)
    {
        RequirePositiveStride(axis, stride);
        if (length is not long l)
        {
            call.Note($"{axis}: None (unknown input length stays unknown)");
            return null;
        }
        var ke = Checked.Add(Checked.Multiply(dilation, kernel - 1), 1);
        long result;
        string expr;
        if (outputPadding is not long op)
        {
            if (padding == "valid")
            {
                result = Checked.Add(Checked.Multiply(l, stride), Math.Max(ke - stride, 0));
                expr = $"{l} · {stride} + max({ke} − {stride}, 0)";
            }
            else
            {
                result = Checked.Multiply(l, stride);
                expr = $"{l} · {stride}";
            }
        }
        else if (padding == "valid")
        {
            result = Checked.Add(Checked.Multiply(l - 1, stride), ke + op);
            expr = $"({l} − 1) · {stride} + {ke} + {op}";
        }
        else
        {
            result = Checked.Add(Checked.Multiply(l - 1, stride), ke % 2 + op);
            expr = $"({l} − 1) · {stride} + {ke} mod 2 + {op}";
        }
        call.Note($"{axis}: {expr} = {result}  [transposed, padding '{padding}']");
        return result;
    }

    /// <summary>Product of the kernel dims as text: <c>7·7</c>.</summary>
    public static string KernelText(long[] kernel) => string.Join("·", kernel);
}
