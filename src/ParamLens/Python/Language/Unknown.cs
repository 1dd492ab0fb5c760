namespace ParamLens.Python;

/// <summary>A value the interpreter does not compute: what a module it does not provide gives (matplotlib, pandas, …),
/// what reading files or training gives, a generator, or what a skipped statement would have assigned. Operations on it
/// give further unknown values; it never turns into a number, and a model it would configure is not derivable.</summary>
public sealed class PyUnknown(string expression, string origin)
{
    private const int MaxExpressionLength = 80;

    /// <summary>How the value was obtained, written like Python (<c>pd.read_csv(...).shape</c>), shortened.</summary>
    public string Expression { get; } = expression.Length > MaxExpressionLength ? expression[..(MaxExpressionLength - 3)] + "..." : expression;
    /// <summary>Why the first value of the chain is unknown, with its line.</summary>
    public string Origin { get; } = origin;

    /// <summary>A value obtained from this one by an operation written as <paramref name="expression"/>.</summary>
    public PyUnknown Derive(string expression) => new(expression, Origin);
}

/// <summary>Code asked an unknown value something only its value answers (its truth, its items): the statement cannot
/// run. Python code cannot catch it; at the top level of a module the statement is skipped.</summary>
public sealed class UnknownValueStop(string message) : InterpreterStop(message);

/// <summary>An unknown value would configure a layer or model: the model cannot be derived. Python code cannot catch
/// it; at the top level of a module the statement is skipped and the models made so far are not printed again.</summary>
public sealed class UnderivableModelStop(string message) : InterpreterStop(message);

public sealed partial class Interpreter
{
    private const int MaxUnknownSearch = 10_000;

    /// <summary>Skip a statement at the top level of a module that fails (with a note), binding the names it would
    /// have bound to unknown values, instead of ending the run (limits, sandbox refusals and <c>sys.exit</c> still end
    /// it).</summary>
    public bool SkipFailingStatements { get; set; }

    /// <summary>One line per statement skipped, module not available, or summary not printed, in order.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Set by the Keras binding: whether a callable with these arguments, or an object being configured,
    /// builds or changes a model (a layer class, a layer or model method, an operation on a Keras tensor). Unknown
    /// values must not reach those.</summary>
    public Func<object?, Args, bool>? BuildsModel { get; set; }

    /// <summary>Set by the Keras binding: a statement that failed while building or changing a model was skipped (the
    /// argument says which line).</summary>
    public Action<string>? ModelFailureSkipped { get; set; }

    /// <summary>Statements skipped that failed while building or changing a model.</summary>
    public int ModelFailuresSkipped { get; private set; }

    /// <summary>Set by the Keras binding: an unknown value is called (it may be a Keras setting function).</summary>
    public Action<PyUnknown, Args>? UnknownCalled { get; set; }

    /// <summary>Set by the Keras binding: <c>x.summary()</c> on an unknown value, which may be a model.</summary>
    public Action<PyUnknown>? UnknownSummary { get; set; }

    /// <summary>Statement bodies of <c>try</c> blocks being run at a module's top level: their failures belong to the
    /// code's own handlers, so they are not skipped one by one.</summary>
    private int _tryDepth;

    public PyUnknown NewUnknown(string expression, string why) => new(expression, $"{why}, line {CurrentPosition.Line}");

    private void Note(string text)
    {
        var where = CurrentPosition;
        var file = where.File == Modules.GetValueOrDefault("__main__")?.File ? "" : $"{where.File}, ";
        Notes.Add($"note: {file}line {where.Line}: {text}");
    }

    /// <summary>The first unknown value among a call's arguments, also inside lists, tuples and dicts (each container
    /// looked into once, and at most <see cref="MaxUnknownSearch"/> values in all).</summary>
    private static PyUnknown? FindUnknown(Args args)
    {
        var pending = new Stack<object?>(args.Positional.Concat(args.Keywords.Select(k => k.Value)).Reverse());
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        for (var visits = 0; pending.Count > 0 && visits < MaxUnknownSearch; visits++)
        {
            var value = pending.Pop();
            if (value is PyUnknown found) return found;
            if (value is not (PyList or PyTuple or PyDict) || !seen.Add(value)) continue;
            IReadOnlyList<object?> items = value switch { PyList l => l.Items, PyTuple t => t.Items, _ => ((PyDict)value).Items.Values.ToList() };
            for (var i = items.Count - 1; i >= 0; i--) pending.Push(items[i]);
        }
        return null;
    }

