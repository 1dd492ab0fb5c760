using System.Text.Json.Nodes;

namespace ParamLens.Python.Tests;

/// <summary><c>paramlens summary|explain FILE.py</c>.</summary>
public sealed class CliTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("paramlens-cli");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string code)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, code);
        return path;
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A loop of 2,000 iterations takes more than 1,000 steps and less than the default budget.</summary>
    private const string Looping = """
        import keras
        total = 0
        for i in range(2000):
            total += i
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        """;

    [Fact]
    public void Limit_Lowers_The_Step_Budget_And_Raises_It_Again()
    {
        var path = Write("loop.py", Looping);
        var (code, _, err) = Run("summary", path, "--limit", "steps=1000");
        Assert.Equal(1, code);
        Assert.Contains("step budget of 1,000 steps", err);
        (code, _, _) = Run("summary", path, "--limit", "steps=1000", "--limit", "steps=100_000");
        Assert.Equal(0, code);
    }

    [Fact]
    public void Limit_Applies_To_The_File_Readers()
    {
        // The model has 2 layers (the InputLayer entry of a Sequential config is its input, not a layer): 1 is refused.
        var path = Write("mlp.json", """
            {"class_name": "Sequential", "keras_version": "2.15.0", "config": {"name": "s", "layers": [
              {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4], "name": "x"}},
              {"class_name": "Dense", "config": {"name": "a", "units": 3}},
              {"class_name": "Dense", "config": {"name": "b", "units": 1}}]}}
            """);
        var (code, _, err) = Run("explain", path, "--limit", "layers=1");
        Assert.Equal(1, code);
        Assert.Contains("more than 1 layers", err);
        Assert.Equal(0, Run("explain", path, "--limit", "layers=2").Code);
        Assert.Contains("more than 1 layers", Run("verify", path, "--limit", "layers=1").Err);
    }

    [Fact]
    public void Limit_Accepts_Python_Style_Underscores_And_Caps_Huge_Seconds()
    {
        var path = Write("loop.py", Looping);
        Assert.Equal(0, Run("summary", path, "--limit", "steps=1_000_000").Code);
        Assert.Equal(0, Run("summary", path, "--limit", "seconds=99999999999999").Code); // more than a time span holds: capped
    }

    [Theory]
    [InlineData("bogus=3", "unknown limit 'bogus'")]
    [InlineData("steps", "needs a positive whole number")]
    [InlineData("steps=-5", "needs a positive whole number")]
    [InlineData("layers=many", "needs a positive whole number")]
    [InlineData("steps=1_", "needs a positive whole number")]
    [InlineData("json-depth=5000", "json-depth above 4,096 is refused")]
    public void Limit_Names_And_Values_Are_Checked(string limit, string message)
    {
        var (code, _, err) = Run("summary", Write("m.py", Looping), "--limit", limit);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
    }

    [Fact]
    public void Summary_Prints_What_The_Code_Prints()
    {
        var (code, output, _) = Run("summary", Write("seed.py", KerasModelTests.Founding), "--columns", "80");
        Assert.Equal(0, code);
        Assert.Equal(Py.Output(KerasModelTests.Founding), output);
    }

    [Fact]
    public void Keras_Version_2_2_4_Prints_The_Keras_2_Table_Of_The_Founding_Question()
    {
        var (code, output, _) = Run("summary", Write("seed.py", KerasModelTests.Founding), "--keras-version", "2.2.4");
        Assert.Equal(0, code);
        Assert.Contains("input_1 (InputLayer)         (None, 64, 64, 3)         0         \n", output);
        Assert.Contains("bn0 (BatchNormalization)     (None, 64, 64, 32)        128       \n", output);
        Assert.Contains("Total params: 37,633\nTrainable params: 37,569\nNon-trainable params: 64\n", output);
    }

    [Fact]
    public void Content_Detection_Without_A_Py_Name()
    {
        var (code, output, _) = Run("summary", Write("model_code", KerasModelTests.Founding), "--format", "json");
        Assert.Equal(0, code);
        Assert.Equal(37633, JsonNode.Parse(output)!["total_params"]!.GetValue<long>());
    }

    [Fact]
    public void Explain_Answers_The_Founding_Questions()
    {
        var (code, output, _) = Run("explain", Write("seed.py", KerasModelTests.Founding));
        Assert.Equal(0, code);
        Assert.Contains("37,633", output);
        Assert.Contains("moving_mean", output);
        Assert.Contains("4,736", output);
    }

    private const string TwoModels = """
        import keras
        def mlp(width, name):
            inp = keras.Input((4,))
            return keras.Model(inp, keras.layers.Dense(width)(inp), name=name)
        small = mlp(2, 'small')
        big = mlp(8, 'big')
        """;

    [Fact]
    public void Several_Models_Give_A_Json_Array_And_Model_Picks_One()
    {
        var path = Write("two.py", TwoModels);
        var (code, output, _) = Run("summary", path, "--format", "json");
        Assert.Equal(0, code);
        var array = JsonNode.Parse(output)!.AsArray();
        Assert.Equal([4 * 2 + 2, 4 * 8 + 8], array.Select(m => m!["total_params"]!.GetValue<long>()));
        var (code2, output2, _) = Run("summary", path, "--format", "json", "--model", "big");
        Assert.Equal(0, code2);
        Assert.Equal(4 * 8 + 8, JsonNode.Parse(output2)!["total_params"]!.GetValue<long>());
    }

    [Fact]
    public void Input_Shape_Builds_A_Subclassed_Model()
    {
        var path = Write("sub.py", "import keras\nclass M(keras.Model):\n    def __init__(self):\n        super().__init__()\n        self.d = keras.layers.Dense(3)\n    def call(self, x):\n        return self.d(x)\nm = M()\n");
        var (code, output, err) = Run("summary", path, "--format", "json", "--input-shape", "5");
        Assert.True(code == 0, err);
        Assert.Equal(5 * 3 + 3, JsonNode.Parse(output)!["total_params"]!.GetValue<long>());
        var (code2, _, err2) = Run("summary", path);
        Assert.Equal(1, code2);
        Assert.Contains("the code built no Keras model", err2);
    }

    [Fact]
    public void Errors_Exit_1_With_A_Traceback()
    {
        var (code, _, err) = Run("summary", Write("bad.py", "import keras, os\nx = keras.Input((3,))\ny = keras.layers.Dense(2)(x, )\nos.system('ls')\n"));
        Assert.Equal(1, code);
        Assert.Contains("line 4", err);
        Assert.Contains("SandboxError: os.system() is not available", err);
    }

    [Fact]
    public void Imports_From_A_Path_Folder()
    {
        var lib = Directory.CreateDirectory(Path.Combine(_dir.FullName, "lib"));
        File.WriteAllText(Path.Combine(lib.FullName, "blocks.py"), "from keras import layers\ndef head(x):\n    return layers.Dense(3)(x)\n");
        var script = Directory.CreateDirectory(Path.Combine(_dir.FullName, "app"));
        var path = Path.Combine(script.FullName, "main.py");
        File.WriteAllText(path, "import keras\nfrom blocks import head\ni = keras.Input((2,))\nm = keras.Model(i, head(i))\n");
        Assert.Equal(1, Run("summary", path, "--format", "json").Code);
        var (code, output, err) = Run("summary", path, "--format", "json", "--path", lib.FullName);
        Assert.True(code == 0, err);
        Assert.Equal(2 * 3 + 3, JsonNode.Parse(output)!["total_params"]!.GetValue<long>());
    }

    [Fact]
    public void Model_Names_A_Function_To_Call_With_Args()
    {
        var path = Write("factory.py", """
            import keras
            def build_model(input_shape, num_classes=2):
                inp = keras.Input(input_shape)
                x = keras.layers.Flatten()(inp)
                return keras.Model(inp, keras.layers.Dense(num_classes)(x), name='factory')
            """);
        var (code, output, err) = Run("summary", path, "--format", "json", "--model", "build_model", "--args", "(4, 4, 2), num_classes=10");
        Assert.True(code == 0, err);
        Assert.Equal(4 * 4 * 2 * 10 + 10, JsonNode.Parse(output)!["total_params"]!.GetValue<long>());
        var (code2, _, err2) = Run("summary", path, "--model", "build_model");
        Assert.Equal(1, code2);
        Assert.Contains("missing required argument: 'input_shape'", err2);
    }

    /// <summary>A notebook's code cells run as one program; its summaries come out as Keras printed them, and its
    /// markdown, magics and shell lines do nothing. Dense(2) on 4 inputs: 4·2 + 2 = 10 parameters.</summary>
    [Fact]
    public void A_notebook_prints_the_summaries_its_cells_print()
    {
        static JsonObject Cell(string type, string source) => new() { ["cell_type"] = type, ["metadata"] = new JsonObject(), ["source"] = source };
        var notebook = new JsonObject
        {
            ["nbformat"] = 4,
            ["nbformat_minor"] = 2,
            ["metadata"] = new JsonObject(),
            ["cells"] = new JsonArray(
                Cell("markdown", "A model"),
                Cell("code", "%matplotlib inline\n!pip install keras\nimport keras"),
                Cell("code", "model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)], name='tiny')\nmodel.summary()")),
        };
        var (code, output, error) = Run("summary", Write("tiny.ipynb", notebook.ToJsonString()));
        Assert.Equal(0, code);
        Assert.Contains("Model: \"tiny\"", output);
        Assert.Contains("Total params: 10 (40.00 B)", output);
        Assert.Equal("", error); // notebook magics are expected: no note
        var (explainCode, explained, _) = Run("explain", Write("tiny2.ipynb", notebook.ToJsonString()));
        Assert.Equal(0, explainCode);
        Assert.Contains("4 · 2 = 8", explained);
    }

    [Fact]
    public void Ipython_lines_in_a_python_file_are_noted()
    {
        var (code, _, error) = Run("summary", Write("pasted.py", "%matplotlib inline\nimport keras\nmodel = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n"));
        Assert.Equal(0, code);
        Assert.Contains("paramlens: note: ", error);
        Assert.Contains("1 IPython line (shell commands, magics, help) did nothing here: %matplotlib inline", error);
    }

    /// <summary>A notebook that printed "Using TensorFlow backend." ran standalone Keras 2.0–2.3: its table is the Keras 2
    /// one, with that Keras' one-based names (sequential_1, dense_1); 4·2 + 2 = 10 parameters.</summary>
    [Fact]
    public void A_notebook_runs_under_the_keras_its_outputs_show()
    {
        var notebook = new JsonObject
        {
            ["nbformat"] = 4,
            ["nbformat_minor"] = 2,
            ["metadata"] = new JsonObject(),
            ["cells"] = new JsonArray(
                new JsonObject
                {
                    ["cell_type"] = "code", ["source"] = "from keras.models import Sequential\nfrom keras.layers import Dense",
                    ["outputs"] = new JsonArray(new JsonObject { ["name"] = "stderr", ["output_type"] = "stream", ["text"] = "Using TensorFlow backend.\n" }),
                },
                new JsonObject { ["cell_type"] = "code", ["source"] = "model = Sequential()\nmodel.add(Dense(2, input_shape=(4,)))\nmodel.summary()" }),
        };
        var (code, output, error) = Run("summary", Write("old.ipynb", notebook.ToJsonString()));
        Assert.Equal(0, code);
        Assert.Contains("Model: \"sequential_1\"", output);
        Assert.Contains("dense_1 (Dense)              (None, 2)                 10", output);
        Assert.Contains("Total params: 10\n", output);
        Assert.Contains("emulating Keras 2.3.1 because a cell printed \"Using TensorFlow backend.\"", error);
    }

    [Fact]
    public void A_Summary_The_Run_Did_Not_Reach_Makes_The_Exit_Status_1()
    {
        // Before: the first table was printed and the exit status was 0, as if it were the program's last summary.
        var (code, output, err) = Run("summary", Write("stops.py", """
            import keras
            a = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
            a.summary()
            b = keras.Sequential([keras.Input((3,))])
            b.add(keras.layers.NoSuchLayer(1))
            b.summary()
            """));
        Assert.Equal(1, code);
        Assert.Contains("Total params: 8 (32.00 B)", output); // the summary reached: 3·2 + 2
        Assert.Contains("line 5", err);
        Assert.Contains("not printed", err);
    }

    [Fact]
    public void Training_Between_Summaries_Runs_On_To_The_Last_Summary()
    {
        var (code, output, err) = Run("summary", Write("trains.py", """
            import keras
            import matplotlib.pyplot as plt
            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            a = keras.Sequential([keras.Input(x_train.shape[1:]), keras.layers.Flatten(), keras.layers.Dense(10)])
            a.summary()
            a.compile(optimizer='sgd', loss='sparse_categorical_crossentropy')
            history = a.fit(x_train / 255.0, y_train, epochs=2)
            plt.plot(history.history['loss'])
            b = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            b.summary()
            """));
        Assert.Equal(0, code);
        Assert.Contains("Total params: 7,850 (30.66 KB)", output); // 28·28·10 + 10
        Assert.Contains("Total params: 5 (20.00 B)", output);      // 4 + 1, printed last
        Assert.Contains("paramlens: note: line 2: module 'matplotlib' is not available here", err);
    }

    [Fact]
    public void A_Required_Training_Argument_Ends_In_A_Python_Error_Not_A_Stack_Trace()
    {
        var (code, _, err) = Run("summary", Write("training.py", """
            import keras
            class Block(keras.layers.Layer):
                def call(self, inputs, training):
                    return inputs
            model = keras.Sequential([keras.Input((3,)), Block()])
            model.summary()
            """));
        Assert.Equal(1, code);
        Assert.Contains("TypeError: call() missing required argument: 'training'", err);
        Assert.DoesNotContain("Unhandled exception", err);
        Assert.DoesNotContain("   at ParamLens", err);
    }
}
