using ParamLens.Layers;
using ParamLens.Accounting;
using ParamLens.Building;
using ParamLens.Graph;
using ParamLens.Shapes;

namespace ParamLens.Tests.Layers;

/// <summary>One layer called on fresh inputs inside a model: its output shapes, its row in the model's accounting and
/// its weights by name.</summary>
internal sealed record Probe(Layer Layer, IReadOnlyList<Shape> Outputs, LayerAccount Row)
{
    public Shape Output => Assert.Single(Outputs);
    public long Params => Row.Params ?? throw new InvalidOperationException("the count is unknown");
    public Shape Weight(string name) => Layer.OwnWeights.Single(w => w.Name == name).Shape;
    public IEnumerable<string> WeightNames => Layer.OwnWeights.Select(w => w.Name);

    public static Probe Call(KerasVersion version, string className, object config, params long?[][] inputShapes)
    {
        var k = new KerasSession(version);
        var inputs = inputShapes.Select(s => k.Input(s)).ToArray();
        var layer = k.Layer(className, config);
        var outputs = layer.Call(inputs);
        var model = k.Model(inputs, [.. outputs]);
        var row = ModelAccount.Of(model).Layers.Single(r => r.Layer == layer);
        return new Probe(layer, outputs.Select(t => t.Shape).ToArray(), row);
    }

    public static Probe Keras3(string className, object config, params long?[][] inputShapes) =>
        Call(KerasVersion.Keras3, className, config, inputShapes);
}

/// <summary>SimpleRNN, LSTM, GRU, RNN with cells, StackedRNNCells and ConvLSTM1D/2D/3D: counts and shapes computed by hand.</summary>
public class RecurrentTests
{
    private static readonly long?[] Sequence10x32 = [10, 32];

    [Fact]
    public void SimpleRNN_On8Features()
    {
        var p = Probe.Keras3("SimpleRNN", new { units = 32 }, [10, 8]);
        Assert.Equal(32 * 8 + 32 * 32 + 32, p.Params); // 1,312
        Assert.Equal(Shape.Of(null, 32), p.Output);
        Assert.Equal(Shape.Of(8, 32), p.Weight("kernel"));
        Assert.Equal(Shape.Of(32, 32), p.Weight("recurrent_kernel"));
        Assert.Equal(Shape.Of(32), p.Weight("bias"));
    }

    [Fact]
    public void SimpleRNN_WithoutBias_ReturningSequencesAndState()
    {
        var p = Probe.Keras3("SimpleRNN", new { units = 5, use_bias = false, return_sequences = true, return_state = true }, [7, 3]);
        Assert.Equal(5 * 3 + 5 * 5, p.Params);
        Assert.Equal(new[] { Shape.Of(null, 7, 5), Shape.Of(null, 5) }, p.Outputs);
        Assert.DoesNotContain("bias", p.WeightNames);
    }

    [Fact]
    public void LSTM_64On32Features()
    {
        var p = Probe.Keras3("LSTM", new { units = 64 }, Sequence10x32);
        Assert.Equal(4 * 64 * (32 + 64 + 1), p.Params); // 24,832
        Assert.Equal(Shape.Of(32, 4 * 64), p.Weight("kernel"));
        Assert.Equal(Shape.Of(64, 4 * 64), p.Weight("recurrent_kernel"));
        Assert.Equal(Shape.Of(4 * 64), p.Weight("bias"));
        Assert.Equal(Shape.Of(null, 64), p.Output);
        Assert.Equal("4 · 64 · (32 + 64 + 1)", p.Layer.Declaration!.CountFormula(p.Layer.BuildCall!, []));
    }

