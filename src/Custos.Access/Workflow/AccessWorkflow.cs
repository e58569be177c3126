using System.Collections.Immutable;
using Custos.Access.Decisions;
using Custos.Formats;

namespace Custos.Access.Workflow;

/// <summary>
/// The state of the access workflow — requests, approvals, grants, break-glass records,
/// revocations — as the fold of its ledger entries. Every change goes through <see cref="Apply"/>,
/// whether the entry was appended here a moment ago, replayed from the store at start-up or
/// appended by another node; applying an entry twice changes nothing. Readers see an immutable
/// snapshot and never wait.
/// </summary>
public sealed class AccessWorkflow(AccessStateHolder world) : IReaderStanding
{
    private readonly Lock _writing = new();
    private WorkflowSnapshot _current = WorkflowSnapshot.Empty;

    public WorkflowSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Folds one workflow entry in.</summary>
    /// <param name="index">The entry's ledger index.</param>
    /// <param name="entry">The entry as ledgered.</param>
    /// <param name="text">Resolves a SHA-256 to the text it stands for (null once erased).</param>
    public void Apply(long index, WorkflowEntries.Entry entry, Func<string, string?> text)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(text);
        lock (_writing)
        {
            var next = Fold(_current, index, entry, text);
            Volatile.Write(ref _current, next);
        }
    }

    public IReadOnlyList<GrantedRead> LiveGrants(string reader, DateTimeOffset now)
    {
        var snapshot = Current;
        if (!snapshot.GrantsByReader.TryGetValue(reader, out var ids))
        {
            return [];
        }
        var reads = new List<GrantedRead>();
        foreach (var id in ids)
        {
            var grant = snapshot.Grants[id];
            if (!grant.IsLive(now))
            {
                continue;
            }
            foreach (var subject in grant.Subjects)
            {
                foreach (var category in grant.Categories)
                {
                    reads.Add(new GrantedRead(subject, category, grant.Purpose, grant.Case));
                }
            }
        }
        return reads;
    }

    public RevocationNotice? Revoked(StaffMember reader) =>
        RevocationsOf(reader) is [var first, ..] ? new RevocationNotice(first.Id, first.Reason) : null;

    /// <summary>Every standing revocation that takes in this staff member, as the world stands now.</summary>
    public IReadOnlyList<Revocation> RevocationsOf(StaffMember staff)
    {
        ArgumentNullException.ThrowIfNull(staff);
        return [.. Current.StandingRevocations.Where(r => Covers(r.Scope, staff))];
    }

    /// <summary>
    /// The people a revocation takes in: those it named when it was made, and those its scope
    /// takes in now (a department revocation covers people who joined the department later).
    /// </summary>
    public IReadOnlySet<string> PeopleOf(Revocation revocation)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        var people = new HashSet<string>(revocation.People, StringComparer.Ordinal);
        if (world.IsLoaded)
        {
            people.UnionWith(world.Current.Directory.World.Staff.Where(s => Covers(revocation.Scope, s)).Select(s => s.Id));
        }
        return people;
    }

    /// <summary>Whether a revocation's scope takes in this staff member, as the world stands now.</summary>
    public bool Covers(RevocationScope scope, StaffMember staff)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(staff);
        return scope.Kind switch
        {
            RevocationScope.StaffKind => staff.Id == scope.Value,
            RevocationScope.RoleKind => staff.Roles.Contains(scope.Value),
            RevocationScope.DepartmentKind => world.IsLoaded
                ? world.Current.Directory.DepartmentChain(staff.Department).Any(d => d.Id == scope.Value)
                : staff.Department == scope.Value,
            _ => false,
        };
    }

    /// <summary>A justification as compared for reuse: its words, lower case, one space apart, per requester.</summary>
    public static string JustificationKey(string requester, string justification) =>
        requester + "|" + string.Join(' ', justification.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    private static WorkflowSnapshot Fold(WorkflowSnapshot s, long index, WorkflowEntries.Entry entry, Func<string, string?> text)
    {
        string Text(string sha256) => text(sha256) ?? "[erased]";
        switch (entry)
        {
            case WorkflowEntries.RequestEntry e:
            {
                if (s.Requests.ContainsKey(e.Id))
                {
                    return s;
                }
                var justification = Text(e.JustificationSha256);
                var request = new AccessRequest(e.Id, e.Requester, e.Subjects, e.Categories, e.Purpose, e.Case,
                    justification, TimeSpan.FromSeconds(e.DurationSeconds), e.Time, index);
                return s with
                {
                    Requests = s.Requests.SetItem(e.Id, request),
                    Justifications = s.Justifications.Add(JustificationKey(e.Requester, justification)),
                };
            }
            case WorkflowEntries.ApprovalEntry e:
            {
                if (!s.Requests.TryGetValue(e.Request, out var request) || request.Approvals.Any(a => a.Approver == e.Approver))
                {
                    return s;
                }
                return s with
                {
                    Requests = s.Requests.SetItem(e.Request, request with { Approvals = [.. request.Approvals, new Approval(e.Approver, e.Time, Text(e.CommentSha256), index)] }),
                    ApprovalsGiven = s.ApprovalsGiven.Add(new GivenApproval(e.Approver, e.Requester, e.Time)),
                };
            }
            case WorkflowEntries.RequestDeniedEntry e:
            {
                return s.Requests.TryGetValue(e.Request, out var request) && request.Status == RequestStatus.Pending
                    ? s with { Requests = s.Requests.SetItem(e.Request, request with { Status = RequestStatus.Denied, Closed = new Closure(e.By, e.Time, Text(e.CommentSha256), index) }) }
                    : s;
            }
            case WorkflowEntries.GrantEntry e:
            {
                if (s.Grants.ContainsKey(e.Id))
                {
                    return s;
                }
                var grant = new Grant(e.Id, e.Request, e.Reader, e.Subjects, e.Categories, e.Purpose, e.Case, e.Time, e.ExpiresAt, e.BreakGlass, index);
                var next = s with
                {
                    Grants = s.Grants.SetItem(e.Id, grant),
                    GrantsByReader = s.GrantsByReader.SetItem(e.Reader, s.GrantsByReader.GetValueOrDefault(e.Reader, []).Add(e.Id)),
                };
                if (e.Request is { } requestId && next.Requests.TryGetValue(requestId, out var request))
                {
                    next = next with { Requests = next.Requests.SetItem(requestId, request with { Status = RequestStatus.Granted, GrantId = e.Id }) };
                }
                if (e.BreakGlass)
                {
                    next = next with { BreakGlass = next.BreakGlass.SetItem(e.Id, new BreakGlass(e.Id, e.Reader, e.JustificationSha256 is { } sha ? Text(sha) : "", e.Time, index)) };
                }
                return next;
            }
            case WorkflowEntries.GrantRevokedEntry e:
            {
                return s.Grants.TryGetValue(e.Grant, out var grant) && grant.Revoked is null
                    ? s with { Grants = s.Grants.SetItem(e.Grant, grant with { Revoked = new Closure(e.By, e.Time, Text(e.ReasonSha256), index) }) }
                    : s;
            }
            case WorkflowEntries.GrantExpiredEntry e:
            {
                return s.Grants.TryGetValue(e.Grant, out var grant) && grant.ExpiryRecordedAt is null
                    ? s with { Grants = s.Grants.SetItem(e.Grant, grant with { ExpiryRecordedAt = e.Time }) }
                    : s;
            }
            case WorkflowEntries.BreakGlassReviewEntry e:
            {
                return s.BreakGlass.TryGetValue(e.Grant, out var record) && record.Review is null
                    ? s with { BreakGlass = s.BreakGlass.SetItem(e.Grant, record with { Review = new Review(e.By, e.Time, e.Outcome, Text(e.NoteSha256), index) }) }
                    : s;
            }
            case WorkflowEntries.RevocationEntry e:
            {
                if (s.Revocations.ContainsKey(e.Id))
                {
                    return s;
                }
                var revocation = new Revocation(e.Id, e.Scope, Text(e.ReasonSha256), e.By, e.Time, e.Deactivation, e.People, e.GrantsCut, e.RequestsCancelled, index);
                var closure = new Closure(e.By, e.Time, $"revoked by {e.Id}: {revocation.Reason}", index);
                var grants = s.Grants;
                foreach (var id in e.GrantsCut)
                {
                    if (grants.TryGetValue(id, out var grant) && grant.Revoked is null)
                    {
                        grants = grants.SetItem(id, grant with { Revoked = closure });
                    }
                }
                var requests = s.Requests;
                foreach (var id in e.RequestsCancelled)
                {
                    if (requests.TryGetValue(id, out var request) && request.Status == RequestStatus.Pending)
                    {
                        requests = requests.SetItem(id, request with { Status = RequestStatus.Cancelled, Closed = closure });
                    }
                }
                return s with { Revocations = s.Revocations.SetItem(e.Id, revocation), Grants = grants, Requests = requests };
            }
            case WorkflowEntries.RevocationLiftedEntry e:
            {
                return s.Revocations.TryGetValue(e.Revocation, out var revocation) && revocation.Lifted is null
                    ? s with { Revocations = s.Revocations.SetItem(e.Revocation, revocation with { Lifted = new Closure(e.By, e.Time, Text(e.ReasonSha256), index) }) }
                    : s;
            }
            default:
                // approval-refused: ledgered for the record (and for detection); changes no state.
                return s;
        }
    }
}

