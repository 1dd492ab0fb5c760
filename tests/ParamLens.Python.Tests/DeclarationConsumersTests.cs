using System.Text.Json.Nodes;
using ParamLens.Building;
using ParamLens.Graph;
using ParamLens.Layers;
using ParamLens.Printed;
using ParamLens.Shapes;

namespace ParamLens.Python.Tests;

/// <summary>
/// Every declared class reaches every consumer from its one declaration: the config reader fills its defaults, the Python
/// binding takes its positional arguments in the declared order, and the printed-summary reader resolves its name and
/// checks or solves its rows through it.
/// </summary>
public class DeclarationConsumersTests
{
    public static TheoryData<string> DeclaredClasses() => [.. LayerCatalog.All.Select(d => d.ClassName).Order(StringComparer.Ordinal)];

    private static readonly KerasVersion[] Versions = [KerasVersion.Keras3, KerasVersion.Keras2, KerasVersion.Parse("2.2.4")];

    [Theory]
    [MemberData(nameof(DeclaredClasses))]
    public void Configured_from_json_every_key_gets_its_default_or_is_required(string className)
    {
        var declaration = LayerCatalog.Find(className)!;
        var required = declaration.Keys.Where(k => k.Required).Select(k => k.Name).ToArray();
        foreach (var version in Versions)
        {
            if (required.Length > 0)
            {
                var missing = Assert.Throws<ModelException>(() => declaration.Configure(new JsonObject(), version));
                Assert.Contains($"'{required[0]}'", missing.Message);
            }
            // Given only the required keys (any value), the config holds every declared key.
            var given = new JsonObject();
            foreach (var key in required) given[key] = null;
            var config = declaration.Configure(given, version);
            Assert.All(declaration.Keys, k => Assert.True(config.Values.ContainsKey(k.Name), $"{className} ({version.Text}) lacks '{k.Name}'"));
        }
    }

    [Theory]
    [MemberData(nameof(DeclaredClasses))]
    public void The_python_binding_takes_positional_arguments_in_the_declared_order(string className)
    {
        var declaration = LayerCatalog.Find(className)!;
        foreach (var version in Versions)
        {
            var order = declaration.Positional.In(version);
            Assert.Equal(order.Count, order.Distinct().Count());
            // One argument too many: the binding says how many it takes and which keys they fill.
            var arguments = string.Join(", ", Enumerable.Repeat("None", order.Count + 1));
            var error = Py.Error($"from keras import layers\nlayers.{className}({arguments})\n", version: version);
            Assert.Contains($"{className}() takes at most {order.Count} positional arguments ({string.Join(", ", order)})", error.Message);
        }
    }

    [Theory]
    [MemberData(nameof(DeclaredClasses))]
    public void The_printed_reader_resolves_the_class_and_reads_its_rows_through_the_declaration(string className)
    {
        var declaration = LayerCatalog.Find(className)!;
        var known = ClassNameResolver.KnownClasses();
        var (resolved, candidates) = ClassNameResolver.Resolve(className, false, "layer", known);
        Assert.Equal(className, resolved);
        Assert.Equal([className], candidates);
        // A cut class cell is settled by the automatic layer name.
        var cut = ClassNameResolver.Resolve(className[..^1], true, KerasNaming.SnakeCase(className) + "_1", known);
        Assert.Equal(className, cut.ClassName);

        var row = new PrintedRow { Name = "layer", ClassText = className, ClassName = className, ShapeText = "multiple", Params = 5 };
        var inference = InferenceRules.Infer(new RowContext(row, null, Keras3: true));
        if (declaration.IsWeightless)
            Assert.Equal($"{className} has no weights, but the row shows 5 parameters", inference!.Problem);
        else if (declaration is IPrintedInference)
            Assert.NotNull(inference); // without shapes it cannot solve, but it is asked
        else
            Assert.Null(inference); // taken as printed
    }
}
