using System.Text;

namespace ParamLens.Python;

/// <summary>Recursive-descent parser from tokens to the syntax tree. Nesting is bounded so hostile input cannot
/// overflow the host stack.</summary>
public sealed class Parser
{
    /// <summary>Deepest nesting of expressions and blocks accepted.</summary>
    public const int MaxNesting = 150;

    private readonly List<Token> _tokens;
    private readonly string _file;
    private readonly string[] _lines;
    private int _pos;
    private int _nesting;

    private Parser(List<Token> tokens, string file, string[] lines)
    {
        _tokens = tokens;
        _file = file;
        _lines = lines;
    }

    public static Module ParseModule(string source, string file)
    {
        var lines = source.Replace("\r\n", "\n").Split('\n');
        var parser = new Parser(Lexer.Tokenize(source, file), file, lines);
        var body = new List<Stmt>();
        while (parser.Peek.Kind != TokenKind.End)
        {
            if (parser.Peek.Kind == TokenKind.Newline) { parser._pos++; continue; }
            body.AddRange(parser.Statement());
        }
        return new Module(file, body, lines);
    }

    private static Expr ParseExpression(string text, string file, int line, string[] lines)
    {
        var parser = new Parser(Lexer.Tokenize("(" + text.Trim() + ")", file), file, lines);
        var e = parser.Test();
        if (parser.Peek.Kind is not (TokenKind.Newline or TokenKind.End)) throw parser.Error("invalid f-string expression");
        return Relocate(e, line);
    }

    /// <summary>Expressions inside f-strings are parsed on their own; their line is the string's line.</summary>
    private static Expr Relocate(Expr e, int line) => e with { Line = line };

    private Token Peek => _tokens[_pos];
    private Token PeekAt(int offset) => _tokens[Math.Min(_pos + offset, _tokens.Count - 1)];
    private Token Next() => _tokens[_pos++];

    private bool IsOp(string op) => Peek.Kind == TokenKind.Op && Peek.Text == op;
    private bool IsKeyword(string word) => Peek.Kind == TokenKind.Name && Peek.Text == word;

    private bool AcceptOp(string op)
    {
        if (!IsOp(op)) return false;
        _pos++;
        return true;
    }

    private bool AcceptKeyword(string word)
    {
        if (!IsKeyword(word)) return false;
        _pos++;
        return true;
    }

    private Token ExpectOp(string op) => IsOp(op) ? Next() : throw Error($"expected '{op}', found {Peek}");
    private void ExpectKeyword(string word)
    {
        if (!AcceptKeyword(word)) throw Error($"expected '{word}', found {Peek}");
    }

    private static readonly HashSet<string> Keywords =
    [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
        "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
        "pass", "raise", "return", "try", "while", "with", "yield",
    ];

    private string ExpectName()
    {
        if (Peek.Kind != TokenKind.Name || Keywords.Contains(Peek.Text)) throw Error($"expected a name, found {Peek}");
        return Next().Text;
    }

    private PythonError Error(string message, Token? at = null)
    {
        var t = at ?? Peek;
        return new PythonError("SyntaxError", message, [new SourcePos(_file, t.Line, t.Column)], [_lines.ElementAtOrDefault(t.Line - 1)?.Trim() ?? ""]);
    }

    private T At<T>(T node, Token t) where T : SyntaxNode => node with { Line = t.Line, Column = t.Column };

    private void Enter()
    {
        if (++_nesting > MaxNesting) throw Error($"the code is nested more than {MaxNesting} levels deep");
    }

    private void Leave() => _nesting--;

    private void EndOfStatement()
    {
        if (Peek.Kind == TokenKind.Newline) { _pos++; return; }
        if (Peek.Kind == TokenKind.End) return;
        throw Error($"invalid syntax: unexpected {Peek}");
    }

    // ---------- statements ----------

