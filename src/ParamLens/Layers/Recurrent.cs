using System.Text.Json.Nodes;
using ParamLens.Shapes;
using static ParamLens.Layers.SpatialArithmetic;

namespace ParamLens.Layers;

/// <summary>What an RNN layer needs from its cell: the states it carries, its per-step output size, and the weights it
/// builds for a given per-step input size.</summary>
public interface IRecurrentCell
{
    IReadOnlyList<long> StateSizes(LayerConfig cell);
    long OutputSize(LayerConfig cell);
    IEnumerable<WeightSpec> CellWeights(LayerConfig cell, long inputSize);
    /// <summary>The cell's count as a formula, e.g. <c>4 · 64 · (32 + 64 + 1)</c>.</summary>
    string CellFormula(LayerConfig cell, long inputSize);
}

/// <summary>
/// A Keras recurrent cell with <c>g</c> gate blocks (SimpleRNN 1, GRU 3, LSTM 4): kernel <c>(D, g·u)</c>, recurrent
/// kernel <c>(u, g·u)</c>, bias <c>(g·u,)</c>. Also usable on its own as a one-step layer on <c>(batch, D)</c>.
/// </summary>
public abstract class GatedCellDeclaration(string className, int gates, string gateWords, PositionalOrder positional, params ConfigKey[] keys)
    : LayerDeclaration(className, positional, [ConfigKey.Req("units"), ConfigKey.Opt("use_bias", true), ConfigKey.Opt("dropout", 0.0),
        ConfigKey.Opt("recurrent_dropout", 0.0), .. keys]), IRecurrentCell
{
    public int Gates { get; } = gates;

    public abstract IReadOnlyList<long> StateSizes(LayerConfig cell);

    /// <summary>The bias layouts a printed row of a layer running this cell can have: with a bias or without.</summary>
    public virtual IReadOnlyList<BiasLayout> BiasLayouts() =>
        [new(Gates, Gates, new() { ["use_bias"] = true }, "with a bias"), new(Gates, 0, new() { ["use_bias"] = false }, "no bias")];
    public long OutputSize(LayerConfig cell) => Units(cell);

    protected static long Units(LayerConfig cell)
    {
        var units = cell.Long("units");
        if (units < 0) throw new ModelException($"units must be positive, got {units}");
        return units;
    }

    /// <summary>The cells of keras/src/layers/rnn (simple_rnn.py, lstm.py, gru.py), and tf.keras' from 2.11, refuse
    /// units ≤ 0; tf.keras 2.6–2.10 refused only negative units.</summary>
    public static void ValidateUnits(LayerConfig config)
    {
        if (config.Version.IsAtLeast(2, 11)) ConstructorChecks.Positive(config, "units");
    }

    protected override void Validate(LayerConfig config) => ValidateUnits(config);

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var input = Recurrence.Main(call);
        RequireRank(input, 2, ClassName + " called on its own (one time step)");
        var units = Units(call.Config);
        call.Note($"one time step: the last axis ({Shape.DimText(input[-1])}) becomes units = {units}");
        return [Shape.Of(input[0], units)];
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call) =>
        CellWeights(call.Config, Recurrence.Main(call)[-1] ?? throw new ModelException($"the feature dimension of {Recurrence.Main(call)} must be known to build the weights"));

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights) =>
        Recurrence.Main(call)[-1] is long d ? CellFormula(call.Config, d) : null;

    public IEnumerable<WeightSpec> CellWeights(LayerConfig cell, long inputSize)
    {
        var units = Units(cell);
        var width = Checked.Multiply(Gates, units);
        var blocks = Gates == 1 ? "" : $" ({Gates} blocks of {units}: {gateWords})";
        yield return new("kernel", Shape.Of(inputSize, width), true, $"maps the {inputSize} input features to the {width} gate units{blocks}");
        yield return new("recurrent_kernel", Shape.Of(units, width), true, $"maps the previous {units}-unit state to the {width} gate units");
        if (cell.Bool("use_bias")) yield return Bias(cell, units, width);
    }

    protected virtual WeightSpec Bias(LayerConfig cell, long units, long width) =>
        new("bias", Shape.Of(width), true, Gates == 1 ? "one offset per unit" : $"one offset per gate unit ({Gates} · {units})");

    public virtual string CellFormula(LayerConfig cell, long inputSize)
    {
        var u = Units(cell);
        var gates = Gates == 1 ? "" : $"{Gates} · ";
        return cell.Bool("use_bias") ? $"{gates}{u} · ({inputSize} + {u} + 1)" : $"{gates}{u} · ({inputSize} + {u})";
    }

    public override string? Detail(LayerConfig config) => $"{config.Long("units")} units";
}

