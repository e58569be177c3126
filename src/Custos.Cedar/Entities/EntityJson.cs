using System.Text;
using System.Text.Json;
using Custos.Cedar.Evaluation;
using Custos.Cedar.Extensions;
using Custos.Cedar.Schema;

namespace Custos.Cedar.Entities;

/// <summary>
/// Cedar's JSON formats (https://docs.cedarpolicy.com/auth/entities-syntax.html): entities,
/// context records, entity references and values.
/// <list type="bullet">
/// <item>An entity reference is <c>{"type": "T", "id": "x"}</c> or <c>{"__entity": {…}}</c>; as an
/// attribute value it needs the <c>__entity</c> escape unless a schema says the attribute is an
/// entity.</item>
/// <item>An extension value is <c>{"__extn": {"fn": "ip", "arg": "10.0.0.1"}}</c> (or
/// <c>"args": [...]</c>); with a schema saying the type, <c>{"fn": …, "arg": …}</c> or the bare
/// argument (<c>"10.0.0.1"</c>) will do.</item>
/// <item>Numbers must be integers that fit in 64 bits; they are read from the JSON text exactly,
/// never through a double. A fraction, an exponent or an out-of-range number is an error.</item>
/// <item>A record with the same key twice, and <c>null</c>, are errors.</item>
/// </list>
/// </summary>
public static class EntityJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    public static EntityStore ParseEntities(string json, CedarSchema? schema = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = Parse(json, "entities");
        return new EntityStore(ReadEntities(document.RootElement, schema));
    }

    public static IReadOnlyList<Entity> ReadEntities(JsonElement root, CedarSchema? schema = null)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new CedarJsonException("entities: expected a JSON array of entities");
        }
        var entities = new List<Entity>();
        var seen = new HashSet<EntityUid>();
        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            var path = $"entities[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new CedarJsonException($"{path}: expected an object with `uid`, `attrs` and `parents`");
            }
            if (!item.TryGetProperty("uid", out var uidElement))
            {
                throw new CedarJsonException($"{path}: missing `uid`");
            }
            var uid = ReadEntityUid(uidElement, path + ".uid");
            path = $"entity {uid}";
            var attributes = RecordValue.Empty;
            if (item.TryGetProperty("attrs", out var attrs) && attrs.ValueKind != JsonValueKind.Null)
            {
                attributes = ReadRecord(attrs, schema?.EntityAttributes(uid.Type), path + ".attrs");
            }
            var parents = new List<EntityUid>();
            if (item.TryGetProperty("parents", out var parentsElement) && parentsElement.ValueKind != JsonValueKind.Null)
            {
                if (parentsElement.ValueKind != JsonValueKind.Array)
                {
                    throw new CedarJsonException($"{path}.parents: expected an array of entity references");
                }
                var i = 0;
                foreach (var parent in parentsElement.EnumerateArray())
                {
                    parents.Add(ReadEntityUid(parent, $"{path}.parents[{i++}]"));
                }
            }
            var tags = RecordValue.Empty;
            if (item.TryGetProperty("tags", out var tagsElement) && tagsElement.ValueKind != JsonValueKind.Null)
            {
                if (tagsElement.ValueKind != JsonValueKind.Object)
                {
                    throw new CedarJsonException($"{path}.tags: expected an object");
                }
                var tagType = schema?.EntityTags(uid.Type);
                var pairs = new List<KeyValuePair<string, Value>>();
                foreach (var property in tagsElement.EnumerateObject())
                {
                    pairs.Add(new(property.Name, ReadValue(property.Value, tagType, $"{path}.tags.{property.Name}")));
                }
                tags = MakeRecord(pairs, path + ".tags");
            }
            if (!seen.Add(uid))
            {
                throw new CedarJsonException($"{path}: the entity is given more than once");
            }
            entities.Add(new Entity(uid, attributes, parents, tags));
        }
        // Actions the schema declares but the data leaves out exist all the same, with the
        // groups the schema puts them in (as Cedar's schema-based entity parsing adds them).
        if (schema is not null)
        {
            foreach (var (action, groups) in schema.Actions)
            {
                if (seen.Add(action))
                {
                    entities.Add(new Entity(action, parents: groups));
                }
            }
        }
        return entities;
    }

    /// <summary>Reads a context: a JSON object, typed by the action's context in the schema if one is given.</summary>
    public static RecordValue ParseContext(string json, CedarSchema? schema = null, EntityUid? action = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = Parse(json, "context");
        return ReadContext(document.RootElement, schema, action);
    }

    public static RecordValue ReadContext(JsonElement element, CedarSchema? schema = null, EntityUid? action = null)
    {
        var type = schema is not null && action is not null ? schema.ActionContext(action) as RecordSchemaType : null;
        return ReadRecord(element, type, "context");
    }

    public static EntityUid ParseEntityUid(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = Parse(json, "entity reference");
        return ReadEntityUid(document.RootElement, "entity reference");
    }

    /// <summary><c>{"type": "T", "id": "x"}</c>, optionally wrapped in <c>{"__entity": …}</c>.</summary>
    public static EntityUid ReadEntityUid(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("__entity", out var inner))
        {
            element = inner;
        }
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
            || !element.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
        {
            throw new CedarJsonException($"{path}: expected an entity reference {{\"type\": \"…\", \"id\": \"…\"}}");
        }
        var typeName = type.GetString()!;
        try
        {
            _ = Syntax.Parser.ParseName(typeName);
        }
        catch (Syntax.CedarParseException)
        {
            throw new CedarJsonException($"{path}: `{typeName}` is not a valid entity type name");
        }
        return new EntityUid(typeName, id.GetString()!);
    }

    public static Value ParseValue(string json, SchemaType? type = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = Parse(json, "value");
        return ReadValue(document.RootElement, type, "value");
    }

    /// <summary>Reads a Cedar value; <paramref name="type"/>, from a schema, allows the implicit forms.</summary>
    public static Value ReadValue(JsonElement element, SchemaType? type, string path)
    {
        switch (type)
        {
            case EntitySchemaType when element.ValueKind == JsonValueKind.Object:
                return Value.FromEntity(ReadEntityUid(element, path));
            case ExtensionSchemaType extension when element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("__extn", out _):
                if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("fn", out _))
                {
                    return ReadExtensionCall(element, path);
                }
                var constructor = ExtensionFunctions.ConstructorOfType(extension.Name)
                    ?? throw new CedarJsonException($"{path}: unknown extension type `{extension.Name}`");
                return Check(constructor.Invoke([ReadValue(element, null, path)]), path);
            case SetSchemaType set when element.ValueKind == JsonValueKind.Array:
                return ReadSet(element, set.Element, path);
            case RecordSchemaType record when element.ValueKind == JsonValueKind.Object && !IsEscape(element):
                return Value.FromRecord(ReadRecord(element, record, path));
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                return Value.True;
            case JsonValueKind.False:
                return Value.False;
            case JsonValueKind.String:
                return Value.FromString(element.GetString()!);
            case JsonValueKind.Number:
                // TryGetInt64 reads the literal's digits; it fails for fractions, exponents and overflow.
                return element.TryGetInt64(out var number)
                    ? Value.FromLong(number)
                    : throw new CedarJsonException($"{path}: {element.GetRawText()} is not an integer between -2^63 and 2^63-1");
            case JsonValueKind.Array:
                return ReadSet(element, null, path);
            case JsonValueKind.Object:
                if (element.TryGetProperty("__entity", out _))
                {
                    return Value.FromEntity(ReadEntityUid(element, path));
                }
                if (element.TryGetProperty("__extn", out var extn))
                {
                    return ReadExtensionCall(extn, path);
                }
                if (element.TryGetProperty("__expr", out _))
                {
                    throw new CedarJsonException($"{path}: the `__expr` escape is no longer supported by Cedar");
                }
                return Value.FromRecord(ReadRecord(element, null, path));
            default:
                throw new CedarJsonException($"{path}: {element.ValueKind.ToString().ToLowerInvariant()} is not a Cedar value");
        }
    }

    private static bool IsEscape(JsonElement element) =>
        element.TryGetProperty("__entity", out _) || element.TryGetProperty("__extn", out _) || element.TryGetProperty("__expr", out _);

    private static Value ReadSet(JsonElement element, SchemaType? elementType, string path)
    {
        var values = new List<Value>();
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            values.Add(ReadValue(item, elementType, $"{path}[{i++}]"));
        }
        return Value.FromSet(SetValue.Create(values));
    }

    private static RecordValue ReadRecord(JsonElement element, RecordSchemaType? type, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new CedarJsonException($"{path}: expected an object");
        }
        var pairs = new List<KeyValuePair<string, Value>>();
        foreach (var property in element.EnumerateObject())
        {
            var attributeType = type is not null && type.Attributes.TryGetValue(property.Name, out var attribute) ? attribute.Type : null;
            pairs.Add(new(property.Name, ReadValue(property.Value, attributeType, $"{path}.{property.Name}")));
        }
        return MakeRecord(pairs, path);
    }

    private static RecordValue MakeRecord(List<KeyValuePair<string, Value>> pairs, string path)
    {
        try
        {
            return RecordValue.Create(pairs);
        }
        catch (DuplicateKeyException e)
        {
            throw new CedarJsonException($"{path}: the key `{e.Key}` is given more than once");
        }
    }

    /// <summary><c>{"fn": "ip", "arg": "…"}</c> or <c>{"fn": "offset", "args": [...]}</c>: a call, made now.</summary>
    private static Value ReadExtensionCall(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("fn", out var fn) || fn.ValueKind != JsonValueKind.String)
        {
            throw new CedarJsonException($"{path}: expected an extension call {{\"fn\": \"…\", \"arg\": …}}");
        }
        var name = fn.GetString()!;
        if (!ExtensionFunctions.TryGet(name, out var function))
        {
            throw new CedarJsonException($"{path}: `{name}` is not an extension function");
        }
        var arguments = new List<Value>();
        if (element.TryGetProperty("arg", out var arg))
        {
            arguments.Add(ReadValue(arg, null, path + ".arg"));
        }
        else if (element.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in args.EnumerateArray())
            {
                arguments.Add(ReadValue(item, null, $"{path}.args[{i++}]"));
            }
        }
        else
        {
            throw new CedarJsonException($"{path}: an extension call needs `arg` or `args`");
        }
        return Check(function.Invoke(arguments.ToArray()), path);
    }

    private static Value Check(Value value, string path) =>
        value.IsError ? throw new CedarJsonException($"{path}: {value.Error.Message}") : value;

    private static JsonDocument Parse(string json, string what)
    {
        try
        {
            return JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new CedarJsonException($"{what}: invalid JSON: {e.Message}", e);
        }
    }

    /// <summary>Writes a value in Cedar's JSON form (with the <c>__entity</c> and <c>__extn</c> escapes).</summary>
    public static void WriteValue(Utf8JsonWriter writer, Value value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value.Kind)
        {
            case ValueKind.Bool:
                writer.WriteBooleanValue(value.AsBool);
                break;
            case ValueKind.Long:
                writer.WriteNumberValue(value.AsLong);
                break;
            case ValueKind.String:
                writer.WriteStringValue(value.AsString);
                break;
            case ValueKind.Entity:
                writer.WriteStartObject();
                writer.WritePropertyName("__entity");
                WriteEntityUid(writer, value.AsEntity);
                writer.WriteEndObject();
                break;
            case ValueKind.Set:
                writer.WriteStartArray();
                foreach (var element in value.AsSet.Elements)
                {
                    WriteValue(writer, element);
                }
                writer.WriteEndArray();
                break;
            case ValueKind.Record:
                var record = value.AsRecord;
                writer.WriteStartObject();
                for (var i = 0; i < record.Count; i++)
                {
                    writer.WritePropertyName(record.KeyAt(i));
                    WriteValue(writer, record.ValueAt(i));
                }
                writer.WriteEndObject();
                break;
            case ValueKind.Datetime when !DatetimeExtension.TryFormatIso(value.AsFixed, out _):
                // Outside years 0000-9999 a datetime is the epoch offset by a duration.
                writer.WriteStartObject();
                writer.WriteStartObject("__extn");
                writer.WriteString("fn", "offset");
                writer.WriteStartArray("args");
                WriteValue(writer, Value.FromDatetime(0));
                WriteValue(writer, Value.FromDuration(value.AsFixed));
                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            default:
                // Other extension values: the constructor call that rebuilds them.
                var (function, argument) = value.Kind switch
                {
                    ValueKind.Decimal => ("decimal", DecimalExtension.Format(value.AsFixed)),
                    ValueKind.IpAddr => ("ip", value.AsIpAddress.ToString()),
                    ValueKind.Datetime => ("datetime", DatetimeExtension.TryFormatIso(value.AsFixed, out var iso) ? iso : ""),
                    ValueKind.Duration => ("duration", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{value.AsFixed}ms")),
                    _ => throw new ArgumentException("an evaluation error is not a value", nameof(value)),
                };
                writer.WriteStartObject();
                writer.WriteStartObject("__extn");
                writer.WriteString("fn", function);
                writer.WriteString("arg", argument);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
        }
    }

    public static void WriteEntityUid(Utf8JsonWriter writer, EntityUid uid)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(uid);
        writer.WriteStartObject();
        writer.WriteString("type", uid.Type.Name);
        writer.WriteString("id", uid.Id);
        writer.WriteEndObject();
    }

    public static string ToJson(Value value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteValue(writer, value);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

/// <summary>JSON that is not valid Cedar entity, context or value JSON; the message names where.</summary>
public sealed class CedarJsonException : FormatException
{
    public CedarJsonException(string message)
        : base(message)
    {
    }

    public CedarJsonException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
