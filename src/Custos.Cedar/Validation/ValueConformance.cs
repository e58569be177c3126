using Custos.Cedar.Evaluation;

namespace Custos.Cedar.Validation;

/// <summary>Whether a value (a request's context, an entity it names) is what the schema declares.</summary>
internal static class ValueConformance
{
    /// <summary>Why an entity of an enumerated type is not one of its ids; null when it is, or the type is not enumerated.</summary>
    public static string? EnumProblem(EntityUid uid, SchemaIndex schema)
    {
        if (schema.Schema.EntityTypes.TryGetValue(uid.Type, out var declaration) && declaration.EnumIds is { } ids && !ids.Contains(uid.Id))
        {
            return $"{uid} is not one of the entities the schema enumerates for `{uid.Type}` ({string.Join(", ", ids.Select(id => $"\"{id}\""))})";
        }
        return null;
    }

    /// <summary>Why <paramref name="value"/> does not have <paramref name="type"/>; null when it does.</summary>
    public static string? Check(Value value, CedarType type, SchemaIndex schema)
    {
        switch (type)
        {
            case BoolType when value.Kind == ValueKind.Bool:
            case LongType when value.Kind == ValueKind.Long:
            case StringType when value.Kind == ValueKind.String:
                return null;
            case ExtensionType extension when value.Kind == ExtensionKind(extension.Name):
                return null;
            case EntityRefType entity when value.Kind == ValueKind.Entity:
                return value.AsEntity.Type != entity.EntityType ? $"{value} is not an entity of type {entity.EntityType}"
                    : EnumProblem(value.AsEntity, schema);
            case SetType set when value.Kind == ValueKind.Set:
                return set.Element is null ? null : value.AsSet.Elements.Select(e => Check(e, set.Element, schema)).FirstOrDefault(p => p is not null);
            case RecordType record when value.Kind == ValueKind.Record:
                var fields = value.AsRecord;
                foreach (var key in fields.Keys)
                {
                    if (!record.Attributes.TryGetValue(key, out var attribute))
                    {
                        if (!record.Open)
                        {
                            return $"attribute `{key}` is not declared";
                        }
                    }
                    else if (fields.TryGetValue(key, out var field) && Check(field, attribute.Type, schema) is { } problem)
                    {
                        return $"attribute `{key}`: {problem}";
                    }
                }
                return record.Attributes.Where(a => a.Value.Required && !fields.ContainsKey(a.Key)).Select(a => $"required attribute `{a.Key}` is missing").FirstOrDefault();
            default:
                return $"{value} is not of type {type}";
        }
    }

    private static ValueKind ExtensionKind(string name) => name switch
    {
        "ipaddr" => ValueKind.IpAddr,
        "decimal" => ValueKind.Decimal,
        "datetime" => ValueKind.Datetime,
        _ => ValueKind.Duration,
    };
}