/// <summary>Keras <c>SimpleRNNCell</c>: <c>h = activation(x·W + h·U + b)</c>; one state.</summary>
public sealed class SimpleRNNCellDeclaration() : GatedCellDeclaration("SimpleRNNCell", 1, "",
    PositionalOrder.Of("units", "activation", "use_bias"), ConfigKey.Opt("activation", "tanh"))
{
    public override IReadOnlyList<long> StateSizes(LayerConfig cell) => [Units(cell)];
}

/// <summary>Keras <c>LSTMCell</c>: input, forget, cell and output gates; two states (h and c).</summary>
public sealed class LSTMCellDeclaration() : GatedCellDeclaration("LSTMCell", 4, "input, forget, cell, output",
    PositionalOrder.Of("units", "activation", "recurrent_activation", "use_bias"),
    ConfigKey.Opt("activation", "tanh"), ConfigKey.Opt("recurrent_activation", "sigmoid"), ConfigKey.Opt("unit_forget_bias", true))
{
    public override IReadOnlyList<long> StateSizes(LayerConfig cell) => [Units(cell), Units(cell)];
}

/// <summary>
/// Keras <c>GRUCell</c>: update, reset and candidate gates; one state. With <c>reset_after</c> the recurrent part has its
/// own bias, so the bias is <c>(2, 3u)</c> instead of <c>(3u,)</c>. The default is True in tf.keras from 2.3-tf (TF 2)
/// and in Keras 3, False in standalone Keras ≤ 2.3, TF 1 tf.keras and TF.js.
/// </summary>
public sealed class GRUCellDeclaration() : GatedCellDeclaration("GRUCell", 3, "update, reset, candidate",
    PositionalOrder.Of("units", "activation", "recurrent_activation", "use_bias"),
    ConfigKey.Opt("activation", "tanh"), ConfigKey.Opt("recurrent_activation", "sigmoid"),
    ConfigKey.ByVersion("reset_after", v => ResetAfterByDefault(v)))
{
    public static bool ResetAfterByDefault(KerasVersion v) =>
        v.IsKeras3 || (v.Major == 2 && v.Minor >= 3 && !v.IsStandalone);

    public override IReadOnlyList<BiasLayout> BiasLayouts() =>
    [
        new(3, 6, new() { ["use_bias"] = true, ["reset_after"] = true }, "reset_after=True (bias (2, 3u): Keras 3 and tf.keras 2 default)"),
        new(3, 3, new() { ["use_bias"] = true, ["reset_after"] = false }, "reset_after=False (bias (3u,): Keras ≤2.3 and TF.js default)"),
        new(3, 0, new() { ["use_bias"] = false }, "no bias"),
    ];

    public override IReadOnlyList<long> StateSizes(LayerConfig cell) => [Units(cell)];

    protected override WeightSpec Bias(LayerConfig cell, long units, long width) => cell.Bool("reset_after")
        ? new("bias", Shape.Of(2, width), true, $"reset_after = True: one row of {width} offsets for the input part and one for the recurrent part")
        : new("bias", Shape.Of(width), true, $"reset_after = False: one offset per gate unit (3 · {units})");

    public override string CellFormula(LayerConfig cell, long inputSize)
    {
        var u = Units(cell);
        if (!cell.Bool("use_bias")) return $"3 · {u} · ({inputSize} + {u})";
        return cell.Bool("reset_after") ? $"3 · {u} · ({inputSize} + {u}) + 2 · 3 · {u}" : $"3 · {u} · ({inputSize} + {u} + 1)";
    }
}

