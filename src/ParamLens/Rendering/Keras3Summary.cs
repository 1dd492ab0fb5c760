using System.Globalization;
using System.Text;
using ParamLens.Accounting;
using ParamLens.Graph;

namespace ParamLens.Rendering;

/// <summary>The text of Keras 3 <c>model.summary()</c> (a rich table), byte for byte.</summary>
public static class Keras3Summary
{
    public static string Render(ModelAccount account, SummaryOptions options)
    {
        var model = account.Model;
        var version = options.KerasVersion ?? model.Version;
        var early = version is { Major: 3, Minor: 0, Patch: <= 4 };
        var sequentialLike = model.IsSequentialLike;
        double[] positions = sequentialLike ? (early ? [0.45, 0.84, 1.0] : [0.45, 0.80, 1.0]) : (early ? [0.3, 0.56, 0.70, 1.0] : [0.3, 0.56, 0.74, 1.0]);
        var lineLength = options.LineLength ?? (sequentialLike ? (early ? 84 : 88) : 108);
        List<string> headers = sequentialLike ? ["Layer (type)", "Output Shape", "Param #"] : ["Layer (type)", "Output Shape", "Param #", "Connected to"];
        List<Justify> justify = sequentialLike ? [Justify.Left, Justify.Left, Justify.Right] : [Justify.Left, Justify.Left, Justify.Right, Justify.Left];
        if (options.ShowTrainable)
        {
            if (options.LineLength is null) lineLength += 12;
            positions = [.. positions.Select(p => p * 0.90), 1.0];
            headers.Add("Trainable");
            justify.Add(Justify.Center);
        }
        if (options.LineLength is null) lineLength = Math.Min(lineLength, options.TerminalColumns - 4);

        var nominal = new int[positions.Length];
        var used = 0;
        for (var i = 0; i < positions.Length; i++)
        {
            nominal[i] = (int)(positions[i] * lineLength) - used;
            used += nominal[i];
            if (nominal[i] < 4) throw new UsageException("Insufficient console width to print summary.");
        }
        var widths = RichTable.CellWidths(nominal, lineLength);

        var rows = new List<string[]>();
        foreach (var row in SummaryRows.Select(account, options))
            AddRows(row, model, 0, sequentialLike, options, rows);

        var sb = new StringBuilder();
        sb.Append($"Model: \"{model.Name}\"\n");
        sb.Append(RichTable.Render(headers, justify, rows, widths));
        var optimizer = account.Optimizer;
        if (account.UnknownTotalsReason is { } why)
        {
            // ParamLens' own lines (Keras would have run the code and known every count), so not cut at the console width.
            return Crop(sb.ToString(), options.TerminalColumns) +
                $" Total params: unknown ({why})\n Trainable params: unknown\n Non-trainable params: unknown\n" +
                (optimizer is null ? "" : $" Optimizer params: {Count(optimizer.Count)} ({ByteSize.Keras3(optimizer.Bytes)})\n");
        }
        else
        {
            var total = account.TotalParams!.Value + (optimizer?.Count ?? 0);
            sb.Append($" Total params: {Count(total)} ({ByteSize.Keras3(account.TotalBytes!.Value + (optimizer?.Bytes ?? 0))})\n");
            sb.Append($" Trainable params: {Count(account.TrainableParams!.Value)} ({ByteSize.Keras3(account.TrainableBytes!.Value)})\n");
            sb.Append($" Non-trainable params: {Count(account.NonTrainableParams!.Value)} ({ByteSize.Keras3(account.NonTrainableBytes!.Value)})\n");
        }
        if (optimizer is not null) sb.Append($" Optimizer params: {Count(optimizer.Count)} ({ByteSize.Keras3(optimizer.Bytes)})\n");
        return Crop(sb.ToString(), options.TerminalColumns);
    }

    private static void AddRows(LayerAccount row, Model model, int level, bool sequentialLike, SummaryOptions options, List<string[]> rows)
    {
        var layer = row.Layer;
        var prefix = level == 0 ? "" : string.Concat(Enumerable.Repeat("   ", level)) + "└ ";
        var cells = new List<string>
        {
            $"{prefix}{layer.Name} ({layer.ClassName})",
            ShapeText(layer),
            !layer.IsBuilt ? "0 (unbuilt)" : row.Params is { } n ? Count(n) : SummaryRows.UnknownCount,
        };
        if (!sequentialLike)
        {
            var connections = level == 0 ? SummaryRows.Connections(layer, model, keras2: false) : [];
            cells.Add(connections.Count == 0 ? "-" : string.Join(", ", connections));
        }
        if (options.ShowTrainable)
            cells.Add(layer.HasUnknownWeights ? SummaryRows.UnknownCount : row.Weights.Count == 0 ? "-" : layer.Trainable ? "Y" : "N");
        rows.Add([.. cells]);
        if (options.ExpandNested && layer is Model nested)
            foreach (var child in row.Children)
                AddRows(child, nested, level + 1, sequentialLike, options, rows);
    }

    /// <summary>Shapes of the layer's last call: <c>(None, 64)</c>, several outputs as <c>[(None, 1), (None, 1)]</c>, <c>?</c> if
    /// never called or when a shape could not be derived (as Keras prints a layer whose output shape it does not know).</summary>
    internal static string ShapeText(Layer layer)
    {
        if (layer.InboundNodes.Count == 0) return "?";
        var outputs = layer.InboundNodes[^1].Outputs;
        return outputs.Count == 1 ? outputs[0].Shape.ToKeras3Text() : "[" + string.Join(", ", outputs.Select(t => t.Shape.ToKeras3Text())) + "]";
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>rich crops every line at the console width.</summary>
    private static string Crop(string text, int columns)
    {
        var lines = text.Split('\n');
        return string.Join('\n', lines.Select(l => RichTable.Cells(l) > columns ? l[..columns] : l));
    }
}
