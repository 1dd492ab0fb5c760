using System.Diagnostics;
using System.Numerics;

namespace ParamLens.Python;

/// <summary>
/// A tree-walking interpreter for the Python subset model-building code uses. Interpreted code reaches nothing outside
/// the interpreter: no files (except importing sources beside the script), network, processes or .NET objects.
/// </summary>
public sealed partial class Interpreter
{
    private enum Flow { Normal, Break, Continue, Return }

    private sealed class Frame(PyModule module, int line, int column)
    {
        public PyModule Module { get; } = module;
        public int Line { get; set; } = line;
        public int Column { get; set; } = column;
    }

    private readonly List<Frame> _frames = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, string[]> _sourceLines = [];
    private long _steps;
    private object? _returnValue;

    public Interpreter(Limits? limits = null, TextWriter? output = null, IReadOnlyList<string>? searchPaths = null)
    {
        Limits = limits ?? new Limits();
        Output = output ?? TextWriter.Null;
        SearchPaths = searchPaths ?? [];
        Builtins = new PyModule("builtins", "<builtins>");
        InitBuiltins();
    }

    public Limits Limits { get; }
    public TextWriter Output { get; }
    public IReadOnlyList<string> SearchPaths { get; }
    public PyModule Builtins { get; }
    public Dictionary<string, PyModule> Modules { get; } = [];
    /// <summary>Built-in modules by name, made on first import.</summary>
    public Dictionary<string, Func<Interpreter, PyModule>> BuiltinModules { get; } = [];
    /// <summary>Called when code sets an attribute of an instance (Keras tracks layers assigned to attributes).</summary>
    public Action<PyInstance, object?>? AttributeAssigned { get; set; }

    // ---------- running ----------

    /// <summary>Runs a module's source as <c>__main__</c>.</summary>
    public PyModule RunMain(string source, string file)
    {
        var module = new PyModule("__main__", file);
        Modules["__main__"] = module;
        RunModule(module, source);
        return module;
    }

    internal void RunModule(PyModule module, string source)
    {
        Module ast;
        try { ast = Parser.ParseModule(source, module.File); }
        catch (PythonError e) when (e.Kind == "SyntaxError" && _frames.Count > 0)
        {
            throw new PythonError(e.Kind, e.Detail, [.. Snapshot(), .. e.Trace], [.. SnapshotLines(), .. e.Trace.Select(_ => "")]);
        }
        _sourceLines[module.File] = ast.Lines;
        module.Dict["__name__"] = module.Name;
        module.Dict["__file__"] = module.File;
        var scope = new Scope(null, module);
        _frames.Add(new Frame(module, 1, 1));
        try { Run(() => ExecBlock(ast.Body, scope)); }
        finally { _frames.RemoveAt(_frames.Count - 1); }
    }

    /// <summary>Runs the binding's own work after the code ended (building what it left unbuilt, which runs code of its
    /// classes): Python exceptions and limits come out as <see cref="PythonError"/>s, never as .NET exceptions.</summary>
    public void RunOutsideCode(Action action) => Run(action);

    /// <summary>Turns escapes from interpreted code into <see cref="PythonError"/>s at the outermost level.</summary>
    private void Run(Action action)
    {
        if (_frames.Count > 1) { action(); return; }
        try { action(); }
        catch (PyException e)
        {
            var trace = e.Trace ?? Snapshot();
            throw new PythonError(e.Value.Class.Name, ExceptionMessage(e.Value), trace, e.TraceLines ?? LinesOf(trace));
        }
        catch (InterpreterStop e)
        {
            var trace = e.Trace ?? Snapshot();
            var kind = e switch
            {
                LimitExceeded => "LimitError",
                UnknownValueStop => "UnknownValueError",
                UnderivableModelStop => "NotDerivableError",
                _ => "SandboxError",
            };
            throw new PythonError(kind, e.Message, trace, e.TraceLines ?? LinesOf(trace));
        }
        catch (InsufficientExecutionStackException)
        {
            var trace = Snapshot();
            throw new PythonError("RecursionError", "the code nests too deeply for the interpreter's stack", trace, LinesOf(trace));
        }
    }

    private List<SourcePos> Snapshot() => _frames.Select(f => new SourcePos(f.Module.File, f.Line, f.Column)).ToList();
    private List<string> SnapshotLines() => LinesOf(Snapshot());

    private List<string> LinesOf(IEnumerable<SourcePos> trace) =>
        trace.Select(p => _sourceLines.TryGetValue(p.File, out var lines) ? lines.ElementAtOrDefault(p.Line - 1)?.Trim() ?? "" : "").ToList();

