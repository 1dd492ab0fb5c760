namespace ParamLens.Python;

/// <summary>A node of the syntax tree, with the line and column it starts at.</summary>
public abstract record SyntaxNode
{
    public int Line { get; init; }
    public int Column { get; init; }
}

/// <summary>An expression.</summary>
public abstract record Expr : SyntaxNode;

/// <summary>The expression records below mirror Python's own syntax tree (ast module) one for one.</summary>
public sealed record Constant(object? Value) : Expr;
public sealed record NameExpr(string Id) : Expr;
public sealed record AttributeExpr(Expr Target, string Name) : Expr;
public sealed record SubscriptExpr(Expr Target, Expr Index) : Expr;
public sealed record SliceExpr(Expr? Lower, Expr? Upper, Expr? Step) : Expr;
public sealed record StarredExpr(Expr Value) : Expr;
public sealed record DoubleStarredExpr(Expr Value) : Expr;
public sealed record KeywordArg(string Name, Expr Value) : Expr;
public sealed record CallExpr(Expr Function, IReadOnlyList<Expr> Args) : Expr;
public sealed record BinaryExpr(string Op, Expr Left, Expr Right) : Expr;
public sealed record UnaryExpr(string Op, Expr Operand) : Expr;
public sealed record BoolExpr(bool IsAnd, IReadOnlyList<Expr> Values) : Expr;
public sealed record CompareExpr(Expr Left, IReadOnlyList<string> Ops, IReadOnlyList<Expr> Rights) : Expr;
public sealed record ConditionalExpr(Expr Test, Expr Body, Expr OrElse) : Expr;
public sealed record LambdaExpr(IReadOnlyList<Parameter> Parameters, Expr Body) : Expr;
public sealed record ListExpr(IReadOnlyList<Expr> Items) : Expr;
public sealed record TupleExpr(IReadOnlyList<Expr> Items) : Expr;
public sealed record SetExpr(IReadOnlyList<Expr> Items) : Expr;
/// <summary>Dict display; a null key marks a <c>**mapping</c> entry.</summary>
public sealed record DictExpr(IReadOnlyList<(Expr? Key, Expr Value)> Items) : Expr;
public sealed record ComprehensionFor(Expr Target, Expr Iter, IReadOnlyList<Expr> Conditions);
public enum ComprehensionKind { List, Set, Dict, Generator }
public sealed record ComprehensionExpr(ComprehensionKind Kind, Expr Element, Expr? Value, IReadOnlyList<ComprehensionFor> Fors) : Expr;
/// <summary>An f-string: literal text and formatted expressions in order.</summary>
public sealed record FormattedString(IReadOnlyList<Expr> Parts) : Expr;
public sealed record FormattedValue(Expr Value, char? Conversion, Expr? Spec) : Expr;
public sealed record NamedExpr(string Target, Expr Value) : Expr;
/// <summary><c>yield x</c> or <c>yield from x</c>: parsed so that a generator function can be defined; calling one gives
/// an unknown value (its body is not run).</summary>
public sealed record YieldExpr(Expr? Value) : Expr;

public enum ParameterKind { Positional, VarPositional, KeywordOnly, VarKeyword }
public sealed record Parameter(string Name, ParameterKind Kind, Expr? Default);

/// <summary>A statement. The records below mirror Python's own syntax tree (ast module) one for one.</summary>
public abstract record Stmt : SyntaxNode;

public sealed record ExprStmt(Expr Value) : Stmt;
public sealed record AssignStmt(IReadOnlyList<Expr> Targets, Expr Value) : Stmt;
public sealed record AugAssignStmt(Expr Target, string Op, Expr Value) : Stmt;
public sealed record AnnAssignStmt(Expr Target, Expr Annotation, Expr? Value) : Stmt;
public sealed record IfStmt(Expr Test, IReadOnlyList<Stmt> Body, IReadOnlyList<Stmt> OrElse) : Stmt;
public sealed record WhileStmt(Expr Test, IReadOnlyList<Stmt> Body, IReadOnlyList<Stmt> OrElse) : Stmt;
public sealed record ForStmt(Expr Target, Expr Iter, IReadOnlyList<Stmt> Body, IReadOnlyList<Stmt> OrElse) : Stmt;
public sealed record BreakStmt : Stmt;
public sealed record ContinueStmt : Stmt;
public sealed record PassStmt : Stmt;
public sealed record ReturnStmt(Expr? Value) : Stmt;
public sealed record FunctionDef(string Name, IReadOnlyList<Parameter> Parameters, IReadOnlyList<Stmt> Body, IReadOnlyList<Expr> Decorators) : Stmt
{
    /// <summary>The body contains <c>yield</c> (outside nested functions).</summary>
    public bool IsGenerator { get; init; }
}
public sealed record ClassDef(string Name, IReadOnlyList<Expr> Bases, IReadOnlyList<Stmt> Body, IReadOnlyList<Expr> Decorators) : Stmt;
public sealed record ImportName(string Module, string? AsName);
public sealed record ImportStmt(IReadOnlyList<ImportName> Names) : Stmt;
/// <summary><c>from .mod import a as b</c>; Names empty means <c>import *</c>.</summary>
public sealed record ImportFromStmt(string Module, int Level, IReadOnlyList<ImportName> Names) : Stmt;
public sealed record ExceptHandler(Expr? Type, string? Name, IReadOnlyList<Stmt> Body, int Line);
public sealed record TryStmt(IReadOnlyList<Stmt> Body, IReadOnlyList<ExceptHandler> Handlers, IReadOnlyList<Stmt> OrElse, IReadOnlyList<Stmt> Finally) : Stmt;
public sealed record RaiseStmt(Expr? Exception, Expr? Cause) : Stmt;
public sealed record WithStmt(IReadOnlyList<(Expr Context, Expr? Target)> Items, IReadOnlyList<Stmt> Body) : Stmt;
public sealed record AssertStmt(Expr Test, Expr? Message) : Stmt;
public sealed record GlobalStmt(IReadOnlyList<string> Names) : Stmt;
public sealed record NonlocalStmt(IReadOnlyList<string> Names) : Stmt;
public sealed record DeleteStmt(IReadOnlyList<Expr> Targets) : Stmt;

/// <summary>A parsed source file.</summary>
public sealed record Module(string File, IReadOnlyList<Stmt> Body, string[] Lines);
