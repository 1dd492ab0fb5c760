using System.Buffers.Binary;
using System.Text;
using ParamLens.Layers;
using ParamLens.Shapes;
using static ParamLens.Tests.Layers.Dims;
using static ParamLens.Tests.Layers.OneLayer;

namespace ParamLens.Tests.Layers;

/// <summary>
/// A Lambda's output shape from its stored Python lambda. Python 3.11 vectors were produced on CPython 3.11.7 by
/// <c>base64.b64encode(marshal.dumps((lambda x: ...).__code__))</c> (the file name is "&lt;stdin&gt;"); the other versions'
/// code objects are assembled byte by byte below from CPython's marshal format and Lib/opcode.py tables.
/// </summary>
public class LambdaFunctionTests
{
    // lambda x: x / 127.5 - 1.0 (Python 3.11.7)
    private const string Normalise311 = "4wEAAAAAAAAAAAAAAAIAAAADAAAA8xIAAACXAHwAZAF6CwAAZAJ6CgAAUwApA07nAAAAAADgX0DnAAAAAAAA8D+pAKkB2gF4cwEAAAAg+gc8c3RkaW4++gg8bGFtYmRhPnIIAAAABwAAAHMOAAAAgACYcaA1mXmoM5l/gADzAAAAAA==";

    // lambda x: +x (Python 3.11.7: UNARY_POSITIVE, opcode 10)
    private const string Plus311 = "4wEAAAAAAAAAAAAAAAEAAAADAAAA8wgAAACXAHwACgBTAKkBTqkAqQHaAXhzAQAAACD6BzxzdGRpbj76CDxsYW1iZGE+cgcAAAAKAAAA8wgAAACAAJAxkCKAAPMAAAAA";

    public static TheoryData<string, string> ElementWise311 => new()
    {
        { Normalise311, "lambda x: x / 127.5 - 1.0" },
        { "4wEAAAAAAAAAAAAAAAIAAAADAAAA8xIAAACXAHwAZAF6CwAAZAJ6CgAAUwApA07p/wAAAOcAAAAAAADgP6kAqQHaAXhzAQAAACD6BzxzdGRpbj76CDxsYW1iZGE+cggAAAAIAAAAcw4AAACAAJhRoBOZV6BzmV2AAPMAAAAA", "lambda x: x / 255 - 0.5" },
        { "4wEAAAAAAAAAAAAAAAEAAAADAAAA8wgAAACXAHwACwBTAKkBTqkAqQHaAXhzAQAAACD6BzxzdGRpbj76CDxsYW1iZGE+cgcAAAAJAAAA8wgAAACAAJAxkCKAAPMAAAAA", "lambda x: -x" },
        { Plus311, "lambda x: +x" },
        { "4wEAAAAAAAAAAAAAAAIAAAADAAAA8wwAAACXAHwAfAB6BQAAUwCpAU6pAKkB2gF4cwEAAAAg+gc8c3RkaW4++gg8bGFtYmRhPnIHAAAACwAAAPMKAAAAgACQUZgRkVWAAPMAAAAA", "lambda x: x * x" },
        { "4wEAAAAAAAAAAAAAAAMAAAADAAAA8x4AAACXAGQBfAB6CAAAZAJ6BgAAfABkA3oAAAB6AgAAUwApBE7pAgAAAOkHAAAA6QEAAACpAKkB2gF4cwEAAAAg+gc8c3RkaW4++gg8bGFtYmRhPnIJAAAADAAAAHMXAAAAgACgUaghoVaoYaFasEG4AbFF0SU6gADzAAAAAA==", "lambda x: 2 ** x % 7 // (x + 1)" },
        { "4wEAAAAAAAAAAAAAAAIAAAADAAAA8w4AAACXAHwACwBkAXoIAABTACkCTukCAAAAqQCpAdoBeHMBAAAAIPoHPHN0ZGluPvoIPGxhbWJkYT5yBwAAAA0AAABzDAAAAIAAmDGYIqARmRmAAPMAAAAA", "lambda x: (-x) ** 2" },
        { "4wEAAAAAAAAAAAAAAAMAAAADAAAA8xIAAACXAHwAZAF8AHoKAAB6CgAAUwApAk7pAQAAAKkAqQHaAXhzAQAAACD6BzxzdGRpbj76CDxsYW1iZGE+cgcAAAAOAAAAcw4AAACAAJgxoAGgQaEFmTuAAPMAAAAA", "lambda x: x - (1 - x)" },
        { "4wEAAAAAAAAAAAAAAAIAAAADAAAA8wwAAACXAHwAZAF6BQAAUwApAk7n8WjjiLX45D6pACkB2gVpbWFnZXMBAAAAIPoHPHN0ZGluPvoIPGxhbWJkYT5yBgAAAA8AAABzCgAAAIAAoBWoFaEdgADzAAAAAA==", "lambda image: image * 1e-05" },
    };