/// <summary>Keras <c>StackedRNNCells</c>: cells run one after another in each time step; each is built on the previous
/// cell's output size.</summary>
public sealed class StackedRNNCellsDeclaration() : LayerDeclaration("StackedRNNCells", PositionalOrder.Of("cells"), ConfigKey.Req("cells")), IRecurrentCell
{
    /// <summary>The stacked cells: their declarations, configs and weight-name prefixes.</summary>
    public static IReadOnlyList<(IRecurrentCell Cell, LayerConfig Config, string Name)> Cells(LayerConfig stack)
    {
        var list = stack.Raw("cells") as JsonArray ?? throw new ModelException("StackedRNNCells needs a list of cells in 'cells'");
        if (list.Count == 0) throw new ModelException("StackedRNNCells needs at least one cell");
        return list.Select((entry, i) => Recurrence.ResolveCell(entry, stack.Version, $"cell {i}")).ToArray();
    }

    /// <summary>Each cell's states, in cell order; standalone Keras up to 2.2 (and TF.js, its port) listed them last cell
    /// first, which tf.keras keeps behind <c>reverse_state_order</c>.</summary>
    public IReadOnlyList<long> StateSizes(LayerConfig cell)
    {
        var cells = Cells(cell);
        var reversed = (cell.Version.IsStandalone && cell.Version.Minor <= 2) || (cell.Has("reverse_state_order") && cell.Bool("reverse_state_order"));
        return (reversed ? cells.Reverse() : cells).SelectMany(c => c.Cell.StateSizes(c.Config)).ToArray();
    }
    public long OutputSize(LayerConfig cell)
    {
        var last = Cells(cell)[^1];
        return last.Cell.OutputSize(last.Config);
    }

    public IEnumerable<WeightSpec> CellWeights(LayerConfig cell, long inputSize)
    {
        var size = inputSize;
        foreach (var (inner, config, name) in Cells(cell))
        {
            foreach (var w in inner.CellWeights(config, size)) yield return Inner.Under(name, w, $"cell '{name}'");
            size = inner.OutputSize(config);
        }
    }

    public string CellFormula(LayerConfig cell, long inputSize)
    {
        var size = inputSize;
        var parts = new List<string>();
        foreach (var (inner, config, _) in Cells(cell))
        {
            parts.Add(inner.CellFormula(config, size));
            size = inner.OutputSize(config);
        }
        return string.Join(" + ", parts);
    }

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        RequireRank(Recurrence.Main(call), 2, "StackedRNNCells called on its own (one time step)");
        return [Shape.Of(Recurrence.Main(call)[0], OutputSize(call.Config))];
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call) =>
        CellWeights(call.Config, Recurrence.Main(call)[-1] ?? throw new ModelException($"the feature dimension of {Recurrence.Main(call)} must be known"));
}

/// <summary>Notes made by rules that run more than once per call (output shapes, then weights).</summary>
internal static class LayerCallNotes
{
    public static void NoteOnce(this LayerCall call, string text)
    {
        if (!call.Notes.Contains(text)) call.Note(text);
    }
}

/// <summary>The output and state shapes every recurrent layer shares (Keras <c>RNN.compute_output_shape</c>).</summary>
internal static class Recurrence
{
    public static readonly ConfigKey[] Flags =
    [
        ConfigKey.Opt("return_sequences", false), ConfigKey.Opt("return_state", false), ConfigKey.Opt("go_backwards", false),
        ConfigKey.Opt("stateful", false), ConfigKey.Opt("unroll", false),
    ];

