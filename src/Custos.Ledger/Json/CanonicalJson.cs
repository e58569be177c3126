using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Custos.Ledger.Json;

/// <summary>
/// The JSON Canonicalization Scheme of RFC 8785: I-JSON input (RFC 7493: valid UTF-8, no
/// duplicate member names, numbers that are IEEE 754 doubles), no insignificant whitespace,
/// members sorted by the UTF-16 code units of their names, strings escaped as ECMAScript's
/// <c>JSON.stringify</c> escapes them and numbers written as ECMAScript writes a double. Two
/// parties that canonicalise the same data get the same bytes, so the same leaf hash.
/// </summary>
/// <remarks>
/// Every decision is canonicalised, so this streams: one pass of a <see cref="Utf8JsonReader"/>
/// writes each value into a pooled buffer, and an object whose members arrived out of order has
/// its already-canonical members moved into order in place. No document is built; the only
/// allocation that stays is the result, sized exactly.
/// </remarks>
public static class CanonicalJson
{
    /// <summary>How deep entries may nest; deeper input is refused rather than risking the stack.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonReaderOptions Strict = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = MaxDepth,
    };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses <paramref name="utf8Json"/> and returns its canonical form.</summary>
    /// <exception cref="CanonicalJsonException">The input is not I-JSON.</exception>
    public static byte[] Canonicalize(ReadOnlyMemory<byte> utf8Json) => Canonicalize(utf8Json.Span);

    public static byte[] Canonicalize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Canonicalize(Encoding.UTF8.GetBytes(json));
    }

    public static byte[] Canonicalize(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            element.WriteTo(writer);
        }
        return Canonicalize(buffer.WrittenSpan);
    }

    /// <inheritdoc cref="Canonicalize(ReadOnlyMemory{byte})"/>
    public static byte[] Canonicalize(ReadOnlySpan<byte> utf8Json)
    {
        // Canonical output is rarely longer than its input: size the buffer once.
        var writer = new Writer(utf8Json.Length + 16);
        try
        {
            var reader = new Utf8JsonReader(utf8Json, Strict);
            if (!reader.Read())
            {
                throw new CanonicalJsonException("not JSON: the input holds no value");
            }
            writer.Value(ref reader, 0);
            if (reader.Read())
            {
                throw new CanonicalJsonException("not JSON: more than one value");
            }
            return writer.Written.ToArray();
        }
        catch (JsonException e)
        {
            throw new CanonicalJsonException($"not JSON: {e.Message}", e);
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>
    /// The output, and two stacks that objects share as they nest: each member's place in the
    /// output, and each member's name in UTF-16 (the order RFC 8785 sorts by). All pooled.
    /// </summary>
    private ref struct Writer(int capacity)
    {
        private byte[] _output = ArrayPool<byte>.Shared.Rent(capacity);
        private int _length;
        private Member[] _members = ArrayPool<Member>.Shared.Rent(32);
        private int _memberCount;
        private char[] _names = ArrayPool<char>.Shared.Rent(512);
        private int _namesLength;

        public readonly ReadOnlySpan<byte> Written => _output.AsSpan(0, _length);

        public void Value(ref Utf8JsonReader reader, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new CanonicalJsonException($"nested deeper than {MaxDepth} levels");
            }
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    Object(ref reader, depth);
                    break;
                case JsonTokenType.StartArray:
                    Append((byte)'[');
                    var first = true;
                    while (Next(ref reader) != JsonTokenType.EndArray)
                    {
                        if (!first)
                        {
                            Append((byte)',');
                        }
                        first = false;
                        Value(ref reader, depth + 1);
                    }
                    Append((byte)']');
                    break;
                case JsonTokenType.String:
                    String(ref reader);
                    break;
                case JsonTokenType.Number:
                    Number(reader.ValueSpan);
                    break;
                case JsonTokenType.True:
                    Append("true"u8);
                    break;
                case JsonTokenType.False:
                    Append("false"u8);
                    break;
                case JsonTokenType.Null:
                    Append("null"u8);
                    break;
                default:
                    throw new CanonicalJsonException($"unexpected JSON token {reader.TokenType}");
            }
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_output);
            ArrayPool<Member>.Shared.Return(_members);
            ArrayPool<char>.Shared.Return(_names);
        }

        /// <summary>
        /// Writes the members as they come, each in canonical form, then puts them in order
        /// (RFC 8785, section 3.2.3: by the UTF-16 code units of the names, which is what an
        /// ordinal comparison of .NET strings does). Entries written by Custos mostly arrive in
        /// order already, and then nothing moves.
        /// </summary>
        private void Object(ref Utf8JsonReader reader, int depth)
        {
            var firstMember = _memberCount;
            var namesBase = _namesLength;
            Append((byte)'{');
            var start = _length;
            var sorted = true;
            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                if (_memberCount > firstMember)
                {
                    Append((byte)',');
                }
                var name = Name(ref reader);
                var member = new Member(name.Start, name.Length, _length, 0);
                if (reader.ValueIsEscaped)
                {
                    Escaped(_names.AsSpan(name.Start, name.Length));
                }
                else
                {
                    // Valid, since it was read as UTF-16 above; and without escapes, canonical.
                    Append((byte)'"');
                    Append(reader.ValueSpan);
                    Append((byte)'"');
                }
                Append((byte)':');
                reader.Read();
                Value(ref reader, depth + 1);
                member = member with { Length = _length - member.Start };
                if (_memberCount > firstMember)
                {
                    var order = Compare(_members[_memberCount - 1], member);
                    if (order == 0)
                    {
                        throw Duplicate(member);
                    }
                    sorted &= order < 0;
                }
                Push(member);
            }
            if (!sorted)
            {
                Sort(firstMember, start);
            }
            Append((byte)'}');
            _memberCount = firstMember;
            _namesLength = namesBase;
        }

        private readonly void Sort(int firstMember, int start)
        {
            var members = _members.AsSpan(firstMember, _memberCount - firstMember);
            var byName = new ByName(_names);
            members.Sort(byName);
            for (var i = 1; i < members.Length; i++)
            {
                if (byName.Compare(members[i - 1], members[i]) == 0)
                {
                    throw Duplicate(members[i]);
                }
            }
            var region = _length - start;
            var copy = ArrayPool<byte>.Shared.Rent(region);
            try
            {
                _output.AsSpan(start, region).CopyTo(copy);
                var at = start;
                foreach (var member in members)
                {
                    if (at > start)
                    {
                        _output[at++] = (byte)',';
                    }
                    copy.AsSpan(member.Start - start, member.Length).CopyTo(_output.AsSpan(at));
                    at += member.Length;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(copy);
            }
        }

        private readonly int Compare(Member a, Member b) => new ByName(_names).Compare(a, b);

        private readonly CanonicalJsonException Duplicate(Member member) =>
            new($"duplicate member name \"{_names.AsSpan(member.NameStart, member.NameLength)}\"");

        /// <summary>The current member name, unescaped to UTF-16 on the names stack; refused if it is not valid Unicode.</summary>
        private (int Start, int Length) Name(ref Utf8JsonReader reader)
        {
            // Unescaped UTF-16 is never longer than the token's UTF-8.
            EnsureNames(reader.ValueSpan.Length);
            var start = _namesLength;
            var length = Unescape(ref reader, _names.AsSpan(start), "a member name is not valid Unicode (I-JSON forbids lone surrogates)");
            _namesLength += length;
            return (start, length);
        }

        /// <summary>RFC 8785, section 3.2.2.2: only <c>"</c>, <c>\</c> and control characters are escaped, with ECMAScript's short forms.</summary>
        private void String(ref Utf8JsonReader reader)
        {
            var raw = reader.ValueSpan;
            if (!reader.ValueIsEscaped)
            {
                // A token without backslashes has no escapes, and so no control characters, quotes
                // or backslashes either: if it is valid UTF-8 (which the reader does not check),
                // it is already in canonical form, byte for byte.
                if (!System.Text.Unicode.Utf8.IsValid(raw))
                {
                    throw new CanonicalJsonException("a string is not valid UTF-8");
                }
                Append((byte)'"');
                Append(raw);
                Append((byte)'"');
                return;
            }
            var chars = ArrayPool<char>.Shared.Rent(raw.Length);
            try
            {
                var length = Unescape(ref reader, chars, "a string is not valid Unicode (I-JSON forbids lone surrogates)");
                Escaped(chars.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<char>.Shared.Return(chars);
            }
        }

        private void Escaped(ReadOnlySpan<char> value)
        {
            Append((byte)'"');
            var start = 0;
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (c >= 0x20 && c != '"' && c != '\\')
                {
                    continue;
                }
                AppendUtf8(value[start..i]);
                start = i + 1;
                switch (c)
                {
                    case '"': Append("\\\""u8); break;
                    case '\\': Append("\\\\"u8); break;
                    case '\b': Append("\\b"u8); break;
                    case '\f': Append("\\f"u8); break;
                    case '\n': Append("\\n"u8); break;
                    case '\r': Append("\\r"u8); break;
                    case '\t': Append("\\t"u8); break;
                    default:
                        Append("\\u00"u8);
                        Append((byte)"0123456789abcdef"[c >> 4]);
                        Append((byte)"0123456789abcdef"[c & 0xF]);
                        break;
                }
            }
            AppendUtf8(value[start..]);
            Append((byte)'"');
        }

        private void Number(ReadOnlySpan<byte> token)
        {
            // Fast path: a plain integer of at most 15 digits without leading zeros is exactly
            // representable and is already written as ECMAScript would write it.
            var digits = token.Length > 0 && token[0] == '-' ? token[1..] : token;
            if (digits.Length is > 0 and <= 15 && (digits[0] != '0' || digits.Length == 1) && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9')
                && !(token.Length == 2 && token[0] == '-' && token[1] == '0'))
            {
                Append(token);
                return;
            }
            if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                throw new CanonicalJsonException($"the number {Encoding.UTF8.GetString(token)} is outside the range of an IEEE 754 double");
            }
            AppendUtf8(EcmaScriptNumber.Format(value));
        }

        private static JsonTokenType Next(ref Utf8JsonReader reader)
        {
            reader.Read();
            return reader.TokenType;
        }

        /// <summary>The current string token, unescaped into <paramref name="destination"/> as UTF-16; refused if not valid Unicode.</summary>
        private static int Unescape(ref Utf8JsonReader reader, Span<char> destination, string invalid)
        {
            int length;
            try
            {
                length = reader.CopyString(destination);
            }
            catch (InvalidOperationException e)
            {
                throw new CanonicalJsonException(invalid, e);
            }
            try
            {
                StrictUtf8.GetByteCount(destination[..length]);
            }
            catch (EncoderFallbackException e)
            {
                throw new CanonicalJsonException(invalid, e);
            }
            return length;
        }

        private void Push(Member member)
        {
            Grow(ref _members, _memberCount, 1);
            _members[_memberCount++] = member;
        }

        private void EnsureNames(int room) => Grow(ref _names, _namesLength, room);

        private void Append(byte value)
        {
            Ensure(1);
            _output[_length++] = value;
        }

        private void Append(ReadOnlySpan<byte> bytes)
        {
            Ensure(bytes.Length);
            bytes.CopyTo(_output.AsSpan(_length));
            _length += bytes.Length;
        }

        private void AppendUtf8(ReadOnlySpan<char> text)
        {
            if (text.IsEmpty)
            {
                return;
            }
            Ensure(StrictUtf8.GetMaxByteCount(text.Length));
            _length += StrictUtf8.GetBytes(text, _output.AsSpan(_length));
        }

        private void Ensure(int room) => Grow(ref _output, _length, room);

        /// <summary>Swaps <paramref name="buffer"/> for a larger pooled one when fewer than <paramref name="room"/> items are left after <paramref name="used"/>.</summary>
        private static void Grow<T>(ref T[] buffer, int used, int room)
        {
            if (buffer.Length - used < room)
            {
                var larger = ArrayPool<T>.Shared.Rent(Math.Max(buffer.Length * 2, used + room));
                buffer.AsSpan(0, used).CopyTo(larger);
                ArrayPool<T>.Shared.Return(buffer);
                buffer = larger;
            }
        }
    }

    /// <summary>One member of an object being written: its name on the names stack, and its <c>"name":value</c> in the output.</summary>
    private readonly record struct Member(int NameStart, int NameLength, int Start, int Length);

    /// <summary>Members by the UTF-16 code units of their names: an ordinal comparison.</summary>
    private readonly struct ByName(char[] names) : IComparer<Member>
    {
        public int Compare(Member x, Member y) =>
            names.AsSpan(x.NameStart, x.NameLength).SequenceCompareTo(names.AsSpan(y.NameStart, y.NameLength));
    }
}

/// <summary>The input cannot be canonicalised; the message says why.</summary>
public sealed class CanonicalJsonException : Exception
{
    public CanonicalJsonException(string message) : base(message)
    {
    }

    public CanonicalJsonException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public CanonicalJsonException()
    {
    }
}
