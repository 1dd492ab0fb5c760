using ParamLens.Inputs;

namespace ParamLens.Tests.Inputs;

/// <summary>The Keras a notebook ran under, read from what it left: the printer eras of the summary-format reference
/// (K3 box drawing; K2-new sizes after the totals, 2.13+; K2-mid blank lines between rows, 2.7–2.12; K2-old underscore
/// rules, ≤ 2.6, with no <c>Model:</c> line in standalone Keras ≤ 2.2.4), a printed version, the standalone backend line.</summary>
public class KerasEraEvidenceTests
{
    private const string Header = "Layer (type)                 Output Shape              Param #   ";

    private static string? Inferred(params (string Source, string Output)[] cells) =>
        KerasEraEvidence.Infer(cells) is var (version, _) ? version.Text : null;

    [Fact]
    public void A_keras3_box_table() =>
        Assert.Equal("3.13.0", Inferred(("model.summary()", "Model: \"m\"\n┏━━━┳━━━┓\n┃ Layer (type) ┃\nTotal params: 3 (12.00 B)\n")));

    [Fact]
    public void Sizes_after_the_totals_are_tf_keras_2_13_and_later() =>
        Assert.Equal("2.15.0", Inferred(("model.summary()", $"Model: \"m\"\n{new string('_', 65)}\n{Header}\n{new string('=', 65)}\n dense (Dense) (None, 1) 3\n\n{new string('=', 65)}\nTotal params: 3 (12.00 Byte)\n")));

    [Fact]
    public void Blank_lines_between_rows_are_tf_keras_2_7_to_2_12() =>
        Assert.Equal("2.12.0", Inferred(("model.summary()", $"Model: \"m\"\n{new string('_', 65)}\n {Header}\n{new string('=', 65)}\n dense (Dense)  (None, 1)  3\n{new string(' ', 65)}\n{new string('=', 65)}\nTotal params: 3\n")));

    [Fact]
    public void Underscore_rules_with_tf_keras_imports_are_tensorflow_2_0_to_2_6() =>
        Assert.Equal("2.6.0", Inferred(
            ("from tensorflow.keras import layers", ""),
            ("model.summary()", $"Model: \"m\"\n{new string('_', 65)}\n{Header}\n{new string('=', 65)}\ndense (Dense)  (None, 1)  3\n{new string('_', 65)}\ndense_1 (Dense)  (None, 1)  2\n{new string('=', 65)}\nTotal params: 5\n")));

    [Fact]
    public void No_model_line_is_standalone_keras_up_to_2_2_4() =>
        Assert.Equal("2.2.4", Inferred(
            ("from keras.layers import Dense", "Using TensorFlow backend.\n"),
            ("model.summary()", $"{new string('_', 65)}\n{Header}\n{new string('=', 65)}\ndense_1 (Dense)  (None, 1)  3\n{new string('=', 65)}\nTotal params: 3\n")));

    [Fact]
    public void The_backend_line_alone_is_standalone_keras() =>
        Assert.Equal("2.3.1", Inferred(("import keras", "Using TensorFlow backend.\n")));

    [Fact]
    public void A_printed_keras_version_names_it() =>
        Assert.Equal("2.2.4-tf", Inferred(("from tensorflow import keras\nkeras.__version__", "'2.2.4-tf'")));

    [Fact]
    public void No_evidence_says_nothing() =>
        Assert.Null(Inferred(("import keras\nx = 1", ""), ("print(x)", "1\n")));

    [Fact]
    public void Colab_tensorflow_version_magic_selects_tf_keras()
    {
        Assert.Equal("2.6.0", Inferred(("%tensorflow_version 2.x\nimport tensorflow as tf", "")));
        Assert.Equal("2.2.4-tf", KerasEraEvidence.FromSource("  %tensorflow_version 1.x\n")?.Version.Text);
        Assert.Null(KerasEraEvidence.FromSource("x = 1 % tensorflow_version"));
    }

    [Fact]
    public void Module_paths_only_keras_2_has_select_keras_2()
    {
        Assert.Equal("2.15.0", KerasEraEvidence.FromSource("import tf_keras as keras\n")?.Version.Text);
        Assert.Equal("2.3.1", KerasEraEvidence.FromSource("from keras.layers.core import Dense\n")?.Version.Text);
        Assert.Equal("2.6.0", KerasEraEvidence.FromSource("from tensorflow.keras.preprocessing.text import Tokenizer\n")?.Version.Text);
        Assert.Null(KerasEraEvidence.FromSource("from keras.layers import Dense\nimport keras.preprocessing.image\n"));
    }
}
