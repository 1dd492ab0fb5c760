using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using ParamLens.Shapes;

namespace ParamLens.Layers;

/// <summary>
/// Derives a Lambda's output shape from the Python lambda Keras stored in its config, when that is exact: the bytecode is
/// read (not run) by a small abstract interpreter that accepts only element-wise arithmetic between the single input
/// tensor and numbers. Broadcasting a number, or combining the input with itself, never changes the shape, so such a
/// lambda's output shape is its input shape. Anything else (globals, attributes, calls, subscripts, closures) is left
/// undetermined.
/// </summary>
public static class LambdaFunction
{
    /// <summary>The output shapes when the function provably keeps the input shape; otherwise null, with a note saying why.</summary>
    public static IReadOnlyList<Shape>? ElementWiseOutput(LayerCall call)
    {
        var reading = Analyse(call.Config);
        if (reading.Expression is null)
        {
            call.Note($"its function was not analysed to an output shape: {reading.Reason}");
            return null;
        }
        if (call.Inputs.Count != 1)
        {
            call.Note($"its function was not analysed to an output shape: it is called with {call.Inputs.Count} inputs, not one tensor");
            return null;
        }
        call.Note($"its function `{reading.Expression}` only does element-wise arithmetic on its input with numbers " +
            $"(read from the stored Python {reading.Versions} bytecode), so the output shape equals the input shape: {call.Input}");
        return [call.Input];
    }

    /// <summary>What the stored function was read as: the lambda's text (or null when not provably element-wise), the
    /// Python versions whose bytecode it is, and why it was refused.</summary>
    public sealed record Reading(string? Expression, string Versions, string Reason);

    /// <summary>Read the config's stored function (Keras 1, 2 and 3 encodings).</summary>
    public static Reading Analyse(LayerConfig config)
    {
        if (config.Raw("arguments") is not (null or JsonObject { Count: 0 }))
            return Refused("the config passes it keyword arguments");
        // An output_shape function is what Keras reports instead, whatever the function does.
        if (config.Raw("output_shape") is not null)
            return Refused("its config gives output_shape as Python code, which is what Keras reports");
        return StoredCode(config) switch
        {
            (string code, null) => Analyse(code),
            (_, var why) => Refused(why ?? "the config stores no Python lambda"),
        };
    }

    /// <summary>The stored code text and why there is none.</summary>
    private static (string? Code, string? Why) StoredCode(LayerConfig config)
    {
        var function = config.Raw("function");
        // Keras 3: {"class_name": "__lambda__", "config": {"code", "defaults", "closure"}}.
        if (function is JsonObject keras3)
        {
            if (keras3["class_name"] is not JsonValue name || name.ToString() != "__lambda__" || keras3["config"] is not JsonObject inner)
                return (null, "it is a named Python function, not a lambda");
            return inner["closure"] is null ? (Text(inner["code"]), null) : (null, "it captures variables of an enclosing function (a closure)");
        }
        var type = config.OptString("function_type");
        if (type is not null && type != "lambda") return (null, "it is a named Python function, not a lambda");
        return function switch
        {
            // Keras 1.0: the code alone; Keras 1.2 and 2: [code, defaults, closure].
            JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String =>
                type == "lambda" ? (v.GetValue<string>(), null) : (null, "it is a named Python function, not a lambda"),
            JsonArray { Count: 3 } list => list[2] is null ? (Text(list[0]), null) : (null, "it captures variables of an enclosing function (a closure)"),
            _ => (null, "the config stores no Python lambda"),
        };
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>Analyse stored code text: base64 of the marshal bytes (Keras 2.1+ and 3), or the bytes decoded as
    /// <c>raw_unicode_escape</c> (Keras 1 and 2.0), told apart as Keras' <c>func_load</c> does: base64 first.</summary>
    public static Reading Analyse(string? stored)
    {
        if (stored is null) return Refused("the stored code is not a string");
        try
        {
            var code = PythonCodeObject.Read(DecodeStoredText(stored));
            return Interpret(code);
        }
        catch (PythonCodeException e)
        {
            return Refused(e.Message);
        }
    }

    /// <summary>The marshal bytes from Keras' text form of them.</summary>
    public static byte[] DecodeStoredText(string stored)
    {
        if (stored.Length > 2 * PythonCodeObject.MaxBytes)
            throw new PythonCodeException($"the stored function is {stored.Length:N0} characters, more than accepted");
        var compact = string.Concat(stored.Where(c => !char.IsWhiteSpace(c)));
        if (compact.Length > 0 && compact.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))
        {
            try { return Convert.FromBase64String(compact); }
            catch (FormatException) { }
        }
        // The inverse of Python's raw_unicode_escape decoding: code points below 256 are the bytes themselves; others
        // were \uXXXX (or \UXXXXXXXX) escapes in the bytes.
        var bytes = new List<byte>(stored.Length);
        for (var i = 0; i < stored.Length; i++)
        {
            var c = stored[i];
            if (c < 0x100) bytes.Add((byte)c);
            else if (char.IsHighSurrogate(c) && i + 1 < stored.Length && char.IsLowSurrogate(stored[i + 1]))
                bytes.AddRange(Encoding.ASCII.GetBytes($"\\U{char.ConvertToUtf32(c, stored[++i]):x8}"));
            else bytes.AddRange(Encoding.ASCII.GetBytes($"\\u{(int)c:x4}"));
        }
        return [.. bytes];
    }

