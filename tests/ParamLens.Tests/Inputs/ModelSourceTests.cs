using System.IO.Compression;
using System.Text.Json.Nodes;
using ParamLens.Accounting;
using ParamLens.Inputs;
using PureHDF;

namespace ParamLens.Tests.Inputs;

/// <summary>
/// The library's one entry point takes every input: the founding model (examples/seed) as a Keras JSON config, a
/// <c>.keras</c> archive, a legacy <c>.h5</c>, a TF.js <c>model.json</c>, Python source, a notebook and its printed
/// summary, each told from its content. Its numbers, worked out by hand: conv0 (7·7·3 + 1)·32 = 4,736; bn0 4·32 = 128
/// of which moving_mean and moving_variance, 64, are non-trainable; fc 32,768 + 1 = 32,769; 37,633 in all.
/// </summary>
public sealed class ModelSourceTests : IDisposable
{
    private const long Total = 37_633, NonTrainable = 64;

    private readonly string _dir = Directory.CreateTempSubdirectory("paramlens-sources-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string SeedConfig => File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "examples", "seed", "myModel.json"));
    private static string SeedCode => File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "examples", "seed", "my_model.py"));

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static void IsSeed(ModelDocument document, string format)
    {
        Assert.Contains(format, document.Format);
        var account = ModelAccount.Of(Assert.Single(document.Models));
        Assert.Equal("myModel", account.Model.Name);
        Assert.Equal(Total, account.TotalParams);
        Assert.Equal(NonTrainable, account.NonTrainableParams);
    }

    [Fact]
    public void A_keras_json_config()
    {
        IsSeed(ModelSource.Open(Write("seed.txt", SeedConfig)), "Keras JSON config");
        IsSeed(ModelSource.Parse(SeedConfig), "Keras JSON config");
    }

    [Fact]
    public void A_keras_archive()
    {
        var path = Path.Combine(_dir, "seed.bin"); // the content, not the name, says it is an archive
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (var writer = new StreamWriter(zip.CreateEntry("config.json").Open())) writer.Write(SeedConfig);
            using (var writer = new StreamWriter(zip.CreateEntry("metadata.json").Open())) writer.Write("""{"keras_version": "2.13.1", "date_saved": "2024-01-01@00:00:00"}""");
        }
        IsSeed(ModelSource.Open(path), ".keras archive");
    }

    [Fact]
    public void A_legacy_hdf5_file()
    {
        var path = Path.Combine(_dir, "seed.data");
        new H5File { Attributes = { ["model_config"] = SeedConfig, ["keras_version"] = "2.2.4" } }.Write(path);
        IsSeed(ModelSource.Open(path), "legacy Keras HDF5");
    }

    [Fact]
    public void A_tfjs_model_json()
    {
        var json = new JsonObject
        {
            ["format"] = "layers-model",
            ["modelTopology"] = new JsonObject { ["keras_version"] = "2.2.4", ["model_config"] = JsonNode.Parse(SeedConfig) },
        }.ToJsonString();
        IsSeed(ModelSource.Open(Write("model.json", json)), "TensorFlow.js");
        IsSeed(ModelSource.Parse(json), "TensorFlow.js");
    }

    [Fact]
    public void Python_source()
    {
        IsSeed(ModelSource.Open(Write("seed_code.txt", SeedCode)), "Python source");
        var fromText = ModelSource.Parse(SeedCode);
        IsSeed(fromText, "Python source");
        Assert.Contains("Total params: 37,633", fromText.Program!.Printed); // the code's own summary() call printed it
    }

    [Fact]
    public void A_notebook_with_markdown_magics_and_shell_lines()
    {
        var notebook = Notebook(
            ("markdown", "# The founding model\n%this is text, not code"),
            ("code", "!pip install tensorflow\n%matplotlib inline"),
            ("code", SeedCode.Replace("mymodel.summary()", "mymodel?\nmymodel.summary()")));
        var document = ModelSource.Open(Write("seed.ipynb", notebook));
        IsSeed(document, "Jupyter notebook");
        Assert.Contains("Total params: 37,633", document.Program!.Printed);
        IsSeed(ModelSource.Parse(notebook), "Jupyter notebook");
    }

    [Fact]
    public void A_printed_summary()
    {
        var table = File.ReadAllText(Path.Combine(TestPaths.Golden, "seed.keras3.txt"));
        var document = ModelSource.Open(Write("pasted.txt", table));
        Assert.Equal("printed model.summary()", document.Format);
        Assert.Empty(document.Models);
        Assert.Equal(Total, document.Printed!.Summary.Totals.Total);
        Assert.Equal(NonTrainable, document.Printed.Summary.Totals.NonTrainable);
        Assert.Equal(Total, ModelSource.Parse(table).Printed!.Summary.Totals.Total);
    }

    [Fact]
    public void Every_reader_is_registered_once_and_named()
    {
        Assert.Equal(ModelSource.Readers.Count, ModelSource.Readers.Select(r => r.GetType()).Distinct().Count());
        Assert.All(ModelSource.Readers, r => Assert.False(string.IsNullOrWhiteSpace(r.Name)));
    }

    [Fact]
    public void Text_that_is_no_model_says_what_was_expected()
    {
        var e = Assert.Throws<ModelException>(() => ModelSource.Parse("this is neither JSON nor Python"));
        Assert.Contains("not a recognised model format", e.Message);
        Assert.Contains("Python source", e.Message);
    }

    [Fact]
    public void A_notebook_error_names_the_cell_and_its_line()
    {
        var notebook = Notebook(("markdown", "intro"), ("code", "x = 1"), ("code", "import keras\n\nkeras.layers.Dense(units='many')(keras.Input((3,)))"));
        var e = Assert.Throws<ModelException>(() => ModelSource.Open(Write("broken.ipynb", notebook)));
        Assert.Contains("the code built no Keras model", e.Message);
        Assert.Contains("cell 3, line 3: skipped: ValueError: layer 'dense' (Dense): config key 'units'", e.Message);
    }

    [Fact]
    public void A_notebook_of_another_language_is_refused()
    {
        var notebook = JsonNode.Parse(Notebook(("code", "print(1)")))!.AsObject();
        notebook["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["language"] = "R" } };
        var e = Assert.Throws<ModelException>(() => ModelSource.Parse(notebook.ToJsonString()));
        Assert.Contains("runs R, not Python", e.Message);
    }

    [Fact]
    public void An_nbformat3_notebook()
    {
        var cells = new JsonArray(new JsonObject { ["cell_type"] = "code", ["language"] = "python", ["input"] = SeedCode });
        var notebook = new JsonObject { ["nbformat"] = 3, ["worksheets"] = new JsonArray(new JsonObject { ["cells"] = cells }) };
        IsSeed(ModelSource.Parse(notebook.ToJsonString()), "Jupyter notebook");
    }

    private static JsonNode[] SourceLines(string source)
    {
        var lines = source.Split('\n');
        return lines.Select((line, i) => (JsonNode)JsonValue.Create(i < lines.Length - 1 ? line + "\n" : line)).ToArray();
    }

    /// <summary>An nbformat 4 notebook; each cell's source stored as a list of lines, as Jupyter writes it.</summary>
    private static string Notebook(params (string Type, string Source)[] cells) => new JsonObject
    {
        ["nbformat"] = 4,
        ["nbformat_minor"] = 5,
        ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["language"] = "python", ["name"] = "python3" } },
        ["cells"] = new JsonArray(cells.Select(c => (JsonNode)new JsonObject
        {
            ["cell_type"] = c.Type,
            ["metadata"] = new JsonObject(),
            ["source"] = new JsonArray(SourceLines(c.Source)),
        }).ToArray()),
    }.ToJsonString();
}
