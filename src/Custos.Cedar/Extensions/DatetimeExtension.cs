using System.Globalization;
using Custos.Cedar.Evaluation;

namespace Custos.Cedar.Extensions;

/// <summary>
/// The <c>datetime</c> extension: <c>datetime</c> (milliseconds since the Unix epoch, leap
/// seconds ignored) and <c>duration</c> (milliseconds), both 64-bit; every overflow is an error.
/// Datetimes and durations are ordered with <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>.
/// </summary>
internal static class DatetimeExtension
{
    private const long MillisecondsPerDay = 86_400_000;

    /// <summary>
    /// <c>YYYY-MM-DD</c>, optionally followed by <c>Thh:mm:ss</c>, optional <c>.SSS</c>, and
    /// <c>Z</c> or <c>(+|-)hhmm</c>. Checked as the reference does: the shape first, then the
    /// date, the time and the offset.
    /// </summary>
    public static bool TryParseDatetime(string text, out long epochMilliseconds, out string? error)
    {
        epochMilliseconds = 0;
        var s = text.AsSpan();
        if (s.Length < 10 || !Digits(s, 0, 4) || s[4] != '-' || !Digits(s, 5, 2) || s[7] != '-' || !Digits(s, 8, 2))
        {
            error = "invalid date pattern: a datetime starts with YYYY-MM-DD";
            return false;
        }
        var year = Number(s, 0, 4);
        var month = Number(s, 5, 2);
        var day = Number(s, 8, 2);
        if (s.Length == 10)
        {
            if (!ValidDate(year, month, day))
            {
                error = $"invalid date `{text}`";
                return false;
            }
            epochMilliseconds = DaysFromCivil(year, month, day) * MillisecondsPerDay;
            error = null;
            return true;
        }
        if (s.Length < 19 || s[10] != 'T' || !Digits(s, 11, 2) || s[13] != ':' || !Digits(s, 14, 2) || s[16] != ':' || !Digits(s, 17, 2))
        {
            error = "invalid hour/minute/second pattern: expected Thh:mm:ss after the date";
            return false;
        }
        var hour = Number(s, 11, 2);
        var minute = Number(s, 14, 2);
        var second = Number(s, 17, 2);
        var rest = s[19..];
        var millisecond = 0;
        if (rest.Length > 0 && rest[0] == '.')
        {
            if (rest.Length < 4 || !Digits(rest, 1, 3))
            {
                error = "invalid millisecond and/or offset pattern";
                return false;
            }
            millisecond = Number(rest, 1, 3);
            rest = rest[4..];
        }
        var offsetSign = 0;
        int offsetHours = 0, offsetMinutes = 0;
        if (rest.Length == 1 && rest[0] == 'Z')
        {
            // UTC
        }
        else if (rest.Length == 5 && (rest[0] == '+' || rest[0] == '-') && Digits(rest, 1, 4))
        {
            offsetSign = rest[0] == '+' ? 1 : -1;
            offsetHours = Number(rest, 1, 2);
            offsetMinutes = Number(rest, 3, 2);
        }
        else
        {
            error = "invalid millisecond and/or offset pattern: expected Z, .SSSZ, (+|-)hhmm or .SSS(+|-)hhmm";
            return false;
        }
        if (!ValidDate(year, month, day))
        {
            error = $"invalid date `{text[..10]}`";
            return false;
        }
        if (hour >= 24 || minute >= 60 || second >= 60)
        {
            error = $"invalid hour/minute/second `{text[11..19]}`";
            return false;
        }
        if (offsetHours >= 24 || offsetMinutes >= 60)
        {
            error = $"invalid offset `{offsetHours:D2}{offsetMinutes:D2}`: hours must be below 24 and minutes below 60";
            return false;
        }
        var local = (DaysFromCivil(year, month, day) * MillisecondsPerDay)
            + (((hour * 3600L) + (minute * 60L) + second) * 1000L) + millisecond;
        epochMilliseconds = local - (offsetSign * ((offsetHours * 3600L) + (offsetMinutes * 60L)) * 1000L);
        error = null;
        return true;
    }