    private List<Stmt> Statement()
    {
        var t = Peek;
        if (t.Kind == TokenKind.Indent) throw Error("unexpected indent");
        if (t.Kind == TokenKind.Name)
        {
            switch (t.Text)
            {
                case "if": return [If()];
                case "while": return [While()];
                case "for": return [For()];
                case "def": return [FunctionDefinition([])];
                case "class": return [ClassDefinition([])];
                case "try": return [Try()];
                case "with": return [With()];
                case "async": throw Error("async code is not supported");
            }
        }
        if (IsOp("@")) return [Decorated()];
        return SimpleStatements();
    }

    private List<Stmt> SimpleStatements()
    {
        var list = new List<Stmt> { SimpleStatement() };
        while (AcceptOp(";"))
        {
            if (Peek.Kind is TokenKind.Newline or TokenKind.End) break;
            list.Add(SimpleStatement());
        }
        EndOfStatement();
        return list;
    }

    private IReadOnlyList<Stmt> Block()
    {
        ExpectOp(":");
        Enter();
        try
        {
            if (Peek.Kind != TokenKind.Newline) return SimpleStatements();
            _pos++;
            if (Peek.Kind != TokenKind.Indent) throw Error("expected an indented block");
            _pos++;
            var body = new List<Stmt>();
            while (Peek.Kind != TokenKind.Dedent && Peek.Kind != TokenKind.End)
            {
                if (Peek.Kind == TokenKind.Newline) { _pos++; continue; }
                body.AddRange(Statement());
            }
            if (Peek.Kind == TokenKind.Dedent) _pos++;
            return body;
        }
        finally { Leave(); }
    }

    private Stmt If()
    {
        var t = Next();
        var test = NamedTest();
        var body = Block();
        IReadOnlyList<Stmt> orElse = [];
        if (IsKeyword("elif"))
        {
            Enter(); // an elif is an if nested in the else branch
            try { orElse = [If()]; }
            finally { Leave(); }
        }
        else if (AcceptKeyword("else")) orElse = Block();
        return At(new IfStmt(test, body, orElse), t);
    }

    private Stmt While()
    {
        var t = Next();
        var test = NamedTest();
        var body = Block();
        var orElse = AcceptKeyword("else") ? Block() : [];
        return At(new WhileStmt(test, body, orElse), t);
    }

    private Stmt For()
    {
        var t = Next();
        var target = TargetList();
        ExpectKeyword("in");
        var iter = TestList();
        var body = Block();
        var orElse = AcceptKeyword("else") ? Block() : [];
        return At(new ForStmt(target, iter, body, orElse), t);
    }

    private Stmt Decorated()
    {
        var decorators = new List<Expr>();
        while (AcceptOp("@"))
        {
            decorators.Add(NamedTest());
            if (Peek.Kind != TokenKind.Newline) throw Error("expected a new line after the decorator");
            _pos++;
        }
        if (IsKeyword("def")) return FunctionDefinition(decorators);
        if (IsKeyword("class")) return ClassDefinition(decorators);
        throw Error("a decorator must be followed by def or class");
    }

    private Stmt FunctionDefinition(List<Expr> decorators)
    {
        var t = Next();
        var name = ExpectName();
        ExpectOp("(");
        var parameters = Parameters(")");
        ExpectOp(")");
        if (AcceptOp("->")) Test();
        var body = Block();
        return At(new FunctionDef(name, parameters, body, decorators) { IsGenerator = Syntax.Yields(body) }, t);
    }

    /// <summary><c>yield</c>, <c>yield x</c> or <c>yield from x</c> (the keyword is next).</summary>
    private Expr Yield()
    {
        var t = Next();
        if (AcceptKeyword("from")) return At(new YieldExpr(Test()), t);
        return At(new YieldExpr(EndsList() ? null : TestListStar()), t);
    }

    private List<Parameter> Parameters(string end)
    {
        var list = new List<Parameter>();
        var keywordOnly = false;
        while (!IsOp(end))
        {
            if (AcceptOp("/")) { }
            else if (AcceptOp("**"))
                list.Add(new Parameter(ExpectName(), ParameterKind.VarKeyword, null));
            else if (AcceptOp("*"))
            {
                keywordOnly = true;
                if (Peek.Kind == TokenKind.Name) list.Add(new Parameter(ExpectName(), ParameterKind.VarPositional, null));
                if (end == ")" && AcceptOp(":")) Test();
            }
            else
            {
                var name = ExpectName();
                if (end == ")" && AcceptOp(":")) Test();
                var def = AcceptOp("=") ? Test() : null;
                list.Add(new Parameter(name, keywordOnly ? ParameterKind.KeywordOnly : ParameterKind.Positional, def));
            }
            if (!AcceptOp(",")) break;
        }
        return list;
    }

