using Custos.Access.Decisions;
using Custos.Access.Projections;
using Custos.Access.Workflow;
using Custos.Formats;

namespace Custos.Access.Provisioning;

/// <summary>
/// Changes to who works here, as an identity provider sends them (SCIM): each change is a
/// function from the active world to the next one. The next world is checked with
/// <see cref="WorldValidator"/> (a refused change changes nothing), then made active through
/// <see cref="AccessLoader"/> — stored by its hash and ledgered as an activation (invariant 7) —
/// and the people it deactivates or removes are deprovisioned (their grants cut, every later
/// decision for them denied) while the people it makes active again are reprovisioned.
/// </summary>
/// <remarks>
/// Changes are serialized on this node: each one reads the world the previous one left, so two
/// concurrent changes never lose each other. (Across nodes the identity provider should talk to
/// one node; see docs/scim.md.)
/// </remarks>
public sealed class StaffProvisioning(AccessStateHolder state, AccessLoader loader, WorkflowService workflow) : IDisposable
{
    private readonly SemaphoreSlim _changing = new(1, 1);

    public void Dispose() => _changing.Dispose();

    /// <summary>What a change asks for: the next world, and what the caller wants back.</summary>
    /// <param name="World">The next world.</param>
    /// <param name="Result">What the caller wants back.</param>
    /// <param name="Touched">The staff the change is about (the User of a PUT or PATCH): if the
    /// next world has them active, provisioning's deactivations of them are lifted even if the
    /// world already had them active (a deactivation whose world change failed half-way).</param>
    public sealed record Change<T>(World World, T Result, IReadOnlyCollection<string>? Touched = null);

    /// <summary>What a change did.</summary>
    public sealed record Outcome<T>(
        T Result,
        World World,
        string WorldSha256,
        bool Activated,
        IReadOnlyList<Revocation> Deprovisioned,
        IReadOnlyList<Revocation> Lifted);

    /// <summary>
    /// Applies <paramref name="change"/> to the active world. <paramref name="change"/> may throw
    /// to refuse (nothing is changed); a next world that does not hold together is refused with
    /// <see cref="WorldRejectedException"/>.
    /// </summary>
    /// <param name="provisioner">Who asks (a service identity such as <c>service:idp</c>): the activation and any revocation are by them.</param>
    /// <param name="source">What the change was, for the ledger's activation entry (<c>scim PATCH /Users/staff:wei</c>).</param>
    /// <param name="change">Makes the next world from the active one; throws to refuse.</param>
    /// <param name="cancellation">Cancels the change before it is ledgered.</param>
    public async Task<Outcome<T>> ChangeAsync<T>(string provisioner, string source, Func<World, Change<T>> change, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        await _changing.WaitAsync(cancellation);
        try
        {
            var before = state.Current;
            var (next, result, touched) = change(before.Directory.World);
            var problems = WorldValidator.Validate(next);
            if (problems.Count > 0)
            {
                throw new WorldRejectedException(problems);
            }

            var content = Serialize(next);
            // Compared as this class writes worlds, not by the active document's bytes: the world
            // file it started from is formatted by hand, and a change that changes nothing must
            // ledger nothing.
            var changed = !content.AsSpan().SequenceEqual(Serialize(before.Directory.World));
            var reason = $"deprovisioned by {provisioner}: {source}";

            // Cut first: should the world then fail to change, the people stay cut (fail closed).
            var deprovisioned = new List<Revocation>();
            var nextStaff = next.Staff.ToDictionary(s => s.Id, StringComparer.Ordinal);
            foreach (var member in before.Directory.World.Staff)
            {
                var leaving = !nextStaff.TryGetValue(member.Id, out var after) || !after.Active;
                if (member.Active && leaving && workflow.Deprovisioned(member.Id).Count == 0)
                {
                    deprovisioned.Add(await workflow.DeprovisionAsync(provisioner, member.Id, reason, cancellation));
                }
            }

            var sha256 = before.WorldSha256;
            if (changed)
            {
                var activated = await loader.ActivateAsync(new WorldDocument(content, source), policies: null, provisioner, cancellation);
                sha256 = activated.WorldSha256;
            }

            // Then lift, once the world says they are active, for the people this change makes
            // active (or is about): should lifting fail, they stay cut. A change about someone
            // else lifts nothing, even for a person whose deactivation reached the ledger but not
            // the world: the identity provider retries that deactivation.
            var lifted = new List<Revocation>();
            var wasActive = before.Directory.World.Staff.Where(s => s.Active).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var member in next.Staff.Where(s => s.Active && (!wasActive.Contains(s.Id) || touched?.Contains(s.Id) == true)))
            {
                if (workflow.Deprovisioned(member.Id).Count > 0)
                {
                    lifted.AddRange(await workflow.ReprovisionAsync(provisioner, member.Id, $"reprovisioned by {provisioner}: {source}", cancellation));
                }
            }
            AccessTelemetry.ScimChanges.Add(1, new KeyValuePair<string, object?>("result", changed ? "activated" : "unchanged"));
            return new Outcome<T>(result, next, sha256, changed, deprovisioned, lifted);
        }
        finally
        {
            _changing.Release();
        }
    }

    /// <summary>The world as provisioning writes it (world.json, indented).</summary>
    public static byte[] Serialize(World world)
    {
        using var buffer = new MemoryStream();
        WorldFile.Write(world, buffer);
        return buffer.ToArray();
    }
}

/// <summary>The world a change would make does not hold together; nothing was changed.</summary>
public sealed class WorldRejectedException : Exception
{
    public WorldRejectedException(IReadOnlyList<string> problems)
        : base(problems is { Count: > 0 } ? problems[0] + (problems.Count > 1 ? $" (and {problems.Count - 1} more)" : "") : "the world does not hold together")
    {
        Problems = problems ?? [];
    }

    public WorldRejectedException() : this([])
    {
    }

    public WorldRejectedException(string message) : this([message])
    {
    }

    public WorldRejectedException(string message, Exception innerException) : base(message, innerException)
    {
        Problems = [message];
    }

    public IReadOnlyList<string> Problems { get; }
}