    [Theory]
    [MemberData(nameof(ElementWise311))]
    public void Python311_ElementWiseLambdas_AreReadBackAsWritten(string stored, string expression)
    {
        var reading = LambdaFunction.Analyse(stored);
        Assert.Equal(expression, reading.Expression);
        Assert.Equal("3.11–3.12", reading.Versions);
    }

    public static TheoryData<string, string> NotElementWise311 => new()
    {
        // lambda x: K.mean(x, axis=1)
        { "4wEAAAAAAAAAAAAAAAQAAAADAAAA8zoAAACXAHQAAAAAAAAAAAAAAKABAAAAAAAAAAAAAAAAAAAAAAAAAAB8AGQBrAKmAgAAqwIAAAAAAAAAAFMAKQNO6QEAAAApAdoEYXhpcykC2gFL2gRtZWFuqQHaAXhzAQAAACD6BzxzdGRpbj76CDxsYW1iZGE+cgkAAAAQAAAAcxYAAACAAKURpxaiFqgBsAGgFtEhMtQhMoAA8wAAAAA=", "a global name (LOAD_GLOBAL) 'K'" },
        // lambda x: x[:, 10:-10]
        { "4wEAAAAAAAAAAAAAAAQAAAADAAAA8x4AAACXAHwAZABkAIUCZAFkAoUCZgIZAAAAAAAAAAAAUwApA07pCgAAAOn2////qQCpAdoBeHMBAAAAIPoHPHN0ZGluPvoIPGxhbWJkYT5yCAAAABEAAABzFgAAAIAAmEGYYZhhmGGgEqBDoBaYaZxMgADzAAAAAA==", "the constant None, not a number" },
        // lambda x: tf.image.resize(x, (66, 200))
        { "4wEAAAAAAAAAAAAAAAQAAAADAAAA80IAAACXAHQAAAAAAAAAAAAAAGoBAAAAAAAAAACgAgAAAAAAAAAAAAAAAAAAAAAAAAAAfABkAaYCAACrAgAAAAAAAAAAUwApAk6pAulCAAAA6cgAAAApA9oCdGbaBWltYWdl2gZyZXNpemWpAdoBeHMBAAAAIPoHPHN0ZGluPvoIPGxhbWJkYT5yCwAAABIAAABzFgAAAIAArVKsWK9fql+4UcAJ0S1K1C1KgADzAAAAAA==", "a global name (LOAD_GLOBAL) 'tf'" },
        // def closure(): s = 3.0; return lambda x: x * s
        { "4wEAAAAAAAAAAAAAAAIAAAATAAAA8w4AAACVAZcAfACJAXoFAABTAKkBTqkAKQLaAXjaAXNzAgAAACCA+gc8c3RkaW4++gg8bGFtYmRhPvoZY2xvc3VyZS48bG9jYWxzPi48bGFtYmRhPgUAAABzCwAAAPiAAJBRmBGRVYAA8wAAAAA=", "a closure" },
        // lambda x: 1.0
        { "4wEAAAAAAAAAAAAAAAEAAAADAAAA8wYAAACXAGQBUwApAk7nAAAAAAAA8D+pAKkB2gF4cwEAAAAg+gc8c3RkaW4++gg8bGFtYmRhPnIHAAAAFAAAAHMGAAAAgACQM4AA8wAAAAA=", "returns a number, not a tensor" },
        // lambda x, y: x + y
        { "4wIAAAAAAAAAAAAAAAIAAAADAAAA8wwAAACXAHwAfAF6AAAAUwCpAU6pACkC2gF42gF5cwIAAAAgIPoHPHN0ZGluPvoIPGxhbWJkYT5yBwAAABUAAABzCgAAAIAAmAGYQZkFgADzAAAAAA==", "exactly one argument" },
        // lambda x: x @ x
        { "4wEAAAAAAAAAAAAAAAIAAAADAAAA8wwAAACXAHwAfAB6BAAAUwCpAU6pAKkB2gF4cwEAAAAg+gc8c3RkaW4++gg8bGFtYmRhPnIHAAAAFgAAAPMKAAAAgACQUZgRkVWAAPMAAAAA", "binary operator 4" },
        // lambda x: x > 0
        { "4wEAAAAAAAAAAAAAAAIAAAADAAAA8w4AAACXAHwAZAFrBAAAAABTACkCTukAAAAAqQCpAdoBeHMBAAAAIPoHPHN0ZGluPvoIPGxhbWJkYT5yBwAAABcAAABzCgAAAIAAkFGYEZJVgADzAAAAAA==", "a comparison (COMPARE_OP)" },
        // lambda *x: x
        { "4wAAAAAAAAAAAAAAAAEAAAAHAAAA8wYAAACXAHwAUwCpAU6pAKkB2gF4cwEAAAAg+gc8c3RkaW4++gg8bGFtYmRhPnIHAAAAGAAAAHMGAAAAgACQMYAA8wAAAAA=", "exactly one argument" },
        // lambda x: x + 'a'
        { "4wEAAAAAAAAAAAAAAAIAAAADAAAA8wwAAACXAHwAZAF6AAAAUwApAk7aAWGpAKkB2gF4cwEAAAAg+gc8c3RkaW4++gg8bGFtYmRhPnIHAAAAGQAAAHMKAAAAgACQcZgzkXeAAPMAAAAA", "the constant 'a', not a number" },
        // lambda x: x * 1j
        { "4wEAAAAAAAAAAAAAAAIAAAADAAAA8wwAAACXAHwAZAF6BQAAUwApAk75AAAAAAAAAAAAAAAAAADwP6kAqQHaAXhzAQAAACD6BzxzdGRpbj76CDxsYW1iZGE+cgcAAAAaAAAAcwoAAACAAJBhmCKRZoAA8wAAAAA=", "of type complex" },
    };

