using System.Globalization;
using System.Numerics;
using System.Text;

namespace ParamLens.Python;

/// <summary>The kinds of tokens the lexer produces.</summary>
public enum TokenKind { Name, Number, String, Op, Newline, Indent, Dedent, End }

/// <summary>One token. Strings keep their decoded text, or for f-strings the raw body the parser splits into parts.</summary>
public sealed record Token(TokenKind Kind, string Text, int Line, int Column)
{
    public object? Number { get; init; }
    public bool IsFString { get; init; }
    public bool IsRaw { get; init; }
    public bool IsBytes { get; init; }
    public override string ToString() => Kind == TokenKind.End ? "end of file" : Kind is TokenKind.Newline ? "end of line" : $"'{Text}'";
}

/// <summary>Turns Python source into tokens: INDENT/DEDENT from indentation, implicit joining inside brackets, backslash
/// continuation, every string prefix (r, b, f, u and combinations, triple quotes) and number form (hex, octal, binary,
/// underscores, floats, exponents).</summary>
public sealed class Lexer
{
    private static readonly string[] Operators =
    [
        "**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "+=", "-=", "*=", "/=", "%=",
        "&=", "|=", "^=", "@=", "+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]", "{", "}",
        ",", ":", ".", ";", "=",
    ];

    private readonly string _src;
    private readonly string _file;
    private int _pos, _line = 1, _lineStart;
    private readonly List<Token> _tokens = [];
    private readonly Stack<int> _indents = new([0]);
    private int _depth;

    public Lexer(string source, string file)
    {
        _src = source.Replace("\r\n", "\n").Replace('\r', '\n');
        if (_src.Length > 0 && _src[0] == '\uFEFF') _src = _src[1..];
        _file = file;
    }

    public static List<Token> Tokenize(string source, string file) => new Lexer(source, file).Run();

    private PythonError Error(string message, int line, int column) =>
        new("SyntaxError", message, [new SourcePos(_file, line, column)], [SourceLine(line)]);

    private string SourceLine(int line) => _src.Split('\n').ElementAtOrDefault(line - 1)?.Trim() ?? "";

    private int Col => _pos - _lineStart + 1;

    private List<Token> Run()
    {
        var atLineStart = true;
        while (true)
        {
            if (atLineStart && _depth == 0)
            {
                atLineStart = false;
                if (!Indentation()) { atLineStart = true; continue; }
            }
            if (_pos >= _src.Length) break;
            var c = _src[_pos];
            if (c == '\n')
            {
                if (_depth == 0 && _tokens.Count > 0 && _tokens[^1].Kind is not (TokenKind.Newline or TokenKind.Indent or TokenKind.Dedent))
                    _tokens.Add(new Token(TokenKind.Newline, "\n", _line, Col));
                NewLine();
                atLineStart = _depth == 0;
                continue;
            }
            if (c is ' ' or '\t' or '\f') { _pos++; continue; }
            if (c == '#') { SkipComment(); continue; }
            if (c == '\\')
            {
                if (_pos + 1 < _src.Length && _src[_pos + 1] == '\n') { _pos++; NewLine(); continue; }
                throw Error("unexpected character after line continuation character", _line, Col);
            }
            if (IsNameStart(c)) { NameOrString(); continue; }
            if (char.IsAsciiDigit(c) || (c == '.' && _pos + 1 < _src.Length && char.IsAsciiDigit(_src[_pos + 1]))) { NumberToken(); continue; }
            if (c is '"' or '\'') { StringToken("", _line, Col); continue; }
            OperatorToken();
        }
        if (_tokens.Count > 0 && _tokens[^1].Kind is not (TokenKind.Newline or TokenKind.Dedent))
            _tokens.Add(new Token(TokenKind.Newline, "\n", _line, Col));
        while (_indents.Count > 1) { _indents.Pop(); _tokens.Add(new Token(TokenKind.Dedent, "", _line, 1)); }
        _tokens.Add(new Token(TokenKind.End, "", _line, Col));
        return _tokens;
    }

