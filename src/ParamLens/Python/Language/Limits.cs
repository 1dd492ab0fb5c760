namespace ParamLens.Python;

/// <summary>How far interpreted code may go. Every limit reached ends the run with an error naming file and line.</summary>
public sealed record Limits
{
    /// <summary>Statements, calls and loop iterations executed.</summary>
    public long MaxSteps { get; init; } = 5_000_000;
    public TimeSpan MaxTime { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Nested Python calls (Python's own default recursion limit is 1000).</summary>
    public int MaxCallDepth { get; init; } = 500;
    public int MaxCollectionLength { get; init; } = 1_000_000;
    public int MaxStringLength { get; init; } = 10_000_000;
    /// <summary>Bits in one integer (about 1,200 decimal digits).</summary>
    public int MaxIntegerBits { get; init; } = 4096;
    /// <summary>Text <c>print</c> may write in total.</summary>
    public int MaxOutputChars { get; init; } = 10_000_000;
}

/// <summary>Ends interpreted code whatever it does: Python code cannot catch it. Remembers where it happened.</summary>
public abstract class InterpreterStop(string message) : Exception(message)
{
    public List<SourcePos>? Trace { get; set; }
    public List<string>? TraceLines { get; set; }
}

/// <summary>A sandbox limit was reached (steps, time, recursion, sizes).</summary>
public sealed class LimitExceeded(string message) : InterpreterStop(message);

/// <summary>A Python exception in flight: the exception instance and, once known, where it was raised.</summary>
public sealed class PyException(PyInstance value) : Exception
{
    public PyInstance Value { get; } = value;
    public List<SourcePos>? Trace { get; set; }
    public List<string>? TraceLines { get; set; }
    /// <summary>Raised while a model was being built or changed (inside the Keras binding): never skipped.</summary>
    public bool FromModel { get; set; }
    public override string Message => Interpreter.ExceptionMessage(Value);
}
