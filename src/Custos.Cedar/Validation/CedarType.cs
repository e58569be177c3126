using Custos.Cedar.Schema;

namespace Custos.Cedar.Validation;

/// <summary>
/// The types the validator gives to expressions: Cedar's schema types plus the singleton
/// booleans <c>true</c> and <c>false</c> (so that <c>false &amp;&amp; e</c> need not check
/// <c>e</c>), the element-less set (any set, only as an expectation), any entity (only as an
/// expectation and for unlinked slots) and the bottom type. In strict mode an entity type is
/// always one named type: two different entity types have no common type.
/// </summary>
internal abstract record CedarType
{
    public static CedarType Never { get; } = new NeverType();

    public static BoolType Bool { get; } = new(BoolKind.Any);

    public static BoolType True { get; } = new(BoolKind.True);

    public static BoolType False { get; } = new(BoolKind.False);

    public static BoolType Singleton(bool value) => value ? True : False;

    public static CedarType Long { get; } = new LongType();

    public static CedarType String { get; } = new StringType();

    public static CedarType AnySet { get; } = new SetType(null);

    public static CedarType AnyEntity { get; } = new AnyEntityType();

    /// <summary>Any record: open, no attribute known.</summary>
    public static CedarType AnyRecord { get; } = new RecordType(new Dictionary<string, AttributeType>(StringComparer.Ordinal), Open: true);

    public bool IsTrue => this is BoolType { Kind: BoolKind.True };

    public bool IsFalse => this is BoolType { Kind: BoolKind.False };

