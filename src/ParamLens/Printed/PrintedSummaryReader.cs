using System.Globalization;
using System.Text.RegularExpressions;
using ParamLens.Shapes;

namespace ParamLens.Printed;

/// <summary>
/// Reads the text of a <c>model.summary()</c> back into rows and totals: Keras 3 box tables (wrapped cells joined back,
/// <c>…</c> cuts kept as cuts) and the three Keras 2 printers (cut cells, wrapped cells, <c>|</c>/<c>¯</c> nesting).
/// </summary>
public static partial class PrintedSummaryReader
{
    /// <summary>True when the text holds a summary table: a <c>Layer (type)</c> header and a <c>Total params:</c> line.</summary>
    public static bool LooksLikeSummary(string text) =>
        text.Contains("Layer (type)", StringComparison.Ordinal) && text.Contains("Total params:", StringComparison.Ordinal);

    public static PrintedSummary Read(string text)
    {
        var lines = text.Replace("\r\n", "\n").TrimStart('\uFEFF').Split('\n');
        var headerAt = Array.FindIndex(lines, l => l.Contains("Layer (type)", StringComparison.Ordinal));
        if (headerAt < 0 || !LooksLikeSummary(text))
            throw new ModelException("not a printed model summary: expected a 'Layer (type)' header and a 'Total params:' line");
        var modelName = lines.Take(headerAt).Select(l => ModelLine().Match(l)).LastOrDefault(m => m.Success)?.Groups[1].Value;
        var totals = ReadTotals(lines.Skip(headerAt));
        var summary = lines[headerAt].Contains('┃')
            ? ReadKeras3(lines, headerAt, modelName, totals)
            : ReadKeras2(lines, headerAt, modelName, totals);
        ClassNameResolver.ResolveAll(summary);
        return summary;
    }

    // ---------------------------------------------------------------- Keras 3

    private static PrintedSummary ReadKeras3(string[] lines, int headerAt, string? modelName, PrintedTotals totals)
    {
        var indent = lines[headerAt].IndexOf('┃');
        var headerLines = new List<string[]>();
        var i = headerAt;
        for (; i < lines.Length && At(lines[i], indent) == '┃'; i++) headerLines.Add(Cells(lines[i], indent, '┃'));
        if (i >= lines.Length || At(lines[i], indent) != '┡') throw new ModelException("the box table's header is not closed by a ┡━╇━┩ rule");
        var titles = Enumerable.Range(0, headerLines[0].Length)
            .Select(c => string.Join(" ", headerLines.Select(h => c < h.Length ? h[c].Trim() : "").Where(t => t.Length > 0))).ToArray();
        var columns = Columns(titles);

        var groups = new List<List<string[]>>();
        var current = new List<string[]>();
        for (i++; i < lines.Length; i++)
        {
            var mark = At(lines[i], indent);
            if (mark == '│') current.Add(Cells(lines[i], indent, '│'));
            else if (mark is '├' or '└')
            {
                if (current.Count > 0) groups.Add(current);
                current = [];
                if (mark == '└') break;
            }
            else break;
        }
        if (current.Count > 0) groups.Add(current);

        var flat = new List<PrintedRow>();
        foreach (var g in groups)
        {
            string Cell(int c) => c < 0 ? "" : string.Join(" ", g.Select(cells => c < cells.Length ? Content(cells[c]) : "").Where(t => t.Length > 0));
            var first = g[0].Length > 0 ? Content(g[0][0], keepLead: true) : "";
            var level = 0;
            var layerText = Cell(0);
            var corner = first.IndexOf('└');
            if (corner >= 0 && first[..corner].All(ch => ch == ' '))
            {
                level = corner / 3;
                layerText = layerText.TrimStart()[1..].Trim();
            }
            flat.Add(MakeRow(layerText, Cell(1), Cell(2), columns.Connected >= 0 ? Cell(columns.Connected) : null,
                columns.Trainable >= 0 ? Cell(columns.Trainable) : null, level, Keras3Connections));
        }
        return new PrintedSummary
        {
            ModelName = modelName, Style = PrintedStyle.Keras3, HasConnectedTo = columns.Connected >= 0,
            HasTrainable = columns.Trainable >= 0, Rows = Nest(flat), Totals = totals,
        };
    }

    private static char At(string line, int index) => index >= 0 && index < line.Length ? line[index] : '\0';