    private Stmt ClassDefinition(List<Expr> decorators)
    {
        var t = Next();
        var name = ExpectName();
        var bases = new List<Expr>();
        if (AcceptOp("("))
        {
            while (!IsOp(")"))
            {
                if (Peek.Kind == TokenKind.Name && PeekAt(1) is { Kind: TokenKind.Op, Text: "=" }) { Next(); Next(); Test(); } // metaclass=…
                else bases.Add(Test());
                if (!AcceptOp(",")) break;
            }
            ExpectOp(")");
        }
        var body = Block();
        return At(new ClassDef(name, bases, body, decorators), t);
    }

    private Stmt Try()
    {
        var t = Next();
        var body = Block();
        var handlers = new List<ExceptHandler>();
        while (IsKeyword("except"))
        {
            var ht = Next();
            Expr? type = null;
            string? name = null;
            if (!IsOp(":"))
            {
                type = Test();
                if (AcceptOp(","))
                {
                    var items = new List<Expr> { type };
                    do items.Add(Test()); while (AcceptOp(","));
                    type = At(new TupleExpr(items), ht);
                }
                if (AcceptKeyword("as")) name = ExpectName();
            }
            handlers.Add(new ExceptHandler(type, name, Block(), ht.Line));
        }
        var orElse = handlers.Count > 0 && AcceptKeyword("else") ? Block() : [];
        var fin = AcceptKeyword("finally") ? Block() : [];
        if (handlers.Count == 0 && fin.Count == 0) throw Error("expected 'except' or 'finally' block");
        return At(new TryStmt(body, handlers, orElse, fin), t);
    }

    private Stmt With()
    {
        var t = Next();
        var items = new List<(Expr, Expr?)>();
        do
        {
            var context = Test();
            Expr? target = AcceptKeyword("as") ? TargetAtom() : null;
            items.Add((context, target));
        } while (AcceptOp(","));
        return At(new WithStmt(items, Block()), t);
    }

    private Stmt SimpleStatement()
    {
        var t = Peek;
        if (t.Kind == TokenKind.Name)
        {
            switch (t.Text)
            {
                case "pass": _pos++; return At(new PassStmt(), t);
                case "break": _pos++; return At(new BreakStmt(), t);
                case "continue": _pos++; return At(new ContinueStmt(), t);
                case "return":
                    _pos++;
                    return At(new ReturnStmt(Peek.Kind is TokenKind.Newline or TokenKind.End || IsOp(";") ? null : TestListStar()), t);
                case "raise":
                {
                    _pos++;
                    if (Peek.Kind is TokenKind.Newline or TokenKind.End) return At(new RaiseStmt(null, null), t);
                    var e = Test();
                    var cause = AcceptKeyword("from") ? Test() : null;
                    return At(new RaiseStmt(e, cause), t);
                }
                case "global": _pos++; return At(new GlobalStmt(NameList()), t);
                case "nonlocal": _pos++; return At(new NonlocalStmt(NameList()), t);
                case "del":
                {
                    _pos++;
                    var targets = new List<Expr> { Expression() };
                    while (AcceptOp(",")) targets.Add(Expression());
                    return At(new DeleteStmt(targets), t);
                }
                case "assert":
                {
                    _pos++;
                    var test = Test();
                    var msg = AcceptOp(",") ? Test() : null;
                    return At(new AssertStmt(test, msg), t);
                }
                case "import": _pos++; return At(Import(), t);
                case "from": _pos++; return At(ImportFrom(), t);
                case "yield": return At(new ExprStmt(Yield()), t);
            }
        }
        var first = TestListStar();
        if (IsOp("="))
        {
            var targets = new List<Expr> { CheckTarget(first) };
            Expr value = first;
            while (AcceptOp("="))
            {
                value = IsKeyword("yield") ? Yield() : TestListStar();
                if (IsOp("=")) targets.Add(CheckTarget(value));
            }
            return At(new AssignStmt(targets, value), t);
        }
        if (Peek.Kind == TokenKind.Op && Peek.Text.Length >= 2 && Peek.Text.EndsWith('=') && Peek.Text is not ("==" or "<=" or ">=" or "!="))
        {
            var op = Next().Text[..^1];
            return At(new AugAssignStmt(CheckTarget(first), op, TestList()), t);
        }
        if (AcceptOp(":"))
        {
            var annotation = Test();
            var value = AcceptOp("=") ? TestListStar() : null;
            return At(new AnnAssignStmt(CheckTarget(first), annotation, value), t);
        }
        return At(new ExprStmt(first), t);
    }

