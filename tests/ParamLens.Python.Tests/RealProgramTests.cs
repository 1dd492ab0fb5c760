using ParamLens.Graph;
using ParamLens.Layers;

namespace ParamLens.Python.Tests;

/// <summary>What real notebooks and scripts need: what lies outside the model runs as unknown values or is skipped
/// with a note, an unknown value never configures a model, training is a no-op (that builds the Keras 3 optimizer),
/// and the run says when a summary it asks for was not printed.</summary>
public class RealProgramTests
{
    private static PythonRun Lenient(string code, KerasVersion? version = null) => Py.Run(code, version, skipFailures: true);

    private static readonly KerasVersion TfKeras = KerasVersion.Parse("2.15");

    [Fact]
    public void An_Unknown_Value_Never_Configures_A_Layer()
    {
        const string code = """
            import os, keras
            classes = os.listdir('data/train')
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(len(classes))])
            model.summary()
            """;
        var run = Lenient(code);
        Assert.True(run.Incomplete);
        Assert.DoesNotContain("Total params", run.Printed);
        var refusal = Assert.Single(run.Notes, n => n.StartsWith("note: line 3: skipped: NotDerivableError", StringComparison.Ordinal));
        Assert.Contains("Dense() at line 3 is given len(os.listdir(...))", refusal);
        Assert.Contains("line 2", refusal);
        Assert.Contains(run.Notes, n => n.Contains("line 4") && n.Contains("was not printed"));

        var strict = Py.Error(code);
        Assert.Equal("NotDerivableError", strict.Kind);
    }

    [Fact]
    public void Failing_Statements_Outside_The_Model_Are_Skipped_With_A_Note()
    {
        var run = Lenient("""
            import keras
            import pandas as pd
            df = pd.read_csv('x.csv')
            n = undefined_name + 1
            if df.empty:
                print('empty')
            print(n)
            print('still', 'running')
            model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
            model.summary()
            """);
        Assert.Null(run.StoppedBy);
        Assert.False(run.Incomplete);
        Assert.Contains(run.Notes, n => n.StartsWith("note: line 4: skipped: NameError", StringComparison.Ordinal));
        Assert.Contains(run.Notes, n => n.StartsWith("note: line 5: skipped: whether pandas.read_csv(...).empty is true is not known", StringComparison.Ordinal));
        Assert.StartsWith("still running\n", run.Printed); // n is unknown: print(n) prints nothing
        Py.AssertCounts(Assert.Single(run.Reported), 3 * 2 + 2, 3 * 2 + 2);
    }

    [Fact]
    public void A_Statement_That_Fails_On_A_Model_Leaves_The_Models_Made_So_Far_Unprinted()
    {
        var run = Lenient("""
            import keras
            model = keras.Sequential([keras.Input((3,))])
            model.add(keras.layers.NoSuchLayer(3))
            model.summary()
            other = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
            other.summary()
            """);
        Assert.Null(run.StoppedBy);
        Assert.True(run.Incomplete);
        Assert.Contains(run.Notes, n => n.StartsWith("note: line 3: skipped: AttributeError", StringComparison.Ordinal));
        Assert.Contains(run.Notes, n => n.Contains("line 4") && n.Contains("line 3 failed while building or changing a model"));
        // The model made after the failure is printed: 3 + 1 parameters.
        Py.AssertCounts(Assert.Single(run.Summaries).Model, 4, 4);
    }

    [Fact]
    public void Keras_3_Optimizers_Refuse_Keras_2_Arguments()
    {
        // base_optimizer.py: "Argument(s) not recognized" for lr=; compile then never ran, so training built no
        // optimizer. The statement uses the model, which the code meant to change: its later summary is not printed.
        var run = Lenient("""
            import keras, numpy as np
            model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
            model.compile(optimizer=keras.optimizers.SGD(lr=0.01), loss='mse')
            """);
        Assert.Contains(run.Notes, n => n.Contains("ValueError: Argument(s) not recognized: {'lr': 0.01}"));
        var tfKeras = Py.Run("""
            import tensorflow as tf
            optimizer = tf.keras.optimizers.SGD(lr=0.01)
            """, TfKeras);
        Assert.Null(tfKeras.StoppedBy);
    }

