using System.Text;

namespace ParamLens.Printed;

/// <summary>Tells a pasted <c>model.summary()</c> from a model file by its content, and analyses it.</summary>
public static class PrintedSummaryInput
{
    /// <summary>Printed tables are small; a larger file is a model file, not a paste.</summary>
    private const long MaxPrintedBytes = 64L * 1024 * 1024;

    /// <summary>The analysis when the file holds a printed summary, else null (a model file for the other readers).</summary>
    public static PrintedAnalysis? TryRead(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length > MaxPrintedBytes) return null;
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(path));
        if (!PrintedSummaryReader.LooksLikeSummary(text) || text.TrimStart('\uFEFF').TrimStart().StartsWith('{')) return null;
        try
        {
            return PrintedAnalysis.Of(text);
        }
        catch (ModelException e)
        {
            throw ModelException.At(path, e);
        }
    }
}