/// <summary>One immutable state of the workflow.</summary>
public sealed record WorkflowSnapshot
{
    public static WorkflowSnapshot Empty { get; } = new();

    public ImmutableDictionary<string, AccessRequest> Requests { get; init; } = ImmutableDictionary.Create<string, AccessRequest>(StringComparer.Ordinal);

    public ImmutableDictionary<string, Grant> Grants { get; init; } = ImmutableDictionary.Create<string, Grant>(StringComparer.Ordinal);

    public ImmutableDictionary<string, ImmutableList<string>> GrantsByReader { get; init; } = ImmutableDictionary.Create<string, ImmutableList<string>>(StringComparer.Ordinal);

    public ImmutableDictionary<string, BreakGlass> BreakGlass { get; init; } = ImmutableDictionary.Create<string, BreakGlass>(StringComparer.Ordinal);

    public ImmutableDictionary<string, Revocation> Revocations { get; init; } = ImmutableDictionary.Create<string, Revocation>(StringComparer.Ordinal);

    /// <summary>Every counted approval: who approved whose request, when (for the approval-ring rule).</summary>
    public ImmutableList<GivenApproval> ApprovalsGiven { get; init; } = [];

    /// <summary><see cref="AccessWorkflow.JustificationKey"/> of every request, so that a reader cannot reuse a reason.</summary>
    public ImmutableHashSet<string> Justifications { get; init; } = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    public IEnumerable<Revocation> StandingRevocations => Revocations.Values.Where(r => r.Lifted is null);
}

public sealed record GivenApproval(string Approver, string Requester, DateTimeOffset At);