    /// <summary>The cells between the borders; a line cropped at the console width (rich crops wide tables) keeps its
    /// last, unclosed cell.</summary>
    private static string[] Cells(string line, int indent, char border)
    {
        var parts = line[indent..].TrimEnd().Split(border);
        if (parts.Length < 2) return [];
        return parts[^1].Length == 0 ? parts[1..^1] : parts[1..];
    }

    /// <summary>A box cell without its one-space padding on each side.</summary>
    private static string Content(string cell, bool keepLead = false)
    {
        var inner = cell.Length > 0 && cell[0] == ' ' ? cell[1..] : cell;
        return keepLead ? inner.TrimEnd() : inner.Trim();
    }

    private static (int Connected, int Trainable) Columns(string[] titles)
    {
        if (titles.Length < 3) throw new ModelException($"the summary header has {titles.Length} columns; expected Layer (type), Output Shape, Param #");
        int connected = -1, trainable = -1;
        for (var c = 3; c < titles.Length; c++)
            if (titles[c].StartsWith("Conn", StringComparison.Ordinal)) connected = c;
            else trainable = c;
        return (connected, trainable);
    }

    // ---------------------------------------------------------------- Keras 2

    private static PrintedSummary ReadKeras2(string[] lines, int headerAt, string? modelName, PrintedTotals totals)
    {
        var end = headerAt + 2;
        while (end < lines.Length && !lines[end].TrimStart().StartsWith("Total params:", StringComparison.Ordinal)) end++;
        // The body runs from after the "=" rule under the header to the last "=" rule before the totals.
        var bodyEnd = end - 1;
        while (bodyEnd > headerAt && !IsRule(lines[bodyEnd], '=')) bodyEnd--;
        var body = lines[(headerAt + 2)..bodyEnd];
        var header = lines[headerAt];
        // Keras ≤2.6 separates rows with "_" rules and starts the header at the margin; later printers leave blank lines.
        var old = body.Any(l => IsRule(l, '_')) || (!body.Any(l => l.Trim().Length == 0) && !header.StartsWith(' '));
        var indent = header.IndexOf("Layer (type)", StringComparison.Ordinal) - (old ? 0 : 1);
        if (indent < 0) indent = 0;
        string Dedent(string l) => l.Length >= indent && l[..indent].All(ch => ch == ' ') ? l[indent..] : l.TrimStart();
        header = Dedent(header);
        body = body.Select(Dedent).ToArray();

        var titles = new[] { "Output Shape", "Param #", "Connected to", "Trainable" };
        var starts = new List<int> { 0 };
        var names = new List<string> { "layer" };
        foreach (var t in titles)
        {
            var at = header.IndexOf(t, StringComparison.Ordinal);
            if (at > 0) { starts.Add(at); names.Add(t); }
        }
        if (starts.Count < 3) throw new ModelException("the summary header lacks 'Output Shape' or 'Param #'");
        var connected = names.IndexOf("Connected to");
        var trainable = names.IndexOf("Trainable");
        var style = old ? PrintedStyle.Keras2Old : totals.TotalSize is not null ? PrintedStyle.Keras2New : PrintedStyle.Keras2Mid;

        var flat = old ? ReadOldRows(body, starts, connected, trainable) : ReadWrappedRows(body, starts, connected, trainable);
        return new PrintedSummary
        {
            ModelName = modelName, Style = style, HasConnectedTo = connected >= 0, HasTrainable = trainable >= 0,
            Rows = Nest(flat), Totals = totals,
        };
    }

    private static bool IsRule(string line, char glyph)
    {
        var t = line.Trim();
        return t.Length > 0 && t.All(ch => ch == glyph);
    }

    /// <summary>Keras ≤2.6: one line per row, cells cut at fixed columns; extra connections on lines of their own.</summary>
    private static List<PrintedRow> ReadOldRows(string[] body, List<int> starts, int connected, int trainable)
    {
        var rows = new List<PrintedRow>();
        var group = new List<string>();
        void Flush()
        {
            if (group.Count == 0) return;
            string Slice(string line, int c)
            {
                var s = starts[c];
                var e = c + 1 < starts.Count ? starts[c + 1] : line.Length;
                return s >= line.Length ? "" : line[s..Math.Min(e, line.Length)].Trim();
            }
            var first = group[0];
            var connections = connected < 0 ? null : string.Join(" ", group.Select(l => Slice(l, connected)).Where(t => t.Length > 0));
            rows.Add(MakeRow(Slice(first, 0), Slice(first, 1), Slice(first, 2), connections,
                trainable < 0 ? null : Slice(first, trainable), 0, Keras2Connections, cutCells: true));
            group = [];
        }
        foreach (var line in body)
        {
            if (IsRule(line, '_') || IsRule(line, '=')) Flush();
            else if (line.Trim().Length > 0) group.Add(line);
        }
        Flush();
        return rows;
    }

