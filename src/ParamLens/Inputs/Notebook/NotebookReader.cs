using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ParamLens.Python;

namespace ParamLens.Inputs;

/// <summary>
/// A Jupyter notebook (<c>.ipynb</c>, nbformat 3 and 4): its code cells run in order as one program, as "Run All" runs
/// them; IPython lines (shell commands, magics, help) do nothing; stored outputs are ignored. Messages name the cell
/// (counted from 1 over all cells, as the notebook shows them) and the line within it.
/// </summary>
internal sealed class NotebookReader : IModelReader
{
    public const string Format = "Jupyter notebook";

    public string Name => "Jupyter notebook (.ipynb) whose Python code cells build a Keras model";

    public bool Recognises(ModelInput input) =>
        !input.HasExtension(".py") && input.LooksLikeJson && input.Json is JsonObject root && root.ContainsKey("nbformat")
        && (root["cells"] is JsonArray || root["worksheets"] is JsonArray);

    public ModelDocument Read(ModelInput input, ModelSource.Options options)
    {
        var root = (JsonObject)input.Json!;
        if (KernelLanguage(root) is { } language && !language.Equals("python", StringComparison.OrdinalIgnoreCase))
            throw new ModelException($"this notebook's kernel runs {language}, not Python; ParamLens runs Python notebooks");
        var program = new StringBuilder();
        var map = new CellMap();
        var replaced = new List<string>();
        var line = 1;
        var cells = CodeCells(root).ToList();
        foreach (var (index, source, _) in cells)
        {
            var (python, cellReplaced) = IPythonSyntax.ToPython(source);
            replaced.AddRange(cellReplaced);
            var lines = python.Split('\n');
            map.Add(line, index);
            program.Append(python).Append("\n\n"); // a blank line between cells: each cell ends its own statements
            line += lines.Length + 1;
        }
        if (map.IsEmpty) throw new ModelException("the notebook has no code cells");
        List<string> notes = [];
        if (options.VersionOverride is null && options.Program.Version is null && KerasEraEvidence.Infer(cells.Select(c => (c.Source, c.Output))) is var (version, why))
        {
            options = options with { Program = options.Program with { Version = version } };
            notes.Add($"{input.Name}: emulating Keras {version} because {why}; --keras-version sets another");
        }
        try
        {
            var document = PythonSourceReader.Document(program.ToString(), input.Name, input.Folder, options, Format, notes);
            return document with { Notes = [.. document.Notes.Select(n => map.Describe(n, input.Name))] };
        }
        catch (ModelException e)
        {
            throw new ModelException(map.Describe(e.Message, input.Name));
        }
    }

    /// <summary>The code cells (nbformat 4, or the first worksheet of nbformat 3): their 1-based position among all
    /// cells, their source, and their stored text output (streams and plain-text results) as one text each.</summary>
    private static IEnumerable<(int Index, string Source, string Output)> CodeCells(JsonObject root)
    {
        var cells = root["cells"] as JsonArray ?? (root["worksheets"] as JsonArray)?.FirstOrDefault()?["cells"] as JsonArray ?? [];
        var index = 0;
        foreach (var cell in cells)
        {
            index++;
            if (cell is not JsonObject c || Text(c["cell_type"]) != "code") continue;
            var output = new StringBuilder();
            foreach (var o in c["outputs"] as JsonArray ?? [])
                output.Append(Joined(o?["text"]) ?? Joined(o?["data"]?["text/plain"]) ?? "");
            yield return (index, Joined(c["source"] ?? c["input"]) ?? "", output.ToString()); // nbformat 3 calls it input
        }
    }

    private static string? KernelLanguage(JsonObject root) =>
        Text(root["metadata"]?["kernelspec"]?["language"]) ?? Text(root["metadata"]?["language_info"]?["name"]);

    /// <summary>A notebook text field: one string, or a list of lines as Jupyter writes them.</summary>
    private static string? Joined(JsonNode? node) => node switch
    {
        JsonArray parts => string.Concat(parts.Select(Text)),
        _ => Text(node),
    };

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Where each cell starts in the joined program, to turn its line numbers back into cell and line.</summary>
    private sealed class CellMap
    {
        private readonly List<(int FirstLine, int Cell)> _starts = [];

        public bool IsEmpty => _starts.Count == 0;

        public void Add(int firstLine, int cell) => _starts.Add((firstLine, cell));

        /// <summary>The message with each <c>FILE", line N</c>, <c>FILE, line N</c> or note's <c>line N:</c> of the notebook's own
        /// code read as cell and line.</summary>
        public string Describe(string message, string file) =>
            Regex.Replace(message, "(?:" + Regex.Escape(file) + "(\"?), |(?<=^|\n)\\s*)line (\\d+)\\b", m =>
            {
                if (!int.TryParse(m.Groups[2].Value, out var line)) return m.Value;
                var start = _starts.LastOrDefault(s => s.FirstLine <= line);
                if (start == default) return m.Value;
                var prefix = m.Value[..m.Value.IndexOf("line ", StringComparison.Ordinal)];
                return $"{prefix}cell {start.Cell}, line {line - start.FirstLine + 1}";
            });
    }
}
