using Custos.Access.Decisions;
using Custos.Access.Workflow;
using Custos.Formats;
using Custos.WebConsole.Pages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Custos.WebConsole;

/// <summary>
/// Oversight's and admins' page: break-glass grants awaiting review (oversight only), and
/// revocation — one action that cuts a department's, a role's or a person's access and shows what it cut.
/// </summary>
public sealed class OversightView(AccessStateHolder state, AccessWorkflow workflow, WorkflowService service, TimeProvider time)
{
    public const string Path = ConsoleMiddleware.Prefix + "/oversight";

    public sealed record Model(
        Viewer Viewer, IReadOnlyList<(BreakGlass Record, Grant Grant)> BreakGlass, IReadOnlyList<Revocation> Revocations,
        IReadOnlyList<Department> Departments, Revocation? Cut, DateTimeOffset Now, string? Error, string? Notice);

    public RazorComponentResult Show(Viewer viewer, string? cut, string? done) =>
        Render(viewer, cut, null, done == "reviewed" ? "Your review is recorded in the ledger." : null, StatusCodes.Status200OK);

    public async Task<IResult> ReviewAsync(Viewer viewer, string grantId, IFormCollection form, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(form);
        try
        {
            await service.ReviewBreakGlassAsync(viewer.Id, grantId, form["outcome"].ToString(), form["note"].ToString(), cancellation);
        }
        catch (WorkflowException e)
        {
            return Render(viewer, null, Refusals.Describe(e), null, Refusals.Status(e));
        }
        return Page.SeeOther($"{Path}?done=reviewed");
    }

    public async Task<IResult> RevokeAsync(Viewer viewer, IFormCollection form, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(form);
        var kind = form["scope"].ToString();
        var value = form[kind is RevocationScope.DepartmentKind ? "department" : "name"].ToString().Trim();
        try
        {
            if (kind is not (RevocationScope.DepartmentKind or RevocationScope.RoleKind or RevocationScope.StaffKind) || value.Length == 0)
            {
                throw WorkflowException.Invalid("scope", "choose a department, or name a role or a person (staff:ID)");
            }
            var revocation = await service.RevokeAsync(viewer.Id, new RevocationScope(kind, value), form["reason"].ToString(), cancellation: cancellation);
            // The revocation's id, not anything about the people it covers: the page shows them from the workflow.
            return Page.SeeOther($"{Path}?cut={Uri.EscapeDataString(revocation.Id)}");
        }
        catch (WorkflowException e)
        {
            return Render(viewer, null, Refusals.Describe(e), null, Refusals.Status(e));
        }
    }

    private RazorComponentResult Render(Viewer viewer, string? cut, string? error, string? notice, int status)
    {
        var snapshot = workflow.Current;
        var breakGlass = viewer.Oversees
            ? snapshot.BreakGlass.Values.OrderBy(b => b.Review is not null).ThenBy(b => b.ReviewDue).Select(b => (b, snapshot.Grants[b.GrantId])).ToList()
            : [];
        var model = new Model(
            viewer, breakGlass, [.. snapshot.Revocations.Values.OrderByDescending(r => r.At)],
            [.. state.Current.Directory.World.Departments.OrderBy(d => d.Name, StringComparer.Ordinal)],
            cut is not null ? snapshot.Revocations.GetValueOrDefault(cut) : null, time.GetUtcNow(), error, notice);
        return Page.Render<OversightPage>(new { Model = model }, status);
    }
}
