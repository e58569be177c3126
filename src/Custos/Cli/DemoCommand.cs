using System.CommandLine;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Custos.Access.Disclosure;
using Custos.Ledger.Notes;
using Custos.Server;
using Custos.Server.Authentication;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace Custos.Cli;

/// <summary>
/// <c>custos demo incident</c>: replays the reads of the design's incident — internal auditors
/// pulling two journalists' IP addresses and their contacts', from the US and from China —
/// against a running server, shows what Custos decided and why, then verifies the ledger as an
/// outside auditor would.
/// </summary>
internal static class DemoCommand
{
    /// <summary>One read of the story: who, from where, whose data, under what.</summary>
    internal sealed record StoryRead(string Reader, string Location, string Subject, string Who, string[] Categories, string Purpose, string? Case);

    internal static readonly StoryRead[] Incident =
    [
        new("staff:mason", "US", "user:10042", "journalist", ["network.ip_address"], "internal-audit", "case:IA-7"),
        new("staff:harper", "US", "user:10043", "journalist", ["network.ip_address"], "internal-audit", "case:IA-7"),
        new("staff:wei", "CN", "user:10042", "journalist", ["network.ip_address"], "internal-audit", "case:IA-7"),
        new("staff:chen", "CN", "user:10043", "journalist", ["network.ip_address", "profile.basic"], "internal-audit", "case:IA-7"),
        new("staff:wei", "CN", "user:10077", "journalist's contact", ["network.ip_address"], "internal-audit", "case:IA-7"),
        new("staff:mason", "US", "user:10078", "journalist's contact", ["network.ip_address"], "internal-audit", "case:IA-7"),
        new("staff:harper", "US", "user:10079", "journalist's contact (IE)", ["network.ip_address"], "internal-audit", "case:IA-7"),
        new("staff:chen", "CN", "user:10080", "journalist's contact", ["network.ip_address"], "internal-audit", "case:IA-7"),
        new("staff:wei", "CN", "user:10042", "journalist, no case", ["network.ip_address"], "internal-audit", null),
        new("staff:mason", "US", "user:90011", "employee on the audit case", ["network.ip_address"], "internal-audit", "case:IA-7"),
        // For contrast, what a legitimate investigation gets: the data, masked.
        new("staff:amara", "US", "user:40065", "user on her T&S case", ["network.ip_address", "profile.basic"], "trust-safety-investigation", "case:TS-2001"),
    ];

