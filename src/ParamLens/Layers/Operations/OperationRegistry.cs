namespace ParamLens.Layers;

/// <summary>How a recorded call of an operation passes its operands, which is how a saved file's call is read back.</summary>
public enum OpArguments
{
    /// <summary>One tensor (and no other tensor): <c>tf.math.square(x)</c>, <c>keras.ops.relu(x)</c>.</summary>
    OneTensor,

    /// <summary>Two operands, tensors or constants: tf.keras keeps the second under its keyword
    /// (<see cref="OperationEntry.SecondOperand"/>); Keras 3 passes both positionally.</summary>
    TwoOperands,

    /// <summary>One tensor reduced over <c>axis</c>, with <c>keepdims</c>.</summary>
    Reduction,

    /// <summary>The shape rule's own arguments (expand_dims' axis, reshape's shape, a slice key, a list of tensors…).</summary>
    RuleArguments,
}

/// <summary>A Python operator on a tensor (its dunder name without underscores, <c>add</c> for <c>__add__</c>) and the
/// TensorFlow function tf.keras records for it; null where tf.keras' record is not known here.</summary>
public sealed record PythonOperator(string Dunder, string? TfSymbol);

/// <summary>What one Python spelling of an operation records in each flavour: the Keras 3 operation class and the
/// TensorFlow function tf.keras' <c>TFOpLambda</c> names; null where that spelling records nothing known here.</summary>
public sealed record TensorOperation(string? Keras3Class, string? TfSymbol, OpRule Rule);

/// <summary>
/// One tensor operation as both Keras flavours know it. <see cref="Name"/> identifies it here. <see cref="Keras3Class"/>
/// is the <c>keras.ops</c> operation class (null: Keras 3 has none). <see cref="TfSymbols"/> are the TensorFlow functions
/// a tf.keras <c>TFOpLambda</c> names in its <c>function</c> (<c>get_canonical_name_for_symbol</c>): the first is the
/// one a function call records, the rest are other names files hold for the same operation. The Python names say how
/// code calls it: <c>keras.ops</c>, <c>tf</c>, tf.keras' <c>keras.backend</c>, <c>keras.activations</c> and a Python
/// operator.
/// </summary>
public sealed record OperationEntry(string Name, string? Keras3Class, string[] TfSymbols, OpRule Rule, OpArguments Arguments)
{
    /// <summary>Function names in <c>keras.ops</c>.</summary>
    public string[] KerasOps { get; init; } = [];

    /// <summary>Function names in TensorFlow's modules (<c>tf</c>, <c>tf.math</c>, <c>tf.nn</c>).</summary>
    public string[] Tf { get; init; } = [];

    /// <summary>Function names in tf.keras' <c>keras.backend</c> (Keras 3's backend module has none).</summary>
    public string[] Backend { get; init; } = [];

    /// <summary>Names in <c>keras.activations</c> that run this operation on a tensor.</summary>
    public string[] Activations { get; init; } = [];

    /// <summary>The Keras 3 class an activation records when it is not <see cref="Keras3Class"/>
    /// (<c>keras.activations.relu</c> has an operation of its own, <c>ReLU</c>).</summary>
    public string? ActivationKeras3Class { get; init; }

    /// <summary>The Python operator that records this operation, if any.</summary>
    public PythonOperator? Operator { get; init; }

    /// <summary>The keyword tf.keras keeps the second operand under (<see cref="OpArguments.TwoOperands"/>).</summary>
    public string SecondOperand { get; init; } = "y";

    /// <summary>What a call through <c>keras.ops</c> (Keras 3) or a TensorFlow module (tf.keras) records.</summary>
    public TensorOperation AsFunction(bool tensorflow) => new(tensorflow ? null : Keras3Class, tensorflow ? TfSymbols.FirstOrDefault() : null, Rule);

    /// <summary>What a call through tf.keras' <c>keras.backend</c> records.</summary>
    public TensorOperation AsBackendFunction() => new(null, TfSymbols.FirstOrDefault(), Rule);

    /// <summary>What the Python operator records in each flavour.</summary>
    public TensorOperation AsOperator() => new(Keras3Class, Operator?.TfSymbol, Rule);

    /// <summary>What <c>keras.activations</c> records in each flavour.</summary>
    public TensorOperation AsActivation() => new(ActivationKeras3Class ?? Keras3Class, TfSymbols.FirstOrDefault(), Rule);
}

