using System.Numerics;
using ParamLens.Accounting;
using ParamLens.Graph;
using ParamLens.Shapes;
using static ParamLens.Python.Operators;

namespace ParamLens.Python.Keras;

/// <summary>Compiling and training: nothing is computed, but Keras 3 builds the optimizer at the first training step
/// and from then on prints its variables as "Optimizer params" in the summary.</summary>
public sealed partial class KerasRuntime
{
    /// <summary>Bytes of the optimizer's <c>iteration</c> counter: dtype "int" is int64 on the TensorFlow backend.</summary>
    private const double IterationBytes = 8;
    /// <summary>Bytes of the <c>learning_rate</c> variable: floatx, float32.</summary>
    private const double LearningRateBytes = 4;

    private object? Compile(PyInstance self, Args args)
    {
        // compile(optimizer="rmsprop", ...): a name makes a new optimizer with its defaults; an object is used as it is
        // (and stays built if training already built it).
        var optimizer = args.Get(0, "optimizer", "rmsprop");
        if (KeepsCompileSnapshot) State(self).CompiledTrainable = TrainableWeights(self);
        State(self).Optimizer = optimizer switch
        {
            string name => new OptimizerObject(name, Args.None),
            PyInstance { Native: OptimizerObject o } => o,
            _ => new OptimizerObject(_py.TypeName(optimizer), Args.None) { UnknownVariables = $"the optimizer {_py.Repr(optimizer)} is not known here" },
        };
        return null;
    }

    private object? Train(PyInstance self, Args args, string method)
    {
        var state = State(self);
        var model = state.Kind == KerasKind.Sequential ? SequentialModel(self) : state.Core as Model;
        if (model is not { IsBuilt: true }) state.BuiltFromUnknownData = true;
        else if (Version.IsKeras3 && state.Optimizer is { } optimizer)
        {
            optimizer.Trained = true;
            if (optimizer is { Built: null, UnknownVariables: null }) BuildOptimizer(optimizer, model);
        }
        return _py.NewUnknown($"model.{method}(...)", "training is not run here");
    }

    /// <summary>Keyword arguments every Keras 3 optimizer takes (keras/src/optimizers/base_optimizer.py; <c>decay</c> is
    /// dropped with a warning).</summary>
    private static readonly string[] BaseOptimizerArguments =
    [
        "learning_rate", "weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema", "ema_momentum",
        "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps", "name", "decay",
    ];

    /// <summary>The arguments of each modelled Keras 3 optimizer's own <c>__init__</c>.</summary>
    private static readonly Dictionary<string, string[]> OptimizerArguments = new()
    {
        ["Adam"] = ["beta_1", "beta_2", "epsilon", "amsgrad"],
        ["AdamW"] = ["beta_1", "beta_2", "epsilon", "amsgrad"],
        ["SGD"] = ["momentum", "nesterov"],
        ["RMSprop"] = ["rho", "momentum", "epsilon", "centered"],
        ["Adagrad"] = ["initial_accumulator_value", "epsilon"],
        ["Adamax"] = ["beta_1", "beta_2", "epsilon"],
        ["Adadelta"] = ["rho", "epsilon"],
    };

    /// <summary>An optimizer object. Keras 3 refuses keyword arguments it does not know ("Argument(s) not
    /// recognized"), such as Keras 2's <c>lr</c>.</summary>
    private OptimizerObject NewOptimizer(string className, Args args)
    {
        if (Version.IsKeras3 && OptimizerArguments.TryGetValue(className, out var own))
        {
            var unknown = new PyDict();
            foreach (var (key, value) in args.Keywords)
                if (!own.Contains(key) && !BaseOptimizerArguments.Contains(key)) unknown.Items[key] = value;
            if (unknown.Count > 0) throw _py.ValueError($"Argument(s) not recognized: {_py.Repr(unknown)}");
        }
        return new OptimizerObject(className, args);
    }

    /// <summary>The optimizer's variables after <c>build(model.trainable_variables)</c> (keras/src/optimizers): the
    /// <c>iteration</c> counter, the <c>learning_rate</c> variable unless a schedule or function gives the rate, and
    /// per trainable variable one slot of its shape and dtype for each slot name the class adds.</summary>
    private void BuildOptimizer(OptimizerObject optimizer, Model model)
    {
        var slots = SlotsPerVariable(optimizer);
        if (slots is null) return;
        var arguments = optimizer.Arguments;
        var rate = arguments.Get(0, "learning_rate");
        var rateVariable = rate is null or double;
        if (rate is BigInteger or bool)
        {
            optimizer.UnknownVariables = "Keras 3 refuses a learning_rate that is not a float";
            return;
        }
        var account = ModelAccount.Of(model);
        if (account.TrainableParams is not { } trainable || account.TrainableBytes is not { } trainableBytes)
        {
            optimizer.UnknownVariables = "the model's trainable weights are not all known";
            return;
        }
        var count = Checked.Add(Checked.Add(1, rateVariable ? 1 : 0), Checked.Multiply(trainable, slots.Value));
        var bytes = IterationBytes + (rateVariable ? LearningRateBytes : 0) + trainableBytes * slots.Value;
        optimizer.Built = new OptimizerState(count, bytes);
    }

