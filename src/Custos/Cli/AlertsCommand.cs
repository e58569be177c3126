using System.CommandLine;
using System.Text.Json;

namespace Custos.Cli;

/// <summary>
/// <c>custos alerts …</c>: oversight's queue from a terminal, over the API of a running server
/// (docs/detection.md): list the alerts routed to the caller, show one with its evidence, and
/// record a triage. Callers are named as for <c>custos access</c>.
/// </summary>
internal static class AlertsCommand
{
    private static readonly string[] Outcomes = ["confirmed", "benign", "needs-info"];

    public static Command Create()
    {
        var options = AccessCommand.CallerOptions.Create();
        return options.Attach(new Command("alerts", "List, show and triage the alerts routed to you (oversight), against a running server.")
        {
            List(options), Show(options), Triage(options),
        });
    }

    private static Command List(AccessCommand.CallerOptions options)
    {
        var status = new Option<string>("--status") { Description = "new, confirmed, benign or needs-info." };
        var state = new Option<string>("--state") { Description = "open, closed or merged." };
        var detector = new Option<string>("--detector") { Description = "Only this detector's alerts." };
        var severity = new Option<string>("--severity") { Description = "The lowest severity shown: low, medium, high or critical." };
        var limit = new Option<int?>("--limit") { Description = "At most this many (1–200, default 50)." };
        var command = new Command("list", "The alerts routed to your queue that you are independent of, newest first.") { status, state, detector, severity, limit };
        command.SetAction(async (parse, cancellation) =>
        {
            var query = string.Join('&', new (string Name, string? Value)[]
                {
                    ("status", parse.GetValue(status)), ("state", parse.GetValue(state)), ("detector", parse.GetValue(detector)),
                    ("severity", parse.GetValue(severity)), ("limit", parse.GetValue(limit)?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                }
                .Where(q => q.Value is not null)
                .Select(q => $"{q.Name}={Uri.EscapeDataString(q.Value!)}"));
            var page = await AccessCommand.CallAsync(parse, options, HttpMethod.Get, "v1/alerts" + (query.Length > 0 ? "?" + query : ""), null, cancellation);
            return AccessCommand.Print(parse, options, page, output =>
            {
                AccessCommand.Table(output, "No alerts for you.", page.GetProperty("alerts"),
                    ("ID", a => AccessCommand.Text(a, "id")),
                    ("SEVERITY", a => AccessCommand.Text(a, "severity")),
                    ("DETECTOR", a => AccessCommand.Text(a, "detector")),
                    ("STATUS", a => $"{AccessCommand.Text(a, "status")}/{AccessCommand.Text(a, "state")}"),
                    ("RAISED", a => AccessCommand.Time(a, "raised_at")),
                    ("READERS", a => AccessCommand.List(a, "readers")),
                    ("REASON", a => AccessCommand.Text(a, "reason")));
                if (page.GetProperty("next_cursor").ValueKind == JsonValueKind.String)
                {
                    output.WriteLine("More alerts: narrow the filters, or use --json and the API's cursor.");
                }
            });
        });
        return command;
    }

    private static Command Show(AccessCommand.CallerOptions options)
    {
        var id = new Argument<string>("id") { Description = "The alert (alert-…)." };
        var command = new Command("show", "One alert: why it was raised, who and whom, its evidence in the ledger, and its triage.") { id };
        command.SetAction(async (parse, cancellation) =>
        {
            var detail = await AccessCommand.CallAsync(parse, options, HttpMethod.Get, $"v1/alerts/{Uri.EscapeDataString(parse.GetValue(id)!)}", null, cancellation);
            return AccessCommand.Print(parse, options, detail, output =>
            {
                var alert = detail.GetProperty("alert");
                output.WriteLine($"{AccessCommand.Text(alert, "id")}  {AccessCommand.Text(alert, "severity")}  {AccessCommand.Text(alert, "detector")}  {AccessCommand.Text(alert, "status")}/{AccessCommand.Text(alert, "state")}");
                output.WriteLine($"Raised:   {AccessCommand.Time(alert, "raised_at")} (queue {AccessCommand.Text(alert, "queue")})");
                output.WriteLine($"Readers:  {AccessCommand.List(alert, "readers")}");
                output.WriteLine($"Subjects: {AccessCommand.List(alert, "subjects")}");
                output.WriteLine($"Reason:   {CustosCommandLine.OneLine(AccessCommand.Text(alert, "reason"))}");
                var proofs = detail.GetProperty("proofs");
                var evidence = proofs.GetProperty("evidence").EnumerateArray().Select(e => AccessCommand.Text(e, "ledger_index")).ToList();
                output.WriteLine($"Evidence: {evidence.Count} ledger entries ({string.Join(", ", evidence.Take(20))}{(evidence.Count > 20 ? ", …" : "")}), each with its inclusion proof against a checkpoint of {AccessCommand.Text(proofs, "tree_size")} entries (--json shows them).");
                foreach (var triage in alert.GetProperty("triage").EnumerateArray())
                {
                    output.WriteLine($"Triage:   {AccessCommand.Time(triage, "time")} {AccessCommand.Text(triage, "by")}: {AccessCommand.Text(triage, "outcome")} — {CustosCommandLine.OneLine(AccessCommand.Text(triage, "note"))}");
                }
            });
        });
        return command;
    }

    private static Command Triage(AccessCommand.CallerOptions options)
    {
        var id = new Argument<string>("id") { Description = "The alert (alert-…)." };
        var outcome = new Option<string>("--outcome") { Description = "What you concluded.", Required = true };
        outcome.AcceptOnlyFromAmong(Outcomes);
        var note = new Option<string>("--note") { Description = "Why: kept in the store, its SHA-256 in the ledger.", Required = true };
        var command = new Command("triage", "Record your conclusion about an alert in the ledger.") { id, outcome, note };
        command.SetAction(async (parse, cancellation) =>
        {
            var body = new { outcome = parse.GetValue(outcome), note = parse.GetValue(note) };
            var result = await AccessCommand.CallAsync(parse, options, HttpMethod.Post, $"v1/alerts/{Uri.EscapeDataString(parse.GetValue(id)!)}/triage", body, cancellation);
            return AccessCommand.Print(parse, options, result, output =>
                output.WriteLine($"Triaged {AccessCommand.Text(result, "alert")} as {AccessCommand.Text(result, "outcome")} (ledger entry {AccessCommand.Text(result, "ledger_index")})."));
        });
        return command;
    }
}