    /// <summary>Where interpreted code is now (file and line), for messages and recorded facts.</summary>
    public SourcePos CurrentPosition => _frames.Count == 0 ? new SourcePos("<none>", 0, 0) : new SourcePos(_frames[^1].Module.File, _frames[^1].Line, _frames[^1].Column);

    private void Step()
    {
        if (++_steps > Limits.MaxSteps)
            throw new LimitExceeded($"the step budget of {Limits.MaxSteps:N0} steps is used up (an endless loop?)");
        if ((_steps & 1023) == 0)
        {
            if (_clock.Elapsed > Limits.MaxTime) throw new LimitExceeded($"the time budget of {Limits.MaxTime.TotalSeconds:0.#} s is used up (an endless loop?)");
            System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        }
    }

    // ---------- exceptions ----------

    public PyException Raise(string className, string message)
    {
        var cls = (PyClass)Builtins.Dict[className]!;
        return new PyException(NewException(cls, [message]));
    }

    public PyInstance NewException(PyClass cls, object?[] args)
    {
        var e = new PyInstance(cls) { Native = new PyTuple(args) };
        return e;
    }

    public static string ExceptionMessage(PyInstance e) => e.Native is PyTuple t
        ? t.Items.Length switch { 0 => "", 1 => StrStatic(t.Items[0]), _ => ReprStatic(t) }
        : "";

    public PyException TypeError(string message) => Raise("TypeError", message);
    public PyException ValueError(string message) => Raise("ValueError", message);
    public PyException AttributeError(object? target, string name) =>
        Raise("AttributeError", $"'{TypeName(target)}' object has no attribute '{name}'");

    // ---------- statements ----------

    private Flow ExecBlock(IReadOnlyList<Stmt> body, Scope scope)
    {
        var topLevel = SkipsFailures(scope);
        foreach (var stmt in body)
        {
            var flow = topLevel ? ExecTopLevel(stmt, scope) : Exec(stmt, scope);
            if (flow != Flow.Normal) return flow;
        }
        return Flow.Normal;
    }

    private Flow Exec(Stmt stmt, Scope scope)
    {
        Step();
        var frame = _frames[^1];
        frame.Line = stmt.Line;
        frame.Column = stmt.Column;
        try
        {
            return ExecCore(stmt, scope);
        }
        catch (PyException e) when (e.Trace is null)
        {
            e.Trace = Snapshot();
            e.TraceLines = LinesOf(e.Trace);
            throw;
        }
        catch (InterpreterStop e) when (e.Trace is null)
        {
            e.Trace = Snapshot();
            e.TraceLines = LinesOf(e.Trace);
            throw;
        }
        catch (ModelException e) when (e is not PythonError)
        {
            throw Located(Raise("ValueError", e.Message));
        }
        catch (OverflowException e)
        {
            throw Located(Raise("OverflowError", e.Message));
        }
        catch (Exception e) when (e is InvalidCastException or ArgumentException or IndexOutOfRangeException or NullReferenceException
                                      or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            // A built-in function got arguments of the wrong kind or number.
            throw Located(Raise("TypeError", $"wrong arguments for a built-in function ({e.Message})"));
        }
    }

    private PyException Located(PyException e)
    {
        e.Trace = Snapshot();
        e.TraceLines = LinesOf(e.Trace);
        return e;
    }

