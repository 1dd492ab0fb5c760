using ParamLens.Layers;
using ParamLens.Accounting;
using ParamLens.Graph;
using ParamLens.Rendering;

namespace ParamLens.Python.Tests;

/// <summary>
/// Three programs that together use a layer of every family (core, convolution, pooling, normalization, recurrent,
/// attention, merging, reshaping, regularization, activations, embedding, preprocessing, wrappers and the Keras 2
/// legacy layers). Their totals are worked out here by hand; the explanation texts in Families/*.explain.txt were read
/// line by line against the layer catalog's formulas before they were stored.
/// </summary>
public class FamilyExplanationTests
{
    public static TheoryData<string, string, long, long> Programs => new()
    {
        {
            "image_pipeline.keras3.py", "default",
            // norm 2·3+1, up (3·3·3+1)·4, bn 4·4, gn 2·4, td (72+1)·5, einsum 5·6+6, convlstm 4·2·(2·2·(1+2)+1), probs (4+1)·3
            7 + 112 + 16 + 8 + 365 + 36 + 104 + 15,
            // non-trainable: norm mean 3 + variance 3 + count 1, bn moving statistics 2·4
            3 + 3 + 1 + 2 * 4
        },
        {
            "preprocessing_mix.keras3.py", "default",
            // sep 3·3·3·2 + 3·2·8 + 8, spectral 3·3·8·4 + 4 + vector_u 4, ln 2·4, emb 100·4, bilstm 2·4·3·(4+3+1), score 19+1
            110 + 296 + 8 + 400 + 192 + 20,
            // non-trainable: SpectralNormalization's vector_u, (1, 4)
            4
        },
        {
            "sequence_and_legacy.keras2.py", "2.12.0",
            // emb 50·8, rnn 6·(8+6+1), lc2d 16·18·2 + 4·4·2, gru 3·4·(6+4) + 2·3·4, additive scale 4, conv1d 3·2·4 + 4,
            // lc1d 13·8·3 + 13·3, gru_1 3·4·(6+4+1), attention scale 1, dense (4+1)·3, dense_1 (89+1)·2
            400 + 90 + 608 + 144 + 4 + 28 + 351 + 132 + 1 + 15 + 180,
            0
        },
    };

    private static string FamilyFile(string name) => Path.Combine(AppContext.BaseDirectory, "Families", name);

    /// <summary>Runs a program; "default" is the Keras version the command line emulates when given none.</summary>
    private static Model Build(string program, string version)
    {
        var run = PythonModelSource.Run(File.ReadAllText(FamilyFile(program)).Replace("\r\n", "\n"), program, null,
            new PythonRunOptions { Version = version == "default" ? null : KerasVersion.Parse(version), Limits = new Limits() });
        if (run.StoppedBy is { } e) throw e;
        return Assert.Single(run.TopLevelModels);
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Totals_match_the_hand_arithmetic(string program, string version, long total, long nonTrainable)
    {
        var account = ModelAccount.Of(Build(program, version));
        Assert.Equal(total, account.TotalParams);
        Assert.Equal(nonTrainable, account.NonTrainableParams);
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Explanation_matches_the_reviewed_text(string program, string version, long total, long nonTrainable)
    {
        _ = (total, nonTrainable);
        var text = TextExplanation.Render(Explanation.Of(ModelAccount.Of(Build(program, version))));
        Assert.Equal(File.ReadAllText(FamilyFile(Path.ChangeExtension(program, ".explain.txt"))).Replace("\r\n", "\n"), text);
    }
}
