using System.Text;
using System.Text.Json;
using Custos.Access.Decisions;
using Custos.Access.Domain;
using Custos.Access.Storage;
using Custos.Cedar;
using Custos.Cedar.Evaluation;
using Custos.Formats;

namespace Custos.Access.Workflow;

/// <summary>
/// The access workflow's actions: ask, approve, deny, break glass, revoke. Each checks its
/// input, decides with the Cedar policies where a rule is involved (who may approve, when
/// approvals grant), appends its entry to the ledger, and only then changes the state.
/// Actions are serialized on this node, so two approvals can never both issue the grant.
/// </summary>
public sealed class WorkflowService(
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

    /// <summary>What a reader asks for.</summary>
    public sealed record Ask(IReadOnlyList<string>? Subjects, IReadOnlyList<string>? Categories, string? Purpose, string? Case, string? Justification, TimeSpan? Duration);

    public async Task<AccessRequest> RequestAsync(ReaderIdentity requester, Ask ask, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(ask);
        await _acting.WaitAsync(cancellation);
        try
        {
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
        finally
        {
            _acting.Release();
        }
    }

    /// <summary>An approval: counted if the rules let this person approve, and the grant issued once the rule is met.</summary>
    public async Task<(AccessRequest Request, Grant? Grant)> ApproveAsync(string approverId, string requestId, string? comment, CancellationToken cancellation = default)
    {
        var text = InputRules.Text("comment", comment) ?? "";
        await _acting.WaitAsync(cancellation);
        try
        {
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
        finally
        {
            _acting.Release();
        }
    }

    /// <summary>A refusal, by someone who could have approved.</summary>
    public async Task<AccessRequest> DenyAsync(string approverId, string requestId, string? comment, CancellationToken cancellation = default)
    {
        comment = InputRules.Text("comment", comment);
        await _acting.WaitAsync(cancellation);
        try
        {
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
        finally
        {
            _acting.Release();
        }
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
        await _acting.WaitAsync(cancellation);
        try
        {
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
        finally
        {
            _acting.Release();
        }
    }

    public async Task<BreakGlass> ReviewBreakGlassAsync(string reviewerId, string grantId, string? outcome, string? note, CancellationToken cancellation = default)
    {
        InputRules.Identifier("id", grantId, kind: null);
        var text = InputRules.Text("note", note) ?? "";
        await _acting.WaitAsync(cancellation);
        try
        {
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
        finally
        {
            _acting.Release();
        }
    }

    /// <summary>Ends a grant before its time: its reader may give it up, an admin or oversight may cut it.</summary>
    public async Task<Grant> RevokeGrantAsync(string byId, string grantId, string? reason, CancellationToken cancellation = default)
    {
        InputRules.Identifier("id", grantId, kind: null);
        reason = InputRules.Text("reason", reason);
        await _acting.WaitAsync(cancellation);
        try
        {
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
        finally
        {
            _acting.Release();
        }
    }

    /// <summary>
    /// Cuts a department's, a role's or a person's access in one action: their live grants are
    /// revoked, their pending requests cancelled, and every later decision for them is denied.
    /// </summary>
    public async Task<Revocation> RevokeAsync(string byId, RevocationScope? scope, string? reason, bool deactivation = false, CancellationToken cancellation = default)
    {
        reason = CheckRevocation(scope, reason);
        await _acting.WaitAsync(cancellation);
        try
        {
            var by = KnownStaff(byId);
            RequireRole(by, "revoke access", Roles.Admin, Roles.Oversight);
            return await RevokeActingAsync(by.Id, scope, reason, deactivation, cancellation);
        }
        finally
        {
            _acting.Release();
        }
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
        await _acting.WaitAsync(cancellation);
        try
        {
            return await RevokeActingAsync(provisioner, new RevocationScope(RevocationScope.StaffKind, staffId), reason, deactivation: true, cancellation);
        }
        finally
        {
            _acting.Release();
        }
    }

    /// <summary>
    /// Reprovisioning (SCIM): the identity provider has made this person active again. Lifts the
    /// standing deactivations that provisioning made of them, and only those: a revocation by
    /// oversight or an admin stands until they lift it.
    /// </summary>
    public async Task<IReadOnlyList<Revocation>> ReprovisionAsync(string provisioner, string staffId, string reason, CancellationToken cancellation = default)
    {
        RequireProvisioner(provisioner);
        await _acting.WaitAsync(cancellation);
        try
        {
            var lifted = new List<Revocation>();
            foreach (var revocation in Deprovisioned(staffId))
            {
                lifted.Add(await LiftActingAsync(provisioner, revocation.Id, reason, cancellation));
            }
            return lifted;
        }
        finally
        {
            _acting.Release();
        }
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

    private static void RequireProvisioner(string provisioner)
    {
        if (string.IsNullOrWhiteSpace(provisioner) || provisioner.StartsWith("staff:", StringComparison.Ordinal))
        {
            throw new ArgumentException($"a provisioner is a service identity, not '{provisioner}'", nameof(provisioner));
        }
    }

    /// <summary>The form of a revocation, checked before anything else: its scope's identifier and its reason, normalised.</summary>
    private static string? CheckRevocation(RevocationScope? scope, string? reason)
    {
        if (scope is not null)
        {
            InputRules.Identifier(scope.Kind, scope.Value, scope.Kind switch
            {
                RevocationScope.DepartmentKind => "dept",
                RevocationScope.StaffKind => "staff",
                _ => null,
            });
        }
        return InputRules.Text("reason", reason);
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
        await _acting.WaitAsync(cancellation);
        try
        {
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
        finally
        {
            _acting.Release();
        }
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
        await _acting.WaitAsync(cancellation);
        try
        {
            var now = time.GetUtcNow();
            var due = workflow.Current.Grants.Values.Where(g => g.Revoked is null && g.ExpiryRecordedAt is null && now >= g.ExpiresAt).ToList();
            foreach (var grant in due)
            {
                await AppendAsync(new WorkflowEntries.GrantExpiredEntry { Time = now, Grant = grant.Id }, null, cancellation);
            }
            return due.Count;
        }
        finally
        {
            _acting.Release();
        }
    }

    /// <summary>
    /// May <paramref name="approver"/> approve <paramref name="request"/>? Decided by the
    /// policies' <c>approve</c> rules over the request as asked; the facts they need (the ring,
    /// the approver's standing) are resolved here.
    /// </summary>
    internal (bool Allowed, IReadOnlyList<string> Policies, IReadOnlyList<string> Reasons) MayApprove(StaffMember approver, AccessRequest request, DateTimeOffset now)
    {
        var snapshot = state.Current;
        var current = workflow.Current;
        var ring = current.ApprovalsGiven.Any(a => a.Approver == request.Requester && a.Requester == approver.Id && now - a.At <= options.ApprovalRingWindow);
        var context = RecordValue.Create(
        [
            new("request", Asked(snapshot, request)),
            new("now", CedarMapping.Time(now)),
            new("ring", Value.FromBool(ring)),
            new("revoked", Value.FromBool(workflow.Revoked(approver) is not null)),
        ]);
        var judgement = snapshot.Authorize(new Request(CedarMapping.Staff(approver.Id), CedarMapping.Approve, CedarMapping.Staff(request.Requester), context));
        return (judgement.Allowed, judgement.Policies,
            judgement.Allowed || judgement.Reasons.Count > 0 ? judgement.Reasons : ["no policy lets this person approve this request"]);
    }

    /// <summary>Do the approvals given so far meet the policies' <c>grant</c> rule?</summary>
    private bool Granted(AccessRequest request)
    {
        var snapshot = state.Current;
        var privacy = request.Approvals.Count(a => snapshot.Directory.Staff(a.Approver)?.Roles.Contains(Roles.PrivacyOfficer) == true);
        var context = RecordValue.Create(
        [
            new("request", Asked(snapshot, request)),
            new("approvals", Value.FromRecord(RecordValue.Create(
            [
                new("count", Value.FromLong(request.Approvals.Count)),
                new("privacy", Value.FromLong(privacy)),
            ]))),
        ]);
        var requester = CedarMapping.Staff(request.Requester);
        return snapshot.Authorize(new Request(requester, CedarMapping.GrantAction, requester, context)).Allowed;
    }

    /// <summary>The request as the approval rules see it (schema type AskedAccess).</summary>
    private static Value Asked(AccessState snapshot, AccessRequest request)
    {
        var directory = snapshot.Directory;
        var classes = request.Subjects.SelectMany(s => directory.Subject(s)?.Protected ?? []).Distinct(StringComparer.Ordinal).ToList();
        return Value.FromRecord(RecordValue.Create(
        [
            new("requester", Value.FromEntity(CedarMapping.Staff(request.Requester))),
            new("subjects", Value.FromSet(request.Subjects.Select(s => Value.FromEntity(CedarMapping.User(s))))),
            new("protected", Value.FromBool(classes.Count > 0)),
            new("classes", Value.FromSet(classes.Select(Value.FromString))),
            new("categories", Value.FromSet(request.Categories.Select(c => Value.FromEntity(CedarMapping.Category(c))))),
            new("max_tier", Value.FromLong(request.Categories.Max(c => directory.Category(c)?.Tier ?? 0))),
            new("purpose", Value.FromEntity(CedarMapping.Purpose(request.Purpose))),
            new("case", Value.FromEntity(CedarMapping.Case(request.Case))),
        ]));
    }

    private sealed record CheckedAsk(string Reader, List<string> Subjects, List<string> Categories, string Purpose, string Case, string Justification, TimeSpan Duration);

    /// <summary>Everything a request or a break-glass must be before it is ledgered.</summary>
    private CheckedAsk Check(ReaderIdentity reader, Ask ask, DateTimeOffset now, bool breakGlass)
    {
        var staff = ActiveStaff(reader.Id);
        var (subjects, categories, purpose, @case) = CheckAsk(staff, reader.Location, ask, now);
        var justification = CheckJustification(staff.Id, ask.Justification, breakGlass);
        var max = breakGlass ? options.MaxBreakGlassDuration : options.MaxGrantDuration;
        var duration = ask.Duration ?? (breakGlass ? options.MaxBreakGlassDuration : options.DefaultGrantDuration);
        if (duration <= TimeSpan.Zero || duration > max)
        {
            throw WorkflowException.Invalid("duration", $"{(breakGlass ? "break-glass" : "a grant")} lasts more than nothing and at most {Describe(max)}");
        }
        return new CheckedAsk(staff.Id, subjects, categories, purpose, @case, justification, duration);
    }

    /// <summary>
    /// Checks what is asked, and that a grant of it could be used: each read is simulated under
    /// the policies with the grant in hand, so that a request the policies would refuse anyway
    /// (another purpose's case, a subject the case does not name, the wrong residency zone) is
    /// refused now with their reasons, rather than approved for nothing.
    /// </summary>
    private (List<string> Subjects, List<string> Categories, string Purpose, string Case) CheckAsk(StaffMember staff, string? location, Ask ask, DateTimeOffset now)
    {
        var snapshot = state.Current;
        var directory = snapshot.Directory;
        InputRules.Identifiers("subjects", ask.Subjects, "user");
        InputRules.Identifiers("categories", ask.Categories, kind: null);
        InputRules.Identifier("purpose", ask.Purpose, kind: null);
        InputRules.Identifier("case", ask.Case, "case");
        var subjects = Distinct(ask.Subjects, "subjects", s => directory.Subject(s) is not null, "is not a subject known to Custos");
        var categories = Distinct(ask.Categories, "categories", c => directory.Category(c) is not null, "is not a category");
        if (string.IsNullOrWhiteSpace(ask.Purpose) || directory.Purpose(ask.Purpose) is null)
        {
            throw WorkflowException.Invalid("purpose", $"'{ask.Purpose}' is not a purpose");
        }
        if (string.IsNullOrWhiteSpace(ask.Case) || directory.Case(ask.Case) is null)
        {
            throw WorkflowException.Invalid("case", ask.Case is null ? "a request names the case it serves" : $"'{ask.Case}' is not a case");
        }

        var granted = subjects.SelectMany(s => categories.Select(c => new GrantedRead(s, c, ask.Purpose, ask.Case))).ToList();
        var problems = new List<string>();
        foreach (var subjectId in subjects)
        {
            var outcome = DecisionPipeline.Evaluate(snapshot, staff, directory.Subject(subjectId)!, new DecisionRequest(subjectId, categories, ask.Purpose, ask.Case), location, now, granted, revoked: false);
            problems.AddRange(outcome.Values.Where(c => c.Effect == CategoryEffect.Deny).SelectMany(c => c.Reasons).Select(r => $"{subjectId}: {r}"));
        }
        if (problems.Count > 0)
        {
            throw new WorkflowException(WorkflowErrorKind.Invalid, "even with a grant, the policies would refuse this read", "subjects", [.. problems.Distinct(StringComparer.Ordinal)]);
        }
        return (subjects, categories, ask.Purpose, ask.Case);
    }

    /// <summary>A justification is real text: long enough, more than a word, and not one the reader has given before.</summary>
    private string CheckJustification(string requester, string? justification, bool breakGlass)
    {
        // Normalised first, so that invisible padding neither makes empty text count nor a repeat new.
        var text = InputRules.Text("justification", justification) ?? "";
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (text.Length < options.MinJustificationLength || words.Length < options.MinJustificationWords)
        {
            throw WorkflowException.Invalid("justification",
                $"say why in words: at least {options.MinJustificationLength} characters and {options.MinJustificationWords} words");
        }
        if (!breakGlass && workflow.Current.Justifications.Contains(AccessWorkflow.JustificationKey(requester, text)))
        {
            throw WorkflowException.Invalid("justification", "this justification was given for an earlier request: say why this one is needed");
        }
        return text;
    }

    private static List<string> Distinct(IReadOnlyList<string>? values, string field, Func<string, bool> known, string unknown)
    {
        if (values is null || values.Count == 0)
        {
            throw WorkflowException.Invalid(field, $"{field} must name at least one");
        }
        var seen = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            if (!known(values[i]))
            {
                throw WorkflowException.Invalid($"{field}[{i}]", $"'{values[i]}' {unknown}");
            }
            if (seen.Contains(values[i]))
            {
                throw WorkflowException.Invalid($"{field}[{i}]", $"'{values[i]}' is named twice");
            }
            seen.Add(values[i]);
        }
        return seen;
    }

    private StaffMember KnownStaff(string id) =>
        state.Current.Directory.Staff(id) ?? throw new WorkflowException(WorkflowErrorKind.Forbidden, $"{id} is not a staff member");

    private StaffMember ActiveStaff(string id)
    {
        var staff = KnownStaff(id);
        if (!InGoodStanding(staff))
        {
            throw new WorkflowException(WorkflowErrorKind.Forbidden, $"{id} is not an active staff member in good standing");
        }
        return staff;
    }

    /// <summary>Invariant 9: the inactive and the revoked hold no power, whatever their roles.</summary>
    private bool InGoodStanding(StaffMember staff) => staff.Active && workflow.RevocationsOf(staff).Count == 0;

    private void RequireRole(StaffMember staff, string what, params string[] roles)
    {
        if (!roles.Any(staff.Roles.Contains))
        {
            throw new WorkflowException(WorkflowErrorKind.Forbidden, $"only {string.Join(" or ", roles)} may {what}");
        }
        if (!InGoodStanding(staff))
        {
            throw new WorkflowException(WorkflowErrorKind.Forbidden, $"{staff.Id} may not {what}: they are not an active staff member in good standing");
        }
    }

    private AccessRequest PendingRequest(string id)
    {
        InputRules.Identifier("id", id, kind: null);
        if (!workflow.Current.Requests.TryGetValue(id, out var request))
        {
            throw new WorkflowException(WorkflowErrorKind.NotFound, $"there is no access request {id}");
        }
        if (request.Status != RequestStatus.Pending)
        {
            throw new WorkflowException(WorkflowErrorKind.Conflict, $"{id} is {request.Status.ToString().ToLowerInvariant()}, no longer pending");
        }
        return request;
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
