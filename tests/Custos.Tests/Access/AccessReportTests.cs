using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Custos.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Tests.Access;

/// <summary>Each user can see who read their data — by role and department, never by name — when, what and why.</summary>
public sealed class AccessReportTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_user_sees_every_decision_about_their_data_without_the_readers_name()
    {
        using var incident = new IncidentApp();
        await incident.PostAsync("/v1/decisions", "staff:jules", "US", new { subject = "user:40002", categories = new[] { "profile.basic", "profile.contact" }, purpose = "customer-support", @case = "case:SUP-1001" });
        await incident.PostAsync("/v1/decisions", "staff:mason", "US", new { subject = "user:40002", categories = new[] { "network.ip_address" }, purpose = "internal-audit", @case = "case:IA-7" });
        await incident.PostAsync("/v1/decisions", "staff:jules", "US", new { subject = "user:40005", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" });

        using var user = incident.App.ClientAs("user:40002");
        using var response = await user.GetAsync(new Uri("/v1/subjects/user:40002/access-report", UriKind.Relative), Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        text.ShouldNotContain("staff:", customMessage: "a report never names the staff member");
        var report = JsonDocument.Parse(text).RootElement;
        var reads = report.GetProperty("reads").EnumerateArray().ToList();
        reads.Count.ShouldBe(2, "the read of another user is not in this report");
        var support = reads[0];
        support.GetProperty("reader").GetProperty("department").GetString().ShouldBe("dept:support");
        support.GetProperty("reader").GetProperty("department_name").GetString().ShouldBe("Customer Support");
        support.GetProperty("reader").GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldBe(["support-agent"]);
        support.GetProperty("purpose").GetString().ShouldBe("customer-support");
        support.GetProperty("case").GetString().ShouldBe("case:SUP-1001");
        support.GetProperty("categories").GetProperty("profile.contact").GetProperty("effect").GetString().ShouldBe("masked");
        support.GetProperty("time").GetString().ShouldBe("2026-06-03T14:05:00Z");
        var audit = reads[1];
        audit.GetProperty("reader").GetProperty("department_name").GetString().ShouldBe("Internal Audit and Risk Control");
        audit.GetProperty("decision").GetString().ShouldBe("deny", "refused attempts are shown too");
        audit.GetProperty("ledger_index").GetInt64().ShouldBeGreaterThan(support.GetProperty("ledger_index").GetInt64());
        report.GetProperty("withheld").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task With_proofs_each_line_is_proved_in_the_signed_checkpoint_and_the_subject_alone_gets_the_entries()
    {
        using var incident = new IncidentApp();
        await incident.PostAsync("/v1/decisions", "staff:jules", "US", new { subject = "user:40002", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" });
        await incident.PostAsync("/v1/decisions", "staff:jules", "US", new { subject = "user:40005", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" });
        await incident.PostAsync("/v1/decisions", "staff:mason", "US", new { subject = "user:40002", categories = new[] { "network.ip_address" }, purpose = "internal-audit", @case = "case:IA-7" });
        using var logKey = Custos.Ledger.Notes.NoteSigner.Parse(await File.ReadAllTextAsync(Path.Combine(incident.App.DataDirectory, "ledger.db.key"), Cancel));
        const string ProvedReport = "/v1/subjects/user:40002/access-report?proofs=true";

        using var user = incident.App.ClientAs("user:40002");
        var report = await user.GetFromJsonAsync<JsonElement>(new Uri(ProvedReport, UriKind.Relative), Cancel);
        var checkpoint = Custos.Ledger.Checkpoints.Checkpoint.Open(report.GetProperty("checkpoint").GetString()!, logKey.Verifier);
        var reads = report.GetProperty("reads").EnumerateArray().ToList();
        reads.Count.ShouldBe(2);
        foreach (var line in reads)
        {
            var index = line.GetProperty("ledger_index").GetInt64();
            var entry = Convert.FromBase64String(line.GetProperty("entry").GetString()!);
            var proof = line.GetProperty("inclusion_proof").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!)).ToList();
            Custos.Ledger.Proofs.ProofVerifier.VerifyInclusion((ulong)index, (ulong)checkpoint.Size, Custos.Ledger.Hashing.Rfc9162.HashLeaf(entry), proof, checkpoint.RootHash);
            var body = JsonDocument.Parse(entry).RootElement.GetRawText();
            body.ShouldContain("\"user:40002\"");
            body.ShouldContain($"\"{line.GetProperty("purpose").GetString()}\"");
            body.ShouldContain($"\"{line.GetProperty("case").GetString()}\"");
            // Another entry's bytes do not pass this line's proof.
            var other = Convert.FromBase64String(reads.Single(r => r.GetProperty("ledger_index").GetInt64() != index).GetProperty("entry").GetString()!);
            Should.Throw<Custos.Ledger.Proofs.ProofVerificationException>(() => Custos.Ledger.Proofs.ProofVerifier.VerifyInclusion(
                (ulong)index, (ulong)checkpoint.Size, Custos.Ledger.Hashing.Rfc9162.HashLeaf(other), proof, checkpoint.RootHash));
        }

        // Oversight may read the report, not the entries (they name the readers): proofs only.
        using var oversight = incident.App.ClientAs("staff:olu", "US");
        var seen = await oversight.GetFromJsonAsync<JsonElement>(new Uri(ProvedReport, UriKind.Relative), Cancel);
        foreach (var line in seen.GetProperty("reads").EnumerateArray())
        {
            line.TryGetProperty("entry", out _).ShouldBeFalse();
            line.GetProperty("inclusion_proof").GetArrayLength().ShouldBeGreaterThan(0);
        }
        // Without proofs=true the report is as before.
        var plain = await user.GetFromJsonAsync<JsonElement>(new Uri("/v1/subjects/user:40002/access-report", UriKind.Relative), Cancel);
        plain.TryGetProperty("checkpoint", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Reads_under_an_undisclosed_case_naming_the_user_are_withheld_and_counted_until_the_date()
    {
        using var incident = new IncidentApp();
        // case:TS-2002 names user:40073 and is disclosed from 2027-01-01.
        await incident.PostAsync("/v1/decisions", "staff:diego", "IE", new { subject = "user:40073", categories = new[] { "network.ip_address" }, purpose = "trust-safety-investigation", @case = "case:TS-2002" });
        // The same case cannot hide a read of someone it does not name.
        await incident.PostAsync("/v1/decisions", "staff:diego", "IE", new { subject = "user:40002", categories = new[] { "profile.basic" }, purpose = "trust-safety-investigation", @case = "case:TS-2002" });

        using var oversight = incident.App.ClientAs("staff:olu", "US");
        var named = await oversight.GetFromJsonAsync<JsonElement>(new Uri("/v1/subjects/user:40073/access-report", UriKind.Relative), Cancel);
        var notNamed = await oversight.GetFromJsonAsync<JsonElement>(new Uri("/v1/subjects/user:40002/access-report", UriKind.Relative), Cancel);

        named.GetProperty("reads").GetArrayLength().ShouldBe(0);
        named.GetProperty("withheld").GetInt32().ShouldBe(1);
        notNamed.GetProperty("reads").GetArrayLength().ShouldBe(1);
        notNamed.GetProperty("withheld").GetInt32().ShouldBe(0);

        incident.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 2, 0, 0, 0, TimeSpan.Zero));
        var later = await oversight.GetFromJsonAsync<JsonElement>(new Uri("/v1/subjects/user:40073/access-report", UriKind.Relative), Cancel);
        later.GetProperty("reads").GetArrayLength().ShouldBe(1);
        later.GetProperty("withheld").GetInt32().ShouldBe(0);
    }

    [Theory]
    [InlineData("user:40005", HttpStatusCode.Forbidden)]
    [InlineData("staff:jules", HttpStatusCode.Forbidden)]
    [InlineData("staff:olu", HttpStatusCode.OK)]
    [InlineData("user:40002", HttpStatusCode.OK)]
    public async Task Only_the_user_and_oversight_may_read_a_report(string caller, HttpStatusCode expected)
    {
        using var incident = new IncidentApp();
        using var client = incident.App.ClientAs(caller, "US");

        using var response = await client.GetAsync(new Uri("/v1/subjects/user:40002/access-report", UriKind.Relative), Cancel);

        response.StatusCode.ShouldBe(expected);
    }

    [Fact]
    public async Task The_report_is_rebuilt_from_the_ledger_after_a_restart()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        using (var first = new CustosApp(dataDirectory: data, time: new FakeTimeProvider(IncidentApp.IncidentTime)))
        {
            using var client = first.ClientAs("staff:jules", "US");
            (await client.PostAsJsonAsync(new Uri("/v1/decisions", UriKind.Relative), new { subject = "user:40002", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" }, Cancel))
                .StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        // Lose the projection entirely: it is only a view of the ledger.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(Path.Combine(data, "custos.db"));
        File.Delete(Path.Combine(data, "custos.db-wal"));
        File.Delete(Path.Combine(data, "custos.db-shm"));

        using var second = new CustosApp(dataDirectory: data, time: new FakeTimeProvider(IncidentApp.IncidentTime));
        using var user = second.ClientAs("user:40002");
        var report = await user.GetFromJsonAsync<JsonElement>(new Uri("/v1/subjects/user:40002/access-report", UriKind.Relative), Cancel);

        report.GetProperty("reads").GetArrayLength().ShouldBe(1);
    }
}
