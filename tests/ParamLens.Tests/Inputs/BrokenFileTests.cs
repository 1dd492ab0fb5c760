using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using ParamLens.Inputs;
using PureHDF;

namespace ParamLens.Tests.Inputs;

/// <summary>
/// Hand-made broken and hostile files, written into a temporary folder: each must fail with a <see cref="ModelException"/>
/// that names the file and what is wrong, quickly and without exhausting memory or the stack.
/// </summary>
public sealed class BrokenFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("paramlens-broken-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static ModelException Fails(string path, ReaderLimits? limits = null, string? weights = null)
    {
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<ModelException>(() => ModelSource.Open(path, new ModelSource.Options { Limits = limits ?? ReaderLimits.Default, WeightsPath = weights }));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.Contains(Path.GetFileName(weights ?? path), e.Message);
        return e;
    }

    private const string DenseEntry = """{"class_name": "Dense", "config": {"name": "dense", "units": 3}, "name": "dense", "inbound_nodes": [[["input_1", 0, 0, {}]]]}""";
    private const string InputEntry = """{"class_name": "InputLayer", "config": {"name": "input_1", "batch_input_shape": [null, 4]}, "name": "input_1", "inbound_nodes": []}""";

    /// <summary>A Keras 2 functional model: Input(4) → Dense(3) = 4·3 + 3 = 15 parameters.</summary>
    private static string DenseModelJson =>
        $$"""{"class_name": "Functional", "config": {"name": "model", "layers": [{{InputEntry}}, {{DenseEntry}}], "input_layers": [["input_1", 0, 0]], "output_layers": [["dense", 0, 0]]}, "keras_version": "2.15.0"}""";

    // --- absurd sizes ---

    [Fact]
    public void A_file_larger_than_the_limit_is_refused_before_reading()
    {
        var path = Write("big.json", DenseModelJson);
        var e = Fails(path, ReaderLimits.Default with { MaxFileBytes = 100 });
        Assert.Contains("more than the 100", e.Message);
    }

    [Fact]
    public void A_json_config_larger_than_the_json_limit_is_refused()
    {
        var path = Write("big-config.json", DenseModelJson + new string(' ', 5000));
        Assert.Contains("too large for a JSON config", Fails(path, ReaderLimits.Default with { MaxJsonBytes = 1000 }).Message);
    }

    // --- zip bombs ---

    private string Zip(string name, params (string Name, byte[] Content, CompressionLevel Level)[] members)
    {
        var path = Path.Combine(_dir, name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (member, content, level) in members)
        {
            using var stream = zip.CreateEntry(member, level).Open();
            stream.Write(content);
        }
        return path;
    }

    [Fact]
    public void A_member_that_expands_too_much_is_a_zip_bomb()
    {
        // 8 MiB of zeros deflate to a few KiB: a ratio in the thousands.
        var path = Zip("bomb.keras", ("config.json", new byte[8 * 1024 * 1024], CompressionLevel.Optimal));
        Assert.Contains("zip bomb", Fails(path).Message);
    }

    [Fact]
    public void A_member_declaring_more_than_the_limit_is_refused()
    {
        var path = Zip("declared.keras", ("config.json", Encoding.UTF8.GetBytes(DenseModelJson), CompressionLevel.NoCompression));
        Assert.Contains("declares", Fails(path, ReaderLimits.Default with { MaxArchiveMemberBytes = 50 }).Message);
    }

    [Fact]
    public void A_member_that_yields_more_than_it_declares_is_refused()
    {
        var content = Encoding.UTF8.GetBytes(DenseModelJson);
        var path = Zip("lying.keras", ("config.json", content, CompressionLevel.Optimal));
        // Lower the uncompressed size written in the local header (offset 22) and the central directory (offset 24).
        var bytes = File.ReadAllBytes(path);
        PatchSize(bytes, [0x50, 0x4B, 0x03, 0x04], 22, 10);
        PatchSize(bytes, [0x50, 0x4B, 0x01, 0x02], 24, 10);
        File.WriteAllBytes(path, bytes);
        // Reading stops at the declared 10 bytes (the runtime's inflater and the reader's own count both stop there), so
        // what remains is a cut-off config.
        Assert.Contains("config.json", Fails(path).Message);
    }

    private static void PatchSize(byte[] bytes, byte[] signature, int offset, uint value)
    {
        var at = bytes.AsSpan().IndexOf(signature);
        BitConverter.TryWriteBytes(bytes.AsSpan(at + offset, 4), value);
    }

    [Fact]
    public void An_archive_with_too_many_members_is_refused()
    {
        var members = Enumerable.Range(0, 20).Select(i => ($"assets/{i}.txt", new byte[] { 1 }, CompressionLevel.NoCompression)).ToArray();
        var path = Zip("many.keras", members);
        Assert.Contains("20 members", Fails(path, ReaderLimits.Default with { MaxArchiveEntries = 10 }).Message);
    }

    [Fact]
    public void A_truncated_zip_is_refused()
    {
        var path = Zip("cut.keras", ("config.json", Encoding.UTF8.GetBytes(DenseModelJson), CompressionLevel.Optimal));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Contains("corrupt", Fails(path).Message);
    }

    // --- truncated or corrupt HDF5 ---

    private string LegacyH5(string name, long[] biasShape)
    {
        var path = Path.Combine(_dir, name);
        var file = new H5File
        {
            Attributes = { ["model_config"] = DenseModelJson, ["keras_version"] = "2.15.0" },
            ["model_weights"] = new H5Group
            {
                Attributes = { ["layer_names"] = new[] { "input_1", "dense" } },
                ["input_1"] = new H5Group { Attributes = { ["weight_names"] = Array.Empty<string>() } },
                ["dense"] = new H5Group
                {
                    Attributes = { ["weight_names"] = new[] { "dense/kernel:0", "dense/bias:0" } },
                    ["dense"] = new H5Group
                    {
                        ["kernel:0"] = new float[4, 3],
                        ["bias:0"] = new float[biasShape.Aggregate(1L, (a, b) => a * b)],
                    },
                },
            },
        };
        file.Write(path);
        return path;
    }

    [Fact]
    public void A_hand_made_legacy_h5_loads_and_verifies()
    {
        var opened = ModelSource.Open(LegacyH5("ok.h5", [3]));
        var verification = WeightVerification.Of(opened.Model, opened.Stored!);
        Assert.True(verification.Agrees, string.Join("\n", verification.Mismatches));
        Assert.Equal(4 * 3 + 3, opened.Stored!.TotalCount);
    }

    [Fact]
    public void A_stored_shape_that_disagrees_is_reported_with_layer_and_weight()
    {
        var opened = ModelSource.Open(LegacyH5("wrong.h5", [5]));
        var mismatch = Assert.Single(WeightVerification.Of(opened.Model, opened.Stored!).Mismatches);
        Assert.Equal("dense", mismatch.Layer);
        Assert.Equal("bias", mismatch.Weight);
        Assert.Contains("(5,)", mismatch.Problem);
    }

    [Fact]
    public void A_truncated_h5_is_refused()
    {
        var path = LegacyH5("truncated.h5", [3]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..Math.Min(600, bytes.Length / 3)]);
        Fails(path);
    }

    [Fact]
    public void A_corrupt_h5_is_refused()
    {
        var path = LegacyH5("corrupt.h5", [3]);
        var bytes = File.ReadAllBytes(path);
        var random = new Random(7);
        for (var i = 64; i < bytes.Length; i += 3) bytes[i] = (byte)random.Next(256);
        File.WriteAllBytes(path, bytes);
        Fails(path);
    }

    [Fact]
    public void Hdf5_groups_nested_deeper_than_the_limit_are_refused()
    {
        // A weights file whose groups nest 80 deep, walked for Keras 3 vars: the walk stops at the depth limit.
        var path = Path.Combine(_dir, "deep.weights.h5");
        var group = new H5Group { ["0"] = new float[1] };
        for (var i = 0; i < 80; i++) group = new H5Group { ["g"] = group };
        new H5File { ["layers"] = group }.Write(path);
        var e = Fails(Write("config.json", DenseModelJson), weights: path);
        Assert.Contains("deeper than 64", e.Message);
    }

    [Fact]
    public void Hdf5_files_with_more_objects_than_the_limit_are_refused()
    {
        var path = LegacyH5("many.h5", [3]);
        Assert.Contains("more than 3 objects", Fails(path, ReaderLimits.Default with { MaxHdf5Objects = 3 }).Message);
    }

    [Fact]
    public void An_hdf5_attribute_larger_than_the_limit_is_refused()
    {
        var path = LegacyH5("attr.h5", [3]);
        Assert.Contains("larger than the 100 bytes", Fails(path, ReaderLimits.Default with { MaxHdf5AttributeBytes = 100 }).Message);
    }

    // --- what a file is, and what to pass instead ---

    [Fact]
    public void A_weights_only_h5_says_to_pass_the_config_with_weights()
    {
        var path = Path.Combine(_dir, "weights.h5");
        new H5File { Attributes = { ["layer_names"] = new[] { "dense" } }, ["dense"] = new H5Group { Attributes = { ["weight_names"] = Array.Empty<string>() } } }.Write(path);
        Assert.Contains("--weights", Fails(path).Message);
    }

    [Fact]
    public void A_keras3_weights_file_says_what_it_is()
    {
        var path = Path.Combine(_dir, "model.weights.h5");
        new H5File { ["layers"] = new H5Group { ["dense"] = new H5Group { ["vars"] = new H5Group { ["0"] = new float[4, 3] } } } }.Write(path);
        Assert.Contains("Keras 3 weights file", Fails(path).Message);
    }

    [Fact]
    public void A_saved_model_directory_says_what_to_pass_instead()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "saved")).FullName;
        File.WriteAllBytes(Path.Combine(dir, "saved_model.pb"), [8, 1]);
        Assert.Contains("SavedModel", Fails(dir).Message);
    }

    [Fact]
    public void Unknown_bytes_are_not_a_model()
    {
        var path = Path.Combine(_dir, "model.h5"); // the name says HDF5; the content decides
        File.WriteAllBytes(path, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        Assert.Contains("not a recognised model format", Fails(path).Message);
    }

    // --- inbound nodes ---

    private static string Functional(string layers, string outputs = """[["b", 0, 0]]""") =>
        $$"""{"class_name": "Functional", "config": {"name": "m", "layers": [{{InputEntry}}, {{layers}}], "input_layers": [["input_1", 0, 0]], "output_layers": {{outputs}}}, "keras_version": "2.15.0"}""";

    private static string Act(string name, string from, int node = 0) =>
        $$"""{"class_name": "Activation", "config": {"name": "{{name}}", "activation": "relu"}, "name": "{{name}}", "inbound_nodes": [[["{{from}}", {{node}}, 0, {}]]]}""";

    [Fact]
    public void Cyclic_inbound_nodes_are_refused() =>
        Assert.Contains("cycle", Fails(Write("cycle.json", Functional(Act("a", "b") + ", " + Act("b", "a")))).Message);

    [Fact]
    public void An_inbound_node_from_a_missing_layer_is_refused() =>
        Assert.Contains("'ghost', which is not a layer", Fails(Write("dangling.json", Functional(Act("b", "ghost")))).Message);

    [Fact]
    public void An_inbound_node_index_that_never_exists_is_refused() =>
        Assert.Contains("never appear", Fails(Write("dangling-node.json", Functional(Act("a", "input_1") + ", " + Act("b", "a", node: 7)))).Message);

    [Fact]
    public void A_negative_node_index_is_refused() =>
        Assert.Contains("non-negative", Fails(Write("negative-node.json", Functional(Act("b", "input_1", node: -1)))).Message);

    [Fact]
    public void A_long_chain_listed_backwards_resolves_in_linear_time()
    {
        // 3,000 layers, each listed before the layer it consumes: resolving by repeated passes would take millions of steps.
        const int n = 3000;
        var layers = Enumerable.Range(0, n).Reverse().Select(i => Act($"a{i}", i == 0 ? "input_1" : $"a{i - 1}"));
        var path = Write("chain.json", Functional(string.Join(", ", layers), $"""[["a{n - 1}", 0, 0]]"""));
        var watch = Stopwatch.StartNew();
        var model = ModelSource.Open(path).Model;
        Assert.Equal(n + 1, model.Layers.Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    // --- deep JSON, bad dims ---

    [Fact]
    public void Deeply_nested_json_is_refused_by_depth()
    {
        var path = Write("deep.json", """{"class_name": "Sequential", "config": """ + new string('[', 100_000) + new string(']', 100_000) + "}");
        Assert.Contains("depth", Fails(path).Message);
    }

    [Fact]
    public void A_negative_input_dimension_is_refused()
    {
        var json = DenseModelJson.Replace("[null, 4]", "[null, -4]");
        Assert.Contains("negative", Fails(Write("negative.json", json)).Message);
    }

    [Fact]
    public void An_overflowing_parameter_count_is_refused()
    {
        // A kernel of 2^40 · 2^40 values does not fit in 64 bits.
        var json = DenseModelJson.Replace("[null, 4]", "[null, 1099511627776]").Replace("\"units\": 3", "\"units\": 1099511627776");
        Assert.Contains("64 bits", Fails(Write("overflow.json", json)).Message);
    }

    [Fact]
    public void A_tfjs_manifest_with_a_negative_or_overflowing_shape_is_refused()
    {
        string Tfjs(string shape) => $$"""{"format": "layers-model", "modelTopology": {"keras_version": "2.15.0", "model_config": {{DenseModelJson}}}, "weightsManifest": [{"paths": ["w.bin"], "weights": [{"name": "dense/kernel", "shape": {{shape}}, "dtype": "float32"}]}]}""";
        Assert.Contains("negative", Fails(Write("neg-model.json", Tfjs("[-4, 3]"))).Message);
        Assert.Contains("64 bits", Fails(Write("big-model.json", Tfjs("[4294967296, 4294967296]"))).Message);
    }
}
