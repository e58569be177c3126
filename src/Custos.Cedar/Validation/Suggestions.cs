namespace Custos.Cedar.Validation;

/// <summary>"Did you mean" for names a policy gets wrong: the declared name closest to a typo.</summary>
internal static class Suggestions
{
    /// <summary>The likely intended name, or the declared names when none is close.</summary>
    public static string Describe(string name, IEnumerable<string> known)
    {
        var names = known.Order(StringComparer.Ordinal).ToList();
        if (names.Count == 0)
        {
            return "none";
        }
        return Closest(name, names) is { } closest
            ? $"`{closest}` (a typo?)"
            : string.Join(", ", names.Take(10).Select(n => $"`{n}`")) + (names.Count > 10 ? ", …" : "");
    }

    /// <summary>The known name closest to <paramref name="name"/>, when one is close enough to be a likely typo.</summary>
    public static string? Closest(string name, IEnumerable<string> known)
    {
        var closest = known.MinBy(candidate => Distance(name, candidate));
        return closest is not null && Distance(name, closest) <= Math.Max(2, name.Length / 3) ? closest : null;
    }

    /// <summary>Levenshtein distance, for "did you mean" suggestions.</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
