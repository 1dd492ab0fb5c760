using System.Numerics;
using System.Text.Json.Nodes;
using ParamLens.Python;

namespace ParamLens.Inputs;

/// <summary>
/// A model's config as Python prints it: <c>print(model.get_config())</c> or a notebook cell ending in
/// <c>model.get_config()</c> shows a dict literal (<c>{'name': 'sequential', 'layers': [...], ...}</c>, with
/// <c>True</c>, <c>None</c> and tuples). It is the <c>config</c> of the model's JSON without the class around it: a
/// Functional model's has <c>input_layers</c>, a Sequential's does not. Only literals are read; nothing is run.
/// </summary>
internal sealed class ConfigDictReader : IModelReader
{
    public const string Format = "Keras config printed by Python (model.get_config())";

    public string Name => Format;

    /// <summary>Text that opens a dict with a quoted key in Python's quotes (JSON has none).</summary>
    public bool Recognises(ModelInput input) =>
        input.Text?.TrimStart() is { Length: > 1 } text && text[0] == '{' && text[1..].TrimStart() is { Length: > 0 } rest && rest[0] == '\'';

    public ModelDocument Read(ModelInput input, ModelSource.Options options)
    {
        var module = Parser.ParseModule(input.Text!, input.Name);
        if (module.Body is not [ExprStmt { Value: DictExpr dict }])
            throw new ModelException("the text opens a Python dict but holds more than one dict literal; paste only what model.get_config() printed");
        var config = Dict(dict);
        if (config["layers"] is not JsonArray)
            throw new ModelException("the dict has no 'layers' list: not what model.get_config() prints for a Sequential or Functional model");
        var model = new JsonObject
        {
            ["class_name"] = config.ContainsKey("input_layers") ? "Functional" : "Sequential",
            ["config"] = config,
        };
        return ModelDocument.OfFile(KerasJsonReader.Read(model, options.VersionOverride, limits: options.Limits), null, Format);
    }

    /// <summary>A Python literal as JSON: dicts with string keys, lists and tuples, strings, numbers, booleans, None.</summary>
    private static JsonNode? Literal(Expr expr) => expr switch
    {
        Constant { Value: null } => null,
        Constant { Value: bool b } => JsonValue.Create(b),
        Constant { Value: string s } => JsonValue.Create(s),
        Constant { Value: BigInteger n } when n >= long.MinValue && n <= long.MaxValue => JsonValue.Create((long)n),
        Constant { Value: double d } when double.IsFinite(d) => JsonValue.Create(d),
        UnaryExpr { Op: "-", Operand: Constant { Value: BigInteger n } } when -n >= long.MinValue && -n <= long.MaxValue => JsonValue.Create((long)-n),
        UnaryExpr { Op: "-", Operand: Constant { Value: double d } } when double.IsFinite(d) => JsonValue.Create(-d),
        ListExpr list => new JsonArray([.. list.Items.Select(Literal)]),
        TupleExpr tuple => new JsonArray([.. tuple.Items.Select(Literal)]),
        DictExpr dict => Dict(dict),
        _ => throw new ModelException($"line {expr.Line}: only literals are read from a printed config (dicts, lists, tuples, strings, numbers, True, False, None)"),
    };

    private static JsonObject Dict(DictExpr dict)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in dict.Items)
        {
            if (key is not Constant { Value: string name })
                throw new ModelException($"line {value.Line}: a config's keys are strings");
            obj[name] = Literal(value);
        }
        return obj;
    }
}