    /// <summary>Keras 2 cudnn_lstm.py builds kernel (D, 4u), recurrent_kernel (u, 4u) and bias (8u,): an input and a
    /// recurrent bias per gate unit. CuDNNLSTM(64) on 32 features: 32·256 + 64·256 + 512 = 8,192 + 16,384 + 512 = 25,088.</summary>
    [Fact]
    public void CuDNNLSTM_64On32Features_HasTwoBiasesPerGateUnit()
    {
        var p = Probe.Call(KerasVersion.Keras2, "CuDNNLSTM", new { units = 64, return_state = true }, Sequence10x32);
        Assert.Equal(25_088, p.Params);
        Assert.Equal(Shape.Of(32, 256), p.Weight("kernel"));
        Assert.Equal(Shape.Of(64, 256), p.Weight("recurrent_kernel"));
        Assert.Equal(Shape.Of(512), p.Weight("bias"));
        Assert.Equal(new[] { Shape.Of(null, 64), Shape.Of(null, 64), Shape.Of(null, 64) }, p.Outputs); // output, h, c
    }

    /// <summary>Keras 2 cudnn_gru.py: kernel (D, 3u), recurrent_kernel (u, 3u), bias (6u,). CuDNNGRU(64) on 32 features:
    /// 32·192 + 64·192 + 384 = 6,144 + 12,288 + 384 = 18,816.</summary>
    [Fact]
    public void CuDNNGRU_64On32Features_ReturnsTheSequenceAndOneState()
    {
        var p = Probe.Call(KerasVersion.Keras2, "CuDNNGRU", new { units = 64, return_sequences = true, return_state = true }, Sequence10x32);
        Assert.Equal(18_816, p.Params);
        Assert.Equal(Shape.Of(384), p.Weight("bias"));
        Assert.Equal(new[] { Shape.Of(null, 10, 64), Shape.Of(null, 64) }, p.Outputs);
    }

    [Fact]
    public void LSTM_ReturnsSequenceThenHiddenAndCellState()
    {
        var p = Probe.Keras3("LSTM", new { units = 16, return_sequences = true, return_state = true, go_backwards = true }, [None, 4]);
        Assert.Equal(4 * 16 * (4 + 16 + 1), p.Params);
        Assert.Equal(new[] { Shape.Of(null, null, 16), Shape.Of(null, 16), Shape.Of(null, 16) }, p.Outputs);
    }

    private static readonly long? None = null;

    /// <summary>reset_after = True: kernel and recurrent kernel as usual, bias (2, 3u): 3u(D + u) + 6u.</summary>
    private static long GruResetAfter(long u, long d) => 3 * u * (d + u) + 2 * 3 * u;

    /// <summary>reset_after = False: bias (3u,): 3u(D + u + 1).</summary>
    private static long GruResetBefore(long u, long d) => 3 * u * (d + u + 1);

    [Theory]
    [InlineData("3.4.1", true)]
    [InlineData("2.15.0", true)]     // tf.keras 2 (TF 2.x): GRU v2
    [InlineData("2.4.0", true)]
    [InlineData("2.3.0-tf", true)]   // TF 2.0's tf.keras
    [InlineData("2.2.4-tf", false)]  // TF 1.x tf.keras: GRU v1
    [InlineData("2.3.1", false)]     // standalone Keras
    [InlineData("2.2.4", false)]
    [InlineData("2.0.8", false)]
    public void GRU_ResetAfterDefault_FollowsTheVersion(string version, bool resetAfter)
    {
        var p = Probe.Call(KerasVersion.Parse(version), "GRU", new { units = 64 }, Sequence10x32);
        Assert.Equal(resetAfter ? GruResetAfter(64, 32) : GruResetBefore(64, 32), p.Params); // 18,816 or 18,624
        Assert.Equal(resetAfter ? Shape.Of(2, 3 * 64) : Shape.Of(3 * 64), p.Weight("bias"));
        Assert.Equal(Shape.Of(32, 3 * 64), p.Weight("kernel"));
    }

    [Fact]
    public void GRU_ExplicitResetAfter_OverridesTheDefault()
    {
        Assert.Equal(GruResetBefore(8, 5), Probe.Keras3("GRU", new { units = 8, reset_after = false }, [3, 5]).Params);
        Assert.Equal(GruResetAfter(8, 5), Probe.Call(KerasVersion.Parse("2.2.4"), "GRU", new { units = 8, reset_after = true }, [3, 5]).Params);
        Assert.Equal(3 * 8 * (5 + 8), Probe.Keras3("GRU", new { units = 8, use_bias = false }, [3, 5]).Params);
    }

