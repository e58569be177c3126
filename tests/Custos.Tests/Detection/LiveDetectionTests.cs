using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Access;
using Custos.Cli;
using Custos.Ledger.Checkpoints;
using Custos.Ledger.Hashing;
using Custos.Ledger.Notes;
using Custos.Ledger.Proofs;
using Custos.Oversight;
using Custos.Tests.Access;
using Custos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Custos.Tests.Detection.Oversight;

namespace Custos.Tests.Detection;

/// <summary>
/// Detection inside the running server (issue 8, live): the incident of design section 1 is
/// driven through the decision API and oversight sees it within a second, provably, and only
/// the people independent of the auditors see it.
/// </summary>
public sealed class LiveDetectionTests
{
    [Fact]
    public async Task The_incident_reaches_oversight_within_a_second_of_its_first_read_and_never_the_auditors_chain()
    {
        using var incident = new IncidentApp();
        var app = incident.App;

        var first = await DecideAsync(app, AuditorReads[0]);
        var seen = await EventuallyAsync(
            async () => (await AlertsAsync(app, "staff:olu")).Any(a => Evidence(a).Contains(first)),
            "the alert of the first read at GET /v1/alerts");
        TestContext.Current.TestOutputHelper?.WriteLine($"decision {first} answered → alert listed after {seen.TotalMilliseconds:F0} ms");
        seen.ShouldBeLessThan(TimeSpan.FromSeconds(1));

        // The rest of the story: both journalists, their contacts, from the US and from China.
        var indexes = new List<long> { first };
        foreach (var read in AuditorReads.Skip(1))
        {
            var index = await DecideAsync(app, read);
            indexes.Add(index);
            var latency = await EventuallyAsync(
                async () => (await AlertsAsync(app, "staff:olu")).Any(a => Evidence(a).Contains(index)),
                $"read {index} ({read.Reader} → {read.Subject}) in an alert's evidence");
            TestContext.Current.TestOutputHelper?.WriteLine($"decision {index} answered → in an alert's evidence after {latency.TotalMilliseconds:F0} ms");
            latency.ShouldBeLessThan(TimeSpan.FromSeconds(1));
        }

        var alerts = await AlertsAsync(app, "staff:olu");
        alerts.ShouldNotBeEmpty();
        alerts.SelectMany(a => Strings(a, "readers")).Distinct().ShouldBe(["staff:mason", "staff:harper", "staff:wei", "staff:chen"], ignoreOrder: true);
        alerts.SelectMany(Evidence).ShouldBe(indexes, ignoreOrder: true);
        foreach (var alert in alerts)
        {
            alert.GetProperty("queue").GetString().ShouldBe("dept:oversight");
            alert.GetProperty("state").GetString().ShouldBe("open");
            alert.GetProperty("status").GetString().ShouldBe("new");
            alert.GetProperty("severity").GetString().ShouldBeOneOf("high", "critical");
            alert.GetProperty("reason").GetString().ShouldNotBeNullOrWhiteSpace();
        }
        (await AlertsAsync(app, "staff:greta")).Count.ShouldBe(alerts.Count, "both officers of the oversight office work its queue");

        // Nobody in the auditors' department or chain reads them, nor anyone outside oversight.
        foreach (var outsider in new[] { "staff:lin", "staff:mason", "staff:ceo", "staff:amara", "user:10042" })
        {
            var (status, problem) = await GetAsync(app, outsider, "/v1/alerts");
            status.ShouldBe(HttpStatusCode.Forbidden, outsider);
            problem.GetProperty("status").GetInt32().ShouldBe(403);
            (await GetAsync(app, outsider, $"/v1/alerts/{alerts[0].GetProperty("id").GetString()}")).Status.ShouldBe(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task Each_piece_of_evidence_is_proven_against_the_signed_checkpoint_without_trusting_the_server()
    {
        using var incident = new IncidentApp();
        var app = incident.App;
        var reads = new List<long>();
        foreach (var read in AuditorReads.Take(4))
        {
            reads.Add(await DecideAsync(app, read));
        }
        await EventuallyAsync(async () => (await AlertsAsync(app, "staff:olu")).SelectMany(Evidence).Count() == 4, "four reads in evidence");
        var id = (await AlertsAsync(app, "staff:olu"))[0].GetProperty("id").GetString()!;

        var (status, detail) = await GetAsync(app, "staff:olu", $"/v1/alerts/{id}");

        status.ShouldBe(HttpStatusCode.OK);
        // The officer holds only the verifier key (here, read from the key file as an auditor would be given it).
        using var signer = NoteSigner.Parse(await File.ReadAllTextAsync(Path.Combine(app.DataDirectory, "ledger.db.key"), Cancel));
        var proofs = detail.GetProperty("proofs");
        var checkpoint = Checkpoint.Open(proofs.GetProperty("checkpoint").GetString()!, signer.Verifier);
        checkpoint.Size.ShouldBe(proofs.GetProperty("tree_size").GetInt64());
        var alert = detail.GetProperty("alert");
        var evidence = proofs.GetProperty("evidence").EnumerateArray().ToList();
        evidence.Select(e => e.GetProperty("ledger_index").GetInt64()).ShouldBe(Evidence(alert).ToList());
        foreach (var proven in evidence)
        {
            var index = proven.GetProperty("ledger_index").GetInt64();
            var bytes = Convert.FromBase64String(proven.GetProperty("entry_base64").GetString()!);
            var hashes = proven.GetProperty("proof").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!)).ToList();
            ProofVerifier.VerifyInclusion((ulong)index, (ulong)checkpoint.Size, Rfc9162.HashLeaf(bytes), hashes, checkpoint.RootHash);
            // What was proven is the decision itself: by one of the alert's readers, about one of its subjects.
            var entry = JsonNode.Parse(bytes)!;
            ((string?)entry["type"]).ShouldBe("decision");
            Strings(alert, "readers").ShouldContain((string)entry["reader"]!);
            Strings(alert, "subjects").ShouldContain((string)entry["subject"]!);
            proven.GetProperty("entry").GetProperty("reader").GetString().ShouldBe((string)entry["reader"]!);
        }
        // The alert itself is in the ledger too, and proven the same way.
        var own = proofs.GetProperty("alert_entries").EnumerateArray().ToList();
        own.ShouldNotBeEmpty();
        foreach (var proven in own)
        {
            var bytes = Convert.FromBase64String(proven.GetProperty("entry_base64").GetString()!);
            var hashes = proven.GetProperty("proof").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!)).ToList();
            ProofVerifier.VerifyInclusion((ulong)proven.GetProperty("ledger_index").GetInt64(), (ulong)checkpoint.Size, Rfc9162.HashLeaf(bytes), hashes, checkpoint.RootHash);
            ((string?)JsonNode.Parse(bytes)!["alert"]).ShouldBe(id);
        }