    private static Reading Refused(string reason, string versions = "") => new(null, versions, reason);

    // ---- the abstract interpreter ----

    private enum Instruction { Nop, Cache, Resume, LoadFast, LoadConst, Binary, BinaryOp, Negative, Positive, Return }

    /// <summary>One Python version range's instruction encoding and the opcodes this analysis understands in it.</summary>
    /// <param name="OpensWithResume">3.11+ code without cells or free variables starts with RESUME.</param>
    private sealed record Dialect(string Versions, bool Wordcode, IReadOnlyDictionary<byte, (Instruction Kind, string Symbol)> Opcodes,
        IReadOnlyDictionary<byte, string> Refused, bool OpensWithResume = false);

    // Opcode numbers from CPython's Lib/opcode.py of each version. Arguments: 3-byte instructions (2.7, 3.0–3.5) carry
    // a 16-bit argument after opcodes >= 90 (HAVE_ARGUMENT); wordcode (3.6+) is always an opcode and a one-byte argument.
    private static readonly Dictionary<byte, (Instruction, string)> ClassicArithmetic = new()
    {
        [9] = (Instruction.Nop, ""),               // NOP (2.7–3.10)
        [10] = (Instruction.Positive, "+"),        // UNARY_POSITIVE
        [11] = (Instruction.Negative, "-"),        // UNARY_NEGATIVE
        [19] = (Instruction.Binary, "**"),         // BINARY_POWER
        [20] = (Instruction.Binary, "*"),          // BINARY_MULTIPLY
        [22] = (Instruction.Binary, "%"),          // BINARY_MODULO
        [23] = (Instruction.Binary, "+"),          // BINARY_ADD
        [24] = (Instruction.Binary, "-"),          // BINARY_SUBTRACT
        [26] = (Instruction.Binary, "//"),         // BINARY_FLOOR_DIVIDE
        [27] = (Instruction.Binary, "/"),          // BINARY_TRUE_DIVIDE
        [83] = (Instruction.Return, ""),           // RETURN_VALUE
        [100] = (Instruction.LoadConst, ""),       // LOAD_CONST
        [124] = (Instruction.LoadFast, ""),        // LOAD_FAST
    };

    private static readonly Dictionary<byte, string> ClassicRefused = new()
    {
        [16] = "a matrix product (BINARY_MATRIX_MULTIPLY)",  // 3.5–3.10
        [25] = "a subscript (BINARY_SUBSCR)",
        [101] = "a name lookup (LOAD_NAME)",
        [106] = "an attribute (LOAD_ATTR)",
        [107] = "a comparison (COMPARE_OP)",
        [116] = "a global name (LOAD_GLOBAL)",
        [131] = "a function call (CALL_FUNCTION)",             // 2.7–3.10
        [132] = "an inner function (MAKE_FUNCTION)",
        [133] = "a slice (BUILD_SLICE)",
        [136] = "a variable of an enclosing function (LOAD_DEREF)", // 3.0–3.10 (2.7: LOAD_DEREF too)
        [160] = "a method (LOAD_METHOD)",                      // 3.7–3.10
    };