    [Fact]
    public void GRU_FromATensorFlowJsConfig_HasNoResetAfter()
    {
        // TF.js writes its own version and never reset_after: its GRU is Keras 2.2's.
        const string json = """
        {"class_name": "Sequential", "keras_version": "tfjs-layers 4.22.0", "config": {"name": "s", "layers": [
          {"class_name": "GRU", "config": {"name": "gru", "units": 4, "batch_input_shape": [null, 6, 3]}}]}}
        """;
        var model = ParamLens.Inputs.ModelSource.LoadJson(json);
        Assert.Equal(GruResetBefore(4, 3), ModelAccount.Of(model).TotalParams);
    }

    [Fact]
    public void RNN_WithOneCell_NamesTheWeightsAfterTheCell()
    {
        var p = Probe.Keras3("RNN", new { cell = new { class_name = "LSTMCell", config = new { units = 6, name = "lstm_cell" } }, return_state = true }, [9, 4]);
        Assert.Equal(4 * 6 * (4 + 6 + 1), p.Params);
        Assert.Equal(Shape.Of(4, 24), p.Weight("lstm_cell/kernel"));
        Assert.Equal(new[] { Shape.Of(null, 6), Shape.Of(null, 6), Shape.Of(null, 6) }, p.Outputs);
    }

    private static readonly object[] ThreeCells =
    [
        new { class_name = "LSTMCell", config = new { units = 6, name = "a" } },
        new { class_name = "GRUCell", config = new { units = 5, name = "b" } },
        new { class_name = "SimpleRNNCell", config = new { units = 4, name = "c" } },
    ];

    /// <summary>Each cell is built on the previous cell's output: 8 → 6 → 5 → 4.</summary>
    private const long ThreeCellsOn8 = 4 * 6 * (8 + 6 + 1) + (3 * 5 * (6 + 5) + 2 * 3 * 5) + (4 * 5 + 4 * 4 + 4);

    [Fact]
    public void RNN_WithAListOfCells_StacksThem()
    {
        var p = Probe.Keras3("RNN", new { cell = ThreeCells, return_sequences = true, return_state = true }, [10, 8]);
        Assert.Equal(ThreeCellsOn8, p.Params);
        Assert.Equal(Shape.Of(8, 24), p.Weight("a/kernel"));
        Assert.Equal(Shape.Of(2, 15), p.Weight("b/bias"));
        Assert.Equal(Shape.Of(5, 4), p.Weight("c/kernel"));
        // Keras 3 lists the states in cell order: h and c of the LSTM, then the GRU's, then the SimpleRNN's.
        Assert.Equal(new[] { Shape.Of(null, 10, 4), Shape.Of(null, 6), Shape.Of(null, 6), Shape.Of(null, 5), Shape.Of(null, 4) }, p.Outputs);
    }

    [Fact]
    public void RNN_WithStackedRNNCells_InKeras22_ListsStatesLastCellFirst()
    {
        var stacked = new { class_name = "StackedRNNCells", config = new { cells = ThreeCells } };
        var p = Probe.Call(KerasVersion.Parse("2.2.4"), "RNN", new { cell = stacked, return_state = true }, [10, 8]);
        // Keras 2.2: GRU without reset_after.
        Assert.Equal(4 * 6 * (8 + 6 + 1) + 3 * 5 * (6 + 5 + 1) + (4 * 5 + 4 * 4 + 4), p.Params);
        Assert.Equal(new[] { Shape.Of(null, 4), Shape.Of(null, 4), Shape.Of(null, 5), Shape.Of(null, 6), Shape.Of(null, 6) }, p.Outputs);
    }