/// <summary>
/// Every tensor operation the Python runtime records and the file readers read back, each declared once. Sources:
/// Keras 3 <c>keras/src/ops/{numpy,nn,math,core}.py</c> (classes and <c>keras_export</c> names),
/// <c>keras/src/backend/common/keras_tensor.py</c> (the operators), <c>keras/src/activations/activations.py</c>;
/// tf-keras <c>tf_keras/layers/core/tf_op_layer.py</c> (<c>TFOpLambda</c> names its function by
/// <c>get_canonical_name_for_symbol</c>: the first name of its <c>tf_export</c>), <c>tf_keras/activations.py</c> and
/// <c>tf_keras/backend.py</c>; TensorFlow <c>math_ops.py</c>/<c>array_ops.py</c> (which function an operator dispatches).
/// A name that could not be confirmed there is left out, so that spelling is refused rather than guessed.
/// </summary>
public static class OperationRegistry
{
    private static OperationEntry Two(string name, string? keras3Class, string tfSymbol) =>
        new(name, keras3Class, [tfSymbol], OpRule.Broadcast, OpArguments.TwoOperands);

    private static OperationEntry One(string name, string? keras3Class, string tfSymbol) =>
        new(name, keras3Class, [tfSymbol], OpRule.Broadcast, OpArguments.OneTensor);

    private static OperationEntry Reduce(string name, string keras3Class, string tfSymbol) =>
        new(name, keras3Class, [tfSymbol], OpRule.Reduce, OpArguments.Reduction);

    private static OperationEntry Structural(string name, string keras3Class, OpRule rule, params string[] tfSymbols) =>
        new(name, keras3Class, tfSymbols, rule, OpArguments.RuleArguments);