    [Fact]
    public void A_Skipped_Failure_Inside_A_Function_Leaves_The_Models_Before_It_Unprinted()
    {
        var run = Lenient("""
            import os, keras
            a = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
            def grow():
                a.add(keras.layers.Dense(len(os.listdir('.'))))
            grow()
            a.summary()
            b = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
            b.summary()
            """);
        Assert.True(run.Incomplete);
        Assert.Contains(run.Notes, n => n.Contains("line 6") && n.Contains("model 'sequential'") && n.Contains("line 5 failed"));
        // b was made after the failure: its summary is printed (3 + 1 parameters).
        var summary = Assert.Single(run.Summaries);
        Assert.Equal("sequential_1", summary.Model.Name);
        Py.AssertCounts(summary.Model, 4, 4);
    }

    [Fact]
    public void Keras_3_Prints_The_Optimizer_Variables_After_Training()
    {
        // keras/src/utils/summary_utils_test.py: Dense(2 -> 3) trained with Adam. The model has 2·3 + 3 = 9 weights; Adam
        // adds a momentum and a velocity per weight (18), the iteration counter (int64) and the learning rate (float32).
        var run = Lenient("""
            import keras, numpy as np
            inputs = keras.Input((2,))
            model = keras.Model(inputs, keras.layers.Dense(3)(inputs))
            model.compile(optimizer='adam', loss='mse')
            model.summary()
            model.fit(np.zeros((4, 2)), np.zeros((4, 3)), epochs=1)
            model.summary()
            """);
        Assert.False(run.Incomplete);
        var tables = run.Printed.Split("Model: ");
        Assert.DoesNotContain("Optimizer params", tables[1]);
        // 9·4 bytes of weights; 18·4 + 8 + 4 = 84 bytes of optimizer variables.
        Assert.Contains(" Total params: 29 (120.00 B)\n", tables[2]);
        Assert.Contains(" Trainable params: 9 (36.00 B)\n", tables[2]);
        Assert.Contains(" Optimizer params: 20 (84.00 B)\n", tables[2]);
    }

    [Theory]
    [InlineData("keras.optimizers.SGD()", 2)]                          // no slots: iteration and learning rate
    [InlineData("keras.optimizers.SGD(0.1, 0.9)", 9 + 2)]              // momentum: one slot per weight
    [InlineData("'rmsprop'", 9 + 2)]                                   // velocity
    [InlineData("keras.optimizers.RMSprop(momentum=0.5, centered=True)", 3 * 9 + 2)]
    [InlineData("keras.optimizers.Adam(amsgrad=True)", 3 * 9 + 2)]
    [InlineData("keras.optimizers.Adam(learning_rate=keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9))", 2 * 9 + 1)]
    public void Optimizer_Variables_Follow_Each_Optimizer_Build(string optimizer, long expected)
    {
        var run = Lenient($"""
            import keras, numpy as np
            inputs = keras.Input((2,))
            model = keras.Model(inputs, keras.layers.Dense(3)(inputs))
            model.compile(optimizer={optimizer}, loss='mse')
            model.train_on_batch(np.zeros((4, 2)), np.zeros((4, 3)))
            model.summary()
            """);
        Assert.Contains($" Optimizer params: {expected:N0} (", run.Printed);
    }

    [Fact]
    public void An_Optimizer_Not_Modelled_Leaves_The_Summary_After_Training_Unprinted()
    {
        var run = Lenient("""
            import keras, numpy as np
            model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
            model.compile(optimizer='nadam', loss='mse')
            model.fit(np.zeros((4, 2)), np.zeros((4, 3)))
            model.summary()
            """);
        Assert.True(run.Incomplete);
        Assert.Contains(run.Notes, n => n.Contains("nadam"));
    }