    private Expr CheckTarget(Expr e)
    {
        switch (e)
        {
            case NameExpr or AttributeExpr or SubscriptExpr: return e;
            case StarredExpr s: CheckTarget(s.Value); return e;
            case TupleExpr tu: foreach (var i in tu.Items) CheckTarget(i); return e;
            case ListExpr l: foreach (var i in l.Items) CheckTarget(i); return e;
            default: throw new PythonError("SyntaxError", "cannot assign to this expression", [new SourcePos(_file, e.Line, e.Column)], [_lines.ElementAtOrDefault(e.Line - 1)?.Trim() ?? ""]);
        }
    }

    private List<string> NameList()
    {
        var names = new List<string> { ExpectName() };
        while (AcceptOp(",")) names.Add(ExpectName());
        return names;
    }

    private string DottedName()
    {
        var sb = new StringBuilder(ExpectName());
        while (AcceptOp(".")) sb.Append('.').Append(ExpectName());
        return sb.ToString();
    }

    private Stmt Import()
    {
        var names = new List<ImportName>();
        do
        {
            var module = DottedName();
            names.Add(new ImportName(module, AcceptKeyword("as") ? ExpectName() : null));
        } while (AcceptOp(","));
        return new ImportStmt(names);
    }

    private Stmt ImportFrom()
    {
        var level = 0;
        while (IsOp(".") || IsOp("..."))
            level += Next().Text.Length;
        var module = IsKeyword("import") ? "" : DottedName();
        ExpectKeyword("import");
        if (AcceptOp("*")) return new ImportFromStmt(module, level, []);
        var paren = AcceptOp("(");
        var names = new List<ImportName>();
        do
        {
            if (paren && IsOp(")")) break;
            var name = ExpectName();
            names.Add(new ImportName(name, AcceptKeyword("as") ? ExpectName() : null));
        } while (AcceptOp(","));
        if (paren) ExpectOp(")");
        return new ImportFromStmt(module, level, names);
    }

    // ---------- expressions ----------

    private Expr TargetList()
    {
        var t = Peek;
        var first = TargetAtom();
        if (!IsOp(",")) return first;
        var items = new List<Expr> { first };
        while (AcceptOp(","))
        {
            if (IsKeyword("in") || IsOp("=")) break;
            items.Add(TargetAtom());
        }
        return At(new TupleExpr(items), t);
    }

    private Expr TargetAtom()
    {
        var t = Peek;
        if (AcceptOp("*")) return At(new StarredExpr(CheckTarget(BitOr())), t);
        return CheckTarget(BitOr());
    }

    /// <summary>A comma-separated list where items may be starred; a tuple when there is a comma.</summary>
    private Expr TestListStar()
    {
        var t = Peek;
        var first = StarOrNamed();
        if (!IsOp(",")) return first;
        var items = new List<Expr> { first };
        while (AcceptOp(","))
        {
            if (EndsList()) break;
            items.Add(StarOrNamed());
        }
        return At(new TupleExpr(items), t);
    }

    private Expr TestList() => TestListStar();