    /// <summary>The registry.</summary>
    public static readonly IReadOnlyList<OperationEntry> All =
    [
        // tf.Tensor.__add__ dispatches math_ops._add_dispatch, exported as __operators__.add; tf.add is math.add.
        Two("add", "Add", "math.add") with { KerasOps = ["add"], Tf = ["add"], Operator = new("add", "__operators__.add") },
        Two("subtract", "Subtract", "math.subtract") with { KerasOps = ["subtract"], Tf = ["subtract"], Operator = new("sub", "math.subtract") },
        Two("multiply", "Multiply", "math.multiply") with { KerasOps = ["multiply"], Tf = ["multiply"], Operator = new("mul", "math.multiply") },
        Two("divide", "Divide", "math.divide") with { KerasOps = ["divide"], Tf = ["divide"] },
        Two("true_divide", "TrueDivide", "math.truediv") with { KerasOps = ["true_divide"], Tf = ["truediv"], Operator = new("truediv", "math.truediv") },
        Two("floor_divide", "FloorDivide", "math.floordiv") with { KerasOps = ["floor_divide"], Tf = ["floordiv"], Operator = new("floordiv", "math.floordiv") },
        Two("mod", "Mod", "math.floormod") with { KerasOps = ["mod"], Tf = ["floormod", "mod"], Operator = new("mod", "math.floormod") },
        Two("power", "Power", "math.pow") with { KerasOps = ["power"], Tf = ["pow"], Operator = new("pow", "math.pow") },
        Two("maximum", "Maximum", "math.maximum") with { KerasOps = ["maximum"], Tf = ["maximum"] },
        Two("minimum", "Minimum", "math.minimum") with { KerasOps = ["minimum"], Tf = ["minimum"] },
        Two("squared_difference", null, "math.squared_difference") with { Tf = ["squared_difference"] },
        Two("less", "Less", "math.less") with { KerasOps = ["less"], Tf = ["less"], Operator = new("lt", "math.less") },
        Two("less_equal", "LessEqual", "math.less_equal") with { KerasOps = ["less_equal"], Tf = ["less_equal"], Operator = new("le", "math.less_equal") },
        Two("greater", "Greater", "math.greater") with { KerasOps = ["greater"], Tf = ["greater"], Operator = new("gt", "math.greater") },
        Two("greater_equal", "GreaterEqual", "math.greater_equal") with { KerasOps = ["greater_equal"], Tf = ["greater_equal"], Operator = new("ge", "math.greater_equal") },
        // Keras 3's KerasTensor defines no __eq__, so == is Python identity there: only the functions record Equal.
        Two("equal", "Equal", "math.equal") with { KerasOps = ["equal"], Tf = ["equal"] },
        // tf.Tensor.__ne__ is tensor_not_equals, whose export and dispatch changed across TensorFlow releases: not recorded for tf.keras.
        Two("not_equal", "NotEqual", "math.not_equal") with { KerasOps = ["not_equal"], Tf = ["not_equal"], Operator = new("ne", null) },
        // tf-keras backend.bias_add calls tf.nn.bias_add(x, bias, data_format="NHWC") for a 1-D bias.
        Two("bias_add", null, "nn.bias_add") with { Backend = ["bias_add"], SecondOperand = "bias" },
        new OperationEntry("matmul", "Matmul", ["linalg.matmul"], OpRule.Matmul, OpArguments.TwoOperands)
            { KerasOps = ["matmul"], Tf = ["matmul"], Operator = new("matmul", "linalg.matmul"), SecondOperand = "b" },

        One("square", "Square", "math.square") with { KerasOps = ["square"], Tf = ["square"], Backend = ["square"] },
        One("sqrt", "Sqrt", "math.sqrt") with { KerasOps = ["sqrt"], Tf = ["sqrt"] },
        One("rsqrt", "Rsqrt", "math.rsqrt") with { KerasOps = ["rsqrt"], Tf = ["rsqrt"] },
        One("exp", "Exp", "math.exp") with { KerasOps = ["exp"], Tf = ["exp"], Backend = ["exp"], Activations = ["exponential"] },
        One("log", "Log", "math.log") with { KerasOps = ["log"], Tf = ["log"], Backend = ["log"] },
        One("absolute", "Absolute", "math.abs") with { KerasOps = ["absolute", "abs"], Tf = ["abs"], Backend = ["abs"], Operator = new("abs", "math.abs") },
        One("negative", "Negative", "math.negative") with { KerasOps = ["negative"], Tf = ["negative"], Operator = new("neg", "math.negative") },
        One("sign", "Sign", "math.sign") with { KerasOps = ["sign"], Tf = ["sign"] },
        One("round", "Round", "math.round") with { KerasOps = ["round"], Tf = ["round"] },
        One("floor", "Floor", "math.floor") with { KerasOps = ["floor"], Tf = ["floor"] },
        One("ceil", "Ceil", "math.ceil") with { KerasOps = ["ceil"], Tf = ["ceil"] },
        One("sin", "Sin", "math.sin") with { KerasOps = ["sin"], Tf = ["sin"] },
        One("cos", "Cos", "math.cos") with { KerasOps = ["cos"], Tf = ["cos"] },
        One("erf", "Erf", "math.erf") with { KerasOps = ["erf"], Tf = ["erf"] },
        One("cast", "Cast", "cast") with { KerasOps = ["cast"], Tf = ["cast"] },
        One("l2_normalize", null, "math.l2_normalize") with { Tf = ["l2_normalize"] },
        One("sigmoid", "Sigmoid", "math.sigmoid") with { KerasOps = ["sigmoid"], Tf = ["sigmoid"], Backend = ["sigmoid"], Activations = ["sigmoid"] },
        One("tanh", "Tanh", "math.tanh") with { KerasOps = ["tanh"], Tf = ["tanh"], Backend = ["tanh"], Activations = ["tanh"] },
        One("relu", "Relu", "nn.relu") with { KerasOps = ["relu"], Tf = ["relu"], Backend = ["relu"], Activations = ["relu"], ActivationKeras3Class = "ReLU" },
        One("relu6", "Relu6", "nn.relu6") with { KerasOps = ["relu6"], Tf = ["relu6"], Activations = ["relu6"] },
        One("leaky_relu", "LeakyRelu", "nn.leaky_relu") with { KerasOps = ["leaky_relu"], Tf = ["leaky_relu"], Activations = ["leaky_relu"] },
        One("elu", "Elu", "nn.elu") with { KerasOps = ["elu"], Tf = ["elu"], Activations = ["elu"] },
        One("selu", "Selu", "nn.selu") with { KerasOps = ["selu"], Tf = ["selu"], Activations = ["selu"] },
        One("gelu", "Gelu", "nn.gelu") with { KerasOps = ["gelu"], Tf = ["gelu"], Activations = ["gelu"] },
        // keras.ops.swish and tf.nn.swish are the silu functions under another name; tf-keras' swish activation calls tf.nn.silu.
        One("silu", "Silu", "nn.silu") with { KerasOps = ["silu", "swish"], Tf = ["silu", "swish"], Activations = ["silu", "swish"] },
        One("softplus", "Softplus", "math.softplus") with { KerasOps = ["softplus"], Tf = ["softplus"], Activations = ["softplus"] },
        One("softsign", "Softsign", "math.softsign") with { KerasOps = ["softsign"], Tf = ["softsign"], Activations = ["softsign"] },
        One("softmax", "Softmax", "nn.softmax") with { KerasOps = ["softmax"], Tf = ["softmax"], Backend = ["softmax"], Activations = ["softmax"] },
        One("log_softmax", "LogSoftmax", "nn.log_softmax") with { KerasOps = ["log_softmax"], Tf = ["log_softmax"], Activations = ["log_softmax"] },
        // tf-keras computes hard_sigmoid with several TensorFlow calls and has no hard_silu: no single op layer records either.
        new OperationEntry("hard_sigmoid", "HardSigmoid", [], OpRule.Broadcast, OpArguments.OneTensor) { KerasOps = ["hard_sigmoid"], Activations = ["hard_sigmoid"] },
        new OperationEntry("hard_silu", "HardSilu", [], OpRule.Broadcast, OpArguments.OneTensor)
            { KerasOps = ["hard_silu", "hard_swish"], Activations = ["hard_silu", "hard_swish"] },

        Reduce("mean", "Mean", "math.reduce_mean") with { KerasOps = ["mean"], Tf = ["reduce_mean"], Backend = ["mean"] },
        Reduce("sum", "Sum", "math.reduce_sum") with { KerasOps = ["sum"], Tf = ["reduce_sum"], Backend = ["sum"] },
        Reduce("max", "Max", "math.reduce_max") with { KerasOps = ["max"], Tf = ["reduce_max"], Backend = ["max"] },
        Reduce("min", "Min", "math.reduce_min") with { KerasOps = ["min"], Tf = ["reduce_min"], Backend = ["min"] },
        Reduce("prod", "Prod", "math.reduce_prod") with { KerasOps = ["prod"], Tf = ["reduce_prod"], Backend = ["prod"] },
        Reduce("std", "Std", "math.reduce_std") with { KerasOps = ["std"], Tf = ["reduce_std"], Backend = ["std"] },
        Reduce("var", "Var", "math.reduce_variance") with { KerasOps = ["var"], Tf = ["reduce_variance"], Backend = ["var"] },
        Reduce("logsumexp", "Logsumexp", "math.reduce_logsumexp") with { KerasOps = ["logsumexp"], Tf = ["reduce_logsumexp"] },

        Structural("expand_dims", "ExpandDims", OpRule.ExpandDims, "expand_dims") with { KerasOps = ["expand_dims"], Tf = ["expand_dims"], Backend = ["expand_dims"] },
        // tf.squeeze and tf.transpose dispatch through their TF1 functions in some TensorFlow releases and their own in others.
        Structural("squeeze", "Squeeze", OpRule.Squeeze, "compat.v1.squeeze", "squeeze") with { KerasOps = ["squeeze"], Tf = ["squeeze"], Backend = ["squeeze"] },
        Structural("transpose", "Transpose", OpRule.Transpose, "compat.v1.transpose", "transpose")
            with { KerasOps = ["transpose"], Tf = ["transpose"], Backend = ["permute_dimensions"] },
        Structural("reshape", "Reshape", OpRule.Reshape, "reshape") with { KerasOps = ["reshape"], Tf = ["reshape"], Backend = ["reshape"] },
        Structural("concatenate", "Concatenate", OpRule.Concat, "concat") with { KerasOps = ["concatenate"], Tf = ["concat"], Backend = ["concatenate"] },
        Structural("stack", "Stack", OpRule.Stack, "stack") with { KerasOps = ["stack"], Tf = ["stack"], Backend = ["stack"] },
        Structural("split", "Split", OpRule.Split, "split") with { KerasOps = ["split"], Tf = ["split"] },
        Structural("get_item", "GetItem", OpRule.GetItem) with { Operator = new("getitem", "__operators__.getitem") },
    ];

    /// <summary>Entries by <see cref="OperationEntry.Name"/>.</summary>
    public static readonly IReadOnlyDictionary<string, OperationEntry> ByName = All.ToDictionary(e => e.Name);

    /// <summary>Entries by every TensorFlow function a <c>TFOpLambda</c> may name for them.</summary>
    public static readonly IReadOnlyDictionary<string, OperationEntry> ByTfSymbol = All
        .SelectMany(e => e.TfSymbols.Append(e.Operator?.TfSymbol).OfType<string>().Distinct().Select(s => (Symbol: s, Entry: e)))
        .ToDictionary(p => p.Symbol, p => p.Entry);

    /// <summary>Entries by every Keras 3 operation class recorded for them.</summary>
    public static readonly IReadOnlyDictionary<string, OperationEntry> ByKeras3Class = All
        .SelectMany(e => new[] { e.Keras3Class, e.ActivationKeras3Class }.OfType<string>().Select(c => (Class: c, Entry: e)))
        .ToDictionary(p => p.Class, p => p.Entry);
}