    /// <summary>Slots per trainable variable of the Keras 3 optimizers modelled here (their <c>build</c> methods), or
    /// null with the reason kept when the class or an option is not modelled.</summary>
    private int? SlotsPerVariable(OptimizerObject optimizer)
    {
        var a = optimizer.Arguments;
        if (_py.Truthy(a.Kw("use_ema") ?? false) || a.Kw("gradient_accumulation_steps") is not null)
        {
            optimizer.UnknownVariables = "use_ema and gradient_accumulation_steps add optimizer variables not modelled here";
            return null;
        }
        bool Flag(int index, string name) => _py.Truthy(a.Get(index, name, false));
        double Number(int index, string name) => a.Get(index, name) is { } v ? _py.ToFloat(v) : 0.0;
        int? slots = optimizer.ClassName.ToLowerInvariant() switch
        {
            "adam" => 2 + (Flag(4, "amsgrad") ? 1 : 0),
            "adamw" => 2 + (Flag(5, "amsgrad") ? 1 : 0),
            "sgd" => Number(1, "momentum") != 0 ? 1 : 0,
            "rmsprop" => 1 + (Number(2, "momentum") > 0 ? 1 : 0) + (Flag(4, "centered") ? 1 : 0),
            "adagrad" => 1,
            "adamax" or "adadelta" => 2,
            _ => null,
        };
        if (slots is null) optimizer.UnknownVariables = $"the variables of the {optimizer.ClassName} optimizer are not modelled here";
        return slots;
    }

    /// <summary>Standalone Keras 2.0.9–2.3 prints the trainable count of the weights that were trainable at
    /// <c>compile()</c> (<c>_collected_trainable_weights</c>, keras/utils/layer_utils.py) beside the live
    /// non-trainable count (layer catalog G13).</summary>
    private bool KeepsCompileSnapshot => Version.IsStandalone && (Version.Minor > 0 || Version.Patch >= 9);

    /// <summary>The weights trainable now, by identity; null when the model is not built (compile then snapshots
    /// nothing ParamLens can compare).</summary>
    private HashSet<Weight>? TrainableWeights(PyInstance self)
    {
        var state = State(self);
        var model = state.Kind == KerasKind.Sequential ? SequentialModel(self) : state.Core as Model;
        return model is { IsBuilt: true }
            ? new HashSet<Weight>(ModelAccount.Of(model).Weights.Where(w => w.Trainable).Select(w => w.Weight), ReferenceEqualityComparer.Instance)
            : null;
    }

    /// <summary>A global Keras setting the layers made afterwards would follow and ParamLens does not apply (a
    /// non-default float type, channels_first, a float16 dtype policy), with its line.</summary>
    private string? _settingNotModelled;

    /// <summary>Settings ParamLens applies are their defaults; any other value leaves every later summary unprinted.</summary>
    private static readonly Dictionary<string, string[]> ModelledSettings = new()
    {
        ["set_floatx"] = ["float32"],
        ["set_image_data_format"] = ["channels_last"],
        ["set_dtype_policy"] = ["float32", "mixed_float16", "mixed_bfloat16"], // mixed policies keep float32 variables (G14)
        ["set_global_policy"] = ["float32", "mixed_float16", "mixed_bfloat16"],
    };

    /// <summary>A call of a Keras setting function (modelled, or unknown such as <c>keras.config.set_floatx</c>).</summary>
    private void SettingChanged(string function, Args args)
    {
        // Resetting Keras' automatic names in a way not modelled here changes every name printed afterwards.
        if (function is "clear_session" or "reset_uids" or "reset_default_graph")
        {
            _settingNotModelled ??= $"{function}() at line {_py.CurrentPosition.Line} may restart Keras' automatic names, which is not modelled here";
            return;
        }
        if (!ModelledSettings.TryGetValue(function, out var defaults)) return;
        var value = args.Positional.FirstOrDefault() ?? args.Keywords.FirstOrDefault().Value;
        if (value is string s && defaults.Contains(s)) return;
        _settingNotModelled ??= $"{function}({_py.Repr(value)}) at line {_py.CurrentPosition.Line} changes a Keras default that ParamLens does not apply";
    }

    /// <summary>Why a summary of this model cannot be printed exactly now, or null.</summary>
    private string? UnprintableReason(PyInstance self)
    {
        var state = State(self);
        if (KeepsCompileSnapshot && state.Kind != KerasKind.Layer && state.Optimizer is not null
            && (state.CompiledTrainable is not { } snapshot || TrainableWeights(self) is not { } now || !snapshot.SetEquals(now)))
            return $"Keras {Version.Text} prints the trainable weights of compile() time, and they changed since (or were not known then); that mix is not modelled here";
        return UnprintableReason(state);
    }

    private string? UnprintableReason(KerasObject state) =>
        _settingNotModelled is { } setting ? setting
        : state.ChangedBySkippedFailure is { } line
            ? $"{line} failed while building or changing a model and was skipped; it may have changed model '{state.Name}' halfway"
            : state.BuiltFromUnknownData
            ? $"model '{state.Name}' was built by training on data whose shape is not known here"
            : Version.IsKeras3 && state.Optimizer is { Trained: true, Built: null, UnknownVariables: var why }
                ? $"Keras 3 prints the variables of the optimizer training built, and {why ?? "they are not known here"}"
            : null;
}
