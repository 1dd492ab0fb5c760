using System.Text.Json.Nodes;
using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>Layers held inside another layer's config (a wrapped layer, an RNN cell): found in the catalog and configured
/// there, so their defaults live in their own declaration.</summary>
internal static class Inner
{
    /// <summary>A <c>{class_name, config}</c> entry as a declaration and its configured config.</summary>
    public static (LayerDeclaration Declaration, LayerConfig Config) Resolve(JsonNode? entry, KerasVersion version, string where)
    {
        if (entry is not JsonObject o || o["class_name"] is not JsonValue cls || !cls.TryGetValue<string>(out var className))
            throw new ModelException($"{where} should be a layer entry {{\"class_name\": ..., \"config\": ...}}, not {entry?.ToJsonString() ?? "null"}");
        if (className is "Sequential" or "Functional" or "Model")
            throw new ModelException($"{where} is a whole model ({className}); wrapping a model is not supported");
        var declaration = LayerCatalog.Get(className);
        try
        {
            return (declaration, declaration.Configure(o["config"] as JsonObject, version));
        }
        catch (ModelException e)
        {
            throw ModelException.At($"{where} ({className})", e);
        }
    }

    /// <summary>Why a composite layer's weights cannot be derived when a sub-layer is of a class not known here; null when
    /// the class is known.</summary>
    public static string? UnknownClass(LayerDeclaration declaration, string what) => declaration is UnknownLayerDeclaration
        ? $"{what} is '{declaration.ClassName}', a class not known here, so the weights built for it cannot be derived"
        : null;

    public static string NameOf(LayerDeclaration declaration, LayerConfig config) =>
        config.OptString("name") ?? KerasNaming.SnakeCase(declaration.ClassName);

    /// <summary>A sub-layer's weight under that sub-layer's name, as Keras paths it (<c>forward_lstm/kernel</c>).</summary>
    public static WeightSpec Under(string sublayer, WeightSpec weight, string owner) =>
        weight with { Name = $"{sublayer}/{weight.Name}", Role = $"{owner}: {weight.Role}" };

    /// <summary>A sub-layer's weights; all non-trainable when its own config says <c>trainable = False</c>.</summary>
    public static IEnumerable<WeightSpec> WeightsOf(LayerDeclaration declaration, LayerCall call, string sublayer, string owner)
    {
        var frozen = !call.Config.Bool("trainable");
        foreach (var w in declaration.Weights(call))
        {
            var named = Under(sublayer, w, owner);
            yield return frozen && w.Trainable
                ? named with { Trainable = false, Role = $"{named.Role} — non-trainable because '{sublayer}' has trainable = False" }
                : named;
        }
    }

    /// <summary>Run a sub-layer's shape rule and keep its notes, marked with its name. When the sub-layer's output shape
    /// cannot be derived, neither can the wrapper's: the result is the outer call's single unknown output.</summary>
    public static IReadOnlyList<Shape> OutputShapes(LayerDeclaration declaration, LayerCall inner, LayerCall outer, string sublayer)
    {
        var shapes = declaration.OutputShapes(inner);
        foreach (var note in inner.Notes) outer.Note($"{sublayer}: {note}");
        return shapes.Any(s => s.IsUnknownRank)
            ? outer.UnknownOutput($"the output shape of the wrapped '{sublayer}' cannot be derived ({inner.UnknownOutputReason ?? "unknown"})")
            : shapes;
    }
}