    [Theory]
    [MemberData(nameof(NotElementWise311))]
    public void Python311_OtherLambdas_AreRefusedWithTheReason(string stored, string reason)
    {
        var reading = LambdaFunction.Analyse(stored);
        Assert.Null(reading.Expression);
        Assert.Contains(reason, reading.Reason);
    }

    [Fact]
    public void Keras3Config_NormalisingLambda_KeepsTheInputShape()
    {
        var function = new { class_name = "__lambda__", config = new { code = Normalise311, defaults = (object?)null, closure = (object?)null } };
        var l = Build("Lambda", new { function, arguments = new { } }, [160, 320, 3], Keras3);
        l.IsWeightless(Shape.Of(None, 160, 320, 3));
        Assert.Contains(l.Layer.InboundNodes[0].Call!.Notes, n =>
            n.Contains("`lambda x: x / 127.5 - 1.0`") && n.Contains("Python 3.11–3.12 bytecode") && n.Contains("(None, 160, 320, 3)"));
    }

    [Fact]
    public void TfKerasConfig_CodeDefaultsClosureList_KeepsTheInputShape()
    {
        // tf.keras writes [base64 code, defaults, closure] with function_type "lambda"; codecs' base64 breaks lines.
        var wrapped = Normalise311[..76] + "\n" + Normalise311[76..] + "\n";
        var l = Build("Lambda", new { function = new object?[] { wrapped, null, null }, function_type = "lambda", output_shape = (object?)null, arguments = new { } },
            [66, 200, 3], Keras2);
        l.IsWeightless(Shape.Of(None, 66, 200, 3));
    }

