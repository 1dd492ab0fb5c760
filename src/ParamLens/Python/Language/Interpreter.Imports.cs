namespace ParamLens.Python;

public sealed partial class Interpreter
{
    /// <summary>Largest source file an import reads.</summary>
    private const long MaxSourceBytes = 4 * 1024 * 1024;

    /// <summary>The folder of the script being run: its own modules and packages are importable.</summary>
    public string? ScriptDir { get; set; }

    private IEnumerable<string> ImportRoots => (ScriptDir is null ? [] : new[] { ScriptDir }).Concat(SearchPaths);

    /// <summary>Imports a module by (possibly relative) dotted name, loading its parents first, as Python does.</summary>
    public PyModule Import(string name, int level, PyModule from)
    {
        var absolute = name;
        if (level > 0)
        {
            var package = from.PackageDir is not null ? from.Name : from.Name.Contains('.') ? from.Name[..from.Name.LastIndexOf('.')] : "";
            for (var i = 1; i < level; i++)
                package = package.Contains('.') ? package[..package.LastIndexOf('.')] : throw Raise("ImportError", "attempted relative import beyond top-level package");
            if (package.Length == 0) throw Raise("ImportError", "attempted relative import with no known parent package");
            absolute = name.Length == 0 ? package : package + "." + name;
        }
        var parts = absolute.Split('.');
        PyModule? module = null;
        for (var i = 0; i < parts.Length; i++)
        {
            var full = string.Join('.', parts.Take(i + 1));
            var next = LoadModule(full, module);
            if (module is not null) module.Dict[parts[i]] = next;
            module = next;
        }
        return module!;
    }

    private PyModule LoadModule(string fullName, PyModule? parent)
    {
        if (Modules.TryGetValue(fullName, out var cached)) return cached;
        if (BuiltinModules.TryGetValue(fullName, out var make))
        {
            var builtin = make(this);
            Modules[fullName] = builtin;
            return builtin;
        }
        if (parent is not null && parent.Dict.TryGetValue(fullName.Split('.')[^1], out var attr) && attr is PyModule existing)
            return Modules[fullName] = existing;
        var shortName = fullName.Split('.')[^1];
        var dirs = parent is null ? ImportRoots : parent.PackageDir is { } pd ? [pd] : [];
        foreach (var dir in dirs)
        {
            var file = Path.Combine(dir, shortName + ".py");
            var package = Path.Combine(dir, shortName, "__init__.py");
            if (File.Exists(package)) return LoadSource(fullName, package, Path.Combine(dir, shortName));
            if (File.Exists(file)) return LoadSource(fullName, file, null);
        }
        var top = fullName.Split('.')[0];
        if (Refused.Contains(top))
        {
            var known = string.Join(", ", BuiltinModules.Keys.Where(k => !k.Contains('.')).Order());
            throw new PyException(NewException((PyClass)Builtins.Dict["ModuleNotFoundError"]!,
                [$"No module named '{fullName}': the interpreter provides only {known}; other modules must be .py files in the script's folder or in a --path folder"]));
        }
        return Modules[fullName] = UnknownModule(fullName, parent);
    }

    /// <summary>Modules that exist only to reach processes, sockets, native code or the import machinery: importing
    /// them fails, as a reminder that the code cannot do that here.</summary>
    private static readonly HashSet<string> Refused = ["subprocess", "socket", "ctypes", "importlib", "multiprocessing", "builtins", "pty", "signal"];

    /// <summary>A module the interpreter does not provide (matplotlib, pandas, a module of the author's that is not
    /// there): importing it works, and every name in it is an unknown value.</summary>
    private PyModule UnknownModule(string fullName, PyModule? parent)
    {
        var reason = parent?.UnknownReason ?? $"module '{fullName}' is not available here";
        if (parent?.UnknownReason is null) Note($"module '{fullName}' is not available here: what it gives is unknown");
        return new PyModule(fullName, $"<{fullName}>") { UnknownReason = reason };
    }

    private PyModule LoadSource(string fullName, string file, string? packageDir)
    {
        var info = new FileInfo(file);
        if (info.Length > MaxSourceBytes) throw Raise("ImportError", $"{file} is larger than {MaxSourceBytes:N0} bytes");
        var module = new PyModule(fullName, file) { PackageDir = packageDir };
        Modules[fullName] = module;
        try { RunModule(module, File.ReadAllText(file)); }
        catch { Modules.Remove(fullName); throw; }
        return module;
    }

    private PyModule? TryImportSubmodule(PyModule package, string name)
    {
        var file = Path.Combine(package.PackageDir!, name + ".py");
        var sub = Path.Combine(package.PackageDir!, name, "__init__.py");
        if (!File.Exists(file) && !File.Exists(sub) && !BuiltinModules.ContainsKey(package.Name + "." + name)) return null;
        return Import(package.Name + "." + name, 0, package);
    }

    private void ImportFrom(ImportFromStmt s, Scope scope)
    {
        var module = Import(s.Module, s.Level, scope.Module);
        if (s.Names.Count == 0 && module.UnknownReason is not null) scope.Module.UnknownStarImports.Add(module);
        if (s.Names.Count == 0)
        {
            var names = module.Dict.TryGetValue("__all__", out var all) && all is not null
                ? ToList(all).Cast<string>()
                : module.Dict.Keys.Where(k => !k.StartsWith('_')).ToList();
            foreach (var n in names) SetName(n, module.Dict[n], scope);
            return;
        }
        foreach (var name in s.Names)
        {
            object? value;
            if (module.Dict.TryGetValue(name.Module, out var v)) value = v;
            else if (module.UnknownReason is not null) value = GetAttr(module, name.Module);
            else if (module.PackageDir is not null && TryImportSubmodule(module, name.Module) is { } submodule) value = submodule;
            else if (BuiltinModules.ContainsKey(module.Name + "." + name.Module)) value = Import(module.Name + "." + name.Module, 0, module);
            else
            {
                var error = Raise("ImportError", $"cannot import name '{name.Module}' from '{module.Name}'" +
                    (module.File.StartsWith('<') ? " (not provided by the interpreter)" : ""));
                if (!SkipsFailures(scope)) throw error;
                // One name that cannot be imported is unknown; the names beside it are imported.
                Note($"{Interpreter.ExceptionMessage(error.Value)}: it is an unknown value");
                value = NewUnknown(name.Module, $"'{name.Module}' could not be imported from '{module.Name}'");
            }
            SetName(name.AsName ?? name.Module, value, scope);
        }
    }
}