    private Flow ExecCore(Stmt stmt, Scope scope)
    {
        switch (stmt)
        {
            case ExprStmt s:
                Eval(s.Value, scope);
                return Flow.Normal;
            case AssignStmt s:
            {
                var value = Eval(s.Value, scope);
                foreach (var target in s.Targets) Assign(target, value, scope);
                return Flow.Normal;
            }
            case AugAssignStmt s:
                AugAssign(s, scope);
                return Flow.Normal;
            case AnnAssignStmt s:
                // A class body keeps its annotated names in order (dataclasses read them); the annotations themselves
                // mean nothing here.
                if (scope.IsClassBody && s.Target is NameExpr annotated)
                {
                    if (!scope.Vars.TryGetValue("__annotations__", out var known) || known is not PyDict annotations)
                        scope.Vars["__annotations__"] = annotations = new PyDict();
                    annotations.Items[annotated.Id] = null;
                }
                if (s.Value is not null) Assign(s.Target, Eval(s.Value, scope), scope);
                return Flow.Normal;
            case IfStmt s:
                return Truthy(Eval(s.Test, scope)) ? ExecBlock(s.Body, scope) : ExecBlock(s.OrElse, scope);
            case WhileStmt s:
                while (Truthy(Eval(s.Test, scope)))
                {
                    Step();
                    var flow = ExecBlock(s.Body, scope);
                    if (flow == Flow.Break) return Flow.Normal;
                    if (flow == Flow.Return) return flow;
                }
                return ExecBlock(s.OrElse, scope);
            case ForStmt s:
            {
                foreach (var item in Iterate(Eval(s.Iter, scope)))
                {
                    Step();
                    Assign(s.Target, item, scope);
                    var flow = ExecBlock(s.Body, scope);
                    if (flow == Flow.Break) return Flow.Normal;
                    if (flow == Flow.Return) return flow;
                }
                return ExecBlock(s.OrElse, scope);
            }
            case BreakStmt: return Flow.Break;
            case ContinueStmt: return Flow.Continue;
            case PassStmt: return Flow.Normal;
            case ReturnStmt s:
                _returnValue = s.Value is null ? null : Eval(s.Value, scope);
                return Flow.Return;
            case FunctionDef s:
            {
                object? fn = MakeFunction(s.Name, s.Parameters, s.Body, scope, isLambda: false, s.IsGenerator);
                for (var i = s.Decorators.Count - 1; i >= 0; i--) fn = Call(Eval(s.Decorators[i], scope), new Args([fn], []));
                SetName(s.Name, fn, scope);
                return Flow.Normal;
            }
            case ClassDef s:
                SetName(s.Name, DefineClass(s, scope), scope);
                return Flow.Normal;
            case ImportStmt s:
                foreach (var name in s.Names)
                {
                    var module = Import(name.Module, 0, scope.Module);
                    if (name.AsName is not null) SetName(name.AsName, module, scope);
                    else
                    {
                        var top = name.Module.Split('.')[0];
                        SetName(top, Import(top, 0, scope.Module), scope);
                    }
                }
                return Flow.Normal;
            case ImportFromStmt s:
                ImportFrom(s, scope);
                return Flow.Normal;
            case TryStmt s:
                return Try(s, scope);
            case RaiseStmt s:
                throw RaiseStatement(s, scope);
            case WithStmt s:
                return With(s, 0, scope);
            case AssertStmt s:
                if (!Truthy(Eval(s.Test, scope)))
                    throw new PyException(NewException((PyClass)Builtins.Dict["AssertionError"]!, s.Message is null ? [] : [Eval(s.Message, scope)]));
                return Flow.Normal;
            case GlobalStmt s:
                (scope.Globals ??= []).UnionWith(s.Names);
                return Flow.Normal;
            case NonlocalStmt s:
                (scope.Nonlocals ??= []).UnionWith(s.Names);
                return Flow.Normal;
            case DeleteStmt s:
                foreach (var t in s.Targets) Delete(t, scope);
                return Flow.Normal;
            default:
                throw Raise("NotImplementedError", $"statement {stmt.GetType().Name} is not supported");
        }
    }

    private PyException RaiseStatement(RaiseStmt s, Scope scope)
    {
        if (s.Exception is null)
            return _handling.Count > 0 ? _handling.Peek() : Raise("RuntimeError", "No active exception to reraise");
        var value = Eval(s.Exception, scope);
        if (s.Cause is not null) Eval(s.Cause, scope);
        return value switch
        {
            PyClass c when c.IsSubclassOf((PyClass)Builtins.Dict["BaseException"]!) => new PyException((PyInstance)Call(c, Args.None)!),
            PyInstance i when i.Class.IsSubclassOf((PyClass)Builtins.Dict["BaseException"]!) => new PyException(i),
            _ => TypeError("exceptions must derive from BaseException"),
        };
    }

    private readonly Stack<PyException> _handling = new();

    private Flow Try(TryStmt s, Scope scope)
    {
        Flow flow;
        try
        {
            var moduleLevel = scope.Parent is null && !scope.IsClassBody;
            try
            {
                if (moduleLevel) _tryDepth++;
                try { flow = ExecBlock(s.Body, scope); }
                finally { if (moduleLevel) _tryDepth--; }
            }
            catch (PyException e) when (Matches(e, s.Handlers, scope) is not null)
            {
                var handler = Matches(e, s.Handlers, scope)!;
                if (handler.Name is not null) SetName(handler.Name, e.Value, scope);
                _handling.Push(e);
                try { return ExecBlock(handler.Body, scope); }
                finally { _handling.Pop(); }
            }
            if (flow == Flow.Normal) flow = ExecBlock(s.OrElse, scope);
            return flow;
        }
        finally
        {
            if (s.Finally.Count > 0)
            {
                var saved = _returnValue;
                var finFlow = ExecBlock(s.Finally, scope);
                if (finFlow == Flow.Normal) _returnValue = saved;
            }
        }
    }

    private ExceptHandler? Matches(PyException e, IReadOnlyList<ExceptHandler> handlers, Scope scope)
    {
        foreach (var h in handlers)
        {
            if (h.Type is null) return h;
            var type = Eval(h.Type, scope);
            var types = type is PyTuple t ? t.Items : [type];
            if (types.Any(x => x is PyClass c && e.Value.Class.IsSubclassOf(c))) return h;
        }
        return null;
    }

