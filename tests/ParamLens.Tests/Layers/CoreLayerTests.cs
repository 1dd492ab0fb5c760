using System.Text.Json.Nodes;
using ParamLens.Inputs;
using ParamLens.Shapes;
using static ParamLens.Tests.Layers.Dims;
using static ParamLens.Tests.Layers.OneLayer;

namespace ParamLens.Tests.Layers;

public class CoreLayerTests
{
    [Fact]
    public void EinsumDense_SequenceProjection_Keras3LeavesTheGivenNone()
    {
        var l = Build("EinsumDense", new { equation = "abc,cd->abd", output_shape = new long?[] { null, 64 }, bias_axes = "d" }, [10, 32], Keras3);
        l.Is(32 * 64 + 64, 32 * 64 + 64, Shape.Of(None, None, 64));
        Assert.Equal([("kernel", 32L * 64, true), ("bias", 64L, true)], l.Weights);
    }

    [Fact]
    public void EinsumDense_SequenceProjection_Keras2InfersTheSharedAxis()
    {
        var l = Build("EinsumDense", new { equation = "abc,cd->abd", output_shape = new long?[] { null, 64 }, bias_axes = "d" }, [10, 32], Keras2);
        l.Is(32 * 64 + 64, 32 * 64 + 64, Shape.Of(None, 10, 64));
    }

    [Fact]
    public void EinsumDense_TwoOutputLetters_BiasOverBoth()
    {
        var l = Build("EinsumDense", new { equation = "abc,cde->abde", output_shape = new long?[] { null, 2, 16 }, bias_axes = "de" }, [10, 32]);
        l.Is(32 * 2 * 16 + 2 * 16, 32 * 2 * 16 + 2 * 16, Shape.Of(None, None, 2, 16));
    }

    [Fact]
    public void EinsumDense_LeftEllipsis_WithoutBias()
    {
        var l = Build("EinsumDense", new { equation = "...b,bc->...c", output_shape = 64 }, [5, 32]);
        l.Is(32 * 64, 32 * 64, Shape.Of(None, 5, 64));
    }

    [Fact]
    public void EinsumDense_LeftEllipsisOverTwoAxes_Keras3ReportsThemReversed()
    {
        var config = new { equation = "...b,bc->...c", output_shape = 64, bias_axes = "c" };
        Build("EinsumDense", config, [5, 7, 32], Keras3).Is(32 * 64 + 64, 32 * 64 + 64, Shape.Of(None, 7, 5, 64));
        Build("EinsumDense", config, [5, 7, 32], Keras2).Is(32 * 64 + 64, 32 * 64 + 64, Shape.Of(None, 5, 7, 64));
    }

    [Fact]
    public void EinsumDense_RightEllipsis_BiasGetsATrailingOne()
    {
        var l = Build("EinsumDense", new { equation = "ab...,bc->ac...", output_shape = 64, bias_axes = "c" }, [32, 7]);
        l.Is(32 * 64 + 64 * 1, 32 * 64 + 64, Shape.Of(None, 64, 7));
        Assert.Equal(Shape.Of(64, 1), l.Row.Weights[1].Weight.Shape);
    }

    [Fact]
    public void EinsumDense_UnknownKernelLetter_IsAModelError()
    {
        var e = Assert.Throws<ModelException>(() => Build("EinsumDense", new { equation = "ab,bz->ac", output_shape = 4 }, [8]));
        Assert.Contains("'c'", e.Message);
    }

    [Fact]
    public void Dense_Keras3Lora_FreezesTheKernel()
    {
        var l = Build("Dense", new { units = 64, lora_rank = 4 }, [784], Keras3);
        var frozen = 784 * 64;
        var trainable = 64 + 784 * 4 + 4 * 64;
        l.Is(frozen + trainable, trainable, Shape.Of(None, 64));
        Assert.Equal(["kernel", "bias", "lora_kernel_a", "lora_kernel_b"], l.Weights.Select(w => w.Name));
    }

    [Fact]
    public void Dense_Keras2_HasNoLora()
    {
        var l = Build("Dense", new { units = 64, lora_rank = 4 }, [784], Keras2);
        l.Is(784 * 64 + 64, 784 * 64 + 64, Shape.Of(None, 64));
    }

    [Fact]
    public void Masking_And_Identity_KeepTheShape()
    {
        Build("Masking", new { mask_value = -1.0 }, [20, 8]).IsWeightless(Shape.Of(None, 20, 8));
        Build("Masking", null, [20, 8]).IsWeightless(Shape.Of(None, 20, 8));
        Build("Identity", null, [3, 4, 5]).IsWeightless(Shape.Of(None, 3, 4, 5));
    }

    [Fact]
    public void Lambda_OutputShapeFromTheConfig_BatchFromTheInput()
    {
        Build("Lambda", new { function = "lambda x: x[:, :10]", output_shape = new[] { 10 } }, [32]).IsWeightless(Shape.Of(None, 10));
        Build("Lambda", new { output_shape = new long?[] { null, 4 }, output_shape_type = "raw" }, [7, 2]).IsWeightless(Shape.Of(None, None, 4));
    }

