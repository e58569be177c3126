using System.Net.Http.Json;
using System.Text.Json;
using Custos.Access.Workflow;
using Custos.Tests.Access;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Authorization;

/// <summary>
/// Invariant 9, the powerless hold no power: a person who is inactive or under a standing
/// revocation can do nothing in Custos itself until someone independent of them lifts it; and
/// an access request is seen only by the people it concerns. Findings 1–3 of issue 12.
/// In the demo world sam is the admin (engineering, under ines), olu heads the oversight office
/// and manages greta, tariq is an engineer beside sam.
/// </summary>
public sealed class StandingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_revoked_admin_cannot_lift_their_own_revocation()
    {
        using var incident = new IncidentApp();
        var revocation = await DeactivateAsync(incident, "staff:olu", "staff:sam");

        var lift = await incident.PostAsync($"/v1/revocations/{revocation}/lift", "staff:sam", "US", new { reason = "I am back, lifting my own" });

        lift.Status.ShouldBe(403, lift.Body.ToString());
        var standing = await GetAsync(incident, "staff:olu", "/v1/revocations");
        standing.Status.ShouldBe(200);
        standing.Body.EnumerateArray().Single(r => r.GetProperty("id").GetString() == revocation).GetProperty("lifted").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task A_revoked_admin_cannot_deactivate_anyone_and_changes_nothing()
    {
        using var incident = new IncidentApp();
        await DeactivateAsync(incident, "staff:olu", "staff:sam");
        var before = await incident.LedgerSizeAsync();

        var deactivate = await incident.PostAsync("/v1/staff/staff:greta/deactivate", "staff:sam", "US", new { reason = "taking oversight down with me" });
        var revoke = await incident.PostAsync("/v1/revocations", "staff:sam", "US", new { department = "dept:oversight", reason = "taking oversight down with me" });

        deactivate.Status.ShouldBe(403, deactivate.Body.ToString());
        revoke.Status.ShouldBe(403, revoke.Body.ToString());
        deactivate.Body.GetProperty("detail").GetString()!.ShouldContain("under revocation");
        (await incident.LedgerSizeAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task A_revocation_is_lifted_only_by_someone_independent_of_the_people_it_covers()
    {
        using var incident = new IncidentApp();
        var greta = await DeactivateAsync(incident, "staff:olu", "staff:greta");
        var tariq = await DeactivateAsync(incident, "staff:olu", "staff:tariq");

        // greta herself; olu, her manager; sam, tariq's colleague in engineering.
        (await LiftAsync(incident, "staff:greta", greta)).Status.ShouldBe(403);
        var manager = await LiftAsync(incident, "staff:olu", greta);
        manager.Status.ShouldBe(403, manager.Body.ToString());
        manager.Body.GetProperty("detail").GetString()!.ShouldContain("management chain of staff:greta");
        (await LiftAsync(incident, "staff:sam", tariq)).Status.ShouldBe(403);

        // Independent of each: the admin in engineering lifts greta's, oversight lifts tariq's.
        (await LiftAsync(incident, "staff:sam", greta)).Status.ShouldBe(200);
        (await LiftAsync(incident, "staff:greta", tariq)).Status.ShouldBe(200);
    }

    [Fact]
    public async Task A_deprovisioned_oversight_officer_or_admin_lists_nothing()
    {
        using var incident = new IncidentApp();
        await DeactivateAsync(incident, "staff:sam", "staff:olu");
        await DeactivateAsync(incident, "staff:greta", "staff:sam");

        foreach (var caller in new[] { "staff:olu", "staff:sam" })
        {
            foreach (var path in new[] { "/v1/grants", "/v1/grants?reader=staff:harper", "/v1/revocations", "/v1/break-glass", "/v1/alerts", "/v1/access-requests?pending-for=me" })
            {
                var (status, body) = await GetAsync(incident, caller, path);
                status.ShouldBe(403, $"{caller} {path}: {body}");
            }
        }
        // Their standing is what refuses them, not their roles: greta, in good standing, lists.
        (await GetAsync(incident, "staff:greta", "/v1/revocations")).Status.ShouldBe(200);
    }

    [Fact]
    public async Task An_access_request_is_seen_only_by_its_requester_its_deciders_and_oversight()
    {
        using var incident = new IncidentApp();
        // maya (support) asks about an ordinary user on jules's ticket: her manager kofi or jules decide.
        const string Ordinary = "customer asked us to confirm the phone on file";
        var ordinary = await AskAsync(incident, "staff:maya", new
        {
            subjects = new[] { "user:40005" }, categories = new[] { "profile.contact" }, purpose = "customer-support", @case = "case:SUP-1001", justification = Ordinary,
        });
        // harper (audit) asks about a journalist: anyone outside audit and its chain decides, the privacy office among them.
        const string Protected = "IP address needed to match the leak investigation's access logs";
        var @protected = await AskAsync(incident, "staff:harper", new
        {
            subjects = new[] { "user:10042" }, categories = new[] { "network.ip_address" }, purpose = "internal-audit", @case = "case:IA-8", justification = Protected,
        });

        foreach (var (id, justification, viewers) in new[]
        {
            (ordinary, Ordinary, new[] { "staff:maya", "staff:kofi", "staff:jules", "staff:olu", "staff:sam" }),
            (@protected, Protected, new[] { "staff:harper", "staff:priya", "staff:olu", "staff:sam" }),
        })
        {
            foreach (var viewer in viewers)
            {
                var (status, body) = await GetAsync(incident, viewer, $"/v1/access-requests/{id}");
                status.ShouldBe(200, viewer);
                body.GetProperty("justification").GetString().ShouldBe(justification);
            }
        }

        // Everyone else is told exactly what they would be told of a request that does not exist:
        // amara and tariq have nothing to do with maya's ticket; mason, in audit, may not decide harper's.
        const string Missing = "req-00000000000000000000000000000000";
        var (_, absent) = await GetAsync(incident, "staff:amara", $"/v1/access-requests/{Missing}");
        foreach (var (outsider, id) in new[] { ("staff:amara", ordinary), ("staff:tariq", ordinary), ("staff:mason", @protected) })
        {
            var (status, body) = await GetAsync(incident, outsider, $"/v1/access-requests/{id}");
            status.ShouldBe(404, outsider);
            body.GetProperty("detail").GetString().ShouldBe(absent.GetProperty("detail").GetString()!.Replace(Missing, id, StringComparison.Ordinal));
            body.ToString().ShouldNotContain("justification");
        }
    }

    [Fact]
    public async Task The_workflow_service_itself_refuses_the_powerless()
    {
        using var incident = new IncidentApp();
        var own = await DeactivateAsync(incident, "staff:olu", "staff:sam");
        var service = incident.App.Services.GetRequiredService<WorkflowService>();

        // Beneath the HTTP layer (defence in depth): a revoked admin acts on nothing.
        (await Should.ThrowAsync<WorkflowException>(() => service.LiftAsync("staff:sam", own, "my own", Cancel))).Kind.ShouldBe(WorkflowErrorKind.Forbidden);
        (await Should.ThrowAsync<WorkflowException>(() => service.RevokeAsync("staff:sam", new RevocationScope(RevocationScope.StaffKind, "staff:olu"), "retaliation", cancellation: Cancel)))
            .Kind.ShouldBe(WorkflowErrorKind.Forbidden);
        // And nobody lifts what they are not independent of: olu manages greta.
        var greta = await DeactivateAsync(incident, "staff:olu", "staff:greta");
        (await Should.ThrowAsync<WorkflowException>(() => service.LiftAsync("staff:olu", greta, "she is fine", Cancel))).Kind.ShouldBe(WorkflowErrorKind.Forbidden);
    }

    private static async Task<string> DeactivateAsync(IncidentApp incident, string by, string staff)
    {
        var (status, body) = await incident.PostAsync($"/v1/staff/{staff}/deactivate", by, "US", new { reason = $"{staff} is under investigation" });
        status.ShouldBe(201, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    private static async Task<string> AskAsync(IncidentApp incident, string requester, object ask)
    {
        var (status, body) = await incident.PostAsync("/v1/access-requests", requester, "US", ask);
        status.ShouldBe(201, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    private static Task<(int Status, JsonElement Body)> LiftAsync(IncidentApp incident, string by, string revocation) =>
        incident.PostAsync($"/v1/revocations/{revocation}/lift", by, "US", new { reason = "reviewed and found unwarranted" });

    private static async Task<(int Status, JsonElement Body)> GetAsync(IncidentApp incident, string caller, string path)
    {
        using var client = incident.App.ClientAs(caller, "US");
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Cancel);
        return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Cancel));
    }
}
