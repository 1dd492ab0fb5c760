using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ParamLens.Accounting;
using ParamLens.Shapes;

namespace ParamLens.Rendering;

/// <summary>The machine-readable report (schema in docs/json-schema.md): one object per model, an array for several.</summary>
public static class JsonReport
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Render(IReadOnlyList<Explanation> models)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Options))
        {
            if (models.Count == 1) Model(w, models[0]);
            else
            {
                w.WriteStartArray();
                foreach (var m in models) Model(w, m);
                w.WriteEndArray();
            }
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Model(Utf8JsonWriter w, Explanation e)
    {
        w.WriteStartObject();
        w.WriteString("model_name", e.ModelName);
        w.WriteString("class_name", e.ModelClass);
        w.WriteString("keras_version", e.KerasVersion);
        Number(w, "total_params", e.TotalParams);
        Number(w, "trainable_params", e.TrainableParams);
        Number(w, "non_trainable_params", e.NonTrainableParams);
        w.WritePropertyName("total_bytes");
        if (e.TotalBytes is { } bytes) w.WriteNumberValue(bytes); else w.WriteNullValue();
        if (e.OptimizerParams is { } optimizer) w.WriteNumber("optimizer_params", optimizer);
        w.WriteStartArray("layers");
        foreach (var l in e.Layers) Layer(w, l);
        w.WriteEndArray();
        w.WriteStartArray("non_trainable_sources");
        foreach (var (layer, weight) in e.NonTrainableSources)
        {
            w.WriteStartObject();
            w.WriteString("layer", layer);
            w.WriteString("weight", weight.Name);
            w.WriteNumber("count", weight.Count);
            w.WriteString("reason", weight.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("rows_equation", e.RowsEquation);
        if (e.RowsDifference is { } d) w.WriteString("rows_difference", d);
        if (e.Unknown is { } u)
        {
            w.WriteStartObject("unknown");
            Strings(w, "shapes", u.Shapes);
            Strings(w, "weights", u.Weights);
            Strings(w, "unknown_shape_layers", u.UnknownShapeLayers);
            Strings(w, "counts", u.Counts);
            w.WriteStartObject("known_counts");
            foreach (var (layer, count) in u.KnownCounts) w.WriteNumber(layer, count);
            w.WriteEndObject();
            if (u.TotalsReason is { } why) w.WriteString("totals", why); else w.WriteNull("totals");
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    /// <summary>A count, or null when it is unknown.</summary>
    private static void Number(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } n) w.WriteNumber(name, n); else w.WriteNull(name);
    }

    private static void Layer(Utf8JsonWriter w, LayerExplanation l)
    {
        w.WriteStartObject();
        w.WriteString("name", l.Name);
        w.WriteString("class_name", l.ClassName);
        w.WriteStartArray("output_shapes");
        foreach (var s in l.OutputShapes) WriteShape(w, s);
        w.WriteEndArray();
        w.WriteStartArray("input_shapes");
        foreach (var s in l.InputShapes) WriteShape(w, s);
        w.WriteEndArray();
        Number(w, "params", l.Params);
        Number(w, "trainable_params", l.TrainableParams);
        Number(w, "non_trainable_params", l.NonTrainableParams);
        if (l.UnknownParamsReason is { } unknown) w.WriteString("unknown_params_reason", unknown);
        if (l.CountFormula is { } f) w.WriteString("formula", f);
        w.WriteNumber("uses", l.Uses);
        w.WriteStartArray("inbound");
        foreach (var i in l.Inbound) w.WriteStringValue(i);
        w.WriteEndArray();
        w.WriteStartArray("shape_derivation");
        foreach (var n in l.ShapeNotes) w.WriteStringValue(n);
        w.WriteEndArray();
        w.WriteStartArray("weights");
        foreach (var wt in l.Weights)
        {
            w.WriteStartObject();
            w.WriteString("name", wt.Name);
            w.WritePropertyName("shape");
            WriteShape(w, wt.Shape);
            w.WriteNumber("count", wt.Count);
            w.WriteBoolean("trainable", wt.Trainable);
            w.WriteString("dtype", wt.DType);
            w.WriteString("formula", wt.Formula);
            w.WriteString("reason", wt.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (l.Children.Count > 0)
        {
            w.WriteStartArray("layers");
            foreach (var c in l.Children) Layer(w, c);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary>A shape as a list of dims (null for None), or null when the shape is unknown.</summary>
    private static void WriteShape(Utf8JsonWriter w, Shape s)
    {
        if (s.IsUnknownRank)
        {
            w.WriteNullValue();
            return;
        }
        w.WriteStartArray();
        foreach (var d in s)
            if (d is long v) w.WriteNumberValue(v); else w.WriteNullValue();
        w.WriteEndArray();
    }
}
