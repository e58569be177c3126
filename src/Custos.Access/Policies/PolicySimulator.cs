using Custos.Access.Decisions;
using Custos.Access.Workflow;
using Custos.Cedar;
using Custos.Cedar.Evaluation;
using Custos.Cedar.Syntax;
using Custos.Formats;
using Custos.Ledger.Storage;

namespace Custos.Access.Policies;

/// <summary>
/// What-if against history: replays the ledgered decisions of a period under a proposed policy
/// set and reports which would have come out otherwise. Each decision is asked again exactly as
/// it was asked — the world it named (by hash), its time, where the reader was, the grants live
/// and the revocations standing at that point of the ledger — so a policy set that changes
/// nothing changes no decision.
/// </summary>
/// <remarks>
/// Most decisions cannot change: a proposal rewrites a few policies, and a decision changes only
/// if one of them applies to it, in its old form or its new (every other policy answers as it
/// did). So each decision is first put to the changed policies alone, old and new side by side;
/// only when one applies (or errors) is it decided in full under the proposed set. That keeps
/// replay at a few small authorizations per decision (docs/performance.md).
/// </remarks>
public sealed class PolicySimulator
{
    private const string OldPrefix = "old:";
    private const string NewPrefix = "new:";

    private readonly AccessPolicies _proposed;
    private readonly Func<string, CancellationToken, Task<byte[]?>> _documents;
    private readonly int _examples;
    private readonly Dictionary<string, AccessState?> _worlds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Changes?> _changes = new(StringComparer.Ordinal);

