using Custos.Access.Decisions;
using Custos.Access.Projections;
using Custos.Access.Reports;
using Custos.Access.Storage;
using Custos.Server.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Custos.Server;

/// <summary>
/// What data subjects may know: <c>GET /v1/subjects/{id}/access-report</c>, for the subject
/// themselves (a <c>user:</c> token) or for the independent oversight office.
/// </summary>
internal static class SubjectEndpoints
{
    public static IEndpointRouteBuilder MapSubjectEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/v1/subjects").WithTags("Subjects").RequireAuthorization(Powers.ReadAccessReport)
            .MapGet("/{id}/access-report", ReportAsync)
            .WithName("AccessReport")
            .WithSummary("Every decision about the subject's data: when, the reader's role and department (never their name), what, with what effect, why; reads under an undisclosed case are withheld and counted.")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    internal sealed record ReaderBody(string? Department, string? DepartmentName, IReadOnlyList<string> Roles);

    internal sealed record LineBody(long LedgerIndex, DateTimeOffset Time, ReaderBody Reader, IReadOnlyDictionary<string, AccessReportCategory> Categories, string Purpose, string? Case, string Decision);

    internal sealed record ReportBody(string Subject, DateTimeOffset GeneratedAt, IReadOnlyList<LineBody> Reads, int Withheld);

    private static async Task<Results<Ok<ReportBody>, ProblemHttpResult>> ReportAsync(
        string id, AccessStateHolder state, AccessStore store, LedgerProjector projector,
        TimeProvider time, CancellationToken cancellation)
    {
        if (!state.IsLoaded)
        {
            return Problems.NotReady("no world is loaded yet");
        }
        var directory = state.Current.Directory;
        var report = await AccessReport.BuildAsync(id, directory, store, projector, time.GetUtcNow(), cancellation);
        return TypedResults.Ok(new ReportBody(
            report.Subject,
            report.GeneratedAt,
            [.. report.Reads.Select(line => new LineBody(
                line.LedgerIndex,
                line.Time,
                new ReaderBody(line.ReaderDepartment, line.ReaderDepartmentName, line.ReaderRoles),
                line.Categories,
                line.Purpose,
                line.Case,
                line.Decision))],
            report.Withheld));
    }
}