    private bool EndsList() =>
        Peek.Kind is TokenKind.Newline or TokenKind.End || IsOp("=") || IsOp(")") || IsOp("]") || IsOp("}") || IsOp(":") || IsOp(";")
        || (Peek.Kind == TokenKind.Op && Peek.Text.Length >= 2 && Peek.Text.EndsWith('=') && Peek.Text is not ("==" or "<=" or ">=" or "!="));

    private Expr StarOrNamed()
    {
        var t = Peek;
        if (AcceptOp("*")) return At(new StarredExpr(BitOr()), t);
        return NamedTest();
    }

    private Expr NamedTest()
    {
        var t = Peek;
        if (t.Kind == TokenKind.Name && PeekAt(1) is { Kind: TokenKind.Op, Text: ":=" })
        {
            var name = ExpectName();
            Next();
            return At(new NamedExpr(name, Test()), t);
        }
        return Test();
    }

    private Expr Expression() => BitOr();

    private Expr Test()
    {
        Enter();
        try
        {
            var t = Peek;
            if (IsKeyword("lambda")) return Lambda();
            var body = OrTest();
            if (!IsKeyword("if")) return body;
            // A conditional expression, unless this 'if' belongs to a comprehension (then no 'else' follows).
            var save = _pos;
            _pos++;
            var test = OrTest();
            if (!AcceptKeyword("else")) { _pos = save; return body; }
            return At(new ConditionalExpr(test, body, Test()), t);
        }
        finally { Leave(); }
    }

    private Expr TestNoCond()
    {
        if (IsKeyword("lambda")) return Lambda();
        return OrTest();
    }

    private Expr Lambda()
    {
        var t = Next();
        var parameters = Parameters(":");
        ExpectOp(":");
        return At(new LambdaExpr(parameters, Test()), t);
    }

    private Expr OrTest()
    {
        var t = Peek;
        var first = AndTest();
        if (!IsKeyword("or")) return first;
        var values = new List<Expr> { first };
        while (AcceptKeyword("or")) values.Add(AndTest());
        return At(new BoolExpr(false, values), t);
    }

    private Expr AndTest()
    {
        var t = Peek;
        var first = NotTest();
        if (!IsKeyword("and")) return first;
        var values = new List<Expr> { first };
        while (AcceptKeyword("and")) values.Add(NotTest());
        return At(new BoolExpr(true, values), t);
    }

    private Expr NotTest()
    {
        var t = Peek;
        if (AcceptKeyword("not"))
        {
            Enter();
            try { return At(new UnaryExpr("not", NotTest()), t); }
            finally { Leave(); }
        }
        return Comparison();
    }

    private Expr Comparison()
    {
        var t = Peek;
        var left = BitOr();
        var ops = new List<string>();
        var rights = new List<Expr>();
        while (true)
        {
            string? op = null;
            if (Peek.Kind == TokenKind.Op && Peek.Text is "<" or ">" or "==" or ">=" or "<=" or "!=") op = Next().Text;
            else if (AcceptKeyword("in")) op = "in";
            else if (IsKeyword("not") && PeekAt(1) is { Kind: TokenKind.Name, Text: "in" }) { _pos += 2; op = "not in"; }
            else if (AcceptKeyword("is")) op = AcceptKeyword("not") ? "is not" : "is";
            if (op is null) break;
            ops.Add(op);
            rights.Add(BitOr());
        }
        return ops.Count == 0 ? left : At(new CompareExpr(left, ops, rights), t);
    }

    private Expr Binary(Func<Expr> operand, params string[] ops)
    {
        var t = Peek;
        var left = operand();
        var operands = 1;
        while (Peek.Kind == TokenKind.Op && ops.Contains(Peek.Text))
        {
            var op = Next().Text;
            left = At(new BinaryExpr(op, left, operand()), t);
            // Each operator nests the tree one level deeper for the evaluator.
            if (++operands > 20 * MaxNesting) throw Error("expression too long", t);
        }
        return left;
    }

    private Expr BitOr() => Binary(BitXor, "|");
    private Expr BitXor() => Binary(BitAnd, "^");
    private Expr BitAnd() => Binary(Shift, "&");
    private Expr Shift() => Binary(Arith, "<<", ">>");
    private Expr Arith() => Binary(Term, "+", "-");
    private Expr Term() => Binary(Factor, "*", "/", "//", "%", "@");