    private Flow With(WithStmt s, int index, Scope scope)
    {
        if (index == s.Items.Count) return ExecBlock(s.Body, scope);
        var (contextExpr, target) = s.Items[index];
        var context = Eval(contextExpr, scope);
        if (context is PyUnknown unknownContext)
        {
            // An unknown context manager (a file, a device scope, a plot): the body runs, nothing is entered or exited.
            if (target is not null) Assign(target, unknownContext.Derive($"{unknownContext.Expression}.__enter__()"), scope);
            return With(s, index + 1, scope);
        }
        var entered = CallMethod(context, "__enter__", Args.None);
        if (target is not null) Assign(target, entered, scope);
        Flow flow;
        try
        {
            flow = With(s, index + 1, scope);
        }
        catch (PyException e)
        {
            var suppress = CallMethod(context, "__exit__", new Args([e.Value.Class, e.Value, null], []));
            if (Truthy(suppress)) return Flow.Normal;
            throw;
        }
        CallMethod(context, "__exit__", new Args([null, null, null], []));
        return flow;
    }

    private object DefineClass(ClassDef s, Scope scope)
    {
        // A base from a module the interpreter does not provide is left out: the class keeps the methods it defines.
        var bases = s.Bases.Select(b => Eval(b, scope)).Where(b => b is not PyUnknown)
            .Select(b => b is PyClass c ? c : throw TypeError($"class {s.Name}: a base is not a class")).ToList();
        if (bases.Count == 0) bases.Add((PyClass)Builtins.Dict["object"]!);
        PyClass cls;
        try { cls = new PyClass(s.Name, bases, scope.Module.Name); }
        catch (InvalidOperationException e) { throw TypeError(e.Message); }
        var body = new Scope(scope, scope.Module, isClassBody: true);
        body.Vars["__module__"] = scope.Module.Name;
        body.Vars["__qualname__"] = s.Name;
        ExecBlock(s.Body, body);
        foreach (var (k, v) in body.Vars)
        {
            cls.Dict[k] = v;
            if (v is PyFunction f) f.DefiningClass = cls;
            if (v is PyClassMethod { Function: PyFunction cf }) cf.DefiningClass = cls;
            if (v is PyStaticMethod { Function: PyFunction sf }) sf.DefiningClass = cls;
            if (v is PyProperty { Getter: PyFunction pg } prop) { pg.DefiningClass = cls; if (prop.Setter is PyFunction ps) ps.DefiningClass = cls; }
        }
        object result = cls;
        for (var i = s.Decorators.Count - 1; i >= 0; i--) result = Call(Eval(s.Decorators[i], scope), new Args([result], []))!;
        return result;
    }

    // ---------- names ----------

    internal void SetName(string name, object? value, Scope scope)
    {
        if (scope.Globals?.Contains(name) == true) { scope.Module.Dict[name] = value; return; }
        if (scope.Nonlocals?.Contains(name) == true)
        {
            for (var s = scope.Parent; s is not null; s = s.Parent)
                if (!s.IsClassBody && s.Vars.ContainsKey(name)) { s.Vars[name] = value; return; }
            throw Raise("SyntaxError", $"no binding for nonlocal '{name}' found");
        }
        if (scope.Parent is null && !scope.IsClassBody) scope.Module.Dict[name] = value;
        else scope.Vars[name] = value;
    }

    private object? LookupName(string name, Scope scope)
    {
        if (scope.Globals?.Contains(name) != true)
        {
            if (scope.Vars.TryGetValue(name, out var v)) return v;
            for (var s = scope.Parent; s is not null; s = s.Parent)
                if (!s.IsClassBody && s.Vars.TryGetValue(name, out v)) return v;
        }
        if (scope.Module.Dict.TryGetValue(name, out var g)) return g;
        if (Builtins.Dict.TryGetValue(name, out var b)) return b;
        if (scope.Module.UnknownStarImports.Count > 0)
            return NewUnknown(name, $"'{name}' may come from 'from {scope.Module.UnknownStarImports[0].Name} import *', a module the interpreter does not provide");
        throw Raise("NameError", $"name '{name}' is not defined");
    }