    private static readonly HashSet<string> BaseKeyNames = ["name", "trainable", "dtype"];

    /// <summary>A cell declaration's own keys, so a layer such as LSTM takes its defaults from LSTMCell.</summary>
    public static ConfigKey[] CellKeys(LayerDeclaration cell) => cell.Keys.Where(k => !BaseKeyNames.Contains(k.Name)).ToArray();

    /// <summary>The sequence (or, for a cell, the step input); further inputs are initial states or constants, which
    /// change neither the output shape nor the weights.</summary>
    public static Shape Main(LayerCall call)
    {
        if (call.Inputs.Count == 0) throw new ModelException("expects an input, got none");
        if (call.Inputs.Count > 1)
            call.NoteOnce($"inputs after the first are initial states ({call.Inputs.Count - 1}): they set where the recurrence starts, not its shape");
        return call.Inputs[0];
    }

    public static bool TimeMajor(LayerConfig c) => c.Has("time_major") && c.Bool("time_major");

    /// <summary>The batch, time and per-step dims of a sequence input (K2 <c>time_major</c> swaps batch and time).</summary>
    public static (long? Batch, long? Time, Shape Step) Split(LayerCall call, int stepRank, string className)
    {
        var input = Main(call);
        RequireRank(input, stepRank + 2, className);
        var timeMajor = TimeMajor(call.Config);
        var batch = timeMajor ? input[1] : input[0];
        var time = timeMajor ? input[0] : input[1];
        var step = new Shape(input.Skip(2));
        return (batch, time, step);
    }

    /// <summary>Output, then one tensor per state when <c>return_state</c>.</summary>
    public static IReadOnlyList<Shape> Outputs(LayerCall call, long? batch, long? time, Shape stepOutput, IReadOnlyList<Shape> states)
    {
        var c = call.Config;
        Shape output;
        if (c.Bool("return_sequences"))
        {
            output = new Shape(TimeMajor(c) ? [time, batch, .. stepOutput] : [batch, time, .. stepOutput]);
            call.Note($"return_sequences = True: one output per time step, {output}");
        }
        else
        {
            output = new Shape([batch, .. stepOutput]);
            call.Note($"return_sequences = False: only the last step's output, {output}");
        }
        if (!c.Bool("return_state")) return [output];
        var stateShapes = states.Select(s => new Shape([batch, .. s])).ToArray();
        call.Note($"return_state = True: {stateShapes.Length} final state(s) follow the output: {string.Join(", ", stateShapes.AsEnumerable())}");
        return [output, .. stateShapes];
    }

    /// <summary>The class name of a cell whose class is not known here (a custom cell), alone or among stacked cells
    /// (a list, or a <c>StackedRNNCells</c> entry); else null.</summary>
    public static string? UnknownCell(JsonNode? entry) => entry switch
    {
        JsonArray list => list.Select(UnknownCell).FirstOrDefault(c => c is not null),
        JsonObject o when o["class_name"] is JsonValue v && v.TryGetValue<string>(out var className) =>
            className == "StackedRNNCells" ? UnknownCell((o["config"] as JsonObject)?["cells"])
            : LayerCatalog.Find(className) is null ? className : null,
        _ => null,
    };

    /// <summary>A cell entry <c>{class_name, config}</c> (a list means stacked cells), configured by its declaration.</summary>
    public static (IRecurrentCell Cell, LayerConfig Config, string Name) ResolveCell(JsonNode? entry, KerasVersion version, string where)
    {
        if (entry is JsonArray list)
        {
            var stack = LayerCatalog.Get("StackedRNNCells");
            return ((IRecurrentCell)stack, stack.Configure(new JsonObject { ["cells"] = list.DeepClone() }, version), "stacked_rnn_cells");
        }
        var (declaration, config) = Inner.Resolve(entry, version, where);
        if (declaration is not IRecurrentCell cell)
            throw new ModelException($"{where}: {declaration.ClassName} is not a recurrent cell");
        return (cell, config, Inner.NameOf(declaration, config));
    }
}

