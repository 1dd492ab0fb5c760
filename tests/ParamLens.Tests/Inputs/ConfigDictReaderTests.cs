using ParamLens.Accounting;
using ParamLens.Inputs;

namespace ParamLens.Tests.Inputs;

/// <summary>A config pasted as Python printed it (<c>model.get_config()</c>): a dict literal with tuples, True and None.
/// Counts worked out by hand in each test.</summary>
public class ConfigDictReaderTests
{
    private const string Policy = "{'module': 'keras', 'class_name': 'DTypePolicy', 'config': {'name': 'float32'}, 'registered_name': None}";

    /// <summary>Keras 3: Dense(3, relu) on 4 inputs, 4·3 + 3 = 15; BatchNormalization over 3 channels, 4·3 = 12, of which
    /// moving_mean and moving_variance (6) are non-trainable. 27 in all.</summary>
    [Fact]
    public void A_keras3_sequential_config()
    {
        var text = $$$"""
            {'name': 'sequential', 'trainable': True, 'dtype': {{{Policy}}}, 'layers': [{'module': 'keras.layers', 'class_name': 'InputLayer',
             'config': {'batch_shape': (None, 4), 'dtype': 'float32', 'sparse': False, 'name': 'input_layer'}, 'registered_name': None},
             {'module': 'keras.layers', 'class_name': 'Dense', 'config': {'name': 'dense', 'trainable': True, 'dtype': {{{Policy}}}, 'units': 3,
              'activation': 'relu', 'use_bias': True, 'kernel_regularizer': None}, 'registered_name': None, 'build_config': {'input_shape': (None, 4)}},
             {'module': 'keras.layers', 'class_name': 'BatchNormalization', 'config': {'name': 'batch_normalization', 'trainable': True,
              'dtype': {{{Policy}}}, 'axis': -1, 'momentum': 0.99, 'epsilon': 0.001, 'center': True, 'scale': True}, 'registered_name': None,
              'build_config': {'input_shape': (None, 3)}}], 'build_input_shape': (None, 4)}
            """;
        var document = ModelSource.Parse(text);
        Assert.Equal(ConfigDictReader.Format, document.Format);
        var account = ModelAccount.Of(document.Model);
        Assert.Equal("Sequential", account.Model.ClassName);
        Assert.Equal(27, account.TotalParams);
        Assert.Equal(6, account.NonTrainableParams);
    }

    /// <summary>tf.keras 2: a Functional model (it has input_layers), Dense(2) on 8 inputs: 8·2 + 2 = 18.</summary>
    [Fact]
    public void A_keras2_functional_config()
    {
        const string text = """
            {'name': 'model', 'layers': [{'class_name': 'InputLayer', 'config': {'batch_input_shape': (None, 8), 'dtype': 'float32', 'sparse': False,
            'ragged': False, 'name': 'input_1'}, 'name': 'input_1', 'inbound_nodes': []}, {'class_name': 'Dense', 'config': {'name': 'dense',
            'trainable': True, 'dtype': 'float32', 'units': 2, 'activation': 'softmax', 'use_bias': True}, 'name': 'dense',
            'inbound_nodes': [[['input_1', 0, 0, {}]]]}], 'input_layers': [['input_1', 0, 0]], 'output_layers': [['dense', 0, 0]]}
            """;
        var account = ModelAccount.Of(ModelSource.Parse(text).Model);
        Assert.Equal("model", account.Model.Name);
        Assert.Equal(18, account.TotalParams);
        Assert.Equal(2, account.Layers.Count);
    }

    [Fact]
    public void Code_inside_the_dict_is_not_run()
    {
        var e = Assert.Throws<ModelException>(() => ModelSource.Parse("{'name': 'm', 'layers': [open('/etc/passwd')]}"));
        Assert.Contains("only literals are read", e.Message);
    }

    [Fact]
    public void A_dict_without_layers_is_not_a_model_config()
    {
        var e = Assert.Throws<ModelException>(() => ModelSource.Parse("{'learning_rate': 0.001}"));
        Assert.Contains("no 'layers' list", e.Message);
    }
}