/// <summary>Keras <c>TimeDistributed</c>: applies one inner layer to every time step; the inner layer is built on
/// <c>(batch, *input[2:])</c> and its weights are shared by all steps.</summary>
public sealed class TimeDistributedDeclaration() : LayerDeclaration("TimeDistributed", PositionalOrder.Of("layer"), ConfigKey.Req("layer"))
{
    private static (LayerDeclaration Declaration, LayerCall Call, string Name) InnerCall(LayerCall call)
    {
        var (declaration, config) = Inner.Resolve(call.Config.Raw("layer"), call.Config.Version, "the wrapped layer");
        var input = call.Input;
        if (input.Rank < 3) throw new ModelException($"TimeDistributed expects an input of rank 3 or more (batch, time, ...), got {input}");
        var step = new Shape([input[0], .. input.Skip(2)]);
        return (declaration, new LayerCall(config, [step]), Inner.NameOf(declaration, config));
    }

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var (declaration, inner, name) = InnerCall(call);
        call.Note($"the time axis ({Shape.DimText(call.Input[1])}) is set aside: '{name}' sees each step as {inner.Input}");
        var outputs = Inner.OutputShapes(declaration, inner, call, name);
        if (outputs is [{ IsUnknownRank: true }]) return outputs;
        var result = outputs.Select(s => new Shape([s[0], call.Input[1], .. s.Skip(1)])).ToArray();
        call.Note($"the time axis is put back: {string.Join(", ", result.AsEnumerable())}");
        return result;
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var (declaration, inner, name) = InnerCall(call);
        if (Inner.UnknownClass(declaration, $"the wrapped '{name}'") is { } unknown) return call.UnknownWeights(unknown);
        return Inner.WeightsOf(declaration, inner, name, $"'{name}', shared by every time step");
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights)
    {
        var (declaration, inner, _) = InnerCall(call);
        return declaration.CountFormula(inner, declaration.Weights(inner).ToArray());
    }

    public override string? Detail(LayerConfig config) =>
        config.Raw("layer")?["class_name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>
/// Keras <c>Bidirectional</c>: two fresh copies of a recurrent layer, <c>forward_…</c> and <c>backward_…</c> (the second
/// reads the sequence backwards, or is <c>backward_layer</c> when given); their outputs are merged by <c>merge_mode</c>
/// (concat, sum, mul, ave, or None for both separately). The wrapped instance's own weights are not used.
/// </summary>
public sealed class BidirectionalDeclaration() : LayerDeclaration("Bidirectional",
    PositionalOrder.Of("layer", "merge_mode", "weights", "backward_layer"),
    ConfigKey.Req("layer"), ConfigKey.Opt("merge_mode", "concat"), ConfigKey.Opt("backward_layer", null)), IPrintedInference
{
    /// <summary>The recurrent classes a printed Bidirectional row is tried with.</summary>
    private static readonly string[] PrintedInnerClasses = ["LSTM", "GRU", "SimpleRNN"];

    /// <summary>Two copies of the inner layer: half the count each. Concatenation doubles the output's last axis; the other
    /// merge modes keep it (sum stands for all three: they give the same shapes and weights).</summary>
    public RowInference Infer(PrintedLayer row)
    {
        if (row.OutputLast is not long o || o == 0) return RowInference.CannotSolve("output's last axis");
        if (row.Params % 2 != 0) return RowInference.Inconsistent($"{PrintedFit.N(row.Params)} is odd, but a Bidirectional layer holds two equal copies");
        var candidates = new List<Candidate>();
        foreach (var (units, merge, words) in new[] { (o / 2, "concat", "merge_mode='concat'"), (o, "sum", "merge_mode sum/mul/ave") })
        {
            if (units == 0 || (merge == "concat" && o % 2 != 0)) continue;
            foreach (var inner in PrintedInnerClasses)
            {
                if (LayerCatalog.Find(inner) is not RecurrentLayerDeclaration recurrent) continue;
                foreach (var (config, input, equation, formula, conclusion) in RecurrentInference.Candidates(recurrent.Cell.BiasLayouts(), row, units, row.Params / 2))
                    candidates.Add(new Candidate(new JsonObject { ["layer"] = new JsonObject { ["class_name"] = inner, ["config"] = config }, ["merge_mode"] = merge },
                        [input], $"2·[{equation}]", $"2·[{formula}]", $"Bidirectional({inner}), {words}: {conclusion}"));
            }
        }
        return RowInference.Of(PrintedFit.Keep(this, row, candidates), () => $"no Bidirectional LSTM/GRU/SimpleRNN gives {PrintedFit.N(row.Params)} with output size {o}");
    }

    private static readonly string[] MergeModes = ["concat", "sum", "mul", "ave"];

    private sealed record Direction(LayerDeclaration Declaration, LayerCall Call, string Name);

    private static (Direction Forward, Direction Backward) Directions(LayerCall call)
    {
        var c = call.Config;
        var (declaration, config) = Inner.Resolve(c.Raw("layer"), c.Version, "the wrapped layer");
        var baseName = Inner.NameOf(declaration, config);
        var forward = new Direction(declaration, new LayerCall(config, call.Inputs), "forward_" + Strip(baseName, "forward_"));
        Direction backward;
        if (c.Has("backward_layer"))
        {
            var (bd, bc) = Inner.Resolve(c.Raw("backward_layer"), c.Version, "backward_layer");
            backward = new Direction(bd, new LayerCall(bc, call.Inputs), "backward_" + Strip(Inner.NameOf(bd, bc), "backward_"));
        }
        else
        {
            // A copy rebuilt from the wrapped layer's config, reading the sequence the other way.
            var copy = (JsonObject)config.Values.DeepClone();
            copy["go_backwards"] = !(config.Raw("go_backwards") is JsonValue g && g.TryGetValue<bool>(out var b) && b);
            backward = new Direction(declaration, new LayerCall(declaration.Configure(copy, c.Version), call.Inputs), "backward_" + Strip(baseName, "backward_"));
        }
        return (forward, backward);
    }

    private static string Strip(string name, string prefix) => name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;

    private static bool ReturnsState(LayerConfig config) => config.Raw("return_state") is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var (forward, backward) = Directions(call);
        var mode = call.Config.OptString("merge_mode");
        if (mode is not null && !MergeModes.Contains(mode))
            throw new ModelException($"merge_mode '{mode}' is not one of concat, sum, mul, ave or None");
        foreach (var flag in new[] { "return_sequences", "return_state", "stateful" })
            if (forward.Call.Config.Raw(flag)?.ToJsonString() != backward.Call.Config.Raw(flag)?.ToJsonString())
                throw new ModelException($"the forward and backward layers must agree on '{flag}'");
        var outputs = Inner.OutputShapes(forward.Declaration, forward.Call, call, forward.Name);
        if (outputs is [{ IsUnknownRank: true }]) return outputs;
        backward.Declaration.OutputShapes(backward.Call); // validates the backward layer on the same input
        var states = ReturnsState(forward.Call.Config) ? outputs.Skip(1).ToArray() : [];
        var y = outputs[0];
        IReadOnlyList<Shape> merged;
        switch (mode)
        {
            case "concat":
                var last = y[-1] is long d ? Checked.Multiply(d, 2) : (long?)null;
                merged = [y.With(-1, last)];
                call.Note($"merge_mode 'concat': forward and backward outputs side by side, last axis {Shape.DimText(y[-1])} · 2 = {Shape.DimText(last)}");
                break;
            case null:
                merged = [y, y];
                call.Note("merge_mode None: the forward and backward outputs are returned separately");
                break;
            default:
                merged = [y];
                call.Note($"merge_mode '{mode}': forward and backward outputs combined element-wise, shape unchanged");
                break;
        }
        if (states.Length > 0) call.Note($"return_state: the forward states, then the backward states ({states.Length} each)");
        return [.. merged, .. states, .. states];
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var (forward, backward) = Directions(call);
        if ((Inner.UnknownClass(forward.Declaration, $"the wrapped '{forward.Name}'") ?? Inner.UnknownClass(backward.Declaration, $"the wrapped '{backward.Name}'")) is { } unknown)
            return call.UnknownWeights(unknown);
        return Inner.WeightsOf(forward.Declaration, forward.Call, forward.Name, $"forward copy '{forward.Name}'")
            .Concat(Inner.WeightsOf(backward.Declaration, backward.Call, backward.Name, $"backward copy '{backward.Name}' (reads the sequence in reverse)"));
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights)
    {
        var (forward, backward) = Directions(call);
        string? Formula(Direction d) => d.Declaration.CountFormula(d.Call, d.Declaration.Weights(d.Call).ToArray());
        var (f, b) = (Formula(forward), Formula(backward));
        if (f is null || b is null) return null;
        return f == b ? $"2 · ({f})" : $"({f}) + ({b})";
    }

    public override string? Detail(LayerConfig config) =>
        config.Raw("layer")?["class_name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>Wrappers that hold another layer.</summary>
public sealed class WrapperFamily : LayerFamily
{
    public override IEnumerable<LayerDeclaration> Declarations() => [new TimeDistributedDeclaration(), new BidirectionalDeclaration()];
}