/// <summary>One bias layout of a recurrent class: <paramref name="Gates"/> gate blocks, <paramref name="BiasPerUnit"/> biases
/// per unit, and the config keys that give it.</summary>
public sealed record BiasLayout(int Gates, int BiasPerUnit, JsonObject Config, string What);

/// <summary>Printed rows of the recurrent layers: units from the output's last axis; the count <c>g·(u·D + u²) + b·u</c>
/// gives the input features D when the table hides them, for each bias layout.</summary>
public static class RecurrentInference
{
    public static RowInference Solve(LayerDeclaration declaration, IReadOnlyList<BiasLayout> layouts, PrintedLayer row)
    {
        if (row.OutputLast is not long u || u == 0) return RowInference.CannotSolve("units (the output's last axis)");
        var candidates = Candidates(layouts, row, u, row.Params).Select(c => new Candidate(c.Config, [c.Input], c.Equation, c.Formula, c.Conclusion));
        return RowInference.Of(PrintedFit.Keep(declaration, row, candidates), () => row.InputLast is long d
            ? $"no {declaration.ClassName} of {u} units on {PrintedFit.N(d)} input features has {PrintedFit.N(row.Params)} parameters"
            : $"no whole number of input features gives {PrintedFit.N(row.Params)} for {u} units");
    }

    /// <summary>The config (units, bias layout, sequences and states as printed), the input it is called on, and the words,
    /// for each layout whose count leaves a whole number of input features.</summary>
    public static IEnumerable<(JsonObject Config, Shape Input, string Equation, string Formula, string Conclusion)> Candidates(
        IReadOnlyList<BiasLayout> layouts, PrintedLayer row, long units, long count)
    {
        var u = units;
        var inputFeatures = row.InputLast;
        foreach (var layout in layouts)
        {
            var g = layout.Gates;
            var rest = count - layout.BiasPerUnit * u - Checked.Multiply(Checked.Multiply(g, u), u);
            if (rest <= 0 || rest % (g * u) != 0) continue;
            var d = rest / (g * u);
            if (inputFeatures is long known && known != d) continue;
            var config = (JsonObject)layout.Config.DeepClone();
            config["units"] = u;
            config["return_sequences"] = row.Output is { Rank: 3 };
            config["return_state"] = row.Outputs is { Count: > 1 };
            var input = row.Input is { Rank: 3 } printed ? printed.With(-1, d) : Shape.Of(null, null, d);
            var dText = inputFeatures is null ? "D" : PrintedFit.N(d);
            var gate = g == 1 ? "" : $"{g}·";
            var bias = layout.BiasPerUnit == 0 ? "" : $" + {layout.BiasPerUnit}·{u}";
            yield return (config, input, $"{gate}({u}·{dText} + {u}²){bias}", $"{gate}({u}·{PrintedFit.N(d)} + {u}²){bias}",
                $"units = {u}" + (inputFeatures is null ? $" on D = {PrintedFit.N(d)} input features" : "") + $", {layout.What}");
        }
    }
}

