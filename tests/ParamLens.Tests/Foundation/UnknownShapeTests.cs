using ParamLens.Layers;
using System.Text.Json.Nodes;
using ParamLens.Accounting;
using ParamLens.Building;
using ParamLens.Inputs;
using ParamLens.Graph;
using ParamLens.Rendering;
using ParamLens.Shapes;

namespace ParamLens.Tests.Foundation;

/// <summary>
/// Layers whose output shape cannot be derived (a class not known here, a Lambda without output_shape): their shape is
/// unknown, so are the shapes after them and the weights built from those shapes; a class not known here has unknown
/// weights of its own too. All of these stay unknown unless a file stores the weights; counts over unknown weights are
/// unknown, never partial sums; every renderer and the CLI say so and carry on.
/// </summary>
public class UnknownShapeTests
{
    /// <summary>x (None, 8) → block (MyBlock, a custom class with no output_shape) → head Dense(4) → drop → out Dense(2).</summary>
    private const string CustomBlockModel = """
        {"class_name": "Functional", "keras_version": "2.15.0", "config": {"name": "m",
          "layers": [
            {"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_input_shape": [null, 8]}, "inbound_nodes": []},
            {"class_name": "MyBlock", "name": "block", "config": {"name": "block", "width": 5}, "inbound_nodes": [[["x", 0, 0, {}]]]},
            {"class_name": "Dense", "name": "head", "config": {"name": "head", "units": 4}, "inbound_nodes": [[["block", 0, 0, {}]]]},
            {"class_name": "Dropout", "name": "drop", "config": {"name": "drop", "rate": 0.5}, "inbound_nodes": [[["head", 0, 0, {}]]]},
            {"class_name": "Dense", "name": "out", "config": {"name": "out", "units": 2}, "inbound_nodes": [[["drop", 0, 0, {}]]]}],
          "input_layers": [["x", 0, 0]], "output_layers": [["out", 0, 0]]}}
        """;

    private static Model CustomBlock() => ModelSource.LoadJson(CustomBlockModel);

    /// <summary>The weights a file would store for <see cref="CustomBlockModel"/>: the block keeps a scale and a running
    /// mean of width 8, head a 5×4 kernel (the block's real output is 5 wide) and a bias, out a 4×2 kernel and a bias.</summary>
    private static ModelDocument WithStoredWeights(Model model)
    {
        var stored = new StoredWeights("test", [
            new StoredWeight(["block"], "block/scale:0", [8], "float32"),
            new StoredWeight(["block"], "block/moving_mean:0", [8], "float32"),
            new StoredWeight(["head"], "head/kernel:0", [5, 4], "float32"),
            new StoredWeight(["head"], "head/bias:0", [4], "float32"),
            new StoredWeight(["out"], "out/kernel:0", [4, 2], "float32"),
            new StoredWeight(["out"], "out/bias:0", [2], "float32"),
        ]);
        var file = ModelDocument.OfFile(model, stored, "test");
        UnknownLayerWeights.Adopt(file);
        return file;
    }

    private static LayerAccount Row(ModelAccount account, string name) => account.Layers.Single(r => r.Layer.Name == name);

    [Fact]
    public void UnknownShape_HasNoRankToRead()
    {
        Assert.True(Shape.Unknown.IsUnknownRank);
        Assert.False(Shape.Scalar.IsUnknownRank);
        Assert.Null(Shape.Unknown.ElementCount);
        Assert.False(Shape.Unknown.IsFullyKnown);
        Assert.Equal("?", Shape.Unknown.ToPythonTuple());
        Assert.Equal("?", Shape.Unknown.ToKeras3Text());
        Assert.NotEqual(Shape.Scalar, Shape.Unknown); // not an empty shape
        Assert.Equal(Shape.Unknown, Shape.Unknown);
        Assert.Throws<ModelException>(() => Shape.Unknown.Rank);
        Assert.Throws<ModelException>(() => Shape.Unknown[0]);
        Assert.Throws<ModelException>(() => Shape.Unknown.ToArray());
    }