    private Expr Factor()
    {
        var t = Peek;
        if (Peek.Kind == TokenKind.Op && Peek.Text is "+" or "-" or "~")
        {
            var op = Next().Text;
            Enter();
            try { return At(new UnaryExpr(op, Factor()), t); }
            finally { Leave(); }
        }
        return Power();
    }

    private Expr Power()
    {
        var t = Peek;
        if (AcceptKeyword("await")) throw Error("async code is not supported", t);
        var b = AtomWithTrailers();
        if (AcceptOp("**"))
        {
            Enter();
            try { return At(new BinaryExpr("**", b, Factor()), t); }
            finally { Leave(); }
        }
        return b;
    }

    private Expr AtomWithTrailers()
    {
        var e = Atom();
        var trailers = 0;
        while (true)
        {
            var t = Peek;
            if (AcceptOp("("))
            {
                e = At(new CallExpr(e, Arguments()), t) with { Line = t.Line, Column = t.Column };
                ExpectOp(")");
            }
            else if (AcceptOp("["))
            {
                e = At(new SubscriptExpr(e, SubscriptList()), t);
                ExpectOp("]");
            }
            else if (AcceptOp("."))
                e = At(new AttributeExpr(e, ExpectName()), t);
            else break;
            if (++trailers > 10 * MaxNesting) throw Error("expression too long");
        }
        return e;
    }

    private List<Expr> Arguments()
    {
        var args = new List<Expr>();
        while (!IsOp(")"))
        {
            var t = Peek;
            if (AcceptOp("*")) args.Add(At(new StarredExpr(Test()), t));
            else if (AcceptOp("**")) args.Add(At(new DoubleStarredExpr(Test()), t));
            else if (t.Kind == TokenKind.Name && PeekAt(1) is { Kind: TokenKind.Op, Text: "=" })
            {
                var name = ExpectName();
                Next();
                args.Add(At(new KeywordArg(name, Test()), t));
            }
            else
            {
                var value = NamedTest();
                if (IsKeyword("for")) value = At(new ComprehensionExpr(ComprehensionKind.Generator, value, null, ComprehensionFors()), t);
                args.Add(value);
            }
            if (!AcceptOp(",")) break;
        }
        return args;
    }

    private Expr SubscriptList()
    {
        var t = Peek;
        var first = SliceItem();
        if (!IsOp(",")) return first;
        var items = new List<Expr> { first };
        while (AcceptOp(","))
        {
            if (IsOp("]")) break;
            items.Add(SliceItem());
        }
        return At(new TupleExpr(items), t);
    }

    private Expr SliceItem()
    {
        var t = Peek;
        Expr? lower = null;
        if (!IsOp(":")) lower = IsOp("*") ? StarOrNamed() : NamedTest();
        if (!AcceptOp(":")) return lower!;
        Expr? upper = IsOp(":") || IsOp("]") || IsOp(",") ? null : Test();
        Expr? step = null;
        if (AcceptOp(":")) step = IsOp("]") || IsOp(",") ? null : Test();
        return At(new SliceExpr(lower, upper, step), t);
    }

    private List<ComprehensionFor> ComprehensionFors()
    {
        var fors = new List<ComprehensionFor>();
        while (IsKeyword("for") || (IsKeyword("async") && PeekAt(1).Text == "for"))
        {
            if (IsKeyword("async")) throw Error("async comprehensions are not supported");
            _pos++;
            var target = TargetList();
            ExpectKeyword("in");
            var iter = OrTest();
            var conditions = new List<Expr>();
            while (AcceptKeyword("if")) conditions.Add(TestNoCond());
            fors.Add(new ComprehensionFor(target, iter, conditions));
        }
        return fors;
    }

