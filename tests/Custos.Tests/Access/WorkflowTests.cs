using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Access;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Access;

/// <summary>
/// The access workflow's rules (invariants 4, 5 and 7), each with the case that would break it,
/// over the demo world at the time of the incident.
/// </summary>
public sealed class WorkflowTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private const string Journalist = "user:10042";
    private const string Ip = "network.ip_address";

    /// <summary>harper (audit, US) asks for the journalist's IP address under the audit case that names them.</summary>
    private static object AuditAsk(string justification = "IP address needed to match the leak investigation's access logs") => new
    {
        subjects = new[] { Journalist },
        categories = new[] { Ip },
        purpose = "internal-audit",
        @case = "case:IA-8",
        justification,
        duration = "8h",
    };

    /// <summary>jules (support, US) asks for an ordinary user's contact details on his ticket.</summary>
    private static object SupportAsk(string subject = "user:40002", string justification = "customer asked us to confirm the phone on file") => new
    {
        subjects = new[] { subject },
        categories = new[] { "profile.contact" },
        purpose = "customer-support",
        @case = "case:SUP-1001",
        justification,
    };

    private static readonly object AuditRead = new { subject = Journalist, categories = new[] { Ip }, purpose = "internal-audit", @case = "case:IA-8" };

    [Fact]
    public async Task A_protected_read_is_allowed_only_after_two_independent_approvals_one_from_privacy()
    {
        using var incident = new IncidentApp();
        (await Decide(incident, "staff:harper", "US", AuditRead)).GetProperty("decision").GetString().ShouldBe("deny");
        var request = await Created(incident, "staff:harper", "US", AuditAsk());
        var id = request.GetProperty("id").GetString()!;

        // A colleague in audit: not independent, not counted.
        var colleague = await Post(incident, "staff:mason", $"/v1/access-requests/{id}/approve", new { comment = "looks fine" });
        colleague.Status.ShouldBe(403);
        Reasons(colleague.Body).ShouldContain("a protected subject's request is approved only from outside the requester's department and management chain");
        // The head of audit is in the requester's management chain (and department).
        (await Post(incident, "staff:lin", $"/v1/access-requests/{id}/approve", new { comment = "approved" })).Status.ShouldBe(403);

        // The privacy office: counted, not enough alone.
        var privacy = await Post(incident, "staff:priya", $"/v1/access-requests/{id}/approve", new { comment = "proportionate for the leak case" });
        privacy.Status.ShouldBe(200, privacy.Body.ToString());
        privacy.Body.GetProperty("grant").ValueKind.ShouldBe(JsonValueKind.Null);
        (await Decide(incident, "staff:harper", "US", AuditRead)).GetProperty("decision").GetString().ShouldBe("deny");

        // One person approving twice is still one approval.
        (await Post(incident, "staff:priya", $"/v1/access-requests/{id}/approve", new { comment = "again" })).Status.ShouldBe(409);

        // An independent oversight officer: the rule is met, the grant issued.
        var oversight = await Post(incident, "staff:olu", $"/v1/access-requests/{id}/approve", new { comment = "independent check done" });
        oversight.Status.ShouldBe(200, oversight.Body.ToString());
        var grant = oversight.Body.GetProperty("grant");
        grant.GetProperty("reader").GetString().ShouldBe("staff:harper");
        grant.GetProperty("expires_at").GetDateTimeOffset().ShouldBe(IncidentApp.IncidentTime.AddHours(8));

        var read = await Decide(incident, "staff:harper", "US", AuditRead);
        read.GetProperty("decision").GetString().ShouldBe("allow");
        read.GetProperty("categories").GetProperty(Ip).GetProperty("mask").GetString().ShouldBe("ip-prefix");
    }

    [Fact]
    public async Task Nobody_approves_their_own_request_or_one_they_are_a_subject_of()
    {
        using var incident = new IncidentApp();
        var own = await Created(incident, "staff:jules", "US", SupportAsk());
        var self = await Post(incident, "staff:jules", $"/v1/access-requests/{own.GetProperty("id").GetString()}/approve", new { comment = "mine" });
        self.Status.ShouldBe(403);
        Reasons(self.Body).ShouldContain("nobody approves their own request");

        // maya's own account (user:90012) is on the audit case IA-7: she may not approve its reading.
        var aboutMaya = await Created(incident, "staff:mason", "US", new
        {
            subjects = new[] { "user:90012" },
            categories = new[] { Ip },
            purpose = "internal-audit",
            @case = "case:IA-7",
            justification = "badge logs and VPN access of this employee do not match",
        });
        var subject = await Post(incident, "staff:maya", $"/v1/access-requests/{aboutMaya.GetProperty("id").GetString()}/approve", new { comment = "fine by me" });
        subject.Status.ShouldBe(403);
        Reasons(subject.Body).ShouldContain("nobody approves a request they are a subject of");
    }

    [Fact]
    public async Task An_ordinary_subject_needs_the_readers_manager_or_the_case_owner()
    {
        using var incident = new IncidentApp();
        var id = (await Created(incident, "staff:maya", "US", SupportAsk("user:40005"))).GetProperty("id").GetString()!;

        // Someone unrelated may not approve.
        (await Post(incident, "staff:amara", $"/v1/access-requests/{id}/approve", new { comment = "ok" })).Status.ShouldBe(403);
        // The case owner (jules owns SUP-1001) may, and one approval grants.
        var owner = await Post(incident, "staff:jules", $"/v1/access-requests/{id}/approve", new { comment = "my ticket" });
        owner.Status.ShouldBe(200, owner.Body.ToString());
        owner.Body.GetProperty("grant").GetProperty("reader").GetString().ShouldBe("staff:maya");
        owner.Body.GetProperty("request").GetProperty("status").GetString().ShouldBe("granted");
    }

    [Fact]
    public async Task Pending_for_me_lists_what_the_caller_may_approve()
    {
        using var incident = new IncidentApp();
        var id = (await Created(incident, "staff:harper", "US", AuditAsk())).GetProperty("id").GetString()!;

        var forPrivacy = await Get(incident, "staff:priya", "/v1/access-requests?pending-for=me");
        var forColleague = await Get(incident, "staff:mason", "/v1/access-requests?pending-for=me");

        forPrivacy.EnumerateArray().Select(r => r.GetProperty("id").GetString()).ShouldContain(id);
        forColleague.EnumerateArray().Select(r => r.GetProperty("id").GetString()).ShouldNotContain(id);
    }

    [Fact]
    public async Task People_who_approved_each_other_within_30_days_cannot_do_it_again()
    {
        using var incident = new IncidentApp();
        // rosa, amara's manager, approves amara's request on amara's fraud case...
        var amaraAsk = (await Created(incident, "staff:amara", "US", new
        {
            subjects = new[] { "user:40077" }, categories = new[] { "network.ip_address" }, purpose = "fraud-prevention", @case = "case:FR-3001",
            justification = "card testing from this account, need the login addresses",
        })).GetProperty("id").GetString()!;
        (await Post(incident, "staff:rosa", $"/v1/access-requests/{amaraAsk}/approve", new { comment = "approved as manager" })).Status.ShouldBe(200);

        // ...so amara may not approve rosa's request, though she owns the case rosa works on.
        object RosaAsk(string subject, string why) => new
        {
            subjects = new[] { subject }, categories = new[] { "network.ip_address" }, purpose = "trust-safety-investigation", @case = "case:TS-2001", justification = why,
        };
        var rosaAsk = (await Created(incident, "staff:rosa", "US", RosaAsk("user:40065", "reported for harassment, need to check for ban evasion"))).GetProperty("id").GetString()!;
        var ring = await Post(incident, "staff:amara", $"/v1/access-requests/{rosaAsk}/approve", new { comment = "sure" });
        ring.Status.ShouldBe(403);
        Reasons(ring.Body).ShouldContain("the requester approved one of the approver's own requests in the last 30 days");

        // Thirty-one days later the ring rule no longer applies.
        incident.Clock.Advance(TimeSpan.FromDays(31));
        var later = (await Created(incident, "staff:rosa", "US", RosaAsk("user:40066", "second account of the same harasser, same pattern"))).GetProperty("id").GetString()!;
        (await Post(incident, "staff:amara", $"/v1/access-requests/{later}/approve", new { comment = "ok now" })).Status.ShouldBe(200);
    }

    [Theory]
    [InlineData("too short", "justification")]
    [InlineData("investigationinvestigationinvestigation", "justification")]
    public async Task A_justification_is_real_text(string justification, string field)
    {
        using var incident = new IncidentApp();
        var before = await incident.LedgerSizeAsync();

        var refused = await Post(incident, "staff:jules", "/v1/access-requests", SupportAsk(justification: justification));

        refused.Status.ShouldBe(422);
        refused.Body.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
        (await incident.LedgerSizeAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task A_copied_justification_is_refused()
    {
        using var incident = new IncidentApp();
        (await Post(incident, "staff:jules", "/v1/access-requests", SupportAsk("user:40002", "Customer asked us to confirm the phone on file"))).Status.ShouldBe(201);

        var copied = await Post(incident, "staff:jules", "/v1/access-requests", SupportAsk("user:40010", "customer   asked us to confirm the PHONE on file"));

        copied.Status.ShouldBe(422);
        copied.Body.GetProperty("detail").GetString()!.ShouldContain("earlier request");
        // Another reader may of course write the same words.
        (await Post(incident, "staff:maya", "/v1/access-requests", SupportAsk("user:40010", "Customer asked us to confirm the phone on file"))).Status.ShouldBe(201);
    }

    [Theory]
    [InlineData("15d", 422)]
    [InlineData("14d", 201)]
    [InlineData("soon", 422)]
    public async Task A_grant_lasts_at_most_fourteen_days(string duration, int status)
    {
        using var incident = new IncidentApp();

        var response = await Post(incident, "staff:jules", "/v1/access-requests", new
        {
            subjects = new[] { "user:40002" }, categories = new[] { "profile.contact" }, purpose = "customer-support", @case = "case:SUP-1001",
            justification = "long-running dispute, several contacts expected", duration,
        });

        response.Status.ShouldBe(status, response.Body.ToString());
    }

    [Fact]
    public async Task A_request_the_policies_would_refuse_anyway_is_refused_with_their_reasons()
    {
        using var incident = new IncidentApp();

        // IA-7 does not name the journalist: no approval could make this read lawful.
        var refused = await Post(incident, "staff:wei", "/v1/access-requests", new
        {
            subjects = new[] { Journalist }, categories = new[] { Ip }, purpose = "internal-audit", @case = "case:IA-7",
            justification = "check whether this journalist met our employees",
        }, "CN");

        refused.Status.ShouldBe(422);
        var detail = refused.Body.GetProperty("detail").GetString()!;
        detail.ShouldContain("the case does not name the subject");
        detail.ShouldContain("the reader is outside the subject's residency zone");
    }

    [Fact]
    public async Task A_grant_allows_exactly_its_subject_category_purpose_and_case_and_not_after_it_expires()
    {
        using var incident = new IncidentApp();
        await GrantAuditAsync(incident);

        (await Decide(incident, "staff:harper", "US", AuditRead)).GetProperty("decision").GetString().ShouldBe("allow");
        // Another subject, category, purpose or case: no grant covers it.
        (await Decide(incident, "staff:harper", "US", new { subject = "user:10043", categories = new[] { Ip }, purpose = "internal-audit", @case = "case:IA-8" }))
            .GetProperty("decision").GetString().ShouldBe("deny");
        (await Decide(incident, "staff:harper", "US", new { subject = Journalist, categories = new[] { "profile.basic" }, purpose = "internal-audit", @case = "case:IA-8" }))
            .GetProperty("decision").GetString().ShouldBe("deny");
        (await Decide(incident, "staff:harper", "US", new { subject = Journalist, categories = new[] { Ip }, purpose = "internal-audit", @case = "case:IA-7" }))
            .GetProperty("decision").GetString().ShouldBe("deny");
        // Someone else holding no grant.
        (await Decide(incident, "staff:mason", "US", AuditRead)).GetProperty("decision").GetString().ShouldBe("deny");

        // Eight hours on, the grant is over; its expiry is ledgered.
        incident.Clock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromSeconds(2));
        var expired = await Decide(incident, "staff:harper", "US", AuditRead);
        expired.GetProperty("decision").GetString().ShouldBe("deny");
        Reasons(expired).ShouldContain("the subject is protected and the reader holds no live grant for this read");
        (await WaitForEntryAsync(incident, "grant-expired")).ShouldBeTrue("the expiry is a ledger entry");
    }

    [Fact]
    public async Task Revoking_the_department_cuts_grants_issued_before_it_and_reports_what_was_cut()
    {
        using var incident = new IncidentApp();
        var grant = await GrantAuditAsync(incident);
        (await Decide(incident, "staff:harper", "US", AuditRead)).GetProperty("decision").GetString().ShouldBe("allow", "the grant works before the revocation");
        var pending = (await Created(incident, "staff:mason", "US", new
        {
            subjects = new[] { "user:90011" }, categories = new[] { Ip }, purpose = "internal-audit", @case = "case:IA-7",
            justification = "employee suspected of copying the board minutes",
        })).GetProperty("id").GetString()!;

        // Only admin or oversight may revoke.
        (await Post(incident, "staff:priya", "/v1/revocations", new { department = "dept:iarc", reason = "x" })).Status.ShouldBe(403);
        var revocation = await Post(incident, "staff:olu", "/v1/revocations", new { department = "dept:iarc", reason = "the department used standing access against journalists" });

        revocation.Status.ShouldBe(201, revocation.Body.ToString());
        var report = revocation.Body;
        report.GetProperty("grants_cut").EnumerateArray().Select(g => g.GetString()).ShouldBe([grant]);
        report.GetProperty("requests_cancelled").EnumerateArray().Select(r => r.GetString()).ShouldBe([pending]);
        report.GetProperty("people").EnumerateArray().Select(p => p.GetString()).Order()
            .ShouldBe(["staff:chen", "staff:harper", "staff:lin", "staff:mason", "staff:wei"]);

        var denied = await Decide(incident, "staff:harper", "US", AuditRead);
        denied.GetProperty("decision").GetString().ShouldBe("deny");
        var reasons = Reasons(denied);
        reasons.ShouldContain("the reader's access has been revoked");
        reasons.ShouldContain(r => r.StartsWith($"revocation {report.GetProperty("id").GetString()}: the department used standing access", StringComparison.Ordinal));
        // Not only protected subjects: every read of theirs.
        (await Decide(incident, "staff:mason", "US", new { subject = "user:90011", categories = new[] { "profile.basic" }, purpose = "internal-audit", @case = "case:IA-7" }))
            .GetProperty("decision").GetString().ShouldBe("deny");
        // Nor can they ask or approve any more.
        (await Post(incident, "staff:harper", "/v1/access-requests", AuditAsk("a new request after the revocation was made"))).Status.ShouldBe(403);
        // Others are untouched.
        (await Decide(incident, "staff:jules", "US", new { subject = "user:40002", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" }))
            .GetProperty("decision").GetString().ShouldBe("allow");

        // Lifted, the department reads again what its cases cover (the cut grant stays cut).
        (await Post(incident, "staff:olu", $"/v1/revocations/{report.GetProperty("id").GetString()}/lift", new { reason = "department restructured with new oversight" })).Status.ShouldBe(200);
        (await Decide(incident, "staff:mason", "US", new { subject = "user:90011", categories = new[] { "profile.basic" }, purpose = "internal-audit", @case = "case:IA-7" }))
            .GetProperty("decision").GetString().ShouldBe("deny", "user:90011 is an employee: protected, and the grant was cut");
        (await Decide(incident, "staff:harper", "US", AuditRead)).GetProperty("decision").GetString().ShouldBe("deny");
    }

    [Fact]
    public async Task A_deactivated_staff_members_token_reads_nothing()
    {
        using var incident = new IncidentApp();
        var read = new { subject = "user:40002", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" };
        (await Decide(incident, "staff:jules", "US", read)).GetProperty("decision").GetString().ShouldBe("allow");

        var deactivation = await Post(incident, "staff:sam", "/v1/staff/staff:jules/deactivate", new { reason = "left the company" });

        deactivation.Status.ShouldBe(201, deactivation.Body.ToString());
        deactivation.Body.GetProperty("deactivation").GetBoolean().ShouldBeTrue();
        (await Decide(incident, "staff:jules", "US", read)).GetProperty("decision").GetString().ShouldBe("deny");
    }

    [Fact]
    public async Task Break_glass_grants_at_once_for_at_most_an_hour_and_waits_for_oversight()
    {
        using var incident = new IncidentApp();
        var minorRead = new { subject = "user:30001", categories = new[] { "location.precise" }, purpose = "trust-safety-investigation", @case = "case:TS-2001" };
        (await Decide(incident, "staff:amara", "US", minorRead)).GetProperty("decision").GetString().ShouldBe("deny");

        var tooLong = await Post(incident, "staff:amara", "/v1/break-glass", new
        {
            subjects = new[] { "user:30001" }, categories = new[] { "location.precise" }, purpose = "trust-safety-investigation", @case = "case:TS-2001",
            justification = "child reported missing, last seen with a contact from the platform", duration = "2h",
        });
        tooLong.Status.ShouldBe(422);
        var glass = await Post(incident, "staff:amara", "/v1/break-glass", new
        {
            subjects = new[] { "user:30001" }, categories = new[] { "location.precise" }, purpose = "trust-safety-investigation", @case = "case:TS-2001",
            justification = "child reported missing, last seen with a contact from the platform",
        });
        glass.Status.ShouldBe(201, glass.Body.ToString());
        var grantId = glass.Body.GetProperty("grant").GetProperty("id").GetString()!;

        (await Decide(incident, "staff:amara", "US", minorRead)).GetProperty("decision").GetString().ShouldBe("allow");
        var unreviewed = await Get(incident, "staff:greta", "/v1/break-glass?unreviewed");
        unreviewed.EnumerateArray().Select(b => b.GetProperty("grant").GetProperty("id").GetString()).ShouldContain(grantId);
        (await Get(incident, "staff:amara", "/v1/break-glass?unreviewed", expect: 403)).ValueKind.ShouldBe(JsonValueKind.Object);

        // After its hour, nothing.
        incident.Clock.Advance(TimeSpan.FromMinutes(61));
        (await Decide(incident, "staff:amara", "US", minorRead)).GetProperty("decision").GetString().ShouldBe("deny");

        var review = await Post(incident, "staff:greta", $"/v1/break-glass/{grantId}/review", new { outcome = "justified", note = "police case number on file" });
        review.Status.ShouldBe(200, review.Body.ToString());
        (await Get(incident, "staff:greta", "/v1/break-glass?unreviewed")).EnumerateArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Grants_survive_a_restart_and_every_step_is_in_the_ledger()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(IncidentApp.IncidentTime);
        string grant;
        using (var first = new Support.CustosApp(dataDirectory: data, time: clock))
        {
            var incident = new IncidentApp.Wrapper(first, clock);
            grant = await GrantAuditAsync(incident);
            var types = await EntryTypesAsync(first);
            types.ShouldContain("access-request");
            types.ShouldContain("approval-refused");
            types.Count(t => t == "approval").ShouldBe(2);
            types.ShouldContain("grant");
        }

        using var second = new Support.CustosApp(dataDirectory: data, time: clock);
        var again = new IncidentApp.Wrapper(second, clock);
        (await Decide(again, "staff:harper", "US", AuditRead)).GetProperty("decision").GetString().ShouldBe("allow");
        (await Get(again, "staff:harper", "/v1/grants")).EnumerateArray().Select(g => g.GetProperty("id").GetString()).ShouldBe([grant]);
    }

    /// <summary>harper's audit request, refused by a colleague, approved by privacy and oversight; returns the grant id.</summary>
    private static async Task<string> GrantAuditAsync(IIncident incident)
    {
        var id = (await Created(incident, "staff:harper", "US", AuditAsk())).GetProperty("id").GetString()!;
        (await Post(incident, "staff:mason", $"/v1/access-requests/{id}/approve", new { comment = "fine" })).Status.ShouldBe(403);
        (await Post(incident, "staff:priya", $"/v1/access-requests/{id}/approve", new { comment = "proportionate" })).Status.ShouldBe(200);
        var last = await Post(incident, "staff:olu", $"/v1/access-requests/{id}/approve", new { comment = "independent" });
        last.Status.ShouldBe(200, last.Body.ToString());
        return last.Body.GetProperty("grant").GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> Created(IIncident incident, string reader, string location, object body)
    {
        var (status, json) = await Post(incident, reader, "/v1/access-requests", body, location);
        status.ShouldBe(201, json.ToString());
        return json;
    }

    private static async Task<(int Status, JsonElement Body)> Post(IIncident incident, string caller, string path, object body, string location = "US") =>
        await incident.PostAsync(path, caller, location, body);

    private static async Task<JsonElement> Get(IIncident incident, string caller, string path, int expect = 200)
    {
        using var client = incident.App.ClientAs(caller, "US");
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Cancel);
        ((int)response.StatusCode).ShouldBe(expect);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
    }

    private static async Task<JsonElement> Decide(IIncident incident, string reader, string location, object body)
    {
        var (status, json) = await incident.PostAsync("/v1/decisions", reader, location, body);
        status.ShouldBe(200, json.ToString());
        return json;
    }

    private static List<string> Reasons(JsonElement body) =>
        [.. (body.TryGetProperty("reasons", out var reasons) ? reasons : default).EnumerateArray().Select(r => r.GetString()!)];

    private static async Task<List<string>> EntryTypesAsync(Support.CustosApp app)
    {
        var ledger = app.Services.GetRequiredService<IAccessLedger>();
        var types = new List<string>();
        for (long i = 0, size = await ledger.SizeAsync(Cancel); i < size; i++)
        {
            types.Add((string)JsonNode.Parse(await ledger.ReadEntryAsync(i, Cancel))!["type"]!);
        }
        return types;
    }

    private static async Task<bool> WaitForEntryAsync(IncidentApp incident, string type)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if ((await EntryTypesAsync(incident.App)).Contains(type))
            {
                return true;
            }
            incident.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(100, Cancel);
        }
        return false;
    }
}