    /// <summary>
    /// <c>-?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?</c> with at least one unit;
    /// the total must fit in 64 bits.
    /// </summary>
    public static bool TryParseDuration(string text, out long milliseconds, out string? error)
    {
        milliseconds = 0;
        var s = text.AsSpan();
        var negative = s.Length > 0 && s[0] == '-';
        var i = negative ? 1 : 0;
        if (i == s.Length)
        {
            error = $"invalid duration `{text}`";
            return false;
        }
        Int128 total = 0;
        var lastUnit = -1;
        var overflow = false;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
            if (i == start || i == s.Length)
            {
                error = $"invalid duration `{text}`";
                return false;
            }
            int unit;
            long factor;
            switch (s[i])
            {
                case 'd':
                    (unit, factor) = (0, MillisecondsPerDay);
                    i++;
                    break;
                case 'h':
                    (unit, factor) = (1, 3_600_000);
                    i++;
                    break;
                case 'm' when i + 1 < s.Length && s[i + 1] == 's':
                    (unit, factor) = (4, 1);
                    i += 2;
                    break;
                case 'm':
                    (unit, factor) = (2, 60_000);
                    i++;
                    break;
                case 's':
                    (unit, factor) = (3, 1000);
                    i++;
                    break;
                default:
                    error = $"invalid duration `{text}`";
                    return false;
            }
            if (unit <= lastUnit)
            {
                error = $"invalid duration `{text}`: units must appear once each, in the order d, h, m, s, ms";
                return false;
            }
            lastUnit = unit;
            if (!ulong.TryParse(s[start..(i - (unit == 4 ? 2 : 1))], NumberStyles.None, CultureInfo.InvariantCulture, out var quantity))
            {
                overflow = true;
                continue;
            }
            total += (Int128)quantity * factor;
        }
        if (negative)
        {
            total = -total;
        }
        if (overflow || total > long.MaxValue || total < long.MinValue)
        {
            error = "the duration overflows 64-bit milliseconds";
            return false;
        }
        milliseconds = (long)total;
        error = null;
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count)
    {
        if (start + count > s.Length)
        {
            return false;
        }
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static int Number(ReadOnlySpan<char> s, int start, int count)
    {
        var value = 0;
        for (var i = start; i < start + count; i++)
        {
            value = (value * 10) + (s[i] - '0');
        }
        return value;
    }

    private static bool ValidDate(int year, int month, int day) =>
        month is >= 1 and <= 12 && day >= 1 && day <= DaysInMonth(year, month);

    private static int DaysInMonth(int year, int month) => month switch
    {
        2 => (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    /// <summary>Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).</summary>
    private static long DaysFromCivil(long year, int month, int day)
    {
        year -= month <= 2 ? 1 : 0;
        var era = (year >= 0 ? year : year - 399) / 400;
        var yearOfEra = year - (era * 400);
        var dayOfYear = ((153 * (month + (month > 2 ? -3 : 9))) + 2) / 5 + day - 1;
        var dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return (era * 146097) + dayOfEra - 719468;
    }

    private static (long Year, int Month, int Day) CivilFromDays(long days)
    {
        days += 719468;
        var era = (days >= 0 ? days : days - 146096) / 146097;
        var dayOfEra = days - (era * 146097);
        var yearOfEra = (dayOfEra - (dayOfEra / 1460) + (dayOfEra / 36524) - (dayOfEra / 146096)) / 365;
        var year = yearOfEra + (era * 400);
        var dayOfYear = dayOfEra - ((365 * yearOfEra) + (yearOfEra / 4) - (yearOfEra / 100));
        var monthPrime = ((5 * dayOfYear) + 2) / 153;
        var day = (int)(dayOfYear - (((153 * monthPrime) + 2) / 5) + 1);
        var month = (int)(monthPrime < 10 ? monthPrime + 3 : monthPrime - 9);
        return (year + (month <= 2 ? 1 : 0), month, day);
    }

    /// <summary>
    /// The datetime as <c>YYYY-MM-DDThh:mm:ss.SSSZ</c> when its year has four digits (0000 to
    /// 9999, what <c>datetime()</c> accepts); false otherwise.
    /// </summary>
    public static bool TryFormatIso(long epochMilliseconds, out string text)
    {
        // Beyond ±3,000,000 days the year has more than four digits anyway.
        var wholeDays = epochMilliseconds >= 0 ? epochMilliseconds / MillisecondsPerDay : ((epochMilliseconds + 1) / MillisecondsPerDay) - 1;
        if (Math.Abs(wholeDays) < 3_000_000)
        {
            var (year, month, day) = CivilFromDays(wholeDays);
            if (year is >= 0 and <= 9999)
            {
                var time = epochMilliseconds - (wholeDays * MillisecondsPerDay);
                text = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{year:D4}-{month:D2}-{day:D2}T{time / 3_600_000:D2}:{time / 60_000 % 60:D2}:{time / 1000 % 60:D2}.{time % 1000:D3}Z");
                return true;
            }
        }
        text = "";
        return false;
    }

    /// <summary>
    /// A datetime as a Cedar expression: <c>datetime("…")</c> when the year has four digits,
    /// otherwise the epoch plus an offset, which represents every 64-bit value.
    /// </summary>
    public static string FormatDatetimeExpression(long epochMilliseconds) =>
        TryFormatIso(epochMilliseconds, out var text)
            ? $"datetime(\"{text}\")"
            : string.Create(CultureInfo.InvariantCulture, $"datetime(\"1970-01-01\").offset(duration(\"{epochMilliseconds}ms\"))");

    public static Value Datetime(Value text)
    {
        if (text.Kind != ValueKind.String)
        {
            return EvaluationError.TypeError("string", text);
        }
        return TryParseDatetime((string)text.Object!, out var epoch, out var error) ? Value.FromDatetime(epoch) : EvaluationError.Extension("datetime", error!);
    }

    public static Value Duration(Value text)
    {
        if (text.Kind != ValueKind.String)
        {
            return EvaluationError.TypeError("string", text);
        }
        return TryParseDuration((string)text.Object!, out var ms, out var error) ? Value.FromDuration(ms) : EvaluationError.Extension("duration", error!);
    }

    public static Value Offset(Value datetime, Value duration)
    {
        if (datetime.Kind != ValueKind.Datetime)
        {
            return EvaluationError.TypeError("datetime", datetime);
        }
        if (duration.Kind != ValueKind.Duration)
        {
            return EvaluationError.TypeError("duration", duration);
        }
        var result = datetime.Number + duration.Number;
        return ((datetime.Number ^ result) & (duration.Number ^ result)) < 0
            ? EvaluationError.Extension("offset", "overflow when adding the offset")
            : Value.FromDatetime(result);
    }

    public static Value DurationSince(Value datetime, Value other)
    {
        if (datetime.Kind != ValueKind.Datetime)
        {
            return EvaluationError.TypeError("datetime", datetime);
        }
        if (other.Kind != ValueKind.Datetime)
        {
            return EvaluationError.TypeError("datetime", other);
        }
        var result = datetime.Number - other.Number;
        return ((datetime.Number ^ other.Number) & (datetime.Number ^ result)) < 0
            ? EvaluationError.Extension("durationSince", "overflow when computing the duration")
            : Value.FromDuration(result);
    }

    /// <summary>Midnight of the datetime's day (rounding towards the past).</summary>
    public static Value ToDate(Value datetime)
    {
        if (datetime.Kind != ValueKind.Datetime)
        {
            return EvaluationError.TypeError("datetime", datetime);
        }
        var epoch = datetime.Number;
        if (epoch >= 0 || epoch % MillisecondsPerDay == 0)
        {
            return Value.FromDatetime(epoch / MillisecondsPerDay * MillisecondsPerDay);
        }
        var day = (epoch / MillisecondsPerDay) - 1;
        return day < long.MinValue / MillisecondsPerDay
            ? EvaluationError.Extension("toDate", "overflow when computing the date")
            : Value.FromDatetime(day * MillisecondsPerDay);
    }

    /// <summary>The time of day as a duration since midnight.</summary>
    public static Value ToTime(Value datetime)
    {
        if (datetime.Kind != ValueKind.Datetime)
        {
            return EvaluationError.TypeError("datetime", datetime);
        }
        var remainder = datetime.Number % MillisecondsPerDay;
        return Value.FromDuration(remainder < 0 ? remainder + MillisecondsPerDay : remainder);
    }

    public static Value ToMilliseconds(Value duration) => DurationPart(duration, 1);

    public static Value ToSeconds(Value duration) => DurationPart(duration, 1000);

    public static Value ToMinutes(Value duration) => DurationPart(duration, 60_000);

    public static Value ToHours(Value duration) => DurationPart(duration, 3_600_000);

    public static Value ToDays(Value duration) => DurationPart(duration, MillisecondsPerDay);

    /// <summary>Whole units, truncated towards zero.</summary>
    private static Value DurationPart(Value duration, long unit) =>
        duration.Kind == ValueKind.Duration ? Value.FromLong(duration.Number / unit) : EvaluationError.TypeError("duration", duration);
}
