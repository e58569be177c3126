using System.Text.Json;
using System.Text.Json.Nodes;

namespace Custos.Access.Scim;

/// <summary>Reading attribute values as identity providers send them, with errors that name the attribute.</summary>
internal static class ScimValues
{
    public static JsonObject Object() => new(ScimSchemas.NodeOptions);

    public static string String(JsonNode? node, string attribute)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Trim() is { Length: > 0 } text)
        {
            return text;
        }
        throw ScimException.InvalidValue($"{attribute} must be a non-empty string");
    }

    public static string? OptionalString(JsonNode? node, string attribute) =>
        node is null || node.GetValueKind() == JsonValueKind.Null ? null : String(node, attribute);

    /// <summary>
    /// true or false; also the strings "True" and "False", which Microsoft Entra ID sends for
    /// <c>active</c> in PATCH operations.
    /// </summary>
    public static bool Boolean(JsonNode? node, string attribute)
    {
        switch (node?.GetValueKind())
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.String when bool.TryParse(node.GetValue<string>().Trim(), out var parsed):
                return parsed;
            default:
                throw ScimException.InvalidValue($"{attribute} must be true or false");
        }
    }

    /// <summary>A reference to another resource: its id as a string, or a complex value whose <c>value</c> is the id.</summary>
    public static string? Reference(JsonNode? node, string attribute) => node switch
    {
        null => null,
        JsonObject complex => OptionalString(complex["value"], attribute + ".value"),
        _ when node.GetValueKind() == JsonValueKind.Null => null,
        _ => String(node, attribute),
    };

    /// <summary>
    /// The <c>value</c>s of a multi-valued attribute (roles, members): an array of complex values
    /// or of strings, or one such value on its own.
    /// </summary>
    public static List<string> Values(JsonNode? node, string attribute)
    {
        if (node is null || node.GetValueKind() == JsonValueKind.Null)
        {
            return [];
        }
        var items = node is JsonArray array ? array.ToList() : [node];
        var values = new List<string>();
        for (var i = 0; i < items.Count; i++)
        {
            var value = items[i] is JsonObject complex
                ? String(complex["value"], $"{attribute}[{i}].value")
                : String(items[i], $"{attribute}[{i}]");
            if (!values.Contains(value, StringComparer.Ordinal))
            {
                values.Add(value);
            }
        }
        return values;
    }

    /// <summary>An object attribute (an extension's attributes); null when absent.</summary>
    public static JsonObject? OptionalObject(JsonNode? node, string attribute) => node switch
    {
        null => null,
        JsonObject obj => obj,
        _ when node.GetValueKind() == JsonValueKind.Null => null,
        _ => throw ScimException.InvalidValue($"{attribute} must be an object"),
    };

    /// <summary>
    /// A request body's <c>schemas</c>, when it has one, must name <paramref name="schema"/>
    /// (identity providers always send it; a client that leaves it out is let through).
    /// </summary>
    public static void RequireSchema(JsonObject body, string schema)
    {
        if (body["schemas"] is not { } schemas)
        {
            return;
        }
        if (schemas is not JsonArray array || !array.Any(s => s?.GetValueKind() == JsonValueKind.String && string.Equals(s.GetValue<string>(), schema, StringComparison.OrdinalIgnoreCase)))
        {
            throw ScimException.InvalidSyntax($"schemas must include {schema}");
        }
    }

    /// <summary>The operations of a PATCH body (RFC 7644 section 3.5.2), their op in lower case.</summary>
    public static List<(string Op, string? Path, JsonNode? Value)> Operations(JsonObject body)
    {
        RequireSchema(body, ScimSchemas.PatchOp);
        if (body["Operations"] is not JsonArray { Count: > 0 } operations)
        {
            throw ScimException.InvalidSyntax("a PATCH body has Operations: an array of at least one operation");
        }
        var result = new List<(string, string?, JsonNode?)>();
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject operation)
            {
                throw ScimException.InvalidSyntax($"Operations[{i}] must be an object");
            }
            // Entra ID writes "Replace", "Add", "Remove".
            var op = String(operation["op"], $"Operations[{i}].op").ToLowerInvariant();
            if (op is not ("add" or "remove" or "replace"))
            {
                throw ScimException.InvalidSyntax($"Operations[{i}].op must be add, remove or replace, not '{op}'");
            }
            var path = OptionalString(operation["path"], $"Operations[{i}].path");
            operation.TryGetPropertyValue("value", out var value);
            if (op != "remove" && value is null)
            {
                throw ScimException.InvalidValue($"Operations[{i}]: {op} needs a value");
            }
            result.Add((op, path, value));
        }
        return result;
    }

    /// <summary>
    /// Applies a PATCH operation without a path: its value is an object of attributes, each
    /// applied as if it were the path — including extension objects keyed by their schema URN
    /// and attributes keyed by their full URN path, as Entra ID sends them.
    /// </summary>
    public static void Unfold(string op, JsonNode? value, IReadOnlyList<string> extensions, Action<PatchPath, JsonNode?> apply)
    {
        if (op == "remove")
        {
            throw ScimException.NoTarget("remove needs a path");
        }
        if (value is not JsonObject attributes)
        {
            throw ScimException.InvalidValue($"an {op} without a path has an object of attributes as its value");
        }
        foreach (var (name, attributeValue) in attributes)
        {
            var extension = extensions.FirstOrDefault(e => string.Equals(e, name, StringComparison.OrdinalIgnoreCase));
            if (extension is not null)
            {
                foreach (var (inner, innerValue) in OptionalObject(attributeValue, name) ?? Object())
                {
                    apply(new PatchPath(new AttrPath(extension, inner, null), null, null), innerValue);
                }
            }
            else
            {
                apply(PatchPath.Parse(name), attributeValue);
            }
        }
    }
}