    [Fact]
    public void Lambda_SeveralOutputShapes_GiveSeveralOutputs()
    {
        var k = new ParamLens.Building.KerasSession();
        var x = k.Input(6);
        var outputs = k.Layer("Lambda", new { output_shape = new[] { new[] { 2 }, new[] { 4 } } }).Call(x);
        Assert.Equal([Shape.Of(None, 2), Shape.Of(None, 4)], outputs.Select(t => t.Shape));
        // A mixture of dimensions and tuples is not a shape: the output shape is unknown.
        Build("Lambda", new { output_shape = new object[] { 2, new[] { 4 } } }, [6]).IsWeightless(Shape.Unknown);
    }

    [Fact]
    public void EinsumDense_Keras3Lora_FactorsTheKernelsLastAxis()
    {
        var l = Build("EinsumDense", new { equation = "abc,cde->abde", output_shape = new long?[] { null, 2, 16 }, bias_axes = "de", lora_rank = 4 }, [10, 32], Keras3);
        // kernel (32, 2, 16) frozen; lora_kernel_a (32, 2, 4), lora_kernel_b (4, 16), bias (2, 16) trainable.
        long trainable = 2 * 16 + 32 * 2 * 4 + 4 * 16;
        l.Is(32 * 2 * 16 + trainable, trainable, Shape.Of(None, None, 2, 16));
    }

    [Fact]
    public void Lambda_WithoutOutputShape_IsUnknown_AndSaysWhatCannotBeDerived()
    {
        var l = Build("Lambda", new { function = "lambda x: x * 2", name = "double" }, [32]);
        l.IsWeightless(Shape.Unknown); // a Lambda has no weights whatever its shape
        Assert.Contains(l.Layer.InboundNodes[0].Call!.Notes, n => n.StartsWith("the output shape of a Lambda cannot be derived", StringComparison.Ordinal));
        // A serialized Python function for output_shape is not dimensions either.
        Build("Lambda", new { output_shape = new[] { "4wEAAAAAAAAA", null, null }, output_shape_type = "lambda" }, [32]).IsWeightless(Shape.Unknown);
    }

    [Fact]
    public void UnknownClass_WithOutputShape_HasThatShape_AndUnknownWeights()
    {
        var l = Build("MyCustomBlock", new { output_shape = new[] { 12, 3 } }, [5]);
        Assert.Equal(Shape.Of(None, 12, 3), l.Output);
        Assert.Null(l.Row.Params); // its Python code builds the weights, so without a weights file they are unknown, not 0
        Assert.Equal("MyCustomBlock", l.Layer.ClassName);
        Assert.Contains(l.Layer.InboundNodes[0].Call!.Notes, n => n.Contains("not a Keras layer class known here")
            && n.EndsWith("so the weights it builds cannot be derived; they are unknown unless a file stores them", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownClass_WithoutOutputShape_IsUnknown_AndSaysWhy()
    {
        var l = Build("MyCustomBlock", new { name = "block7", units = 3 }, [5]);
        Assert.Equal(Shape.Unknown, l.Output);
        Assert.Null(l.Row.Params);
        Assert.Equal("MyCustomBlock", l.Layer.ClassName);
        Assert.Equal("the output shape of 'MyCustomBlock' cannot be derived: its class is Python code that is not run here, and its config has no 'output_shape' given as dimensions",
            l.Layer.InboundNodes[0].Call!.UnknownOutputReason);
    }

    [Fact]
    public void UnknownClass_InAKerasJsonFile_IsReadNotRejected()
    {
        var json = JsonNode.Parse("""
            {"class_name": "Sequential", "keras_version": "2.15.0", "config": {"name": "s", "layers": [
              {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 8]}},
              {"class_name": "Dense", "config": {"name": "d", "units": 4}},
              {"class_name": "Scaler", "config": {"name": "custom", "factor": 2, "output_shape": [4]}},
              {"class_name": "Dense", "config": {"name": "out", "units": 1}}]}}
            """)!.AsObject();
        var account = Accounting.ModelAccount.Of(KerasJsonReader.Read(json));
        long? Params(string name) => account.Layers.Single(r => r.Layer.Name == name).Params;
        Assert.Equal(8 * 4 + 4, Params("d"));
        Assert.Equal(4 * 1 + 1, Params("out")); // the custom layer's output_shape [4] gives out's input
        Assert.Null(Params("custom")); // a config stores no weights, and the custom class's code is not run
        Assert.Null(account.TotalParams);
        Assert.Equal("the weights of layer 'custom' (Scaler) could not be derived", account.UnknownTotalsReason);
    }

    [Fact]
    public void UnknownClass_DeclarationIsOnePerClassName()
    {
        Assert.Null(ParamLens.Layers.LayerCatalog.Find("NotAKerasClass"));
        Assert.Same(ParamLens.Layers.LayerCatalog.Get("NotAKerasClass"), ParamLens.Layers.LayerCatalog.Get("NotAKerasClass"));
        Assert.IsType<ParamLens.Layers.UnknownLayerDeclaration>(ParamLens.Layers.LayerCatalog.Get("NotAKerasClass"));
    }
}
