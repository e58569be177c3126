using Custos.Cedar.Schema;

namespace Custos.Cedar.Entities;

/// <summary>
/// The entities an authorization can see, keyed by uid, with each entity's ancestors computed
/// once when the store is built. Immutable and safe to share between threads.
/// </summary>
public sealed class EntityStore
{
    private readonly Dictionary<EntityUid, Entity> _entities;

    /// <summary>Builds a store; the same uid twice is an error.</summary>
    public EntityStore(IEnumerable<Entity> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        var raw = new Dictionary<EntityUid, Entity>();
        foreach (var entity in entities)
        {
            if (!raw.TryAdd(entity.Uid, entity))
            {
                throw new ArgumentException($"the entity {entity.Uid} is given more than once", nameof(entities));
            }
        }
        _entities = CloseHierarchy(raw);
    }

    public static EntityStore Empty { get; } = new([]);

    public int Count => _entities.Count;

    public IEnumerable<Entity> Entities => _entities.Values;

    public Entity? Find(EntityUid uid) => _entities.GetValueOrDefault(uid);

    public bool Contains(EntityUid uid) => _entities.ContainsKey(uid);

    /// <summary>Reads Cedar's entity JSON; see <see cref="EntityJson"/>.</summary>
    public static EntityStore FromJson(string json, CedarSchema? schema = null) => EntityJson.ParseEntities(json, schema);

    /// <summary>
    /// Computes every entity's ancestors. Each entity walks its parents; a parent whose own
    /// closure is already known contributes it whole instead of being walked again. Cycles are
    /// tolerated (Cedar does not forbid them in data): the visited set stops the walk.
    /// </summary>
    private static Dictionary<EntityUid, Entity> CloseHierarchy(Dictionary<EntityUid, Entity> raw)
    {
        var closed = new Dictionary<EntityUid, Entity>(raw.Count);
        var stack = new Stack<EntityUid>();
        foreach (var entity in raw.Values)
        {
            var ancestors = new HashSet<EntityUid>();
            foreach (var parent in entity.Parents)
            {
                stack.Push(parent);
            }
            while (stack.Count > 0)
            {
                var next = stack.Pop();
                if (!ancestors.Add(next))
                {
                    continue;
                }
                if (closed.TryGetValue(next, out var done) && done.ClosedAncestors is { } known)
                {
                    ancestors.UnionWith(known);
                    continue;
                }
                if (raw.TryGetValue(next, out var parentEntity))
                {
                    foreach (var grandparent in parentEntity.Parents)
                    {
                        stack.Push(grandparent);
                    }
                }
            }
            closed[entity.Uid] = entity.WithAncestors(ancestors);
        }
        return closed;
    }
}