    /// <summary>Keras 2.7+: a row spans lines until a blank separator; text runs are placed in the column they start in.</summary>
    private static List<PrintedRow> ReadWrappedRows(string[] body, List<int> starts, int connected, int trainable)
    {
        var rows = new List<PrintedRow>();
        var group = new List<(string Line, int Level)>();
        void Flush()
        {
            if (group.Count == 0) return;
            var level = group[0].Level;
            var cells = new List<string>[starts.Count];
            for (var c = 0; c < cells.Length; c++) cells[c] = [];
            foreach (var (line, lvl) in group)
                foreach (Match m in TextRun().Matches(line))
                {
                    var column = 0;
                    for (var c = 1; c < starts.Count; c++)
                        if (m.Index >= starts[c] - lvl - 1) column = c;
                    cells[column].Add(m.Value.Trim());
                }
            string Joined(int c) => c < 0 ? "" : cells[c].Aggregate("", (acc, part) => acc.Length == 0 ? part : acc.EndsWith(',') ? acc + " " + part : acc + part);
            rows.Add(MakeRow(Joined(0), Joined(1), Joined(2), connected < 0 ? null : Joined(connected),
                trainable < 0 ? null : Joined(trainable), level, Keras2Connections));
            group = [];
        }
        foreach (var raw in body)
        {
            var level = raw.TakeWhile(ch => ch == '|').Count();
            var line = level == 0 ? raw : new string(' ', level) + raw[level..].TrimEnd().TrimEnd('|');
            if (line.Contains('¯') || IsRule(line, '=') || line.Trim().Length == 0) Flush();
            else
            {
                if (group.Count > 0 && group[0].Level != level) Flush();
                group.Add((line, level));
            }
        }
        Flush();
        return rows;
    }

    // ---------------------------------------------------------------- cells

    private static PrintedRow MakeRow(string layer, string shape, string param, string? connected, string? trainable, int level,
        Func<string, IReadOnlyList<PrintedConnection>> connections, bool cutCells = false)
    {
        var m = LayerCell().Match(layer);
        string name, cls;
        bool nameCut, classCut;
        if (m.Success)
        {
            name = m.Groups["name"].Value;
            cls = m.Groups["cls"].Value;
            nameCut = name.EndsWith('…');
            classCut = !m.Groups["close"].Success || cls.EndsWith('…');
        }
        else
        {
            // The cell was cut before the class began (a long name in a cut or truncated cell).
            name = layer;
            cls = "";
            nameCut = cutCells || name.EndsWith('…');
            classCut = true;
        }
        return new PrintedRow
        {
            Name = name.TrimEnd('…'), NameTruncated = nameCut, ClassText = cls.TrimEnd('…'), ClassTruncated = classCut,
            ShapeText = shape, OutputShapes = ParseShapes(shape), Params = ParseCount(param, layer),
            Trainable = trainable, ConnectedTo = connected is null ? [] : connections(connected), Level = level,
        };
    }

