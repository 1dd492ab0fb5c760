namespace ParamLens.Python;

/// <summary>Questions about a piece of syntax tree: which names it reads or binds, whether a function body yields.</summary>
public static class Syntax
{
    /// <summary>The nodes directly inside <paramref name="node"/>, statements and expressions alike.</summary>
    public static IEnumerable<SyntaxNode> Children(SyntaxNode node)
    {
        IEnumerable<SyntaxNode?> children = node switch
        {
            AttributeExpr a => [a.Target],
            SubscriptExpr s => [s.Target, s.Index],
            SliceExpr s => [s.Lower, s.Upper, s.Step],
            StarredExpr s => [s.Value],
            DoubleStarredExpr d => [d.Value],
            KeywordArg k => [k.Value],
            CallExpr c => [c.Function, .. c.Args],
            BinaryExpr b => [b.Left, b.Right],
            UnaryExpr u => [u.Operand],
            BoolExpr b => b.Values,
            CompareExpr c => [c.Left, .. c.Rights],
            ConditionalExpr c => [c.Test, c.Body, c.OrElse],
            LambdaExpr l => [.. l.Parameters.Select(p => p.Default), l.Body],
            ListExpr l => l.Items,
            TupleExpr t => t.Items,
            SetExpr s => s.Items,
            DictExpr d => d.Items.SelectMany(i => new SyntaxNode?[] { i.Key, i.Value }),
            ComprehensionExpr c => [c.Element, c.Value, .. c.Fors.SelectMany(f => (SyntaxNode?[])[f.Target, f.Iter, .. f.Conditions])],
            FormattedString f => f.Parts,
            FormattedValue f => [f.Value, f.Spec],
            NamedExpr n => [n.Value],
            YieldExpr y => [y.Value],
            ExprStmt s => [s.Value],
            AssignStmt s => [.. s.Targets, s.Value],
            AugAssignStmt s => [s.Target, s.Value],
            AnnAssignStmt s => [s.Target, s.Value],
            IfStmt s => [s.Test, .. s.Body, .. s.OrElse],
            WhileStmt s => [s.Test, .. s.Body, .. s.OrElse],
            ForStmt s => [s.Target, s.Iter, .. s.Body, .. s.OrElse],
            ReturnStmt s => [s.Value],
            FunctionDef s => [.. s.Decorators, .. s.Parameters.Select(p => p.Default), .. s.Body],
            ClassDef s => [.. s.Decorators, .. s.Bases, .. s.Body],
            TryStmt s => [.. s.Body, .. s.Handlers.SelectMany(h => (SyntaxNode?[])[h.Type, .. h.Body]), .. s.OrElse, .. s.Finally],
            RaiseStmt s => [s.Exception, s.Cause],
            WithStmt s => [.. s.Items.SelectMany(i => new SyntaxNode?[] { i.Context, i.Target }), .. s.Body],
            AssertStmt s => [s.Test, s.Message],
            DeleteStmt s => s.Targets,
            _ => [],
        };
        return children.OfType<SyntaxNode>();
    }

    /// <summary><paramref name="node"/> and every node inside it, except the insides of nodes <paramref name="enter"/>
    /// refuses (the refused node itself is still listed).</summary>
    public static IEnumerable<SyntaxNode> Walk(SyntaxNode node, Func<SyntaxNode, bool>? enter = null)
    {
        var pending = new Stack<SyntaxNode>([node]);
        while (pending.Count > 0)
        {
            var next = pending.Pop();
            yield return next;
            if (enter is not null && next != node && !enter(next)) continue;
            foreach (var child in Children(next).Reverse()) pending.Push(child);
        }
    }

    /// <summary>Whether a function body is a generator's: a <c>yield</c> outside nested functions and classes.</summary>
    public static bool Yields(IReadOnlyList<Stmt> body) =>
        body.Any(s => Walk(s, n => n is not (FunctionDef or ClassDef or LambdaExpr)).Any(n => n is YieldExpr));

    /// <summary>Every name a statement mentions, in its own code and in the code nested in it.</summary>
    public static IEnumerable<string> NamesMentioned(Stmt statement) =>
        Walk(statement).OfType<NameExpr>().Select(n => n.Id).Distinct();

    /// <summary>The names a statement binds in the scope it runs in (assignment and loop targets, <c>with … as</c>,
    /// imports, definitions, the walrus), also inside the blocks nested in it but not inside functions or classes.</summary>
    public static IEnumerable<string> NamesBound(Stmt statement)
    {
        var names = new List<string>();
        foreach (var node in Walk(statement, n => n is not (FunctionDef or ClassDef or LambdaExpr or ComprehensionExpr)))
        {
            switch (node)
            {
                case AssignStmt s: foreach (var t in s.Targets) AddTargets(t, names); break;
                case AugAssignStmt s: AddTargets(s.Target, names); break;
                case AnnAssignStmt { Value: not null } s: AddTargets(s.Target, names); break;
                case ForStmt s: AddTargets(s.Target, names); break;
                case WithStmt s: foreach (var (_, target) in s.Items) if (target is not null) AddTargets(target, names); break;
                case ImportStmt s: names.AddRange(s.Names.Select(n => n.AsName ?? n.Module.Split('.')[0])); break;
                case ImportFromStmt s: names.AddRange(s.Names.Select(n => n.AsName ?? n.Module)); break;
                case FunctionDef s: names.Add(s.Name); break;
                case ClassDef s: names.Add(s.Name); break;
                case NamedExpr n: names.Add(n.Target); break;
                case TryStmt s: names.AddRange(s.Handlers.Select(h => h.Name).OfType<string>()); break;
            }
        }
        return names.Distinct();
    }

    private static void AddTargets(Expr target, List<string> names)
    {
        switch (target)
        {
            case NameExpr n: names.Add(n.Id); break;
            case StarredExpr s: AddTargets(s.Value, names); break;
            case TupleExpr t: foreach (var i in t.Items) AddTargets(i, names); break;
            case ListExpr l: foreach (var i in l.Items) AddTargets(i, names); break;
        }
    }

    /// <summary>The lines of <c>….summary(…)</c> calls in a module; <paramref name="inFunctions"/> tells whether any is
    /// inside a function or class body (then when it runs is not known from its line).</summary>
    public static IReadOnlyList<int> SummaryCallLines(Module module, out bool inFunctions)
    {
        var lines = new List<int>();
        var nested = false;
        foreach (var statement in module.Body)
        {
            foreach (var node in Walk(statement))
            {
                if (node is CallExpr { Function: AttributeExpr { Name: "summary" } } call)
                    lines.Add(call.Line);
            }
            nested |= Walk(statement).OfType<FunctionDef>().Concat<SyntaxNode>(Walk(statement).OfType<ClassDef>())
                .Any(d => Walk(d).Any(n => n is CallExpr { Function: AttributeExpr { Name: "summary" } }));
        }
        inFunctions = nested;
        return lines;
    }
}
