using Custos.Cedar.Entities;

namespace Custos.Cedar.Evaluation;

/// <summary>
/// What one evaluation sees: the request's four variables, the entities of the request's
/// principal, action and resource (looked up once, since scope checks and <c>in</c> need them on
/// nearly every policy), and the entity store.
/// </summary>
internal sealed class EvaluationContext
{
    public EvaluationContext(EntityUid principal, EntityUid action, EntityUid resource, Value context, EntityStore entities)
    {
        Principal = principal;
        Action = action;
        Resource = resource;
        Context = context;
        Entities = entities;
        PrincipalEntity = entities.Find(principal);
        ActionEntity = entities.Find(action);
        ResourceEntity = entities.Find(resource);
    }

    /// <summary>For folding constants: evaluation that reads no variable and no entity.</summary>
    public static EvaluationContext Constant { get; } = new(
        new EntityUid("__cedar::Constant", ""), new EntityUid("__cedar::Constant", ""), new EntityUid("__cedar::Constant", ""),
        Value.FromRecord(RecordValue.Empty), EntityStore.Empty);

    public EntityUid Principal { get; }

    public EntityUid Action { get; }

    public EntityUid Resource { get; }

    public Value Context { get; }

    public EntityStore Entities { get; }

    public Entity? PrincipalEntity { get; }

    public Entity? ActionEntity { get; }

    public Entity? ResourceEntity { get; }

    /// <summary>The stored entity of a uid; the request's own three are already at hand.</summary>
    public Entity? Find(EntityUid uid)
    {
        if (ReferenceEquals(uid, Principal))
        {
            return PrincipalEntity;
        }
        if (ReferenceEquals(uid, Resource))
        {
            return ResourceEntity;
        }
        if (ReferenceEquals(uid, Action))
        {
            return ActionEntity;
        }
        return Entities.Find(uid);
    }

    /// <summary>Cedar's <c>in</c> between two uids: equal, or an ancestor in the store's hierarchy.</summary>
    public bool IsIn(EntityUid descendant, EntityUid ancestor) =>
        descendant.Equals(ancestor) || (Find(descendant) is { } entity && entity.HasAncestor(ancestor));
}