    [Fact]
    public void Tf_Keras_Prints_No_Optimizer_Line()
    {
        var run = Lenient("""
            import tensorflow as tf, numpy as np
            model = tf.keras.Sequential([tf.keras.layers.Dense(3, input_shape=(2,))])
            model.compile(optimizer='adam', loss='mse')
            history = model.fit(np.zeros((4, 2)), np.zeros((4, 3)))
            print(history.history['loss'])
            model.summary()
            """, TfKeras);
        Assert.False(run.Incomplete);
        Assert.DoesNotContain("Optimizer", run.Printed);
        Assert.Contains("Total params: 9 (36.00 Byte)", run.Printed);
    }

    [Fact]
    public void Training_A_Model_That_Is_Not_Built_Makes_Its_Summary_Unknown()
    {
        var run = Lenient("""
            import keras, pandas as pd
            data = pd.read_csv('train.csv')
            model = keras.Sequential([keras.layers.Dense(3)])
            model.compile(optimizer='adam', loss='mse')
            model.fit(data, data)
            model.summary()
            """);
        Assert.True(run.Incomplete);
        Assert.Contains(run.Notes, n => n.Contains("built by training on data whose shape is not known"));
    }

    [Fact]
    public void A_Model_Read_From_A_File_Is_Unknown()
    {
        var run = Lenient("""
            import keras
            model = keras.models.load_model('model.keras')
            model.summary()
            """);
        Assert.True(run.Incomplete);
        Assert.Contains(run.Notes, n => n.Contains("keras.models.load_model(...).summary() was not printed"));
    }

    [Fact]
    public void Call_With_A_Required_Training_Argument()
    {
        const string code = """
            import tensorflow as tf
            class Block(tf.keras.layers.Layer):
                def __init__(self):
                    super().__init__()
                    self.dense = tf.keras.layers.Dense(4)
                def call(self, inputs, training):
                    return self.dense(inputs)
            model = tf.keras.Sequential([tf.keras.Input((3,)), Block()])
            model.summary()
            """;
        // Keras 3 binds call()'s signature and fails like Python; the run ends with that error, never a .NET exception.
        var keras3 = Py.Run(code);
        Assert.Equal("TypeError", keras3.StoppedBy?.Kind);
        // tf.keras passes training=None itself: Dense(3 -> 4) has 3·4 + 4 = 16 weights.
        var tfKeras = Py.Run(code, TfKeras);
        Assert.Null(tfKeras.StoppedBy);
        Py.AssertCounts(Assert.Single(tfKeras.Reported), 16, 16);
    }

    [Fact]
    public void A_Generator_Is_Defined_But_Not_Run()
    {
        var run = Lenient("""
            def batches(n):
                for i in range(n):
                    yield i
            g = batches(3)
            print(g)
            for b in batches(3):
                print(b)
            print('after')
            """);
        Assert.Equal("after\n", run.Printed);
        Assert.Contains(run.Notes, n => n.StartsWith("note: line 6: skipped: the items of batches(...) are not known", StringComparison.Ordinal));
    }

    [Fact]
    public void Keras_Datasets_Have_The_Keras_Sizes()
    {
        // keras/src/datasets: IMDB 25,000 + 25,000 reviews; Reuters 11,228 newswires split at int(11228 · 0.8) = 8,982
        // (and int(11228 · 0.9) = 10,105 with test_split=0.1); Boston housing 506 rows split at int(506 · 0.8) = 404.
        var printed = Py.Output("""
            from tensorflow import keras
            (x, y), (xt, yt) = keras.datasets.imdb.load_data(num_words=10000)
            print(len(x), len(xt), y.shape, x.dtype)
            print(keras.preprocessing.sequence.pad_sequences(x, maxlen=200).shape)
            (x, y), (xt, yt) = keras.datasets.reuters.load_data()
            print(len(x), len(xt))
            (x, y), (xt, yt) = keras.datasets.reuters.load_data(test_split=0.1)
            print(len(x), len(xt))
            (x, y), (xt, yt) = keras.datasets.boston_housing.load_data()
            print(x.shape, xt.shape, y.dtype)
            print(keras.utils.pad_sequences([[1, 2], [3, 4, 5]]).shape)
            """);
        Assert.Equal("25000 25000 (25000,) object\n(25000, 200)\n8982 2246\n10105 1123\n(404, 13) (102, 13) float64\n(2, 3)\n", printed);
    }

