using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace Custos.Server.Configuration;

/// <summary>One thing wrong with the configuration, and where it came from.</summary>
public sealed record ConfigurationProblem(string Key, string Source, string Message)
{
    public override string ToString() => $"{Message} ({Source})";
}

/// <summary>The configuration names a key the server does not read, or gives a key a value of the wrong type.</summary>
public sealed class ConfigurationInvalidException : Exception
{
    public ConfigurationInvalidException(IReadOnlyList<ConfigurationProblem> problems)
        : base(problems.Count == 0 ? "the configuration is invalid." : $"configuration: {problems[0]}"
            + (problems.Count > 1 ? $"; and {problems.Count - 1} more problem(s), listed by 'custos config check'." : "."))
    {
        Problems = problems;
    }

    public ConfigurationInvalidException() : this([])
    {
    }

    public ConfigurationInvalidException(string message) : base(message)
    {
        Problems = [];
    }

    public ConfigurationInvalidException(string message, Exception innerException) : base(message, innerException)
    {
        Problems = [];
    }

    public IReadOnlyList<ConfigurationProblem> Problems { get; } = [];
}

/// <summary>
/// Refuses configuration that .NET would quietly ignore or coerce: a misspelt key
/// (<c>"Detecton"</c>) binds to nothing, and <c>{"Ledger":{"Origin":5}}</c> binds the string
/// "5". Every source is checked key by key against <see cref="ConfigurationSchema"/>; JSON
/// files also by the kind of each value, which the configuration system forgets.
/// </summary>
public static class StrictConfiguration
{
    public static IReadOnlyList<ConfigurationProblem> Check(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<ConfigurationProblem>();
        foreach (var provider in configuration.Providers)
        {
            var source = Describe(provider);
            if (provider is JsonConfigurationProvider json && PathOf(json) is { } path && File.Exists(path))
            {
                CheckJsonFile(path, source, problems);
                continue;
            }
            foreach (var key in LeafKeys(provider, null))
            {
                provider.TryGet(key, out var value);
                CheckValue(key, value, ValueKind.Text, SourceOf(provider, key, source), problems);
            }
        }
        return problems;
    }

    /// <summary>Throws <see cref="ConfigurationInvalidException"/> naming the first problem, if there is one.</summary>
    public static void Enforce(IConfigurationRoot configuration)
    {
        var problems = Check(configuration);
        if (problems.Count > 0)
        {
            throw new ConfigurationInvalidException(problems);
        }
    }

    /// <summary>Where a value was set, in the words an operator searches for.</summary>
    internal static string Describe(IConfigurationProvider provider) => provider switch
    {
        JsonConfigurationProvider json => PathOf(json) ?? "a JSON file",
        EnvironmentVariablesConfigurationProvider => "environment variable",
        MemoryConfigurationProvider => "command line",
        _ => provider.ToString() ?? provider.GetType().Name,
    };

    private static string SourceOf(IConfigurationProvider provider, string key, string source) =>
        provider is EnvironmentVariablesConfigurationProvider
            ? $"environment variable {CustosConfiguration.EnvironmentPrefix}{key.Replace(":", "__", StringComparison.Ordinal)}"
            : source;

    private static string? PathOf(JsonConfigurationProvider provider) =>
        provider.Source.FileProvider?.GetFileInfo(provider.Source.Path ?? "").PhysicalPath ?? provider.Source.Path;

    private static IEnumerable<string> LeafKeys(IConfigurationProvider provider, string? parent)
    {
        foreach (var child in provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var key = parent is null ? child : $"{parent}{ConfigurationPath.KeyDelimiter}{child}";
            var any = false;
            foreach (var leaf in LeafKeys(provider, key))
            {
                any = true;
                yield return leaf;
            }
            if (!any)
            {
                yield return key;
            }
        }
    }

    private enum ValueKind
    {
        Text,
        Number,
        Boolean,
        Null,
    }