    private static readonly Dialect Python2 = new("2.7", false,
        new Dictionary<byte, (Instruction, string)>(ClassicArithmetic) { [21] = (Instruction.Binary, "/") }, // BINARY_DIVIDE (2.x only)
        ClassicRefused);

    private static readonly Dialect Python30To35 = new("3.0–3.5", false, ClassicArithmetic, ClassicRefused);
    private static readonly Dialect Python36To37 = new("3.6–3.7", true, ClassicArithmetic, ClassicRefused);
    private static readonly Dialect Python38To310 = new("3.8–3.10", true, ClassicArithmetic, ClassicRefused);

    // 3.11 and 3.12 marshal the same layout and number these alike; opcode 10 exists only in 3.11 (UNARY_POSITIVE:
    // 3.12 left 10 unused), so it is safe. 3.12 writes +x as CALL_INTRINSIC_1 (173), a backward jump in 3.11: refused.
    private static readonly Dialect Python311To312 = new("3.11–3.12", true, new Dictionary<byte, (Instruction, string)>
    {
        [0] = (Instruction.Cache, ""),             // CACHE: inline cache entries, zero in stored code
        [9] = (Instruction.Nop, ""),               // NOP
        [10] = (Instruction.Positive, "+"),        // UNARY_POSITIVE (3.11 only)
        [11] = (Instruction.Negative, "-"),        // UNARY_NEGATIVE
        [83] = (Instruction.Return, ""),           // RETURN_VALUE
        [100] = (Instruction.LoadConst, ""),       // LOAD_CONST
        [122] = (Instruction.BinaryOp, ""),        // BINARY_OP, the operator in its argument
        [124] = (Instruction.LoadFast, ""),        // LOAD_FAST
        [151] = (Instruction.Resume, ""),          // RESUME
    }, new Dictionary<byte, string>
    {
        [2] = "a function call (PUSH_NULL)",
        [25] = "a subscript (BINARY_SUBSCR)",
        [106] = "an attribute (LOAD_ATTR)",
        [107] = "a comparison (COMPARE_OP)",
        [116] = "a global name (LOAD_GLOBAL)",
        [121] = "a constant result (RETURN_CONST)",           // 3.12
        [132] = "an inner function (MAKE_FUNCTION)",
        [133] = "a slice (BUILD_SLICE)",
        [137] = "a variable of an enclosing function (LOAD_DEREF)",
        [171] = "a function call (CALL)",
    }, OpensWithResume: true);

    /// <summary>BINARY_OP's argument in 3.11+ (the <c>_nb_ops</c> order of Lib/opcode.py): the operators accepted.</summary>
    private static readonly Dictionary<int, string> BinaryOperators = new()
    {
        [0] = "+", [2] = "//", [5] = "*", [6] = "%", [8] = "**", [10] = "-", [11] = "/",
    };

    /// <summary>The dialect of a code object: its layout, and for Python 3.0–3.7 the instruction size. A lambda's body
    /// ends with RETURN_VALUE (83): the last byte in 3-byte code (3.0–3.5); followed by its zero argument in wordcode (3.6+).</summary>
    private static Dialect DialectOf(PythonCodeObject code) => code.Layout switch
    {
        PythonCodeLayout.Python2 => Python2,
        PythonCodeLayout.Python38To310 => Python38To310,
        PythonCodeLayout.Python311Plus => Python311To312,
        _ when code.Code is [.., 83] => Python30To35,
        _ when code.Code is [.., 83, 0] => Python36To37,
        _ => throw new PythonCodeException("the bytecode does not end by returning a value, so its Python 3 version cannot be told"),
    };

    /// <summary>An abstract stack value: the input tensor transformed element-wise, or a Python number; its text and
    /// the precedence of its outermost operator, to print the expression with the parentheses Python needs.</summary>
    private sealed record Value(bool IsTensor, string? Text, int Precedence);

    private const int AtomPrecedence = 100, PowerPrecedence = 90, UnaryPrecedence = 80, ProductPrecedence = 70, SumPrecedence = 60;

