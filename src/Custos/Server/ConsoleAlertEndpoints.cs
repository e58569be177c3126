using Custos.Access;
using Custos.Access.Storage;
using Custos.Server.Authentication;
using Custos.Oversight;
using Custos.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Custos.Server;

/// <summary>
/// Oversight's alert pages: the alerts API's own handlers (<see cref="AlertEndpoints"/>) answer,
/// under the same power, so the queue, the visibility rules and the triage are the API's; these
/// routes only show the answer, and check each piece of evidence's proof against the signed checkpoint.
/// </summary>
internal static class ConsoleAlertEndpoints
{
    public static void MapConsoleAlerts(this RouteGroupBuilder console)
    {
        var alerts = console.MapGroup("/alerts").RequireAuthorization(Powers.TriageAlerts);
        alerts.MapGet("", (Viewer viewer, Caller caller, AccessStore store, WorldIndexes worlds, CancellationToken cancellation) =>
            ListAsync(viewer, AlertsView.Filter.None, caller, store, worlds, cancellation));
        alerts.MapPost("", (IFormCollection form, Viewer viewer, Caller caller, AccessStore store, WorldIndexes worlds, CancellationToken cancellation) =>
            ListAsync(viewer, AlertsView.Filter.From(form), caller, store, worlds, cancellation));
        alerts.MapGet("/{id}", (string id, string? done, Viewer viewer, Caller caller, AccessStore store, WorldIndexes worlds, ServerLedger ledger, TimeProvider time, CancellationToken cancellation) =>
            DetailAsync(id, viewer, caller, store, worlds, ledger, time, null, done == "triaged" ? "Your triage is recorded in the ledger." : null, cancellation));
        alerts.MapPost("/{id}/triage", TriageAsync);
    }

    private static async Task<IResult> ListAsync(Viewer viewer, AlertsView.Filter filter, Caller caller, AccessStore store, WorldIndexes worlds, CancellationToken cancellation)
    {
        var answer = await AlertEndpoints.ListAsync(caller, store, worlds, status: null, filter.State, filter.Detector, filter.Severity, filter.Reader,
            subject: null, since: null, until: null, limit: AlertEndpoints.MaxLimit, cursor: null, cancellation);
        return answer.Result is Ok<AlertEndpoints.AlertPage> { Value: { } page }
            ? AlertsView.List(viewer, page.Alerts, filter)
            : answer.Result;
    }

    private static async Task<IResult> DetailAsync(
        string id, Viewer viewer, Caller caller, AccessStore store, WorldIndexes worlds, ServerLedger ledger, TimeProvider time,
        string? error, string? notice, CancellationToken cancellation, int status = StatusCodes.Status200OK)
    {
        var answer = await AlertEndpoints.DetailAsync(id, caller, store, worlds, ledger, cancellation);
        if (answer.Result is not Ok<AlertEndpoints.AlertDetail> { Value: { } detail })
        {
            return answer.Result;
        }
        var log = await ledger.GetLogAsync(cancellation);
        var checkpoint = SignedPoint.Open(detail.Proofs.Checkpoint, log.Metadata.VerifierKey, time.GetUtcNow());
        var evidence = detail.Proofs.Evidence
            .Select(e => new AlertsView.EvidenceLine(e.LedgerIndex, e.Entry.GetRawText(),
                checkpoint.Includes(e.LedgerIndex, Convert.FromBase64String(e.EntryBase64), [.. e.Proof.Select(Convert.FromBase64String)])))
            .ToList();
        return AlertsView.Detail(new(viewer, detail.Alert, evidence, checkpoint, error, notice), status);
    }

    private static async Task<IResult> TriageAsync(
        string id, IFormCollection form, Viewer viewer, Caller caller, AccessStore store, WorldIndexes worlds, IAccessLedger ledger,
        ServerLedger serverLedger, DetectionWorker worker, TimeProvider time, CancellationToken cancellation)
    {
        var note = form["note"].ToString();
        if (string.IsNullOrWhiteSpace(note))
        {
            return await DetailAsync(id, viewer, caller, store, worlds, serverLedger, time, "Note: say what you found, so that the next officer can follow it.", null,
                cancellation, StatusCodes.Status422UnprocessableEntity);
        }
        var answer = await AlertEndpoints.TriageAsync(id, new(form["outcome"].ToString(), note), caller, store, worlds, ledger, worker, time, cancellation);
        return answer.Result is Ok<AlertEndpoints.TriageResult>
            ? WebConsole.Page.SeeOther($"{AlertsView.Path}/{Uri.EscapeDataString(id)}?done=triaged")
            : answer.Result;
    }
}