    [Fact]
    public void CustomClassWithoutShape_MakesTheFollowingShapesAndDenseCountsUnknown()
    {
        var model = CustomBlock();
        var account = ModelAccount.Of(model);
        foreach (var name in new[] { "block", "head", "drop", "out" })
            Assert.True(model.Layers.Single(l => l.Name == name).InboundNodes[0].Outputs[0].Shape.IsUnknownRank, name);
        Assert.Null(Row(account, "head").Params);
        Assert.Null(Row(account, "out").Params);
        Assert.Equal(0, Row(account, "drop").Params); // Dropout builds no weights whatever its input: exact
        Assert.Null(Row(account, "block").Params); // its Python code builds its weights, and a config does not store them
        Assert.Null(account.TotalParams);
        Assert.Null(account.TrainableParams);
        Assert.Null(account.NonTrainableParams);
        Assert.Null(account.TotalBytes);
        Assert.Equal(["block", "head", "out"], account.UnknownLayers.Select(l => l.Name));
        // block's own weights and, through its shape, those of head and out: one reason, naming block once
        Assert.Equal("the output shape and the weights of layer 'block' (MyBlock) could not be derived", account.UnknownTotalsReason);

        var head = model.Layers.Single(l => l.Name == "head");
        Assert.Contains(head.InboundNodes[0].Call!.Notes, n => n.StartsWith("its input from 'block' (MyBlock) has an unknown shape", StringComparison.Ordinal));
        var outLayer = model.Layers.Single(l => l.Name == "out");
        Assert.Same(model.Layers.Single(l => l.Name == "block"), outLayer.InboundNodes[0].UnknownShapeOrigin);
        Assert.Contains("it follows from layer 'block' (MyBlock)", outLayer.UnderivedWeightsReason);
    }

    [Fact]
    public void StoredWeights_GiveEveryCountEvenWhereShapesAreUnknown()
    {
        var file = WithStoredWeights(CustomBlock());
        var account = ModelAccount.Of(file.Model);
        Assert.True(account.IsComplete);
        Assert.Equal(8 + 8, Row(account, "block").Params);
        Assert.Equal(8, Row(account, "block").NonTrainableParams); // moving_mean: a running statistic by its name
        Assert.Equal(5 * 4 + 4, Row(account, "head").Params);
        Assert.Equal(4 * 2 + 2, Row(account, "out").Params);
        Assert.Equal(0, Row(account, "drop").Params);
        Assert.Equal(16 + 24 + 10, account.TotalParams);
        Assert.Equal(8 + 24 + 10, account.TrainableParams);
        Assert.Equal(8, account.NonTrainableParams);
        Assert.True(file.Model.Layers.Single(l => l.Name == "head").InboundNodes[0].Outputs[0].Shape.IsUnknownRank);
    }

    [Fact]
    public void StoredWeights_ThatLeaveALayerOut_LeaveItsCountAndTheTotalsUnknown()
    {
        var model = CustomBlock();
        var stored = new StoredWeights("test", [
            new StoredWeight(["head"], "head/kernel:0", [5, 4], "float32"),
            new StoredWeight(["head"], "head/bias:0", [4], "float32"),
        ]);
        var file = ModelDocument.OfFile(model, stored, "test");
        UnknownLayerWeights.Adopt(file);
        var account = ModelAccount.Of(model);
        Assert.Equal(5 * 4 + 4, Row(account, "head").Params);
        Assert.Equal(0, Row(account, "block").Params); // Keras saves every layer's weights: none stored for a custom class means none
        Assert.Null(Row(account, "out").Params); // a Dense builds weights: nothing stored means the file does not cover it
        Assert.Null(account.TotalParams);
        var verification = WeightVerification.Of(model, stored);
        Assert.True(verification.Agrees);
        Assert.Contains(verification.Unchecked, u => u.StartsWith("layer 'out' (Dense): its weights could not be derived", StringComparison.Ordinal)
            && u.Contains("so they are unknown, not checked"));
    }