    private static void CheckJsonFile(string path, string source, List<ConfigurationProblem> problems)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            problems.Add(new("", source, $"not valid JSON: {e.Message}"));
            return;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new("", source, "a configuration file holds one JSON object"));
                return;
            }
            Walk(document.RootElement, null, source, problems);
        }
    }

    private static void Walk(JsonElement element, string? key, string source, List<ConfigurationProblem> problems)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object or JsonValueKind.Array when key is not null && !element.EnumerateArrayOrObject().Any():
                // "Detecton": {} sets nothing, but is as much a typo as one with keys in it.
                CheckValue(key, null, ValueKind.Null, source, problems);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, key is null ? property.Name : $"{key}:{property.Name}", source, problems);
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, $"{key}:{index++}", source, problems);
                }
                break;
            case JsonValueKind.String:
                CheckValue(key!, element.GetString(), ValueKind.Text, source, problems);
                break;
            case JsonValueKind.Number:
                CheckValue(key!, element.GetRawText(), ValueKind.Number, source, problems);
                break;
            case JsonValueKind.True or JsonValueKind.False:
                CheckValue(key!, element.GetRawText(), ValueKind.Boolean, source, problems);
                break;
            default:
                CheckValue(key!, null, ValueKind.Null, source, problems);
                break;
        }
    }

    private static void CheckValue(string key, string? value, ValueKind kind, string source, List<ConfigurationProblem> problems)
    {
        var node = ConfigurationSchema.Root;
        var segments = key.Split(ConfigurationPath.KeyDelimiter);
        for (var i = 0; i < segments.Length; i++)
        {
            var child = node.Child(segments[i]);
            if (child is null)
            {
                var known = string.Join(ConfigurationPath.KeyDelimiter, segments.Take(i + 1));
                problems.Add(new(key, source, node.Kind == ConfigurationNodeKind.Value
                    ? $"'{string.Join(ConfigurationPath.KeyDelimiter, segments.Take(i))}' is a single value, not a section holding '{segments[i]}'"
                    : $"unknown key '{known}'{Suggestion(node, segments[..i], segments[i])}"));
                return;
            }
            node = child;
        }
        if (node.Kind is ConfigurationNodeKind.Opaque)
        {
            return;
        }
        if (node.Kind is not ConfigurationNodeKind.Value)
        {
            // An empty object or array in JSON reads as a value of "": nothing set.
            if (!string.IsNullOrEmpty(value))
            {
                problems.Add(new(key, source, $"'{key}' is a section, not a single value"));
            }
            return;
        }
        if (kind == ValueKind.Null)
        {
            return;
        }
        if (Expected(node.Type, kind, value) is { } expected)
        {
            problems.Add(new(key, source, $"'{key}' must be {expected}; got {Shown(kind, value)}"));
        }
    }

    /// <summary>Null when the value converts to the type as the binder would convert it, otherwise what was expected.</summary>
    private static string? Expected(Type type, ValueKind kind, string? value)
    {
        if (type == typeof(string))
        {
            // The JSON provider turns 5 and true into "5" and "True": a string setting given one was a mistake.
            return kind is ValueKind.Number or ValueKind.Boolean ? "a string (in quotes)" : null;
        }
        if (type == typeof(Uri))
        {
            return kind == ValueKind.Text && Uri.TryCreate(value, UriKind.Absolute, out _) ? null : "an absolute URL";
        }
        if (type == typeof(bool))
        {
            return bool.TryParse(value, out _) ? null : "true or false";
        }
        if (type == typeof(TimeSpan))
        {
            return kind == ValueKind.Text && TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _) ? null : "a duration such as \"00:00:10\" (hh:mm:ss) or \"30.00:00:00\" (days)";
        }
        if (type.IsEnum)
        {
            return kind == ValueKind.Text && Enum.TryParse(type, value, ignoreCase: true, out _) ? null : $"one of {string.Join(", ", Enum.GetNames(type))}";
        }
        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value ?? "");
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException || e.InnerException is FormatException or OverflowException)
        {
            return type == typeof(int) || type == typeof(long) ? "a whole number" : $"a {type.Name}";
        }
    }

    private static IEnumerable<JsonElement> EnumerateArrayOrObject(this JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray() : element.EnumerateObject().Select(p => p.Value);

    private static string Shown(ValueKind kind, string? value) => kind switch
    {
        ValueKind.Number => $"the number {value}",
        ValueKind.Boolean => $"the boolean {value}",
        _ => $"'{value}'",
    };

    /// <summary>A nudge towards the key meant, when one is a small typo away.</summary>
    private static string Suggestion(ConfigurationNode node, string[] parent, string segment)
    {
        var best = node.Children
            .Select(c => (c.Key, Distance: Distance(c.Key.ToUpperInvariant(), segment.ToUpperInvariant())))
            .Where(c => c.Distance <= Math.Max(1, segment.Length / 4))
            .OrderBy(c => c.Distance)
            .Select(c => c.Key)
            .FirstOrDefault();
        return best is null ? "" : $" (did you mean '{string.Join(ConfigurationPath.KeyDelimiter, [.. parent, best])}'?)";
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            previous = current;
        }
        return previous[b.Length];
    }
}
