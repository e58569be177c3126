namespace Custos.Cedar.Schema;

/// <summary>A type declared in a Cedar schema, resolved (common types replaced by what they name).</summary>
public abstract record SchemaType;

/// <summary><c>Long</c>, <c>String</c> or <c>Bool</c>.</summary>
public sealed record PrimitiveSchemaType(string Name) : SchemaType;

public sealed record EntitySchemaType(EntityType EntityType) : SchemaType;

/// <summary><c>ipaddr</c>, <c>decimal</c>, <c>datetime</c> or <c>duration</c>.</summary>
public sealed record ExtensionSchemaType(string Name) : SchemaType;

public sealed record SetSchemaType(SchemaType Element) : SchemaType;

public sealed record RecordSchemaType(IReadOnlyDictionary<string, AttributeSchema> Attributes) : SchemaType;

public sealed record AttributeSchema(SchemaType Type, bool Required);
