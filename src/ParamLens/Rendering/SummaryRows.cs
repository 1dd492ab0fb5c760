using System.Text.RegularExpressions;
using ParamLens.Accounting;
using ParamLens.Graph;

namespace ParamLens.Rendering;

/// <summary>What both summary printers need to know about the rows: which layers, in what order, and their connections.</summary>
internal static class SummaryRows
{
    /// <summary>The Param # cell of a layer whose count is unknown (ParamLens' own mark, like the unknown shape's <c>?</c>).</summary>
    public const string UnknownCount = "?";

    /// <summary>The top-level rows after Keras <c>layer_range</c>: the first layer matching Start to the last matching End.</summary>
    public static IReadOnlyList<LayerAccount> Select(ModelAccount account, SummaryOptions options)
    {
        var rows = account.Layers;
        if (options.LayerRange is not { } range) return rows;
        int First(string pattern) => IndexOf(rows, pattern, first: true);
        int Last(string pattern) => IndexOf(rows, pattern, first: false);
        var lo = First(range.Start);
        var hi = Last(range.End);
        if (lo > hi) (lo, hi) = (First(range.End), Last(range.Start));
        return rows.Skip(lo).Take(hi - lo + 1).ToArray();
    }

    private static int IndexOf(IReadOnlyList<LayerAccount> rows, string pattern, bool first)
    {
        var regex = new Regex(@"\G(?:" + pattern + ")", RegexOptions.None, TimeSpan.FromSeconds(1));
        var matches = rows.Select((r, i) => (r, i)).Where(p => regex.IsMatch(p.r.Layer.Name)).Select(p => p.i).ToArray();
        if (matches.Length == 0)
            throw new UsageException($"layer_range: no layer name matches '{pattern}' (names: {string.Join(", ", rows.Select(r => r.Layer.Name))})");
        return first ? matches[0] : matches[^1];
    }

    /// <summary>
    /// "Connected to" entries: for each call of the layer inside the model, each input tensor as
    /// <c>producer[node][tensor]</c>. In Keras 2 a nested model's calls are numbered from 1 (its own graph is node 0).
    /// </summary>
    public static List<string> Connections(Layer layer, Model model, bool keras2)
    {
        var result = new List<string>();
        foreach (var node in layer.InboundNodes.Where(model.Contains))
            foreach (var input in node.Inputs)
            {
                var producer = input.Node.Layer;
                var index = input.Node.Index + (keras2 && producer is Model { IsBuilt: true } ? 1 : 0);
                result.Add($"{producer.Name}[{index}][{input.Index}]");
            }
        return result;
    }
}

/// <summary>A user asked for something impossible (an option value, a layer range): exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
