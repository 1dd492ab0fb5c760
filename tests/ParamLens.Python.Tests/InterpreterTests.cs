namespace ParamLens.Python.Tests;

/// <summary>The language: each program prints what CPython prints for it (worked out by hand).</summary>
public class InterpreterTests
{
    [Theory]
    [InlineData("print(1 + 2 * 3, 7 // 2, -7 // 2, 7 % 3, -7 % 3, 2 ** 10)", "7 3 -4 1 2 1024\n")]
    [InlineData("print(7 / 2, 1 / 3, 2.0 * 3, 1e20, 1.5e-5, 10 ** 20)", "3.5 0.3333333333333333 6.0 1e+20 1.5e-05 100000000000000000000\n")]
    [InlineData("print(True + 1, 3 == 3.0, 1 < 2 < 3, 2 < 1 < 3, not [])", "2 True True False True\n")]
    [InlineData("print('ab' * 3, [1] * 3, (1, 2) + (3,))", "ababab [1, 1, 1] (1, 2, 3)\n")]
    [InlineData("x = 5\nx += 2\nx *= 3\nprint(x)", "21\n")]
    [InlineData("print(0 or 'a', 1 and 0, None or [] or 3)", "a 0 3\n")]
    [InlineData("print(abs(-3), round(2.5), round(3.5), round(2.675, 2), min(3, 1, 2), max([4, 9, 2]), sum(range(5)))", "3 2 4 2.67 1 9 10\n")]
    public void Arithmetic_And_Logic(string code, string expected) => Assert.Equal(expected, Py.Output(code));

    [Theory]
    [InlineData("print('%d items, %.2f, %s, %5s|%-5s|' % (3, 3.14159, 'x', 'ab', 'cd'))", "3 items, 3.14, x,    ab|cd   |\n")]
    [InlineData("print('{} and {name} {0:>4}'.format(7, name='n'))", "7 and n    7\n")]
    [InlineData("w = 6\nx = 3.14159\nprint(f'{x:.2f}|{x:{w}.1f}|{12345:,}|{\"s\"!r}|{x=}')", "3.14|   3.1|12,345|'s'|x=3.14159\n")]
    [InlineData("print(f'{255:x} {255:#b} {0.25:.0%} {7:03d} {\"c\":^5}|')", "ff 0b11111111 25% 007   c  |\n")]
    [InlineData("print(repr('a\\nb'), str(1.0), repr(0.1 + 0.2))", "'a\\nb' 1.0 0.30000000000000004\n")]
    public void String_Formatting(string code, string expected) => Assert.Equal(expected, Py.Output(code));

    [Theory]
    [InlineData("a = [3, 1, 2]\na.append(0)\na.sort()\nprint(a, a[1:3], a[::-1], a[-1], len(a))", "[0, 1, 2, 3] [1, 2] [3, 2, 1, 0] 3 4\n")]
    [InlineData("d = {'a': 1}\nd['b'] = 2\nprint(d, list(d.items()), d.get('c', 9), 'a' in d)", "{'a': 1, 'b': 2} [('a', 1), ('b', 2)] 9 True\n")]
    [InlineData("print([x * x for x in range(5) if x % 2 == 0], {k: v for k, v in zip('ab', [1, 2])}, sorted({3, 1, 2}))", "[0, 4, 16] {'a': 1, 'b': 2} [1, 2, 3]\n")]
    [InlineData("print(list(enumerate('ab', 1)), list(map(lambda v: v + 1, [1, 2])), list(filter(None, [0, 1, 2])))", "[(1, 'a'), (2, 'b')] [2, 3] [1, 2]\n")]
    [InlineData("a, (b, *c), d = 1, (2, 3, 4), 5\nprint(a, b, c, d)", "1 2 [3, 4] 5\n")]
    [InlineData("print(any(x > 2 for x in [1, 3]), all([]), sum(x for x in range(4)), tuple(reversed([1, 2])))", "True True 6 (2, 1)\n")]
    [InlineData("s = 'a,b,,c'\nprint(s.split(','), '-'.join(['x', 'y']), ' pad '.strip(), 'Ab'.lower(), 'conv_1'.startswith('conv'))", "['a', 'b', '', 'c'] x-y pad ab True\n")]
    [InlineData("print([[i, j] for i in range(2) for j in range(i)], [y for x in [[1], [2, 3]] for y in x])", "[[1, 0]] [1, 2, 3]\n")]
    public void Collections(string code, string expected) => Assert.Equal(expected, Py.Output(code));

    [Fact]
    public void Control_Flow() => Assert.Equal("0 1 3 done\nfound 4\nno break\n", Py.Output("""
        out = []
        i = 0
        while True:
            if i == 2:
                i += 1
                continue
            if i > 3:
                break
            out.append(str(i))
            i += 1
        print(' '.join(out), 'done')
        for n in [1, 4, 5]:
            if n % 2 == 0:
                print('found', n)
                break
        else:
            print('not found')
        for n in []:
            break
        else:
            print('no break')
        """));

    [Fact]
    public void Functions_Defaults_Varargs_Kwargs_KeywordOnly() => Assert.Equal("1 2 (3, 4) {'e': 5} 6\n1 10 () {} 0\n", Py.Output("""
        def f(a, b=10, *args, k=0, **kw):
            print(a, b, args, kw, k)
        f(1, 2, 3, 4, e=5, k=6)
        f(1)
        """));