/// <summary>Keras <c>SimpleRNN</c>, <c>LSTM</c>, <c>GRU</c>: a cell run over the time axis. The weights belong to the cell
/// (Keras path <c>lstm/lstm_cell/kernel</c>); the layer takes the cell's config keys and defaults.</summary>
public sealed class RecurrentLayerDeclaration(string className, GatedCellDeclaration cell)
    : LayerDeclaration(className, cell.Positional, [.. Recurrence.Flags, ConfigKey.Opt("time_major", false), .. Recurrence.CellKeys(cell)]),
    IPrintedInference
{
    public GatedCellDeclaration Cell { get; } = cell;

    /// <summary>The layer builds its cell in its constructor, so it refuses what the cell refuses.</summary>
    protected override void Validate(LayerConfig config) => GatedCellDeclaration.ValidateUnits(config);

    public RowInference Infer(PrintedLayer row) => RecurrentInference.Solve(this, Cell.BiasLayouts(), row);

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var (batch, time, step) = Recurrence.Split(call, 1, ClassName);
        var units = Cell.OutputSize(call.Config);
        call.Note($"each step's {Shape.DimText(step[0])} features become units = {units}");
        return Recurrence.Outputs(call, batch, time, Shape.Of(units), Cell.StateSizes(call.Config).Select(s => Shape.Of(s)).ToArray());
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var (_, _, step) = Recurrence.Split(call, 1, ClassName);
        var features = step[0] ?? throw new ModelException($"the feature dimension of the input {Recurrence.Main(call)} must be known to build the weights");
        return Cell.CellWeights(call.Config, features);
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights) =>
        Recurrence.Main(call)[-1] is long d ? Cell.CellFormula(call.Config, d) : null;

    public override string? Detail(LayerConfig config) => Cell.Detail(config);
}

/// <summary>Keras <c>RNN</c>: runs any cell (or a list of cells, stacked) over the time axis.</summary>
public sealed class RNNDeclaration() : LayerDeclaration("RNN",
    PositionalOrder.Of("cell", "return_sequences", "return_state", "go_backwards", "stateful", "unroll"),
    [ConfigKey.Req("cell"), .. Recurrence.Flags, ConfigKey.Opt("time_major", false)])
{
    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var (batch, time, _) = Recurrence.Split(call, 1, ClassName);
        if (Recurrence.UnknownCell(call.Config.Raw("cell")) is { } custom)
            return call.UnknownOutput($"the output shape of an RNN over '{custom}' cannot be derived: the cell is a class not known here, so its output and state sizes are unknown");
        var (cell, config, name) = Recurrence.ResolveCell(call.Config.Raw("cell"), call.Config.Version, "cell");
        var output = cell.OutputSize(config);
        call.Note($"the cell '{name}' outputs {output} values per step");
        return Recurrence.Outputs(call, batch, time, Shape.Of(output), cell.StateSizes(config).Select(s => Shape.Of(s)).ToArray());
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        if (Recurrence.UnknownCell(call.Config.Raw("cell")) is { } custom)
            return call.UnknownWeights($"the cell is '{custom}', a class not known here, so the weights built for it cannot be derived");
        var (cell, config, name) = Recurrence.ResolveCell(call.Config.Raw("cell"), call.Config.Version, "cell");
        var features = Recurrence.Main(call)[-1] ?? throw new ModelException($"the feature dimension of the input {Recurrence.Main(call)} must be known to build the weights");
        // A stack's weights are already named by each of its cells.
        return cell is StackedRNNCellsDeclaration ? cell.CellWeights(config, features)
            : cell.CellWeights(config, features).Select(w => Inner.Under(name, w, $"cell '{name}'"));
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights)
    {
        var (cell, config, _) = Recurrence.ResolveCell(call.Config.Raw("cell"), call.Config.Version, "cell");
        return Recurrence.Main(call)[-1] is long d ? cell.CellFormula(config, d) : null;
    }

    public override string? Detail(LayerConfig config) => config.Raw("cell") switch
    {
        JsonArray list => $"{list.Count} stacked cells",
        var entry => entry?["class_name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null,
    };
}