    [Fact]
    public void ConfigsThatAreNotAPlainLambda_AreNotAnalysed()
    {
        Assert.Contains("closure", Keras2Reading(new { function = new object?[] { Normalise311, null, new[] { 3.0 } }, function_type = "lambda" }));
        Assert.Contains("keyword arguments", Keras2Reading(new { function = new object?[] { Normalise311, null, null }, function_type = "lambda", arguments = new { scale = 2 } }));
        Assert.Contains("named Python function", Keras2Reading(new { function = "preprocess", function_type = "function" }));
        Assert.Contains("output_shape as Python code", Keras2Reading(new
        {
            function = new object?[] { Normalise311, null, null }, function_type = "lambda",
            output_shape = new object?[] { Normalise311, null, null }, output_shape_type = "lambda",
        }));
        Assert.Contains("named Python function", Keras2Reading(new { function = new { module = "builtins", class_name = "function", config = "abs" } }));
    }

    private static string Keras2Reading(object config) =>
        LambdaFunction.Analyse(new LambdaDeclaration().Configure(System.Text.Json.JsonSerializer.SerializeToNode(config)!.AsObject(), Keras2)).Reason;

    [Fact]
    public void ElementWiseLambda_OnTwoInputs_IsNotDerived()
    {
        var function = new { class_name = "__lambda__", config = new { code = Normalise311, defaults = (object?)null, closure = (object?)null } };
        var l = Merge("Lambda", new { function }, [4], [4]);
        l.IsWeightless(Shape.Unknown); // a Lambda has no weights, so only its shape is unknown
        var notes = l.Layer.InboundNodes[0].Call!.Notes;
        Assert.Contains("its function was not analysed to an output shape: it is called with 2 inputs, not one tensor", notes);
        Assert.StartsWith("the output shape of a Lambda cannot be derived", l.Layer.InboundNodes[0].Call!.UnknownOutputReason);
    }

    [Fact]
    public void Python311_UnaryPlusOf312_AndCodeNotOpeningWithResume_AreRefused()
    {
        var plus = Convert.FromBase64String(Plus311);
        // The code starts at byte 26: 'c', five int32 fields, then 's' and its int32 length.
        Assert.Equal([0x97, 0, 0x7C, 0, 0x0A, 0], plus[26..32]);
        var intrinsic = (byte[])plus.Clone();
        intrinsic[30] = 173; // 3.12's CALL_INTRINSIC_1 (UNARY_POSITIVE is intrinsic 5), a backward jump in 3.11
        intrinsic[31] = 5;
        Assert.Contains("opcode 173", LambdaFunction.Analyse(Convert.ToBase64String(intrinsic)).Reason);
        var noResume = (byte[])plus.Clone();
        noResume[26] = 9; // NOP
        Assert.Contains("does not begin as Python 3.11–3.12 code does", LambdaFunction.Analyse(Convert.ToBase64String(noResume)).Reason);
        var renumbered = (byte[])plus.Clone();
        renumbered[26] = 149; // RESUME in 3.13, COPY_FREE_VARS in 3.11–3.12 (where the code would need free variables)
        Assert.Contains("a later Python", LambdaFunction.Analyse(Convert.ToBase64String(renumbered)).Reason);
    }

    // ---- other Python versions, assembled by hand ----

    /// <summary>Python 3.0–3.5 (3-byte instructions): lambda x: x / 255 - 0.5, as the Udacity projects write it.</summary>
    private static byte[] Python35Normalise(string filename = "model.py") => new Marshal()
        .Type('c', reference: true).Int(1).Int(0).Int(1).Int(2).Int(0x43)        // argcount, kwonlyargcount, nlocals, stacksize, flags
        .Bytes([0x7C, 0, 0, 0x64, 1, 0, 0x1B, 0x64, 2, 0, 0x18, 0x53])          // LOAD_FAST 0, LOAD_CONST 1, BINARY_TRUE_DIVIDE, LOAD_CONST 2, BINARY_SUBTRACT, RETURN_VALUE
        .Type(')').Byte(3).Type('N').Type('i', reference: true).Int(255).Type('g', reference: true).Double(0.5)
        .Type(')', reference: true).Byte(0)                                     // names: () is reference 3
        .Type(')').Byte(1).Type('z', reference: true).ShortText("x")            // varnames
        .Type('r').Int(3).Type('r').Int(3)                                      // freevars, cellvars: the () again
        .Type('z', reference: true).ShortText(filename).Type('z', reference: true).ShortText("<lambda>")
        .Int(161).Bytes([]).ToArray();

