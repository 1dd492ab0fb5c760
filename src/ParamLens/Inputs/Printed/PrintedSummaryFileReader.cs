using ParamLens.Printed;

namespace ParamLens.Inputs;

/// <summary>A pasted <c>model.summary()</c> table (any Keras era): text with a <c>Layer (type)</c> header and a
/// <c>Total params:</c> line, read back and analysed.</summary>
internal sealed class PrintedSummaryFileReader : IModelReader
{
    public const string Format = "printed model.summary()";

    public string Name => "printed model.summary() table (Keras 1, 2 and 3 layouts)";

    public bool Recognises(ModelInput input) =>
        input.Text is { } text && !input.LooksLikeJson && PrintedSummaryReader.LooksLikeSummary(text);

    public ModelDocument Read(ModelInput input, ModelSource.Options options) =>
        new() { Format = Format, Printed = PrintedAnalysis.Of(input.Text!) };
}
