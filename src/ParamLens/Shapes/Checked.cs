namespace ParamLens.Shapes;

/// <summary>Checked arithmetic for parameter counts and dimensions: an overflow is a model error, never a wrong number.</summary>
public static class Checked
{
    public static long Multiply(long a, long b)
    {
        try { return checked(a * b); }
        catch (OverflowException) { throw new ModelException($"the count {a} × {b} does not fit in 64 bits"); }
    }

    public static long Add(long a, long b)
    {
        try { return checked(a + b); }
        catch (OverflowException) { throw new ModelException($"the count {a} + {b} does not fit in 64 bits"); }
    }

    public static long Product(IEnumerable<long> values) => values.Aggregate(1L, Multiply);
    public static long Sum(IEnumerable<long> values) => values.Aggregate(0L, Add);
}
