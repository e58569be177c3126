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

/// <summary>
/// An entity type as its schema declares it: attributes, tags, the types its entities may be
/// members of (<c>entity User in [Group]</c>) and, for an enumerated type, its only ids.
/// </summary>
public sealed record EntityTypeDeclaration(
    EntityType Type,
    RecordSchemaType? Attributes,
    SchemaType? Tags,
    IReadOnlyList<EntityType> MemberOfTypes,
    IReadOnlyList<string>? EnumIds);

/// <summary>An action as its schema declares it: its groups, its context and the principal and resource types it applies to.</summary>
public sealed record ActionDeclaration(
    EntityUid Uid,
    IReadOnlyList<EntityUid> Parents,
    SchemaType? Context,
    IReadOnlyList<EntityType> PrincipalTypes,
    IReadOnlyList<EntityType> ResourceTypes);
