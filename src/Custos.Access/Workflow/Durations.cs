using System.Globalization;
using System.Text.RegularExpressions;

namespace Custos.Access.Workflow;

/// <summary>
/// Durations as people type them (<c>90s</c>, <c>30m</c>, <c>1h</c>, <c>2h30m</c>, <c>14d</c>), or
/// as ISO 8601 writes them (<c>PT8H</c>, <c>P2D</c>): how long a grant is asked for, on the
/// command line and in API bodies alike.
/// </summary>
public static partial class Durations
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (text.StartsWith('P'))
        {
            try
            {
                value = System.Xml.XmlConvert.ToTimeSpan(text);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }
        var match = Pattern().Match(text);
        if (!match.Success || match.Length == 0)
        {
            return false;
        }
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var amount = long.Parse(part.Value[..^1], CultureInfo.InvariantCulture);
            value += part.Value[^1] switch
            {
                'd' => TimeSpan.FromDays(amount),
                'h' => TimeSpan.FromHours(amount),
                'm' => TimeSpan.FromMinutes(amount),
                _ => TimeSpan.FromSeconds(amount),
            };
        }
        return true;
    }

    [GeneratedRegex(@"^(?<part>\d{1,6}[dhms])+$")]
    private static partial Regex Pattern();
}