    private void NewLine()
    {
        _pos++;
        _line++;
        _lineStart = _pos;
    }

    private void SkipComment()
    {
        while (_pos < _src.Length && _src[_pos] != '\n') _pos++;
    }

    /// <summary>Measures the indentation of a logical line; returns false for blank and comment-only lines.</summary>
    private bool Indentation()
    {
        var width = 0;
        while (_pos < _src.Length && _src[_pos] is ' ' or '\t' or '\f')
        {
            width = _src[_pos] == '\t' ? (width / 8 + 1) * 8 : _src[_pos] == ' ' ? width + 1 : 0;
            _pos++;
        }
        if (_pos >= _src.Length) return true;
        if (_src[_pos] == '#') SkipComment();
        if (_pos < _src.Length && _src[_pos] == '\n') { NewLine(); return false; }
        if (_pos >= _src.Length) return true;
        if (_src[_pos] == '\\' && _pos + 1 < _src.Length && _src[_pos + 1] == '\n') return true;
        if (width > _indents.Peek())
        {
            _indents.Push(width);
            _tokens.Add(new Token(TokenKind.Indent, "", _line, Col));
        }
        else
        {
            while (width < _indents.Peek())
            {
                _indents.Pop();
                _tokens.Add(new Token(TokenKind.Dedent, "", _line, Col));
            }
            if (width != _indents.Peek()) throw Error("unindent does not match any outer indentation level", _line, Col);
        }
        return true;
    }

    private static bool IsNameStart(char c) => char.IsLetter(c) || c == '_';
    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private void NameOrString()
    {
        int start = _pos, line = _line, col = Col;
        while (_pos < _src.Length && IsNameChar(_src[_pos])) _pos++;
        var word = _src[start.._pos];
        if (_pos < _src.Length && _src[_pos] is '"' or '\'' && word.Length <= 2 && word.ToLowerInvariant().All(ch => ch is 'r' or 'b' or 'f' or 'u'))
        {
            StringToken(word.ToLowerInvariant(), line, col);
            return;
        }
        _tokens.Add(new Token(TokenKind.Name, word, line, col));
    }

    private void StringToken(string prefix, int line, int col)
    {
        var quote = _src[_pos];
        var triple = _pos + 2 < _src.Length && _src[_pos + 1] == quote && _src[_pos + 2] == quote;
        var delimiter = triple ? new string(quote, 3) : quote.ToString();
        _pos += delimiter.Length;
        var raw = prefix.Contains('r');
        var body = new StringBuilder();
        while (true)
        {
            if (_pos >= _src.Length) throw Error("unterminated string literal", line, col);
            var c = _src[_pos];
            if (c == '\n' && !triple) throw Error("unterminated string literal", line, col);
            if (string.CompareOrdinal(_src, _pos, delimiter, 0, delimiter.Length) == 0) { _pos += delimiter.Length; break; }
            if (c == '\\' && _pos + 1 < _src.Length)
            {
                body.Append(c).Append(_src[_pos + 1]);
                if (_src[_pos + 1] == '\n') { _pos++; NewLine(); } else _pos += 2;
                continue;
            }
            body.Append(c);
            if (c == '\n') NewLine(); else _pos++;
        }
        var isF = prefix.Contains('f');
        var text = isF || raw ? body.ToString() : Unescape(body.ToString(), line, col);
        _tokens.Add(new Token(TokenKind.String, text, line, col) { IsFString = isF, IsRaw = raw, IsBytes = prefix.Contains('b') });
    }