    /// <summary>Longest expression text kept for the explanation.</summary>
    private const int MaxExpressionChars = 160;

    private static Reading Interpret(PythonCodeObject code)
    {
        var dialect = DialectOf(code);
        Reading Refuse(string why) => Refused(why, dialect.Versions);

        if (code.ArgCount != 1 || code.KwOnlyArgCount != 0 || (code.Flags & 0x0C) != 0)
            return Refuse("it does not take exactly one argument");   // 0x04 CO_VARARGS, 0x08 CO_VARKEYWORDS
        if ((code.Flags & 0x20) != 0) return Refuse("it is a generator");  // CO_GENERATOR
        if (code.FreeVarCount > 0) return Refuse("it uses variables of an enclosing function (a closure)");
        if (code.CellVarCount > 0) return Refuse("it defines an inner function");
        var parameter = code.LocalNames[0];

        var bytes = code.Code;
        if (dialect.Wordcode && bytes.Length % 2 != 0) return Refuse("its wordcode has an odd length");
        var stack = new Stack<Value>();
        var position = 0;
        var sawResume = false;
        while (position < bytes.Length)
        {
            var at = position;
            var opcode = bytes[position];
            int oparg;
            if (dialect.Wordcode)
            {
                oparg = bytes[position + 1];
                position += 2;
            }
            else if (opcode >= 90)
            {
                if (bytes.Length - position < 3) return Refuse("its bytecode ends inside an instruction");
                oparg = bytes[position + 1] | bytes[position + 2] << 8;
                position += 3;
            }
            else
            {
                oparg = 0;
                position += 1;
            }

            var known = dialect.Opcodes.TryGetValue(opcode, out var instruction);
            // Any other first instruction means another Python version, whose opcodes this table would misread
            // (3.13 renumbered them: its RESUME is 3.12's COPY_FREE_VARS).
            if (dialect.OpensWithResume && !sawResume && !(known && instruction.Kind is (Instruction.Resume or Instruction.Cache)))
                return Refuse("its bytecode does not begin as Python 3.11–3.12 code does (a later Python?)");
            if (!known)
                return Refuse(dialect.Refused.TryGetValue(opcode, out var what)
                    ? $"it uses {what}{NameAt(code, opcode, oparg)}, which is not element-wise arithmetic"
                    : $"it uses opcode {opcode} (at byte {at}), which is not element-wise arithmetic");
            switch (instruction.Kind)
            {
                case Instruction.Nop or Instruction.Cache:
                    break;
                case Instruction.Resume:
                    sawResume = true;
                    break;
                case Instruction.LoadFast:
                    if (oparg != 0) return Refuse("it reads a local variable other than its argument");
                    stack.Push(new Value(true, parameter, AtomPrecedence));
                    break;
                case Instruction.LoadConst:
                    if (oparg >= code.Consts.Count) return Refuse($"it loads constant {oparg} of {code.Consts.Count}");
                    if (Number(code.Consts[oparg]) is not { } number)
                        return Refuse($"it uses the constant {Describe(code.Consts[oparg])}, not a number");
                    stack.Push(number);
                    break;
                case Instruction.Negative or Instruction.Positive:
                    if (stack.Count < 1) return Refuse("its bytecode takes a value from an empty stack");
                    var operand = stack.Pop();
                    stack.Push(new Value(operand.IsTensor, Join(instruction.Symbol, Operand(operand, operand.Precedence < UnaryPrecedence)), UnaryPrecedence));
                    break;
                case Instruction.Binary or Instruction.BinaryOp:
                    var symbol = instruction.Symbol;
                    if (instruction.Kind == Instruction.BinaryOp && !BinaryOperators.TryGetValue(oparg, out symbol!))
                        return Refuse($"it uses binary operator {oparg} of BINARY_OP, which is not plain arithmetic");
                    if (stack.Count < 2) return Refuse("its bytecode takes a value from an empty stack");
                    var right = stack.Pop();
                    var left = stack.Pop();
                    stack.Push(Combine(symbol, left, right));
                    break;
                case Instruction.Return:
                    if (position != bytes.Length) return Refuse("its bytecode goes on after returning");
                    if (stack.Count != 1) return Refuse("its bytecode leaves the stack unbalanced");
                    var result = stack.Pop();
                    return result.IsTensor
                        ? new Reading(result.Text is { } text ? $"lambda {parameter}: {text}" : $"lambda {parameter}", dialect.Versions, "")
                        : Refuse("it returns a number, not a tensor");
            }
        }
        return Refuse("its bytecode does not return");
    }