    /// <summary>The validator type of a schema type.</summary>
    public static CedarType FromSchema(SchemaType type) => type switch
    {
        PrimitiveSchemaType { Name: "Long" } => Long,
        PrimitiveSchemaType { Name: "String" } => String,
        PrimitiveSchemaType => Bool,
        EntitySchemaType entity => new EntityRefType(entity.EntityType),
        ExtensionSchemaType extension => new ExtensionType(extension.Name),
        SetSchemaType set => new SetType(FromSchema(set.Element)),
        RecordSchemaType record => FromSchema(record),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static RecordType FromSchema(RecordSchemaType record) => new(
        record.Attributes.ToDictionary(a => a.Key, a => new AttributeType(FromSchema(a.Value.Type), a.Value.Required), StringComparer.Ordinal),
        Open: false);

    /// <summary>
    /// Whether <paramref name="sub"/> is a subtype of <paramref name="super"/>. Strict mode
    /// allows no width subtyping of records and no entity type below "any entity"; the permissive
    /// relation is used only to check that an operand is some entity, some record or some set.
    /// </summary>
    public static bool IsSubtype(CedarType sub, CedarType super, bool strict)
    {
        switch (sub, super)
        {
            case (NeverType, _):
                return true;
            case (BoolType a, BoolType b):
                return b.Kind == BoolKind.Any || a.Kind == b.Kind;
            case (LongType, LongType) or (StringType, StringType) or (AnyEntityType, AnyEntityType):
                return true;
            case (SetType a, SetType b):
                return b.Element is null || (a.Element is not null && IsSubtype(a.Element, b.Element, strict));
            case (RecordType a, RecordType b):
                return (!a.Open || b.Open) && ((b.Open && !strict && AttributesAreSubtype(a, b, strict)) || (SameKeys(a, b) && AttributesAreSubtype(a, b, strict)));
            case (EntityRefType a, EntityRefType b):
                return a.EntityType == b.EntityType;
            case (ActionEntityType a, ActionEntityType b):
                return a.EntityType == b.EntityType;
            case (EntityRefType or ActionEntityType, AnyEntityType):
                return !strict;
            case (ExtensionType a, ExtensionType b):
                return a.Name == b.Name;
            default:
                return false;
        }
    }

    private static bool SameKeys(RecordType a, RecordType b) =>
        a.Attributes.Count == b.Attributes.Count && a.Attributes.Keys.All(b.Attributes.ContainsKey);

    private static bool AttributesAreSubtype(RecordType a, RecordType b, bool strict) =>
        b.Attributes.All(attribute => a.Attributes.TryGetValue(attribute.Key, out var mine)
            && (strict ? mine.Required == attribute.Value.Required : mine.Required || !attribute.Value.Required)
            && IsSubtype(mine.Type, attribute.Value.Type, strict));

    /// <summary>The least type both are subtypes of, in strict mode; null when there is none.</summary>
    public static CedarType? LeastUpperBound(CedarType a, CedarType b)
    {
        if (IsSubtype(a, b, strict: true))
        {
            return b;
        }
        if (IsSubtype(b, a, strict: true))
        {
            return a;
        }
        switch (a, b)
        {
            case (BoolType, BoolType):
                return Bool;
            case (SetType { Element: null }, SetType) or (SetType, SetType { Element: null }):
                return AnySet;
            case (SetType x, SetType y):
                return LeastUpperBound(x.Element!, y.Element!) is { } element ? new SetType(element) : null;
            case (RecordType x, RecordType y):
                if (!SameKeys(x, y))
                {
                    return null;
                }
                var attributes = new Dictionary<string, AttributeType>(StringComparer.Ordinal);
                foreach (var (name, mine) in x.Attributes)
                {
                    var theirs = y.Attributes[name];
                    if (mine.Required != theirs.Required || LeastUpperBound(mine.Type, theirs.Type) is not { } type)
                    {
                        return null;
                    }
                    attributes[name] = new AttributeType(type, mine.Required);
                }
                return new RecordType(attributes, x.Open || y.Open);
            default:
                return null;
        }
    }

    /// <summary>Whether no value has both types: only decided for entities of different types.</summary>
    public static bool AreDisjoint(CedarType a, CedarType b) =>
        a.EntityTypeName is { } x && b.EntityTypeName is { } y && x != y;

    /// <summary>The entity type of an entity or action type.</summary>
    public EntityType? EntityTypeName => this switch
    {
        EntityRefType entity => entity.EntityType,
        ActionEntityType action => action.EntityType,
        _ => null,
    };
}

internal enum BoolKind
{
    Any,
    True,
    False,
}

internal sealed record NeverType : CedarType
{
    public override string ToString() => "nothing";
}

internal sealed record BoolType(BoolKind Kind) : CedarType
{
    public override string ToString() => "Bool";
}

internal sealed record LongType : CedarType
{
    public override string ToString() => "Long";
}

internal sealed record StringType : CedarType
{
    public override string ToString() => "String";
}

/// <summary>A set; <see cref="Element"/> is null for "any set".</summary>
internal sealed record SetType(CedarType? Element) : CedarType
{
    public override string ToString() => Element is null ? "a set" : $"Set<{Element}>";
}

internal sealed record AttributeType(CedarType Type, bool Required);

/// <summary>A record; an open record may have attributes besides those listed.</summary>
internal sealed record RecordType(IReadOnlyDictionary<string, AttributeType> Attributes, bool Open) : CedarType
{
    public override string ToString() => Open && Attributes.Count == 0
        ? "a record"
        : "{" + string.Join(", ", Attributes.Select(a => $"{a.Key}{(a.Value.Required ? "" : "?")}: {a.Value.Type}")) + "}";
}

internal sealed record EntityRefType(EntityType EntityType) : CedarType
{
    public override string ToString() => EntityType.Name;
}

/// <summary>An action; actions are entities of their own type (<c>Action</c>, <c>NS::Action</c>).</summary>
internal sealed record ActionEntityType(EntityType EntityType) : CedarType
{
    public override string ToString() => EntityType.Name;
}

internal sealed record AnyEntityType : CedarType
{
    public override string ToString() => "an entity";
}

internal sealed record ExtensionType(string Name) : CedarType
{
    public override string ToString() => Name;
}