    /// <param name="proposed">The policy set to replay under.</param>
    /// <param name="documents">The stored document (a world, a policy set) of a SHA-256, or null when the store no longer holds it.</param>
    /// <param name="examples">How many examples each group of the report keeps.</param>
    public PolicySimulator(AccessPolicies proposed, Func<string, CancellationToken, Task<byte[]?>> documents, int examples = 3)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        ArgumentNullException.ThrowIfNull(documents);
        _proposed = proposed;
        _documents = documents;
        _examples = examples;
    }

    /// <summary>
    /// Replays the decisions of <paramref name="ledger"/> made at or after <paramref name="since"/>.
    /// The ledger is read from its start all the same: grants and revocations made before the
    /// period still govern decisions inside it.
    /// </summary>
    public async Task<SimulationReport> RunAsync(IAsyncEnumerable<LeafRecord> ledger, DateTimeOffset since, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var report = new SimulationReport.Builder(_proposed.Sha256, since, _examples);
        var world = new AccessStateHolder();
        var workflow = new AccessWorkflow(world);
        var pool = new StringPool();
        await foreach (var leaf in ledger.WithCancellation(cancellation))
        {
            if (LedgeredDecision.Read(leaf.Entry, pool) is not { } decision)
            {
                if (LedgerEntry.ParseKnown(leaf.Entry) is WorkflowEntries.Entry entry)
                {
                    // Texts (justifications, reasons) play no part in a decision: not resolved.
                    workflow.Apply(leaf.Index, entry, _ => null);
                }
                continue;
            }
            if (decision.Time < since)
            {
                continue;
            }
            if (await StateOfAsync(decision.World, cancellation) is not { } state)
            {
                report.NotReplayable();
                continue;
            }
            world.Set(state);
            var changes = await ChangesSinceAsync(decision.PolicySet, cancellation);
            report.Add(leaf.Index, decision, state.Directory, Replay(state, changes?.Probe, workflow, decision), changes?.Ids);
        }
        return report.Build();
    }

    /// <summary>
    /// The decision's categories as the proposed set decides them, or null when it decides every
    /// one as ledgered. A decision Custos refused before asking the policies (an unknown reader,
    /// subject or case) is refused alike under any set.
    /// </summary>
    private static CategoryDictionary<CategoryDecision>? Replay(AccessState state, PolicySet? changes, AccessWorkflow workflow, LedgeredDecision decision)
    {
        var directory = state.Directory;
        if (directory.Staff(decision.Reader) is not { } staff || directory.Subject(decision.Subject) is not { } subject
            || (decision.Case is not null && directory.Case(decision.Case) is null))
        {
            return null;
        }
        if (changes is { Policies.Count: 0 })
        {
            return null;
        }
        var request = new DecisionRequest(decision.Subject, decision.Categories.KeyList, decision.Purpose, decision.Case);
        var grants = workflow.LiveGrants(staff.Id, decision.Time);
        // Most histories hold no revocation: not asked, so as not to pay for the question on every decision.
        var revoked = !workflow.Current.Revocations.IsEmpty && workflow.Revoked(staff) is not null;
        if (changes is not null)
        {
            var (principal, resource, contexts) = DecisionPipeline.ReadRequests(state, staff, subject, request, decision.ReaderLocation, decision.Time, grants, revoked);
            if (!AnyApplies(changes, state, principal, resource, contexts))
            {
                return null;
            }
        }
        var replayed = DecisionPipeline.Evaluate(state, staff, subject, request, decision.ReaderLocation, decision.Time, grants, revoked);
        for (var i = 0; i < replayed.Count; i++)
        {
            if (DecisionPipeline.Name(replayed.ValueAt(i).Effect) != decision.Categories.ValueAt(i).Effect)
            {
                return replayed;
            }
        }
        return null;
    }

    /// <summary>Whether any changed policy, in its old form or its new, applies to (or fails on) any question of the decision.</summary>
    private static bool AnyApplies(PolicySet changes, AccessState state, EntityUid principal, EntityUid resource, RecordValue[] contexts)
    {
        foreach (var context in contexts)
        {
            foreach (var action in (ReadOnlySpan<EntityUid>)[CedarMapping.Read, CedarMapping.ReadRaw])
            {
                var response = Authorizer.IsAuthorized(new Request(principal, action, resource, context), changes, state.Entities);
                if (response.Reasons.Count > 0 || response.Errors.Count > 0)
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>The world of a hash under the proposed policies, built once; null when the store no longer holds it.</summary>
    private async Task<AccessState?> StateOfAsync(string worldSha256, CancellationToken cancellation)
    {
        if (!_worlds.TryGetValue(worldSha256, out var state))
        {
            state = await _documents(worldSha256, cancellation) is { } content
                ? new AccessState(WorldFile.Read(content, $"world {worldSha256[..Math.Min(12, worldSha256.Length)]}"), worldSha256, _proposed)
                : null;
            _worlds[worldSha256] = state;
        }
        return state;
    }

    /// <summary>
    /// The policies that differ between a ledgered set and the proposed one, both forms of each
    /// (<c>old:id</c>, <c>new:id</c>) in one probe set; null when the ledgered set is not in the
    /// store, so that every decision made under it is decided in full.
    /// </summary>
    private async Task<Changes?> ChangesSinceAsync(string policySetSha256, CancellationToken cancellation)
    {
        if (_changes.TryGetValue(policySetSha256, out var changes))
        {
            return changes;
        }
        AccessPolicies? before = null;
        if (await _documents(policySetSha256, cancellation) is { } document)
        {
            try
            {
                before = AccessPolicies.FromDocument(document);
            }
            catch (PolicyLoadException)
            {
                // Not a policy set this version reads: decide in full.
            }
        }
        if (before is not null)
        {
            var probe = new PolicySet();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var old in before.Set.Policies)
            {
                if (_proposed.Set.Find(old.Id) is not { } now || !now.Ast.Equals(old.Ast))
                {
                    probe.Add(OldPrefix + old.Id, old.Ast);
                    ids.Add(old.Id);
                }
            }
            foreach (var now in _proposed.Set.Policies)
            {
                if (before.Set.Find(now.Id) is not { } old || !old.Ast.Equals(now.Ast))
                {
                    probe.Add(NewPrefix + now.Id, now.Ast);
                    ids.Add(now.Id);
                }
            }
            changes = new Changes(probe, ids);
        }
        _changes[policySetSha256] = changes;
        return changes;
    }

    private sealed record Changes(PolicySet Probe, IReadOnlySet<string> Ids);
}
