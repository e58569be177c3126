using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Access;
using Custos.Access.Disclosure;
using Custos.Ledger.Checkpoints;
using Custos.Ledger.Hashing;
using Custos.Ledger.Notes;
using Custos.Ledger.Tree;
using Custos.Tests.Access;
using Custos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Custos.Tests.Detection.Oversight;

namespace Custos.Tests.Server;

/// <summary>
/// Issue 12, finding 4: the ledger said who read whom to anyone who asked. Its integrity stays
/// public (checkpoints, leaf hashes, proofs); its entry bodies reach only the callers allowed to
/// see them (design invariant 10), one test per kind of caller.
/// </summary>
public sealed class LedgerConfidentialityTests
{
    [Fact]
    public async Task Without_a_token_no_entry_body_is_served_but_the_tree_can_still_be_rebuilt_and_checked()
    {
        using var incident = new IncidentApp();
        var read = await ReadAsync(incident, "staff:jules", "US", "user:40002", "customer-support", "case:SUP-1001");
        using var anonymous = incident.App.CreateClient();

        using var entry = await anonymous.GetAsync(new Uri($"/v1/ledger/entries/{read}", UriKind.Relative), Cancel);
        entry.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        entry.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await entry.Content.ReadAsStringAsync(Cancel)).ShouldNotContain("user:40002");

        // What verification needs is public: the checkpoint, every leaf hash, the proofs.
        using var signer = NoteSigner.Parse(await File.ReadAllTextAsync(Path.Combine(incident.App.DataDirectory, "ledger.db.key"), Cancel));
        var checkpoint = Checkpoint.Open(await anonymous.GetStringAsync(new Uri("/v1/ledger/checkpoint", UriKind.Relative), Cancel), signer.Verifier);
        var leaves = await anonymous.GetFromJsonAsync<JsonElement>(new Uri($"/v1/ledger/leaves?start=0&end={checkpoint.Size}", UriKind.Relative), Cancel);
        leaves.GetProperty("start").GetInt64().ShouldBe(0);
        leaves.GetProperty("end").GetInt64().ShouldBe(checkpoint.Size);
        var tree = new CompactRange();
        foreach (var hash in leaves.GetProperty("leaf_hashes").EnumerateArray())
        {
            tree.Append(Convert.FromBase64String(hash.GetString()!));
        }
        tree.Root().ShouldBe(checkpoint.RootHash, "the leaf hashes rebuild the signed tree");

        var bytes = await incident.App.Services.GetRequiredService<IAccessLedger>().ReadEntryAsync(read, Cancel);
        var single = await anonymous.GetFromJsonAsync<JsonElement>(new Uri($"/v1/ledger/leaves/{read}", UriKind.Relative), Cancel);
        single.GetProperty("index").GetInt64().ShouldBe(read);
        Convert.FromBase64String(single.GetProperty("leaf_hash").GetString()!).ShouldBe(Rfc9162.HashLeaf(bytes));
        using var inclusion = await anonymous.GetAsync(new Uri($"/v1/ledger/proofs/inclusion?index={read}", UriKind.Relative), Cancel);
        inclusion.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_reader_cannot_read_the_ledger_entry_of_their_own_read()
    {
        using var incident = new IncidentApp();
        var read = await ReadAsync(incident, "staff:jules", "US", "user:40002", "customer-support", "case:SUP-1001");

        var (status, body) = await EntryAsync(incident, "staff:jules", read);

        status.ShouldBe(HttpStatusCode.Forbidden);
        body.ShouldNotContain("user:40002");
    }

