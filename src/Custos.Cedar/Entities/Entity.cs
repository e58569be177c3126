using Custos.Cedar.Evaluation;

namespace Custos.Cedar.Entities;

/// <summary>
/// An entity: its uid, attributes, direct parents and tags. Inside an <see cref="EntityStore"/>
/// it also knows all its ancestors (the transitive closure of parents), so <c>in</c> is one hash
/// lookup however deep the hierarchy.
/// </summary>
public sealed class Entity
{
    private readonly HashSet<EntityUid>? _ancestors;

    public Entity(EntityUid uid, RecordValue? attributes = null, IEnumerable<EntityUid>? parents = null, RecordValue? tags = null)
    {
        ArgumentNullException.ThrowIfNull(uid);
        Uid = uid;
        Attributes = attributes ?? RecordValue.Empty;
        Parents = parents is null ? [] : [.. parents.Distinct()];
        Tags = tags ?? RecordValue.Empty;
    }

    private Entity(Entity entity, HashSet<EntityUid> ancestors)
    {
        Uid = entity.Uid;
        Attributes = entity.Attributes;
        Parents = entity.Parents;
        Tags = entity.Tags;
        _ancestors = ancestors;
    }

    public EntityUid Uid { get; }

    public RecordValue Attributes { get; }

    /// <summary>The direct parents, as given.</summary>
    public IReadOnlyList<EntityUid> Parents { get; }

    public RecordValue Tags { get; }

    /// <summary>Every ancestor, direct or not; only known once the entity is in a store.</summary>
    public IReadOnlyCollection<EntityUid> Ancestors => (IReadOnlyCollection<EntityUid>?)_ancestors ?? Parents;

    /// <summary>Whether <paramref name="ancestor"/> is a parent, a parent's parent, and so on.</summary>
    public bool HasAncestor(EntityUid ancestor)
    {
        if (_ancestors is not null)
        {
            return _ancestors.Contains(ancestor);
        }
        foreach (var parent in Parents)
        {
            if (parent.Equals(ancestor))
            {
                return true;
            }
        }
        return false;
    }

    internal Entity WithAncestors(HashSet<EntityUid> ancestors) => new(this, ancestors);

    internal HashSet<EntityUid>? ClosedAncestors => _ancestors;

    public override string ToString() => Uid.ToString();
}