/// <summary>
/// Keras <c>ConvLSTM1D/2D/3D</c>: an LSTM whose gates are convolutions. Input <c>(B, T, *spatial, C)</c> (channels last)
/// or <c>(B, T, C, *spatial)</c>; the input convolution follows padding/strides/dilation, the recurrent one is always
/// 'same' with stride 1, so each state has the output's spatial size.
/// </summary>
public sealed class ConvLSTMDeclaration(int rank) : LayerDeclaration($"ConvLSTM{rank}D",
    PositionalOrder.Of("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation", "recurrent_activation"),
    [ConfigKey.Req("filters"), ConfigKey.Req("kernel_size"), ConfigKey.Opt("strides", 1), ConfigKey.Opt("padding", "valid"),
     ConfigKey.Opt("data_format", null), ConfigKey.Opt("dilation_rate", 1), ConfigKey.Opt("activation", "tanh"),
     ConfigKey.Opt("recurrent_activation", "sigmoid"), ConfigKey.Opt("use_bias", true), ConfigKey.Opt("unit_forget_bias", true),
     ConfigKey.Opt("dropout", 0.0), ConfigKey.Opt("recurrent_dropout", 0.0), .. Recurrence.Flags])
{
    public int Rank { get; } = rank;

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var c = call.Config;
        var (batch, time, step) = Recurrence.Split(call, Rank + 1, ClassName);
        var cf = ChannelsFirst(c);
        var kernel = c.Tuple("kernel_size", Rank);
        var strides = c.Tuple("strides", Rank);
        var dilation = c.Tuple("dilation_rate", Rank);
        var padding = c.String("padding");
        var names = AxisNames(Rank);
        var filters = c.Long("filters");
        // Per-step shape without batch: spatial axes start at 0 (channels last) or 1 (channels first).
        var dims = step.ToArray();
        var first = cf ? 1 : 0;
        for (var i = 0; i < Rank; i++)
            dims[first + i] = Window(call, names[i], step[first + i], kernel[i], strides[i], dilation[i], padding);
        dims[cf ? 0 : Rank] = filters;
        call.Note($"channels: filters = {filters}");
        var stepOutput = new Shape(dims);
        return Recurrence.Outputs(call, batch, time, stepOutput, [stepOutput, stepOutput]);
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var c = call.Config;
        var (_, _, step) = Recurrence.Split(call, Rank + 1, ClassName);
        var cin = step[ChannelsFirst(c) ? 0 : Rank] ?? throw new ModelException($"the channel dimension of the input {Recurrence.Main(call)} must be known to build the weights");
        var kernel = c.Tuple("kernel_size", Rank);
        var filters = c.Long("filters");
        var width = Checked.Multiply(4, filters);
        var window = KernelText(kernel).Replace("·", "×");
        IEnumerable<long?> Window(long channels) => [.. kernel.Select(k => (long?)k), channels, width];
        yield return new("kernel", new Shape(Window(cin)), true,
            $"{width} gate filters (4 blocks of {filters}: input, forget, cell, output), each a {window} window over the {cin} input channels");
        yield return new("recurrent_kernel", new Shape(Window(filters)), true,
            $"{width} gate filters, each a {window} window over the {filters} channels of the previous state");
        if (c.Bool("use_bias")) yield return new("bias", Shape.Of(width), true, $"one offset per gate filter (4 · {filters})");
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights)
    {
        var c = call.Config;
        var cin = Recurrence.Main(call)[ChannelsFirst(c) ? 2 : -1];
        var filters = c.Long("filters");
        var kernel = KernelText(c.Tuple("kernel_size", Rank));
        return c.Bool("use_bias") ? $"4 · {filters} · ({kernel}·({cin} + {filters}) + 1)" : $"4 · {filters} · {kernel}·({cin} + {filters})";
    }
}

