namespace ParamLens.Inputs;

/// <summary>
/// Bounds every reader respects, so a hostile or broken file fails with a clear error in bounded time and memory instead
/// of exhausting either. The defaults fit any real Keras model; pass a changed copy to read something larger.
/// </summary>
public sealed record ReaderLimits
{
    public static readonly ReaderLimits Default = new();

    /// <summary>Largest model file opened at all (HDF5 files are not read whole: only their metadata is).</summary>
    public long MaxFileBytes { get; init; } = 16L * 1024 * 1024 * 1024;

    /// <summary>Largest JSON document parsed (a config, a TF.js model.json, an archive's config.json).</summary>
    public long MaxJsonBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Deepest JSON nesting accepted; deeper documents are refused by the parser, before any recursion of ours.
    /// Nested models are read recursively, so this also bounds that recursion: keep it within a few thousand.</summary>
    public int MaxJsonDepth { get; init; } = 256;

    /// <summary>Most layer entries in one config, nested models included.</summary>
    public int MaxLayers { get; init; } = 100_000;

    /// <summary>Most members in a <c>.keras</c> zip archive.</summary>
    public int MaxArchiveEntries { get; init; } = 10_000;

    /// <summary>Largest uncompressed size of one archive member, declared or actual.</summary>
    public long MaxArchiveMemberBytes { get; init; } = 16L * 1024 * 1024 * 1024;

    /// <summary>Highest uncompressed/compressed ratio of an archive member larger than 1 MiB (a zip bomb's tell-tale).</summary>
    public int MaxCompressionRatio { get; init; } = 200;

    /// <summary>Most HDF5 groups, datasets and attributes visited in one file.</summary>
    public int MaxHdf5Objects { get; init; } = 1_000_000;

    /// <summary>Deepest HDF5 group nesting followed (HDF5 allows cyclic links; this bounds the walk).</summary>
    public int MaxHdf5Depth { get; init; } = 64;

    /// <summary>Largest string attribute read from an HDF5 file (such as <c>model_config</c>).</summary>
    public long MaxHdf5AttributeBytes { get; init; } = 64L * 1024 * 1024;
}
