using ParamLens.Layers;
using System.Globalization;
using System.Text;
using ParamLens.Accounting;
using ParamLens.Graph;

namespace ParamLens.Rendering;

/// <summary>The three generations of the Keras 2 plain-text summary printer.</summary>
public enum Keras2Era
{
    /// <summary>Keras 2.0–2.6: cells cut at the column end, "_" rules between layers.</summary>
    Old,
    /// <summary>Keras 2.7–2.12: cells wrapped, blank lines between layers, Python lists for connections.</summary>
    Mid,
    /// <summary>Keras 2.13+: like Mid with one column of slack, sizes after the totals, no thousands separators.</summary>
    New,
}

/// <summary>The text of Keras 2 (and tf.keras) <c>model.summary()</c>, byte for byte, in the era of the given version.</summary>
public static class Keras2Summary
{
    public static Keras2Era EraOf(KerasVersion version) => version switch
    {
        { Major: >= 3 } => Keras2Era.New,
        { Major: 2, Minor: >= 13 } => Keras2Era.New,
        { Major: 2, Minor: >= 7 } => Keras2Era.Mid,
        _ => Keras2Era.Old,
    };

    public static string Render(ModelAccount account, SummaryOptions options)
    {
        var model = account.Model;
        var version = options.KerasVersion ?? model.Version;
        var era = EraOf(version);
        var sequentialLike = model.IsSequentialLike;
        var lineLength = options.LineLength ?? (sequentialLike ? 65 : version is { Major: 2, Minor: 0 } ? 100 : 98);
        double[] fractions = sequentialLike ? [0.45, 0.85, 1.0] : era == Keras2Era.New ? [0.3, 0.6, 0.70, 1.0] : [0.33, 0.55, 0.67, 1.0];
        var positions = fractions.Select(p => (int)(lineLength * p)).ToList();
        List<string> header = sequentialLike ? ["Layer (type)", "Output Shape", "Param #"] : ["Layer (type)", "Output Shape", "Param #", "Connected to"];
        var showTrainable = options.ShowTrainable && era != Keras2Era.Old;
        if (showTrainable)
        {
            lineLength += 11;
            positions.Add(lineLength);
            header.Add("Trainable");
        }
        var printer = new Printer(era, positions, lineLength, sequentialLike, showTrainable, options.ExpandNested && era != Keras2Era.Old, version);

        var sb = printer.Output;
        if (!(version.IsStandalone && (version.Minor < 2 || version is { Minor: 2, Patch: <= 4 }))) sb.Append($"Model: \"{model.Name}\"\n");
        sb.Append('_', lineLength).Append('\n');
        printer.Row([.. header], 0);
        sb.Append('=', lineLength).Append('\n');
        var rows = SummaryRows.Select(account, options);
        for (var i = 0; i < rows.Count; i++)
        {
            printer.Layer(rows[i], model, 0, isNestedLast: false);
            if (era == Keras2Era.Old) sb.Append(i == rows.Count - 1 ? '=' : '_', lineLength).Append('\n');
        }
        if (era != Keras2Era.Old) sb.Append('=', lineLength).Append('\n');
        if (account.UnknownTotalsReason is { } why)
        {
            // ParamLens' own lines: Keras would have run the code and known every count.
            sb.Append($"Total params: unknown ({why})\n");
            sb.Append("Trainable params: unknown\n");
            sb.Append("Non-trainable params: unknown\n");
        }
        else if (era == Keras2Era.New)
        {
            sb.Append($"Total params: {account.TotalParams} ({ByteSize.Keras2(account.TotalBytes!.Value)})\n");
            sb.Append($"Trainable params: {account.TrainableParams} ({ByteSize.Keras2(account.TrainableBytes!.Value)})\n");
            sb.Append($"Non-trainable params: {account.NonTrainableParams} ({ByteSize.Keras2(account.NonTrainableBytes!.Value)})\n");
        }
        else
        {
            sb.Append($"Total params: {Thousands(account.TotalParams!.Value)}\n");
            sb.Append($"Trainable params: {Thousands(account.TrainableParams!.Value)}\n");
            sb.Append($"Non-trainable params: {Thousands(account.NonTrainableParams!.Value)}\n");
        }
        sb.Append('_', lineLength).Append('\n');
        return sb.ToString();
    }

