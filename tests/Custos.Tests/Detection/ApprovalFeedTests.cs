using System.Text;
using Custos.Access;
using Custos.Access.Approvals;
using Custos.Tests.Access;
using Custos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Custos.Tests.Detection.Oversight;

namespace Custos.Tests.Detection;

/// <summary>
/// Approvals reach the approval-collusion detector from the ledger, in the shape the grant
/// workflow ledgers them (docs/detection.md, "Approvals"): appended here directly.
/// </summary>
public sealed class ApprovalFeedTests
{
    private static ApprovalEntry Approval(string id, string approver, string requester, int minutes, string decision = ApprovalEntry.Approved) => new()
    {
        Id = id,
        Time = IncidentApp.IncidentTime.AddMinutes(minutes),
        Request = $"req-{id}",
        Requester = requester,
        Approver = approver,
        Decision = decision,
        Subjects = ["user:40065"],
    };

    [Fact]
    public async Task Two_people_who_approve_each_other_are_alerted_with_the_approvals_as_evidence()
    {
        using var app = new CustosApp(time: new FakeTimeProvider(IncidentApp.IncidentTime));
        var ledger = app.Services.GetRequiredService<IAccessLedger>();
        var approvals = new List<long>();
        // A refusal and a malformed entry are not approvals, and must not stop detection.
        await ledger.AppendAsync(Approval("a0", "staff:amara", "staff:diego", 0, ApprovalEntry.Refused).Serialize(), Cancel);
        await ledger.AppendAsync(Encoding.UTF8.GetBytes("""{"type":"approval","approver":"staff:amara"}"""), Cancel);
        var n = 1;
        foreach (var (approver, requester) in new[] { ("staff:amara", "staff:diego"), ("staff:diego", "staff:amara"), ("staff:amara", "staff:diego") })
        {
            approvals.Add(await ledger.AppendAsync(Approval($"a{n}", approver, requester, n++).Serialize(), Cancel));
        }
        (await AlertsAsync(app, "staff:olu")).ShouldBeEmpty("one way twice, the other way once: not yet collusion");

        approvals.Add(await ledger.AppendAsync(Approval($"a{n}", "staff:diego", "staff:amara", n).Serialize(), Cancel));

        var took = await EventuallyAsync(async () => (await AlertsAsync(app, "staff:olu")).Count == 1, "the collusion alert");
        TestContext.Current.TestOutputHelper?.WriteLine($"approval ledgered → alert listed after {took.TotalMilliseconds:F0} ms");
        var alert = (await AlertsAsync(app, "staff:olu")).Single();
        alert.GetProperty("detector").GetString().ShouldBe("approval-collusion");
        Strings(alert, "readers").ShouldBe(["staff:amara", "staff:diego"], ignoreOrder: true);
        Evidence(alert).ShouldBe(approvals, ignoreOrder: true);
        Strings(alert, "subjects").ShouldBe(["user:40065"]);
        alert.GetProperty("queue").GetString().ShouldBe("dept:oversight");
    }
}
