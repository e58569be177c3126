using Custos.Cedar.Schema;

namespace Custos.Cedar.Validation;

/// <summary>One kind of request a schema allows: an action with one of its principal and resource types.</summary>
internal sealed record RequestEnvironment(EntityType Principal, EntityUid Action, EntityType Resource, RecordType Context)
{
    /// <summary>For a template, the entity type its <c>?principal</c> slot is linked to in this environment.</summary>
    public EntityType? PrincipalSlot { get; init; }

    public EntityType? ResourceSlot { get; init; }
}

/// <summary>
/// A schema prepared for validation: the hierarchies closed transitively (which entity types may
/// be <c>in</c> which, which actions are in which groups) and every request environment.
/// </summary>
internal sealed class SchemaIndex
{
    private static readonly RecordType EmptyRecord = new(new Dictionary<string, AttributeType>(StringComparer.Ordinal), Open: false);

    private readonly Dictionary<EntityType, HashSet<EntityType>> _descendantTypes = [];
    private readonly Dictionary<EntityUid, HashSet<EntityUid>> _descendantActions = [];
    private readonly Dictionary<EntityType, RecordType> _attributes = [];
    private readonly Dictionary<EntityType, CedarType> _tags = [];

    public SchemaIndex(CedarSchema schema)
    {
        Schema = schema;
        foreach (var declaration in schema.EntityTypes.Values)
        {
            _attributes[declaration.Type] = declaration.Attributes is null ? EmptyRecord : CedarType.FromSchema(declaration.Attributes);
            if (declaration.Tags is not null)
            {
                _tags[declaration.Type] = CedarType.FromSchema(declaration.Tags);
            }
            foreach (var ancestor in Ancestors(declaration.Type, t => schema.EntityTypes.TryGetValue(t, out var d) ? d.MemberOfTypes : []))
            {
                Descendants(_descendantTypes, ancestor).Add(declaration.Type);
            }
        }
        var environments = new List<RequestEnvironment>();
        foreach (var action in schema.ActionDeclarations.Values)
        {
            foreach (var ancestor in Ancestors(action.Uid, a => schema.ActionDeclarations.TryGetValue(a, out var d) ? d.Parents : []))
            {
                Descendants(_descendantActions, ancestor).Add(action.Uid);
            }
            var context = action.Context is null ? EmptyRecord : CedarType.FromSchema(action.Context) as RecordType ?? EmptyRecord;
            foreach (var principal in action.PrincipalTypes)
            {
                foreach (var resource in action.ResourceTypes)
                {
                    environments.Add(new RequestEnvironment(principal, action.Uid, resource, context));
                }
            }
        }
        Environments = environments;
    }

    public CedarSchema Schema { get; }

    public IReadOnlyList<RequestEnvironment> Environments { get; }

    public bool IsDeclaredEntityType(EntityType type) => Schema.EntityTypes.ContainsKey(type);

    /// <summary>Cedar counts every <c>Action</c> type as known; whether a particular action exists is checked separately.</summary>
    public bool IsKnownEntityType(EntityType type) => type.IsAction || IsDeclaredEntityType(type);

    public bool IsDeclaredAction(EntityUid uid) => Schema.ActionDeclarations.ContainsKey(uid);

    public RecordType? Attributes(EntityType type) => _attributes.GetValueOrDefault(type);

    public CedarType? Tags(EntityType type) => _tags.GetValueOrDefault(type);

    public IEnumerable<CedarType> AllTags => _tags.Values;

    /// <summary>The entity types whose entities may be <c>in</c> an entity of <paramref name="type"/>: itself and its descendants.</summary>
    public IEnumerable<EntityType> TypesIn(EntityType type) =>
        _descendantTypes.TryGetValue(type, out var descendants) ? descendants.Append(type) : [type];

    /// <summary>The actions in any of the groups, the groups included; null when one of them is not declared.</summary>
    public HashSet<EntityUid>? ActionsIn(IEnumerable<EntityUid> groups)
    {
        var actions = new HashSet<EntityUid>();
        foreach (var group in groups)
        {
            if (!IsDeclaredAction(group))
            {
                return null;
            }
            actions.Add(group);
            if (_descendantActions.TryGetValue(group, out var descendants))
            {
                actions.UnionWith(descendants);
            }
        }
        return actions;
    }

    /// <summary>Whether an action of some group of type <paramref name="groupType"/> has a member of type <paramref name="memberType"/>.</summary>
    public bool ActionTypeMayBeIn(EntityType memberType, EntityType groupType) =>
        memberType == groupType
        || _descendantActions.Any(group => group.Key.Type == groupType && group.Value.Any(member => member.Type == memberType));

    private static HashSet<T> Descendants<T>(Dictionary<T, HashSet<T>> table, T key)
        where T : notnull
    {
        if (!table.TryGetValue(key, out var set))
        {
            set = [];
            table[key] = set;
        }
        return set;
    }

    /// <summary>Every ancestor reachable through the parent relation (cycles tolerated).</summary>
    private static HashSet<T> Ancestors<T>(T start, Func<T, IEnumerable<T>> parents)
        where T : notnull
    {
        var seen = new HashSet<T>();
        var pending = new Stack<T>(parents(start));
        while (pending.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                foreach (var parent in parents(next))
                {
                    pending.Push(parent);
                }
            }
        }
        return seen;
    }
}
