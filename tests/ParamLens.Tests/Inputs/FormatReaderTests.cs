using System.IO.Compression;
using System.Text;
using ParamLens.Accounting;
using ParamLens.Inputs;
using PureHDF;

namespace ParamLens.Tests.Inputs;

/// <summary>
/// Hand-made files in every format, covering what real files rarely combine: nested models, shared layers, frozen
/// layers, several inputs and outputs, Keras 3 shared objects, and the stored-weight mapping of each format. Expected
/// counts are worked out by hand in each test.
/// </summary>
public sealed class FormatReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("paramlens-formats-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private const string Policy = """{"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}""";

    private static string K3Layer(string cls, string name, string extra) =>
        $$"""{"module": "keras.layers", "class_name": "{{cls}}", "config": {"name": "{{name}}", "trainable": true, "dtype": {{Policy}}{{extra}}}, "registered_name": null}""";

    /// <summary>Keras 3 Sequential: Input(4) → Dense(3) → BatchNormalization → Dense(2).</summary>
    private static string Keras3Sequential => $$"""
        {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "trainable": true, "dtype": {{Policy}}, "layers": [
          {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4], "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null},
          {{K3Layer("Dense", "dense", ", \"units\": 3")}},
          {{K3Layer("BatchNormalization", "batch_normalization", "")}},
          {{K3Layer("Dense", "dense_1", ", \"units\": 2")}}
        ]}, "registered_name": null}
        """;

    private string KerasArchive(string name, H5File weights)
    {
        var h5 = Path.Combine(_dir, name + ".h5");
        weights.Write(h5);
        var path = Path.Combine(_dir, name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        void Add(string member, byte[] content)
        {
            using var s = zip.CreateEntry(member, CompressionLevel.NoCompression).Open();
            s.Write(content);
        }
        Add("metadata.json", Encoding.UTF8.GetBytes("""{"keras_version": "3.6.0", "date_saved": "2025-01-01@00:00:00"}"""));
        Add("config.json", Encoding.UTF8.GetBytes(Keras3Sequential));
        Add("model.weights.h5", File.ReadAllBytes(h5));
        return path;
    }

    private static H5Group Vars(params Array[] values)
    {
        var vars = new H5Group();
        for (var i = 0; i < values.Length; i++) vars[i.ToString()] = values[i];
        return new H5Group { ["vars"] = vars };
    }

    private static H5File Keras3Weights(bool withLastDense) => new()
    {
        ["layers"] = new H5Group
        {
            ["dense"] = Vars(new float[4, 3], new float[3]),
            ["batch_normalization"] = Vars(new float[3], new float[3], new float[3], new float[3]),
            ["dense_1"] = withLastDense ? Vars(new float[3, 2], new float[2]) : Vars(),
        },
        // Optimizer state is stored too, but holds no parameters.
        ["optimizer"] = Vars(new long[1], new float[4, 3]),
    };

    [Fact]
    public void A_keras_archive_maps_vars_by_class_key_and_verifies()
    {
        var file = ModelSource.Open(KerasArchive("m.keras", Keras3Weights(withLastDense: true)));
        Assert.Equal(".keras archive", file.Format);
        // dense (4·3 + 3 = 15) + batch_normalization (4 · 3 = 12, 6 of them running statistics) + dense_1 (3·2 + 2 = 8).
        var account = ModelAccount.Of(file.Model);
        Assert.Equal((35L, 29L, 6L), (account.TotalParams, account.TrainableParams, account.NonTrainableParams));
        Assert.Equal(35, file.Stored!.TotalCount);
        Assert.Equal(["dense_1"], file.Stored.Weights[^1].LayerPath);
        Assert.True(WeightVerification.Of(file.Model, file.Stored).Agrees);
    }

    [Fact]
    public void A_keras_archive_missing_a_layers_weights_fails_verification_for_that_layer()
    {
        var file = ModelSource.Open(KerasArchive("missing.keras", Keras3Weights(withLastDense: false)));
        var mismatch = Assert.Single(WeightVerification.Of(file.Model, file.Stored!).Mismatches);
        Assert.Equal("dense_1", mismatch.Layer);
        Assert.Contains("the file stores 0", mismatch.Problem);
    }

    [Fact]
    public void An_unzipped_keras_archive_directory_is_read_like_the_archive()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "unzipped")).FullName;
        File.WriteAllText(Path.Combine(dir, "config.json"), Keras3Sequential);
        File.WriteAllText(Path.Combine(dir, "metadata.json"), """{"keras_version": "3.6.0"}""");
        Keras3Weights(withLastDense: true).Write(Path.Combine(dir, "model.weights.h5"));
        var file = ModelSource.Open(dir);
        Assert.Equal(35, file.Stored!.TotalCount); // as in the archive above
        Assert.True(WeightVerification.Of(file.Model, file.Stored).Agrees);
    }

    [Fact]
    public void A_keras3_weights_file_is_read_beside_its_config()
    {
        var config = Write("config.json", Keras3Sequential);
        var weights = Path.Combine(_dir, "model.weights.h5");
        Keras3Weights(withLastDense: true).Write(weights);
        var file = ModelSource.Open(config, new ModelSource.Options { WeightsPath = weights });
        Assert.True(WeightVerification.Of(file.Model, file.Stored!).Agrees);
    }

    /// <summary>
    /// Keras 3 functional: inputs a, b (4 each); nested model "inner" (Input(4) → shared_dense: Dense(3)); the outer model
    /// calls inner on a and shared_dense itself — the same object, written twice with one shared_object_id — on b; adds
    /// both; head = Dense(5). Two outputs: head and inner's output.
    /// </summary>
    private static string Keras3SharedNested
    {
        get
        {
            static string Kt(string layer, int node) =>
                $$"""{"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "dtype": "float32", "keras_history": ["{{layer}}", {{node}}, 0]} }""";
            var shared = K3Layer("Dense", "shared_dense", ", \"units\": 3").TrimEnd('}') + ", \"shared_object_id\": 7";
            static string Input(string name) =>
                $$"""{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4], "dtype": "float32", "name": "{{name}}"}, "registered_name": null, "name": "{{name}}", "inbound_nodes": []}""";
            var inner = $$"""
                {"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "inner", "trainable": true, "layers": [
                  {{Input("in_inner")}},
                  {{shared}}, "name": "shared_dense", "inbound_nodes": [{"args": [{{Kt("in_inner", 0)}}], "kwargs": {} }]}
                ], "input_layers": ["in_inner", 0, 0], "output_layers": ["shared_dense", 0, 0]}, "registered_name": "Functional", "name": "inner",
                "inbound_nodes": [{"args": [{{Kt("a", 0)}}], "kwargs": {"mask": null} }]}
                """;
            return $$"""
                {"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "outer", "trainable": true, "layers": [
                  {{Input("a")}}, {{Input("b")}}, {{inner}},
                  {{shared}}, "name": "shared_dense", "inbound_nodes": [{"args": [{{Kt("b", 0)}}], "kwargs": {"mask": {{Kt("a", 0)}} } }]},
                  {{K3Layer("Add", "add", "").TrimEnd('}')}}, "name": "add", "inbound_nodes": [{"args": [[{{Kt("inner", 0)}}, {{Kt("shared_dense", 0)}}]], "kwargs": {} }]},
                  {{K3Layer("Dense", "head", ", \"units\": 5").TrimEnd('}')}}, "name": "head", "inbound_nodes": [{"args": [{{Kt("add", 0)}}], "kwargs": {} }]}
                ], "input_layers": [["a", 0, 0], ["b", 0, 0]], "output_layers": [["head", 0, 0], ["inner", 1, 0]]}, "registered_name": "Functional"}
                """;
        }
    }

    [Fact]
    public void Keras3_json_shares_one_object_between_outer_and_nested_model()
    {
        var model = ModelSource.Open(Write("shared.json", Keras3SharedNested)).Model;
        var account = ModelAccount.Of(model);
        // shared_dense (4·3 + 3 = 15) is one layer reached twice; head is (3 + 1)·5 = 20.
        Assert.Equal(35, account.TotalParams);
        Assert.Equal(2, model.Inputs.Count);
        Assert.Equal(2, model.Outputs.Count);
        var inner = Assert.IsType<Graph.Model>(model.Layers.Single(l => l.Name == "inner"));
        Assert.Same(inner.Layers.Single(l => l.Name == "shared_dense"), model.Layers.Single(l => l.Name == "shared_dense"));
    }

    [Fact]
    public void A_keras3_sequential_nested_in_a_functional_has_no_node_of_its_own()
    {
        // Keras 3 numbers a nested Sequential's calls from 0 everywhere (only Functional models own a first node).
        var json = $$"""
            {"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "outer", "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4], "name": "x"}, "name": "x", "inbound_nodes": []},
              {"module": "keras", "class_name": "Sequential", "config": {"name": "seq", "layers": [
                {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4], "name": "seq_input"} },
                {{K3Layer("Dense", "dense", ", \"units\": 3")}}]}, "name": "seq",
               "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "keras_history": ["x", 0, 0]} }], "kwargs": {} }]}
            ], "input_layers": [["x", 0, 0]], "output_layers": [["seq", 0, 0]]} }
            """;
        // (4 + 1)·3 = 15.
        Assert.Equal(15, ModelAccount.Of(ModelSource.Open(Write("seq.json", json)).Model).TotalParams);
    }

    /// <summary>Keras 2 functional in TF.js: a (4) → dense_a: Dense(2), frozen; b (6) → dense_b: Dense(2);
    /// concatenate → out1: Dense(1); dense_b → out2: Dense(3).</summary>
    private static string TfjsModel(string extraWeight) => $$"""
        {"format": "layers-model", "generatedBy": "keras v2.15.0", "convertedBy": "TensorFlow.js Converter v4.22.0",
         "modelTopology": {"keras_version": "2.15.0", "backend": "tensorflow", "model_config": {"class_name": "Functional", "config": {"name": "model", "layers": [
           {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4], "dtype": "float32", "name": "a"}, "name": "a", "inbound_nodes": []},
           {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 6], "dtype": "float32", "name": "b"}, "name": "b", "inbound_nodes": []},
           {"class_name": "Dense", "config": {"name": "dense_a", "trainable": false, "units": 2}, "name": "dense_a", "inbound_nodes": [[["a", 0, 0, {}]]]},
           {"class_name": "Dense", "config": {"name": "dense_b", "units": 2}, "name": "dense_b", "inbound_nodes": [["b", 0, 0]]},
           {"class_name": "Concatenate", "config": {"name": "concatenate"}, "name": "concatenate", "inbound_nodes": [[["dense_a", 0, 0, {}], ["dense_b", 0, 0, {"mask": ["dense_a", 0, 0]}]]]},
           {"class_name": "Dense", "config": {"name": "out1", "units": 1}, "name": "out1", "inbound_nodes": [[["concatenate", 0, 0, {}]]]},
           {"class_name": "Dense", "config": {"name": "out2", "units": 3}, "name": "out2", "inbound_nodes": [[["dense_b", 0, 0, {}]]]}
         ], "input_layers": [["a", 0, 0], ["b", 0, 0]], "output_layers": [["out1", 0, 0], ["out2", 0, 0]]} } },
         "weightsManifest": [{"paths": ["group1-shard1of1.bin"], "weights": [
           {"name": "dense_a/kernel", "shape": [4, 2], "dtype": "float32"}, {"name": "dense_a/bias", "shape": [2], "dtype": "float32"},
           {"name": "dense_b/kernel", "shape": [6, 2], "dtype": "float32"}, {"name": "dense_b/bias", "shape": [2], "dtype": "float32"},
           {"name": "out1/kernel", "shape": [4, 1], "dtype": "float32"}, {"name": "out1/bias", "shape": [1], "dtype": "float32"},
           {"name": "out2/kernel", "shape": [2, 3], "dtype": "float32"}, {"name": "out2/bias", "shape": [3], "dtype": "float32"},
           {"name": "Adam/iter", "shape": [], "dtype": "int32", "group": "optimizer"}{{extraWeight}}
         ]}]}
        """;

    [Fact]
    public void A_tfjs_model_with_two_inputs_two_outputs_and_a_frozen_layer()
    {
        var file = ModelSource.Open(Write("model.json", TfjsModel("")));
        var account = ModelAccount.Of(file.Model);
        // dense_a 4·2 + 2 = 10 (frozen), dense_b 6·2 + 2 = 14, out1 (2 + 2)·1 + 1 = 5, out2 2·3 + 3 = 9.
        Assert.Equal((38L, 28L, 10L), (account.TotalParams, account.TrainableParams, account.NonTrainableParams));
        Assert.Equal(8, file.Stored!.Weights.Count); // the optimizer entry is not a parameter
        Assert.True(WeightVerification.Of(file.Model, file.Stored).Agrees);
    }

    [Fact]
    public void A_tfjs_weight_of_no_layer_is_reported()
    {
        var file = ModelSource.Open(Write("model.json", TfjsModel(""", {"name": "ghost/kernel", "shape": [2, 2], "dtype": "float32"}""")));
        var mismatch = Assert.Single(WeightVerification.Of(file.Model, file.Stored!).Mismatches);
        Assert.Equal("ghost/kernel", mismatch.Weight);
        Assert.Contains("outside every layer", mismatch.Problem);
    }

    [Fact]
    public void A_keras2_0_sequential_written_as_a_plain_list()
    {
        var json = """
            {"class_name": "Sequential", "keras_version": "2.0.8", "backend": "tensorflow", "config": [
              {"class_name": "Dense", "config": {"name": "dense_1", "units": 3, "batch_input_shape": [null, 4], "dtype": "float32"}},
              {"class_name": "Dense", "config": {"name": "dense_2", "units": 2}}]}
            """;
        // (4 + 1)·3 = 15 and (3 + 1)·2 = 8.
        Assert.Equal(23, ModelAccount.Of(ModelSource.Open(Write("list.json", json)).Model).TotalParams);
    }

    [Fact]
    public void A_keras2_mixed_precision_policy_object_keeps_float32_variables()
    {
        var json = """
            {"class_name": "Sequential", "keras_version": "2.11.0", "config": {"name": "s", "layers": [
              {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4], "dtype": "float32", "name": "in"}},
              {"class_name": "Dense", "config": {"name": "d", "units": 3, "dtype": {"class_name": "Policy", "config": {"name": "mixed_float16"}}}}]}}
            """;
        var account = ModelAccount.Of(ModelSource.Open(Write("policy.json", json)).Model);
        // (4 + 1)·3 = 15 float32 variables under a mixed policy: 60 bytes.
        Assert.Equal((15L, 60.0), (account.TotalParams, account.TotalBytes));
    }

    [Fact]
    public void Keras2_tensors_passed_by_keyword_are_inputs_unless_they_are_masks()
    {
        var json = """
            {"class_name": "Model", "keras_version": "2.2.4", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4], "name": "x"}, "name": "x", "inbound_nodes": []},
              {"class_name": "Dense", "config": {"name": "d", "units": 2}, "name": "d", "inbound_nodes": [[["x", 0, 0, {}]]]},
              {"class_name": "Concatenate", "config": {"name": "c"}, "name": "c",
               "inbound_nodes": [[["x", 0, 0, {"mask": ["d", 0, 0]}], ["d", 0, 0, {"extra": ["x", 0, 0]}]]]}
            ], "input_layers": [["x", 0, 0]], "output_layers": [["c", 0, 0]]}}
            """;
        var model = ModelSource.Open(Write("kwargs.json", json)).Model;
        // Concatenate gets x (4), d (2) and the keyword tensor x (4): 10 wide; the mask is not an input.
        Assert.Equal(10, model.Outputs[0].Shape[-1]);
    }

    [Fact]
    public void A_legacy_h5_with_split_fixed_length_name_lists_and_keras1_weight_names()
    {
        const string config = """
            {"class_name": "Sequential", "config": [{"class_name": "Dense", "config": {"name": "dense_1", "output_dim": 3, "units": 3, "batch_input_shape": [null, 4]}}]}
            """;
        var path = Path.Combine(_dir, "keras1.h5");
        new H5File
        {
            Attributes = { ["model_config"] = config, ["keras_version"] = "2.0.5" },
            ["model_weights"] = new H5Group
            {
                // Keras splits long name lists into numbered attributes; both parts are read, in order.
                Attributes = { ["layer_names0"] = new[] { "dense_1" }, ["layer_names1"] = Array.Empty<string>() },
                ["dense_1"] = new H5Group
                {
                    Attributes = { ["weight_names"] = new[] { "dense_1_W:0", "dense_1_b:0" } },
                    ["dense_1_W:0"] = new float[4, 3],
                    ["dense_1_b:0"] = new float[3],
                },
            },
        }.Write(path, new H5WriteOptions(DefaultStringLength: 256)); // fixed-length, NUL-padded strings as h5py writes bytes
        var file = ModelSource.Open(path);
        Assert.Equal(["dense_1_W:0", "dense_1_b:0"], file.Stored!.Weights.Select(w => w.Name));
        var verification = WeightVerification.Of(file.Model, file.Stored);
        Assert.True(verification.Agrees, string.Join("\n", verification.Mismatches));
    }

    [Fact]
    public void A_tfjs_model_converted_from_keras3_maps_archive_paths()
    {
        var json = $$"""
            {"format": "layers-model", "generatedBy": "keras v3.6.0", "modelTopology": {"keras_version": "3.6.0", "model_config": {{Keras3Sequential}}},
             "weightsManifest": [{"paths": ["group1-shard1of1.bin"], "weights": [
               {"name": "layers/dense/vars/0", "shape": [4, 3], "dtype": "float32"}, {"name": "layers/dense/vars/1", "shape": [3], "dtype": "float32"},
               {"name": "layers/batch_normalization/vars/0", "shape": [3], "dtype": "float32"}, {"name": "layers/batch_normalization/vars/1", "shape": [3], "dtype": "float32"},
               {"name": "layers/batch_normalization/vars/2", "shape": [3], "dtype": "float32"}, {"name": "layers/batch_normalization/vars/3", "shape": [3], "dtype": "float32"},
               {"name": "layers/dense_1/vars/0", "shape": [3, 2], "dtype": "float32"}, {"name": "layers/dense_1/vars/1", "shape": [2], "dtype": "float32"}
             ]}]}
            """;
        var file = ModelSource.Open(Write("k3.json", json));
        Assert.Equal(["batch_normalization"], file.Stored!.Weights.Single(w => w.Name.EndsWith("normalization/vars/3")).LayerPath);
        Assert.True(WeightVerification.Of(file.Model, file.Stored).Agrees);
    }

    [Fact]
    public void The_cli_verify_command_exits_0_when_all_agree_and_1_on_a_mismatch()
    {
        var good = Write("good.json", TfjsModel(""));
        var bad = Write("bad.json", TfjsModel(""", {"name": "ghost/kernel", "shape": [2, 2], "dtype": "float32"}"""));
        var (code, stdout, _) = RunCli("verify", good);
        Assert.Equal(Cli.Ok, code);
        Assert.Contains("ok: every stored weight matches the config", stdout);
        (code, stdout, _) = RunCli("verify", bad);
        Assert.Equal(Cli.ModelError, code);
        Assert.Contains("mismatch: weight 'ghost/kernel'", stdout);
    }

    [Fact]
    public void Summary_notes_a_disagreeing_stored_weight_on_stderr()
    {
        var bad = Write("bad.json", TfjsModel(""", {"name": "ghost/kernel", "shape": [2, 2], "dtype": "float32"}"""));
        var (code, _, stderr) = RunCli("summary", bad);
        Assert.Equal(Cli.Ok, code);
        var note = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("ghost/kernel", note);
    }

    [Fact]
    public void Verify_on_a_bare_config_asks_for_the_weights_file()
    {
        var (code, _, stderr) = RunCli("verify", Write("bare.json", Keras3Sequential));
        Assert.Equal(Cli.ModelError, code);
        Assert.Contains("--weights", stderr);
    }

    [Fact]
    public void A_missing_weights_file_is_a_usage_error_naming_it()
    {
        var missing = Path.Combine(_dir, "nowhere.h5");
        var (code, _, stderr) = RunCli("verify", Write("config.json", Keras3Sequential), "--weights", missing);
        Assert.Equal(Cli.UsageError, code);
        Assert.Contains("nowhere.h5: no such file", stderr);
    }

    private static (int Code, string Stdout, string Stderr) RunCli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