    [Fact]
    public void RecurrentLayers_AcceptInitialStates()
    {
        var k = new KerasSession();
        var x = k.Input([null, 7]);
        var h = k.Input(12);
        var c = k.Input(12);
        var lstm = k.Layer("LSTM", new { units = 12, return_sequences = true });
        var y = lstm.Call(x, h, c);
        Assert.Equal(Shape.Of(null, null, 12), Assert.Single(y).Shape);
        Assert.Equal(4 * 12 * (7 + 12 + 1), lstm.OwnWeights.Sum(w => w.Count));
    }

    [Fact]
    public void RecurrentLayers_NeedASequence()
    {
        var e = Assert.Throws<ModelException>(() => Probe.Keras3("LSTM", new { units = 4 }, [8]));
        Assert.Contains("LSTM expects an input of rank 3", e.Message);
    }

    [Fact]
    public void ConvLSTM2D_16Filters3x3_On32x32x3Frames()
    {
        var p = Probe.Keras3("ConvLSTM2D", new { filters = 16, kernel_size = 3 }, [5, 32, 32, 3]);
        Assert.Equal(3 * 3 * 3 * 64 + 3 * 3 * 16 * 64 + 64, p.Params); // 1,728 + 9,216 + 64 = 11,008
        Assert.Equal(Shape.Of(3, 3, 3, 64), p.Weight("kernel"));
        Assert.Equal(Shape.Of(3, 3, 16, 64), p.Weight("recurrent_kernel"));
        Assert.Equal(Shape.Of(null, 30, 30, 16), p.Output); // (32 − 3) / 1 + 1
    }

    [Fact]
    public void ConvLSTM2D_SameStrided_ReturningSequencesAndStates()
    {
        var p = Probe.Keras3("ConvLSTM2D", new { filters = 3, kernel_size = 3, strides = 2, padding = "same", return_sequences = true, return_state = true }, [4, 9, 9, 2]);
        Assert.Equal(4 * 3 * (3 * 3 * (2 + 3)) + 4 * 3, p.Params);
        var frame = Shape.Of(null, 5, 5, 3); // ⌈9 / 2⌉ = 5
        Assert.Equal(new[] { Shape.Of(null, 4, 5, 5, 3), frame, frame }, p.Outputs);
    }

    [Fact]
    public void ConvLSTM2D_ChannelsFirst_NonSquareKernelWithoutBias()
    {
        var p = Probe.Keras3("ConvLSTM2D", new { filters = 4, kernel_size = new[] { 2, 3 }, data_format = "channels_first", use_bias = false }, [6, 3, 10, 12]);
        Assert.Equal(2 * 3 * 3 * 16 + 2 * 3 * 4 * 16, p.Params);
        Assert.Equal(Shape.Of(null, 4, 9, 10), p.Output);
    }

    [Fact]
    public void ConvLSTM2D_Dilated()
    {
        // Dilation 2 widens the 2×2 window to 3×3: 5 → 3, 6 → 4.
        var p = Probe.Keras3("ConvLSTM2D", new { filters = 3, kernel_size = 2, dilation_rate = 2 }, [3, 5, 6, 2]);
        Assert.Equal(Shape.Of(null, 3, 4, 3), p.Output);
        Assert.Equal(2 * 2 * 2 * 12 + 2 * 2 * 3 * 12 + 12, p.Params);
    }

    [Fact]
    public void ConvLSTM1D_SamePadding_ReturningSequences()
    {
        var p = Probe.Keras3("ConvLSTM1D", new { filters = 8, kernel_size = 3, padding = "same", return_sequences = true }, [10, 20, 4]);
        Assert.Equal(3 * 4 * 32 + 3 * 8 * 32 + 32, p.Params); // 384 + 768 + 32 = 1,184
        Assert.Equal(Shape.Of(null, 10, 20, 8), p.Output);
    }

    [Fact]
    public void ConvLSTM3D_OnVolumes()
    {
        var p = Probe.Keras3("ConvLSTM3D", new { filters = 2, kernel_size = 2 }, [3, 4, 4, 4, 1]);
        Assert.Equal(2 * 2 * 2 * 1 * 8 + 2 * 2 * 2 * 2 * 8 + 8, p.Params);
        Assert.Equal(Shape.Of(null, 3, 3, 3, 2), p.Output);
    }
}
