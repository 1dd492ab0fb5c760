namespace ParamLens.Python.Tests;

public class ParserTests
{
    private static IReadOnlyList<Stmt> Parse(string s) => Parser.ParseModule(s, "t.py").Body;

    [Fact]
    public void Operator_Precedence()
    {
        var e = Assert.IsType<ExprStmt>(Parse("1 + 2 * 3 ** 2")[0]).Value;
        var add = Assert.IsType<BinaryExpr>(e);
        Assert.Equal("+", add.Op);
        var mul = Assert.IsType<BinaryExpr>(add.Right);
        Assert.Equal("*", mul.Op);
        Assert.Equal("**", Assert.IsType<BinaryExpr>(mul.Right).Op);
    }

    [Fact]
    public void Function_Parameters_Of_Every_Kind()
    {
        var f = Assert.IsType<FunctionDef>(Parse("def f(a, b=1, *args, c, d=2, **kw):\n    pass\n")[0]);
        Assert.Equal(["a", "b", "args", "c", "d", "kw"], f.Parameters.Select(p => p.Name));
        Assert.Equal([ParameterKind.Positional, ParameterKind.Positional, ParameterKind.VarPositional, ParameterKind.KeywordOnly, ParameterKind.KeywordOnly, ParameterKind.VarKeyword],
            f.Parameters.Select(p => p.Kind));
    }

    [Fact]
    public void Tuple_Unpacking_Target()
    {
        var a = Assert.IsType<AssignStmt>(Parse("a, (b, *c) = x")[0]);
        var t = Assert.IsType<TupleExpr>(a.Targets[0]);
        Assert.IsType<StarredExpr>(Assert.IsType<TupleExpr>(t.Items[1]).Items[1]);
    }

    [Fact]
    public void Comprehension_With_Condition_And_Conditional_Element()
    {
        var c = Assert.IsType<ComprehensionExpr>(Assert.IsType<ExprStmt>(Parse("[a if a else b for a in xs if a > 1]")[0]).Value);
        Assert.IsType<ConditionalExpr>(c.Element);
        Assert.Single(c.Fors[0].Conditions);
    }

    [Fact]
    public void FString_Parts()
    {
        var f = Assert.IsType<FormattedString>(Assert.IsType<ExprStmt>(Parse("f'a{x!r:>{w}}b'")[0]).Value);
        Assert.Equal(3, f.Parts.Count);
        var v = Assert.IsType<FormattedValue>(f.Parts[1]);
        Assert.Equal('r', v.Conversion);
        Assert.NotNull(v.Spec);
    }

    [Fact]
    public void Relative_Import()
    {
        var i = Assert.IsType<ImportFromStmt>(Parse("from ..pkg.mod import a as b, c")[0]);
        Assert.Equal(2, i.Level);
        Assert.Equal("pkg.mod", i.Module);
        Assert.Equal("b", i.Names[0].AsName);
    }

    [Fact]
    public void Decorated_Class_And_Try()
    {
        var body = Parse("@dec\nclass A(B):\n    x: int = 1\ntry:\n    pass\nexcept (E, F) as e:\n    pass\nelse:\n    pass\nfinally:\n    pass\n");
        Assert.Single(Assert.IsType<ClassDef>(body[0]).Decorators);
        var t = Assert.IsType<TryStmt>(body[1]);
        Assert.Equal("e", t.Handlers[0].Name);
        Assert.Single(t.OrElse);
        Assert.Single(t.Finally);
    }

    [Theory]
    [InlineData("x = = 1", 1)]
    [InlineData("def f(:\n  pass", 1)]
    [InlineData("a = 1\nb = (2 +\n", 2)]
    [InlineData("1 = x", 1)]
    public void Syntax_Errors_Name_The_Line(string code, int line)
    {
        var e = Assert.Throws<PythonError>(() => Parse(code));
        Assert.Equal("SyntaxError", e.Kind);
        Assert.True(e.Trace[^1].Line >= line, e.Message);
    }

    [Fact]
    public void Deep_Nesting_Is_Refused_Not_A_Stack_Overflow()
    {
        var e = Assert.Throws<PythonError>(() => Parse("x = " + new string('(', 5000) + "1" + new string(')', 5000)));
        Assert.Contains("nested", e.Message);
    }
}

public class ParserLimitTests
{
    [Fact]
    public void Very_Long_Operator_Chains_And_Elif_Chains_Are_Refused()
    {
        Assert.Contains("too long", Assert.Throws<PythonError>(() => Parser.ParseModule("x = " + string.Join(" + ", Enumerable.Repeat("1", 100_000)), "t.py")).Message);
        var elifs = "if x == 0:\n    pass\n" + string.Concat(Enumerable.Range(1, 20_000).Select(i => $"elif x == {i}:\n    pass\n"));
        Assert.Contains("nested", Assert.Throws<PythonError>(() => Parser.ParseModule(elifs, "t.py")).Message);
    }
}