    [Fact]
    public void With_Maxlen_The_Number_Of_Reviews_Is_Unknown()
    {
        var run = Lenient("""
            from keras.datasets import imdb
            (x, y), (xt, yt) = imdb.load_data(maxlen=100)
            print(len(x))
            print('end')
            """);
        Assert.Equal("end\n", run.Printed);
    }
    [Fact]
    public void Argparse_Copy_Json_And_String_Work_As_In_Python()
    {
        // The expected text is what CPython 3 prints for this code (without the positional argument, which has no
        // value here: it is unknown, so printing it prints nothing).
        var run = Lenient("""
            import argparse, copy, json, string
            p = argparse.ArgumentParser(description='train')
            p.add_argument('--batch-size', type=int, default='32')
            p.add_argument('-e', '--epochs', type=int, default=10)
            p.add_argument('--lr', type=float, default=1e-3)
            p.add_argument('--augment', action='store_true')
            p.add_argument('data_dir')
            args = p.parse_args()
            print(args.batch_size, args.epochs, args.lr, args.augment)
            print(args.data_dir)
            cfg = {'units': [64, 32], 'name': 'm\u00e9', 'ok': True, 'none': None, 'f': 0.5}
            c2 = copy.deepcopy(cfg)
            c2['units'].append(16)
            print(cfg['units'], c2['units'])
            s = json.dumps(cfg)
            print(s)
            print(json.loads(s) == cfg, json.loads('[1, 2.5, "x", null, {"a": false}]'))
            print(string.digits, len(string.ascii_letters))
            """);
        Assert.Null(run.StoppedBy);
        Assert.Equal("""
            32 10 0.001 False
            [64, 32] [64, 32, 16]
            {"units": [64, 32], "name": "m\u00e9", "ok": true, "none": null, "f": 0.5}
            True [1, 2.5, 'x', None, {'a': False}]
            0123456789 52

            """.Replace("\r\n", "\n"), run.Printed);
    }
    [Fact]
    public void Train_Test_Split_Keeps_Shapes()
    {
        // sklearn _validate_shuffle_split: the default test_size 0.25 of 60,000 is ceil(15,000.0) = 15,000; test_size=0.33
        // of 1,000 is ceil(330.0) = 330 (the product is exactly 330.0 in binary, as CPython prints); train_size=0.5 of
        // 1,000 is floor(500.0) = 500 and the test part the other 500.
        var printed = Py.Output("""
            import keras
            from sklearn.model_selection import train_test_split
            from sklearn.preprocessing import StandardScaler
            (x, y), _ = keras.datasets.mnist.load_data()
            a, b, c, d = train_test_split(x, y)
            print(a.shape, b.shape, c.shape, d.shape, a.dtype)
            import numpy as np
            z = np.zeros((1000, 5))
            e, f = train_test_split(z, test_size=0.33, random_state=42)
            print(e.shape, f.shape)
            g, h = train_test_split(z, train_size=0.5)
            print(g.shape, h.shape)
            print(StandardScaler().fit_transform(z))
            """);
        Assert.Equal("(45000, 28, 28) (15000, 28, 28) (45000,) (15000,) uint8\n(670, 5) (330, 5)\n(500, 5) (500, 5)\n", printed);
    }
    [Fact]
    public void Layers_Called_On_Data_Give_Unknown_Values_But_Not_Inside_A_Traced_Call()
    {
        // keras/src/layers/core/input_layer.py takes the deprecated input_shape= as its shape.
        var run = Lenient("""
            import keras, numpy as np
            double = keras.layers.Lambda(lambda x: x * 2)
            print(double(np.zeros((4, 3))).shape)
            model = keras.Sequential([keras.layers.InputLayer(input_shape=(3,)), double, keras.layers.Dense(2)])
            print(model(np.zeros((1, 3))))
            print(model.optimizer, model.layers[1].kernel)
            model.summary()
            """);
        Assert.Null(run.StoppedBy);
        Py.AssertCounts(Assert.Single(run.Reported), 3 * 2 + 2, 3 * 2 + 2);
        Assert.DoesNotContain("(4, 3)", run.Printed);

        var traced = Lenient("""
            import keras
            import tensorflow as tf
            class Rnn(keras.layers.Layer):
                def __init__(self):
                    super().__init__()
                    self.step = keras.layers.Dense(4)
                def call(self, inputs):
                    state = tf.zeros((2, 4))
                    return self.step(state)
            inputs = keras.Input((3,))
            model = keras.Model(inputs, Rnn()(inputs))
            model.summary()
            """);
        Assert.True(traced.Incomplete);
        Assert.Contains(traced.Notes, n => n.Contains("NotDerivableError") && n.Contains("inside a call() being traced"));
    }
    [Fact]
    public void Layers_Keep_Their_Plain_Config_Values_As_Attributes()
    {
        var printed = Py.Output("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), keras.layers.Dropout(0.25), keras.layers.Dense(2, use_bias=False)])
            print([(layer.units, layer.use_bias) if isinstance(layer, keras.layers.Dense) else layer.rate for layer in model.layers])
            copy = keras.Sequential([keras.Input((4,))] + [keras.layers.Dropout(l.rate) if isinstance(l, keras.layers.Dropout) else keras.layers.Dense(l.units) for l in model.layers])
            print(copy.count_params())
            """);
        // The copy: Dense(4 -> 8) 40, Dropout, Dense(8 -> 2) with its default bias 18.
        Assert.Equal("[(8, True), 0.25, (2, False)]\n58\n", printed);
    }
    [Theory]
    [InlineData(null)]
    [InlineData("2.15")]
    public void Each_Summary_Shows_The_Sequential_As_It_Is_Then(string? version)
    {
        var run = Lenient("""
            import keras
            m = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
            m.summary()
            m.add(keras.layers.Dense(1))
            m.summary()
            m.pop()
            m.summary()
            """, version is null ? null : KerasVersion.Parse(version));
        Assert.Null(run.StoppedBy);
        // Dense(3 -> 2) has 3·2 + 2 = 8 weights; Dense(2 -> 1) adds 2 + 1 = 3.
        Assert.Equal([8L, 11L, 8L], run.Summaries.Select(s => ParamLens.Accounting.ModelAccount.Of(s.Model).TotalParams ?? -1));
        Assert.Equal(["dense"], run.Summaries[2].Model.Layers.Select(l => l.Name));
        Assert.Single(run.TopLevelModels);
    }
    [Theory]
    [InlineData("2.2.4", false, true)]  // trainable changed after compile: Keras prints the compile-time snapshot (G13)
    [InlineData("2.2.4", true, false)]  // compiled after the change: snapshot and live weights agree
    [InlineData("2.0.8", false, false)] // before 2.0.9 the summary counted the live weights
    public void Standalone_Keras_Compile_Snapshot(string version, bool compileAfterFreezing, bool unprinted)
    {
        var compile = "model.compile(optimizer='sgd', loss='mse')\n";
        var code = "from keras.models import Sequential\nfrom keras.layers import Dense\n"
            + "model = Sequential([Dense(4, input_shape=(3,)), Dense(1)])\n"
            + (compileAfterFreezing ? "" : compile) + "model.layers[0].trainable = False\n" + (compileAfterFreezing ? compile : "")
            + "model.summary()\n";
        var run = Lenient(code, KerasVersion.Parse(version));
        Assert.Equal(unprinted, run.Incomplete);
        // Dense(3 -> 4) 16 frozen, Dense(4 -> 1) 5 trainable.
        if (!unprinted) Py.AssertCounts(Assert.Single(run.Summaries).Model, 21, 5);
    }
    [Fact]
    public void Namedtuples_And_Dataclasses_Hold_Settings()
    {
        // The expected text is what CPython 3 prints for this code.
        var printed = Py.Output("""
            from collections import namedtuple
            from dataclasses import dataclass, field, asdict
            Config = namedtuple('Config', 'units rate', defaults=[0.5])
            c = Config(64)
            u, r = c
            print(c, c.units, c[1], u, r, len(c), c._replace(rate=0.1), c._asdict(), Config._fields)
            @dataclass
            class Base:
                name: str = 'model'
            @dataclass
            class Hyper(Base):
                units: int = 32
                layers: list = field(default_factory=list)
                dropout: float = field(default=0.2)
                def __post_init__(self):
                    self.total = self.units * 2
            h = Hyper(units=16)
            print(h, h.total, asdict(h), h == Hyper(units=16), h == Hyper())
            """);
        Assert.Equal("""
            Config(units=64, rate=0.5) 64 0.5 64 0.5 2 Config(units=64, rate=0.1) {'units': 64, 'rate': 0.5} ('units', 'rate')
            Hyper(name='model', units=16, layers=[], dropout=0.2) 32 {'name': 'model', 'units': 16, 'layers': [], 'dropout': 0.2} True False

            """, printed);
    }
    [Fact]
    public void Sys_Exit_Still_Ends_The_Run()
    {
        var run = Lenient("import sys\nprint('a')\nsys.exit(0)\nprint('b')\n");
        Assert.Equal("SystemExit", run.StoppedBy?.Kind);
        Assert.Equal("a\n", run.Printed);
    }
    [Theory]
    [InlineData(null, true)]
    [InlineData("2.2.4", false)]
    public void A_Keras_2_Only_Import_Means_Keras_3_Would_Not_Print_This(string? version, bool incomplete)
    {
        var run = Lenient("""
            from keras.models import Sequential
            from keras.layers.core import Dense
            from keras.utils import np_utils
            model = Sequential([Dense(2, input_shape=(3,))])
            model.summary()
            """, version is null ? null : KerasVersion.Parse(version));
        Assert.Equal(incomplete, run.Incomplete);
        Assert.Equal(incomplete, run.Notes.Any(n => n.Contains("line 2: keras.layers.core exists only in Keras 2")));
        Py.AssertCounts(Assert.Single(run.Summaries).Model, 8, 8);
    }
    [Theory]
    [InlineData("keras.backend.set_image_data_format('channels_first')", true)]
    [InlineData("keras.backend.set_image_data_format('channels_last')", false)]
    [InlineData("keras.config.set_floatx('float64')", true)]
    [InlineData("keras.backend.set_floatx('float32')", false)]
    [InlineData("keras.mixed_precision.set_global_policy('mixed_float16')", false)] // variables stay float32 (G14)
    [InlineData("keras.config.set_dtype_policy('float16')", true)]
    [InlineData("keras.backend.reset_uids()", true)]  // not in Keras 3's backend: whatever it does to names is unknown
    [InlineData("keras.utils.clear_session()", false)] // Keras 3 exports clear_session here too
    public void A_Keras_Setting_Not_Applied_Leaves_The_Summaries_After_It_Unprinted(string setting, bool unprinted)
    {
        var run = Lenient($"""
            import keras
            {setting}
            model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3)])
            model.summary()
            """);
        Assert.Equal(unprinted, run.Incomplete);
        Assert.Equal(unprinted, !run.Printed.Contains("Total params"));
    }
}
