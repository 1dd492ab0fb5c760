namespace ParamLens.Shapes;

/// <summary>Variable dtypes and their storage size, as Keras 3 counts bytes in its summary.</summary>
public static class DType
{
    public const string Float32 = "float32";

    /// <summary>Bits per element (Keras <c>dtype_utils.dtype_size</c>); float32 when the name is unknown.</summary>
    public static int Bits(string dtype) => dtype switch
    {
        "float16" or "bfloat16" or "int16" or "uint16" => 16,
        "float64" or "int64" or "uint64" or "complex64" => 64,
        "int8" or "uint8" or "float8_e4m3fn" or "float8_e5m2" => 8,
        "bool" => 1,
        "int4" or "uint4" => 4,
        "complex128" => 128,
        _ => 32,
    };

    /// <summary>The dtype of variables created under a dtype policy: mixed policies keep float32 variables.</summary>
    public static string VariableDtype(string? policy) => policy switch
    {
        null or "" => Float32,
        "mixed_float16" or "mixed_bfloat16" => Float32,
        _ => policy,
    };
}
