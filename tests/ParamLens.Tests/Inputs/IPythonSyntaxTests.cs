using ParamLens.Inputs;

namespace ParamLens.Tests.Inputs;

/// <summary>Notebook lines that are IPython, not Python, do nothing; everything else is left exactly as written, line for line.</summary>
public class IPythonSyntaxTests
{
    private static string[] Lines(string code) => IPythonSyntax.ToPython(code).Python.Split('\n');

    [Theory]
    [InlineData("%matplotlib inline", "pass")]
    [InlineData("!pip install tensorflow==2.4", "pass")]
    [InlineData("model.summary?", "pass")]
    [InlineData("keras.layers.Dense??", "pass")]
    [InlineData("?Dense", "pass")]
    [InlineData("%time model = build()", "model = build()")]
    [InlineData("%timeit -n 3 f()", "pass")] // options before the statement: not run
    [InlineData("files = !ls data", "files = []")]
    [InlineData("%load_ext autoreload", "pass")]
    public void An_ipython_line_becomes_python(string line, string python) => Assert.Equal(python, Lines(line)[0]);

    [Fact]
    public void Indentation_is_kept_inside_blocks()
    {
        Assert.Equal(["if True:", "    pass", "    x = 1"], Lines("if True:\n    !echo hi\n    x = 1"));
    }

    [Fact]
    public void A_shell_command_continued_with_backslashes_is_skipped_whole()
    {
        Assert.Equal(["pass", "", "", "x = 1"], Lines("!wget --quiet \\\n    https://example.com/data.json \\\n    -O /tmp/data.json\nx = 1"));
    }

    [Fact]
    public void Python_that_looks_like_ipython_is_left_alone()
    {
        const string code = "y = (a\n     % b)\ns = '''\n%not a magic\n!not a shell line\n'''\nz = a != b\nw = x % 2  # odd?\n";
        Assert.Equal(code, IPythonSyntax.ToPython(code).Python);
        Assert.Empty(IPythonSyntax.ToPython(code).Replaced);
    }

    [Fact]
    public void A_cell_magic_that_runs_python_keeps_its_body()
    {
        Assert.Equal(["", "x = 1"], Lines("%%time\nx = 1"));
    }

    [Fact]
    public void A_cell_magic_of_another_language_skips_its_cell()
    {
        Assert.Equal(["", "", ""], Lines("%%bash\nls -l\nx = 1"));
    }

    [Fact]
    public void The_note_names_what_was_skipped()
    {
        var (_, replaced) = IPythonSyntax.ToPython("%matplotlib inline\n!pip install keras\nx = 1");
        Assert.Equal("nb.ipynb: 2 IPython lines (shell commands, magics, help) did nothing here: %matplotlib inline, !pip install keras",
            IPythonSyntax.Note("nb.ipynb", replaced));
        Assert.Null(IPythonSyntax.Note("x.py", []));
    }
}
