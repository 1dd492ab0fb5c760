using ParamLens.Inputs;
using ParamLens.Rendering;

namespace ParamLens.Tests.Inputs;

/// <summary>
/// <c>paramlens explain</c> on real corpus models (../shared/corpus, read in place), compared with golden text under
/// Golden/explain. Each golden file is the CLI's output checked line by line before it was stored: every weight's shape,
/// count and trainable flag against the case's expected.json (derived from the file's stored weights); each layer's
/// count formula, the totals and the trainable/non-trainable split (BatchNormalization moving statistics, frozen layers)
/// redone by hand and against the layer catalog and summary-format references in ../shared/reference; the output shapes
/// of convolution, pooling, up-sampling, flatten and recurrent layers recomputed by hand from the stored config; the
/// byte sizes as float32 counts; and the optimizer counts as Adam's two slots per trainable value plus its step count
/// and learning rate.
/// </summary>
public class ExplainGoldenTests
{
    private static string CorpusRoot => Path.Combine(TestPaths.Shared, "corpus");

    /// <summary>Case id and the model file inside its folder; none of them prints a path or anything machine-specific.</summary>
    public static readonly TheoryData<string, string> TextCases = new()
    {
        { "h5-lenet-seq-k2.1.4", "lenet.h5" },
        { "h5-nvidia-steering-k1.2.1", "model.h5" },
        { "h5-siamese-shared-nested-k2.8", "siamese_model.h5" },
        { "h5-lstm-seq-k2.3.1", "model.h5" },
        { "h5-gru-k3.13-legacy", "gru_model.h5" },
        { "h5-simplernn-k3.13-legacy", "rnn_model.h5" },
        { "h5-convlstm2d-k3.8-legacy", "convlstm_model.h5" },
        { "v3-cnn1d-bn-k3.8", "cnn_model.keras" },
        { "v3-transformer-mha-k3.9", "transformer_model.keras" },
        { "tfjs-cnn-seq-k2.1.6", "model.json" },
        { "tfjs-stacked-lstm-k2.4.0", "model.json" },
        { "tfjs-teachable-audio-frozen", "model.json" },
        { "json-hls4ml-3layer-bn-k2.0.8", "KERAS_3layer_batch_norm.json" },
        { "json-embedding-lstm-k2.2.4", "model.json" },
    };

    [SharedTheory]
    [MemberData(nameof(TextCases))]
    public void Text_explanation_matches_the_checked_golden_file(string id, string file) =>
        Assert.Equal(Golden($"{id}.txt"), Explain(Renderers.Text, id, file));

    /// <summary>Markdown goldens for some of the same cases, checked the same way (the same formulas, weights and totals).</summary>
    public static readonly TheoryData<string, string> MarkdownCases = new()
    {
        { "h5-lenet-seq-k2.1.4", "lenet.h5" },
        { "h5-siamese-shared-nested-k2.8", "siamese_model.h5" },
        { "tfjs-teachable-audio-frozen", "model.json" },
    };

    [SharedTheory]
    [MemberData(nameof(MarkdownCases))]
    public void Markdown_explanation_matches_the_checked_golden_file(string id, string file) =>
        Assert.Equal(Golden($"{id}.md"), Explain(Renderers.Markdown, id, file));

    /// <summary>The explanation as <c>paramlens explain</c> renders it for a model file.</summary>
    private static string Explain(IRenderer renderer, string id, string file) =>
        renderer.ToText(Report.Of(ModelSource.Open(Path.Combine(CorpusRoot, id, file)).Models));

    private static string Golden(string name) => File.ReadAllText(Path.Combine(TestPaths.Golden, "explain", name));
}
