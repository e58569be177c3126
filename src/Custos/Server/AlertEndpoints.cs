using System.Text;
using System.Text.Json;
using Custos.Access;
using Custos.Access.Alerts;
using Custos.Access.Decisions;
using Custos.Access.Storage;
using Custos.Detection.Routing;
using Custos.Formats;
using Custos.Oversight;
using Custos.Server.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Custos.Server;

/// <summary>
/// Oversight's view of detection: <c>GET /v1/alerts</c>, <c>GET /v1/alerts/{id}</c> with every
/// piece of evidence proven against a signed checkpoint, and <c>POST /v1/alerts/{id}/triage</c>.
/// Only the independent office reads them (staff with the <c>oversight</c> role, or the outside
/// reviewers of the <c>external</c> queue), and each officer sees only the alerts routed to their
/// queue that they are independent of — checked again against the world as it is now.
/// </summary>
internal static class AlertEndpoints
{
    public const int MaxNoteLength = 4000;
    public const int MaxLimit = 200;

    private static readonly string[] States = [AlertRecord.Open, AlertRecord.Closed, AlertRecord.Merged];
    private static readonly string[] Statuses = [AlertRecord.New, .. TriageEntry.Outcomes];

    public static IEndpointRouteBuilder MapAlertEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/alerts").WithTags("Alerts").RequireAuthorization(Powers.TriageAlerts);