    /// <summary>Python escape sequences (\n, \t, \x41, \u00e9, \N is not supported, octal, line continuation).</summary>
    public static string Unescape(string s, int line = 0, int col = 0)
    {
        if (!s.Contains('\\')) return s;
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length) { sb.Append(s[i]); continue; }
            var e = s[++i];
            switch (e)
            {
                case '\n': break;
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '0' or '1' or '2' or '3' or '4' or '5' or '6' or '7':
                    var oct = 0; var n = 0;
                    while (n < 3 && i < s.Length && s[i] is >= '0' and <= '7') { oct = oct * 8 + (s[i] - '0'); i++; n++; }
                    i--;
                    sb.Append((char)oct);
                    break;
                case 'x': sb.Append((char)Hex(s, ref i, 2)); break;
                case 'u': sb.Append((char)Hex(s, ref i, 4)); break;
                case 'U': sb.Append(char.ConvertFromUtf32(Hex(s, ref i, 8))); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case '\\' or '\'' or '"': sb.Append(e); break;
                default: sb.Append('\\').Append(e); break;
            }
        }
        return sb.ToString();
    }

    private static int Hex(string s, ref int i, int digits)
    {
        if (i + digits >= s.Length) throw new FormatException("truncated escape");
        var value = int.Parse(s.AsSpan(i + 1, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        i += digits;
        return value;
    }

    private void NumberToken()
    {
        int start = _pos, col = Col;
        object value;
        if (_src[_pos] == '0' && _pos + 1 < _src.Length && char.ToLowerInvariant(_src[_pos + 1]) is 'x' or 'o' or 'b')
        {
            var radix = char.ToLowerInvariant(_src[_pos + 1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
            _pos += 2;
            var digitsStart = _pos;
            while (_pos < _src.Length && (char.IsAsciiHexDigit(_src[_pos]) || _src[_pos] == '_')) _pos++;
            var digits = _src[digitsStart.._pos].Replace("_", "");
            if (digits.Length == 0) throw Error("invalid number literal", _line, col);
            var big = BigInteger.Zero;
            foreach (var d in digits)
            {
                var v = Convert.ToInt32(d.ToString(), 16);
                if (v >= radix) throw Error($"invalid digit '{d}' in number literal", _line, col);
                big = big * radix + v;
            }
            value = big;
        }
        else
        {
            var isFloat = false;
            while (_pos < _src.Length && (char.IsAsciiDigit(_src[_pos]) || _src[_pos] == '_')) _pos++;
            if (_pos < _src.Length && _src[_pos] == '.' && !(_pos + 1 < _src.Length && _src[_pos + 1] == '.'))
            {
                isFloat = true;
                _pos++;
                while (_pos < _src.Length && (char.IsAsciiDigit(_src[_pos]) || _src[_pos] == '_')) _pos++;
            }
            if (_pos < _src.Length && _src[_pos] is 'e' or 'E')
            {
                var save = _pos;
                _pos++;
                if (_pos < _src.Length && _src[_pos] is '+' or '-') _pos++;
                if (_pos < _src.Length && char.IsAsciiDigit(_src[_pos]))
                {
                    isFloat = true;
                    while (_pos < _src.Length && (char.IsAsciiDigit(_src[_pos]) || _src[_pos] == '_')) _pos++;
                }
                else _pos = save;
            }
            var text = _src[start.._pos].Replace("_", "");
            if (_pos < _src.Length && _src[_pos] is 'j' or 'J') throw Error("complex numbers are not supported", _line, col);
            value = isFloat ? double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) : BigInteger.Parse(text, CultureInfo.InvariantCulture);
        }
        if (_pos < _src.Length && IsNameStart(_src[_pos])) throw Error("invalid decimal literal", _line, col);
        _tokens.Add(new Token(TokenKind.Number, _src[start.._pos], _line, col) { Number = value });
    }

    private void OperatorToken()
    {
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(_src, _pos, op, 0, op.Length) != 0) continue;
            if (op is "(" or "[" or "{") _depth++;
            else if (op is ")" or "]" or "}") _depth = Math.Max(0, _depth - 1);
            _tokens.Add(new Token(TokenKind.Op, op, _line, Col));
            _pos += op.Length;
            return;
        }
        throw Error($"invalid character '{_src[_pos]}'", _line, Col);
    }
}
