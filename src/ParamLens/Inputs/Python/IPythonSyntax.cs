using System.Text;

namespace ParamLens.Inputs;

/// <summary>
/// Turns notebook code (IPython) into Python: shell lines (<c>!pip install …</c>), line and cell magics
/// (<c>%matplotlib inline</c>, <c>%%bash</c>) and help requests (<c>model?</c>) do nothing that builds a model, so each
/// becomes <c>pass</c> (or an empty value where it is assigned); the magics that run Python (<c>%time</c>,
/// <c>%%time</c>, <c>%%capture</c>, …) keep their code. Line numbers are kept, so messages point at the cell's own lines.
/// </summary>
public static class IPythonSyntax
{
    /// <summary>Cell magics whose body is Python that IPython runs.</summary>
    private static readonly HashSet<string> RunningCellMagics = ["time", "timeit", "capture", "prun", "debug", "memit", "skip"];

    /// <summary>Line magics that run the Python statement after them.</summary>
    private static readonly HashSet<string> RunningLineMagics = ["time", "timeit", "prun", "memit"];

    /// <summary>The code as Python, and the IPython lines it replaced (trimmed, for notes).</summary>
    public static (string Python, IReadOnlyList<string> Replaced) ToPython(string code)
    {
        var lines = code.Replace("\r\n", "\n").Split('\n');
        var replaced = new List<string>();
        var scanner = new Scanner();
        var firstCodeLine = Array.FindIndex(lines, l => l.Trim().Length > 0);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (scanner.AtStatementStart && Rewrite(line, i == firstCodeLine) is { } rewritten)
            {
                replaced.Add(line.Trim());
                if (rewritten.SkipRestOfCell)
                {
                    for (var j = i; j < lines.Length; j++) lines[j] = "";
                    break;
                }
                lines[i] = rewritten.Line;
                if (rewritten.RunsCode)
                {
                    scanner.Scan(lines[i]);
                    continue;
                }
                // A shell command or magic continued with a backslash goes on over the next lines.
                var continued = line.TrimEnd().EndsWith('\\');
                while (continued && i + 1 < lines.Length)
                {
                    continued = lines[++i].TrimEnd().EndsWith('\\');
                    lines[i] = "";
                }
                continue;
            }
            scanner.Scan(line);
        }
        return (string.Join("\n", lines), replaced);
    }

    /// <param name="RunsCode">The line is now Python that runs (a timing magic's statement).</param>
    private readonly record struct Rewritten(string Line, bool SkipRestOfCell = false, bool RunsCode = false);

    private static Rewritten? Rewrite(string line, bool firstLineOfCell)
    {
        var body = line.TrimStart();
        var indent = line[..(line.Length - body.Length)];
        if (body.Length == 0 || body[0] == '#') return null;
        if (body.StartsWith("%%", StringComparison.Ordinal))
        {
            var magic = MagicName(body[2..]);
            if (RunningCellMagics.Contains(magic)) return new Rewritten("");
            return firstLineOfCell ? new Rewritten("", SkipRestOfCell: true) : new Rewritten(indent + "pass");
        }
        if (body[0] == '%')
        {
            var magic = MagicName(body[1..]);
            var rest = body[(1 + magic.Length)..].TrimStart();
            return RunningLineMagics.Contains(magic) && rest.Length > 0 && !rest.StartsWith('-')
                ? new Rewritten(indent + rest, RunsCode: true)
                : new Rewritten(indent + "pass");
        }
        if (body[0] == '!') return new Rewritten(indent + "pass");
        if (body[0] == '?' || EndsWithHelp(body)) return new Rewritten(indent + "pass");
        // `files = !ls` and `where = %pwd`: the shell's or the magic's answer, which is not known here.
        var assigned = AssignedShellOrMagic(body);
        return assigned is null ? null : new Rewritten(indent + assigned + " = []");
    }

    private static string MagicName(string text)
    {
        var end = 0;
        while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_')) end++;
        return text[..end];
    }

    /// <summary><c>obj?</c> or <c>obj??</c>: a name or attribute path followed by question marks.</summary>
    private static bool EndsWithHelp(string body)
    {
        var text = body.TrimEnd();
        if (!text.EndsWith('?')) return false;
        var name = text.TrimEnd('?');
        return name.Length > 0 && name.All(c => char.IsLetterOrDigit(c) || c is '_' or '.' or '*');
    }

    /// <summary>The target of <c>name = !command</c> or <c>name = %magic</c>, else null.</summary>
    private static string? AssignedShellOrMagic(string body)
    {
        var equals = body.IndexOf('=');
        if (equals <= 0 || equals + 1 >= body.Length || body[equals + 1] == '=') return null;
        var target = body[..equals].Trim();
        var value = body[(equals + 1)..].TrimStart();
        if (value.Length == 0 || value[0] is not ('!' or '%') || (value[0] == '!' && value.StartsWith("!=", StringComparison.Ordinal))) return null;
        return target.Length > 0 && target.All(c => char.IsLetterOrDigit(c) || c is '_' or ',' or ' ') ? target : null;
    }

    /// <summary>Tracks strings, brackets and continuations across lines, so only a line that starts a statement is read as
    /// IPython syntax (a line starting with <c>%</c> inside brackets is Python's modulo).</summary>
    private sealed class Scanner
    {
        private int _depth;
        private string? _openTripleQuote;
        private bool _continued;

        public bool AtStatementStart => _depth == 0 && _openTripleQuote is null && !_continued;

        public void Scan(string line)
        {
            _continued = false;
            var i = 0;
            while (i < line.Length)
            {
                if (_openTripleQuote is { } triple)
                {
                    var close = IndexOfUnescaped(line, triple, i);
                    if (close < 0) return;
                    _openTripleQuote = null;
                    i = close + 3;
                    continue;
                }
                var c = line[i];
                if (c == '#') return;
                if (c is '"' or '\'')
                {
                    var quote = new string(c, 3);
                    if (string.CompareOrdinal(line, i, quote, 0, 3) == 0)
                    {
                        _openTripleQuote = quote;
                        i += 3;
                        continue;
                    }
                    var end = IndexOfUnescaped(line, c.ToString(), i + 1);
                    i = end < 0 ? line.Length : end + 1;
                    continue;
                }
                if (c is '(' or '[' or '{') _depth++;
                else if (c is ')' or ']' or '}') _depth = Math.Max(0, _depth - 1);
                else if (c == '\\' && i == line.Length - 1) _continued = true;
                i++;
            }
        }

        private static int IndexOfUnescaped(string line, string quote, int from)
        {
            for (var i = from; i <= line.Length - quote.Length; i++)
            {
                if (line[i] == '\\') { i++; continue; }
                if (string.CompareOrdinal(line, i, quote, 0, quote.Length) == 0) return i;
            }
            return -1;
        }
    }

    /// <summary>A one-line note naming the IPython lines that were skipped, or null when there were none.</summary>
    public static string? Note(string file, IReadOnlyList<string> replaced)
    {
        if (replaced.Count == 0) return null;
        var sb = new StringBuilder($"{file}: {replaced.Count} IPython line{(replaced.Count == 1 ? "" : "s")} (shell commands, magics, help) did nothing here: ");
        sb.AppendJoin(", ", replaced.Take(3).Select(r => r.Length > 40 ? r[..40] + "…" : r));
        if (replaced.Count > 3) sb.Append(", …");
        return sb.ToString();
    }
}
