using ParamLens.Graph;
using ParamLens.Layers;

namespace ParamLens.Python.Tests;

/// <summary>Every declared class whose Keras constructor has required parameters can be called with them positionally.</summary>
public class LayerArgumentsTests
{
    [Fact]
    public void Every_required_config_key_has_a_positional_place()
    {
        var missing = new List<string>();
        foreach (var declaration in LayerCatalog.All)
        {
            var required = declaration.Keys.Where(k => k.Required).Select(k => k.Name).ToArray();
            if (required.Length == 0) continue;
            foreach (var version in new[] { KerasVersion.Keras3, KerasVersion.Keras2 })
            {
                var positional = declaration.Positional.In(version);
                var unplaced = required.Where(r => !positional.Contains(r)).ToArray();
                if (unplaced.Length > 0) missing.Add($"{declaration.ClassName} ({version.Text}): {string.Join(", ", unplaced)}");
            }
        }
        Assert.True(missing.Count == 0, "no positional place for: " + string.Join("; ", missing.Distinct()));
    }

    [Fact]
    public void Keras3_classes_called_with_positional_arguments()
    {
        var model = Py.Single("""
            import keras
            from keras import layers
            seq = keras.Input((10, 8))
            a = layers.GroupQueryAttention(8, 4, 2)(seq, seq)
            r = layers.RNN(layers.LSTMCell(4))(a)
            c = layers.ConvLSTM1D(2, 3)(layers.Reshape((10, 8, 1))(seq))
            model = keras.Model(seq, [r, c])
            """);
        // GQA with head_dim 8, 4 query heads, 2 key/value heads on 8 features:
        // query 8·4·8 + 4·8, key and value 8·2·8 + 2·8 each, output 4·8·8 + 8
        long gqa = (8 * 4 * 8 + 4 * 8) + 2 * (8 * 2 * 8 + 2 * 8) + (4 * 8 * 8 + 8);
        long rnn = 4 * 4 * (8 + 4 + 1);                       // LSTMCell(4) on 8 features
        long convLstm = 3 * 1 * 8 + 3 * 2 * 8 + 8;              // kernel (3, 1, 4·2), recurrent (3, 2, 4·2), bias 4·2
        Py.AssertCounts(model, gqa + rnn + convLstm, gqa + rnn + convLstm);
        Assert.Contains(model.Layers, l => l.ClassName == "GroupedQueryAttention");
    }

    [Fact]
    public void Keras2_classes_called_with_positional_arguments()
    {
        var model = Py.Single("""
            from tensorflow import keras
            from tensorflow.keras import layers
            img = keras.Input((6, 6, 2))
            x = layers.LocallyConnected2D(2, (3, 3))(img)
            x = layers.SpectralNormalization(layers.Conv2D(3, 2))(x)
            model = keras.Model(img, x)
            """, KerasVersion.Parse("2.13.1"));
        long locallyConnected = 4 * 4 * (3 * 3 * 2) * 2 + 4 * 4 * 2; // a 3·3·2 kernel per output position and filter, bias per position and filter
        long conv = 2 * 2 * 2 * 3 + 3;                            // on (4, 4, 2)
        long vectorU = 3;                                          // (1, filters), not trained
        Py.AssertCounts(model, locallyConnected + conv + vectorU, locallyConnected + conv);
    }
}
