using System.Text.Json.Nodes;
using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>A layer nested in another layer's config (<c>{"class_name": …, "config": …}</c>, as wrappers store it), declared
/// through the catalog like any other layer, under the outer layer's Keras version.</summary>
internal sealed record WrappedLayer(LayerDeclaration Declaration, LayerConfig Config, string Name)
{
    public static WrappedLayer From(LayerConfig outer, string key)
    {
        var entry = outer.Raw(key) as JsonObject
            ?? throw new ModelException($"config key '{key}' should hold the wrapped layer as {{\"class_name\": …, \"config\": …}}");
        var className = entry["class_name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s
            : throw new ModelException($"the wrapped layer in '{key}' has no class_name");
        var declaration = LayerCatalog.Get(className);
        var config = declaration.Configure(entry["config"] as JsonObject ?? new JsonObject(), outer.Version);
        return new WrappedLayer(declaration, config, config.OptString("name") ?? className);
    }

    public string Title => $"{Declaration.ClassName} '{Name}'";

    /// <summary>The wrapped layer called on these inputs; its notes are prefixed with its name. When its output shape
    /// cannot be derived, the outer call's output is unknown and says why.</summary>
    public IReadOnlyList<Shape> OutputShapes(LayerCall outer)
    {
        var call = new LayerCall(Config, outer.Inputs);
        var shapes = Declaration.OutputShapes(call);
        foreach (var note in call.Notes) outer.Note($"{Title}: {note}");
        return shapes.Any(s => s.IsUnknownRank)
            ? outer.UnknownOutput($"the output shape of the wrapped {Title} cannot be derived ({call.UnknownOutputReason ?? "unknown"})")
            : shapes;
    }

    /// <summary>The wrapped layer's weights, each saying whose it is; all non-trainable when the wrapped layer is frozen.</summary>
    public IEnumerable<WeightSpec> Weights(LayerCall outer)
    {
        var frozen = Config.Raw("trainable") is JsonValue t && t.TryGetValue<bool>(out var trainable) && !trainable;
        var call = new LayerCall(Config, outer.Inputs);
        foreach (var w in Declaration.Weights(call))
            yield return frozen && w.Trainable
                ? w with { Trainable = false, Role = $"{w.Role} (of the wrapped {Title}); non-trainable because '{Name}' has trainable = False" }
                : w with { Role = $"{w.Role} (of the wrapped {Title})" };
    }
}