    public static Command Create()
    {
        var server = ServerOption.Create($"The running server (default {ServerOptions.DefaultUrls}).", new Uri(ServerOptions.DefaultUrls));
        var data = new Option<string>("--data")
        {
            Description = $"The server's data directory: its key signs the demo's tokens and its ledger key verifies the log (default ./{ServerOptions.DefaultDataDirectory}).",
            DefaultValueFactory = _ => ServerOptions.DefaultDataDirectory,
        };

        var config = new Option<FileInfo>("--config")
        {
            Description = "The configuration file the server runs with, to find its ledger key (Ledger:KeyFile) as 'custos serve --config' does.",
        };
        config.AcceptExistingOnly();

        var oversight = new Option<string>("--oversight")
        {
            Description = "The oversight officer whose alerts are shown after the reads (default staff:olu, of the demo world's oversight office).",
            DefaultValueFactory = _ => "staff:olu",
        };

        var incident = new Command("incident", "Replay the incident of the design against a running server, show each decision and the alerts oversight receives, then verify the ledger.") { server, data, config, oversight };
        incident.SetAction(async (parse, cancellation) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
            if (Console.IsOutputRedirected)
            {
                // Into a file or a pipe there is no terminal to fit: give the table room.
                console.Profile.Width = 220;
            }
            var dataDirectory = Path.GetFullPath(parse.GetValue(data)!);
            var baseAddress = parse.GetValue(server)!;
            var signingKey = LocalSigningKey.Load(dataDirectory);

            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
            var table = new Table().Border(TableBorder.Rounded).Title("[bold]The incident, replayed against Custos[/]");
            table.AddColumns("#", "reader (at)", "subject", "read", "decision");
            // Each reason on one line where the console allows: they are the point of the demo.
            table.AddColumn(new TableColumn("why") { Width = 78 });
            table.AddColumn("ledger");

            var n = 0;
            foreach (var read in Incident)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "v1/decisions")
                {
                    Content = JsonContent.Create(new { subject = read.Subject, categories = read.Categories, purpose = read.Purpose, @case = read.Case }),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", LocalTokens.Mint(signingKey, read.Reader, read.Location, TimeSpan.FromMinutes(5)));
                using var response = await Send(http, request, baseAddress, cancellation);
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellation);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"{baseAddress} answered {(int)response.StatusCode}: {body.GetProperty("detail").GetString()}");
                }

                var decision = body.GetProperty("decision").GetString()!;
                var effects = string.Join(", ", body.GetProperty("categories").EnumerateObject().Select(c =>
                    c.Value.GetProperty("effect").GetString() == "masked" ? $"{c.Name}: masked ({c.Value.GetProperty("mask").GetString()})" : $"{c.Name}: {c.Value.GetProperty("effect").GetString()}"));
                var colour = decision == "deny" ? "red" : decision == "partial" ? "yellow" : "green";
                table.AddRow(
                    (++n).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape($"{read.Reader} ({read.Location})"),
                    Markup.Escape($"{read.Subject}\n{read.Who}"),
                    Markup.Escape($"{string.Join(", ", read.Categories)}\n{read.Purpose}, {read.Case ?? "no case"}"),
                    $"[{colour}]{decision}[/]\n{Markup.Escape(effects)}",
                    Markup.Escape(string.Join("\n", body.GetProperty("reasons").EnumerateArray().Select(r => "• " + r.GetString()))),
                    body.GetProperty("ledger_index").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            console.Write(table);

            // What the independent office sees, within a second of the reads: never the auditors' chain.
            var officer = parse.GetValue(oversight)!;
            var alerts = await AlertsAsync(http, LocalTokens.Mint(signingKey, officer, "US", TimeSpan.FromMinutes(5)), baseAddress, cancellation);
            var alertTable = new Table().Border(TableBorder.Rounded).Title($"[bold]Alerts for {Markup.Escape(officer)}[/]");
            alertTable.AddColumns("alert", "detector", "severity", "readers", "evidence (ledger)", "queue");
            alertTable.AddColumn(new TableColumn("why") { Width = 78 });
            foreach (var alert in alerts)
            {
                alertTable.AddRow(
                    Markup.Escape(alert.GetProperty("id").GetString()!),
                    Markup.Escape(alert.GetProperty("detector").GetString()!),
                    Markup.Escape(alert.GetProperty("severity").GetString()!),
                    Markup.Escape(string.Join("\n", alert.GetProperty("readers").EnumerateArray().Select(r => r.GetString()))),
                    Markup.Escape(string.Join(", ", alert.GetProperty("evidence").EnumerateArray().Select(e => e.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)))),
                    Markup.Escape(alert.GetProperty("queue").GetString()!),
                    Markup.Escape(alert.GetProperty("reason").GetString()!));
            }
            if (alerts.Count == 0)
            {
                console.MarkupLine($"[yellow]No alert reached {Markup.Escape(officer)} (is detection on? Detection:Enabled)[/]");
            }
            else
            {
                console.Write(alertTable);
            }

            // The outside auditor's check: the verifier key, the API, and an auditor's token for the
            // entry bodies, which nobody else reads whole (invariant 10).
            // Where the server keeps it, by the same layers of configuration ('custos serve' on a
            // PostgreSQL ledger names it in Ledger:KeyFile).
            var configuration = ConfigCommand.Build(new ServeArguments(DataDirectory: dataDirectory, ConfigFile: parse.GetValue(config)?.FullName));
            var ledger = configuration.GetSection(LedgerOptions.Section).Get<LedgerOptions>() ?? new LedgerOptions();
            using var signer = SignerKeyFile.Read(ledger.ResolveKeyFile(dataDirectory, ledger.ResolveStore(dataDirectory)));
            var auditor = LocalTokens.Mint(signingKey, LedgerEntryAccess.AuditorService, null, TimeSpan.FromMinutes(5));
            var verdict = await RemoteVerifier.VerifyAsync(baseAddress, signer.Verifier, auditor, Path.Combine(dataDirectory, "demo-auditor.checkpoint"), RemoteVerifier.Witnesses.None, cancellation);
            console.MarkupLine($"[bold]Ledger[/] ({Markup.Escape(signer.VerifierKey)}): {Markup.Escape(verdict)}");
            return ExitCodes.Success;
        });

        return new Command("demo", "Demonstrations against a running server.") { incident };
    }

    /// <summary>The officer's alerts once they hold every read of the story the detectors flag: a second at most on a live server.</summary>
    private static async Task<List<JsonElement>> AlertsAsync(HttpClient http, string token, Uri server, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        var alerts = new List<JsonElement>();
        var evidence = -1;
        while (DateTime.UtcNow < deadline)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "v1/alerts");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await Send(http, request, server, cancellation);
            if (!response.IsSuccessStatusCode)
            {
                break;
            }
            alerts = [.. (await response.Content.ReadFromJsonAsync<JsonElement>(cancellation)).GetProperty("alerts").EnumerateArray()];
            var now = alerts.Sum(a => a.GetProperty("evidence").GetArrayLength());
            if (now > 0 && now == evidence)
            {
                break; // settled
            }
            evidence = now;
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellation);
        }
        return alerts;
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, HttpRequestMessage request, Uri server, CancellationToken cancellation)
    {
        try
        {
            return await http.SendAsync(request, cancellation);
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"cannot reach {server} ({e.Message}); start it with 'custos serve'", e);
        }
    }
}
