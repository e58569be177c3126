using System.Globalization;
using System.Text;

namespace Custos.Ledger.Json;

/// <summary>
/// Writes a double as ECMAScript's <c>Number.prototype.toString()</c> does (ECMA-262,
/// Number::toString, which RFC 8785 section 3.2.2.3 adopts): the shortest digit string that
/// reads back as the same double, in plain notation for decimal exponents from -6 to 20 and
/// in exponent notation (<c>1e+21</c>, <c>1.5e-7</c>) outside that.
/// </summary>
public static class EcmaScriptNumber
{
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "NaN and infinities have no JSON form.");
        }
        if (value == 0)
        {
            return "0"; // also for -0
        }

        var (digits, n) = ShortestDigits(Math.Abs(value));
        var k = digits.Length;
        var text = new StringBuilder(k + 8);
        if (value < 0)
        {
            text.Append('-');
        }

        if (k <= n && n <= 21)
        {
            // An integer: the digits, then n - k zeros.
            text.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            text.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            text.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            var exponent = n - 1;
            text.Append(digits[0]);
            if (k > 1)
            {
                text.Append('.').Append(digits, 1, k - 1);
            }
            text.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>
    /// The shortest round-tripping decimal digits of a positive double, without leading or
    /// trailing zeros, and n such that the value is 0.digits × 10^n. .NET's "R" format yields
    /// the shortest round-tripping string (since .NET Core 3.0); only its layout differs.
    /// </summary>
    private static (string Digits, int N) ShortestDigits(double value)
    {
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        var point = r.IndexOf('.', StringComparison.Ordinal);
        var integral = point < 0 ? r : r[..point];
        var fraction = point < 0 ? "" : r[(point + 1)..];
        var digits = integral + fraction;
        var n = integral.Length + exponent;

        var leading = 0;
        while (leading < digits.Length - 1 && digits[leading] == '0')
        {
            leading++;
        }
        digits = digits[leading..].TrimEnd('0');
        n -= leading;
        return (digits, n);
    }
}
