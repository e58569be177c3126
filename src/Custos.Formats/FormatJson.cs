using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Custos.Formats;

/// <summary>
/// JSON settings shared by every exchange format: snake_case fields, kebab-case enumeration
/// values, RFC 3339 UTC times, exact integers, required fields enforced, unknown fields ignored.
/// </summary>
public static class FormatJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    /// <summary>For files people read (world.json, labels): indented.</summary>
    public static JsonSerializerOptions IndentedOptions { get; } = Create(indented: true);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            WriteIndented = indented,
            // Fields that are null or empty lists still appear, so a reader sees the whole shape.
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new Rfc3339UtcConverter());
        options.Converters.Add(new KebabCaseEnumConverterFactory());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>
    /// Rewrites a System.Text.Json failure as one sentence about the field:
    /// "$.staff[2]: missing required field 'department'".
    /// </summary>
    internal static string Describe(JsonException e)
    {
        var message = e.Message;
        var pathAt = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (pathAt >= 0)
        {
            message = message[..pathAt];
        }

        const string MissingMarker = "missing required properties including: ";
        var missing = message.IndexOf(MissingMarker, StringComparison.Ordinal);
        if (missing >= 0)
        {
            var names = message[(missing + MissingMarker.Length)..].TrimEnd('.');
            var plural = names.Contains(',', StringComparison.Ordinal) ? "fields" : "field";
            message = $"missing required {plural} {names}";
        }
        else if (message.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal))
        {
            message = $"expected {Expected(message["The JSON value could not be converted to ".Length..].TrimEnd('.'))}";
        }
        else if (message.Contains("Expected start of a property name", StringComparison.Ordinal)
            || message.Contains("is invalid", StringComparison.Ordinal))
        {
            message = $"not valid JSON: {message}";
        }

        var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $"{e.Path}: ";
        return path + message;
    }

    private static string Expected(string clrType) => clrType switch
    {
        "System.Int32" or "System.Int64" => "an integer",
        "System.String" => "a string",
        "System.Boolean" => "true or false",
        "System.DateTimeOffset" => "an RFC 3339 time",
        _ when clrType.StartsWith("System.Collections.Generic.", StringComparison.Ordinal) => "an array",
        _ when clrType.StartsWith("Custos.Formats.", StringComparison.Ordinal) => "an object",
        _ => clrType,
    };

    /// <summary>RFC 3339 with an explicit offset on read; always UTC with "Z" on write.</summary>
    public sealed class Rfc3339UtcConverter : JsonConverter<DateTimeOffset>
    {
        private static readonly string[] Formats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException("expected an RFC 3339 time such as \"2026-06-03T14:05:00Z\"");
            }
            if (!reader.ValueIsEscaped && !reader.HasValueSequence && TryParseCommon(reader.ValueSpan, out var common))
            {
                return common;
            }
            var text = reader.GetString()!;
            if (!text.EndsWith('Z') && !HasOffset(text)
                || !DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
            {
                throw new JsonException($"'{text}' is not an RFC 3339 time with a zone, such as \"2026-06-03T14:05:00Z\"");
            }
            return value.ToUniversalTime();
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));

        /// <summary>
        /// The common shape, "2026-06-03T14:05:00Z" with up to seven fraction digits and "Z" or
        /// "±hh:mm", read digit by digit: the format parse cost more than the rest of an event.
        /// Anything else (or out of range) is left to <see cref="DateTimeOffset.TryParseExact(string, string[], IFormatProvider, DateTimeStyles, out DateTimeOffset)"/>,
        /// so this accepts nothing that would not be accepted, with the same value.
        /// </summary>
        private static bool TryParseCommon(ReadOnlySpan<byte> text, out DateTimeOffset value)
        {
            value = default;
            if (text.Length < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':'
                || !Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day)
                || !Digits(text, 11, 2, out var hour) || !Digits(text, 14, 2, out var minute) || !Digits(text, 17, 2, out var second))
            {
                return false;
            }
            var at = 19;
            var ticks = 0;
            if (text[at] == '.')
            {
                var digits = 0;
                for (at++; at < text.Length && char.IsAsciiDigit((char)text[at]); at++, digits++)
                {
                    ticks = ticks * 10 + (text[at] - '0');
                }
                if (digits is 0 or > 7)
                {
                    return false;
                }
                for (; digits < 7; digits++)
                {
                    ticks *= 10;
                }
            }
            var offset = TimeSpan.Zero;
            var zone = text[at..];
            if (zone.Length == 6 && zone[0] is (byte)'+' or (byte)'-' && zone[3] == ':'
                && Digits(zone, 1, 2, out var offsetHours) && Digits(zone, 4, 2, out var offsetMinutes) && offsetHours <= 14 && offsetMinutes <= 59)
            {
                offset = new TimeSpan(offsetHours, offsetMinutes, 0) * (zone[0] == '-' ? -1 : 1);
            }
            else if (!(zone.Length == 1 && zone[0] == 'Z'))
            {
                return false;
            }
            // The first and last years of the calendar are left to the slow path, whose offset
            // arithmetic there is its own.
            if (year is < 2 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
                || hour > 23 || minute > 59 || second > 59 || offset.Duration() > TimeSpan.FromHours(14))
            {
                return false;
            }
            var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks);
            value = new DateTimeOffset((local - offset).Ticks, TimeSpan.Zero);
            return true;
        }

        private static bool Digits(ReadOnlySpan<byte> text, int start, int count, out int value)
        {
            value = 0;
            for (var i = start; i < start + count; i++)
            {
                if (!char.IsAsciiDigit((char)text[i]))
                {
                    return false;
                }
                value = value * 10 + (text[i] - '0');
            }
            return true;
        }

        private static bool HasOffset(string text) =>
            text.Length > 6 && (text[^6] == '+' || text[^6] == '-') && text[^3] == ':';
    }

    /// <summary>The name an enumeration value has in every format ("ip-prefix"), for the places that show it outside JSON.</summary>
    public static string NameOf<T>(T value)
        where T : struct, Enum => KebabCaseEnumConverter<T>.ByValue[value];

    /// <summary>Enumerations as their kebab-case names ("ip-prefix"); anything else names the choices.</summary>
    /// <remarks>Public so that source-generated contexts of the same formats can name it.</remarks>
    public sealed class KebabCaseEnumConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(KebabCaseEnumConverter<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class KebabCaseEnumConverter<T> : JsonConverter<T>
        where T : struct, Enum
    {
        private static readonly Dictionary<string, T> ByName = Enum.GetValues<T>()
            .ToDictionary(value => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString()), StringComparer.Ordinal);

        public static readonly Dictionary<T, string> ByValue = ByName.ToDictionary(pair => pair.Value, pair => pair.Key);

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            if (text is not null && ByName.TryGetValue(text, out var value))
            {
                return value;
            }
            throw new JsonException($"expected one of {string.Join(", ", ByName.Keys.Select(k => $"\"{k}\""))}");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(ByValue[value]);
    }
}