        // A tampered entry does not verify.
        var first = evidence[0];
        var forged = Convert.FromBase64String(first.GetProperty("entry_base64").GetString()!);
        forged[^2] ^= 1;
        Should.Throw<ProofVerificationException>(() => ProofVerifier.VerifyInclusion(
            (ulong)first.GetProperty("ledger_index").GetInt64(), (ulong)checkpoint.Size, Rfc9162.HashLeaf(forged),
            [.. first.GetProperty("proof").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!))], checkpoint.RootHash));
    }

    [Fact]
    public async Task Triage_is_ledgered_with_who_and_when_and_only_oversight_may_triage()
    {
        using var incident = new IncidentApp();
        var app = incident.App;
        await DecideAsync(app, AuditorReads[0]);
        await EventuallyAsync(async () => (await AlertsAsync(app, "staff:olu")).Count == 1, "the alert");
        var id = (await AlertsAsync(app, "staff:olu"))[0].GetProperty("id").GetString()!;

        var (refused, _) = await TriageAsync(app, "staff:mason", id, new { outcome = "benign", note = "nothing to see" });
        refused.ShouldBe(HttpStatusCode.Forbidden);
        var (invalid, problem) = await TriageAsync(app, "staff:olu", id, new { outcome = "fine" });
        invalid.ShouldBe(HttpStatusCode.UnprocessableEntity);
        problem.GetProperty("errors").TryGetProperty("outcome", out _).ShouldBeTrue();
        (await TriageAsync(app, "staff:olu", "alr-999", new { outcome = "benign" })).Status.ShouldBe(HttpStatusCode.NotFound);

        incident.Clock.Advance(TimeSpan.FromMinutes(30));
        var note = "Confirmed with the audit lead: no case names user:10042.";
        var (status, triage) = await TriageAsync(app, "staff:olu", id, new { outcome = "confirmed", note });

        status.ShouldBe(HttpStatusCode.OK, triage.ToString());
        var index = triage.GetProperty("ledger_index").GetInt64();
        var entry = (await LedgerAsync(app))[(int)index];
        ((string?)entry["type"]).ShouldBe("alert-triage");
        ((string?)entry["alert"]).ShouldBe(id);
        ((string?)entry["outcome"]).ShouldBe("confirmed");
        ((string?)entry["by"]).ShouldBe("staff:olu");
        ((string?)entry["time"]).ShouldBe("2026-06-03T14:35:00Z");
        // The ledger holds the note's hash, never its text.
        ((string?)entry["note_sha256"]).ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(note))));
        entry.ToJsonString().ShouldNotContain("audit lead");

        var alert = (await AlertsAsync(app, "staff:greta")).Single();
        alert.GetProperty("status").GetString().ShouldBe("confirmed");
        var recorded = alert.GetProperty("triage").EnumerateArray().Single();
        recorded.GetProperty("by").GetString().ShouldBe("staff:olu");
        recorded.GetProperty("note").GetString().ShouldBe(note);
        recorded.GetProperty("ledger_index").GetInt64().ShouldBe(index);
        (await AlertsAsync(app, "staff:olu", "?status=confirmed")).Count.ShouldBe(1);
        (await AlertsAsync(app, "staff:olu", "?status=new")).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_oversight_officer_in_the_suspects_management_chain_never_sees_the_alert()
    {
        using var temp = new TempDirectory();
        // The CEO manages the auditors' manager; give them the oversight role as well.
        var world = WorldWith(temp, w =>
        {
            var ceo = w["staff"]!.AsArray().Single(s => (string?)s!["id"] == "staff:ceo")!;
            ceo["roles"] = new JsonArray("executive", "oversight");
        });
        using var app = new CustosApp(world: world, time: new FakeTimeProvider(IncidentApp.IncidentTime));
        await DecideAsync(app, AuditorReads[0]);
        await EventuallyAsync(async () => (await AlertsAsync(app, "staff:olu")).Count == 1, "the alert, for the oversight office");
        var id = (await AlertsAsync(app, "staff:olu"))[0].GetProperty("id").GetString()!;

        (await AlertsAsync(app, "staff:ceo")).ShouldBeEmpty();
        (await GetAsync(app, "staff:ceo", $"/v1/alerts/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await TriageAsync(app, "staff:ceo", id, new { outcome = "benign" })).Status.ShouldBe(HttpStatusCode.NotFound);

        // The CEO may still see alerts about people outside their chain: here, nobody is outside it but oversight itself.
        await DecideAsync(app, new DemoCommand.StoryRead("staff:greta", "IE", "user:10043", "journalist", ["network.ip_address"], "internal-audit", null));
        await EventuallyAsync(async () => (await AlertsAsync(app, "staff:ceo")).Count == 1, "the alert about the oversight officer, for the CEO");
        var aboutGreta = (await AlertsAsync(app, "staff:ceo")).Single();
        Strings(aboutGreta, "readers").ShouldBe(["staff:greta"]);
        aboutGreta.GetProperty("queue").GetString().ShouldBe("dept:platform");
        (await AlertsAsync(app, "staff:olu")).Select(a => a.GetProperty("id").GetString()).ShouldBe([id], "greta's manager never sees the alert about her");
        (await AlertsAsync(app, "staff:greta")).Select(a => a.GetProperty("id").GetString()).ShouldBe([id]);
    }

    [Fact]
    public async Task An_alert_no_one_inside_is_independent_of_goes_to_the_external_reviewers()
    {
        using var app = new CustosApp(time: new FakeTimeProvider(IncidentApp.IncidentTime),
            settings: new Dictionary<string, string?> { ["Detection:Routing:ExternalReviewers:0"] = "counsel:acme" });
        // Greta's office is the only one with oversight staff, and her manager runs it.
        await DecideAsync(app, new DemoCommand.StoryRead("staff:greta", "IE", "user:10043", "journalist", ["network.ip_address"], "internal-audit", null));

        await EventuallyAsync(async () => (await AlertsAsync(app, "counsel:acme")).Count == 1, "the alert, for outside counsel");
        var alert = (await AlertsAsync(app, "counsel:acme")).Single();
        alert.GetProperty("queue").GetString().ShouldBe("external");
        (await AlertsAsync(app, "staff:olu")).ShouldBeEmpty();
        (await AlertsAsync(app, "staff:greta")).ShouldBeEmpty();
        (await TriageAsync(app, "counsel:acme", alert.GetProperty("id").GetString()!, new { outcome = "needs-info", note = "asked for the case" })).Status.ShouldBe(HttpStatusCode.OK);
        (await GetAsync(app, "counsel:other", "/v1/alerts")).Status.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("?status=open", "status")]
    [InlineData("?state=gone", "state")]
    [InlineData("?severity=huge", "severity")]
    [InlineData("?severity=2", "severity")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=500", "limit")]
    [InlineData("?cursor=abc", "cursor")]
    public async Task Bad_filters_are_problems_naming_the_parameter(string query, string parameter)
    {
        using var app = new CustosApp();

        var (status, problem) = await GetAsync(app, "staff:olu", "/v1/alerts" + query);

        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(parameter, out _).ShouldBeTrue(problem.ToString());
    }

    [Fact]
    public async Task A_time_that_is_not_one_is_a_problem()
    {
        using var app = new CustosApp();

        var (status, problem) = await GetAsync(app, "staff:olu", "/v1/alerts?since=yesterday");

        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString()!.ShouldContain("since");
    }

    [Fact]
    public async Task Filters_and_pages_narrow_what_an_officer_sees()
    {
        using var incident = new IncidentApp();
        var app = incident.App;
        // Three unrelated alerts: three readers, three protected subjects, no shared department.
        await DecideAsync(app, new DemoCommand.StoryRead("staff:jules", "US", "user:10042", "journalist", ["network.ip_address"], "customer-support", null));
        await DecideAsync(app, new DemoCommand.StoryRead("staff:amara", "US", "user:30003", "minor", ["network.ip_address"], "trust-safety-investigation", null));
        await DecideAsync(app, new DemoCommand.StoryRead("staff:tariq", "NL", "user:20001", "public figure", ["location.precise"], "fraud-prevention", null));
        await EventuallyAsync(async () => (await AlertsAsync(app, "staff:olu")).Count == 3, "three alerts");

        var page = await GetAsync(app, "staff:olu", "/v1/alerts?limit=2");
        var ids = page.Body.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        var cursor = page.Body.GetProperty("next_cursor").GetString();
        var rest = await GetAsync(app, "staff:olu", $"/v1/alerts?limit=2&cursor={cursor}");

        ids.Count.ShouldBe(2);
        rest.Body.GetProperty("alerts").GetArrayLength().ShouldBe(1);
        rest.Body.GetProperty("next_cursor").ValueKind.ShouldBe(JsonValueKind.Null);
        (await AlertsAsync(app, "staff:olu", "?reader=staff:amara")).Single().GetProperty("subjects")[0].GetString().ShouldBe("user:30003");
        (await AlertsAsync(app, "staff:olu", "?subject=user:20001")).Single().GetProperty("readers")[0].GetString().ShouldBe("staff:tariq");
        (await AlertsAsync(app, "staff:olu", "?detector=nothing")).ShouldBeEmpty();
        (await AlertsAsync(app, "staff:olu", "?state=closed")).ShouldBeEmpty();
        (await AlertsAsync(app, "staff:olu", "?since=2026-06-03T14:05:00Z&until=2026-06-03T14:05:01Z")).Count.ShouldBe(3);
        (await AlertsAsync(app, "staff:olu", "?until=2026-06-03T14:05:00Z")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_full_feed_never_holds_up_a_decision_and_nothing_is_missed()
    {
        using var app = new CustosApp(time: new FakeTimeProvider(IncidentApp.IncidentTime),
            settings: new Dictionary<string, string?> { ["Detection:QueueCapacity"] = "16" });
        var legitimate = new DemoCommand.StoryRead("staff:jules", "US", "user:40002", "customer", ["profile.basic"], "customer-support", "case:SUP-1001");
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            for (var i = 0; i < 40; i++)
            {
                await DecideAsync(app, legitimate);
            }
        }));
        var last = await DecideAsync(app, AuditorReads[0]);

        await EventuallyAsync(async () => (await AlertsAsync(app, "staff:olu")).Any(a => Evidence(a).Contains(last)), "the alert after a burst");
        var worker = app.Services.GetRequiredService<DetectionWorker>();
        await EventuallyAsync(() => Task.FromResult(worker.ProjectedThrough > last), "detection through the last decision");
        (await AlertsAsync(app, "staff:olu")).Single().GetProperty("readers")[0].GetString().ShouldBe("staff:mason");
    }

    [Fact]
    public async Task A_world_activated_through_the_ledger_is_the_one_later_decisions_are_examined_against()
    {
        using var temp = new TempDirectory();
        // The next world (a sync) lists user:40100 as a journalist; the demo world does not.
        var next = WorldWith(temp, w =>
        {
            var subject = w["subjects"]!.AsArray().Single(s => (string?)s!["id"] == "user:40100")!;
            subject["protected"] = new JsonArray("journalist");
        });
        using var incident = new IncidentApp();
        var app = incident.App;
        var look = new DemoCommand.StoryRead("staff:jules", "US", "user:40100", "customer", ["network.ip_address"], "customer-support", null);
        var before = await DecideAsync(app, look);

        await app.Services.GetRequiredService<Custos.Access.Projections.AccessLoader>()
            .ActivateAsync(Custos.Access.Projections.WorldDocument.Read(next), null, "staff:sam", Cancel);
        var after = await DecideAsync(app, look);

        JsonElement alert = default;
        await EventuallyAsync(async () =>
        {
            alert = (await AlertsAsync(app, "staff:olu")).SingleOrDefault(a => Evidence(a).Contains(after));
            return alert.ValueKind != JsonValueKind.Undefined;
        }, "the read of a subject protected in the new world, alerted");
        alert.GetProperty("reason").GetString()!.ShouldContain("journalist");
        Evidence(alert).ShouldNotContain(before, "the same read under the old world was of nobody protected");
    }

    [Fact]
    public async Task A_merged_alert_names_the_one_holding_its_evidence_and_is_triaged_there()
    {
        using var incident = new IncidentApp();
        var app = incident.App;
        // Mason and harper start two alerts (two journalists); wei's read of mason's journalist
        // and chen's of harper's, then the contacts, join the two into one campaign.
        foreach (var read in AuditorReads)
        {
            await DecideAsync(app, read);
        }
        await EventuallyAsync(async () => (await AlertsAsync(app, "staff:olu", "?state=merged")).Count == 1, "the merged alert");

        var merged = (await AlertsAsync(app, "staff:olu", "?state=merged")).Single();
        var into = merged.GetProperty("merged_into").GetString()!;
        var holder = (await AlertsAsync(app, "staff:olu")).Single();
        holder.GetProperty("id").GetString().ShouldBe(into);
        Evidence(holder).ShouldBe(Evidence(merged).Union(Evidence(holder)), ignoreOrder: true, "the campaign's alert holds the merged one's evidence");
        var (status, problem) = await TriageAsync(app, "staff:olu", merged.GetProperty("id").GetString()!, new { outcome = "benign" });
        status.ShouldBe(HttpStatusCode.Conflict);
        problem.GetProperty("detail").GetString()!.ShouldContain(into);
    }
}
