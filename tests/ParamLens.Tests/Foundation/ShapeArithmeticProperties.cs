using CsCheck;
using static ParamLens.Tests.Foundation.LayerAssert;

namespace ParamLens.Tests.Foundation;

/// <summary>
/// Convolution and pooling output lengths checked against an independent count: slide the window over the input and
/// count the positions where it fits (valid) or where it starts (same).
/// </summary>
public class ShapeArithmeticProperties
{
    /// <summary>Number of window placements: starts 0, s, 2s, … with the whole window inside (valid) or any start inside (same).</summary>
    private static long CountWindows(long length, long kernel, long stride, long dilation, string padding)
    {
        var span = dilation * (kernel - 1) + 1;
        long count = 0;
        for (long start = 0; start < length; start += stride)
            if (padding == "same" || start + span <= length) count++;
        return count;
    }

    private static readonly Gen<(int Length, int Kernel, int Stride, int Dilation, bool Same)> ConvCase =
        Gen.Select(Gen.Int[1, 300], Gen.Int[1, 9], Gen.Int[1, 5], Gen.Int[1, 4], Gen.Bool)
            .Where(c => c.Item3 == 1 || c.Item4 == 1) // Keras 3 rejects strides > 1 together with dilation > 1
            .Where(c => c.Item5 || c.Item1 >= c.Item4 * (c.Item2 - 1) + 1);

    [Fact]
    public void Conv1D_Length_IsTheNumberOfWindowPlacements() =>
        ConvCase.Sample(c =>
        {
            var padding = c.Same ? "same" : "valid";
            var r = Apply("Conv1D", new { filters = 2, kernel_size = c.Kernel, strides = c.Stride, dilation_rate = c.Dilation, padding },
                [c.Length, 3]);
            Assert.Equal(CountWindows(c.Length, c.Kernel, c.Stride, c.Dilation, padding), r.Output[1]);
            Assert.Equal(c.Kernel * 3 * 2 + 2, r.Params);
        }, iter: 300);

    [Fact]
    public void Conv2D_EachAxisIndependently() =>
        Gen.Select(Gen.Int[3, 64], Gen.Int[3, 64], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 3]).Sample(c =>
        {
            var (h, w, kh, kw, s) = c;
            var r = Apply("Conv2D", new { filters = 4, kernel_size = new[] { kh, kw }, strides = s }, [h, w, 2]);
            Assert.Equal(S(null, CountWindows(h, kh, s, 1, "valid"), CountWindows(w, kw, s, 1, "valid"), 4), r.Output);
            Assert.Equal((kh * kw * 2 + 1) * 4, r.Params);
        }, iter: 200);

    [Fact]
    public void Pooling_Length_IsTheNumberOfWindowPlacements() =>
        Gen.Select(Gen.Int[1, 200], Gen.Int[1, 6], Gen.Int[1, 6], Gen.Bool)
            .Where(c => c.Item4 || c.Item1 >= c.Item2)
            .Sample(c =>
            {
                var (length, pool, stride, same) = c;
                var padding = same ? "same" : "valid";
                var r = Apply("MaxPooling1D", new { pool_size = pool, strides = stride, padding }, [length, 5]);
                Assert.Equal(S(null, CountWindows(length, pool, stride, 1, padding), 5), r.Output);
            }, iter: 300);

    [Fact]
    public void ConvTranspose_IsUndoneByTheMatchingConvolution() =>
        // A transposed convolution maps L to the length that the same convolution maps back to L.
        Gen.Select(Gen.Int[1, 100], Gen.Int[1, 7], Gen.Int[1, 4], Gen.Bool)
            .Where(c => c.Item4 || c.Item2 >= c.Item3)
            .Sample(c =>
            {
                var (length, kernel, stride, same) = c;
                var padding = same ? "same" : "valid";
                var up = Apply("Conv1DTranspose", new { filters = 3, kernel_size = kernel, strides = stride, padding }, [length, 2]);
                var upLength = up.Output[1]!.Value;
                Assert.Equal(length, CountWindows(upLength, kernel, stride, 1, padding));
                Assert.Equal(kernel * 3 * 2 + 3, up.Params);
            }, iter: 300);

    [Fact]
    public void ZeroPadding_ThenCropping_RestoresTheShape() =>
        Gen.Select(Gen.Int[1, 50], Gen.Int[0, 9], Gen.Int[0, 9]).Sample(c =>
        {
            var (length, before, after) = c;
            var padded = Apply("ZeroPadding1D", new { padding = new[] { before, after } }, [length, 2]);
            Assert.Equal(length + before + after, padded.Output[1]);
            var cropped = Apply("Cropping1D", new { cropping = new[] { before, after } }, [padded.Output[1], 2]);
            Assert.Equal(length, cropped.Output[1]);
        }, iter: 200);
}
