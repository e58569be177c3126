using System.Reflection;
using Custos.Oversight;
using Custos.Server.Authentication;

namespace Custos.Server.Configuration;

/// <summary>
/// Every configuration key the server reads, derived from its options classes so that the check
/// (<see cref="StrictConfiguration"/>) and the reference (<c>docs/configuration.md</c>) cannot
/// fall out of step with the code. A new options class is registered here, once.
/// </summary>
public static class ConfigurationSchema
{
    /// <summary>The options classes and the section each is bound from (empty: the root).</summary>
    public static IReadOnlyList<(string Section, Type Options)> Sections { get; } =
    [
        ("", typeof(ServerOptions)),
        (AuthOptions.Section, typeof(AuthOptions)),
        (LedgerOptions.Section, typeof(LedgerOptions)),
        (WitnessingOptions.Section, typeof(WitnessingOptions)),
        (Scim.ScimOptions.Section, typeof(Scim.ScimOptions)),
        (LiveDetectionOptions.Section, typeof(LiveDetectionOptions)),
        (Telemetry.TelemetryOptions.Section, typeof(Telemetry.TelemetryOptions)),
        (RequestLimitOptions.Section, typeof(RequestLimitOptions)),
    ];

    /// <summary>Sections that belong to .NET itself (logging, Kestrel's endpoints and certificates), whose keys it checks.</summary>
    public static IReadOnlyList<string> FrameworkSections { get; } = ["Logging", "Kestrel"];

    /// <summary>
    /// <c>CUSTOS_</c> variables that are not server settings but land in its configuration all the
    /// same: the host's environment name, the CLI's token, the tests' PostgreSQL.
    /// </summary>
    public static IReadOnlyList<string> OtherVariables { get; } = ["ENVIRONMENT", "TOKEN", "TEST_POSTGRES"];

    private static readonly Lazy<ConfigurationNode> RootNode = new(BuildRoot);

    /// <summary>The tree of known keys: the root is an object whose children are the sections.</summary>
    public static ConfigurationNode Root => RootNode.Value;

    private static ConfigurationNode BuildRoot()
    {
        var children = new Dictionary<string, ConfigurationNode>(StringComparer.OrdinalIgnoreCase);
        foreach (var (section, options) in Sections)
        {
            var node = ConfigurationNode.For(options, Activator.CreateInstance(options));
            if (section.Length == 0)
            {
                foreach (var (name, child) in node.Children)
                {
                    children[name] = child;
                }
            }
            else
            {
                children[section] = node;
            }
        }
        foreach (var section in FrameworkSections)
        {
            children[section] = new ConfigurationNode(ConfigurationNodeKind.Opaque, typeof(object), null, null, null, null);
        }
        foreach (var variable in OtherVariables)
        {
            children[variable] = new ConfigurationNode(ConfigurationNodeKind.Opaque, typeof(string), null, null, null, null);
        }
        return new ConfigurationNode(ConfigurationNodeKind.Section, typeof(object), null, null, children, null);
    }
}

public enum ConfigurationNodeKind
{
    /// <summary>One value: a string, number, boolean, duration, URL or enumeration.</summary>
    Value,

    /// <summary>Named children, one per property of an options class.</summary>
    Section,

    /// <summary>Children numbered 0, 1, … of one element type.</summary>
    List,

    /// <summary>Children of any name, of one element type.</summary>
    Map,

    /// <summary>Anything goes: read by code that checks its own keys.</summary>
    Opaque,
}

/// <summary>One key of the schema: its kind, its .NET type, its default and its description.</summary>
public sealed record ConfigurationNode(
    ConfigurationNodeKind Kind,
    Type Type,
    object? Default,
    PropertyInfo? Property,
    IReadOnlyDictionary<string, ConfigurationNode>? Properties,
    ConfigurationNode? Element)
{
    public IEnumerable<KeyValuePair<string, ConfigurationNode>> Children =>
        Properties ?? (IEnumerable<KeyValuePair<string, ConfigurationNode>>)[];

    /// <summary>The child a configuration path segment names, or null when there is none.</summary>
    public ConfigurationNode? Child(string segment) => Kind switch
    {
        ConfigurationNodeKind.Section => Properties!.GetValueOrDefault(segment),
        ConfigurationNodeKind.List => int.TryParse(segment, out var i) && i >= 0 ? Element : null,
        ConfigurationNodeKind.Map => Element,
        ConfigurationNodeKind.Opaque => this,
        _ => null,
    };

    internal static ConfigurationNode For(Type type, object? instance, PropertyInfo? property = null)
    {
        var scalar = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(scalar))
        {
            return new(ConfigurationNodeKind.Value, scalar, instance, property, null, null);
        }
        if (ElementOf(type, typeof(IDictionary<,>)) is { } mapElement)
        {
            return new(ConfigurationNodeKind.Map, type, null, property, null, For(mapElement, null));
        }
        if (ElementOf(type, typeof(ICollection<>)) is { } listElement)
        {
            return new(ConfigurationNodeKind.List, type, null, property, null, For(listElement, CreateOrNull(listElement)));
        }

        // An object: its public properties that configuration can set — settable ones, and
        // get-only ones holding a mutable collection or an object to fill in.
        var children = new Dictionary<string, ConfigurationNode>(StringComparer.OrdinalIgnoreCase);
        instance ??= CreateOrNull(type);
        foreach (var member in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (member.GetIndexParameters().Length > 0 || member.GetMethod is not { IsPublic: true })
            {
                continue;
            }
            var settable = member.SetMethod is { IsPublic: true };
            var mutable = !IsScalar(Nullable.GetUnderlyingType(member.PropertyType) ?? member.PropertyType)
                && (ElementOf(member.PropertyType, typeof(ICollection<>)) is not null || ElementOf(member.PropertyType, typeof(IDictionary<,>)) is not null || member.PropertyType.IsClass)
                && !IsReadOnlyCollection(member.PropertyType);
            if (!settable && !mutable)
            {
                continue;
            }
            children[member.Name] = For(member.PropertyType, instance is null ? null : member.GetValue(instance), member);
        }
        return new(ConfigurationNodeKind.Section, type, null, property, children, null);
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid);

    private static bool IsReadOnlyCollection(Type type) =>
        type.IsInterface && type.IsGenericType && type.Name.StartsWith("IReadOnly", StringComparison.Ordinal);

    private static Type? ElementOf(Type type, Type generic)
    {
        if (type == typeof(string))
        {
            return null;
        }
        var match = type.IsGenericType && type.GetGenericTypeDefinition() == generic
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic);
        return match?.GetGenericArguments()[^1];
    }

    private static object? CreateOrNull(Type type) =>
        type.IsClass && !type.IsAbstract && type.GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance(type) : null;
}
