using Custos.Access.Decisions;
using Custos.Access.Domain;
using Custos.Cedar;
using Custos.Cedar.Evaluation;
using Custos.Cedar.Schema;
using Custos.Formats;

namespace Custos.Access.Tests.Decisions;

/// <summary>
/// The published Cedar schema (samples/incident/custos.cedarschema) is the contract for policy
/// owners: every entity and attribute the decision pipeline gives the policies must be declared
/// there, with its type, and every required attribute must be given.
/// </summary>
public sealed class SchemaTests
{
    private static readonly CedarSchema Schema = CedarSchema.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "samples", "incident", "custos.cedarschema")));

    private static readonly AccessDirectory Incident = new(WorldFile.Read(RepositoryPaths.IncidentWorld));

    [Fact]
    public void Every_entity_of_the_mapping_matches_the_schema()
    {
        var entities = CedarMapping.Entities(Incident);
        var checkedTypes = new HashSet<string>();

        foreach (var entity in entities.Entities.Where(e => !e.Uid.Type.IsAction))
        {
            var declared = Schema.EntityAttributes(entity.Uid.Type);
            declared.ShouldNotBeNull($"{entity.Uid.Type} is not declared in the schema");
            Conforms(Value.FromRecord(entity.Attributes), declared, entity.Uid.ToString()).ShouldBeNull();
            checkedTypes.Add(entity.Uid.Type.Name);
        }

        checkedTypes.ShouldBe(["Department", "Staff", "Zone", "User", "Category", "Purpose", "Case"], ignoreOrder: true);
    }

    [Fact]
    public void The_schema_declares_the_actions_the_pipeline_and_the_workflow_ask_about()
    {
        foreach (var action in new[] { CedarMapping.Read, CedarMapping.ReadRaw, CedarMapping.Approve, CedarMapping.GrantAction })
        {
            Schema.ActionContext(action).ShouldNotBeNull(action.ToString());
        }
        Schema.Actions[CedarMapping.ReadRaw].ShouldContain(CedarMapping.Read, "read-raw is a kind of read");
    }

    [Fact]
    public void The_schema_types_the_context_of_a_read()
    {
        var context = Schema.ActionContext(CedarMapping.Read).ShouldBeOfType<RecordSchemaType>();

        context.Attributes.Keys.ShouldBe(["category", "purpose", "case", "location", "now", "grants", "revoked"], ignoreOrder: true);
        context.Attributes["case"].Required.ShouldBeFalse("a read may name no case");
    }

    /// <summary>Null when the value has the schema type, else what differs.</summary>
    private static string? Conforms(Value value, SchemaType type, string path) => type switch
    {
        PrimitiveSchemaType { Name: "Bool" or "Boolean" } => value.Kind == ValueKind.Bool ? null : $"{path}: not a Bool",
        PrimitiveSchemaType { Name: "Long" } => value.Kind == ValueKind.Long ? null : $"{path}: not a Long",
        PrimitiveSchemaType { Name: "String" } => value.Kind == ValueKind.String ? null : $"{path}: not a String",
        ExtensionSchemaType { Name: "datetime" } => value.Kind == ValueKind.Datetime ? null : $"{path}: not a datetime",
        EntitySchemaType entity => value.Kind == ValueKind.Entity && value.AsEntity.Type.Equals(entity.EntityType) ? null : $"{path}: not a {entity.EntityType}",
        SetSchemaType set => value.Kind != ValueKind.Set ? $"{path}: not a set"
            : value.AsSet.Elements.Select((e, i) => Conforms(e, set.Element, $"{path}[{i}]")).FirstOrDefault(p => p is not null),
        RecordSchemaType record => value.Kind != ValueKind.Record ? $"{path}: not a record" : Record(value.AsRecord, record, path),
        _ => $"{path}: the test does not know schema type {type}",
    };

    private static string? Record(RecordValue value, RecordSchemaType type, string path)
    {
        foreach (var key in value.Keys)
        {
            if (!type.Attributes.TryGetValue(key, out var attribute))
            {
                return $"{path}.{key}: not declared";
            }
            value.TryGetValue(key, out var item);
            if (Conforms(item, attribute.Type, $"{path}.{key}") is { } problem)
            {
                return problem;
            }
        }
        return type.Attributes.Where(a => a.Value.Required && !value.ContainsKey(a.Key)).Select(a => $"{path}.{a.Key}: required but missing").FirstOrDefault();
    }
}
