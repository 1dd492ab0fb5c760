using ParamLens.Shapes;
using static ParamLens.Layers.SpatialArithmetic;

namespace ParamLens.Layers;

/// <summary>Keras <c>MaxPooling*</c> and <c>AveragePooling*</c>: a window summarised to one value per channel; no weights.
/// Keras 3 requires <c>pool_size</c> for average pooling; Keras 2 (and max pooling in both) defaults it to 2 per axis.</summary>
public sealed class PoolingDeclaration(string kind, int rank) : WeightlessLayerDeclaration($"{kind}Pooling{rank}D",
    PositionalOrder.Of("pool_size", "strides", "padding", "data_format"),
    ConfigKey.ByVersion("pool_size", v => kind == "Average" && v.IsKeras3 ? null : 2), ConfigKey.Opt("strides", null),
    ConfigKey.Opt("padding", "valid"), ConfigKey.Opt("data_format", null))
{
    public int Rank { get; } = rank;

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var c = call.Config;
        var input = call.Input;
        RequireRank(input, Rank + 2, ClassName);
        if (!c.Has("pool_size"))
            throw new ModelException($"{ClassName} needs the config key 'pool_size' in Keras {c.Version} (only Keras 2 defaults it to 2)");
        var pool = c.Tuple("pool_size", Rank);
        var strides = c.Has("strides") ? c.Tuple("strides", Rank) : pool;
        var names = AxisNames(Rank);
        var axes = SpatialAxes(Rank, ChannelsFirst(c));
        var output = input;
        for (var i = 0; i < Rank; i++)
            output = output.With(axes[i], Window(call, names[i], input[axes[i]], pool[i], strides[i], 1, c.String("padding")));
        call.Note("channels are unchanged; pooling has no weights");
        return [output];
    }
}

/// <summary>Keras <c>GlobalMaxPooling*</c> and <c>GlobalAveragePooling*</c>: one value per channel; no weights.</summary>
public sealed class GlobalPoolingDeclaration(string kind, int rank) : WeightlessLayerDeclaration($"Global{kind}Pooling{rank}D",
    PositionalOrder.Of("data_format", "keepdims"),
    ConfigKey.Opt("data_format", null), ConfigKey.Opt("keepdims", false))
{
    public int Rank { get; } = rank;

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var input = call.Input;
        RequireRank(input, Rank + 2, ClassName);
        var cf = ChannelsFirst(call.Config);
        var channels = input[ChannelAxis(input, cf)];
        var verb = ClassName.Contains("Max") ? "the maximum" : "the mean";
        if (call.Config.Bool("keepdims"))
        {
            call.Note($"each spatial axis is reduced to 1 ({verb}), kept as size 1 (keepdims)");
            var output = input;
            foreach (var axis in SpatialAxes(Rank, cf)) output = output.With(axis, 1);
            return [output];
        }
        call.Note($"every spatial axis is reduced to {verb}: one value for each of the {Shape.DimText(channels)} channels");
        return [Shape.Of(input[0], channels)];
    }
}

/// <summary>Keras 3 (from 3.13) <c>AdaptiveMaxPooling*</c> and <c>AdaptiveAveragePooling*</c>: windows sized so the spatial
/// axes become exactly <c>output_size</c>; no weights.</summary>
public sealed class AdaptivePoolingDeclaration(string kind, int rank) : WeightlessLayerDeclaration($"Adaptive{kind}Pooling{rank}D",
    PositionalOrder.Of("output_size", "data_format"),
    ConfigKey.Req("output_size"), ConfigKey.Opt("data_format", null))
{
    public int Rank { get; } = rank;

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var input = call.Input;
        RequireRank(input, Rank + 2, ClassName);
        var size = call.Config.Tuple("output_size", Rank);
        var names = AxisNames(Rank);
        var axes = SpatialAxes(Rank, ChannelsFirst(call.Config));
        var output = input;
        for (var i = 0; i < Rank; i++)
        {
            call.Note($"{names[i]}: {Shape.DimText(input[axes[i]])} → output_size {size[i]}");
            output = output.With(axes[i], size[i]);
        }
        call.Note("channels are unchanged; pooling has no weights");
        return [output];
    }
}

/// <summary>Windowed, global and adaptive max/average pooling of rank 1–3.</summary>
public sealed class PoolingFamily : LayerFamily
{
    public override IEnumerable<LayerDeclaration> Declarations() =>
        from rank in new[] { 1, 2, 3 }
        from kind in new[] { "Max", "Average" }
        from d in new LayerDeclaration[] { new PoolingDeclaration(kind, rank), new GlobalPoolingDeclaration(kind, rank), new AdaptivePoolingDeclaration(kind, rank) }
        select d;

    public override IEnumerable<(string Alias, string ClassName)> Aliases() =>
        from rank in new[] { 1, 2, 3 }
        from pair in new[]
        {
            ($"MaxPool{rank}D", $"MaxPooling{rank}D"), ($"AvgPool{rank}D", $"AveragePooling{rank}D"),
            ($"GlobalMaxPool{rank}D", $"GlobalMaxPooling{rank}D"), ($"GlobalAvgPool{rank}D", $"GlobalAveragePooling{rank}D"),
        }
        select pair;
}
