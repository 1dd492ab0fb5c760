using System.Text;
using System.Text.RegularExpressions;

namespace ParamLens.Rendering;

public enum Justify { Left, Right, Center }

/// <summary>
/// The subset of the <c>rich</c> library's table rendering that Keras 3 summaries use: HEAVY_HEAD box, a rule between every
/// two rows, cells padded by one space, words wrapped greedily and over-long words cut with an ellipsis.
/// </summary>
internal static partial class RichTable
{
    /// <summary>Cell widths (padding included) after rich shrinks the nominal widths to fit <paramref name="tableWidth"/>.</summary>
    public static int[] CellWidths(int[] nominal, int tableWidth)
    {
        var n = nominal.Length;
        var excess = nominal.Sum(w => w + 2) - (tableWidth - n - 1);
        var widths = new int[n];
        for (var i = 0; i < n; i++)
        {
            var cell = nominal[i] + 2;
            var take = excess <= 0 ? 0 : Math.Min(cell, (int)Math.Round((double)excess / (n - i), MidpointRounding.ToEven));
            widths[i] = cell - take;
            excess -= take;
        }
        return widths;
    }

    public static string Render(IReadOnlyList<string> headers, IReadOnlyList<Justify> justify, IReadOnlyList<string[]> rows, int[] cellWidths)
    {
        var sb = new StringBuilder();
        var n = headers.Count;
        void Rule(char left, char fill, char cross, char right)
        {
            sb.Append(left);
            for (var i = 0; i < n; i++)
            {
                sb.Append(fill, cellWidths[i]);
                sb.Append(i == n - 1 ? right : cross);
            }
            sb.Append('\n');
        }
        void Row(string[] cells, char border, bool bottomAlign)
        {
            var wrapped = cells.Select((c, i) => Wrap(c, cellWidths[i] - 2)).ToArray();
            var height = wrapped.Max(w => w.Count);
            for (var line = 0; line < height; line++)
            {
                sb.Append(border);
                for (var i = 0; i < n; i++)
                {
                    var lines = wrapped[i];
                    var offset = bottomAlign ? height - lines.Count : 0;
                    var text = line - offset >= 0 && line - offset < lines.Count ? lines[line - offset] : "";
                    sb.Append(' ').Append(Pad(text, cellWidths[i] - 2, justify[i])).Append(' ').Append(border);
                }
                sb.Append('\n');
            }
        }
        Rule('┏', '━', '┳', '┓');
        Row([.. headers], '┃', bottomAlign: true);
        Rule('┡', '━', '╇', '┩');
        for (var r = 0; r < rows.Count; r++)
        {
            if (r > 0) Rule('├', '─', '┼', '┤');
            Row(rows[r], '│', bottomAlign: false);
        }
        Rule('└', '─', '┴', '┘');
        return sb.ToString();
    }

    /// <summary>rich <c>Text.wrap</c> with overflow "ellipsis": greedy word fill, trailing blanks dropped, long words cut.</summary>
    public static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var current = new StringBuilder();
        foreach (Match word in Words().Matches(text))
        {
            var w = word.Value;
            var bare = w.TrimEnd().Length;
            if (current.Length > 0 && current.Length + bare > width)
            {
                lines.Add(current.ToString());
                current.Clear();
            }
            current.Append(w);
        }
        if (current.Length > 0 || lines.Count == 0) lines.Add(current.ToString());
        return lines.Select(l => Fit(l, width)).ToList();
    }

    private static string Fit(string line, int width)
    {
        if (Cells(line) > width) line = line.TrimEnd();
        if (Cells(line) <= width) return line;
        var sb = new StringBuilder();
        foreach (var ch in line)
        {
            if (Cells(sb.ToString()) + CharCells(ch) > width - 1) break;
            sb.Append(ch);
        }
        return sb.Append('…').ToString();
    }

    private static string Pad(string text, int width, Justify justify)
    {
        var trimmed = justify == Justify.Left ? text : text.TrimEnd();
        var gap = Math.Max(0, width - Cells(trimmed));
        return justify switch
        {
            Justify.Right => new string(' ', gap) + trimmed,
            Justify.Center => new string(' ', gap / 2) + trimmed + new string(' ', gap - gap / 2),
            _ => trimmed + new string(' ', gap),
        };
    }

    /// <summary>Terminal cells: East-Asian wide characters take two.</summary>
    public static int Cells(string s) => s.Sum(CharCells);

    private static int CharCells(char c) =>
        c is >= '\u1100' and <= '\u115F' or >= '\u2E80' and <= '\uA4CF' or >= '\uAC00' and <= '\uD7A3'
            or >= '\uF900' and <= '\uFAFF' or >= '\uFE30' and <= '\uFE4F' or >= '\uFF00' and <= '\uFF60' or >= '\uFFE0' and <= '\uFFE6'
            ? 2 : 1;

    [GeneratedRegex(@"\s*\S+\s*")]
    private static partial Regex Words();
}
