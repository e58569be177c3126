using Custos.Access.Decisions;
using Custos.Access.Workflow;
using Custos.Formats;
using Custos.Server.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Custos.Server;

/// <summary>
/// The access workflow over HTTP: access requests and their approvals, grants, break-glass and
/// revocations. Every action is ledgered before it is answered. Who may call what is the
/// <see cref="Powers"/> each endpoint names; who may approve what is the policies' (70-approvals.cedar).
/// </summary>
internal static class WorkflowEndpoints
{
    public static IEndpointRouteBuilder MapWorkflowEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1").WithTags("Access workflow").RequireAuthorization(Powers.TakePart);

        v1.MapPost("/access-requests", RequestAsync).WithName("CreateAccessRequest")
            .WithSummary("Ask for exactly these categories of these subjects, for a purpose and a case, for a time, with a real justification.");
        v1.MapGet("/access-requests", ListRequests).WithName("ListAccessRequests")
            .WithSummary("`?pending-for=me`: requests the caller may approve; otherwise the caller's own requests.");
        v1.MapGet("/access-requests/{id}", GetRequest).WithName("GetAccessRequest");
        v1.MapPost("/access-requests/{id}/approve", ApproveAsync).WithName("ApproveAccessRequest")
            .WithSummary("Approve, with a comment; counted only if the policies let the caller approve. The grant is issued once the rule is met.");
        v1.MapPost("/access-requests/{id}/deny", DenyAsync).WithName("DenyAccessRequest");
        v1.MapGet("/grants", ListGrants).WithName("ListGrants")
            .WithSummary("The caller's grants; admin and oversight see everyone's (`?reader=`).");
        v1.MapDelete("/grants/{id}", RevokeGrantAsync).WithName("RevokeGrant")
            .WithSummary("End a grant now (`?reason=`): its reader may give it up; admin or oversight may cut it.");
        v1.MapPost("/break-glass", BreakGlassAsync).WithName("BreakGlass")
            .WithSummary("An emergency grant, at once, for at most an hour; oversight is told and must review it within 24 h.");
        v1.MapGet("/break-glass", ListBreakGlass).WithName("ListBreakGlass").RequireAuthorization(Powers.Oversee)
            .WithSummary("Oversight: break-glass grants (`?unreviewed` for those awaiting review, overdue first).");
        v1.MapPost("/break-glass/{id}/review", ReviewAsync).WithName("ReviewBreakGlass").RequireAuthorization(Powers.Oversee);
        v1.MapPost("/revocations", RevokeAsync).WithName("Revoke").RequireAuthorization(Powers.Revoke)
            .WithSummary("Cut a department's, a role's or a person's access everywhere in one action; answers with what was cut.");
        v1.MapGet("/revocations", ListRevocations).WithName("ListRevocations").RequireAuthorization(Powers.Revoke);
        v1.MapPost("/revocations/{id}/lift", LiftAsync).WithName("LiftRevocation").RequireAuthorization(Powers.Revoke)
            .WithSummary("End a revocation; only someone independent of the people it covers (not them, not their department, not their management chain) may.");
        v1.MapPost("/staff/{id}/deactivate", DeactivateAsync).WithName("DeactivateStaff").RequireAuthorization(Powers.Revoke)
            .WithSummary("A revocation of one person (as when they leave): their grants are cut and every later decision for them is denied.");