    private Expr Atom()
    {
        var t = Peek;
        Enter();
        try
        {
            switch (t.Kind)
            {
                case TokenKind.Number:
                    _pos++;
                    return At(new Constant(t.Number), t);
                case TokenKind.String:
                    return Strings();
                case TokenKind.Name:
                    _pos++;
                    return t.Text switch
                    {
                        "None" => At(new Constant(null), t),
                        "True" => At(new Constant(true), t),
                        "False" => At(new Constant(false), t),
                        _ when Keywords.Contains(t.Text) => throw Error($"invalid syntax: unexpected '{t.Text}'", t),
                        _ => At(new NameExpr(t.Text), t),
                    };
                case TokenKind.Op:
                    switch (t.Text)
                    {
                        case "(":
                        {
                            _pos++;
                            if (AcceptOp(")")) return At(new TupleExpr([]), t);
                            if (IsKeyword("yield"))
                            {
                                var yielded = Yield();
                                ExpectOp(")");
                                return yielded;
                            }
                            var first = StarOrNamed();
                            if (IsKeyword("for"))
                            {
                                var gen = At(new ComprehensionExpr(ComprehensionKind.Generator, first, null, ComprehensionFors()), t);
                                ExpectOp(")");
                                return gen;
                            }
                            if (AcceptOp(")")) return first;
                            var items = new List<Expr> { first };
                            while (AcceptOp(","))
                            {
                                if (IsOp(")")) break;
                                items.Add(StarOrNamed());
                            }
                            ExpectOp(")");
                            return At(new TupleExpr(items), t);
                        }
                        case "[":
                        {
                            _pos++;
                            if (AcceptOp("]")) return At(new ListExpr([]), t);
                            var first = StarOrNamed();
                            if (IsKeyword("for"))
                            {
                                var comp = At(new ComprehensionExpr(ComprehensionKind.List, first, null, ComprehensionFors()), t);
                                ExpectOp("]");
                                return comp;
                            }
                            var items = new List<Expr> { first };
                            while (AcceptOp(","))
                            {
                                if (IsOp("]")) break;
                                items.Add(StarOrNamed());
                            }
                            ExpectOp("]");
                            return At(new ListExpr(items), t);
                        }
                        case "{": return Braces();
                        case "...":
                            _pos++;
                            return At(new Constant(Ellipsis.Instance), t);
                    }
                    break;
            }
            throw Error(t.Kind is TokenKind.Newline or TokenKind.End ? "invalid syntax: the expression is incomplete" : $"invalid syntax: unexpected {t}");
        }
        finally { Leave(); }
    }

    private Expr Braces()
    {
        var t = Next();
        if (AcceptOp("}")) return At(new DictExpr([]), t);
        if (AcceptOp("**"))
        {
            var items = new List<(Expr?, Expr)> { (null, BitOr()) };
            return DictRest(t, items);
        }
        var first = StarOrNamed();
        if (AcceptOp(":"))
        {
            var value = Test();
            if (IsKeyword("for"))
            {
                var comp = At(new ComprehensionExpr(ComprehensionKind.Dict, first, value, ComprehensionFors()), t);
                ExpectOp("}");
                return comp;
            }
            return DictRest(t, [(first, value)]);
        }
        if (IsKeyword("for"))
        {
            var comp = At(new ComprehensionExpr(ComprehensionKind.Set, first, null, ComprehensionFors()), t);
            ExpectOp("}");
            return comp;
        }
        var set = new List<Expr> { first };
        while (AcceptOp(","))
        {
            if (IsOp("}")) break;
            set.Add(StarOrNamed());
        }
        ExpectOp("}");
        return At(new SetExpr(set), t);
    }

    private Expr DictRest(Token t, List<(Expr?, Expr)> items)
    {
        while (AcceptOp(","))
        {
            if (IsOp("}")) break;
            if (AcceptOp("**")) { items.Add((null, BitOr())); continue; }
            var key = Test();
            ExpectOp(":");
            items.Add((key, Test()));
        }
        ExpectOp("}");
        return At(new DictExpr(items), t);
    }