    /// <summary>A call with an unknown argument: refused when it builds a model; for built-in functions and types
    /// that compute a value, the value is unknown too. Functions written in Python run as usual.</summary>
    private bool CallWithUnknown(object? function, Args args, bool buildsModel, out object? result)
    {
        result = null;
        if (buildsModel && FindUnknown(args) is { } unknown)
            throw new UnderivableModelStop($"{Describe(function)} at line {CurrentPosition.Line} is given {unknown.Expression}, a value ParamLens does not compute " +
                $"({unknown.Origin}); the model cannot be derived, so no summary is printed for it");
        var direct = buildsModel ? null : args.Positional.Concat(args.Keywords.Select(k => k.Value)).OfType<PyUnknown>().FirstOrDefault();
        if (direct is null) return false;
        switch (function)
        {
            case PyBuiltin { AcceptsUnknown: false } b:
                result = direct.Derive($"{b.Name}({direct.Expression})");
                return true;
            case PyBoundMethod { Function: PyBuiltin { AcceptsUnknown: false } b }:
                result = direct.Derive($"{b.Name}({direct.Expression})");
                return true;
            case PyClass c when c.Mro.Any(k => k.Construct is not null):
                result = direct.Derive($"{c.Name}({direct.Expression})");
                return true;
            default:
                return false;
        }
    }

    private string Describe(object? function) => function switch
    {
        PyClass c => $"{c.Name}()",
        PyBuiltin b => $"{b.Name}()",
        PyBoundMethod { Function: PyFunction f } m => $"{TypeName(m.Self)}.{f.Name}()",
        PyBoundMethod { Function: PyBuiltin b } => $"{b.Name}()",
        PyInstance i => $"{i.Class.Name}",
        _ => TypeName(function),
    };

    private UnknownValueStop UnknownTruth(PyUnknown u) =>
        new($"whether {u.Expression} is true is not known ({u.Origin})");

    private UnknownValueStop UnknownItems(PyUnknown u) =>
        new($"the items of {u.Expression} are not known ({u.Origin})");

    private object? UnknownAttribute(PyUnknown u, string name) => name == "summary"
        ? new PyBuiltin("summary", (_, _) => { UnknownSummary?.Invoke(u); return null; }) { AcceptsUnknown = true }
        : u.Derive($"{u.Expression}.{name}");

    /// <summary>Calls into model building so far (and Keras objects configured): a failing statement during which
    /// this grew may have changed a model halfway.</summary>
    private long _modelChanges;

    /// <summary>Runs a statement at the top level of a module. When skipping is on and it fails, it is skipped with a
    /// note and the names it binds become unknown; when the failure may have left a model half changed (it happened
    /// while building one, or the statement uses a model, layer or tensor), the models made so far are not printed
    /// from then on.</summary>
    private Flow ExecTopLevel(Stmt stmt, Scope scope)
    {
        var changesBefore = _modelChanges;
        try
        {
            return Exec(stmt, scope);
        }
        catch (PyException e) when (e.Value.Class.Name != "SystemExit")
        {
            Skip(stmt, scope, $"{e.Value.Class.Name}: {ExceptionMessage(e.Value)}", e.FromModel || _modelChanges != changesBefore || TouchesModel(stmt, scope));
        }
        catch (InterpreterStop e) when (e is UnknownValueStop or UnderivableModelStop)
        {
            Skip(stmt, scope, e is UnderivableModelStop ? $"NotDerivableError: {e.Message}" : e.Message,
                e is UnderivableModelStop || _modelChanges != changesBefore || TouchesModel(stmt, scope));
        }
        return Flow.Normal;
    }

    private bool SkipsFailures(Scope scope) => SkipFailingStatements && scope.Parent is null && !scope.IsClassBody && _tryDepth == 0;

    private void Skip(Stmt stmt, Scope scope, string why, bool buildingModel)
    {
        _frames[^1].Line = stmt.Line;
        if (buildingModel)
        {
            ModelFailuresSkipped++;
            ModelFailureSkipped?.Invoke($"line {stmt.Line}");
        }
        var firstLine = why.Split('\n')[0];
        Note($"skipped: {firstLine}");
        var reason = $"line {stmt.Line} was skipped: {(firstLine.Length > 100 ? firstLine[..97] + "..." : firstLine)}";
        foreach (var name in Syntax.NamesBound(stmt))
            SetName(name, new PyUnknown(name, reason), scope);
    }

    /// <summary>Whether a statement mentions a Keras model, layer or tensor held by a variable: its failure may have
    /// left that model half changed (or not changed as the code meant).</summary>
    private bool TouchesModel(Stmt stmt, Scope scope) =>
        BuildsModel is not null && Syntax.NamesMentioned(stmt).Any(name =>
            scope.Module.Dict.TryGetValue(name, out var value) && HoldsModelPart(value));

    private bool HoldsModelPart(object? value, int depth = 0) => value switch
    {
        PyInstance i => BuildsModel!(i, Args.None),
        _ when depth > 3 => false,
        PyList l => l.Items.Take(100).Any(v => HoldsModelPart(v, depth + 1)),
        PyTuple t => t.Items.Take(100).Any(v => HoldsModelPart(v, depth + 1)),
        PyDict d => d.Items.Values.Take(100).Any(v => HoldsModelPart(v, depth + 1)),
        _ => false,
    };
}