    [Fact]
    public void Closures_Nonlocal_Global_And_Recursion() => Assert.Equal("3 120 7 [1, 2]\n", Py.Output("""
        def counter():
            n = 0
            def inc():
                nonlocal n
                n += 1
                return n
            return inc
        c = counter()
        c(); c()
        total = 0
        def add(v):
            global total
            total += v
        add(7)
        def fact(n):
            return 1 if n <= 1 else n * fact(n - 1)
        def make_list(*items):
            return [*items]
        print(c(), fact(5), total, make_list(1, 2))
        """));

    [Fact]
    public void Classes_Inheritance_Super_Properties_ClassAttributes() => Assert.Equal("Dog rex rex 4 says woof\n2 True 12\n", Py.Output("""
        class Animal:
            count = 0
            def __init__(self, name):
                self.name = name
                Animal.count += 1
            @property
            def legs(self):
                return 4
            def speak(self):
                return 'says ' + self.sound()
        class Dog(Animal):
            def __init__(self, name):
                super().__init__(name)
            def sound(self):
                return 'woof'
            def __str__(self):
                return 'Dog ' + self.name
        d = Dog('rex')
        Dog('max')
        print(d, d.name, d.legs, d.speak())
        class Box:
            def __init__(self, v): self.v = v
            def __add__(self, o): return Box(self.v + o.v)
            def __eq__(self, o): return self.v == o.v
            @staticmethod
            def double(x): return 2 * x
            @classmethod
            def make(cls, v): return cls(v)
        print(Animal.count, Box(1) + Box(2) == Box(3), Box.double(Box.make(6).v))
        """));

    [Fact]
    public void Exceptions_Try_Except_Finally_Raise_Assert_With() => Assert.Equal("caught bad\nfinally\nKeyError 'k'\nmine 3\nassert ok\nenter exit\n", Py.Output("""
        try:
            raise ValueError('bad')
        except (TypeError, ValueError) as e:
            print('caught', e)
        finally:
            print('finally')
        try:
            {}['k']
        except LookupError as e:
            print(type(e).__name__, repr(e.args[0]))
        class MyError(Exception):
            pass
        try:
            raise MyError(3)
        except MyError as e:
            print('mine', e)
        try:
            assert 1 == 2, 'no'
        except AssertionError:
            print('assert ok')
        class Ctx:
            def __enter__(self):
                print('enter', end=' ')
                return self
            def __exit__(self, *a):
                print('exit')
        with Ctx() as c:
            pass
        """));

    [Fact]
    public void Uncaught_Error_Is_A_Traceback_With_File_Line_And_Source()
    {
        var e = Py.Error("def f(x):\n    return x.missing\n\nf(3)\n");
        Assert.Equal("AttributeError", e.Kind);
        Assert.Equal([4, 2], e.Trace.Select(t => t.Line));
        Assert.Contains("File \"test.py\", line 2", e.Message);
        Assert.Contains("return x.missing", e.Message);
        Assert.Contains("'int' object has no attribute 'missing'", e.Message);
    }

    [Fact]
    public void Standard_Modules() => Assert.Equal("3.0 8 7 2 <class 'float'>\n('a/b', '.py') b.py /x/y\n(2, 3) 6 12 float32\n", Py.Output("""
        import math, functools, warnings, os
        import numpy as np
        warnings.warn('ignored')
        add3 = functools.partial(lambda a, b: a + b, 3)
        print(math.sqrt(9), math.prod([2, 4]), add3(4), math.ceil(1.2), type(math.pi))
        print(os.path.splitext('a/b.py'), os.path.basename('a/b.py'), os.path.join('/x', 'y'))
        a = np.zeros((2, 3), dtype='float32')
        print(a.shape, np.prod(a.shape), int(np.prod([3, 4])), a.dtype)
        """));

    [Fact]
    public void Imports_Modules_And_Packages_From_The_Script_Folder()
    {
        var dir = Directory.CreateTempSubdirectory("paramlens-py");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "helpers.py"), "def double(x):\n    return 2 * x\n");
            Directory.CreateDirectory(Path.Combine(dir.FullName, "pkg"));
            File.WriteAllText(Path.Combine(dir.FullName, "pkg", "__init__.py"), "from .blocks import block\n");
            File.WriteAllText(Path.Combine(dir.FullName, "pkg", "blocks.py"), "from . import consts\ndef block():\n    return consts.WIDTH\n");
            File.WriteAllText(Path.Combine(dir.FullName, "pkg", "consts.py"), "WIDTH = 64\n");
            var run = Py.Run("from helpers import double as d\nimport pkg\nfrom pkg.consts import WIDTH\nprint(d(21), pkg.block(), WIDTH)\n", folder: dir.FullName);
            Assert.Null(run.StoppedBy);
            Assert.Equal("42 64 64\n", run.Printed);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void A_Module_The_Interpreter_Lacks_Gives_Unknown_Values()
    {
        var run = Py.Run("""
            try:
                import matplotlib.pyplot as plt
                print('imported')
            except ImportError:
                print('fallback')
            import pandas as pd
            from sklearn.model_selection import train_test_split
            df = pd.read_csv('data.csv')
            x_train, x_test = train_test_split(df.values, test_size=0.2)
            plt.plot(x_train[:, 0])
            with plt.style.context('ggplot'):
                plt.show()
            print(df.shape[1] + 1)
            print(f'{len(x_test)} rows')
            print('end')
            """);
        Assert.Null(run.StoppedBy);
        // What the unknown values would print is not printed; the rest runs.
        Assert.Equal("imported\nend\n", run.Printed);
        Assert.Contains(run.Notes, n => n.Contains("module 'pandas' is not available"));
        Assert.Contains(run.Notes, n => n.Contains("module 'matplotlib' is not available"));
    }
}
