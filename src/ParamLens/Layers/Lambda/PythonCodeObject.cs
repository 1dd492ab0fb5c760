using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace ParamLens.Layers;

/// <summary>The field layouts a marshalled Python code object has had; the version is told from which one the bytes fit.</summary>
public enum PythonCodeLayout
{
    /// <summary>Python 2.7: argcount, nlocals, stacksize, flags, then the code.</summary>
    Python2,
    /// <summary>Python 3.0–3.7: kwonlyargcount added after argcount.</summary>
    Python30To37,
    /// <summary>Python 3.8–3.10: posonlyargcount added after argcount.</summary>
    Python38To310,
    /// <summary>Python 3.11 and later: no nlocals; locals, cells and free variables merged into localsplus names and kinds.</summary>
    Python311Plus,
}

/// <summary>A bad or unsupported marshalled code object; the message says what is wrong.</summary>
public sealed class PythonCodeException(string message) : Exception(message);

/// <summary>
/// A Python function's code object read from <c>marshal.dumps(func.__code__)</c>, as Keras stores a Lambda's function.
/// Only the fields needed to analyse the bytecode are kept. The bytes are untrusted: every read is bounds-checked, sizes,
/// counts and nesting are limited, and any problem is a <see cref="PythonCodeException"/>.
/// </summary>
public sealed class PythonCodeObject
{
    /// <summary>Largest marshal accepted: a lambda's takes a few hundred bytes.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>Deepest nesting of containers and code objects followed.</summary>
    public const int MaxDepth = 32;

    /// <summary>Most 15-bit digits in one integer constant (about 9,000 decimal digits).</summary>
    public const int MaxLongDigits = 2048;

    public required PythonCodeLayout Layout { get; init; }
    public required int ArgCount { get; init; }
    public required int PosOnlyArgCount { get; init; }
    public required int KwOnlyArgCount { get; init; }
    public required int Flags { get; init; }
    public required byte[] Code { get; init; }

    /// <summary>Constants: null (None), bool, <see cref="BigInteger"/>, double, string, byte[], object?[] (tuple or
    /// list), <see cref="PythonCodeObject"/>, or <see cref="Other"/> for any other Python value.</summary>
    public required IReadOnlyList<object?> Consts { get; init; }

    /// <summary>Global and attribute names the code refers to.</summary>
    public required IReadOnlyList<string> Names { get; init; }

    /// <summary>Local variable names, the arguments first (<c>co_varnames</c>; in 3.11+ the plain locals of <c>localsplus</c>).</summary>
    public required IReadOnlyList<string> LocalNames { get; init; }

    /// <summary>Variables taken from an enclosing function (a closure), and locals captured by inner functions.</summary>
    public required int FreeVarCount { get; init; }
    public required int CellVarCount { get; init; }

    public required string Name { get; init; }

    /// <summary>A Python value this reader does not need to tell apart (a dict, a set, a complex number, Ellipsis...).</summary>
    public sealed record Other(string TypeName);

    /// <summary>Read a code object, deciding its layout from the structure: exactly one layout must account for every byte.</summary>
    public static PythonCodeObject Read(byte[] marshal)
    {
        if (marshal.Length == 0) throw new PythonCodeException("the stored function is empty");
        if (marshal.Length > MaxBytes)
            throw new PythonCodeException($"the stored function is {marshal.Length:N0} bytes, more than the {MaxBytes:N0} accepted");
        var readings = new List<PythonCodeObject>();
        PythonCodeException? furthest = null;
        var furthestAt = -1;
        foreach (var layout in Enum.GetValues<PythonCodeLayout>())
        {
            var reader = new Reader(marshal, layout);
            try
            {
                readings.Add(reader.ReadTopLevel());
            }
            catch (PythonCodeException e) when (reader.Position > furthestAt)
            {
                // The layout that read furthest before failing says best what is wrong.
                (furthest, furthestAt) = (e, reader.Position);
            }
            catch (PythonCodeException)
            {
            }
        }
        return readings.Count switch
        {
            1 => readings[0],
            0 => throw furthest ?? new PythonCodeException("not a marshalled Python code object"),
            _ => throw new PythonCodeException(
                $"the bytes fit more than one Python code object layout ({string.Join(", ", readings.Select(r => r.Layout))}): the Python version cannot be told"),
        };
    }

    /// <summary>Reads one layout; every method throws <see cref="PythonCodeException"/> on bad data.</summary>
    private sealed class Reader(byte[] data, PythonCodeLayout layout)
    {
        private const byte FlagRef = 0x80;
        private static readonly object Reserved = new();
        private readonly List<object?> _refs = [];      // Python 3.4+: objects written with FLAG_REF, in order
        private readonly List<object?> _interned = [];  // Python 2: interned strings, for TYPE_STRINGREF
        private int _depth;