    /// <summary>Adjacent string literals concatenate; any f-string among them makes the whole a formatted string.</summary>
    private Expr Strings()
    {
        var first = Peek;
        var parts = new List<Expr>();
        var literal = new StringBuilder();
        var anyF = false;
        var bytes = first.IsBytes;
        while (Peek.Kind == TokenKind.String)
        {
            var s = Next();
            if (s.IsBytes != bytes) throw Error("cannot mix bytes and nonbytes literals", s);
            if (!s.IsFString) { literal.Append(s.Text); continue; }
            anyF = true;
            foreach (var part in FStringParts(s.Text, s.IsRaw, s))
            {
                if (part is Constant { Value: string text }) literal.Append(text);
                else
                {
                    if (literal.Length > 0) { parts.Add(At(new Constant(literal.ToString()), first)); literal.Clear(); }
                    parts.Add(part);
                }
            }
        }
        if (bytes) throw Error("bytes literals are not supported", first);
        if (!anyF) return At(new Constant(literal.ToString()), first);
        if (literal.Length > 0) parts.Add(At(new Constant(literal.ToString()), first));
        return At(new FormattedString(parts), first);
    }

    private List<Expr> FStringParts(string body, bool raw, Token at)
    {
        var parts = new List<Expr>();
        var literal = new StringBuilder();
        var i = 0;
        void Flush()
        {
            if (literal.Length == 0) return;
            parts.Add(At(new Constant(raw ? literal.ToString() : Lexer.Unescape(literal.ToString())), at));
            literal.Clear();
        }
        while (i < body.Length)
        {
            var c = body[i];
            if (c == '{' && i + 1 < body.Length && body[i + 1] == '{') { literal.Append('{'); i += 2; continue; }
            if (c == '}' && i + 1 < body.Length && body[i + 1] == '}') { literal.Append('}'); i += 2; continue; }
            if (c == '}') throw Error("f-string: single '}' is not allowed", at);
            if (c != '{') { literal.Append(c); i++; continue; }
            Flush();
            i++;
            var start = i;
            var depth = 0;
            char? quote = null;
            while (i < body.Length)
            {
                var ch = body[i];
                if (quote is not null) { if (ch == quote) quote = null; i++; continue; }
                if (ch is '\'' or '"') quote = ch;
                else if (ch is '(' or '[' or '{') depth++;
                else if (ch is ')' or ']' or '}') { if (depth == 0) break; depth--; }
                else if (depth == 0 && ch == '!' && i + 1 < body.Length && body[i + 1] != '=') break;
                else if (depth == 0 && ch == ':') break;
                i++;
            }
            if (i >= body.Length) throw Error("f-string: expecting '}'", at);
            var exprText = body[start..i];
            var debug = false;
            var trimmed = exprText.TrimEnd();
            if (trimmed.EndsWith('=') && !trimmed.EndsWith("==") && !trimmed.EndsWith("!=") && !trimmed.EndsWith("<=") && !trimmed.EndsWith(">="))
            {
                debug = true;
                literal.Append(exprText);
                Flush();
                exprText = trimmed[..^1];
            }
            if (exprText.Trim().Length == 0) throw Error("f-string: empty expression not allowed", at);
            var expr = ParseExpression(exprText, _file, at.Line, _lines);
            char? conversion = debug ? 'r' : null;
            if (body[i] == '!')
            {
                conversion = body[i + 1];
                if (conversion is not ('r' or 's' or 'a')) throw Error("f-string: invalid conversion character", at);
                i += 2;
            }
            Expr? spec = null;
            if (i < body.Length && body[i] == ':')
            {
                i++;
                var specStart = i;
                var specDepth = 0;
                while (i < body.Length && (body[i] != '}' || specDepth > 0))
                {
                    if (body[i] == '{') specDepth++;
                    else if (body[i] == '}') specDepth--;
                    i++;
                }
                spec = At(new FormattedString(FStringParts(body[specStart..i], raw, at)), at);
                if (debug && conversion == 'r') conversion = null;
            }
            if (i >= body.Length || body[i] != '}') throw Error("f-string: expecting '}'", at);
            i++;
            parts.Add(At(new FormattedValue(expr, conversion, spec), at));
        }
        Flush();
        return parts;
    }
}

/// <summary>Python's <c>...</c>.</summary>
public sealed class Ellipsis
{
    public static readonly Ellipsis Instance = new();
    public override string ToString() => "Ellipsis";
}
