using Custos.Access.Decisions;
using Custos.Access.Domain;
using Custos.Access.Workflow;
using Custos.Formats;
using Custos.WebConsole.Pages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Custos.WebConsole;

/// <summary>
/// The approver's page: the requests this person may decide (the workflow's own list, which the
/// policies filter), each with what an approver needs to judge it and the independence checks it passed.
/// </summary>
public sealed class InboxView(AccessStateHolder state, WorkflowService service, TimeProvider time)
{
    public const string Path = ConsoleMiddleware.Prefix + "/inbox";

    public sealed record SubjectLine(string Id, IReadOnlyList<string> Protected);

    public sealed record CategoryLine(string Id, MaskKind Mask, bool Raw);

    public sealed record Item(
        AccessRequest Request, string? RequesterRoles, string Department, IReadOnlyList<SubjectLine> Subjects,
        IReadOnlyList<CategoryLine> Categories, bool Protected, IReadOnlyList<string> Checks);

    public sealed record Model(Viewer Viewer, IReadOnlyList<Item> Items, DateTimeOffset Now, string? Error, string? Notice);

    private static readonly Dictionary<string, string> Notices = new(StringComparer.Ordinal)
    {
        ["approved"] = "Your approval is recorded in the ledger. The grant is issued once the approvals the policies ask for are in.",
        ["denied"] = "The request is denied and its requester can see your comment.",
    };

    public IResult Show(Viewer viewer, string? done) =>
        Render(viewer, null, done is not null && Notices.TryGetValue(done, out var notice) ? notice : null, StatusCodes.Status200OK);

    public async Task<IResult> DecideAsync(Viewer viewer, string id, bool approve, IFormCollection form, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(form);
        var comment = form["comment"].ToString();
        try
        {
            if (approve)
            {
                await service.ApproveAsync(viewer.Id, id, comment, cancellation);
            }
            else
            {
                await service.DenyAsync(viewer.Id, id, comment, cancellation);
            }
        }
        catch (WorkflowException e)
        {
            return Render(viewer, Refusals.Describe(e), null, Refusals.Status(e));
        }
        return Page.SeeOther($"{Path}?done={(approve ? "approved" : "denied")}");
    }

    private RazorComponentResult Render(Viewer viewer, string? error, string? notice, int status)
    {
        var directory = state.Current.Directory;
        var approver = directory.Staff(viewer.Id);
        var items = service.PendingFor(viewer.Id).Select(r => ItemOf(directory, approver, r)).ToList();
        return Page.Render<InboxPage>(new { Model = new Model(viewer, items, time.GetUtcNow(), error, notice) }, status);
    }

    private static Item ItemOf(AccessDirectory directory, StaffMember? approver, AccessRequest request)
    {
        var requester = directory.Staff(request.Requester);
        var department = requester is null ? "unknown" : directory.Department(requester.Department)?.Name ?? requester.Department;
        var subjects = request.Subjects.Select(s => new SubjectLine(s, directory.Subject(s)?.Protected ?? [])).ToList();
        var raw = directory.Purpose(request.Purpose)?.Raw ?? [];
        var categories = request.Categories
            .Select(c => new CategoryLine(c, directory.Category(c)?.Mask ?? MaskKind.Redact, raw.Contains(c, StringComparer.Ordinal))).ToList();
        var isProtected = subjects.Any(s => s.Protected.Count > 0);
        return new Item(request, requester is null ? null : string.Join(", ", requester.Roles), department, subjects, categories, isProtected,
            Checks(directory, approver, requester, request, isProtected));
    }

    /// <summary>
    /// Why this person may decide the request, as facts of the world: the policies already let
    /// them (the inbox lists nothing else); these say what an approver should be sure of.
    /// </summary>
    private static List<string> Checks(AccessDirectory directory, StaffMember? approver, StaffMember? requester, AccessRequest request, bool isProtected)
    {
        var checks = new List<string>();
        if (approver is null)
        {
            return checks;
        }
        checks.Add("You are not the requester.");
        if (approver.Account is null || !request.Subjects.Contains(approver.Account, StringComparer.Ordinal))
        {
            checks.Add("You are not one of its subjects.");
        }
        if (isProtected && requester is not null && directory.IsIndependentOf(approver, requester.Id))
        {
            checks.Add("You are outside the requester's department and management chain, as a protected subject requires.");
        }
        if (!isProtected && requester?.Manager == approver.Id)
        {
            checks.Add("You are the requester's manager.");
        }
        if (!isProtected && directory.Case(request.Case)?.Owner == approver.Id)
        {
            checks.Add("You own the case it names.");
        }
        checks.Add("You are active and under no revocation.");
        return checks;
    }
}
