using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Custos.Server.Authentication;
using Custos.Tests.Support;
using static Custos.Tests.Detection.Oversight;

namespace Custos.Tests.Cli;

/// <summary>
/// Oversight's work from a terminal, so that nothing needs curl: <c>custos alerts
/// list|show|triage</c>, <c>custos access break-glass|review</c>, <c>custos access
/// revocations|lift</c>, and the justification and duration an approver reads in
/// <c>custos access pending</c>. Run as processes against a running server.
/// </summary>
public sealed partial class OversightCommandTests(AccessServer fixture) : IClassFixture<AccessServer>
{
    private Task<ProcessResult> Alerts(string caller, params string[] args) =>
        CustosProcess.RunAsync(["alerts", .. args, "--server", fixture.Server.BaseAddress.ToString(), "--as", caller, "--location", "US", "--data", fixture.Data]);

    private async Task<System.Text.Json.JsonElement> PostAsync(string caller, string path, object body)
    {
        using var client = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            LocalTokens.Mint(LocalSigningKey.LoadOrCreate(fixture.Data), caller, "US", TimeSpan.FromMinutes(5)));
        using var response = await client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, TestContext.Current.CancellationToken);
        var json = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken);
        response.IsSuccessStatusCode.ShouldBeTrue(json.ToString());
        return json;
    }

    [Fact]
    public async Task Oversight_lists_shows_and_triages_an_alert_and_a_suspect_cannot()
    {
        var read = AuditorReads[0];
        var index = (await PostAsync(read.Reader, "/v1/decisions", new { subject = read.Subject, categories = read.Categories, purpose = read.Purpose, @case = read.Case }))
            .GetProperty("ledger_index").GetInt64();

        string? id = null;
        await EventuallyAsync(async () =>
        {
            var listed = await Alerts("staff:olu", "list");
            listed.ExitCode.ShouldBe(0, listed.StandardError);
            id = AlertId().Match(listed.StandardOutput) is { Success: true } match ? match.Value : null;
            return id is not null;
        }, "the alert in 'custos alerts list'");
        var list = await Alerts("staff:olu", "list");
        list.StandardOutput.ShouldStartWith("ID ");
        list.StandardOutput.ShouldContain(read.Reader);

        var show = await Alerts("staff:olu", "show", id!);
        show.ExitCode.ShouldBe(0, show.StandardError);
        show.StandardOutput.ShouldContain($"Readers:  {read.Reader}");
        show.StandardOutput.ShouldContain($"Subjects: {read.Subject}");
        show.StandardOutput.ShouldContain($"Evidence: 1 ledger entries ({index})");

        var triage = await Alerts("staff:olu", "triage", id!, "--outcome", "confirmed", "--note", "No case names this subject; referred to counsel.");
        triage.ExitCode.ShouldBe(0, triage.StandardError);
        triage.StandardOutput.ShouldStartWith($"Triaged {id} as confirmed (ledger entry ");
        (await Alerts("staff:olu", "show", id!)).StandardOutput.ShouldContain("staff:olu: confirmed — No case names this subject; referred to counsel.");

        // The reader the alert is about is not oversight: refused, one line, exit 1.
        var suspect = await Alerts(read.Reader, "list");
        suspect.ExitCode.ShouldBe(1);
        suspect.ErrorLines.ShouldHaveSingleItem().ShouldStartWith("custos: 403 ");

        var wrongOutcome = await Alerts("staff:olu", "triage", id!, "--outcome", "fine", "--note", "x");
        wrongOutcome.ExitCode.ShouldBe(2);
    }

    [Fact]
    public async Task A_revocation_is_listed_and_lifted_from_the_command_line()
    {
        var access = (string caller, string[] args) => fixture.Access(caller, args);
        var revoked = await access("staff:olu", ["revoke", "--staff", "staff:wei", "--reason", "Laptop reported stolen at the airport this morning"]);
        revoked.ExitCode.ShouldBe(0, revoked.StandardError);
        var id = RevocationId().Match(revoked.StandardOutput).Value;

        var standing = await access("staff:olu", ["revocations"]);
        standing.ExitCode.ShouldBe(0, standing.StandardError);
        standing.StandardOutput.Split('\n').ShouldContain(line => line.StartsWith(id, StringComparison.Ordinal) && line.Contains("standing", StringComparison.Ordinal) && line.Contains("staff staff:wei", StringComparison.Ordinal));

        var lifted = await access("staff:greta", ["lift", id, "--reason", "Laptop found and re-imaged by IT security"]);
        lifted.ExitCode.ShouldBe(0, lifted.StandardError);
        lifted.StandardOutput.ShouldBe($"Lifted {id} (staff staff:wei).\n");
        (await access("staff:olu", ["revocations"])).StandardOutput.Split('\n')
            .ShouldContain(line => line.StartsWith(id, StringComparison.Ordinal) && line.Contains("lifted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Break_glass_is_listed_and_reviewed_and_pending_shows_what_an_approver_must_read()
    {
        var glass = await PostAsync("staff:amara", "/v1/break-glass", new
        {
            subjects = new[] { "user:30001" }, categories = new[] { "location.precise" }, purpose = "trust-safety-investigation", @case = "case:TS-2001",
            justification = "child reported missing, last seen with a contact from the platform",
        });
        var grant = glass.GetProperty("grant").GetProperty("id").GetString()!;

        var listed = await fixture.Access("staff:greta", "break-glass", "--unreviewed");
        listed.ExitCode.ShouldBe(0, listed.StandardError);
        listed.StandardOutput.Split('\n').ShouldContain(line => line.StartsWith(grant, StringComparison.Ordinal)
            && line.Contains("staff:amara", StringComparison.Ordinal) && line.EndsWith("child reported missing, last seen with a contact from the platform", StringComparison.Ordinal));

        var reviewed = await fixture.Access("staff:greta", "review", grant, "--outcome", "justified", "--note", "Police case number is on file");
        reviewed.ExitCode.ShouldBe(0, reviewed.StandardError);
        reviewed.StandardOutput.ShouldBe($"Reviewed {grant} of staff:amara: justified.\n");
        (await fixture.Access("staff:greta", "break-glass", "--unreviewed")).StandardOutput.ShouldNotContain(grant);

        var asked = await fixture.Access("staff:harper", "request",
            "--subject", "user:10042", "--category", "network.ip_address", "--purpose", "internal-audit", "--case", "case:IA-8",
            "--justification", "Match the leaked document's download against this account's sessions", "--duration", "6h");
        asked.ExitCode.ShouldBe(0, asked.StandardError);
        var pending = await fixture.Access("staff:priya", "pending");
        pending.ExitCode.ShouldBe(0, pending.StandardError);
        var header = pending.StandardOutput.Split('\n')[0];
        header.ShouldContain("FOR");
        header.ShouldEndWith("JUSTIFICATION");
        pending.StandardOutput.ShouldContain("6h");
        pending.StandardOutput.ShouldContain("Match the leaked document's download against this account's sessions");
    }

    [GeneratedRegex(@"alr-[0-9A-Za-z-]+")]
    private static partial Regex AlertId();

    [GeneratedRegex(@"rev-[0-9A-Za-z-]+")]
    private static partial Regex RevocationId();
}