        foreach (var status in new[] { 400, 401, 403, 404, 409, 422, 503 })
        {
            v1.ProducesProblem(status);
        }
        return endpoints;
    }

    internal sealed record AskBody(IReadOnlyList<string>? Subjects, IReadOnlyList<string>? Categories, string? Purpose, string? Case, string? Justification, string? Duration);

    internal sealed record CommentBody(string? Comment);

    internal sealed record ReviewBody(string? Outcome, string? Note);

    internal sealed record RevokeBody(string? Department, string? Role, string? Staff, string? Reason);

    internal sealed record ReasonBody(string? Reason);

    internal sealed record ApprovalBody(string Approver, DateTimeOffset At, string Comment, long LedgerIndex);

    internal sealed record RequestBody(
        string Id, string Requester, IReadOnlyList<string> Subjects, IReadOnlyList<string> Categories, string Purpose, string Case,
        string Justification, string Duration, DateTimeOffset CreatedAt, string Status, IReadOnlyList<ApprovalBody> Approvals,
        string? ClosedBy, string? ClosedReason, string? GrantId, long LedgerIndex);

    internal sealed record GrantBody(
        string Id, string? RequestId, string Reader, IReadOnlyList<string> Subjects, IReadOnlyList<string> Categories, string Purpose, string Case,
        DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, bool BreakGlass, string Status, string? RevokedBy, string? RevokedReason, long LedgerIndex);

    internal sealed record ApproveResult(RequestBody Request, GrantBody? Grant);

    internal sealed record BreakGlassBody(GrantBody Grant, string Justification, DateTimeOffset ReviewDue, bool Overdue, string? ReviewedBy, string? Outcome, string? Note);

    internal sealed record RevocationBody(
        string Id, string Scope, string Value, string Reason, string By, DateTimeOffset At, bool Deactivation,
        IReadOnlyList<string> People, IReadOnlyList<string> GrantsCut, IReadOnlyList<string> RequestsCancelled, bool Lifted, long LedgerIndex);

    private static async Task<IResult> RequestAsync(AskBody? body, Caller caller, WorkflowService workflow, CancellationToken cancellation)
    {
        var request = await workflow.RequestAsync(caller.AsReader(), Ask(body), cancellation);
        return TypedResults.Created($"/v1/access-requests/{request.Id}", ToBody(request));
    }

    private static Ok<List<RequestBody>> ListRequests(HttpContext http, Caller caller, WorkflowService service, AccessWorkflow workflow)
    {
        var pendingFor = http.Request.Query["pending-for"].ToString();
        if (pendingFor.Length > 0 && pendingFor != "me" && pendingFor != caller.Id)
        {
            throw new WorkflowException(WorkflowErrorKind.Forbidden, "pending-for names the caller (\"me\")");
        }
        var requests = pendingFor.Length > 0
            ? service.PendingFor(caller.Id!)
            : [.. workflow.Current.Requests.Values.Where(r => r.Requester == caller.Id).OrderBy(r => r.CreatedAt)];
        return TypedResults.Ok(requests.Select(ToBody).ToList());
    }

    private static Ok<RequestBody> GetRequest(string id, Caller caller, WorkflowService workflow) =>
        TypedResults.Ok(ToBody(workflow.VisibleRequest(caller.Id!, id)));

    private static async Task<IResult> ApproveAsync(string id, CommentBody? body, Caller caller, WorkflowService workflow, CancellationToken cancellation)
    {
        var (request, grant) = await workflow.ApproveAsync(caller.Id!, id, body?.Comment, cancellation);
        return TypedResults.Ok(new ApproveResult(ToBody(request), grant is null ? null : ToBody(grant)));
    }

    private static async Task<IResult> DenyAsync(string id, CommentBody? body, Caller caller, WorkflowService workflow, CancellationToken cancellation) =>
        TypedResults.Ok(ToBody(await workflow.DenyAsync(caller.Id!, id, body?.Comment, cancellation)));

    private static Ok<List<GrantBody>> ListGrants(HttpContext http, Caller caller, AccessWorkflow workflow, TimeProvider time)
    {
        var reader = http.Request.Query["reader"].ToString();
        var seesAll = caller.Holds(Roles.Admin, Roles.Oversight);
        if (!seesAll && reader.Length > 0 && reader != caller.Id)
        {
            throw new WorkflowException(WorkflowErrorKind.Forbidden, "only admin and oversight see other people's grants");
        }
        var grants = workflow.Current.Grants.Values
            .Where(g => reader.Length > 0 ? g.Reader == reader : seesAll || g.Reader == caller.Id)
            .OrderBy(g => g.IssuedAt);
        var now = time.GetUtcNow();
        return TypedResults.Ok(grants.Select(g => ToBody(g, now)).ToList());
    }

    private static async Task<IResult> RevokeGrantAsync(string id, string? reason, Caller caller, WorkflowService workflow, TimeProvider time, CancellationToken cancellation) =>
        TypedResults.Ok(ToBody(await workflow.RevokeGrantAsync(caller.Id!, id, reason, cancellation), time.GetUtcNow()));

    private static async Task<IResult> BreakGlassAsync(AskBody? body, Caller caller, WorkflowService service, AccessWorkflow workflow, TimeProvider time, CancellationToken cancellation)
    {
        var grant = await service.BreakGlassAsync(caller.AsReader(), Ask(body), cancellation);
        return TypedResults.Created($"/v1/break-glass/{grant.Id}", ToBody(workflow.Current.BreakGlass[grant.Id], grant, time.GetUtcNow()));
    }

    private static Ok<List<BreakGlassBody>> ListBreakGlass(HttpContext http, AccessWorkflow workflow, TimeProvider time)
    {
        var unreviewed = http.Request.Query.ContainsKey("unreviewed");
        var now = time.GetUtcNow();
        var snapshot = workflow.Current;
        return TypedResults.Ok(snapshot.BreakGlass.Values
            .Where(b => !unreviewed || b.Review is null)
            .OrderBy(b => b.ReviewDue)
            .Select(b => ToBody(b, snapshot.Grants[b.GrantId], now))
            .ToList());
    }

    private static async Task<IResult> ReviewAsync(string id, ReviewBody? body, Caller caller, WorkflowService service, AccessWorkflow workflow, TimeProvider time, CancellationToken cancellation)
    {
        var record = await service.ReviewBreakGlassAsync(caller.Id!, id, body?.Outcome, body?.Note, cancellation);
        return TypedResults.Ok(ToBody(record, workflow.Current.Grants[id], time.GetUtcNow()));
    }

    private static async Task<IResult> RevokeAsync(RevokeBody? body, Caller caller, WorkflowService workflow, CancellationToken cancellation)
    {
        var named = new[] { (RevocationScope.DepartmentKind, body?.Department), (RevocationScope.RoleKind, body?.Role), (RevocationScope.StaffKind, body?.Staff) }
            .Where(s => !string.IsNullOrWhiteSpace(s.Item2)).ToList();
        if (named.Count != 1)
        {
            throw WorkflowException.Invalid("department", "name exactly one of department, role or staff");
        }
        var revocation = await workflow.RevokeAsync(caller.Id!, new RevocationScope(named[0].Item1, named[0].Item2!), body?.Reason, cancellation: cancellation);
        return TypedResults.Created($"/v1/revocations/{revocation.Id}", ToBody(revocation));
    }

    private static Ok<List<RevocationBody>> ListRevocations(AccessWorkflow workflow) =>
        TypedResults.Ok(workflow.Current.Revocations.Values.OrderBy(r => r.At).Select(ToBody).ToList());

    private static async Task<IResult> LiftAsync(string id, ReasonBody? body, Caller caller, WorkflowService workflow, CancellationToken cancellation) =>
        TypedResults.Ok(ToBody(await workflow.LiftAsync(caller.Id!, id, body?.Reason, cancellation)));

    private static async Task<IResult> DeactivateAsync(string id, ReasonBody? body, Caller caller, WorkflowService workflow, CancellationToken cancellation)
    {
        var revocation = await workflow.RevokeAsync(caller.Id!, new RevocationScope(RevocationScope.StaffKind, id), body?.Reason, deactivation: true, cancellation);
        return TypedResults.Created($"/v1/revocations/{revocation.Id}", ToBody(revocation));
    }

    private static WorkflowService.Ask Ask(AskBody? body)
    {
        TimeSpan? duration = null;
        if (body?.Duration is { } text)
        {
            duration = Durations.TryParse(text, out var parsed) ? parsed : throw WorkflowException.Invalid("duration", $"'{text}' is not a duration such as 8h, 2d or PT8H");
        }
        return new WorkflowService.Ask(body?.Subjects, body?.Categories, body?.Purpose, body?.Case, body?.Justification, duration);
    }

    private static RequestBody ToBody(AccessRequest r) => new(
        r.Id, r.Requester, r.Subjects, r.Categories, r.Purpose, r.Case, r.Justification, System.Xml.XmlConvert.ToString(r.Duration), r.CreatedAt,
        r.Status.ToString().ToLowerInvariant(), [.. r.Approvals.Select(a => new ApprovalBody(a.Approver, a.At, a.Comment, a.LedgerIndex))],
        r.Closed?.By, r.Closed?.Reason, r.GrantId, r.LedgerIndex);

    private static GrantBody ToBody(Grant g) => ToBody(g, g.IssuedAt);

    private static GrantBody ToBody(Grant g, DateTimeOffset now) => new(
        g.Id, g.RequestId, g.Reader, g.Subjects, g.Categories, g.Purpose, g.Case, g.IssuedAt, g.ExpiresAt, g.BreakGlass,
        g.Revoked is not null ? "revoked" : g.IsLive(now) ? "live" : "expired", g.Revoked?.By, g.Revoked?.Reason, g.LedgerIndex);

    private static BreakGlassBody ToBody(BreakGlass b, Grant grant, DateTimeOffset now) => new(
        ToBody(grant, now), b.Justification, b.ReviewDue, b.Review is null && now > b.ReviewDue, b.Review?.By, b.Review?.Outcome, b.Review?.Note);

    private static RevocationBody ToBody(Revocation r) => new(
        r.Id, r.Scope.Kind, r.Scope.Value, r.Reason, r.By, r.At, r.Deactivation, r.People, r.GrantsCut, r.RequestsCancelled, r.Lifted is not null, r.LedgerIndex);
}
