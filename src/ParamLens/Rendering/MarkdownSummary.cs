using System.Globalization;
using System.Text;
using ParamLens.Accounting;
using ParamLens.Graph;

namespace ParamLens.Rendering;

/// <summary>The rows and totals of <c>model.summary()</c> as a Markdown table, for a README, an issue or a notebook's
/// Markdown cell: the columns of the Keras 3 table, the same rows (nested models expanded and layer ranges honoured when
/// asked), and the totals with their sizes.</summary>
public static class MarkdownSummary
{
    public static string Render(ModelAccount account, SummaryOptions options)
    {
        var model = account.Model;
        var connected = !model.IsSequentialLike;
        var sb = new StringBuilder($"**Model: \"{Escape(model.Name)}\"**\n\n");
        sb.Append("| Layer (type) | Output Shape | Param #");
        if (connected) sb.Append(" | Connected to");
        if (options.ShowTrainable) sb.Append(" | Trainable");
        sb.Append(" |\n|---|---|--:");
        if (connected) sb.Append("|---");
        if (options.ShowTrainable) sb.Append("|:-:");
        sb.Append("|\n");
        foreach (var row in SummaryRows.Select(account, options)) Row(sb, row, model, 0, connected, options);
        sb.Append('\n');
        if (account.UnknownTotalsReason is { } why)
            sb.Append($"Total params: unknown ({Escape(why)})  \nTrainable params: unknown  \nNon-trainable params: unknown\n");
        else
        {
            sb.Append($"Total params: {Count(account.TotalParams!.Value)} ({ByteSize.Keras3(account.TotalBytes!.Value)})  \n");
            sb.Append($"Trainable params: {Count(account.TrainableParams!.Value)} ({ByteSize.Keras3(account.TrainableBytes!.Value)})  \n");
            sb.Append($"Non-trainable params: {Count(account.NonTrainableParams!.Value)} ({ByteSize.Keras3(account.NonTrainableBytes!.Value)})\n");
        }
        if (account.Optimizer is { } optimizer)
            sb.Append($"\nOptimizer params: {Count(optimizer.Count)} ({ByteSize.Keras3(optimizer.Bytes)}), not part of the model's own total\n");
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, LayerAccount row, Model model, int level, bool connected, SummaryOptions options)
    {
        var layer = row.Layer;
        var indent = level == 0 ? "" : string.Concat(Enumerable.Repeat("&nbsp;&nbsp;&nbsp;", level)) + "└ ";
        sb.Append($"| {indent}{Escape(layer.Name)} ({layer.ClassName}) | {Escape(Keras3Summary.ShapeText(layer))} | ");
        sb.Append(!layer.IsBuilt ? "0 (unbuilt)" : row.Params is { } n ? Count(n) : SummaryRows.UnknownCount);
        if (connected)
        {
            var connections = level == 0 ? SummaryRows.Connections(layer, model, keras2: false) : [];
            sb.Append(" | ").Append(connections.Count == 0 ? "-" : Escape(string.Join(", ", connections)));
        }
        if (options.ShowTrainable)
            sb.Append(" | ").Append(layer.HasUnknownWeights ? SummaryRows.UnknownCount : row.Weights.Count == 0 ? "-" : layer.Trainable ? "Y" : "N");
        sb.Append(" |\n");
        if (options.ExpandNested && layer is Model nested)
            foreach (var child in row.Children) Row(sb, child, nested, level + 1, connected, options);
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A cell's text with the characters Markdown would read as a cell border or emphasis escaped (an underscore
    /// inside a word is not emphasis).</summary>
    private static string Escape(string text) => text.Replace("|", "\\|").Replace("*", "\\*");
}
