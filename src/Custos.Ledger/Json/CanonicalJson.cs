using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
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
public static class CanonicalJson
{
    /// <summary>How deep entries may nest; deeper input is refused rather than risking the stack.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions Strict = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = MaxDepth,
    };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses <paramref name="utf8Json"/> and returns its canonical form.</summary>
    /// <exception cref="CanonicalJsonException">The input is not I-JSON.</exception>
    public static byte[] Canonicalize(ReadOnlyMemory<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, Strict);
        }
        catch (JsonException e)
        {
            throw new CanonicalJsonException($"not JSON: {e.Message}", e);
        }
        using (document)
        {
            // Canonical output is rarely longer than its input: size the buffer once.
            return Canonicalize(document.RootElement, utf8Json.Length + 16);
        }
    }

    public static byte[] Canonicalize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Canonicalize(Encoding.UTF8.GetBytes(json));
    }

    public static byte[] Canonicalize(JsonElement element) => Canonicalize(element, 256);

    private static byte[] Canonicalize(JsonElement element, int capacity)
    {
        var output = new ArrayBufferWriter<byte>(capacity);
        Write(element, output, 0);
        return output.WrittenSpan.ToArray();
    }

    private static void Write(JsonElement element, ArrayBufferWriter<byte> output, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new CanonicalJsonException($"nested deeper than {MaxDepth} levels");
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(element, output, depth);
                break;
            case JsonValueKind.Array:
                Append(output, "["u8);
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        Append(output, ","u8);
                    }
                    first = false;
                    Write(item, output, depth + 1);
                }
                Append(output, "]"u8);
                break;
            case JsonValueKind.String:
                // A token without backslashes has no escapes, and so no control characters, quotes
                // or backslashes either: if it is valid UTF-8 (which the parser checks only when a
                // string is read), it is already in canonical form, byte for byte.
                var raw = JsonMarshal.GetRawUtf8Value(element);
                if (!raw.Contains((byte)'\\'))
                {
                    if (!System.Text.Unicode.Utf8.IsValid(raw))
                    {
                        throw new CanonicalJsonException("a string is not valid UTF-8");
                    }
                    Append(output, raw);
                }
                else
                {
                    WriteString(ReadString(element), output);
                }
                break;
            case JsonValueKind.Number:
                WriteNumber(element, output);
                break;
            case JsonValueKind.True:
                Append(output, "true"u8);
                break;
            case JsonValueKind.False:
                Append(output, "false"u8);
                break;
            case JsonValueKind.Null:
                Append(output, "null"u8);
                break;
            default:
                throw new CanonicalJsonException($"unexpected JSON value kind {element.ValueKind}");
        }
    }

    private static void WriteObject(JsonElement element, ArrayBufferWriter<byte> output, int depth)
    {
        var members = new List<(string Name, JsonElement Value)>();
        foreach (var property in element.EnumerateObject())
        {
            members.Add((ReadName(property), property.Value));
        }
        // RFC 8785, section 3.2.3: sort by the UTF-16 code units of the names, which is what
        // an ordinal comparison of .NET strings does.
        members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (var i = 1; i < members.Count; i++)
        {
            if (string.Equals(members[i - 1].Name, members[i].Name, StringComparison.Ordinal))
            {
                throw new CanonicalJsonException($"duplicate member name \"{members[i].Name}\"");
            }
        }

        Append(output, "{"u8);
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                Append(output, ","u8);
            }
            WriteString(members[i].Name, output);
            Append(output, ":"u8);
            Write(members[i].Value, output, depth + 1);
        }
        Append(output, "}"u8);
    }

    private static string ReadName(JsonProperty property)
    {
        try
        {
            var name = property.Name;
            RequireWellFormed(name);
            return name;
        }
        catch (InvalidOperationException e)
        {
            throw new CanonicalJsonException("a member name is not valid Unicode (I-JSON forbids lone surrogates)", e);
        }
    }

    private static string ReadString(JsonElement element)
    {
        try
        {
            var value = element.GetString()!;
            RequireWellFormed(value);
            return value;
        }
        catch (InvalidOperationException e)
        {
            throw new CanonicalJsonException("a string is not valid Unicode (I-JSON forbids lone surrogates)", e);
        }
    }

    private static void RequireWellFormed(string value)
    {
        try
        {
            StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new CanonicalJsonException("a string is not valid Unicode (I-JSON forbids lone surrogates)", e);
        }
    }

    /// <summary>RFC 8785, section 3.2.2.2: only <c>"</c>, <c>\</c> and control characters are escaped, with ECMAScript's short forms.</summary>
    private static void WriteString(string value, ArrayBufferWriter<byte> output)
    {
        Append(output, "\""u8);
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                continue;
            }
            AppendUtf8(output, value.AsSpan(start, i - start));
            start = i + 1;
            switch (c)
            {
                case '"': Append(output, "\\\""u8); break;
                case '\\': Append(output, "\\\\"u8); break;
                case '\b': Append(output, "\\b"u8); break;
                case '\f': Append(output, "\\f"u8); break;
                case '\n': Append(output, "\\n"u8); break;
                case '\r': Append(output, "\\r"u8); break;
                case '\t': Append(output, "\\t"u8); break;
                default:
                    AppendUtf8(output, $"\\u{(int)c:x4}");
                    break;
            }
        }
        AppendUtf8(output, value.AsSpan(start));
        Append(output, "\""u8);
    }

    private static void WriteNumber(JsonElement element, ArrayBufferWriter<byte> output)
    {
        // Fast path: a plain integer of at most 15 digits without leading zeros is exactly
        // representable and is already written as ECMAScript would write it.
        var token = JsonMarshal.GetRawUtf8Value(element);
        var digits = token.Length > 0 && token[0] == '-' ? token[1..] : token;
        if (digits.Length is > 0 and <= 15 && (digits[0] != '0' || digits.Length == 1) && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9')
            && !(token.Length == 2 && token[0] == '-' && token[1] == '0'))
        {
            Append(output, token);
            return;
        }

        var raw = element.GetRawText();
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw new CanonicalJsonException($"the number {raw} is outside the range of an IEEE 754 double");
        }
        AppendUtf8(output, EcmaScriptNumber.Format(value));
    }

    private static void Append(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);

    private static void AppendUtf8(ArrayBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }
        var span = output.GetSpan(StrictUtf8.GetMaxByteCount(text.Length));
        output.Advance(StrictUtf8.GetBytes(text, span));
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