    [Fact]
    public void Verify_SaysWhichWeightsCouldNotBeDerived_WithoutCallingThemDisagreements()
    {
        var file = WithStoredWeights(CustomBlock());
        var verification = WeightVerification.Of(file.Model, file.Stored!);
        Assert.True(verification.Agrees);
        Assert.Equal(3, verification.Unchecked.Count); // block (class not known here), head and out (input shape unknown)
        Assert.Contains(verification.Unchecked, u => u.StartsWith("layer 'head' (Dense): its weights could not be derived", StringComparison.Ordinal));
        var report = verification.Report();
        Assert.Contains("not checked: layer 'out' (Dense): its weights could not be derived", report);
        Assert.Contains("(3 layer(s) not checked)", report);
    }

    [Fact]
    public void CustomClassWithOutputShape_HasOnlyItsOwnCountUnknown_AndEverySummarySaysSo()
    {
        var model = ModelSource.LoadJson(CustomBlockModel.Replace("\"width\": 5}", "\"width\": 5, \"output_shape\": [5]}", StringComparison.Ordinal));
        var account = ModelAccount.Of(model);
        Assert.Equal(5 * 4 + 4, Row(account, "head").Params); // block's output_shape (None, 5) feeds head
        Assert.Equal(4 * 2 + 2, Row(account, "out").Params);
        Assert.Null(Row(account, "block").Params);
        Assert.Equal("the weights of layer 'block' (MyBlock) could not be derived", account.UnknownTotalsReason);
        var unknown = Explanation.Of(account).Unknown!;
        Assert.Empty(unknown.Shapes);
        Assert.Equal("layer 'block' (MyBlock): 'MyBlock' is not a Keras layer class known here (a custom or newer class), so the weights it " +
            "builds cannot be derived; the parameter counts of 1 layer(s) and the totals are unknown", unknown.OneLine);
        var text = TextExplanation.Render(Explanation.Of(account));
        Assert.Contains("  so the totals are unknown; the counts still known: x 0, head 24, drop 0, out 10\n", text);
        Assert.Contains("  ? (block) + 24 + 10 = unknown total\n", text);
    }

    [Fact]
    public void StoredWeights_OfACustomClass_SayWhyTheirRoleIsNotDerived_AndVerifyDoesNotRepeatIt()
    {
        var file = WithStoredWeights(CustomBlock());
        var scale = file.Model.Layers.Single(l => l.Name == "block").OwnWeights[0];
        Assert.Equal("stored in the file as 'block/scale:0'; 'MyBlock' is not a class known here, so its role is not derived and it is taken as trainable",
            scale.Spec.Role);
        var block = WeightVerification.Of(file.Model, file.Stored!).Unchecked.Single(u => u.StartsWith("layer 'block'", StringComparison.Ordinal));
        Assert.StartsWith("layer 'block' (MyBlock): 'MyBlock' is not a Keras layer class known here (a custom or newer class), so the weights it " +
            "builds cannot be derived: they are counted as stored, not checked; the file stores 2 weight(s) for it", block);
    }

    [Fact]
    public void Keras3Table_ShowsQuestionMarks_AndSaysWhyTheTotalIsUnknown()
    {
        var text = Keras3Summary.Render(ModelAccount.Of(CustomBlock()), new SummaryOptions { KerasVersion = KerasVersion.Parse("3.6.0") });
        var cells = Cells(text, "│ head (Dense)");
        Assert.Equal(["head (Dense)", "?", "?"], cells);
        Assert.Equal(["drop (Dropout)", "?", "0"], Cells(text, "│ drop (Dropout)"));
        Assert.Equal(["block (MyBlock)", "?", "?"], Cells(text, "│ block (MyBlock)"));
        Assert.EndsWith(" Total params: unknown (the output shape and the weights of layer 'block' (MyBlock) could not be derived)\n" +
            " Trainable params: unknown\n Non-trainable params: unknown\n", text);

        static string[] Cells(string table, string start) =>
            table.Split('\n').Single(l => l.StartsWith(start, StringComparison.Ordinal)).Split('│', StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()).ToArray();
    }

