using ParamLens.Graph;
using ParamLens.Printed;
using ParamLens.Python;

namespace ParamLens.Inputs;

/// <summary>
/// One input format. <see cref="ModelSource"/> asks each registered reader in turn whether it recognises the input (by
/// its content; a name is only a hint) and lets the first that does read it.
/// </summary>
public interface IModelReader
{
    /// <summary>The format, in words, for messages and the documentation.</summary>
    string Name { get; }

    /// <summary>Whether the input is in this format, judged from its first bytes, its text or its parsed JSON.</summary>
    bool Recognises(ModelInput input);

    /// <summary>Reads the input; errors are <see cref="ModelException"/>s that say what is wrong and where.</summary>
    ModelDocument Read(ModelInput input, ModelSource.Options options);
}

/// <summary>
/// What an input holds once read: the models (one for a model file; those a program built), the weights a file
/// stores, the table a pasted summary shows, or what a program printed, and notes for the user.
/// </summary>
public sealed record ModelDocument
{
    /// <summary>The format recognised from the content, in words.</summary>
    public required string Format { get; init; }

    /// <summary>The models to report, in order; empty for a printed summary, which has a table instead of a graph.</summary>
    public IReadOnlyList<Model> Models { get; init; } = [];

    /// <summary>The weights the file (or the weights file given beside a config) stores; null when it stores none.</summary>
    public StoredWeights? Stored { get; init; }

    /// <summary>A pasted <c>model.summary()</c> table, read back and analysed.</summary>
    public PrintedAnalysis? Printed { get; init; }

    /// <summary>The run of a Python program or notebook: what it printed, the summaries it asked for.</summary>
    public PythonRun? Program { get; init; }

    /// <summary>Things the user should know that do not stop the reading (one line each, without a prefix).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The one model of a model file.</summary>
    public Model Model => Models.Count > 0 ? Models[0] : throw new ModelException($"the input holds no model graph ({Format})");

    /// <summary>A model file's one model with the weights it stores.</summary>
    public static ModelDocument OfFile(Model model, StoredWeights? stored, string format) =>
        new() { Format = format, Models = [model], Stored = stored };
}