    private static string Thousands(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private sealed class Printer(Keras2Era era, List<int> positions, int lineLength, bool sequentialLike, bool showTrainable,
        bool expandNested, KerasVersion version)
    {
        public StringBuilder Output { get; } = new();

        public void Layer(LayerAccount row, Model model, int level, bool isNestedLast)
        {
            var layer = row.Layer;
            // Keras 2 never calls a subclassed model's layers symbolically, so their output shape is "multiple".
            var shape = model.Kind == ModelKind.Subclassed ? "multiple" : ShapeText(layer);
            var fields = new List<string> { $"{layer.Name} ({layer.ClassName})", shape, ParamText(row) };
            var extraConnections = new List<string>();
            if (!sequentialLike)
            {
                var connections = SummaryRows.Connections(layer, model, keras2: true);
                if (era == Keras2Era.Old)
                {
                    fields.Add(connections.Count > 0 ? connections[0] : "");
                    extraConnections.AddRange(connections.Skip(1));
                }
                else fields.Add("[" + string.Join(", ", connections.Select(c => $"'{c}'")) + "]");
            }
            if (showTrainable) fields.Add(layer.Trainable ? "Y" : "N");
            Row([.. fields], level);
            foreach (var c in extraConnections) Row(["", "", "", c], level);
            if (era == Keras2Era.Old) return;

            if (expandNested && layer is Model nested && row.Children.Count > 0)
            {
                Output.Append('|', level + 1).Append('¯', lineLength - 2 * level - 2).Append('|', level + 1).Append('\n');
                for (var i = 0; i < row.Children.Count; i++)
                {
                    isNestedLast = i == row.Children.Count - 1; // Keras reuses this flag, so the parent's own blank line is skipped
                    Layer(row.Children[i], nested, level + 1, isNestedLast);
                }
                Output.Append('|', level).Append('¯', lineLength - 2 * level).Append('|', level).Append('\n');
            }
            if (!isNestedLast)
                Output.Append('|', level).Append(' ', lineLength - 2 * level).Append('|', level).Append('\n');
        }

        public void Row(string[] fields, int level)
        {
            if (era == Keras2Era.Old) { OldRow(fields); return; }
            var left = fields.ToArray();
            while (left.Any(f => f.Length > 0))
            {
                var line = new StringBuilder();
                for (var col = 0; col < left.Length; col++)
                {
                    var start = col > 0 ? positions[col - 1] : 0;
                    var end = positions[col];
                    var last = col == positions.Count - 1;
                    var space = last ? 0 : 2;
                    var cutoff = end - start - space;
                    if (era == Keras2Era.New)
                    {
                        if (!last) cutoff -= 1;
                        if (col == 0) cutoff -= level;
                    }
                    cutoff = Math.Max(cutoff, 0);
                    var fit = left[col][..Math.Min(cutoff, left[col].Length)];
                    var breaks = new[] { "),", "},", "],", "'," }.Select(b => fit.IndexOf(b, StringComparison.Ordinal) is var at and >= 0 ? at + b.Length : -1)
                        .Where(at => at >= 0).ToArray();
                    if (breaks.Length > 0)
                    {
                        cutoff = breaks.Min();
                        fit = fit[..cutoff];
                    }
                    if (col == 0) line.Append('|', level).Append(' ');
                    line.Append(fit).Append(' ', space);
                    left[col] = left[col][Math.Min(cutoff, left[col].Length)..];
                    var padTo = era == Keras2Era.Mid
                        ? positions[col] - (level > 0 ? level : 0)
                        : positions[col] - (level > 0 && last ? level : 0);
                    if (padTo > line.Length) line.Append(' ', padTo - line.Length);
                }
                line.Append('|', level);
                Output.Append(line).Append('\n');
            }
        }

        /// <summary>Keras ≤ 2.6: each field overwrites the previous field's last character and is cut at its column end.</summary>
        private void OldRow(string[] fields)
        {
            var line = new StringBuilder();
            for (var i = 0; i < fields.Length; i++)
            {
                if (i > 0 && line.Length > 0) line[^1] = ' ';
                line.Append(fields[i]);
                if (line.Length > positions[i]) line.Length = positions[i];
                line.Append(' ', positions[i] - line.Length);
            }
            Output.Append(line).Append('\n');
        }

        private static string ParamText(LayerAccount row) =>
            !(row.Layer.IsBuilt || row.Layer is Model) ? "0 (unused)"
            : row.Params is { } n ? n.ToString(CultureInfo.InvariantCulture) : SummaryRows.UnknownCount;

        /// <summary>Python <c>str(layer.output_shape)</c>; "multiple" when calls disagree or the layer was never called; an
        /// unknown shape prints <c>?</c>, the mark Keras 2 prints when it cannot tell an output shape (tf_keras
        /// <c>print_layer_summary</c>), since <c>multiple</c> there means several different shapes.</summary>
        private string ShapeText(Layer layer)
        {
            var calls = layer.InboundNodes;
            if (calls.Count == 0) return "multiple";
            var texts = calls.Select(n => n.Outputs.Count == 1 ? n.Outputs[0].Shape.ToPythonTuple()
                : "[" + string.Join(", ", n.Outputs.Select(t => t.Shape.ToPythonTuple())) + "]").Distinct().ToArray();
            if (texts.Length > 1) return "multiple";
            // tf.keras reports an InputLayer's output as a one-element list.
            return layer.ClassName == "InputLayer" && !version.IsStandalone ? $"[{texts[0]}]" : texts[0];
        }
    }
}
