using System.Numerics;

namespace ParamLens.Python.Tests;

public class LexerTests
{
    private static List<Token> Lex(string s) => Lexer.Tokenize(s, "t.py");
    private static string Kinds(string s) => string.Join(" ", Lex(s).Select(t => t.Kind switch
    {
        TokenKind.Name or TokenKind.Op => t.Text,
        TokenKind.Number => "NUM",
        TokenKind.String => "STR",
        TokenKind.Newline => "NL",
        TokenKind.Indent => "IN",
        TokenKind.Dedent => "DE",
        _ => "END",
    }));

    [Fact]
    public void Indentation_Produces_Indent_And_Dedent() =>
        Assert.Equal("if x : NL IN y NL if z : NL IN w NL DE DE v NL END", Kinds("if x:\n    y\n    if z:\n        w\n\n  # comment\nv\n"));

    [Fact]
    public void Brackets_Join_Lines_And_Backslash_Continues() =>
        Assert.Equal("x = ( NUM , NUM ) + NUM NL END", Kinds("x = (1,\n     2) + \\\n 3\n"));

    [Theory]
    [InlineData("42", 42)]
    [InlineData("0x1F", 31)]
    [InlineData("0o17", 15)]
    [InlineData("0b101", 5)]
    [InlineData("1_000_000", 1000000)]
    public void Integer_Literals(string text, long expected) => Assert.Equal(new BigInteger(expected), Lex(text)[0].Number);

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData(".5", 0.5)]
    [InlineData("1e-3", 0.001)]
    [InlineData("2.5E+2", 250.0)]
    [InlineData("1_0.0_1", 10.01)]
    public void Float_Literals(string text, double expected) => Assert.Equal(expected, Lex(text)[0].Number);

    [Theory]
    [InlineData("'a\\tb'", "a\tb")]
    [InlineData("\"it's\"", "it's")]
    [InlineData("r'a\\nb'", "a\\nb")]
    [InlineData("'''x\ny'''", "x\ny")]
    [InlineData("'\\x41\\u00e9'", "Aé")]
    [InlineData("'a\\\nb'", "ab")]
    public void String_Literals(string text, string expected) => Assert.Equal(expected, Lex(text)[0].Text);

    [Fact]
    public void FString_Keeps_Its_Raw_Body()
    {
        var t = Lex("f'{x:>4}'")[0];
        Assert.True(t.IsFString);
        Assert.Equal("{x:>4}", t.Text);
    }

    [Fact]
    public void Bad_Dedent_Is_A_Syntax_Error_With_The_Line()
    {
        var e = Assert.Throws<PythonError>(() => Lex("if x:\n    y\n  z\n"));
        Assert.Equal("SyntaxError", e.Kind);
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void Unterminated_String_Is_An_Error() =>
        Assert.Contains("unterminated string", Assert.Throws<PythonError>(() => Lex("x = 'abc\n")).Message);
}
