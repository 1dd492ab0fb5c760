using System.Globalization;
using System.Numerics;
using System.Text;

namespace ParamLens.Python;

/// <summary>Equality that needs no interpreter (numbers, strings, tuples, identity).</summary>
public static class Operators
{
    public static bool ValueEquals(object? a, object? b)
    {
        if (ReferenceEquals(a, b)) return true;
        // Nested containers compare recursively: fail cleanly (RecursionError) rather than exhaust the host stack.
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        if (a is null || b is null) return false;
        if (IsNumber(a) && IsNumber(b))
        {
            if (a is double || b is double) return ToDouble(a) == ToDouble(b);
            return ToBig(a) == ToBig(b);
        }
        return a switch
        {
            string s => b is string t && s == t,
            PyTuple t => b is PyTuple u && t.Equals(u),
            PyList l => b is PyList m && l.Items.Count == m.Items.Count && l.Items.Zip(m.Items).All(p => ValueEquals(p.First, p.Second)),
            PyDict d => b is PyDict e && d.Count == e.Count && d.Items.All(p => e.Items.TryGetValue(p.Key, out var v) && ValueEquals(p.Value, v)),
            PySet s => b is PySet t && s.Members.SetEquals(t.Members),
            PyRange r => b is PyRange q && r == q,
            PyBoundMethod m => b is PyBoundMethod n && ReferenceEquals(m.Self, n.Self) && ReferenceEquals(m.Function, n.Function),
            _ => a.Equals(b),
        };
    }

    public static bool IsNumber(object? o) => o is BigInteger or double or bool;
    public static bool IsInt(object? o) => o is BigInteger or bool;
    public static BigInteger ToBig(object? o) => o switch { BigInteger i => i, bool b => b ? 1 : 0, _ => throw new InvalidCastException() };
    public static double ToDouble(object? o) => o switch { BigInteger i => (double)i, bool b => b ? 1 : 0, double d => d, _ => throw new InvalidCastException() };

    /// <summary>Python <c>repr(float)</c>: shortest round-trip digits, exponent form below 1e-4 and from 1e16.</summary>
    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        if (d == 0) return 1 / d < 0 ? "-0.0" : "0.0";
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        var negative = r.StartsWith('-');
        if (negative) r = r[1..];
        var exponent = 0;
        var e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
            r = r[..e];
        }
        var dot = r.IndexOf('.');
        var digits = dot >= 0 ? r.Remove(dot, 1) : r;
        var pointPos = (dot >= 0 ? dot : r.Length) + exponent;
        var lead = digits.Length - digits.TrimStart('0').Length;
        digits = digits.TrimStart('0');
        pointPos -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        var decimalExponent = pointPos - 1;
        string body;
        if (decimalExponent < -4 || decimalExponent >= 16)
        {
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            body = $"{mantissa}e{(decimalExponent < 0 ? "-" : "+")}{Math.Abs(decimalExponent):00}";
        }
        else if (pointPos <= 0) body = "0." + new string('0', -pointPos) + digits;
        else if (pointPos >= digits.Length) body = digits + new string('0', pointPos - digits.Length) + ".0";
        else body = digits[..pointPos] + "." + digits[pointPos..];
        return negative ? "-" + body : body;
    }

    public static string StringRepr(string s)
    {
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder().Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote) sb.Append('\\').Append(c);
                    else if (c < ' ' || c == 0x7f) sb.Append($"\\x{(int)c:x2}");
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append(quote).ToString();
    }
}
