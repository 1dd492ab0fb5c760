using System.Diagnostics;

namespace ParamLens.Python.Tests;

/// <summary>Hostile programs end quickly with a clear error naming the file and line; nothing reaches the host.</summary>
public class SafetyTests
{
    private static PythonError Stops(string code, string kind, string words, Limits? limits = null)
    {
        var clock = Stopwatch.StartNew();
        var e = Py.Error(code, limits);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.True(e.Kind == kind, e.Message);
        Assert.Contains(words, e.Message);
        Assert.Contains("File \"test.py\", line", e.Message);
        return e;
    }

    [Fact]
    public void Endless_Loop_Uses_Up_The_Step_Budget() =>
        Stops("x = 0\nwhile True:\n    x += 1\n", "LimitError", "step budget", new Limits { MaxSteps = 200_000 });

    [Fact]
    public void Endless_Loop_Ends_Under_The_Default_Limits() =>
        Stops("while True:\n    pass\n", "LimitError", "budget");

    [Fact]
    public void Endless_Loop_Uses_Up_The_Time_Budget() =>
        Stops("while True:\n    pass\n", "LimitError", "time budget", new Limits { MaxTime = TimeSpan.FromMilliseconds(200), MaxSteps = long.MaxValue });

    [Fact]
    public void Deep_Recursion_Is_A_Clear_Error_Not_A_Crash()
    {
        var e = Stops("def f(n):\n    return f(n + 1)\nf(0)\n", "LimitError", "maximum recursion depth");
        Assert.Equal(2, e.Trace[^1].Line);
    }

    [Fact]
    public void Recursion_Cannot_Be_Caught_To_Keep_Going() =>
        Stops("def f():\n    try:\n        f()\n    except Exception:\n        f()\nf()\n", "LimitError", "", new Limits { MaxSteps = 2_000_000 });

    [Theory]
    [InlineData("x = [0] * 10**10", "collection of 10,000,000,000 items")]
    [InlineData("s = 'a' * 10**9", "string of 1,000,000,000 characters")]
    [InlineData("n = 2 ** 100000", "integer larger than")]
    [InlineData("s = 'ab'\nwhile True:\n    s = s + s", "string of")]
    public void Huge_Values_Are_Refused(string code, string words) => Stops(code, "LimitError", words);

    [Fact]
    public void Growing_A_List_Forever_Hits_The_Collection_Cap() =>
        Stops("l = []\nwhile True:\n    l.append(l)", "LimitError", "collection of 1,001 items", new Limits { MaxCollectionLength = 1000 });

    [Theory]
    [InlineData("import os\nos.system('echo hi')", "os.system() is not available")]
    [InlineData("import os\nos.popen('ls')", "os.popen() is not available")]
    [InlineData("eval('1 + 1')", "eval() is not available")]
    [InlineData("exec('x = 1')", "exec() is not available")]
    [InlineData("__import__('os')", "__import__() is not available")]
    public void Processes_And_Dynamic_Code_Are_Refused(string code, string words) => Stops(code, "SandboxError", words);

    [Fact]
    public void Refusals_Cannot_Be_Caught() =>
        Stops("import os\ntry:\n    os.system('ls')\nexcept Exception:\n    pass\n", "SandboxError", "os.system()");

    [Fact]
    public void Files_Are_Never_Read_Or_Written()
    {
        var dir = Directory.CreateTempSubdirectory("paramlens-files-");
        try
        {
            var existing = Path.Combine(dir.FullName, "existing.txt");
            File.WriteAllText(existing, "kept");
            var written = Path.Combine(dir.FullName, "written.txt");
            var made = Path.Combine(dir.FullName, "made");
            var run = Py.Run($$"""
                import os, shutil
                import keras
                with open('{{written}}', 'w') as f:
                    f.write('x')
                os.makedirs('{{made}}')
                os.remove('{{existing}}')
                shutil.rmtree('{{dir.FullName}}')
                m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
                m.save('{{written}}')
                print(len(os.listdir('{{dir.FullName}}')))
                print(open('{{existing}}').read())
                print('done')
                """);
            Assert.Null(run.StoppedBy);
            // Nothing read is printed (its value is unknown), nothing was written, made or removed.
            Assert.Equal("done\n", run.Printed);
            Assert.Equal(["existing.txt"], dir.GetFileSystemInfos().Select(f => f.Name));
            Assert.Equal("kept", File.ReadAllText(existing));
        }
        finally { dir.Delete(recursive: true); }
    }

    [Theory]
    [InlineData("().__class__.__bases__")]
    [InlineData("(1).__class__.__subclasses__()")]
    [InlineData("def f(): pass\nf.__globals__")]
    [InlineData("def f(): pass\nf.__code__")]
    public void Introspection_Is_Refused(string code) => Stops(code, "AttributeError", "not allowed");

    [Theory]
    [InlineData("import subprocess")]
    [InlineData("import socket")]
    [InlineData("import ctypes")]
    [InlineData("import importlib")]
    [InlineData("from os import system\nsystem('ls')")]
    public void Dangerous_Modules_Do_Not_Exist(string code)
    {
        var e = Py.Error(code);
        Assert.True(e.Kind is "ModuleNotFoundError" or "ImportError" or "SandboxError", e.Message);
    }

    [Fact]
    public void Os_Environ_Is_An_Empty_Private_Dict() =>
        Assert.Equal("None x\n", Py.Output("import os\nprint(os.environ.get('HOME'), end=' ')\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = 'x'\nprint(os.environ['TF_CPP_MIN_LOG_LEVEL'])\n"));

    [Fact]
    public void Import_Names_Cannot_Climb_Out_Of_The_Search_Folders()
    {
        var e = Py.Error("from .. import secrets\n");
        Assert.Equal("ImportError", e.Kind);
    }
}

public class DeepValueTests
{
    [Fact]
    public void A_Raised_Call_Depth_Limit_Still_Ends_In_An_Error_Not_A_Stack_Overflow()
    {
        // With the depth limit out of the way, the interpreter's stack runs out first: that must be a Python error.
        var run = Py.Run("def f(n):\n    return f(n + 1)\nf(0)\n",
            limits: new Limits { MaxCallDepth = int.MaxValue, MaxSteps = long.MaxValue, MaxTime = TimeSpan.FromSeconds(120) });
        Assert.Equal("RecursionError", Assert.IsType<PythonError>(run.StoppedBy).Kind);
    }

    [Fact]
    public void Deeply_Nested_Values_Do_Not_Crash_The_Host()
    {
        // Either the comparison completes on the interpreter's own large stack, or it stops with a clear error.
        var run = Py.Run("x = []\ny = []\nfor i in range(300000):\n    x = [x]\n    y = [y]\nprint(x == y)\n", limits: new Limits { MaxSteps = 50_000_000, MaxTime = TimeSpan.FromSeconds(60) });
        if (run.StoppedBy is { } e) Assert.True(e.Kind is "RecursionError" or "LimitError", e.Message);
        else Assert.Equal("True\n", run.Printed);
    }
}
