namespace ParamLens.Python;

/// <summary>A place in a Python source file: file name, 1-based line and column.</summary>
public readonly record struct SourcePos(string File, int Line, int Column)
{
    public override string ToString() => $"{File}, line {Line}";
}

/// <summary>A syntax error, an uncaught Python exception or a sandbox limit, reported like a Python traceback: where
/// (file, line, column and the source line) and what.</summary>
public sealed class PythonError(string kind, string message, IReadOnlyList<SourcePos> trace, IReadOnlyList<string> sourceLines)
    : ModelException(Format(kind, message, trace, sourceLines))
{
    /// <summary>The Python exception class name (<c>SyntaxError</c>, <c>NameError</c>, <c>LimitError</c>, …).</summary>
    public string Kind { get; } = kind;
    public string Detail { get; } = message;
    /// <summary>Innermost frame last, as Python prints it.</summary>
    public IReadOnlyList<SourcePos> Trace { get; } = trace;

    private static string Format(string kind, string message, IReadOnlyList<SourcePos> trace, IReadOnlyList<string> sourceLines)
    {
        var sb = new System.Text.StringBuilder();
        if (trace.Count > 0) sb.Append("Traceback (most recent call last):\n");
        for (var i = 0; i < trace.Count; i++)
        {
            var pos = trace[i];
            sb.Append($"  File \"{pos.File}\", line {pos.Line}, column {pos.Column}\n");
            if (i < sourceLines.Count && sourceLines[i].Length > 0) sb.Append($"    {sourceLines[i]}\n");
        }
        sb.Append($"{kind}: {message}");
        return sb.ToString();
    }
}