    private void Delete(Expr target, Scope scope)
    {
        switch (target)
        {
            case NameExpr n:
                if (!scope.Vars.Remove(n.Id) && !(scope.Parent is null && scope.Module.Dict.Remove(n.Id)))
                    throw Raise("NameError", $"name '{n.Id}' is not defined");
                break;
            case SubscriptExpr s:
            {
                var container = Eval(s.Target, scope);
                var index = Eval(s.Index, scope);
                switch (container)
                {
                    case PyUnknown: break;
                    case PyDict d:
                        if (!d.Items.Remove(Key(index)!)) throw Raise("KeyError", Repr(index));
                        break;
                    case PyList l when index is PySlice sl:
                        foreach (var i in SliceIndices(sl, l.Items.Count).OrderDescending()) l.Items.RemoveAt(i);
                        break;
                    case PyList l:
                        l.Items.RemoveAt(NormalizeIndex(index, l.Items.Count));
                        break;
                    default: throw TypeError($"'{TypeName(container)}' object does not support item deletion");
                }
                break;
            }
            case AttributeExpr a:
                var owner = Eval(a.Target, scope);
                if (owner is PyUnknown || (owner is PyInstance inst && inst.Dict.Remove(a.Name))) break;
                throw Raise("AttributeError", a.Name);
            case TupleExpr or ListExpr:
                foreach (var i in target is TupleExpr t ? t.Items : ((ListExpr)target).Items) Delete(i, scope);
                break;
            default: throw TypeError("cannot delete this expression");
        }
    }

    // ---------- assignment ----------

    private void Assign(Expr target, object? value, Scope scope)
    {
        switch (target)
        {
            case NameExpr n:
                SetName(n.Id, value, scope);
                break;
            case AttributeExpr a:
                SetAttr(Eval(a.Target, scope), a.Name, value);
                break;
            case SubscriptExpr s:
                SetItem(Eval(s.Target, scope), Eval(s.Index, scope), value);
                break;
            case TupleExpr t:
                Unpack(t.Items, value, scope);
                break;
            case ListExpr l:
                Unpack(l.Items, value, scope);
                break;
            case StarredExpr:
                throw Raise("SyntaxError", "starred assignment target must be in a list or tuple");
            default:
                throw Raise("SyntaxError", "cannot assign to this expression");
        }
    }

    private void Unpack(IReadOnlyList<Expr> targets, object? value, Scope scope)
    {
        if (value is PyUnknown unknown)
        {
            // (x_train, y_train), (x_test, y_test) = <unknown>: each part is unknown.
            for (var i = 0; i < targets.Count; i++)
                Assign(targets[i] is StarredExpr starred ? starred.Value : targets[i], unknown.Derive($"{unknown.Expression}[{i}]"), scope);
            return;
        }
        var items = ToList(value);
        var star = targets.Select((t, i) => (t, i)).Where(p => p.t is StarredExpr).Select(p => p.i).DefaultIfEmpty(-1).First();
        if (star < 0)
        {
            if (items.Count != targets.Count)
                throw ValueError(items.Count > targets.Count ? $"too many values to unpack (expected {targets.Count})" : $"not enough values to unpack (expected {targets.Count}, got {items.Count})");
            for (var i = 0; i < targets.Count; i++) Assign(targets[i], items[i], scope);
            return;
        }
        var after = targets.Count - star - 1;
        if (items.Count < targets.Count - 1) throw ValueError($"not enough values to unpack (expected at least {targets.Count - 1}, got {items.Count})");
        for (var i = 0; i < star; i++) Assign(targets[i], items[i], scope);
        Assign(((StarredExpr)targets[star]).Value, new PyList(items.GetRange(star, items.Count - star - after)), scope);
        for (var i = 0; i < after; i++) Assign(targets[star + 1 + i], items[items.Count - after + i], scope);
    }

    private void AugAssign(AugAssignStmt s, Scope scope)
    {
        switch (s.Target)
        {
            case NameExpr n:
                SetName(n.Id, InPlace(s.Op, LookupName(n.Id, scope), Eval(s.Value, scope)), scope);
                break;
            case AttributeExpr a:
            {
                var obj = Eval(a.Target, scope);
                SetAttr(obj, a.Name, InPlace(s.Op, GetAttr(obj, a.Name), Eval(s.Value, scope)));
                break;
            }
            case SubscriptExpr sub:
            {
                var obj = Eval(sub.Target, scope);
                var index = Eval(sub.Index, scope);
                SetItem(obj, index, InPlace(s.Op, GetItem(obj, index), Eval(s.Value, scope)));
                break;
            }
            default: throw Raise("SyntaxError", "illegal expression for augmented assignment");
        }
    }

    /// <summary><c>a += b</c>: lists extend in place, everything else rebinds.</summary>
    private object? InPlace(string op, object? left, object? right)
    {
        if (op == "+" && left is PyList l)
        {
            var add = ToList(right);
            CheckLength(l.Items.Count + add.Count);
            l.Items.AddRange(add);
            return l;
        }
        return Binary(op, left, right);
    }

    // ---------- expressions ----------

