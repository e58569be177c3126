using Custos.Cedar.Entities;
using Custos.Cedar.Evaluation;
using Custos.Cedar.Schema;

namespace Custos.Cedar;

/// <summary>An authorization request: who (principal) wants to do what (action) to what (resource), in what context.</summary>
public sealed class Request
{
    public Request(EntityUid principal, EntityUid action, EntityUid resource, RecordValue? context = null)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(resource);
        Principal = principal;
        Action = action;
        Resource = resource;
        Context = context ?? RecordValue.Empty;
    }

    public EntityUid Principal { get; }

    public EntityUid Action { get; }

    public EntityUid Resource { get; }

    public RecordValue Context { get; }

    /// <summary>
    /// Reads <c>{"principal": uid, "action": uid, "resource": uid, "context": {…}}</c>, each uid
    /// being <c>{"type": "…", "id": "…"}</c>; <c>context</c> may be left out.
    /// </summary>
    public static Request FromJson(string json, CedarSchema? schema = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        System.Text.Json.JsonDocument document;
        try
        {
            document = System.Text.Json.JsonDocument.Parse(json);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new CedarJsonException($"request: invalid JSON: {e.Message}", e);
        }
        using (document)
        {
            return FromJson(document.RootElement, schema);
        }
    }

    public static Request FromJson(System.Text.Json.JsonElement element, CedarSchema? schema = null)
    {
        if (element.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            throw new CedarJsonException("request: expected an object with principal, action, resource and context");
        }
        EntityUid Uid(string name) => element.TryGetProperty(name, out var value)
            ? EntityJson.ReadEntityUid(value, $"request.{name}")
            : throw new CedarJsonException($"request: missing `{name}`");
        var action = Uid("action");
        var context = element.TryGetProperty("context", out var contextElement) && contextElement.ValueKind != System.Text.Json.JsonValueKind.Null
            ? EntityJson.ReadContext(contextElement, schema, action)
            : RecordValue.Empty;
        return new Request(Uid("principal"), action, Uid("resource"), context);
    }

    public override string ToString() => $"principal: {Principal}, action: {Action}, resource: {Resource}, context: {Context}";
}