/// <summary>tf.keras 2 <c>CuDNNLSTM</c> and <c>CuDNNGRU</c> (Keras 2 <c>cudnn_lstm.py</c>, <c>cudnn_gru.py</c>): GPU-only layers
/// that hold their weights themselves, not in a cell. cuDNN adds an input bias and a recurrent bias to each gate, so the
/// single bias vector is <c>(2·g·u,)</c>: 8u for the LSTM's 4 gates, 6u for the GRU's 3.</summary>
public sealed class CuDNNRecurrentDeclaration(string className, int gates, PositionalOrder positional, params ConfigKey[] keys)
    : LayerDeclaration(className, positional,
    [
        ConfigKey.Req("units"), ConfigKey.Opt("kernel_initializer", "glorot_uniform"), ConfigKey.Opt("recurrent_initializer", "orthogonal"),
        ConfigKey.Opt("bias_initializer", "zeros"), .. keys, ConfigKey.Opt("return_sequences", false), ConfigKey.Opt("return_state", false),
        ConfigKey.Opt("go_backwards", false), ConfigKey.Opt("stateful", false), ConfigKey.Opt("time_major", false),
    ]), IPrintedInference
{
    public int Gates { get; } = gates;

    public RowInference Infer(PrintedLayer row) =>
        RecurrentInference.Solve(this, [new(Gates, 2 * Gates, [], $"CuDNN bias of {2 * Gates}·u")], row);

    public override IReadOnlyList<Shape> OutputShapes(LayerCall call)
    {
        var (batch, time, step) = Recurrence.Split(call, 1, ClassName);
        var units = call.Config.Long("units");
        call.Note($"each step's {Shape.DimText(step[0])} features become units = {units}");
        // The LSTM carries two states (h and c), the GRU one.
        var states = Enumerable.Repeat(Shape.Of(units), Gates == 4 ? 2 : 1).ToArray();
        return Recurrence.Outputs(call, batch, time, Shape.Of(units), states);
    }

    public override IEnumerable<WeightSpec> Weights(LayerCall call)
    {
        var (_, _, step) = Recurrence.Split(call, 1, ClassName);
        var features = step[0] ?? throw new ModelException($"the feature dimension of the input {Recurrence.Main(call)} must be known to build the weights");
        var units = call.Config.Long("units");
        var width = Checked.Multiply(Gates, units);
        yield return new("kernel", Shape.Of(features, width), true, $"input → the {Gates} gates of {units} units");
        yield return new("recurrent_kernel", Shape.Of(units, width), true, "previous state → the gates");
        yield return new("bias", Shape.Of(Checked.Multiply(2, width)), true,
            $"two offsets per gate unit, one on the input side and one on the recurrent side, as cuDNN keeps them (2 · {Gates} · {units})");
    }

    public override string? CountFormula(LayerCall call, IReadOnlyList<WeightSpec> weights)
    {
        var units = call.Config.Long("units");
        return Recurrence.Main(call)[-1] is long d ? $"{Gates} · {units} · ({d} + {units}) + 2 · {Gates} · {units}" : null;
    }
}

/// <summary>Recurrent layers and cells.</summary>
public sealed class RecurrentFamily : LayerFamily
{
    /// <summary>The CuDNN layers' constructor parameters; CuDNNLSTM adds <c>unit_forget_bias</c> between the two parts.</summary>
    private static readonly string[] CuDNNLeading = ["units", "kernel_initializer", "recurrent_initializer", "bias_initializer"];
    private static readonly string[] CuDNNTrailing =
    [
        "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
        "recurrent_constraint", "bias_constraint", "return_sequences", "return_state", "go_backwards", "stateful",
    ];

    public override IEnumerable<LayerDeclaration> Declarations()
    {
        var simple = new SimpleRNNCellDeclaration();
        var lstm = new LSTMCellDeclaration();
        var gru = new GRUCellDeclaration();
        return
        [
            simple, lstm, gru, new StackedRNNCellsDeclaration(),
            new RecurrentLayerDeclaration("SimpleRNN", simple), new RecurrentLayerDeclaration("LSTM", lstm),
            new RecurrentLayerDeclaration("GRU", gru), new RNNDeclaration(),
            new ConvLSTMDeclaration(1), new ConvLSTMDeclaration(2), new ConvLSTMDeclaration(3),
            new CuDNNRecurrentDeclaration("CuDNNLSTM", 4, PositionalOrder.Of([.. CuDNNLeading, "unit_forget_bias", .. CuDNNTrailing]),
                ConfigKey.Opt("unit_forget_bias", true)),
            new CuDNNRecurrentDeclaration("CuDNNGRU", 3, PositionalOrder.Of([.. CuDNNLeading, .. CuDNNTrailing])),
        ];
    }
}