    [Fact]
    public void Python35_RawUnicodeEscapeText_AsKeras1And20StoreIt()
    {
        // raw_unicode_escape maps each byte to the code point of the same value.
        var reading = LambdaFunction.Analyse(Encoding.Latin1.GetString(Python35Normalise()));
        Assert.Equal("lambda x: x / 255 - 0.5", reading.Expression);
        Assert.Equal("3.0–3.5", reading.Versions);
    }

    [Fact]
    public void RawUnicodeEscapeText_TurnsEscapedCharactersBackIntoTheirBytes()
    {
        // Bytes spelling \u0100 were decoded by Python into the one character U+0100: encoding restores the six bytes.
        var bytes = Python35Normalise(@"\u0100ab");
        var text = Encoding.Latin1.GetString(bytes).Replace(@"\u0100", "\u0100", StringComparison.Ordinal);
        Assert.Equal(bytes, LambdaFunction.DecodeStoredText(text));
        Assert.Equal("lambda x: x / 255 - 0.5", LambdaFunction.Analyse(text).Expression);
    }

    [Fact]
    public void Python2_CodeObject_WithClassicDivision()
    {
        // lambda x: x / 255.0 - 0.5 in Python 2.7: no kwonlyargcount, interned strings, BINARY_DIVIDE (21).
        var bytes = new Marshal()
            .Type('c').Int(1).Int(1).Int(2).Int(0x43)                           // argcount, nlocals, stacksize, flags
            .Bytes([0x7C, 0, 0, 0x64, 1, 0, 0x15, 0x64, 2, 0, 0x18, 0x53])
            .Type('(').Int(3).Type('N').Type('g').Double(255.0).Type('g').Double(0.5)
            .Type('(').Int(0)
            .Type('(').Int(1).Type('t').Text("x")                               // interned string 0
            .Type('(').Int(0).Type('(').Int(0)
            .Type('s').Text("model.py").Type('t').Text("<lambda>")             // interned string 1
            .Int(12).Bytes([]).ToArray();
        var reading = LambdaFunction.Analyse(Encoding.Latin1.GetString(bytes));
        Assert.Equal("lambda x: x / 255.0 - 0.5", reading.Expression);
        Assert.Equal("2.7", reading.Versions);

        // A Python 2 back-reference to an interned string (TYPE_STRINGREF) reads as the string.
        var renamed = new Marshal()
            .Type('c').Int(1).Int(1).Int(1).Int(0x43).Bytes([0x7C, 0, 0, 0x0B, 0x53])  // LOAD_FAST 0, UNARY_NEGATIVE, RETURN_VALUE
            .Type('(').Int(1).Type('N').Type('(').Int(0).Type('(').Int(1).Type('t').Text("image")
            .Type('(').Int(0).Type('(').Int(0).Type('R').Int(0).Type('t').Text("<lambda>").Int(1).Bytes([]).ToArray();
        Assert.Equal("lambda image: -image", LambdaFunction.Analyse(Encoding.Latin1.GetString(renamed)).Expression);
    }

    private static Marshal Python3Header(bool posOnly) =>
        posOnly
            ? new Marshal().Type('c', reference: true).Int(1).Int(0).Int(0).Int(1).Int(2).Int(0x43)   // 3.8–3.10: posonlyargcount too
            : new Marshal().Type('c', reference: true).Int(1).Int(0).Int(1).Int(2).Int(0x43);

    private static byte[] Python3Tail(Marshal m, params object[] names)
    {
        m.Type(')').Byte(names.Length);
        foreach (var n in names) m.Type('z').ShortText((string)n);
        return m.Type(')').Byte(1).Type('z').ShortText("x").Type(')').Byte(0).Type(')').Byte(0)
            .Type('z').ShortText("m.py").Type('z').ShortText("<lambda>").Int(1).Bytes([]).ToArray();
    }

    [Fact]
    public void ReferenceFlags_AreNotPython2()
    {
        // The Python 2 code object of Python2_CodeObject_WithClassicDivision, but with FLAG_REF on its type code.
        var bytes = new Marshal()
            .Type('c', reference: true).Int(1).Int(1).Int(1).Int(0x43).Bytes([0x7C, 0, 0, 0x0B, 0x53])
            .Type('(').Int(1).Type('N').Type('(').Int(0).Type('(').Int(1).Type('t').Text("x")
            .Type('(').Int(0).Type('(').Int(0).Type('s').Text("m.py").Type('t').Text("<lambda>").Int(1).Bytes([]).ToArray();
        Assert.Null(LambdaFunction.Analyse(Encoding.Latin1.GetString(bytes)).Expression);
        bytes[0] = (byte)'c';
        Assert.Equal("lambda x: -x", LambdaFunction.Analyse(Encoding.Latin1.GetString(bytes)).Expression);
    }