    /// <summary>Every complete <c>(…)</c> group of the cell as a shape; null for <c>multiple</c>, <c>?</c> or a cut cell.</summary>
    public static IReadOnlyList<Shape>? ParseShapes(string text)
    {
        var t = text.Trim();
        if (t.Length == 0 || !t.Contains('(') || t.Contains('…')) return null;
        if (t.Count(ch => ch == '(') != t.Count(ch => ch == ')') || t.Count(ch => ch == '[') != t.Count(ch => ch == ']')) return null;
        var shapes = new List<Shape>();
        foreach (Match g in ShapeGroup().Matches(t))
        {
            var dims = new List<long?>();
            foreach (var part in g.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (part == "None") dims.Add(null);
                else if (long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var d)) dims.Add(d);
                else return null;
            }
            shapes.Add(new Shape(dims));
        }
        return shapes.Count == 0 ? null : shapes;
    }

    private static long ParseCount(string text, string where)
    {
        var m = Count().Match(text);
        if (!m.Success) throw new ModelException($"row '{where}': cannot read the parameter count '{text}'");
        return Number(m.Value, $"row '{where}': the parameter count");
    }

    /// <summary>A printed count with its thousands separators; one past 64 bits is an error, not a wrapped number.</summary>
    private static long Number(string digits, string what) =>
        long.TryParse(digits.Replace(",", ""), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ModelException($"{what} {digits} does not fit in 64 bits");

    /// <summary>A printed call or tensor index (<c>dense[0][0]</c>).</summary>
    private static int Index(string digits, string token) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ModelException($"the connection '{token}' has the index {digits}, which is too large");

    private static IReadOnlyList<PrintedConnection> Keras3Connections(string text) =>
        text.Trim() == "-" ? [] : Connections(text);

    /// <summary>Keras 2.7+ prints a Python list (<c>['a[0][0]', 'b[0][0]']</c>), Keras ≤2.6 bare entries.</summary>
    private static IReadOnlyList<PrintedConnection> Keras2Connections(string text)
    {
        var t = text.Trim();
        if (t.StartsWith('[') && t.EndsWith(']')) t = t[1..^1];
        return Connections(t.Replace("'", " ").Replace("\"", " "));
    }

    private static IReadOnlyList<PrintedConnection> Connections(string text)
    {
        var result = new List<PrintedConnection>();
        foreach (var token in text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            var m = ConnectionEntry().Match(token);
            if (m.Success)
                result.Add(new(m.Groups[1].Value, false, Index(m.Groups[2].Value, token), Index(m.Groups[3].Value, token)));
            else if (token.Length > 0)
            {
                // A cut entry such as "encoder_inputs[0…" or "transformer_enco…": keep the name part.
                var nameEnd = token.IndexOfAny(['[', '…']);
                var prefix = nameEnd < 0 ? token : token[..nameEnd];
                if (prefix.Length > 0) result.Add(new(prefix, true, null, null));
            }
        }
        return result;
    }

    private static PrintedTotals ReadTotals(IEnumerable<string> lines)
    {
        var found = new Dictionary<string, (long Count, string? Size)>();
        foreach (var line in lines)
        {
            var m = TotalsLine().Match(line);
            if (m.Success)
                found[m.Groups[1].Value] = (Number(m.Groups[2].Value, $"the '{m.Groups[1].Value} params:' line gives"),
                    m.Groups[3].Success ? m.Groups[3].Value : null);
        }
        foreach (var needed in new[] { "Total", "Trainable", "Non-trainable" })
            if (!found.ContainsKey(needed)) throw new ModelException($"the summary has no '{needed} params:' line");
        return new PrintedTotals(found["Total"].Count, found["Trainable"].Count, found["Non-trainable"].Count,
            found.TryGetValue("Optimizer", out var o) ? o.Count : null, found["Total"].Size, found["Trainable"].Size, found["Non-trainable"].Size);
    }

    /// <summary>Turn the flat list (each row with its nesting level) into a tree.</summary>
    private static List<PrintedRow> Nest(List<PrintedRow> flat)
    {
        var top = new List<PrintedRow>();
        var stack = new List<PrintedRow>();
        foreach (var row in flat)
        {
            while (stack.Count > row.Level) stack.RemoveAt(stack.Count - 1);
            if (stack.Count == 0 || row.Level == 0) top.Add(row);
            else stack[^1].Children.Add(row);
            stack.Add(row);
        }
        return top;
    }

    [GeneratedRegex("^\\s*Model: \"(.*)\"\\s*$")]
    private static partial Regex ModelLine();

    [GeneratedRegex("^\\s*(Total|Trainable|Non-trainable|Optimizer) params:\\s*([\\d,]+)(?:\\s*\\(([^)]*)\\))?")]
    private static partial Regex TotalsLine();

    [GeneratedRegex("^(?<name>\\S+?)\\s*\\((?<cls>[^()]*?)(?<close>\\))?\\s*$")]
    private static partial Regex LayerCell();

    [GeneratedRegex("\\(([^()]*)\\)")]
    private static partial Regex ShapeGroup();

    [GeneratedRegex("^\\d[\\d,]*")]
    private static partial Regex Count();

    [GeneratedRegex("^(.+?)\\[(\\d+)\\]\\[(\\d+)\\]$")]
    private static partial Regex ConnectionEntry();

    /// <summary>A run of text whose words are separated by single spaces (cells are at least two spaces apart).</summary>
    [GeneratedRegex("\\S+(?: \\S+)*")]
    private static partial Regex TextRun();
}