    public object? Eval(Expr expr, Scope scope)
    {
        switch (expr)
        {
            case Constant c: return c.Value;
            case NameExpr n: return LookupName(n.Id, scope);
            case AttributeExpr a: return GetAttr(Eval(a.Target, scope), a.Name);
            case SubscriptExpr s: return GetItem(Eval(s.Target, scope), Eval(s.Index, scope));
            case SliceExpr s:
                return new PySlice(s.Lower is null ? null : Eval(s.Lower, scope), s.Upper is null ? null : Eval(s.Upper, scope), s.Step is null ? null : Eval(s.Step, scope));
            case CallExpr c: return EvalCall(c, scope);
            case BinaryExpr b: return Binary(b.Op, Eval(b.Left, scope), Eval(b.Right, scope));
            case UnaryExpr u: return Unary(u.Op, Eval(u.Operand, scope));
            case BoolExpr b:
            {
                object? value = null;
                foreach (var e in b.Values)
                {
                    value = Eval(e, scope);
                    if (Truthy(value) != b.IsAnd) return value;
                }
                return value;
            }
            case CompareExpr c:
            {
                var left = Eval(c.Left, scope);
                object? result = true;
                for (var i = 0; i < c.Ops.Count; i++)
                {
                    var right = Eval(c.Rights[i], scope);
                    result = RichCompare(c.Ops[i], left, right);
                    if (i < c.Ops.Count - 1 && !Truthy(result)) return result;
                    left = right;
                }
                return result;
            }
            case ConditionalExpr c: return Truthy(Eval(c.Test, scope)) ? Eval(c.Body, scope) : Eval(c.OrElse, scope);
            case LambdaExpr l: return MakeFunction("<lambda>", l.Parameters, [new ReturnStmt(l.Body) { Line = l.Line, Column = l.Column }], scope, isLambda: true);
            case ListExpr l: return new PyList(EvalItems(l.Items, scope));
            case TupleExpr t: return new PyTuple([.. EvalItems(t.Items, scope)]);
            case SetExpr s:
            {
                var set = new PySet();
                foreach (var i in EvalItems(s.Items, scope)) set.Add(Key(i));
                return set;
            }
            case DictExpr d:
            {
                var dict = new PyDict();
                foreach (var (k, v) in d.Items)
                {
                    if (k is null)
                    {
                        foreach (var (mk, mv) in MappingItems(Eval(v, scope))) dict.Items[mk!] = mv;
                    }
                    else
                    {
                        var key = Key(Eval(k, scope));
                        dict.Items[key!] = Eval(v, scope);
                    }
                    CheckLength(dict.Count);
                }
                return dict;
            }
            case ComprehensionExpr c: return Comprehension(c, scope);
            case FormattedString f:
            {
                var sb = new System.Text.StringBuilder();
                foreach (var part in f.Parts)
                {
                    var value = Eval(part is FormattedValue fv ? fv.Value : part, scope);
                    if (value is PyUnknown unknown) return unknown.Derive("f-string");
                    sb.Append(part is FormattedValue formatted ? FormatValue(formatted, value, scope) : Str(value));
                    CheckString(sb.Length);
                }
                return sb.ToString();
            }
            case FormattedValue fv: return FormatValue(fv, Eval(fv.Value, scope), scope);
            case YieldExpr: throw Raise("NotImplementedError", "yield runs only inside a generator, and generators are not run");
            case NamedExpr n:
            {
                var value = Eval(n.Value, scope);
                var target = scope;
                while (target.IsClassBody && target.Parent is not null) target = target.Parent;
                SetName(n.Target, value, target);
                return value;
            }
            case StarredExpr: throw Raise("SyntaxError", "can't use starred expression here");
            default: throw Raise("NotImplementedError", $"expression {expr.GetType().Name} is not supported");
        }
    }

    private string FormatValue(FormattedValue fv, object? value, Scope scope)
    {
        if (fv.Conversion == 'r' || fv.Conversion == 'a') value = Repr(value);
        else if (fv.Conversion == 's') value = Str(value);
        var spec = fv.Spec is null ? "" : (string)Eval(fv.Spec, scope)!;
        return Format(value, spec);
    }

    private List<object?> EvalItems(IReadOnlyList<Expr> items, Scope scope)
    {
        var list = new List<object?>(items.Count);
        foreach (var e in items)
        {
            if (e is StarredExpr s) list.AddRange(Iterate(Eval(s.Value, scope)));
            else list.Add(Eval(e, scope));
            CheckLength(list.Count);
        }
        return list;
    }

