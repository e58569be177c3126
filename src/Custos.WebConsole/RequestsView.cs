using Custos.Access.Decisions;
using Custos.Access.Workflow;
using Custos.Formats;
using Custos.WebConsole.Pages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Custos.WebConsole;

/// <summary>The reader's page: ask for access (or break glass), and see one's own requests and grants.</summary>
public sealed class RequestsView(AccessStateHolder state, AccessWorkflow workflow, WorkflowService service, TimeProvider time)
{
    public const string Path = ConsoleMiddleware.Prefix + "/requests";

    public sealed record Model(
        Viewer Viewer, IReadOnlyList<Category> Categories, IReadOnlyList<Purpose> Purposes, IReadOnlyList<AccessRequest> Requests,
        IReadOnlyList<Grant> Grants, DateTimeOffset Now, AskForm Form, string? Error, string? Notice);

    /// <summary>What a finished action says, by the code in the URL (never the data itself).</summary>
    private static readonly Dictionary<string, string> Notices = new(StringComparer.Ordinal)
    {
        ["requested"] = "Your request is sent. The people who may decide it see it in their inbox; it is listed below until they do.",
        ["break-glass"] = "Break-glass access is granted for at most an hour. Oversight has been told and will review it within 24 hours.",
    };

    public IResult Show(Viewer viewer, string? done) =>
        Render(viewer, AskForm.Empty, null, done is not null && Notices.TryGetValue(done, out var notice) ? notice : null, StatusCodes.Status200OK);

    public async Task<IResult> AskAsync(Viewer viewer, ReaderIdentity reader, IFormCollection form, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(form);
        var ask = AskForm.From(form);
        var breakGlass = form["action"] == "break-glass";
        try
        {
            if (breakGlass)
            {
                await service.BreakGlassAsync(reader, ask.ToAsk(), cancellation);
            }
            else
            {
                await service.RequestAsync(reader, ask.ToAsk(), cancellation);
            }
        }
        catch (WorkflowException e)
        {
            return Render(viewer, ask, Refusals.Describe(e), null, Refusals.Status(e));
        }
        return Page.SeeOther($"{Path}?done={(breakGlass ? "break-glass" : "requested")}");
    }

    private RazorComponentResult Render(Viewer viewer, AskForm form, string? error, string? notice, int status)
    {
        var directory = state.Current.Directory;
        var snapshot = workflow.Current;
        var model = new Model(
            viewer,
            [.. directory.Categories.OrderBy(c => c.Tier).ThenBy(c => c.Id, StringComparer.Ordinal)],
            directory.World.Purposes,
            [.. snapshot.Requests.Values.Where(r => r.Requester == viewer.Id).OrderByDescending(r => r.CreatedAt)],
            [.. snapshot.Grants.Values.Where(g => g.Reader == viewer.Id).OrderByDescending(g => g.IssuedAt)],
            time.GetUtcNow(), form, error, notice);
        return Page.Render<RequestsPage>(new { Model = model }, status);
    }
}
