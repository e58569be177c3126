using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Custos.Access;
using Custos.Tests.Access;
using Microsoft.Extensions.DependencyInjection;
using static Custos.Tests.Detection.Oversight;

namespace Custos.Tests.Detection;

/// <summary>
/// The grant workflow's approvals reach the approval-collusion detector from the ledger
/// (docs/detection.md, "Approvals"): two people who approve each other's requests — or, where the
/// rules forbid approval rings, try to — are alerted to oversight.
/// </summary>
public sealed class ApprovalFeedTests
{
    private static int _asked;

    /// <summary>sean (support, Ireland) asks for the minor on his ticket; amara (trust and safety, US) for the minor on her case.</summary>
    private static object Ask(string reader) => reader == "staff:sean"
        ? new { subjects = new[] { "user:30002" }, categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1002", justification = Why(), duration = "8h" }
        : new { subjects = new[] { "user:30001" }, categories = new[] { "profile.basic" }, purpose = "trust-safety-investigation", @case = "case:TS-2001", justification = Why(), duration = "8h" };

    // Each request needs a justification of its own.
    private static string Why() => $"the parent wrote in again, ticket number {Interlocked.Increment(ref _asked)}, about the account";

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(IncidentApp incident, string identity, string location, string path, object body)
    {
        using var client = incident.App.ClientAs(identity, location);
        using var response = await client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, Cancel);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Cancel));
    }

    private static async Task<string> RequestAsync(IncidentApp incident, string reader, string location)
    {
        var (status, body) = await PostAsync(incident, reader, location, "/v1/access-requests", Ask(reader));
        status.ShouldBe(HttpStatusCode.Created, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task A_pair_that_approves_each_other_or_tries_to_is_alerted_with_the_approvals_as_evidence()
    {
        using var incident = new IncidentApp();
        var app = incident.App;
        var ledger = app.Services.GetRequiredService<IAccessLedger>();
        // A malformed approval entry is skipped, never stops detection.
        await ledger.AppendAsync(Encoding.UTF8.GetBytes("""{"type":"approval","approver":"staff:amara"}"""), Cancel);

        // amara approves two of sean's requests...
        for (var i = 0; i < 2; i++)
        {
            var request = await RequestAsync(incident, "staff:sean", "IE");
            (await PostAsync(incident, "staff:amara", "US", $"/v1/access-requests/{request}/approve", new { comment = "the parent's account checks out" })).Status.ShouldBe(HttpStatusCode.OK);
        }
        (await AlertsAsync(app, "staff:olu")).ShouldBeEmpty("approvals one way are the workflow working");

        // ...and sean tries, twice, to return the favour: the rules refuse it, the ledger keeps it.
        var before = await ledger.SizeAsync(Cancel);
        for (var i = 0; i < 2; i++)
        {
            var request = await RequestAsync(incident, "staff:amara", "US");
            var (status, refusal) = await PostAsync(incident, "staff:sean", "IE", $"/v1/access-requests/{request}/approve", new { comment = "fine from support" });
            status.ShouldBe(HttpStatusCode.Forbidden, refusal.ToString());
        }

        var took = await EventuallyAsync(async () => (await AlertsAsync(app, "staff:olu")).Count == 1, "the collusion alert");
        TestContext.Current.TestOutputHelper?.WriteLine($"refused approval ledgered → alert listed after {took.TotalMilliseconds:F0} ms");
        var alert = (await AlertsAsync(app, "staff:olu")).Single();
        alert.GetProperty("detector").GetString().ShouldBe("approval-collusion");
        Strings(alert, "readers").ShouldBe(["staff:amara", "staff:sean"], ignoreOrder: true);
        Strings(alert, "subjects").ShouldBe(["user:30002", "user:30001"], ignoreOrder: true);
        alert.GetProperty("reason").GetString()!.ShouldContain("tried to approve");
        alert.GetProperty("queue").GetString().ShouldBe("dept:oversight");
        // The evidence is the four approval entries of the ledger, two of them refused attempts.
        var entries = await LedgerAsync(app);
        var evidence = Evidence(alert).Select(i => entries[(int)i]).ToList();
        evidence.Select(e => (string?)e["type"]).ShouldBe(["approval", "approval", "approval-refused", "approval-refused"], ignoreOrder: true);
        Evidence(alert).Count(i => i >= before).ShouldBe(2);
    }
}
