using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ParamLens.Accounting;
using ParamLens.Printed;
using ParamLens.Shapes;

namespace ParamLens.Rendering;

/// <summary>The machine-readable report (schema in docs/json-schema.md): one object per model, an array for several.
/// Written from the data objects below by source-generated System.Text.Json.</summary>
public static class JsonReport
{
    private static readonly JsonReportContext Context = new(new JsonSerializerOptions(JsonReportContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static string Render(IReadOnlyList<Explanation> models) =>
        Serialize(models.Select(e => Model(e)).ToArray());

    /// <summary>Printed summaries: the explanation of each, with what the table says of itself (its style, the checks of
    /// the whole table, frozen layers) and per row the hyperparameters inferred.</summary>
    public static string Render(IReadOnlyList<PrintedAnalysis> analyses) =>
        Serialize(analyses.Select(a => Model(a.Explanation) with
        {
            Layers = Layers(a.Explanation.Layers, a.Rows),
            OptimizerParams = a.Summary.Totals.Optimizer,
            Source = "printed summary",
            PrintedStyle = a.Summary.StyleText,
            FrozenLayers = a.Frozen,
            Checks = a.Checks.Select(c => new JsonCheck(c.Passed, c.Text)).ToArray(),
            Contradictions = a.Contradictions.Count > 0 ? a.Contradictions : null,
        }).ToArray());

    private static string Serialize(JsonModel[] models) =>
        (models.Length == 1
            ? JsonSerializer.Serialize(models[0], Context.JsonModel)
            : JsonSerializer.Serialize(models, Context.JsonModelArray)) + "\n";

    private static JsonModel Model(Explanation e) => new()
    {
        ModelName = e.ModelName,
        ClassName = e.ModelClass,
        KerasVersion = e.KerasVersion,
        TotalParams = e.TotalParams,
        TrainableParams = e.TrainableParams,
        NonTrainableParams = e.NonTrainableParams,
        TotalBytes = e.TotalBytes,
        OptimizerParams = e.OptimizerParams,
        Layers = Layers(e.Layers, null),
        NonTrainableSources = e.NonTrainableSources.Select(s => new JsonNonTrainableSource(s.Layer, s.Weight.Name, s.Weight.Count, s.Weight.Reason)).ToArray(),
        RowsEquation = e.RowsEquation,
        RowsDifference = e.RowsDifference,
        Unknown = e.Unknown is { } u
            ? new JsonUnknown(u.Shapes, u.Weights, u.UnknownShapeLayers, u.Counts, KnownCounts(u), u.TotalsReason)
            : null,
    };

    /// <summary>Layer name → count, in layer order (a name met twice keeps its first count).</summary>
    private static Dictionary<string, long> KnownCounts(UnknownFacts unknown)
    {
        var counts = new Dictionary<string, long>();
        foreach (var (layer, count) in unknown.KnownCounts) counts.TryAdd(layer, count);
        return counts;
    }

    private static JsonLayer[] Layers(IReadOnlyList<LayerExplanation> layers, IReadOnlyList<RowFinding>? rows) =>
        layers.Select((l, i) => Layer(l, rows is not null && i < rows.Count ? rows[i] : null)).ToArray();

    private static JsonLayer Layer(LayerExplanation l, RowFinding? row) => new()
    {
        Name = l.Name,
        ClassName = l.ClassName,
        OutputShapes = l.OutputShapes.Select(Dims).ToArray(),
        InputShapes = l.InputShapes.Select(Dims).ToArray(),
        Params = l.Params,
        TrainableParams = l.TrainableParams,
        NonTrainableParams = l.NonTrainableParams,
        UnknownParamsReason = l.UnknownParamsReason,
        Formula = l.CountFormula,
        Uses = l.Uses,
        Inbound = l.Inbound,
        ShapeDerivation = l.ShapeNotes,
        Weights = l.Weights.Select(w => new JsonWeight(w.Name, Dims(w.Shape), w.Count, w.Trainable, w.DType, w.Formula, w.Reason)).ToArray(),
        Layers = l.Children.Count > 0 ? Layers(l.Children, row?.Children) : null,
        Inferred = row is null ? null : new JsonInferred(
            row.Inference.Solutions.Select(s => new JsonSolution(s.Equation, s.Formula, s.Conclusion, s.NonTrainable, s.Notes)).ToArray(),
            !row.Inconsistent, row.Inference.Problem, row.Inference.Remark,
            row.Row.ClassText + (row.Row.ClassTruncated ? "…" : ""), row.Row.ClassCandidates,
            new JsonCapacity(row.MinNonTrainable, row.MaxNonTrainable)),
    };

    /// <summary>A shape as a list of dims (null for None), or null when the shape is unknown.</summary>
    private static long?[]? Dims(Shape s) => s.IsUnknownRank ? null : s.ToArray();
}

internal sealed record JsonModel
{
    public required string ModelName { get; init; }
    public required string ClassName { get; init; }
    public required string KerasVersion { get; init; }
    public required long? TotalParams { get; init; }
    public required long? TrainableParams { get; init; }
    public required long? NonTrainableParams { get; init; }
    public required double? TotalBytes { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? OptimizerParams { get; init; }
    public required JsonLayer[] Layers { get; init; }
    public required JsonNonTrainableSource[] NonTrainableSources { get; init; }
    public required string RowsEquation { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? RowsDifference { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JsonUnknown? Unknown { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Source { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? PrintedStyle { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? FrozenLayers { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JsonCheck[]? Checks { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Contradictions { get; init; }
}

internal sealed record JsonLayer
{
    public required string Name { get; init; }
    public required string ClassName { get; init; }
    public required long?[]?[] OutputShapes { get; init; }
    public required long?[]?[] InputShapes { get; init; }
    public required long? Params { get; init; }
    public required long? TrainableParams { get; init; }
    public required long? NonTrainableParams { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? UnknownParamsReason { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Formula { get; init; }
    public required int Uses { get; init; }
    public required IReadOnlyList<string> Inbound { get; init; }
    public required IReadOnlyList<string> ShapeDerivation { get; init; }
    public required JsonWeight[] Weights { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JsonLayer[]? Layers { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JsonInferred? Inferred { get; init; }
}

internal sealed record JsonWeight(string Name, long?[]? Shape, long Count, bool Trainable, [property: JsonPropertyName("dtype")] string DType, string Formula, string Reason);

internal sealed record JsonNonTrainableSource(string Layer, string Weight, long Count, string Reason);

internal sealed record JsonUnknown(
    IReadOnlyList<string> Shapes,
    IReadOnlyList<string> Weights,
    IReadOnlyList<string> UnknownShapeLayers,
    IReadOnlyList<string> Counts,
    Dictionary<string, long> KnownCounts,
    string? Totals);

internal sealed record JsonCheck(bool? Passed, string Text);

internal sealed record JsonInferred(
    JsonSolution[] Solutions,
    bool Consistent,
    string? Problem,
    string? Remark,
    string ClassText,
    IReadOnlyList<string> ClassCandidates,
    JsonCapacity NonTrainableCapacity);

internal sealed record JsonSolution(string Equation, string Formula, string Conclusion, long NonTrainableParams, IReadOnlyList<string> Notes);

internal sealed record JsonCapacity(long Min, long Max);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(JsonModel))]
[JsonSerializable(typeof(JsonModel[]))]
internal sealed partial class JsonReportContext : JsonSerializerContext;