        public int Position { get; private set; }

        public PythonCodeObject ReadTopLevel()
        {
            if (ReadObject() is not PythonCodeObject code) throw new PythonCodeException("the stored function is not a code object");
            if (Position != data.Length)
                throw new PythonCodeException($"{data.Length - Position:N0} bytes follow the code object");
            return code;
        }

        private byte Byte()
        {
            if (Position >= data.Length) throw Truncated();
            return data[Position++];
        }

        private int Int32()
        {
            if (data.Length - Position < 4) throw Truncated();
            var value = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(Position, 4));
            Position += 4;
            return value;
        }

        private ReadOnlySpan<byte> Bytes(long count)
        {
            if (count < 0) throw new PythonCodeException($"a negative length ({count}) at byte {Position}");
            if (count > data.Length - Position) throw Truncated();
            var span = data.AsSpan(Position, (int)count);
            Position += (int)count;
            return span;
        }

        /// <summary>A container's item count: each item takes at least one byte, so more than the bytes left is a lie.</summary>
        private int Count(long count)
        {
            if (count < 0 || count > data.Length - Position)
                throw new PythonCodeException($"a container claims {count:N0} items at byte {Position}, more than the bytes left");
            return (int)count;
        }

        private PythonCodeException Truncated() => new($"the stored function ends early (at byte {Position:N0} of {data.Length:N0})");

        private object? ReadObject()
        {
            if (++_depth > MaxDepth) throw new PythonCodeException($"values nest deeper than {MaxDepth} levels");
            var at = Position;
            var type = Byte();
            var flagged = (type & FlagRef) != 0;
            // Python 3.4+ numbers objects written with FLAG_REF in write order, containers before their items.
            var slot = -1;
            if (flagged && layout == PythonCodeLayout.Python2)
                throw new PythonCodeException($"a reference flag at byte {at}, which Python 2 marshal does not write");
            if (flagged)
            {
                slot = _refs.Count;
                _refs.Add(Reserved);
            }
            var value = ReadValue((char)(type & ~FlagRef), at);
            if (flagged) _refs[slot] = value;
            _depth--;
            return value;
        }

        private object? ReadValue(char type, int at)
        {
            switch (type)
            {
                case 'N': return null;
                case 'T': return true;
                case 'F': return false;
                case '.': return new Other("ellipsis");
                case 'S': return new Other("StopIteration");
                case 'i': return new BigInteger(Int32());
                case 'I': return new BigInteger(BinaryPrimitives.ReadInt64LittleEndian(Bytes(8)));
                case 'l': return Long();
                case 'g': return BinaryPrimitives.ReadDoubleLittleEndian(Bytes(8));
                case 'f': return TextFloat();
                case 'y': Bytes(16); return new Other("complex");
                case 'x': TextFloat(); TextFloat(); return new Other("complex");
                case 's': return Bytes(Int32()).ToArray();
                case 't':
                {
                    var bytes = Bytes(Int32());
                    // Python 2 interns byte strings and refers back to them by index; Python 3.0–3.3 interns text.
                    object text = layout == PythonCodeLayout.Python2 ? bytes.ToArray() : Encoding.UTF8.GetString(bytes);
                    _interned.Add(text);
                    return text;
                }
                case 'R':
                {
                    var index = Int32();
                    if (layout != PythonCodeLayout.Python2 || index < 0 || index >= _interned.Count)
                        throw new PythonCodeException($"a string reference ({index}) at byte {at} names no interned string");
                    return _interned[index];
                }
                case 'u': return Encoding.UTF8.GetString(Bytes(Int32()));
                case 'a' or 'A': return Encoding.Latin1.GetString(Bytes(Int32()));
                case 'z' or 'Z': return Encoding.Latin1.GetString(Bytes(Byte()));
                case '(' or '[': return Items(Count(Int32()));
                case ')': return Items(Byte());
                case '<' or '>':
                    Items(Count(Int32()));
                    return new Other(type == '<' ? "set" : "frozenset");
                case '{':
                    while (true)
                    {
                        if (Position < data.Length && data[Position] == (byte)'0') { Position++; break; }
                        ReadObject();
                        ReadObject();
                    }
                    return new Other("dict");
                case 'r':
                {
                    var index = Int32();
                    if (layout == PythonCodeLayout.Python2 || index < 0 || index >= _refs.Count || ReferenceEquals(_refs[index], Reserved))
                        throw new PythonCodeException($"a back-reference ({index}) at byte {at} names no object read before");
                    return _refs[index];
                }
                case 'c': return CodeObject();
                default:
                    throw new PythonCodeException($"unknown marshal type code 0x{(int)type:x2} at byte {at}");
            }
        }

        private object?[] Items(int count)
        {
            var items = new object?[count];
            for (var i = 0; i < count; i++) items[i] = ReadObject();
            return items;
        }

