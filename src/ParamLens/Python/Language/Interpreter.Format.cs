using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using static ParamLens.Python.Operators;

namespace ParamLens.Python;

public sealed partial class Interpreter
{
    [GeneratedRegex(@"^(?:(?<fill>.)?(?<align>[<>=^]))?(?<sign>[+\- ])?(?<alt>#)?(?<zero>0)?(?<width>\d+)?(?<group>[,_])?(?:\.(?<prec>\d+))?(?<type>[bcdeEfFgGnosxX%])?$", RegexOptions.Singleline)]
    private static partial Regex FormatSpecPattern();

    /// <summary>The format-spec mini-language of <c>format()</c>, f-strings and <c>str.format</c>.</summary>
    public string Format(object? value, string spec)
    {
        if (value is PyInstance i && i.Class.Lookup("__format__", out _) is { } f)
            return Str(Call(Bind(f, i, i.Class), new Args([spec], [])));
        if (spec.Length == 0) return Str(value);
        var m = FormatSpecPattern().Match(spec);
        if (!m.Success) throw ValueError($"Invalid format specifier '{spec}'");
        var fill = m.Groups["fill"].Success ? m.Groups["fill"].Value[0] : ' ';
        var align = m.Groups["align"].Success ? m.Groups["align"].Value[0] : (char?)null;
        var sign = m.Groups["sign"].Success ? m.Groups["sign"].Value[0] : '-';
        var width = m.Groups["width"].Success ? int.Parse(m.Groups["width"].Value, CultureInfo.InvariantCulture) : 0;
        CheckString(width);
        var group = m.Groups["group"].Success ? m.Groups["group"].Value : null;
        int? precision = m.Groups["prec"].Success ? int.Parse(m.Groups["prec"].Value, CultureInfo.InvariantCulture) : null;
        if (precision > 1000) throw ValueError("precision too big");
        var type = m.Groups["type"].Success ? m.Groups["type"].Value[0] : (char?)null;
        if (m.Groups["zero"].Success && align is null) { fill = '0'; align = '='; }

        string body;
        var negative = false;
        if (value is string s)
        {
            if (type is not (null or 's')) throw ValueError($"Unknown format code '{type}' for object of type 'str'");
            body = precision is int p && p < s.Length ? s[..p] : s;
            align ??= '<';
        }
        else if (IsNumber(value))
        {
            align ??= '>';
            var isInt = IsInt(value) && type is null or 'd' or 'b' or 'o' or 'x' or 'X' or 'n' or 'c';
            if (isInt)
            {
                var n = ToBig(value);
                negative = n < 0;
                var abs = BigInteger.Abs(n);
                body = type switch
                {
                    'b' => ToBase(abs, 2),
                    'o' => ToBase(abs, 8),
                    'x' => ToBase(abs, 16),
                    'X' => ToBase(abs, 16).ToUpperInvariant(),
                    'c' => ((char)(int)abs).ToString(),
                    _ => abs.ToString(CultureInfo.InvariantCulture),
                };
                if (m.Groups["alt"].Success && type is 'b' or 'o' or 'x' or 'X') body = "0" + type + body;
                if (group is not null && type is null or 'd' or 'n') body = Group(body, group[0]);
            }
            else
            {
                var d = ToDouble(value);
                negative = d < 0 || (d == 0 && 1 / d < 0);
                var abs = Math.Abs(d);
                var p = precision ?? 6;
                body = type switch
                {
                    'f' or 'F' => abs.ToString("F" + p, CultureInfo.InvariantCulture),
                    'e' or 'E' => PyExponent(abs, p, type == 'E'),
                    '%' => (abs * 100).ToString("F" + p, CultureInfo.InvariantCulture) + "%",
                    'g' or 'G' or 'n' => GeneralFormat(abs, precision ?? 6, m.Groups["alt"].Success),
                    null => precision is null ? FloatRepr(abs) : GeneralFormat(abs, p, false, keepPoint: true),
                    _ => throw ValueError($"Unknown format code '{type}' for object of type 'float'"),
                };
                if (double.IsInfinity(abs)) body = "inf";
                if (double.IsNaN(abs)) body = "nan";
                if (group is not null)
                {
                    var dot = body.IndexOfAny(['.', 'e', '%']);
                    body = dot < 0 ? Group(body, group[0]) : Group(body[..dot], group[0]) + body[dot..];
                }
            }
        }
        else body = Str(value);

        var signText = negative ? "-" : sign == '+' ? "+" : sign == ' ' ? " " : "";
        var total = signText.Length + body.Length;
        if (width <= total) return signText + body;
        var pad = width - total;
        return align switch
        {
            '<' => signText + body + new string(fill, pad),
            '^' => new string(fill, pad / 2) + signText + body + new string(fill, pad - pad / 2),
            '=' => signText + new string(fill, pad) + body,
            _ => new string(fill, pad) + signText + body,
        };
    }