    [Fact]
    public void Python36And37_Wordcode()
    {
        // lambda x: x * 2 + 1: LOAD_FAST 0, LOAD_CONST 1, BINARY_MULTIPLY, LOAD_CONST 2, BINARY_ADD, RETURN_VALUE, each with an argument byte.
        var m = Python3Header(posOnly: false).Bytes([0x7C, 0, 0x64, 1, 0x14, 0, 0x64, 2, 0x17, 0, 0x53, 0])
            .Type(')').Byte(3).Type('N').Type('i').Int(2).Type('i').Int(1);
        var reading = LambdaFunction.Analyse(Convert.ToBase64String(Python3Tail(m)));
        Assert.Equal("lambda x: x * 2 + 1", reading.Expression);
        Assert.Equal("3.6–3.7", reading.Versions);
    }

    [Fact]
    public void Python38To310_Wordcode_WithPositionalOnlyCount()
    {
        // lambda x: -x ** 2 / 3 % 2.5 // 1 with a 2-digit integer constant in the long form (2 ** 15 + 5 = 32773).
        var m = Python3Header(posOnly: true)
            .Bytes([0x7C, 0, 0x64, 1, 0x13, 0, 0x0B, 0, 0x64, 2, 0x1B, 0, 0x64, 3, 0x16, 0, 0x64, 4, 0x1A, 0, 0x53, 0])
            .Type(')').Byte(5).Type('N').Type('i').Int(2).Type('l').Int(2).UInt16(5).UInt16(1).Type('g').Double(2.5).Type('i').Int(1);
        var reading = LambdaFunction.Analyse(Convert.ToBase64String(Python3Tail(m)));
        Assert.Equal("lambda x: -x ** 2 / 32773 % 2.5 // 1", reading.Expression);
        Assert.Equal("3.8–3.10", reading.Versions);

        // lambda x: K.mean(x): LOAD_GLOBAL 0, LOAD_ATTR 1, LOAD_FAST 0, CALL_FUNCTION 1, RETURN_VALUE.
        var call = Python3Header(posOnly: true).Bytes([0x74, 0, 0x6A, 1, 0x7C, 0, 0x83, 1, 0x53, 0]).Type(')').Byte(1).Type('N');
        Assert.Contains("a global name (LOAD_GLOBAL) 'K'", LambdaFunction.Analyse(Convert.ToBase64String(Python3Tail(call, "K", "mean"))).Reason);
    }

    [Fact]
    public void Python30To37_CodeThatDoesNotEndByReturning_HasNoKnownInstructionSize()
    {
        var m = Python3Header(posOnly: false).Bytes([0x7C, 0, 0]).Type(')').Byte(1).Type('N');
        Assert.Contains("cannot be told", LambdaFunction.Analyse(Convert.ToBase64String(Python3Tail(m))).Reason);
    }

    // ---- hostile input: a clear refusal, never a crash ----

    [Fact]
    public void EveryTruncation_IsRefused()
    {
        foreach (var full in new[] { Python35Normalise(), Convert.FromBase64String(Normalise311) })
            for (var length = 0; length < full.Length; length++)
            {
                var reading = LambdaFunction.Analyse(Convert.ToBase64String(full[..length]));
                Assert.Null(reading.Expression);
                Assert.False(string.IsNullOrEmpty(reading.Reason));
            }
        Assert.Contains("ends early", LambdaFunction.Analyse(Convert.ToBase64String(Python35Normalise()[..40])).Reason);
    }

