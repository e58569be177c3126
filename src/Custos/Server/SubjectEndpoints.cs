using System.Text.Json.Serialization;
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
            .WithSummary("Every decision about the subject's data: when, the reader's role and department (never their name), what, with what effect, why; reads under an undisclosed case are withheld and counted. "
                + "With proofs=true: the published (witnessed) checkpoint, and on each line it covers the RFC 9162 inclusion proof of its entry (and, for the subject themselves, the entry's exact bytes), so the report can be checked offline.")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    internal sealed record ReaderBody(string? Department, string? DepartmentName, IReadOnlyList<string> Roles);

    internal sealed record LineBody(
        long LedgerIndex, DateTimeOffset Time, ReaderBody Reader, IReadOnlyDictionary<string, AccessReportCategory> Categories, string Purpose, string? Case, string Decision,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Entry = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? InclusionProof = null);

    internal sealed record ReportBody(
        string Subject, DateTimeOffset GeneratedAt, IReadOnlyList<LineBody> Reads, int Withheld,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Checkpoint = null);

    private static async Task<Results<Ok<ReportBody>, ProblemHttpResult>> ReportAsync(
        string id, bool? proofs, Caller caller, AccessStateHolder state, AccessStore store, LedgerProjector projector,
        ServerLedger ledger, LedgerWitnessing witnessing, TimeProvider time, CancellationToken cancellation)
    {
        if (!state.IsLoaded)
        {
            return Problems.NotReady("no world is loaded yet");
        }
        var directory = state.Current.Directory;
        var report = await AccessReport.BuildAsync(id, directory, store, projector, time.GetUtcNow(), cancellation);
        var body = new ReportBody(
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
            report.Withheld);
        return TypedResults.Ok(proofs == true ? await WithProofsAsync(body, caller.Id == id, ledger, witnessing, cancellation) : body);
    }

    /// <summary>
    /// Proves each line against the checkpoint readers are given (the witnessed one when there are
    /// witnesses): inclusion proofs are public; the entry bytes go to the subject alone, who may read
    /// them anyway (invariant 10), so that they can check each line against its entry offline.
    /// </summary>
    private static async Task<ReportBody> WithProofsAsync(ReportBody report, bool toSubject, ServerLedger ledger, LedgerWitnessing witnessing, CancellationToken cancellation)
    {
        var note = await witnessing.PublishedAsync(ledger, cancellation);
        var size = Ledger.Checkpoints.Checkpoint.Parse(note[..(note.IndexOf("\n\n", StringComparison.Ordinal) + 1)]).Size;
        var log = await ledger.GetLogAsync(cancellation);
        var lines = new List<LineBody>(report.Reads.Count);
        foreach (var line in report.Reads)
        {
            if (line.LedgerIndex >= size)
            {
                lines.Add(line); // newer than the published checkpoint: proved in a later report
                continue;
            }
            var proof = await log.ProveInclusionAsync(line.LedgerIndex, size, cancellation);
            var entry = toSubject ? Convert.ToBase64String(await log.ReadEntryAsync(line.LedgerIndex, cancellation)) : null;
            lines.Add(line with { Entry = entry, InclusionProof = [.. proof.Hashes.Select(Convert.ToBase64String)] });
        }
        return report with { Reads = lines, Checkpoint = note };
    }
}
