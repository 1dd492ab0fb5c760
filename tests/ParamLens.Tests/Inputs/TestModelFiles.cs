using System.IO.Compression;
using System.Text;
using PureHDF;

namespace ParamLens.Tests.Inputs;

/// <summary>Small model files written by the tests themselves (PureHDF for HDF5, System.IO.Compression for zips).</summary>
internal static class TestModelFiles
{
    /// <summary>The mnist convnet as Keras 2.0–2.6 printed it: 320 + 18,496 + 16,010 = 34,826.</summary>
    public const string MnistConvnetTable = """
        Model: "sequential"
        _________________________________________________________________
        Layer (type)                 Output Shape              Param #   
        =================================================================
        conv2d (Conv2D)              (None, 26, 26, 32)        320       
        _________________________________________________________________
        max_pooling2d (MaxPooling2D) (None, 13, 13, 32)        0         
        _________________________________________________________________
        conv2d_1 (Conv2D)            (None, 11, 11, 64)        18496     
        _________________________________________________________________
        max_pooling2d_1 (MaxPooling2 (None, 5, 5, 64)          0         
        _________________________________________________________________
        flatten (Flatten)            (None, 1600)              0         
        _________________________________________________________________
        dense (Dense)                (None, 10)                16010     
        =================================================================
        Total params: 34,826
        Trainable params: 34,826
        Non-trainable params: 0
        _________________________________________________________________
        """;

    /// <summary>A Keras 2 functional model: Input(4) → Dense(3) = 4·3 + 3 = 15 parameters.</summary>
    public const string DenseModelJson =
        """{"class_name": "Functional", "config": {"name": "model", "layers": [{"class_name": "InputLayer", "config": {"name": "input_1", "batch_input_shape": [null, 4]}, "name": "input_1", "inbound_nodes": []}, {"class_name": "Dense", "config": {"name": "dense", "units": 3}, "name": "dense", "inbound_nodes": [[["input_1", 0, 0, {}]]]}], "input_layers": [["input_1", 0, 0]], "output_layers": [["dense", 0, 0]]}, "keras_version": "2.15.0"}""";

    /// <summary>A Keras 3 Sequential model: Input(4) → Dense(3) = 15 parameters.</summary>
    public const string Keras3SequentialJson =
        """{"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "layers": [{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4], "dtype": "float32", "name": "input_layer"}}, {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "units": 3}}]}}""";

    /// <summary>The legacy <c>model.save("m.h5")</c> file of <see cref="DenseModelJson"/>, its weights named by
    /// <paramref name="scope"/> (<c>dense/kernel:0</c>) and its kernel as large as asked (a larger file to cut).</summary>
    public static string LegacyH5(string path, string scope = "dense/", int inputs = 4)
    {
        var group = new H5Group
        {
            Attributes = { ["weight_names"] = new[] { scope + "kernel:0", scope + "bias:0" } },
            ["dense"] = new H5Group { ["kernel:0"] = new float[inputs, 3], ["bias:0"] = new float[3] },
        };
        new H5File
        {
            Attributes = { ["model_config"] = DenseModelJson.Replace("[null, 4]", $"[null, {inputs}]"), ["keras_version"] = "2.15.0" },
            ["model_weights"] = new H5Group
            {
                Attributes = { ["layer_names"] = new[] { "input_1", "dense" } },
                ["input_1"] = new H5Group { Attributes = { ["weight_names"] = Array.Empty<string>() } },
                ["dense"] = group,
            },
        }.Write(path);
        return path;
    }

    /// <summary>A Keras 3 <c>.keras</c> archive of <see cref="Keras3SequentialJson"/> with its weights file.</summary>
    public static string KerasArchive(string path)
    {
        var weights = path + ".weights.h5";
        new H5File
        {
            ["layers"] = new H5Group { ["dense"] = new H5Group { ["vars"] = new H5Group { ["0"] = new float[4, 3], ["1"] = new float[3] } } },
        }.Write(weights);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            Add(zip, "metadata.json", """{"keras_version": "3.8.0"}""");
            Add(zip, "config.json", Keras3SequentialJson);
            zip.CreateEntryFromFile(weights, "model.weights.h5");
        }
        File.Delete(weights);
        return path;
    }

    private static void Add(ZipArchive zip, string name, string text)
    {
        using var stream = zip.CreateEntry(name).Open();
        stream.Write(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>A copy of <paramref name="source"/> cut to its first <paramref name="length"/> bytes.</summary>
    public static string Truncated(string source, long length, string target)
    {
        using (var input = File.OpenRead(source))
        using (var output = File.Create(target))
        {
            var buffer = new byte[length];
            input.ReadExactly(buffer);
            output.Write(buffer);
        }
        return target;
    }
}
