using Custos.Access.Domain;
using Custos.Access.Policies;
using Custos.Cedar.Entities;
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
        WorldSha256 = worldSha256;
        Policies = policies;
    }

    public AccessDirectory Directory { get; }

    public EntityStore Entities { get; }

    public string WorldSha256 { get; }

    public AccessPolicies Policies { get; }

    public AccessState WithPolicies(AccessPolicies policies) => new(Directory.World, WorldSha256, policies);
}

/// <summary>Holds the current <see cref="AccessState"/>; readers never lock.</summary>
public sealed class AccessStateHolder
{
    private AccessState? _current;

    /// <summary>The current state; throws until the first world and policies are loaded.</summary>
    public AccessState Current => Volatile.Read(ref _current) ?? throw new AccessNotReadyException("no world and policy set are loaded yet");

    public bool IsLoaded => Volatile.Read(ref _current) is not null;

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
