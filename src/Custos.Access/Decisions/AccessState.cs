using System.Collections.Frozen;
using Custos.Access.Domain;
using Custos.Access.Policies;
using Custos.Cedar;
using Custos.Cedar.Entities;
using Custos.Cedar.Syntax;
using Custos.Formats;

namespace Custos.Access.Decisions;

/// <summary>
/// Everything a decision reads, as one immutable snapshot: the world (indexed and as Cedar
/// entities), the policies, and the hashes the ledger records. A change builds a new snapshot
/// and swaps it in whole; a decision in flight keeps the one it started with.
/// </summary>
public sealed class AccessState
{
    public AccessState(World world, string worldSha256, AccessPolicies policies)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(policies);
        Directory = new AccessDirectory(world);
        Entities = CedarMapping.Entities(Directory);
        _uids = Entities.Entities
            .GroupBy(e => e.Uid.Type)
            .ToFrozenDictionary(g => g.Key, g => g.ToFrozenDictionary(e => e.Uid.Id, e => e.Uid, StringComparer.Ordinal));
        WorldSha256 = worldSha256;
        Policies = policies;
    }

    /// <summary>The same world (its directory and entities shared, not rebuilt) under other policies.</summary>
    private AccessState(AccessState world, AccessPolicies policies)
    {
        Directory = world.Directory;
        Entities = world.Entities;
        _uids = world._uids;
        WorldSha256 = world.WorldSha256;
        Policies = policies;
    }

    private readonly FrozenDictionary<EntityType, FrozenDictionary<string, EntityUid>> _uids;

    public AccessDirectory Directory { get; }

    public EntityStore Entities { get; }

    public string WorldSha256 { get; }

    public AccessPolicies Policies { get; }

    /// <summary>
    /// The uid of an entity of this world, the very one its entity holds, so that a decision
    /// names its principal, resource, purpose, case and categories without allocating them;
    /// a new uid for an id the world does not hold.
    /// </summary>
    public EntityUid Uid(EntityType type, string id) =>
        _uids.TryGetValue(type, out var ofType) && ofType.TryGetValue(id, out var uid) ? uid : new EntityUid(type, id);

    public AccessState WithPolicies(AccessPolicies policies) => new(this, policies);

    /// <summary>
    /// Cedar's answer over this world and these policies, made stricter in one way: a forbid that
    /// fails to evaluate counts as applying. Cedar skips an erroring policy; skipping a forbid
    /// would let a broken rule grant what it was written to stop, so Custos fails closed
    /// (invariant 2). Every decision, approval and grant rule is judged here.
    /// </summary>
    public Judgement Authorize(Request request)
    {
        var response = Authorizer.IsAuthorized(request, Policies.Set, Entities);
        if (response.Errors.Count > 0)
        {
            var failedForbids = response.Errors
                .Where(e => Policies.Find(e.PolicyId)?.Effect == Effect.Forbid)
                .ToList();
            if (failedForbids.Count > 0)
            {
                return new Judgement(false,
                    [.. response.Reasons.Where(id => Policies.Find(id)?.Effect == Effect.Forbid), .. failedForbids.Select(e => e.PolicyId)],
                    [.. failedForbids.Select(e => $"policy {e.PolicyId} could not be evaluated, so it applies: {e.Error.Message}")]);
            }
        }
        return new Judgement(response.IsAllowed, response.Reasons, Policies.ReasonsOf(response.Reasons));
    }
}

/// <summary>A judged request: allowed or not, the policies that determined it, and their reasons (none for a default deny).</summary>
public sealed record Judgement(bool Allowed, IReadOnlyList<string> Policies, IReadOnlyList<string> Reasons);

/// <summary>Holds the current <see cref="AccessState"/>; readers never lock.</summary>
public sealed class AccessStateHolder
{
    private AccessState? _current;
    private string? _notCurrent;

    /// <summary>
    /// The current state; throws until the first world and policies are loaded, and while this
    /// node cannot confirm that it holds every change other nodes made (invariant 5: deciding on
    /// a state that may miss a revocation would be failing open).
    /// </summary>
    public AccessState Current => Volatile.Read(ref _notCurrent) is { } reason
        ? throw new AccessNotReadyException(reason)
        : Volatile.Read(ref _current) ?? throw new AccessNotReadyException("no world and policy set are loaded yet");

    /// <summary>Whether <see cref="Current"/> answers: a state is loaded and known to be current.</summary>
    public bool IsLoaded => Volatile.Read(ref _notCurrent) is null && Volatile.Read(ref _current) is not null;

    /// <summary>Why this node may be missing other nodes' changes; null while it is known to be current.</summary>
    public string? NotCurrent => Volatile.Read(ref _notCurrent);

    /// <summary>Refuses every use of the state, saying why, until <see cref="Confirm"/>.</summary>
    public void Suspend(string reason) => Volatile.Write(ref _notCurrent, reason);

    /// <summary>This node holds every change the shared ledger holds, as far as it was just read.</summary>
    public void Confirm() => Volatile.Write(ref _notCurrent, null);

    public void Set(AccessState state) => Volatile.Write(ref _current, state);
}

/// <summary>Custos cannot decide yet (nothing loaded) or any more (its ledger fails).</summary>
public sealed class AccessNotReadyException : Exception
{
    public AccessNotReadyException(string message) : base(message)
    {
    }

    public AccessNotReadyException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public AccessNotReadyException()
    {
    }
}