    private static string ToBase(BigInteger n, int radix)
    {
        if (n.IsZero) return "0";
        var sb = new StringBuilder();
        while (n > 0)
        {
            sb.Insert(0, "0123456789abcdef"[(int)(n % radix)]);
            n /= radix;
        }
        return sb.ToString();
    }

    private static string Group(string digits, char separator)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < digits.Length; i++)
        {
            if (i > 0 && (digits.Length - i) % 3 == 0) sb.Append(separator);
            sb.Append(digits[i]);
        }
        return sb.ToString();
    }

    private static string PyExponent(double abs, int precision, bool upper)
    {
        var text = abs.ToString((upper ? "E" : "e") + precision, CultureInfo.InvariantCulture);
        var e = text.IndexOfAny(['e', 'E']);
        var exponent = int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture);
        return text[..(e + 1)] + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>The 'g' presentation: exponent form when the exponent is below -4 or at least the precision.</summary>
    private static string GeneralFormat(double abs, int precision, bool alternate, bool keepPoint = false)
    {
        if (precision == 0) precision = 1;
        if (abs == 0) return keepPoint ? "0.0" : "0";
        var exponent = (int)Math.Floor(Math.Log10(abs));
        var rounded = double.Parse(abs.ToString("E" + (precision - 1), CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        if (rounded != 0) exponent = (int)Math.Floor(Math.Log10(rounded));
        string text;
        if (exponent < -4 || exponent >= precision)
        {
            text = PyExponent(abs, precision - 1, false);
            if (!alternate)
            {
                var e = text.IndexOf('e');
                var mantissa = text[..e];
                if (mantissa.Contains('.')) mantissa = mantissa.TrimEnd('0').TrimEnd('.');
                text = mantissa + text[e..];
            }
        }
        else
        {
            text = abs.ToString("F" + Math.Max(0, precision - 1 - exponent), CultureInfo.InvariantCulture);
            if (!alternate && text.Contains('.')) text = text.TrimEnd('0').TrimEnd('.');
            if (keepPoint && !text.Contains('.')) text += ".0";
        }
        return text;
    }

    /// <summary><c>"%d items" % n</c>.</summary>
    private string PercentFormat(string format, object? args)
    {
        var values = args is PyTuple t ? t.Items : [args];
        var mapping = args as PyDict;
        var next = 0;
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%') { sb.Append(format[i]); continue; }
            if (++i >= format.Length) throw ValueError("incomplete format");
            if (format[i] == '%') { sb.Append('%'); continue; }
            object? value;
            if (format[i] == '(')
            {
                var close = format.IndexOf(')', i);
                if (close < 0 || mapping is null) throw TypeError("format requires a mapping");
                value = GetItem(mapping, format[(i + 1)..close]);
                i = close + 1;
            }
            else value = next < values.Length ? values[next++] : throw TypeError("not enough arguments for format string");
            var flags = new StringBuilder();
            while (i < format.Length && "-+ #0".Contains(format[i])) flags.Append(format[i++]);
            var width = new StringBuilder();
            while (i < format.Length && (char.IsAsciiDigit(format[i]) || format[i] == '*'))
            {
                if (format[i] == '*') { width.Append(ToBig(values[next++])); i++; }
                else width.Append(format[i++]);
            }
            var precision = "";
            if (i < format.Length && format[i] == '.')
            {
                i++;
                var p = new StringBuilder();
                while (i < format.Length && char.IsAsciiDigit(format[i])) p.Append(format[i++]);
                precision = "." + (p.Length == 0 ? "0" : p.ToString());
            }
            if (i >= format.Length) throw ValueError("incomplete format");
            var conv = format[i];
            var align = flags.ToString().Contains('-') ? "<" : (flags.ToString().Contains('0') ? "0" : "");
            var sign = flags.ToString().Contains('+') ? "+" : flags.ToString().Contains(' ') ? " " : "";
            string spec = conv switch
            {
                's' or 'r' or 'a' => (align == "<" ? "<" : ">") + width + precision,
                'd' or 'i' or 'u' => sign + (align == "0" ? "0" : align) + width,
                _ => sign + (align == "0" ? "0" : align) + width + precision + conv,
            };
            object? shown = conv switch
            {
                's' => Str(value),
                'r' or 'a' => Repr(value),
                'd' or 'i' or 'u' => IsInt(value) ? value : value is double dv ? new BigInteger(Math.Truncate(dv)) : throw TypeError($"%{conv} format: a real number is required, not {TypeName(value)}"),
                _ => value,
            };
            sb.Append(Format(shown, spec.Length == 0 ? "" : spec));
            CheckString(sb.Length);
        }
        if (next < values.Length && mapping is null && args is PyTuple) throw TypeError("not all arguments converted during string formatting");
        return sb.ToString();
    }

    /// <summary><c>"{} {name:>5}".format(...)</c>.</summary>
    public string StrFormat(string format, Args args)
    {
        var sb = new StringBuilder();
        var auto = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c == '{' && i + 1 < format.Length && format[i + 1] == '{') { sb.Append('{'); i++; continue; }
            if (c == '}' && i + 1 < format.Length && format[i + 1] == '}') { sb.Append('}'); i++; continue; }
            if (c != '{') { sb.Append(c); continue; }
            var depth = 1;
            var j = i + 1;
            while (j < format.Length && depth > 0)
            {
                if (format[j] == '{') depth++;
                else if (format[j] == '}') depth--;
                j++;
            }
            if (depth > 0) throw ValueError("Single '{' encountered in format string");
            var field = format[(i + 1)..(j - 1)];
            i = j - 1;
            string? conversion = null, spec = "";
            var colon = field.IndexOf(':');
            if (colon >= 0) { spec = StrFormat(field[(colon + 1)..], args); field = field[..colon]; }
            var bang = field.IndexOf('!');
            if (bang >= 0) { conversion = field[(bang + 1)..]; field = field[..bang]; }
            var path = Regex.Match(field, @"^([^.\[]*)(.*)$");
            var head = path.Groups[1].Value;
            object? value = head.Length == 0 ? args.Positional.ElementAtOrDefault(auto++) ?? (auto - 1 < args.Positional.Count ? null : throw Raise("IndexError", "Replacement index out of range"))
                : int.TryParse(head, NumberStyles.None, CultureInfo.InvariantCulture, out var idx) ? (idx < args.Positional.Count ? args.Positional[idx] : throw Raise("IndexError", $"Replacement index {idx} out of range"))
                : args.HasKw(head) ? args.Kw(head) : throw new PyException(NewException((PyClass)Builtins.Dict["KeyError"]!, [head]));
            foreach (Match accessor in Regex.Matches(path.Groups[2].Value, @"\.(\w+)|\[([^\]]+)\]"))
                value = accessor.Groups[1].Success ? GetAttr(value, accessor.Groups[1].Value)
                    : GetItem(value, int.TryParse(accessor.Groups[2].Value, out var k) ? new BigInteger(k) : accessor.Groups[2].Value);
            if (conversion == "r") value = Repr(value);
            else if (conversion == "s") value = Str(value);
            sb.Append(Format(value, spec));
            CheckString(sb.Length);
        }
        return sb.ToString();
    }
}
