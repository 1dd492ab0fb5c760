using System.Globalization;

namespace ParamLens.Rendering;

/// <summary>Keras' human-readable byte sizes: divide by 1024 until the next step would be below 1, two decimals.</summary>
public static class ByteSize
{
    private static readonly string[] Keras3Units = ["B", "KB", "MB", "GB", "TB", "PB"];
    private static readonly string[] Keras2Units = ["Byte", "KB", "MB", "GB", "TB", "PB"];

    public static string Keras3(double bytes) => Format(bytes, Keras3Units);
    public static string Keras2(double bytes) => Format(bytes, Keras2Units);

    private static string Format(double size, string[] units)
    {
        foreach (var unit in units)
        {
            if (size / 1024 < 1 || unit == units[^1]) return size.ToString("F2", CultureInfo.InvariantCulture) + " " + unit;
            size /= 1024;
        }
        throw new InvalidOperationException("unreachable");
    }
}