        group.MapGet("", ListAsync)
            .WithName("Alerts")
            .WithSummary("Alerts routed to the caller's oversight queue that the caller is independent of, newest first; filter by status, state, detector, lowest severity, reader, subject, raised since/until; paged with limit and cursor.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/{id}", DetailAsync)
            .WithName("Alert")
            .WithSummary("One alert, with each evidence entry's exact bytes and its RFC 9162 inclusion proof against the signed checkpoint returned beside it, and the same for the alert's own ledger entries.")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/{id}/triage", TriageAsync)
            .WithName("TriageAlert")
            .WithSummary("Records an oversight officer's conclusion about an alert — confirmed, benign or needs-info, with a note — in the ledger (the note's SHA-256; its text in the store).")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status503ServiceUnavailable);

        return endpoints;
    }

    internal sealed record AlertPage(IReadOnlyList<AlertBody> Alerts, string? NextCursor);

    internal sealed record ProvenEntry(long LedgerIndex, JsonElement Entry, string EntryBase64, IReadOnlyList<string> Proof);

    internal sealed record Proofs(string Checkpoint, long TreeSize, IReadOnlyList<ProvenEntry> Evidence, IReadOnlyList<ProvenEntry> AlertEntries);

    internal sealed record AlertDetail(AlertBody Alert, Proofs Proofs);

    internal sealed record TriageRequest(string? Outcome, string? Note);

    internal sealed record TriageResult(string Alert, string Outcome, string? NoteSha256, string By, DateTimeOffset Time, long LedgerIndex);

    /// <summary>
    /// Who is asking: an officer of one queue. <see cref="Powers.TriageAlerts"/> has let in only
    /// oversight staff in good standing (their department's queue) and external reviewers.
    /// </summary>
    private sealed record Overseer(string Id, string Queue, bool External)
    {
        public static Overseer Of(Caller caller) => caller.Holds(Roles.Oversight)
            ? new Overseer(caller.Id!, caller.Staff!.Department, External: false)
            : new Overseer(caller.Id!, OversightRouter.ExternalQueue, External: true);
    }

    internal static async Task<Results<Ok<AlertPage>, ProblemHttpResult>> ListAsync(
        Caller caller, AccessStore store, WorldIndexes worlds,
        string? status, [FromQuery(Name = "state")] string? lifecycle, string? detector, string? severity, string? reader, string? subject,
        DateTimeOffset? since, DateTimeOffset? until, int? limit, string? cursor, CancellationToken cancellation)
    {
        var overseer = Overseer.Of(caller);
        var query = new AlertQuery { Queues = [overseer.Queue], Detector = detector, Reader = reader, Subject = subject, Since = since, Until = until };
        if (status is not null && !Statuses.Contains(status))
        {
            return BadQuery("status", $"'{status}' is not a status; use one of {string.Join(", ", Statuses)}");
        }
        if (lifecycle is not null && !States.Contains(lifecycle))
        {
            return BadQuery("state", $"'{lifecycle}' is not a state; use one of {string.Join(", ", States)}");
        }
        Severity? lowest = null;
        if (severity is not null)
        {
            if (!Enum.TryParse<Severity>(severity, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(severity, out _))
            {
                return BadQuery("severity", $"'{severity}' is not a severity; use low, medium, high or critical");
            }
            lowest = parsed;
        }
        var size = limit ?? 50;
        if (size is < 1 or > MaxLimit)
        {
            return BadQuery("limit", $"limit must be between 1 and {MaxLimit}");
        }
        long? before = null;
        if (cursor is not null)
        {
            before = AlertRecord.SequenceOf(cursor);
            if (before <= 0)
            {
                return BadQuery("cursor", $"'{cursor}' is not a cursor; pass the next_cursor of the previous page");
            }
        }
        query = query with { Status = status, State = lifecycle, MinSeverity = lowest, Before = before, Limit = size + 1 };

        var (_, world) = await worlds.ActiveAsync(cancellation);
        var router = new OversightRouter(world);
        var visible = new List<AlertRecord>();
        while (visible.Count <= size)
        {
            var page = await store.AlertsAsync(query, cancellation);
            visible.AddRange(page.Where(a => CanSee(overseer, a, router)));
            if (page.Count < query.Limit)
            {
                break;
            }
            query = query with { Before = page[^1].Sequence };
        }
        var next = visible.Count > size ? visible[size - 1].Id : null;
        var bodies = new List<AlertBody>();
        foreach (var alert in visible.Take(size))
        {
            bodies.Add(await AlertBody.FromAsync(alert, store, cancellation));
        }
        return TypedResults.Ok(new AlertPage(bodies, next));
    }

    internal static async Task<Results<Ok<AlertDetail>, ProblemHttpResult>> DetailAsync(
        string id, Caller caller, AccessStore store, WorldIndexes worlds, ServerLedger ledger, CancellationToken cancellation)
    {
        var overseer = Overseer.Of(caller);
        var (alert, missing) = await VisibleAsync(id, overseer, store, worlds, cancellation);
        if (missing is not null)
        {
            return missing;
        }
        var checkpoint = await ledger.CheckpointAsync(cancellation);
        var size = checkpoint.Checkpoint.Size;
        var log = await ledger.GetLogAsync(cancellation);
        async Task<List<ProvenEntry>> ProveAsync(IEnumerable<long> indexes)
        {
            var proven = new List<ProvenEntry>();
            foreach (var index in indexes.Where(i => i >= 0 && i < size))
            {
                var entry = await log.ReadEntryAsync(index, cancellation);
                var proof = await log.ProveInclusionAsync(index, size, cancellation);
                using var parsed = JsonDocument.Parse(entry);
                proven.Add(new ProvenEntry(index, parsed.RootElement.Clone(), Convert.ToBase64String(entry), [.. proof.Hashes.Select(Convert.ToBase64String)]));
            }
            return proven;
        }
        var proofs = new Proofs(checkpoint.Note, size, await ProveAsync(alert!.Evidence), await ProveAsync(alert.Entries));
        return TypedResults.Ok(new AlertDetail(await AlertBody.FromAsync(alert, store, cancellation), proofs));
    }

    internal static async Task<Results<Ok<TriageResult>, ProblemHttpResult>> TriageAsync(
        string id, TriageRequest? body, Caller caller, AccessStore store, WorldIndexes worlds,
        IAccessLedger ledger, DetectionWorker worker, TimeProvider time, CancellationToken cancellation)
    {
        var overseer = Overseer.Of(caller);
        if (body is null)
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "the body must be a JSON object with outcome (confirmed, benign or needs-info) and note");
        }
        if (body.Outcome is null || !TriageEntry.Outcomes.Contains(body.Outcome))
        {
            return Problems.Invalid("outcome", $"outcome must be one of {string.Join(", ", TriageEntry.Outcomes)}");
        }
        if (body.Note is { Length: > MaxNoteLength })
        {
            return Problems.Invalid("note", $"note must be at most {MaxNoteLength} characters");
        }
        var (alert, missing) = await VisibleAsync(id, overseer, store, worlds, cancellation);
        if (missing is not null)
        {
            return missing;
        }
        if (alert!.State == AlertRecord.Merged)
        {
            return Problems.Result(StatusCodes.Status409Conflict, $"{alert.Id} was merged into {alert.MergedInto}, which holds its evidence; triage that one");
        }
        // The note is stored before the entry that names its hash is ledgered, so that every
        // triage in the ledger resolves to its note (as worlds and policies do).
        var note = string.IsNullOrWhiteSpace(body.Note) ? null : body.Note;
        var noteSha256 = note is null ? null : await store.StoreDocumentAsync(TriageEntry.NoteKind, Encoding.UTF8.GetBytes(note), cancellation);
        var entry = new TriageEntry { Alert = alert.Id, Outcome = body.Outcome, NoteSha256 = noteSha256, By = overseer.Id, Time = time.GetUtcNow() };
        var index = await ledger.AppendAsync(entry.Serialize(), cancellation);
        OversightTelemetry.Alerts.Add(1, new("detector", alert.Detector), new("state", entry.Outcome));
        // Read-your-writes on the detecting node: the triage shows in the next GET.
        await worker.WaitForProjectionAsync(index, TimeSpan.FromSeconds(5), cancellation);
        return TypedResults.Ok(new TriageResult(entry.Alert, entry.Outcome, entry.NoteSha256, entry.By, entry.Time, index));
    }

    /// <summary>The alert if the overseer may see it; otherwise 404, whether or not it exists: a suspect learns nothing.</summary>
    private static async Task<(AlertRecord? Alert, ProblemHttpResult? Missing)> VisibleAsync(
        string id, Overseer overseer, AccessStore store, WorldIndexes worlds, CancellationToken cancellation)
    {
        var alert = await store.AlertAsync(id, cancellation);
        if (alert is not null)
        {
            var (_, world) = await worlds.ActiveAsync(cancellation);
            if (CanSee(overseer, alert, new OversightRouter(world)))
            {
                return (alert, null);
            }
        }
        return (null, Problems.Result(StatusCodes.Status404NotFound, $"no alert '{id}' is routed to {overseer.Queue} for {overseer.Id}"));
    }

    /// <summary>Routed to the overseer's queue, and the overseer stands outside it (now, not only when it was routed).</summary>
    private static bool CanSee(Overseer overseer, AlertRecord alert, OversightRouter router) =>
        alert.Queue == overseer.Queue
        && (overseer.External ? router.IsIndependentOf(overseer.Id, alert.Readers) : router.IsEligible(overseer.Id, alert.Readers));

    private static ProblemHttpResult BadQuery(string parameter, string message) => Problems.Result(StatusCodes.Status400BadRequest, message, parameter);
}