        private BigInteger Long()
        {
            var size = Int32();
            if (size == int.MinValue || Math.Abs(size) > MaxLongDigits)
                throw new PythonCodeException($"an integer constant with {size} digits, beyond the {MaxLongDigits:N0} accepted");
            var digits = Bytes(2L * Math.Abs(size));
            var value = BigInteger.Zero;
            for (var i = Math.Abs(size) - 1; i >= 0; i--)
            {
                var digit = BinaryPrimitives.ReadUInt16LittleEndian(digits.Slice(2 * i, 2));
                if (digit >= 1 << 15) throw new PythonCodeException("an integer constant has a digit out of range");
                value = (value << 15) + digit;
            }
            return size < 0 ? -value : value;
        }

        private double TextFloat()
        {
            var text = Encoding.Latin1.GetString(Bytes(Byte()));
            return text switch
            {
                "inf" => double.PositiveInfinity,
                "-inf" => double.NegativeInfinity,
                "nan" or "-nan" => double.NaN,
                _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    ? d : throw new PythonCodeException($"'{text}' is not a float"),
            };
        }

        private PythonCodeObject CodeObject()
        {
            var argCount = Small(Int32(), "argcount");
            var posOnly = layout is PythonCodeLayout.Python38To310 or PythonCodeLayout.Python311Plus ? Small(Int32(), "posonlyargcount") : 0;
            var kwOnly = layout == PythonCodeLayout.Python2 ? 0 : Small(Int32(), "kwonlyargcount");
            if (layout != PythonCodeLayout.Python311Plus) Small(Int32(), "nlocals");
            Small(Int32(), "stacksize");
            var flags = Int32();
            var code = Expect<byte[]>("code", "bytes");
            var consts = Expect<object?[]>("consts", "a tuple");
            var names = TextTuple("names");
            IReadOnlyList<string> locals;
            int free, cells;
            if (layout == PythonCodeLayout.Python311Plus)
            {
                var all = TextTuple("localsplusnames");
                var kinds = Expect<byte[]>("localspluskinds", "bytes");
                if (kinds.Length != all.Length)
                    throw new PythonCodeException($"{all.Length} localsplus names but {kinds.Length} kinds");
                // CPython's CO_FAST_LOCAL = 0x20, CO_FAST_CELL = 0x40, CO_FAST_FREE = 0x80 (Include/internal/pycore_code.h).
                locals = [.. all.Where((_, i) => (kinds[i] & 0x20) != 0)];
                cells = kinds.Count(k => (k & 0x40) != 0);
                free = kinds.Count(k => (k & 0x80) != 0);
            }
            else
            {
                locals = TextTuple("varnames");
                free = TextTuple("freevars").Length;
                cells = TextTuple("cellvars").Length;
            }
            Text("filename");
            var name = Text("name");
            if (layout == PythonCodeLayout.Python311Plus) Text("qualname");
            Int32(); // firstlineno
            Expect<byte[]>(layout == PythonCodeLayout.Python311Plus ? "linetable" : "lnotab", "bytes");
            if (layout == PythonCodeLayout.Python311Plus) Expect<byte[]>("exceptiontable", "bytes");

            // CO_VARARGS and CO_VARKEYWORDS each add one named local after the arguments.
            var declared = (long)argCount + kwOnly + ((flags & 0x04) != 0 ? 1 : 0) + ((flags & 0x08) != 0 ? 1 : 0);
            if (posOnly > argCount || declared > locals.Count)
                throw new PythonCodeException($"the code object declares {declared} arguments but names {locals.Count} locals");
            return new PythonCodeObject
            {
                Layout = layout, ArgCount = argCount, PosOnlyArgCount = posOnly, KwOnlyArgCount = kwOnly, Flags = flags,
                Code = code, Consts = consts, Names = names, LocalNames = locals, FreeVarCount = free, CellVarCount = cells, Name = name,
            };
        }

        private static int Small(int value, string field) =>
            value is >= 0 and <= 0xFFFF ? value : throw new PythonCodeException($"the code object's {field} is {value}");

        private T Expect<T>(string field, string what) where T : class =>
            ReadObject() as T ?? throw new PythonCodeException($"the code object's {field} is not {what}");

        private string Text(string field) => AsText(ReadObject()) ?? throw new PythonCodeException($"the code object's {field} is not a string");

        private string[] TextTuple(string field)
        {
            var items = Expect<object?[]>(field, "a tuple");
            return [.. items.Select(i => AsText(i) ?? throw new PythonCodeException($"the code object's {field} holds a value that is not a string"))];
        }

        /// <summary>Python 2 writes names as byte strings, Python 3 as text.</summary>
        private static string? AsText(object? value) => value switch
        {
            string s => s,
            byte[] b => Encoding.Latin1.GetString(b),
            _ => null,
        };
    }
}