    [Fact]
    public void AbsurdLengths_DeepNesting_UnknownTypes_BadReferences_AreRefused()
    {
        Assert.Contains("ends early", Refusal(Python3Header(false).Type('s').Int(int.MaxValue)));
        Assert.Contains("negative length", Refusal(Python3Header(false).Type('s').Int(-5)));
        Assert.Contains("claims 2,147,483,647 items", Refusal(Python3Header(false).Bytes([0x53, 0]).Type('(').Int(int.MaxValue)));
        Assert.Contains("digits", Refusal(Python3Header(false).Bytes([0x53, 0]).Type('(').Int(1).Type('l').Int(int.MaxValue)));
        Assert.Contains("unknown marshal type code 0x3f", Refusal(Python3Header(false).Bytes([0x53, 0]).Type('?')));
        Assert.Contains("back-reference (7)", Refusal(Python3Header(false).Bytes([0x53, 0]).Type('r').Int(7)));
        Assert.Contains("back-reference (0)", Refusal(Python3Header(false).Type('r').Int(0))); // the code object itself, still being read

        var deep = Python3Header(false).Bytes([0x53, 0]);
        for (var i = 0; i < 10_000; i++) deep.Type('(').Int(1);
        Assert.Contains("deeper than 32", Refusal(deep));

        Assert.Contains("not a code object", LambdaFunction.Analyse(Convert.ToBase64String(new Marshal().Type('N').ToArray())).Reason);
        Assert.Contains("follow the code object", LambdaFunction.Analyse(Convert.ToBase64String([.. Python35Normalise(), 0])).Reason);
        Assert.Contains("empty", LambdaFunction.Analyse("").Reason);
        Assert.Contains("more than", LambdaFunction.Analyse(new string('\u0100', 3 * PythonCodeObject.MaxBytes)).Reason);
        Assert.Contains("more than", LambdaFunction.Analyse(new string('A', 2 * PythonCodeObject.MaxBytes)).Reason);
    }

    private static string Refusal(Marshal m) => LambdaFunction.Analyse(Convert.ToBase64String(m.ToArray())).Reason;

    [Fact]
    public void RandomCorruption_IsReadOrRefused_NeverThrown()
    {
        var random = new Random(20261128);
        var sources = new[] { Python35Normalise(), Convert.FromBase64String(Normalise311), Convert.FromBase64String(Plus311) };
        for (var i = 0; i < 3000; i++)
        {
            var bytes = (byte[])sources[i % sources.Length].Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            var reading = LambdaFunction.Analyse(Convert.ToBase64String(bytes));
            Assert.True(reading.Expression is not null || reading.Reason.Length > 0);
        }
    }

    [Theory]
    [InlineData(255.0, "255.0")]
    [InlineData(0.5, "0.5")]
    [InlineData(127.5, "127.5")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(0.1, "0.1")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(double.PositiveInfinity, "inf")]
    public void Floats_PrintAsPythonReprDoes(double value, string repr) => Assert.Equal(repr, LambdaFunction.PythonFloat(value));

    /// <summary>Writes marshal bytes: a type code (optionally with FLAG_REF, 0x80), then its payload.</summary>
    private sealed class Marshal
    {
        private readonly List<byte> _bytes = [];

        public Marshal Type(char code, bool reference = false) => Byte((byte)(code | (reference ? 0x80 : 0)));

        public Marshal Byte(int b)
        {
            _bytes.Add((byte)b);
            return this;
        }

        public Marshal Int(int value)
        {
            var buffer = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(buffer, value);
            _bytes.AddRange(buffer);
            return this;
        }

        public Marshal UInt16(ushort value) => Byte(value & 0xFF).Byte(value >> 8);

        public Marshal Double(double value)
        {
            var buffer = new byte[8];
            BinaryPrimitives.WriteDoubleLittleEndian(buffer, value);
            _bytes.AddRange(buffer);
            return this;
        }

        /// <summary>A bytes object: 's', an int32 length, the bytes.</summary>
        public Marshal Bytes(byte[] value)
        {
            Type('s').Int(value.Length);
            _bytes.AddRange(value);
            return this;
        }

        /// <summary>A 4-byte length and the text (after a type code written separately).</summary>
        public Marshal Text(string value)
        {
            Int(value.Length);
            _bytes.AddRange(Encoding.Latin1.GetBytes(value));
            return this;
        }

        /// <summary>A 1-byte length and the text (Python 3.4+ short ASCII).</summary>
        public Marshal ShortText(string value)
        {
            Byte(value.Length);
            _bytes.AddRange(Encoding.Latin1.GetBytes(value));
            return this;
        }

        public byte[] ToArray() => [.. _bytes];
    }
}
