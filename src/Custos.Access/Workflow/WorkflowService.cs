using System.Text;
using System.Text.Json;
using Custos.Access.Decisions;
using Custos.Access.Domain;
using Custos.Access.Storage;
using Custos.Formats;

namespace Custos.Access.Workflow;

/// <summary>
/// The access workflow's actions: ask, approve, deny, break glass, revoke. Each checks its
/// input, decides with the Cedar policies where a rule is involved (who may approve, when
/// approvals grant), appends its entry to the ledger, and only then changes the state.
/// Actions are serialized on this node, so two approvals can never both issue the grant.
/// </summary>
public sealed partial class WorkflowService(
    AccessStateHolder state,
    AccessWorkflow workflow,
    IAccessLedger ledger,
    AccessStore store,
    TimeProvider time,
    WorkflowOptions options) : IDisposable
{
    public const string TextKind = "text";

    private readonly SemaphoreSlim _acting = new(1, 1);

    public void Dispose() => _acting.Dispose();

    /// <summary>Waits for this node's other actions to finish; disposing the turn lets the next one act.</summary>
    private async Task<Turn> ActAloneAsync(CancellationToken cancellation)
    {
        await _acting.WaitAsync(cancellation);
        return new Turn(_acting);
    }

    private readonly struct Turn(SemaphoreSlim acting) : IDisposable
    {
        public void Dispose() => acting.Release();
    }

    /// <summary>What a reader asks for.</summary>
    public sealed record Ask(IReadOnlyList<string>? Subjects, IReadOnlyList<string>? Categories, string? Purpose, string? Case, string? Justification, TimeSpan? Duration);

    public async Task<AccessRequest> RequestAsync(ReaderIdentity requester, Ask ask, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(ask);
        using var turn = await ActAloneAsync(cancellation);
        var now = time.GetUtcNow();
        var checkedAsk = Check(requester, ask, now, breakGlass: false);
        var entry = new WorkflowEntries.RequestEntry
        {
            Time = now,
            Id = NewId("req", now),
            Requester = checkedAsk.Reader,
            Subjects = checkedAsk.Subjects,
            Categories = checkedAsk.Categories,
            Purpose = checkedAsk.Purpose,
            Case = checkedAsk.Case,
            DurationSeconds = (long)checkedAsk.Duration.TotalSeconds,
            JustificationSha256 = await KeepTextAsync(checkedAsk.Justification, cancellation),
        };
        await AppendAsync(entry, checkedAsk.Justification, cancellation);
        return workflow.Current.Requests[entry.Id];
    }

    /// <summary>An approval: counted if the rules let this person approve, and the grant issued once the rule is met.</summary>
    public async Task<(AccessRequest Request, Grant? Grant)> ApproveAsync(string approverId, string requestId, string? comment, CancellationToken cancellation = default)
    {
        var text = InputRules.Text("comment", comment) ?? "";
        using var turn = await ActAloneAsync(cancellation);
        var now = time.GetUtcNow();
        var request = PendingRequest(requestId);
        var approver = KnownStaff(approverId);
        if (request.Approvals.Any(a => a.Approver == approver.Id))
        {
            throw new WorkflowException(WorkflowErrorKind.Conflict, $"{approver.Id} has already approved {request.Id}; an approval counts once per person");
        }

        var (allowed, policies, reasons) = MayApprove(approver, request, now);
        if (!allowed)
        {
            await AppendAsync(new WorkflowEntries.ApprovalRefusedEntry
            {
                Time = now,
                Request = request.Id,
                Requester = request.Requester,
                Approver = approver.Id,
                Policies = policies,
            }, null, cancellation);
            throw new WorkflowException(WorkflowErrorKind.Forbidden, $"{approver.Id} may not approve {request.Id}", reasons: reasons);
        }

        await AppendAsync(new WorkflowEntries.ApprovalEntry
        {
            Time = now,
            Request = request.Id,
            Requester = request.Requester,
            Approver = approver.Id,
            CommentSha256 = await KeepTextAsync(text, cancellation),
        }, text, cancellation);

        request = workflow.Current.Requests[request.Id];
        if (!Granted(request))
        {
            return (request, null);
        }
        var grant = new WorkflowEntries.GrantEntry
        {
            Time = now,
            Id = NewId("grt", now),
            Request = request.Id,
            Reader = request.Requester,
            Subjects = request.Subjects,
            Categories = request.Categories,
            Purpose = request.Purpose,
            Case = request.Case,
            ExpiresAt = now + request.Duration,
            BreakGlass = false,
            ApprovedBy = [.. request.Approvals.Select(a => a.Approver)],
        };
        await AppendAsync(grant, null, cancellation);
        var current = workflow.Current;
        return (current.Requests[request.Id], current.Grants[grant.Id]);
    }

    /// <summary>A refusal, by someone who could have approved.</summary>
    public async Task<AccessRequest> DenyAsync(string approverId, string requestId, string? comment, CancellationToken cancellation = default)
    {
        comment = InputRules.Text("comment", comment);
        using var turn = await ActAloneAsync(cancellation);
        var now = time.GetUtcNow();
        var request = PendingRequest(requestId);
        var approver = KnownStaff(approverId);
        var (allowed, _, reasons) = MayApprove(approver, request, now);
        if (!allowed)
        {
            throw new WorkflowException(WorkflowErrorKind.Forbidden, $"{approver.Id} may not decide on {request.Id}", reasons: reasons);
        }
        var text = string.IsNullOrEmpty(comment) ? throw WorkflowException.Invalid("comment", "a denial says why") : comment;
        await AppendAsync(new WorkflowEntries.RequestDeniedEntry
        {
            Time = now,
            Request = request.Id,
            By = approver.Id,
            CommentSha256 = await KeepTextAsync(text, cancellation),
        }, text, cancellation);
        return workflow.Current.Requests[request.Id];
    }

    /// <summary>
    /// The request, if <paramref name="viewerId"/> may see it: its requester, the people who may
    /// decide it (or did), and admin and oversight, each in good standing. Anyone else is told
    /// there is no such request, exactly as for an id that does not exist.
    /// </summary>
    public AccessRequest VisibleRequest(string viewerId, string requestId)
    {
        var missing = new WorkflowException(WorkflowErrorKind.NotFound, $"there is no access request {requestId}");
        if (!workflow.Current.Requests.TryGetValue(requestId, out var request)
            || state.Current.Directory.Staff(viewerId) is not { } viewer || !InGoodStanding(viewer))
        {
            throw missing;
        }
        var sees = request.Requester == viewer.Id
            || viewer.Roles.Contains(Roles.Admin) || viewer.Roles.Contains(Roles.Oversight)
            || request.Approvals.Any(a => a.Approver == viewer.Id) || request.Closed?.By == viewer.Id
            || MayApprove(viewer, request, time.GetUtcNow()).Allowed;
        return sees ? request : throw missing;
    }

    /// <summary>Pending requests this person may approve and has not yet approved.</summary>
    public IReadOnlyList<AccessRequest> PendingFor(string staffId)
    {
        if (state.Current.Directory.Staff(staffId) is not { } staff)
        {
            return [];
        }
        var now = time.GetUtcNow();
        return [.. workflow.Current.Requests.Values
            .Where(r => r.Status == RequestStatus.Pending && r.Approvals.All(a => a.Approver != staffId) && MayApprove(staff, r, now).Allowed)
            .OrderBy(r => r.CreatedAt)];
    }

    /// <summary>An emergency: a grant at once, for at most an hour, for oversight to review within a day.</summary>
    public async Task<Grant> BreakGlassAsync(ReaderIdentity reader, Ask ask, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(ask);
        using var turn = await ActAloneAsync(cancellation);
        var now = time.GetUtcNow();
        var checkedAsk = Check(reader, ask, now, breakGlass: true);
        var grant = new WorkflowEntries.GrantEntry
        {
            Time = now,
            Id = NewId("grt", now),
            Reader = checkedAsk.Reader,
            Subjects = checkedAsk.Subjects,
            Categories = checkedAsk.Categories,
            Purpose = checkedAsk.Purpose,
            Case = checkedAsk.Case,
            ExpiresAt = now + checkedAsk.Duration,
            BreakGlass = true,
            JustificationSha256 = await KeepTextAsync(checkedAsk.Justification, cancellation),
        };
        await AppendAsync(grant, checkedAsk.Justification, cancellation);
        return workflow.Current.Grants[grant.Id];
    }

    public async Task<BreakGlass> ReviewBreakGlassAsync(string reviewerId, string grantId, string? outcome, string? note, CancellationToken cancellation = default)
    {
        InputRules.Identifier("id", grantId, kind: null);
        var text = InputRules.Text("note", note) ?? "";
        using var turn = await ActAloneAsync(cancellation);
        var reviewer = KnownStaff(reviewerId);
        RequireRole(reviewer, "review break-glass", Roles.Oversight);
        if (!workflow.Current.BreakGlass.TryGetValue(grantId, out var record))
        {
            throw new WorkflowException(WorkflowErrorKind.NotFound, $"there is no break-glass grant {grantId}");
        }
        if (record.Review is not null)
        {
            throw new WorkflowException(WorkflowErrorKind.Conflict, $"{grantId} was reviewed by {record.Review.By} at {record.Review.At:O}");
        }
        if (outcome is not ("justified" or "unjustified"))
        {
            throw WorkflowException.Invalid("outcome", "outcome is \"justified\" or \"unjustified\"");
        }
        await AppendAsync(new WorkflowEntries.BreakGlassReviewEntry
        {
            Time = time.GetUtcNow(),
            Grant = grantId,
            By = reviewer.Id,
            Outcome = outcome,
            NoteSha256 = await KeepTextAsync(text, cancellation),
        }, text, cancellation);
        return workflow.Current.BreakGlass[grantId];
    }

    /// <summary>Ends a grant before its time: its reader may give it up, an admin or oversight may cut it.</summary>
    public async Task<Grant> RevokeGrantAsync(string byId, string grantId, string? reason, CancellationToken cancellation = default)
    {
        InputRules.Identifier("id", grantId, kind: null);
        reason = InputRules.Text("reason", reason);
        using var turn = await ActAloneAsync(cancellation);
        var by = ActiveStaff(byId);
        if (!workflow.Current.Grants.TryGetValue(grantId, out var grant))
        {
            throw new WorkflowException(WorkflowErrorKind.NotFound, $"there is no grant {grantId}");
        }
        if (grant.Reader != by.Id)
        {
            RequireRole(by, "revoke another person's grant", Roles.Admin, Roles.Oversight);
        }
        if (grant.Revoked is not null)
        {
            throw new WorkflowException(WorkflowErrorKind.Conflict, $"{grantId} was already revoked");
        }
        var text = string.IsNullOrEmpty(reason) ? "given up by its reader" : reason;
        await AppendAsync(new WorkflowEntries.GrantRevokedEntry
        {
            Time = time.GetUtcNow(),
            Grant = grantId,
            By = by.Id,
            ReasonSha256 = await KeepTextAsync(text, cancellation),
        }, text, cancellation);
        return workflow.Current.Grants[grantId];
    }

    /// <summary>
    /// Cuts a department's, a role's or a person's access in one action: their live grants are
    /// revoked, their pending requests cancelled, and every later decision for them is denied.
    /// </summary>
    public async Task<Revocation> RevokeAsync(string byId, RevocationScope? scope, string? reason, bool deactivation = false, CancellationToken cancellation = default)
    {
        reason = CheckRevocation(scope, reason);
        using var turn = await ActAloneAsync(cancellation);
        var by = KnownStaff(byId);
        RequireRole(by, "revoke access", Roles.Admin, Roles.Oversight);
        return await RevokeActingAsync(by.Id, scope, reason, deactivation, cancellation);
    }

    /// <summary>
    /// Deprovisioning (SCIM): the identity provider has deactivated or removed this person, so
    /// they are deactivated exactly as <see cref="RevokeAsync"/> would, by the provisioner. The
    /// provisioner is a service identity the server authorized for provisioning, not a staff
    /// member with a role; its revocations are told apart by that (<see cref="IsProvisioning"/>),
    /// so that a reactivation by the identity provider lifts its own and never oversight's.
    /// </summary>
    public async Task<Revocation> DeprovisionAsync(string provisioner, string staffId, string reason, CancellationToken cancellation = default)
    {
        RequireProvisioner(provisioner);
        using var turn = await ActAloneAsync(cancellation);
        return await RevokeActingAsync(provisioner, new RevocationScope(RevocationScope.StaffKind, staffId), reason, deactivation: true, cancellation);
    }

    /// <summary>
    /// Reprovisioning (SCIM): the identity provider has made this person active again. Lifts the
    /// standing deactivations that provisioning made of them, and only those: a revocation by
    /// oversight or an admin stands until they lift it.
    /// </summary>
    public async Task<IReadOnlyList<Revocation>> ReprovisionAsync(string provisioner, string staffId, string reason, CancellationToken cancellation = default)
    {
        RequireProvisioner(provisioner);
        using var turn = await ActAloneAsync(cancellation);
        var lifted = new List<Revocation>();
        foreach (var revocation in Deprovisioned(staffId))
        {
            lifted.Add(await LiftActingAsync(provisioner, revocation.Id, reason, cancellation));
        }
        return lifted;
    }

    /// <summary>The standing deactivations of this person that provisioning made, oldest first.</summary>
    public IReadOnlyList<Revocation> Deprovisioned(string staffId) =>
        [.. workflow.Current.StandingRevocations
            .Where(r => r.Deactivation && IsProvisioning(r) && r.Scope.Kind == RevocationScope.StaffKind && r.Scope.Value == staffId)
            .OrderBy(r => r.LedgerIndex)];

    /// <summary>Made by provisioning: every other revocation is made by a staff member (admin or oversight).</summary>
    public static bool IsProvisioning(Revocation revocation)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        return !revocation.By.StartsWith("staff:", StringComparison.Ordinal);
    }

    private async Task<Revocation> RevokeActingAsync(string by, RevocationScope? scope, string? reason, bool deactivation, CancellationToken cancellation)
    {
        var now = time.GetUtcNow();
        if (scope is null)
        {
            throw WorkflowException.Invalid("department", "name one of department, role or staff");
        }
        var directory = state.Current.Directory;
        var known = scope.Kind switch
        {
            RevocationScope.DepartmentKind => directory.Department(scope.Value) is not null,
            RevocationScope.StaffKind => directory.Staff(scope.Value) is not null,
            RevocationScope.RoleKind => directory.World.Staff.Any(s => s.Roles.Contains(scope.Value)),
            _ => false,
        };
        if (!known)
        {
            throw WorkflowException.Invalid(scope.Kind, $"'{scope.Value}' is not a {scope.Kind} of the world");
        }
        if (string.IsNullOrEmpty(reason))
        {
            throw WorkflowException.Invalid("reason", "a revocation says why");
        }

        var people = directory.World.Staff.Where(s => workflow.Covers(scope, s)).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var current = workflow.Current;
        var entry = new WorkflowEntries.RevocationEntry
        {
            Time = now,
            Id = NewId("rev", now),
            By = by,
            Scope = scope,
            Deactivation = deactivation,
            ReasonSha256 = await KeepTextAsync(reason, cancellation),
            People = [.. people.Order(StringComparer.Ordinal)],
            GrantsCut = [.. current.Grants.Values.Where(g => people.Contains(g.Reader) && g.IsLive(now)).Select(g => g.Id).Order(StringComparer.Ordinal)],
            RequestsCancelled = [.. current.Requests.Values.Where(r => people.Contains(r.Requester) && r.Status == RequestStatus.Pending).Select(r => r.Id).Order(StringComparer.Ordinal)],
        };
        await AppendAsync(entry, reason, cancellation);
        return workflow.Current.Revocations[entry.Id];
    }

    public async Task<Revocation> LiftAsync(string byId, string revocationId, string? reason, CancellationToken cancellation = default)
    {
        InputRules.Identifier("id", revocationId, kind: null);
        reason = InputRules.Text("reason", reason);
        using var turn = await ActAloneAsync(cancellation);
        var by = KnownStaff(byId);
        RequireRole(by, "lift a revocation", Roles.Admin, Roles.Oversight);
        if (workflow.Current.Revocations.TryGetValue(revocationId, out var revocation)
            && workflow.PeopleOf(revocation).FirstOrDefault(p => !state.Current.Directory.IsIndependentOf(by, p)) is { } near)
        {
            throw new WorkflowException(WorkflowErrorKind.Forbidden,
                $"{by.Id} may not lift {revocationId}: a revocation is lifted only by someone independent of the people it covers, and {by.Id} is {(near == by.Id ? "one of them" : $"in the department or management chain of {near}")}");
        }
        return await LiftActingAsync(by.Id, revocationId, reason, cancellation);
    }

    private async Task<Revocation> LiftActingAsync(string by, string revocationId, string? reason, CancellationToken cancellation)
    {
        if (!workflow.Current.Revocations.TryGetValue(revocationId, out var revocation))
        {
            throw new WorkflowException(WorkflowErrorKind.NotFound, $"there is no revocation {revocationId}");
        }
        if (revocation.Lifted is not null)
        {
            throw new WorkflowException(WorkflowErrorKind.Conflict, $"{revocationId} was already lifted");
        }
        if (string.IsNullOrEmpty(reason))
        {
            throw WorkflowException.Invalid("reason", "lifting a revocation says why");
        }
        await AppendAsync(new WorkflowEntries.RevocationLiftedEntry
        {
            Time = time.GetUtcNow(),
            Revocation = revocationId,
            By = by,
            ReasonSha256 = await KeepTextAsync(reason, cancellation),
        }, reason, cancellation);
        return workflow.Current.Revocations[revocationId];
    }

    /// <summary>Ledgers the expiry of every grant whose time is up (the grant stopped counting at its expiry regardless).</summary>
    public async Task<int> RecordExpiriesAsync(CancellationToken cancellation = default)
    {
        using var turn = await ActAloneAsync(cancellation);
        var now = time.GetUtcNow();
        var due = workflow.Current.Grants.Values.Where(g => g.Revoked is null && g.ExpiryRecordedAt is null && now >= g.ExpiresAt).ToList();
        foreach (var grant in due)
        {
            await AppendAsync(new WorkflowEntries.GrantExpiredEntry { Time = now, Grant = grant.Id }, null, cancellation);
        }
        return due.Count;
    }

    /// <summary>Free text is kept in the store (erasable) and ledgered by its hash.</summary>
    private async Task<string> KeepTextAsync(string text, CancellationToken cancellation) =>
        await store.StoreDocumentAsync(TextKind, Encoding.UTF8.GetBytes(text), cancellation);

    /// <summary>Ledger first (durable), then the state: what the state shows is always in the ledger.</summary>
    private async Task AppendAsync<T>(T entry, string? text, CancellationToken cancellation)
        where T : WorkflowEntries.Entry
    {
        var bytes = entry.Serialize();
        long index;
        try
        {
            index = await ledger.AppendAsync(bytes, cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new AccessNotReadyException($"the {entry.Type} could not be ledgered: {e.Message}", e);
        }
        workflow.Apply(index, entry, _ => text);
    }

    private static string NewId(string prefix, DateTimeOffset now) => $"{prefix}-{Guid.CreateVersion7(now):n}";

    private static string Describe(TimeSpan span) => span.TotalHours >= 48 ? $"{span.TotalDays:0.#} days" : $"{span.TotalHours:0.#} hours";
}
