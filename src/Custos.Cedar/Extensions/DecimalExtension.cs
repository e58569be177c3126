using System.Globalization;
using Custos.Cedar.Evaluation;

namespace Custos.Cedar.Extensions;

/// <summary>
/// The <c>decimal</c> extension: fixed-point numbers with four digits after the point, stored
/// as a 64-bit integer scaled by 10,000, compared with <c>lessThan</c> and friends.
/// </summary>
internal static class DecimalExtension
{
    private const long Scale = 10_000;

    /// <summary>
    /// <c>-?[0-9]+\.[0-9]{1,4}</c>; out of range is an error. The sign is taken from the text, so
    /// <c>"-0.5"</c> is minus one half.
    /// </summary>
    public static bool TryParse(string text, out long scaled, out string? error)
    {
        scaled = 0;
        var negative = text.StartsWith('-');
        var body = negative ? text.AsSpan(1) : text.AsSpan();
        var point = body.IndexOf('.');
        if (point <= 0 || point == body.Length - 1 || !IsDigits(body[..point]) || !IsDigits(body[(point + 1)..]))
        {
            error = $"`{text}` is not a well-formed decimal value";
            return false;
        }
        var fraction = body[(point + 1)..];
        if (fraction.Length > 4)
        {
            error = $"too many digits after the decimal point in `{text}`";
            return false;
        }
        if (!long.TryParse(body[..point], NumberStyles.None, CultureInfo.InvariantCulture, out var whole))
        {
            error = "overflow when converting to decimal";
            return false;
        }
        var fractional = long.Parse(fraction, NumberStyles.None, CultureInfo.InvariantCulture);
        for (var i = fraction.Length; i < 4; i++)
        {
            fractional *= 10;
        }
        try
        {
            var magnitude = checked(whole * Scale);
            // Negative values are accumulated downwards so that the most negative decimal is reachable.
            scaled = negative ? checked(-magnitude - fractional) : checked(magnitude + fractional);
        }
        catch (OverflowException)
        {
            error = "overflow when converting to decimal";
            return false;
        }
        error = null;
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Four digits after the point, always.</summary>
    public static string Format(long scaled)
    {
        var whole = scaled / Scale;
        var fraction = Math.Abs(scaled % Scale);
        var sign = scaled < 0 && whole == 0 ? "-" : "";
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{whole}.{fraction:D4}");
    }

    public static Value Decimal(Value text)
    {
        if (text.Kind != ValueKind.String)
        {
            return EvaluationError.TypeError("string", text);
        }
        return TryParse((string)text.Object!, out var scaled, out var error) ? Value.FromDecimal(scaled) : EvaluationError.Extension("decimal", error!);
    }

    public static Value LessThan(Value left, Value right) => Compare(left, right, static (a, b) => a < b);

    public static Value LessThanOrEqual(Value left, Value right) => Compare(left, right, static (a, b) => a <= b);

    public static Value GreaterThan(Value left, Value right) => Compare(left, right, static (a, b) => a > b);

    public static Value GreaterThanOrEqual(Value left, Value right) => Compare(left, right, static (a, b) => a >= b);

    private static Value Compare(Value left, Value right, Func<long, long, bool> comparison)
    {
        if (left.Kind != ValueKind.Decimal)
        {
            return EvaluationError.TypeError("decimal", left);
        }
        if (right.Kind != ValueKind.Decimal)
        {
            return EvaluationError.TypeError("decimal", right);
        }
        return Value.FromBool(comparison(left.Number, right.Number));
    }
}