    [Fact]
    public void Keras3Table_WithStoredWeights_ShowsUnknownShapesBesideKnownCounts()
    {
        var text = Keras3Summary.Render(ModelAccount.Of(WithStoredWeights(CustomBlock()).Model), new SummaryOptions { KerasVersion = KerasVersion.Parse("3.6.0") });
        var head = text.Split('\n').Single(l => l.StartsWith("│ head (Dense)", StringComparison.Ordinal)).Split('│', StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim());
        Assert.Equal(["head (Dense)", "?", "24"], head);
        Assert.Contains(" Total params: 50 (200.00 B)\n", text); // 50 float32 weights × 4 bytes
    }

    [Fact]
    public void Keras3Table_TrainableColumn_IsUnknownWhereTheWeightsAre()
    {
        var text = Keras3Summary.Render(ModelAccount.Of(CustomBlock()), new SummaryOptions { KerasVersion = KerasVersion.Parse("3.6.0"), ShowTrainable = true });
        string Trainable(string layer) => text.Split('\n').Single(l => l.StartsWith($"│ {layer}", StringComparison.Ordinal)).Split('│', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
        Assert.Equal("?", Trainable("head (Dense)"));
        Assert.Equal("-", Trainable("drop (Dropout)"));
    }

    [Theory]
    [InlineData("2.15.0")] // 2.13+: counts without separators, sizes after them
    [InlineData("2.4.0")]  // ≤ 2.6: cells cut at the column end
    public void Keras2Table_ShowsQuestionMarks_AndSaysWhyTheTotalIsUnknown(string version)
    {
        var text = Keras2Summary.Render(ModelAccount.Of(CustomBlock()), new SummaryOptions { KerasVersion = KerasVersion.Parse(version) });
        var head = text.Split('\n').Single(l => l.TrimStart().StartsWith("head (Dense)", StringComparison.Ordinal)); // 2.13+ rows start with a space
        Assert.Equal(["head", "(Dense)", "?", "?"], head.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Total params: unknown (the output shape and the weights of layer 'block' (MyBlock) could not be derived)\nTrainable params: unknown\nNon-trainable params: unknown\n", text);
    }

    [Fact]
    public void JsonReport_WritesUnknownShapesAndCountsAsNull()
    {
        var json = JsonNode.Parse(JsonReport.Render([Explanation.Of(ModelAccount.Of(CustomBlock()))]))!;
        Assert.Null(json["total_params"]);
        Assert.Null(json["trainable_params"]);
        Assert.Null(json["non_trainable_params"]);
        Assert.Null(json["total_bytes"]);
        var head = json["layers"]!.AsArray().Single(l => l!["name"]!.GetValue<string>() == "head")!;
        Assert.Equal("[null]", head["output_shapes"]!.ToJsonString());
        Assert.Equal("[null]", head["input_shapes"]!.ToJsonString());
        Assert.Null(head["params"]);
        Assert.Contains("its input from 'block' (MyBlock) has an unknown shape", head["unknown_params_reason"]!.GetValue<string>());
        var block = json["layers"]!.AsArray().Single(l => l!["name"]!.GetValue<string>() == "block")!;
        Assert.Equal("[[null,8]]", block["input_shapes"]!.ToJsonString());
        Assert.Null(block["params"]);
        Assert.StartsWith("'MyBlock' is not a Keras layer class known here", block["unknown_params_reason"]!.GetValue<string>());
        var unknown = json["unknown"]!;
        Assert.Equal("the output shape and the weights of layer 'block' (MyBlock) could not be derived", unknown["totals"]!.GetValue<string>());
        Assert.Equal("""{"x":0,"drop":0}""", unknown["known_counts"]!.ToJsonString());
        Assert.Equal("""["block (MyBlock)","head (Dense)","out (Dense)"]""", unknown["counts"]!.ToJsonString());
        Assert.Equal(["layer 'block' (MyBlock): 'MyBlock' is not a Keras layer class known here (a custom or newer class), so the weights it builds cannot be derived"],
            unknown["weights"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void TextExplanation_SaysWhatCouldNotBeDerived_AndWhichCountsAreStillKnown()
    {
        var text = TextExplanation.Render(Explanation.Of(ModelAccount.Of(CustomBlock())));
        Assert.Contains("5 layers, parameter count unknown (see below)", text);
        Assert.Contains("\nWhat could not be derived\n", text);
        Assert.Contains("  layer 'block' (MyBlock): the output shape of 'MyBlock' cannot be derived", text);
        Assert.Contains("  so the output shapes of 4 layer(s) are unknown (?): block, head, drop, out\n", text);
        Assert.Contains("\n  layer 'block' (MyBlock): 'MyBlock' is not a Keras layer class known here (a custom or newer class), so the weights it builds cannot be derived\n", text);
        Assert.Contains("so their parameter counts are unknown: block (MyBlock), head (Dense), out (Dense)\n", text);
        Assert.Contains("  so the totals are unknown; the counts still known: x 0, drop 0\n", text);
        Assert.Contains("  ? (block) + ? (head) + ? (out) = unknown total\n", text);
        Assert.Equal(2, text.Split("is not a Keras layer class known here").Length - 1); // in block's notes and in the section, no more
        Assert.DoesNotContain("\n  0 total", text);
    }

    [Fact]
    public void MarkdownExplanation_HasTheSameSection()
    {
        var text = MarkdownExplanation.Render(Explanation.Of(ModelAccount.Of(CustomBlock())));
        Assert.Contains("parameter count **unknown** (the output shape and the weights of layer 'block' (MyBlock) could not be derived)", text);
        Assert.Contains("\n## What could not be derived\n\n- layer 'block' (MyBlock): ", text);
        Assert.Contains("- so the totals are unknown; the counts still known: x 0, drop 0\n", text);
    }

    [Fact]
    public void Explanation_WithStoredWeights_ListsUnknownShapesButKnownTotals()
    {
        var e = Explanation.Of(ModelAccount.Of(WithStoredWeights(CustomBlock()).Model));
        Assert.Equal(50, e.TotalParams);
        Assert.NotNull(e.Unknown);
        Assert.Null(e.Unknown!.TotalsReason);
        Assert.Equal(["block", "head", "drop", "out"], e.Unknown.UnknownShapeLayers);
        Assert.Contains("every parameter count is still known", TextExplanation.Render(e));
    }

    [Fact]
    public void Cli_CarriesOnWithExitCode0_AndNotesTheUnknownsOnStderr()
    {
        var path = Path.Combine(Path.GetTempPath(), $"paramlens-unknown-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, CustomBlockModel);
        try
        {
            foreach (var args in new[] { new[] { "summary", path }, ["summary", path, "--style", "keras2"], ["explain", path], ["explain", path, "--format", "json"] })
            {
                var stdout = new StringWriter();
                var stderr = new StringWriter();
                Assert.Equal(0, Cli.Run(args, stdout, stderr));
                Assert.StartsWith($"paramlens: note: {path}: layer 'block' (MyBlock): the output shape of 'MyBlock' cannot be derived", stderr.ToString());
                Assert.Contains("; layer 'block' (MyBlock): 'MyBlock' is not a Keras layer class known here", stderr.ToString());
                Assert.Contains("the parameter counts of 3 layer(s) and the totals are unknown", stderr.ToString());
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LambdaWithoutOutputShape_IsUnknown_ButHasNoWeights()
    {
        var k = new KerasSession(KerasVersion.Parse("2.15.0"));
        var x = k.Input(4);
        var lambda = k.Layer("Lambda", new { name = "double", function = "lambda x: x * 2" });
        var dense = k.Layer("Dense", new { name = "d", units = 3 });
        var model = k.Model(x, dense.Apply(lambda.Apply(x)));
        var account = ModelAccount.Of(model);
        Assert.True(lambda.InboundNodes[0].Outputs[0].Shape.IsUnknownRank);
        Assert.Equal(0, Row(account, "double").Params);
        Assert.Null(Row(account, "d").Params);
        Assert.Equal("the output shape of layer 'double' (Lambda) could not be derived", account.UnknownTotalsReason);
    }

    [Fact]
    public void WrapperAroundALambdaWithoutOutputShape_HasAnUnknownShape_AndItsOwnCount()
    {
        var k = new KerasSession(KerasVersion.Parse("2.15.0"));
        var x = k.Input(5, 3);
        var wrapper = k.Layer("TimeDistributed", JsonNode.Parse("""{"name": "td", "layer": {"class_name": "Lambda", "config": {"name": "f", "function": "lambda x: x"}}}""")!.AsObject());
        var model = k.Model(x, wrapper.Apply(x));
        Assert.True(wrapper.InboundNodes[0].Outputs[0].Shape.IsUnknownRank);
        Assert.StartsWith("the output shape of the wrapped 'f' cannot be derived (the output shape of a Lambda cannot be derived",
            wrapper.InboundNodes[0].Call!.UnknownOutputReason);
        Assert.Equal(0, ModelAccount.Of(model).TotalParams); // the step input (None, 3) is known, and a Lambda builds nothing
    }

    [Fact]
    public void RnnOverACustomCell_HasUnknownShapeAndWeights_UntilTheFileStoresThem()
    {
        var model = ModelSource.LoadJson("""
            {"class_name": "Functional", "keras_version": "2.15.0", "config": {"name": "m",
              "layers": [
                {"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_input_shape": [null, 10, 3]}, "inbound_nodes": []},
                {"class_name": "RNN", "name": "rnn", "config": {"name": "rnn", "cell": {"class_name": "MinimalCell", "config": {"name": "minimal_cell", "units": 6}}},
                 "inbound_nodes": [[["x", 0, 0, {}]]]}],
              "input_layers": [["x", 0, 0]], "output_layers": [["rnn", 0, 0]]}}
            """);
        var rnn = model.Layers.Single(l => l.Name == "rnn");
        Assert.True(rnn.InboundNodes[0].Outputs[0].Shape.IsUnknownRank);
        var account = ModelAccount.Of(model);
        Assert.Null(Row(account, "rnn").Params);
        Assert.Equal("the weights of layer 'rnn' (RNN) could not be derived", account.UnknownTotalsReason);

        // A file that stores the cell's kernel (3 × 6) and recurrent kernel (6 × 6) gives the count: 18 + 36 = 54.
        var file = ModelDocument.OfFile(model, new StoredWeights("test", [
            new StoredWeight(["rnn"], "rnn/minimal_cell/kernel:0", [3, 6], "float32"),
            new StoredWeight(["rnn"], "rnn/minimal_cell/recurrent_kernel:0", [6, 6], "float32"),
        ]), "test");
        UnknownLayerWeights.Adopt(file);
        Assert.Equal(3 * 6 + 6 * 6, ModelAccount.Of(model).TotalParams);
    }

    [Theory]
    [InlineData("""[{"class_name": "LSTMCell", "config": {"name": "lstm_cell", "units": 4}}, {"class_name": "MinimalCell", "config": {"name": "minimal_cell", "units": 6}}]""")]
    [InlineData("""{"class_name": "StackedRNNCells", "config": {"name": "stacked", "cells": [{"class_name": "MinimalCell", "config": {"name": "minimal_cell", "units": 6}}]}}""")]
    public void RnnOverStackedCells_WithACustomOne_HasUnknownShapeAndWeights(string cell)
    {
        var model = ModelSource.LoadJson("""
            {"class_name": "Functional", "keras_version": "2.15.0", "config": {"name": "m",
              "layers": [
                {"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_input_shape": [null, 10, 3]}, "inbound_nodes": []},
                {"class_name": "RNN", "name": "rnn", "config": {"name": "rnn", "cell": CELL}, "inbound_nodes": [[["x", 0, 0, {}]]]}],
              "input_layers": [["x", 0, 0]], "output_layers": [["rnn", 0, 0]]}}
            """.Replace("CELL", cell));
        var rnn = model.Layers.Single(l => l.Name == "rnn");
        Assert.True(rnn.InboundNodes[0].Outputs[0].Shape.IsUnknownRank);
        Assert.Null(ModelAccount.Of(model).TotalParams);
        Assert.Contains("'MinimalCell'", rnn.UnderivedWeightsReason);
    }

    [Fact]
    public void WrapperAroundACustomClass_HasUnknownWeights_EvenWhenTheShapeIsGiven()
    {
        var k = new KerasSession(KerasVersion.Parse("2.15.0"));
        var x = k.Input(5, 3);
        var wrapper = k.Layer("TimeDistributed", JsonNode.Parse("""{"name": "td", "layer": {"class_name": "QDense", "config": {"name": "q", "output_shape": [4]}}}""")!.AsObject());
        var model = k.Model(x, wrapper.Apply(x));
        Assert.Equal(Shape.Of(null, 5, 4), wrapper.InboundNodes[0].Outputs[0].Shape);
        var account = ModelAccount.Of(model);
        Assert.Null(account.TotalParams);
        Assert.Equal("the wrapped 'q' is 'QDense', a class not known here, so the weights built for it cannot be derived", wrapper.UnderivedWeightsReason);
    }

    [Fact]
    public void UnbuiltSequential_CalledOnAnUnknownShape_HasUnknownLayers()
    {
        var k = new KerasSession(KerasVersion.Parse("3.6.0"));
        var x = k.Input(4);
        var block = k.Layer("MyBlock", new { name = "block" });
        var tower = k.Sequential([k.Layer("Dense", new { name = "inner", units = 3 })], name: "tower");
        var model = k.Model(x, tower.Apply(block.Apply(x)));
        var account = ModelAccount.Of(model);
        var towerRow = Row(account, "tower");
        Assert.Null(towerRow.Params);
        Assert.Null(Assert.Single(towerRow.Children).Params);
        Assert.Equal(["block", "inner"], account.UnknownLayers.Select(l => l.Name)); // block: a class not known here
        Assert.Same(block, tower.Layers[0].UnderivedWeightsOrigin);
        var explained = Explanation.Of(account).Layers.Single(l => l.Name == "tower");
        Assert.Equal("the weights of some of its layers cannot be derived", explained.UnknownParamsReason);
    }

    [Fact]
    public void UnknownLayerWithSeveralConnectedOutputs_GivesThatManyUnknownOutputs()
    {
        var model = ModelSource.LoadJson("""
            {"class_name": "Functional", "keras_version": "2.15.0", "config": {"name": "m",
              "layers": [
                {"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_input_shape": [null, 8]}, "inbound_nodes": []},
                {"class_name": "Splitter", "name": "split", "config": {"name": "split"}, "inbound_nodes": [[["x", 0, 0, {}]]]},
                {"class_name": "Add", "name": "add", "config": {"name": "add"}, "inbound_nodes": [[["split", 0, 0, {}], ["split", 0, 1, {}]]]}],
              "input_layers": [["x", 0, 0]], "output_layers": [["add", 0, 0]]}}
            """);
        var split = model.Layers.Single(l => l.Name == "split");
        Assert.Equal(2, split.InboundNodes[0].Outputs.Count);
        Assert.All(split.InboundNodes[0].Outputs, t => Assert.True(t.Shape.IsUnknownRank));
        var account = ModelAccount.Of(model);
        Assert.Equal(0, Row(account, "add").Params); // Add builds no weights, whatever its unknown input shapes
        Assert.Null(Row(account, "split").Params); // a class not known here, and no file stores its weights
        Assert.Null(account.TotalParams);
        Assert.Equal("[?, ?]", Keras3Summary.ShapeText(split));
    }
}