    [Fact]
    public async Task A_subject_reads_the_disclosed_decisions_about_them_and_neither_withheld_ones_nor_anyone_elses()
    {
        using var incident = new IncidentApp();
        var disclosed = await ReadAsync(incident, "staff:jules", "US", "user:40002", "customer-support", "case:SUP-1001");
        // case:TS-2002 names user:40073 and is disclosed only from 2027-01-01: the investigation is not tipped off.
        var withheld = await ReadAsync(incident, "staff:diego", "IE", "user:40073", "trust-safety-investigation", "case:TS-2002");
        var ledger = incident.App.Services.GetRequiredService<IAccessLedger>();

        var (status, body) = await EntryAsync(incident, "user:40002", disclosed);
        status.ShouldBe(HttpStatusCode.OK);
        body.ShouldBe(System.Text.Encoding.UTF8.GetString(await ledger.ReadEntryAsync(disclosed, Cancel)), "the exact bytes, so the subject can prove them against the tree");

        (await EntryAsync(incident, "user:40073", withheld)).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await EntryAsync(incident, "user:40073", disclosed)).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await EntryAsync(incident, "user:40002", withheld)).Status.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Oversight_reads_the_alert_entries_and_the_readers_an_alert_is_about_read_it_through_no_endpoint()
    {
        using var incident = new IncidentApp();
        var app = incident.App;
        var evidence = await DecideAsync(app, AuditorReads[0]);
        await EventuallyAsync(async () => (await AlertsAsync(app, "staff:olu")).Count > 0, "an alert for oversight");
        var alert = (await AlertsAsync(app, "staff:olu"))[0];
        var id = alert.GetProperty("id").GetString()!;
        var (_, detail) = await GetAsync(app, "staff:olu", $"/v1/alerts/{id}");
        var raised = detail.GetProperty("proofs").GetProperty("alert_entries")[0].GetProperty("ledger_index").GetInt64();

        var (status, body) = await EntryAsync(incident, "staff:olu", raised);
        status.ShouldBe(HttpStatusCode.OK);
        body.ShouldContain(id);
        (await EntryAsync(incident, "staff:olu", evidence)).Status.ShouldBe(HttpStatusCode.Forbidden, "oversight proves evidence through its alert, not by reading the ledger");

        // The suspects (internal auditors: the world's role "auditor" makes no ledger auditor),
        // their manager and his, and the journalist the alert names.
        foreach (var outsider in new[] { "staff:mason", "staff:wei", "staff:lin", "staff:ceo", "user:10042" })
        {
            var refused = await EntryAsync(incident, outsider, raised);
            refused.Status.ShouldBe(HttpStatusCode.Forbidden, outsider);
            refused.Body.ShouldNotContain(alert.GetProperty("reason").GetString()!);
            (await GetAsync(app, outsider, "/v1/alerts")).Status.ShouldBe(HttpStatusCode.Forbidden, outsider);
            (await GetAsync(app, outsider, $"/v1/alerts/{id}")).Status.ShouldBe(HttpStatusCode.Forbidden, outsider);
        }
        // Nor does a suspect's own access report (of his account as a platform user) mention it.
        var (_, report) = await GetAsync(app, "user:90005", "/v1/subjects/user:90005/access-report");
        report.ToString().ShouldNotContain(id);

        // An officer under a standing revocation holds no power, here as anywhere (invariant 9).
        var (revoked, revocation) = await incident.PostAsync("/v1/revocations", "staff:greta", "IE", new { staff = "staff:olu", reason = "on leave pending review" });
        revoked.ShouldBe(201, revocation.ToString());
        (await EntryAsync(incident, "staff:olu", raised)).Status.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_auditor_reads_every_entry_byte_for_byte()
    {
        using var incident = new IncidentApp();
        var app = incident.App;
        await ReadAsync(incident, "staff:diego", "IE", "user:40073", "trust-safety-investigation", "case:TS-2002");
        await DecideAsync(app, AuditorReads[0]);
        await EventuallyAsync(async () => (await AlertsAsync(app, "staff:olu")).Count > 0, "an alert for oversight");
        var ledger = app.Services.GetRequiredService<IAccessLedger>();
        var size = await ledger.SizeAsync(Cancel);

        for (long i = 0; i < size; i++)
        {
            var (status, body) = await EntryAsync(incident, "service:auditor-kpmg", i);
            status.ShouldBe(HttpStatusCode.OK, $"entry {i}");
            body.ShouldBe(System.Text.Encoding.UTF8.GetString(await ledger.ReadEntryAsync(i, Cancel)));
        }
        (await EntryAsync(incident, "service:auditorium", 0)).Status.ShouldBe(HttpStatusCode.Forbidden, "only service:auditor and service:auditor-NAME");
        (await EntryAsync(incident, "service:idp", 0)).Status.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_staff_ledger_auditor_reads_every_entry_while_active_and_unrevoked_but_never_an_alert_about_their_chain()
    {
        using var temp = new TempDirectory();
        var world = WorldWith(temp, w =>
        {
            foreach (var (id, roles) in new[] { ("staff:nadia", new[] { "privacy-officer", "ledger-auditor" }), ("staff:lin", new[] { "auditor", "manager", "ledger-auditor" }), ("staff:omar", new[] { "support-agent", "ledger-auditor" }) })
            {
                w["staff"]!.AsArray().Single(s => (string?)s!["id"] == id)!["roles"] = new JsonArray([.. roles.Select(r => JsonValue.Create(r))]);
            }
        });
        var clock = new FakeTimeProvider(IncidentApp.IncidentTime);
        var incident = new IncidentApp.Wrapper(new CustosApp(world: world, time: clock), clock);
        using var app = incident.App;
        var evidence = await DecideAsync(app, AuditorReads[0]);
        await EventuallyAsync(async () => (await AlertsAsync(app, "staff:olu")).Count > 0, "an alert for oversight");
        var id = (await AlertsAsync(app, "staff:olu"))[0].GetProperty("id").GetString()!;
        var raised = (await GetAsync(app, "staff:olu", $"/v1/alerts/{id}")).Body.GetProperty("proofs").GetProperty("alert_entries")[0].GetProperty("ledger_index").GetInt64();

        (await EntryAsync(incident, "staff:nadia", evidence)).Status.ShouldBe(HttpStatusCode.OK);
        (await EntryAsync(incident, "staff:nadia", raised)).Status.ShouldBe(HttpStatusCode.OK);
        (await EntryAsync(incident, "staff:lin", evidence)).Status.ShouldBe(HttpStatusCode.OK);
        (await EntryAsync(incident, "staff:lin", raised)).Status.ShouldBe(HttpStatusCode.Forbidden, "the suspect's manager, ledger auditor or not");
        (await EntryAsync(incident, "staff:omar", evidence)).Status.ShouldBe(HttpStatusCode.Forbidden, "an inactive auditor holds no power");

        var (revoked, revocation) = await incident.PostAsync("/v1/revocations", "staff:greta", "IE", new { staff = "staff:nadia", reason = "audit engagement ended" });
        revoked.ShouldBe(201, revocation.ToString());
        (await EntryAsync(incident, "staff:nadia", evidence)).Status.ShouldBe(HttpStatusCode.Forbidden, "nor a revoked one");
    }

    private static async Task<long> ReadAsync(IncidentApp incident, string reader, string location, string subject, string purpose, string @case)
    {
        var (status, body) = await incident.PostAsync("/v1/decisions", reader, location, new { subject, categories = new[] { "profile.basic" }, purpose, @case });
        status.ShouldBe(200, body.ToString());
        return body.GetProperty("ledger_index").GetInt64();
    }

    private static async Task<(HttpStatusCode Status, string Body)> EntryAsync(IIncident incident, string identity, long index)
    {
        using var client = incident.App.ClientAs(identity, "US");
        using var response = await client.GetAsync(new Uri($"/v1/ledger/entries/{index}", UriKind.Relative), Cancel);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Cancel));
    }
}