    private object Comprehension(ComprehensionExpr c, Scope scope)
    {
        var inner = new Scope(scope.IsClassBody ? scope.Parent : scope, scope.Module);
        var list = new List<object?>();
        var dict = c.Kind == ComprehensionKind.Dict ? new PyDict() : null;
        void Loop(int level)
        {
            if (level == c.Fors.Count)
            {
                if (dict is not null) dict.Items[Key(Eval(c.Element, inner))!] = Eval(c.Value!, inner);
                else list.Add(Eval(c.Element, inner));
                CheckLength(dict?.Count ?? list.Count);
                return;
            }
            var f = c.Fors[level];
            var source = Eval(f.Iter, level == 0 ? scope : inner);
            foreach (var item in Iterate(source))
            {
                Step();
                Assign(f.Target, item, inner);
                if (f.Conditions.All(cond => Truthy(Eval(cond, inner)))) Loop(level + 1);
            }
        }
        Loop(0);
        switch (c.Kind)
        {
            case ComprehensionKind.Dict: return dict!;
            case ComprehensionKind.Set:
                var set = new PySet();
                foreach (var i in list) set.Add(Key(i));
                return set;
            case ComprehensionKind.Generator: return new PyIterator(list.GetEnumerator());
            default: return new PyList(list);
        }
    }

    private object? EvalCall(CallExpr c, Scope scope)
    {
        var positional = new List<object?>();
        var keywords = new List<KeyValuePair<string, object?>>();
        // super() without arguments: the class being defined and the method's first argument.
        if (c.Function is NameExpr { Id: "super" } && c.Args.Count == 0 && LookupName("super", scope) is PyBuiltin { Name: "super" })
            return ZeroArgSuper(scope);
        var function = Eval(c.Function, scope);
        foreach (var a in c.Args)
        {
            switch (a)
            {
                case StarredExpr s: positional.AddRange(Iterate(Eval(s.Value, scope))); break;
                case DoubleStarredExpr d:
                    foreach (var (k, v) in MappingItems(Eval(d.Value, scope)))
                    {
                        if (k is not string ks) throw TypeError("keywords must be strings");
                        if (keywords.Any(p => p.Key == ks)) throw TypeError($"got multiple values for keyword argument '{ks}'");
                        keywords.Add(new(ks, v));
                    }
                    break;
                case KeywordArg k:
                    if (keywords.Any(p => p.Key == k.Name)) throw Raise("SyntaxError", $"keyword argument repeated: {k.Name}");
                    keywords.Add(new(k.Name, Eval(k.Value, scope)));
                    break;
                default: positional.Add(Eval(a, scope)); break;
            }
        }
        return Call(function, new Args(positional, keywords));
    }

    private object ZeroArgSuper(Scope scope)
    {
        for (var s = scope; s is not null; s = s.Parent)
        {
            if (s.Vars.TryGetValue("__class__", out var cls) && cls is PyClass c && s.Vars.TryGetValue("__self__", out var self))
                return new PySuper(c, self);
        }
        throw Raise("RuntimeError", "super(): no arguments outside a method");
    }

    // ---------- functions ----------

    private PyFunction MakeFunction(string name, IReadOnlyList<Parameter> parameters, IReadOnlyList<Stmt> body, Scope scope, bool isLambda, bool isGenerator = false)
    {
        var defaults = parameters.Select(p => p.Default is null ? PyFunction.NoDefault : Eval(p.Default, scope)).ToArray();
        var closure = scope;
        while (closure.IsClassBody) closure = closure.Parent!; // methods do not see the class body's names
        return new PyFunction(name, parameters, defaults, body, closure, scope.Module, isLambda) { IsGenerator = isGenerator };
    }

    public object? Call(object? function, Args args)
    {
        Step();
        if (function is PyUnknown unknownFunction)
        {
            UnknownCalled?.Invoke(unknownFunction, args);
            return unknownFunction.Derive($"{unknownFunction.Expression}(...)");
        }
        // An object called is checked when its __call__ method is.
        var buildsModel = function is not PyInstance && BuildsModel?.Invoke(function, args) == true;
        if (CallWithUnknown(function, args, buildsModel, out var unknownResult)) return unknownResult;
        if (!buildsModel) return CallCore(function, args);
        _modelChanges++;
        try { return CallCore(function, args); }
        catch (PyException e)
        {
            e.FromModel = true;
            throw;
        }
        catch (ModelException e) when (e is not PythonError)
        {
            var error = Raise("ValueError", e.Message);
            error.FromModel = true;
            throw error;
        }
    }

    private object? CallCore(object? function, Args args)
    {
        switch (function)
        {
            case PyFunction f: return CallFunction(f, args, null);
            case PyBuiltin b: return b.Body(this, args);
            case PyBoundMethod m:
                return m.Function is PyFunction bf ? CallFunction(bf, args.Prepend(m.Self), m.Self) : Call(m.Function, args.Prepend(m.Self));
            case PyClass c: return Instantiate(c, args);
            case PyInstance i when i.Class.Lookup("__call__", out _) is { } call: return Call(Bind(call, i, i.Class), args);
            default:
                throw TypeError($"'{TypeName(function)}' object is not callable");
        }
    }

