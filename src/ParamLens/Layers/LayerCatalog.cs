namespace ParamLens.Layers;

/// <summary>A family of Keras layer classes (one file each: core, convolution, pooling, …) that the catalog collects.</summary>
public abstract class LayerFamily
{
    public abstract IEnumerable<LayerDeclaration> Declarations();

    /// <summary>Other names Keras accepts for a class of this family (Keras 2 aliases, legacy class names).</summary>
    public virtual IEnumerable<(string Alias, string ClassName)> Aliases() => [];
}

/// <summary>Every declared Keras layer class, by class name: the one place front ends look layers up. A new family file
/// adds its family to <see cref="Families"/> (registered by hand, so a native build keeps every class).</summary>
public static class LayerCatalog
{
    /// <summary>The families, one per file of <c>Layers/</c>.</summary>
    private static readonly LayerFamily[] Families =
    [
        new ActivationsFamily(), new AttentionFamily(), new ConvolutionFamily(), new CoreFamily(), new EmbeddingFamily(),
        new LegacyFamily(), new MergingFamily(), new NormalizationFamily(), new PoolingFamily(), new PreprocessingFamily(),
        new RecurrentFamily(), new RegularizationFamily(), new ReshapingFamily(), new WrapperFamily(),
    ];

    private static readonly (Dictionary<string, LayerDeclaration> ByName, Dictionary<string, string> Aliases) Index = Build();

    private static (Dictionary<string, LayerDeclaration>, Dictionary<string, string>) Build()
    {
        var families = Families;
        var byName = new Dictionary<string, LayerDeclaration>();
        foreach (var d in families.SelectMany(f => f.Declarations()))
            if (!byName.TryAdd(d.ClassName, d)) throw new InvalidOperationException($"two declarations of {d.ClassName}");
        var aliases = families.SelectMany(f => f.Aliases()).ToDictionary(a => a.Alias, a => a.ClassName);
        return (byName, aliases);
    }

    public static IEnumerable<LayerDeclaration> All => Index.ByName.Values;

    /// <summary>Other names Keras exports for declared classes (<c>Convolution2D</c>, <c>MaxPool2D</c>, …).</summary>
    public static IEnumerable<string> AliasNames => Index.Aliases.Keys;

    public static LayerDeclaration? Find(string className) =>
        Index.ByName.TryGetValue(className, out var d) ? d
        : Index.Aliases.TryGetValue(className, out var alias) && Index.ByName.TryGetValue(alias, out d) ? d : null;

    /// <summary>The declaration of a class; a class the catalog does not know gets an <see cref="UnknownLayerDeclaration"/>
    /// (one per class name), so a custom layer never stops the reading of a model.</summary>
    public static LayerDeclaration Get(string className) =>
        Find(className) ?? Unknown.GetOrAdd(className, name => new UnknownLayerDeclaration(name));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, LayerDeclaration> Unknown = new();
}
