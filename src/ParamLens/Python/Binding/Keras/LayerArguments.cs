using ParamLens.Layers;
using ParamLens.Graph;

namespace ParamLens.Python.Keras;

/// <summary>What the Python binding needs of a layer class, read from its declaration: the config key each positional
/// argument fills (<see cref="LayerDeclaration.Positional"/>) and the names <c>keras.layers</c> exports.</summary>
public static class LayerArguments
{
    /// <summary>The config keys the positional arguments of <paramref name="className"/> fill, in order, for the Keras
    /// version emulated; none for a class the catalog does not declare.</summary>
    public static IReadOnlyList<string> For(string className, KerasVersion version) =>
        LayerCatalog.Find(className)?.Positional.In(version) ?? [];

    /// <summary>The class a Python name stands for: Keras' aliases (<c>Convolution2D</c>, <c>MaxPool2D</c>) name a declared class.</summary>
    public static string CanonicalClass(string pythonName) => LayerCatalog.Find(pythonName)?.ClassName ?? pythonName;

    /// <summary>Every class name code may find in <c>keras.layers</c>.</summary>
    public static IEnumerable<string> PythonNames => LayerCatalog.All.Select(d => d.ClassName).Concat(LayerCatalog.AliasNames);
}