    private object? CallFunction(PyFunction f, Args args, object? self)
    {
        if (_frames.Count >= Limits.MaxCallDepth)
            throw new LimitExceeded($"maximum recursion depth ({Limits.MaxCallDepth} nested calls) exceeded in '{f.Name}'");
        if (f.IsGenerator) return NewUnknown($"{f.Name}(...)", $"{f.Name}() is a generator, and generators are not run");
        // A raised call-depth limit must still end in an error, never in a .NET stack overflow.
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        var scope = new Scope(f.Closure, f.Module);
        BindArguments(f, args, scope);
        if (f.DefiningClass is not null && f.Parameters.Count > 0)
        {
            scope.Vars["__class__"] = f.DefiningClass;
            scope.Vars["__self__"] = scope.Vars.GetValueOrDefault(f.Parameters[0].Name);
        }
        _frames.Add(new Frame(f.Module, f.Body.Count > 0 ? f.Body[0].Line : 0, 1));
        try
        {
            var flow = ExecBlock(f.Body, scope);
            var result = flow == Flow.Return ? _returnValue : null;
            _returnValue = null;
            return result;
        }
        finally { _frames.RemoveAt(_frames.Count - 1); }
    }

    private void BindArguments(PyFunction f, Args args, Scope scope)
    {
        var ps = f.Parameters;
        var positional = args.Positional;
        var used = 0;
        PyList? varArgs = null;
        PyDict? varKw = null;
        var bound = new HashSet<string>();
        for (var i = 0; i < ps.Count; i++)
        {
            var p = ps[i];
            switch (p.Kind)
            {
                case ParameterKind.Positional:
                    if (used < positional.Count) { scope.Vars[p.Name] = positional[used++]; bound.Add(p.Name); }
                    break;
                case ParameterKind.VarPositional:
                    varArgs = new PyList(positional.Skip(used).ToList());
                    used = positional.Count;
                    scope.Vars[p.Name] = new PyTuple([.. varArgs.Items]);
                    bound.Add(p.Name);
                    break;
                case ParameterKind.VarKeyword:
                    varKw = new PyDict();
                    scope.Vars[p.Name] = varKw;
                    bound.Add(p.Name);
                    break;
            }
        }
        if (used < positional.Count)
            throw TypeError($"{f.Name}() takes {ps.Count(p => p.Kind == ParameterKind.Positional)} positional arguments but {positional.Count} were given");
        foreach (var (name, value) in args.Keywords)
        {
            var p = ps.FirstOrDefault(x => x.Name == name && x.Kind is ParameterKind.Positional or ParameterKind.KeywordOnly);
            if (p is not null)
            {
                if (!bound.Add(name)) throw TypeError($"{f.Name}() got multiple values for argument '{name}'");
                scope.Vars[name] = value;
            }
            else if (varKw is not null) varKw.Items[name] = value;
            else throw TypeError($"{f.Name}() got an unexpected keyword argument '{name}'");
        }
        for (var i = 0; i < ps.Count; i++)
        {
            var p = ps[i];
            if (p.Kind is ParameterKind.VarPositional or ParameterKind.VarKeyword || bound.Contains(p.Name)) continue;
            if (f.Defaults[i] == PyFunction.NoDefault) throw TypeError($"{f.Name}() missing required argument: '{p.Name}'");
            scope.Vars[p.Name] = f.Defaults[i];
        }
    }

    public object? Instantiate(PyClass c, Args args)
    {
        var native = c.Mro.FirstOrDefault(k => k.Construct is not null);
        object? instance = native is not null ? native.Construct!(this, c, args) : new PyInstance(c);
        // A built-in class configures itself in Construct; a class defined in code runs its __init__ (which may call the
        // built-in base's __init__ through super()).
        if (instance is PyInstance pi && pi.Class == c && c != native && c.Lookup("__init__", out _) is { } init)
        {
            var result = Call(Bind(init, pi, c), args);
            if (result is not null) throw TypeError("__init__() should return None");
        }
        return instance;
    }

    /// <summary>A function found on a class, as seen through an instance: bound method, static or class method.</summary>
    public object? Bind(object? attribute, object? self, PyClass cls) => attribute switch
    {
        PyFunction f => new PyBoundMethod(self, f),
        PyBuiltin { IsMethod: true } b => new PyBoundMethod(self, b),
        PyStaticMethod s => s.Function,
        PyClassMethod m => new PyBoundMethod(cls, m.Function!),
        _ => attribute,
    };

    public object? CallMethod(object? target, string name, Args args) => Call(GetAttr(target, name), args);
}
