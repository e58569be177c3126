using Custos.Access.Decisions;
using Custos.Cedar;
using Custos.Cedar.Evaluation;
using Custos.Formats;

namespace Custos.Access.Workflow;

/// <summary>
/// The rules of the workflow that the Cedar policies decide (70-approvals.cedar): who may approve
/// a request, and when its approvals grant it.
/// </summary>
public sealed partial class WorkflowService
{
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
}