    private static Value Combine(string symbol, Value left, Value right)
    {
        var precedence = symbol switch { "**" => PowerPrecedence, "+" or "-" => SumPrecedence, _ => ProductPrecedence };
        // ** groups to the right, the others to the left: the operand on the grouping side needs no parentheses at equal precedence.
        var leftText = Operand(left, left.Precedence < precedence || (symbol == "**" && left.Precedence == precedence));
        var rightText = Operand(right, right.Precedence < precedence || (symbol != "**" && right.Precedence == precedence));
        return new Value(left.IsTensor || right.IsTensor, Join(leftText, $" {symbol} ", rightText), precedence);
    }

    private static string? Operand(Value value, bool parenthesise) =>
        value.Text is null ? null : parenthesise ? $"({value.Text})" : value.Text;

    private static string? Join(params string?[] parts) =>
        parts.Any(p => p is null) || parts.Sum(p => p!.Length) > MaxExpressionChars ? null : string.Concat(parts);

    /// <summary>An int or float constant as Python prints it; null for any other constant.</summary>
    private static Value? Number(object? constant)
    {
        var text = constant switch
        {
            BigInteger i => i.ToString(CultureInfo.InvariantCulture),
            double d => PythonFloat(d),
            _ => null,
        };
        if (text is null) return null;
        return new Value(false, text.Length > MaxExpressionChars ? null : text, text.StartsWith('-') ? UnaryPrecedence : AtomPrecedence);
    }

    /// <summary>Python's <c>repr</c> of a float: the shortest round-trip digits, positional for exponents -4 to 15.</summary>
    public static string PythonFloat(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var sign = shortest.StartsWith('-') ? "-" : "";
        var mantissa = shortest.TrimStart('-');
        var exponent = 0;
        if (mantissa.IndexOf('E') is var e and >= 0)
        {
            exponent = int.Parse(mantissa[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = mantissa[..e];
        }
        var point = mantissa.IndexOf('.') is var p and >= 0 ? p : mantissa.Length;
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        if (digits.Length == 0) return sign + "0.0";
        var integerDigits = point + exponent - leadingZeros; // digits before the decimal point
        var power = integerDigits - 1;                       // the exponent of d.ddd × 10^power
        if (power is < -4 or >= 16)
            return $"{sign}{digits[..1]}{(digits.Length > 1 ? "." + digits[1..] : "")}e{(power < 0 ? '-' : '+')}{Math.Abs(power):00}";
        return sign + (integerDigits <= 0 ? "0." + new string('0', -integerDigits) + digits
            : integerDigits >= digits.Length ? digits + new string('0', integerDigits - digits.Length) + ".0"
            : digits[..integerDigits] + "." + digits[integerDigits..]);
    }

    private static string Describe(object? constant) => constant switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => $"'{(s.Length > 40 ? s[..40] + "..." : s)}'",
        byte[] => "of type bytes",
        object?[] => "of type tuple",
        PythonCodeObject => "of type code",
        PythonCodeObject.Other o => $"of type {o.TypeName}",
        _ => "of another type",
    };

    /// <summary>The global or attribute name an instruction refers to, when its argument indexes <c>co_names</c> plainly.</summary>
    private static string NameAt(PythonCodeObject code, byte opcode, int argument)
    {
        // LOAD_GLOBAL's argument is the name index shifted left by one in 3.11+; LOAD_ATTR's too in 3.12 only.
        var index = opcode switch
        {
            116 => code.Layout == PythonCodeLayout.Python311Plus ? argument >> 1 : argument,
            101 or 106 or 160 when code.Layout != PythonCodeLayout.Python311Plus => argument,
            _ => -1,
        };
        return index >= 0 && index < code.Names.Count ? $" '{code.Names[index]}'" : "";
    }
}
