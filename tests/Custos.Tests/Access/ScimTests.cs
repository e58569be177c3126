using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Access;
using Custos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Tests.Access;

/// <summary>
/// SCIM 2.0 staff sync over the demo world: Users are staff, Groups are departments; every change
/// is a new world activated through the ledger, deprovisioning revokes, and bad input changes nothing.
/// </summary>
public sealed class ScimTests
{
    private const string Idp = "service:idp";
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private const string Staff = "urn:custos:scim:schemas:1.0:Staff";
    private const string Department = "urn:custos:scim:schemas:1.0:Department";
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>jules reads a user on his own ticket: allowed in the demo world.</summary>
    private static readonly object JulesRead = new { subject = "user:40002", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" };

    private static Dictionary<string, object?> NewUser(string userName = "staff:zoe", string department = "dept:support", string? manager = "staff:kofi") => new Dictionary<string, object?>
    {
        ["schemas"] = new[] { "urn:ietf:params:scim:schemas:core:2.0:User", Enterprise, Staff },
        ["userName"] = userName,
        ["name"] = new { givenName = "Zoe", familyName = "Okafor" },
        ["emails"] = new[] { new { value = "zoe@example.com", primary = true } },
        ["active"] = true,
        ["roles"] = new[] { new { value = "support-agent" } },
        [Enterprise] = new { department, manager = manager is null ? null : new { value = manager } },
        [Staff] = new { jurisdiction = "US", account = "user:90099" },
    };

    [Fact]
    public async Task Only_the_identity_provider_may_call_scim()
    {
        using var incident = new IncidentApp();

        using var anonymous = incident.App.CreateClient();
        using var none = await anonymous.GetAsync(new Uri("/scim/v2/Users", UriKind.Relative), Cancel);
        await ShouldBeScimErrorAsync(none, 401);
        none.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");

        using var forged = incident.App.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJzZXJ2aWNlOmlkcCJ9.");
        using var bad = await forged.GetAsync(new Uri("/scim/v2/Users", UriKind.Relative), Cancel);
        await ShouldBeScimErrorAsync(bad, 401);

        // As the API's 401 does, SCIM's says why the token is refused.
        using var late = incident.App.CreateClient();
        var hourAgo = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        late.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            Custos.Server.Authentication.LocalTokens.Mint(Custos.Server.Authentication.LocalSigningKey.LoadOrCreate(incident.App.DataDirectory), Idp, null, TimeSpan.FromMinutes(10), hourAgo));
        using var expired = await late.GetAsync(new Uri("/scim/v2/Users", UriKind.Relative), Cancel);
        (await ShouldBeScimErrorAsync(expired, 401)).GetProperty("detail").GetString()!.ShouldContain("The token expired at");

        // Staff never provision, admins included: their changes to the world would skip the two-person rule.
        foreach (var caller in new[] { "staff:sam", "staff:olu", "user:10042", "service:other" })
        {
            var refused = await Send(incident.App, HttpMethod.Post, "/scim/v2/Users", NewUser(), caller);
            refused.Status.ShouldBe(403, caller);
            refused.Body.GetProperty("schemas")[0].GetString().ShouldBe("urn:ietf:params:scim:api:messages:2.0:Error");
        }
        (await Send(incident.App, HttpMethod.Get, "/scim/v2/Users/staff:zoe")).Status.ShouldBe(404, "nobody was created");
        (await Send(incident.App, HttpMethod.Get, "/scim/v2/Users")).Status.ShouldBe(200);
    }

    [Fact]
    public async Task Creating_a_user_adds_a_staff_member_through_a_ledgered_activation()
    {
        using var incident = new IncidentApp();
        var worldBefore = await WorldHashAsync(incident);
        (await Reasons(incident, "staff:zoe", JulesRead)).ShouldContain("the reader is not a known staff member");
        var ledgerBefore = await incident.LedgerSizeAsync();

        var created = await Send(incident.App, HttpMethod.Post, "/scim/v2/Users", NewUser());

        created.Status.ShouldBe(201, created.Body.ToString());
        created.Location.ShouldEndWith("/scim/v2/Users/staff%3Azoe");
        created.Body.GetProperty("id").GetString().ShouldBe("staff:zoe");
        created.Body.GetProperty("userName").GetString().ShouldBe("staff:zoe");
        created.Body.GetProperty(Enterprise).GetProperty("department").GetString().ShouldBe("dept:support");
        created.Body.GetProperty(Enterprise).GetProperty("manager").GetProperty("value").GetString().ShouldBe("staff:kofi");
        created.Body.GetProperty(Staff).GetProperty("jurisdiction").GetString().ShouldBe("US");
        created.Body.TryGetProperty("name", out _).ShouldBeFalse("Custos keeps no more about its staff than it decides with");

        // A new world, made active through one activation entry by the identity provider.
        var worldAfter = await WorldHashAsync(incident);
        worldAfter.ShouldNotBe(worldBefore);
        var entries = await EntriesAsync(incident, ledgerBefore);
        var activation = entries.ShouldHaveSingleItem();
        activation["type"]!.GetValue<string>().ShouldBe("activation");
        activation["kind"]!.GetValue<string>().ShouldBe("world");
        activation["sha256"]!.GetValue<string>().ShouldBe(worldAfter);
        activation["by"]!.GetValue<string>().ShouldBe(Idp);
        activation["source"]!.GetValue<string>().ShouldBe("scim POST /Users staff:zoe");

        // Read back, by id (escaped or not) and by filter; decisions know her now.
        (await Send(incident.App, HttpMethod.Get, "/scim/v2/Users/staff%3Azoe")).Body.GetProperty("active").GetBoolean().ShouldBeTrue();
        var found = await Send(incident.App, HttpMethod.Get, "/scim/v2/Users?filter=" + Uri.EscapeDataString("userName eq \"staff:zoe\""));
        found.Body.GetProperty("totalResults").GetInt32().ShouldBe(1);
        found.Body.GetProperty("Resources")[0].GetProperty("id").GetString().ShouldBe("staff:zoe");
        var reasons = await Reasons(incident, "staff:zoe", JulesRead);
        reasons.ShouldNotContain("the reader is not a known staff member");
        reasons.ShouldContain("the reader is neither the owner nor a member of the case");
    }

    [Fact]
    public async Task Users_are_listed_by_filter_and_page()
    {
        using var incident = new IncidentApp();

        async Task<JsonElement> List(string query) => (await Send(incident.App, HttpMethod.Get, "/scim/v2/Users?" + query)).Body;
        string Filter(string filter) => "filter=" + Uri.EscapeDataString(filter);

        var all = await List("");
        all.GetProperty("schemas")[0].GetString().ShouldBe("urn:ietf:params:scim:api:messages:2.0:ListResponse");
        all.GetProperty("totalResults").GetInt32().ShouldBe(22);
        (await List(Filter("userName eq \"STAFF:WEI\""))).GetProperty("Resources")[0].GetProperty("id").GetString().ShouldBe("staff:wei", "userName is not case-exact");
        (await List(Filter("active eq false"))).GetProperty("Resources").EnumerateArray().Select(u => u.GetProperty("id").GetString()).ShouldBe(["staff:omar"]);
        (await List(Filter($"{Enterprise}:department eq \"dept:iarc\""))).GetProperty("totalResults").GetInt32().ShouldBe(5);
        (await List(Filter("roles[value eq \"privacy-officer\"] and active eq true"))).GetProperty("totalResults").GetInt32().ShouldBe(2);
        (await List(Filter("userName sw \"staff:s\" or userName eq \"staff:ceo\""))).GetProperty("totalResults").GetInt32().ShouldBe(3);

        var page = await List("startIndex=3&count=2");
        page.GetProperty("totalResults").GetInt32().ShouldBe(22);
        page.GetProperty("startIndex").GetInt32().ShouldBe(3);
        page.GetProperty("itemsPerPage").GetInt32().ShouldBe(2);
        page.GetProperty("Resources").GetArrayLength().ShouldBe(2);
        page.GetProperty("Resources")[0].GetProperty("id").GetString().ShouldBe(all.GetProperty("Resources")[2].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Replacing_a_user_changes_the_world_and_decisions_follow()
    {
        using var incident = new IncidentApp();
        (await Decision(incident, "staff:jules", JulesRead)).ShouldBe("allow");

        // The identity provider links jules to the platform account he reads on his own ticket.
        var replaced = await Send(incident.App, HttpMethod.Put, "/scim/v2/Users/staff:jules", new Dictionary<string, object?>
        {
            ["schemas"] = new[] { "urn:ietf:params:scim:schemas:core:2.0:User" },
            ["userName"] = "staff:jules",
            ["roles"] = new[] { new { value = "support-agent" }, new { value = "trainer" } },
            [Enterprise] = new { department = "Customer Support" },
            ["addresses"] = new[] { new { type = "work", country = "us", primary = true } },
            [Staff] = new { account = "user:40002" },
        });

        replaced.Status.ShouldBe(200, replaced.Body.ToString());
        replaced.Body.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("value").GetString()).ShouldBe(["support-agent", "trainer"]);
        replaced.Body.GetProperty(Enterprise).GetProperty("department").GetString().ShouldBe("dept:support", "a department is found by its name too");
        replaced.Body.GetProperty(Enterprise).TryGetProperty("manager", out _).ShouldBeFalse("a PUT clears what it leaves out");
        replaced.Body.GetProperty(Staff).GetProperty("jurisdiction").GetString().ShouldBe("US", "from the primary address");
        replaced.Body.GetProperty("active").GetBoolean().ShouldBeTrue("a PUT without active keeps it");
        (await Reasons(incident, "staff:jules", JulesRead)).ShouldContain("the subject is protected and the reader holds no live grant for this read");

        // The staff id cannot change: the ledger refers to it.
        var renamed = await Send(incident.App, HttpMethod.Put, "/scim/v2/Users/staff:jules", new { userName = "staff:julian" });
        renamed.Status.ShouldBe(400);
        renamed.Body.GetProperty("scimType").GetString().ShouldBe("mutability");
    }

    public static TheoryData<string, string, string> ActiveForms => new()
    {
        // Okta: replace without a path, the value an object of attributes.
        { "okta", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}""",
                  """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":true}}]}""" },
        // Entra ID: a capitalized op, a path, and the boolean as a string.
        { "entra", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}""",
                   """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"True"}]}""" },
        // RFC 7644's own form.
        { "rfc", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}""",
                 """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":true}]}""" },
    };

    [Theory]
    [MemberData(nameof(ActiveForms))]
    public async Task Deprovisioning_cuts_grants_and_denies_every_read_and_reprovisioning_lifts_it(string idp, string deactivate, string reactivate)
    {
        using var incident = new IncidentApp();
        // maya holds a grant: her request about a user on the ticket, approved by its owner.
        var ask = await incident.PostAsync("/v1/access-requests", "staff:maya", "US", new
        {
            subjects = new[] { "user:40002" }, categories = new[] { "profile.contact" }, purpose = "customer-support", @case = "case:SUP-1001",
            justification = $"customer wants the phone on file confirmed ({idp})",
        });
        ask.Status.ShouldBe(201, ask.Body.ToString());
        var approval = await incident.PostAsync($"/v1/access-requests/{ask.Body.GetProperty("id").GetString()}/approve", "staff:jules", "US", new { comment = "my ticket" });
        var grant = approval.Body.GetProperty("grant").GetProperty("id").GetString();
        var mayaRead = new { subject = "user:40005", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" };
        (await Decision(incident, "staff:maya", mayaRead)).ShouldBe("allow");
        var ledgerBefore = await incident.LedgerSizeAsync();

        var off = await SendRaw(incident.App, HttpMethod.Patch, "/scim/v2/Users/staff:maya", deactivate);

        off.Status.ShouldBe(200, off.Body.ToString());
        off.Body.GetProperty("active").GetBoolean().ShouldBeFalse();
        var entries = await EntriesAsync(incident, ledgerBefore);
        var revocation = entries.Single(e => (string?)e["type"] == "revocation");
        revocation["by"]!.GetValue<string>().ShouldBe(Idp);
        revocation["deactivation"]!.GetValue<bool>().ShouldBeTrue();
        revocation["grants_cut"]!.AsArray().Select(g => g!.GetValue<string>()).ShouldBe([grant]);
        entries.Count(e => (string?)e["type"] == "activation").ShouldBe(1);
        var reasons = await Reasons(incident, "staff:maya", mayaRead);
        reasons.ShouldContain("the reader is not an active staff member");
        reasons.ShouldContain("the reader's access has been revoked");
        var grants = await GetAsync(incident.App, "/v1/grants?reader=staff:maya", "staff:olu");
        grants.EnumerateArray().Single(g => g.GetProperty("id").GetString() == grant).GetProperty("status").GetString().ShouldBe("revoked");
        // Nor may she ask for anything.
        (await incident.PostAsync("/v1/access-requests", "staff:maya", "US", new
        {
            subjects = new[] { "user:40003" }, categories = new[] { "profile.contact" }, purpose = "customer-support", @case = "case:SUP-1001",
            justification = "another customer wants their phone confirmed",
        })).Status.ShouldBe(403);

        // The same again changes nothing and ledgers nothing.
        var size = await incident.LedgerSizeAsync();
        (await SendRaw(incident.App, HttpMethod.Patch, "/scim/v2/Users/staff:maya", deactivate)).Status.ShouldBe(200);
        (await incident.LedgerSizeAsync()).ShouldBe(size);

        var on = await SendRaw(incident.App, HttpMethod.Patch, "/scim/v2/Users/staff:maya", reactivate);

        on.Status.ShouldBe(200, on.Body.ToString());
        on.Body.GetProperty("active").GetBoolean().ShouldBeTrue();
        (await EntriesAsync(incident, size)).Select(e => (string?)e["type"]).Order().ShouldBe(["activation", "revocation-lifted"]);
        (await Decision(incident, "staff:maya", mayaRead)).ShouldBe("allow");
        (await GetAsync(incident.App, "/v1/grants?reader=staff:maya", "staff:olu")).EnumerateArray()
            .Single(g => g.GetProperty("id").GetString() == grant).GetProperty("status").GetString().ShouldBe("revoked", "a cut grant stays cut");
    }

    [Fact]
    public async Task The_identity_provider_never_lifts_a_revocation_it_did_not_make()
    {
        using var incident = new IncidentApp();
        (await incident.PostAsync("/v1/staff/staff:jules/deactivate", "staff:olu", "US", new { reason = "under investigation for misuse" })).Status.ShouldBe(201);

        (await SendRaw(incident.App, HttpMethod.Patch, "/scim/v2/Users/staff:jules", Patch("replace", "active", "false"))).Status.ShouldBe(200);
        (await SendRaw(incident.App, HttpMethod.Patch, "/scim/v2/Users/staff:jules", Patch("replace", "active", "true"))).Status.ShouldBe(200);

        var reasons = await Reasons(incident, "staff:jules", JulesRead);
        reasons.ShouldContain(r => r.Contains("under investigation for misuse", StringComparison.Ordinal));
        var revocations = await GetAsync(incident.App, "/v1/revocations", "staff:olu");
        revocations.EnumerateArray().Select(r => (r.GetProperty("by").GetString(), r.GetProperty("lifted").GetBoolean()))
            .ShouldBe([("staff:olu", false), (Idp, true)], ignoreOrder: true);
    }

    [Fact]
    public async Task Patch_changes_roles_manager_department_and_the_custos_attributes()
    {
        using var incident = new IncidentApp();

        var patched = await SendRaw(incident.App, HttpMethod.Patch, "/scim/v2/Users/staff:tariq", $$$"""
            {"schemas":["{{{PatchOp}}}"],"Operations":[
              {"op":"add","path":"roles","value":[{"value":"on-call"}]},
              {"op":"remove","path":"roles[value eq \"engineer\"]"},
              {"op":"replace","path":"{{{Enterprise}}}:manager","value":"staff:sam"},
              {"op":"replace","value":{"{{{Enterprise}}}:department":"dept:privacy","name.givenName":"Tariq"}},
              {"op":"replace","path":"{{{Staff}}}:jurisdiction","value":"de"},
              {"op":"remove","path":"{{{Staff}}}:account"},
              {"op":"replace","path":"emails[type eq \"work\"].value","value":"t@example.com"}
            ]}
            """);

        patched.Status.ShouldBe(200, patched.Body.ToString());
        patched.Body.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("value").GetString()).ShouldBe(["on-call"]);
        patched.Body.GetProperty(Enterprise).GetProperty("manager").GetProperty("value").GetString().ShouldBe("staff:sam");
        patched.Body.GetProperty(Enterprise).GetProperty("department").GetString().ShouldBe("dept:privacy");
        patched.Body.GetProperty(Staff).GetProperty("jurisdiction").GetString().ShouldBe("DE");
        patched.Body.GetProperty(Staff).GetProperty("account").ValueKind.ShouldBe(JsonValueKind.Null);
        var group = await Send(incident.App, HttpMethod.Get, "/scim/v2/Groups/dept:privacy");
        group.Body.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("value").GetString()).ShouldContain("staff:tariq");
    }

    [Fact]
    public async Task Deleting_a_user_removes_them_and_their_reports_move_up()
    {
        using var incident = new IncidentApp();
        var ledgerBefore = await incident.LedgerSizeAsync();

        // kofi manages support and owns no case.
        var deleted = await Send(incident.App, HttpMethod.Delete, "/scim/v2/Users/staff:kofi");

        deleted.Status.ShouldBe(204);
        (await Send(incident.App, HttpMethod.Get, "/scim/v2/Users/staff:kofi")).Status.ShouldBe(404);
        (await Send(incident.App, HttpMethod.Delete, "/scim/v2/Users/staff:kofi")).Status.ShouldBe(404);
        (await Send(incident.App, HttpMethod.Get, "/scim/v2/Users/staff:jules")).Body.GetProperty(Enterprise).GetProperty("manager").GetProperty("value").GetString()
            .ShouldBe("staff:ceo", "kofi's reports now report to his manager");
        var entries = await EntriesAsync(incident, ledgerBefore);
        entries.Select(e => (string?)e["type"]).ShouldBe(["revocation", "activation"], "cut first, then the world changes");
        (await Reasons(incident, "staff:kofi", JulesRead)).ShouldContain("the reader is not a known staff member");

        // maya is a member of jules's ticket: she leaves it.
        (await Send(incident.App, HttpMethod.Delete, "/scim/v2/Users/staff:maya")).Status.ShouldBe(204);
        (await Reasons(incident, "staff:maya", JulesRead)).ShouldContain("the reader is not a known staff member");
    }

    [Fact]
    public async Task A_user_deleted_and_created_again_is_reprovisioned()
    {
        using var incident = new IncidentApp();
        (await Send(incident.App, HttpMethod.Post, "/scim/v2/Users", NewUser())).Status.ShouldBe(201);
        (await Send(incident.App, HttpMethod.Delete, "/scim/v2/Users/staff:zoe")).Status.ShouldBe(204);

        (await Send(incident.App, HttpMethod.Post, "/scim/v2/Users", NewUser())).Status.ShouldBe(201);

        var revocations = await GetAsync(incident.App, "/v1/revocations", "staff:olu");
        revocations.EnumerateArray().Single(r => r.GetProperty("value").GetString() == "staff:zoe").GetProperty("lifted").GetBoolean().ShouldBeTrue();
        (await Reasons(incident, "staff:zoe", JulesRead)).ShouldNotContain("the reader's access has been revoked");
    }

    [Fact]
    public async Task A_deactivation_that_reached_the_ledger_but_not_the_world_is_lifted_only_by_a_change_about_that_person()
    {
        using var incident = new IncidentApp();
        // As if the world change had failed after the revocation: the world still says active.
        var workflow = incident.App.Services.GetRequiredService<Custos.Access.Workflow.WorkflowService>();
        await workflow.DeprovisionAsync(Idp, "staff:jules", "deprovisioned by service:idp: scim PATCH /Users/staff:jules", Cancel);

        (await SendRaw(incident.App, HttpMethod.Patch, "/scim/v2/Groups/dept:support", Patch("replace", "displayName", "\"Support\""))).Status.ShouldBe(200);
        (await Decision(incident, "staff:jules", JulesRead)).ShouldBe("deny", "a change about someone else lifts nothing");

        (await SendRaw(incident.App, HttpMethod.Patch, "/scim/v2/Users/staff:jules", Patch("replace", "active", "true"))).Status.ShouldBe(200);
        (await Decision(incident, "staff:jules", JulesRead)).ShouldBe("allow");
    }

    [Fact]
    public async Task Attributes_and_excluded_attributes_narrow_what_is_returned()
    {
        using var incident = new IncidentApp();

        var groups = await Send(incident.App, HttpMethod.Get, "/scim/v2/Groups?excludedAttributes=members&filter=" + Uri.EscapeDataString("displayName eq \"Privacy Office\""));
        var user = await Send(incident.App, HttpMethod.Get, $"/scim/v2/Users/staff:wei?attributes=userName,{Enterprise}:department");

        var group = groups.Body.GetProperty("Resources").EnumerateArray().ShouldHaveSingleItem();
        group.GetProperty("id").GetString().ShouldBe("dept:privacy");
        group.TryGetProperty("members", out _).ShouldBeFalse();
        group.GetProperty("displayName").GetString().ShouldBe("Privacy Office");
        user.Body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ShouldBe(["id", "meta", "schemas", Enterprise, "userName"], ignoreOrder: true);
        user.Body.GetProperty(Enterprise).EnumerateObject().Select(p => p.Name).ShouldBe(["department"]);
    }

    [Fact]
    public async Task Deleting_a_case_owner_deactivates_them_and_says_why_they_stay()
    {
        using var incident = new IncidentApp();

        var refused = await Send(incident.App, HttpMethod.Delete, "/scim/v2/Users/staff:jules");

        refused.Status.ShouldBe(409);
        refused.Body.GetProperty("detail").GetString()!.ShouldContain("case:SUP-1001");
        (await Send(incident.App, HttpMethod.Get, "/scim/v2/Users/staff:jules")).Body.GetProperty("active").GetBoolean().ShouldBeFalse();
        (await Decision(incident, "staff:jules", JulesRead)).ShouldBe("deny", "deprovisioning never fails open");
    }

    [Fact]
    public async Task Groups_are_departments_and_their_members_are_the_staff_in_them()
    {
        using var incident = new IncidentApp();

        var created = await Send(incident.App, HttpMethod.Post, "/scim/v2/Groups", new Dictionary<string, object?>
        {
            ["schemas"] = new[] { "urn:ietf:params:scim:schemas:core:2.0:Group", Department },
            ["displayName"] = "Fraud Analytics",
            ["members"] = new[] { new { value = "staff:tariq" } },
            [Department] = new { parent = "dept:engineering" },
        });

        created.Status.ShouldBe(201, created.Body.ToString());
        created.Body.GetProperty("id").GetString().ShouldBe("dept:fraud-analytics");
        created.Location.ShouldEndWith("/scim/v2/Groups/dept%3Afraud-analytics");
        created.Body.GetProperty(Department).GetProperty("parent").GetString().ShouldBe("dept:engineering");
        (await Send(incident.App, HttpMethod.Get, "/scim/v2/Users/staff:tariq")).Body.GetProperty(Enterprise).GetProperty("department").GetString().ShouldBe("dept:fraud-analytics");
        var found = await Send(incident.App, HttpMethod.Get, "/scim/v2/Groups?filter=" + Uri.EscapeDataString("displayName eq \"fraud analytics\""));
        found.Body.GetProperty("Resources").EnumerateArray().Select(g => g.GetProperty("id").GetString()).ShouldBe(["dept:fraud-analytics"]);
        (await Send(incident.App, HttpMethod.Post, "/scim/v2/Groups", new { displayName = "FRAUD analytics" })).Status.ShouldBe(409);

        // Adding a member moves them; removing one who is still there would leave them nowhere.
        var added = await SendRaw(incident.App, HttpMethod.Patch, "/scim/v2/Groups/dept:fraud-analytics",
            $$$"""{"schemas":["{{{PatchOp}}}"],"Operations":[{"op":"Add","path":"members","value":[{"value":"staff:sam"}]}]}""");
        added.Status.ShouldBe(200, added.Body.ToString());
        added.Body.GetProperty("members").GetArrayLength().ShouldBe(2);
        var removed = await SendRaw(incident.App, HttpMethod.Patch, "/scim/v2/Groups/dept:fraud-analytics",
            $$$"""{"schemas":["{{{PatchOp}}}"],"Operations":[{"op":"Remove","path":"members","value":[{"value":"staff:sam"}]}]}""");
        removed.Status.ShouldBe(400);
        removed.Body.GetProperty("detail").GetString()!.ShouldContain("without a department");
        // ...but once sam is added to engineering, removing him from here is just the second half of the move.
        (await SendRaw(incident.App, HttpMethod.Patch, "/scim/v2/Groups/dept:engineering",
            $$$"""{"schemas":["{{{PatchOp}}}"],"Operations":[{"op":"add","path":"members","value":[{"value":"staff:sam"}]}]}""")).Status.ShouldBe(200);
        var size = await incident.LedgerSizeAsync();
        (await SendRaw(incident.App, HttpMethod.Patch, "/scim/v2/Groups/dept:fraud-analytics",
            $$$"""{"schemas":["{{{PatchOp}}}"],"Operations":[{"op":"remove","path":"members[value eq \"staff:sam\"]"}]}""")).Status.ShouldBe(200);
        (await incident.LedgerSizeAsync()).ShouldBe(size, "nothing changed, nothing ledgered");

        // Renamed by PUT (members kept when not given); deleted once empty.
        var renamed = await Send(incident.App, HttpMethod.Put, "/scim/v2/Groups/dept:fraud-analytics", new { displayName = "Fraud Data Science" });
        renamed.Status.ShouldBe(200, renamed.Body.ToString());
        renamed.Body.GetProperty("displayName").GetString().ShouldBe("Fraud Data Science");
        renamed.Body.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("value").GetString()).ShouldBe(["staff:tariq"]);
        (await Send(incident.App, HttpMethod.Delete, "/scim/v2/Groups/dept:fraud-analytics")).Status.ShouldBe(409);
        (await Send(incident.App, HttpMethod.Patch, "/scim/v2/Users/staff:tariq", new
        {
            schemas = new[] { PatchOp },
            Operations = new[] { new { op = "replace", path = $"{Enterprise}:department", value = "Engineering" } },
        })).Status.ShouldBe(200);
        (await Send(incident.App, HttpMethod.Delete, "/scim/v2/Groups/dept:fraud-analytics")).Status.ShouldBe(204);
        (await Send(incident.App, HttpMethod.Get, "/scim/v2/Groups/dept:fraud-analytics")).Status.ShouldBe(404);
    }

    public static TheoryData<string, string, string?, int, string?> BadInput => new()
    {
        { "POST", "/scim/v2/Users", "{\"userName\": ", 400, "invalidSyntax" },
        { "POST", "/scim/v2/Users", "[]", 400, "invalidSyntax" },
        { "POST", "/scim/v2/Users", """{"userName":"staff:x","USERNAME":"staff:y"}""", 400, "invalidSyntax" },
        { "POST", "/scim/v2/Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"userName":"staff:x"}""", 400, "invalidSyntax" },
        { "POST", "/scim/v2/Users", """{"userName":"zoe@example.com"}""", 400, "invalidValue" },
        { "POST", "/scim/v2/Users", $$$"""{"userName":"staff:zoe","{{{Staff}}}":{"jurisdiction":"US"}}""", 400, "invalidValue" },
        { "POST", "/scim/v2/Users", $$$"""{"userName":"staff:zoe","{{{Enterprise}}}":{"department":"dept:nowhere"},"{{{Staff}}}":{"jurisdiction":"US"}}""", 400, "invalidValue" },
        { "POST", "/scim/v2/Users", $$$"""{"userName":"staff:zoe","{{{Enterprise}}}":{"department":"dept:iarc"},"{{{Staff}}}":{"jurisdiction":"USA"}}""", 400, "invalidValue" },
        { "POST", "/scim/v2/Users", $$$"""{"userName":"staff:zoe","{{{Enterprise}}}":{"department":"dept:iarc","manager":"staff:nobody"},"{{{Staff}}}":{"jurisdiction":"US"}}""", 400, "invalidValue" },
        { "POST", "/scim/v2/Users", $$$"""{"userName":"staff:zoe","active":"perhaps","{{{Enterprise}}}":{"department":"dept:iarc"},"{{{Staff}}}":{"jurisdiction":"US"}}""", 400, "invalidValue" },
        { "POST", "/scim/v2/Users", $$$"""{"userName":"staff:Wei","{{{Enterprise}}}":{"department":"dept:iarc"},"{{{Staff}}}":{"jurisdiction":"CN"}}""", 409, "uniqueness" },
        { "POST", "/scim/v2/Users", $$$"""{"userName":"staff:zoe","{{{Enterprise}}}":{"department":"dept:iarc"},"{{{Staff}}}":{"jurisdiction":"US","account":"user:90001"}}""", 400, "invalidValue" },
        { "PUT", "/scim/v2/Users/staff:lin", $$$"""{"userName":"staff:lin","{{{Enterprise}}}":{"department":"dept:iarc","manager":{"value":"staff:wei"}},"{{{Staff}}}":{"jurisdiction":"CN"}}""", 400, "invalidValue" },
        { "PUT", "/scim/v2/Users/staff:nobody", $$$"""{"userName":"staff:nobody","{{{Enterprise}}}":{"department":"dept:iarc"},"{{{Staff}}}":{"jurisdiction":"CN"}}""", 404, null },
        { "PATCH", "/scim/v2/Users/staff:wei", """{"Operations":[{"op":"explode","path":"active","value":false}]}""", 400, "invalidSyntax" },
        { "PATCH", "/scim/v2/Users/staff:wei", """{"Operations":[]}""", 400, "invalidSyntax" },
        { "PATCH", "/scim/v2/Users/staff:wei", """{"Operations":[{"op":"remove"}]}""", 400, "noTarget" },
        { "PATCH", "/scim/v2/Users/staff:wei", """{"Operations":[{"op":"remove","path":"roles[value eq \"pilot\"]"}]}""", 400, "noTarget" },
        { "PATCH", "/scim/v2/Users/staff:wei", $$$"""{"Operations":[{"op":"replace","path":"{{{Staff}}}:shoeSize","value":"42"}]}""", 400, "invalidPath" },
        { "PATCH", "/scim/v2/Users/staff:wei", """{"Operations":[{"op":"replace","path":"roles[value eq","value":"x"}]}""", 400, "invalidPath" },
        { "PATCH", "/scim/v2/Users/staff:wei", """{"Operations":[{"op":"replace","path":"userName","value":"staff:wu"}]}""", 400, "mutability" },
        // The first operation alone would be fine: a PATCH is applied whole or not at all.
        { "PATCH", "/scim/v2/Users/staff:wei", """{"Operations":[{"op":"replace","path":"active","value":false},{"op":"replace","path":"active","value":"maybe"}]}""", 400, "invalidValue" },
        { "GET", "/scim/v2/Users?filter=userName%20zz%20%22x%22", null, 400, "invalidFilter" },
        { "GET", "/scim/v2/Users?filter=userName%20eq%20%22x", null, 400, "invalidFilter" },
        { "GET", "/scim/v2/Users?count=many", null, 400, "invalidValue" },
        { "GET", "/scim/v2/Users/staff:nobody", null, 404, null },
        { "GET", "/scim/v2/Bulk", null, 404, null },
        { "POST", "/scim/v2/Groups", """{"displayName":"Audit","members":[{"value":"staff:nobody"}]}""", 400, "invalidValue" },
        { "POST", "/scim/v2/Groups", $$$"""{"displayName":"Audit","{{{Department}}}":{"parent":"dept:nowhere"}}""", 400, "invalidValue" },
        { "PATCH", "/scim/v2/Groups/dept:support", $$$"""{"Operations":[{"op":"replace","path":"{{{Department}}}:parent","value":"dept:support-eu"}]}""", 400, "invalidValue" },
        { "PUT", "/scim/v2/Groups/dept:support", """{"displayName":"Privacy Office"}""", 409, "uniqueness" },
        { "DELETE", "/scim/v2/Groups/dept:iarc", null, 409, null },
        { "DELETE", "/scim/v2/Groups/dept:platform", null, 409, null },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_answered_in_the_scim_error_schema_and_changes_nothing(string method, string path, string? body, int status, string? scimType)
    {
        using var incident = new IncidentApp();
        var world = await WorldHashAsync(incident);
        var ledger = await incident.LedgerSizeAsync();

        using var client = incident.App.ClientAs(Idp);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/scim+json");
        }
        using var response = await client.SendAsync(request, Cancel);

        var error = await ShouldBeScimErrorAsync(response, status);
        if (scimType is null)
        {
            error.TryGetProperty("scimType", out _).ShouldBeFalse();
        }
        else
        {
            error.GetProperty("scimType").GetString().ShouldBe(scimType, error.ToString());
        }
        error.GetProperty("detail").GetString().ShouldNotBeNullOrWhiteSpace();
        (await WorldHashAsync(incident)).ShouldBe(world);
        (await incident.LedgerSizeAsync()).ShouldBe(ledger);
    }

    [Fact]
    public async Task Concurrent_changes_are_serialized_and_none_is_lost()
    {
        using var incident = new IncidentApp();
        var ledgerBefore = await incident.LedgerSizeAsync();
        string[] people = ["staff:wei", "staff:chen", "staff:mason", "staff:harper", "staff:amara", "staff:diego", "staff:sean", "staff:lena"];

        var results = await Task.WhenAll(people.Select(p => SendRaw(incident.App, HttpMethod.Patch, $"/scim/v2/Users/{p}",
            $$$"""{"schemas":["{{{PatchOp}}}"],"Operations":[{"op":"add","path":"roles","value":[{"value":"trained-2026"}]}]}""")));

        results.ShouldAllBe(r => r.Status == 200);
        var trained = await Send(incident.App, HttpMethod.Get, "/scim/v2/Users?filter=" + Uri.EscapeDataString("roles.value eq \"trained-2026\""));
        trained.Body.GetProperty("Resources").EnumerateArray().Select(u => u.GetProperty("id").GetString()).Order().ShouldBe(people.Order());
        (await EntriesAsync(incident, ledgerBefore)).Count(e => (string?)e["type"] == "activation").ShouldBe(people.Length);
    }

    [Fact]
    public async Task A_world_changed_by_scim_is_kept_across_a_restart_until_a_file_is_loaded_over_it_on_purpose()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        var clock = new FakeTimeProvider(IncidentApp.IncidentTime);
        string scimWorld;
        using (var first = new CustosApp(dataDirectory: data, time: clock))
        {
            (await Send(first, HttpMethod.Post, "/scim/v2/Users", NewUser())).Status.ShouldBe(201);
            scimWorld = await WorldHashAsync(first);
        }

        // Restarted with the default (demo) world file: the SCIM-managed world stays, nothing is ledgered.
        long size;
        using (var second = new CustosApp(dataDirectory: data, time: clock))
        {
            size = await second.Services.GetRequiredService<IAccessLedger>().SizeAsync(Cancel);
            (await WorldHashAsync(second)).ShouldBe(scimWorld);
            (await second.Services.GetRequiredService<IAccessLedger>().SizeAsync(Cancel)).ShouldBe(size);
            (await Send(second, HttpMethod.Get, "/scim/v2/Users/staff:zoe")).Status.ShouldBe(200);
        }
        using (var third = new CustosApp(dataDirectory: data, time: clock, settings: new Dictionary<string, string?> { ["World"] = "store" }))
        {
            (await WorldHashAsync(third)).ShouldBe(scimWorld);
        }

        // Loading the file over it is an explicit act, and ledgered.
        using var replaced = new CustosApp(dataDirectory: data, time: clock, settings: new Dictionary<string, string?> { ["ReplaceWorld"] = "true" });
        (await WorldHashAsync(replaced)).ShouldNotBe(scimWorld);
        (await Send(replaced, HttpMethod.Get, "/scim/v2/Users/staff:zoe")).Status.ShouldBe(404);
    }

    [Fact]
    public async Task World_store_on_an_empty_store_is_not_ready_and_says_why()
    {
        using var app = new CustosApp(settings: new Dictionary<string, string?> { ["World"] = "store" });
        using var client = app.CreateClient();

        using var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative), Cancel);

        ((int)ready.StatusCode).ShouldBe(503);
    }

    [Fact]
    public void Staff_are_not_provisioners_in_configuration_either()
    {
        using var app = new CustosApp(settings: new Dictionary<string, string?> { ["Scim:Provisioners"] = "service:okta;staff:sam" });

        var failure = Should.Throw<Exception>(() => app.CreateClient());

        failure.ToString().ShouldContain("Scim:Provisioners");
    }

    [Fact]
    public async Task The_service_provider_describes_itself()
    {
        using var incident = new IncidentApp();

        var config = await Send(incident.App, HttpMethod.Get, "/scim/v2/ServiceProviderConfig");
        var types = await Send(incident.App, HttpMethod.Get, "/scim/v2/ResourceTypes");
        var schemas = await Send(incident.App, HttpMethod.Get, "/scim/v2/Schemas");

        config.Body.GetProperty("patch").GetProperty("supported").GetBoolean().ShouldBeTrue();
        config.Body.GetProperty("bulk").GetProperty("supported").GetBoolean().ShouldBeFalse();
        types.Body.GetProperty("Resources").EnumerateArray().Select(t => t.GetProperty("endpoint").GetString()).ShouldBe(["/Users", "/Groups"]);
        schemas.Body.GetProperty("Resources").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ShouldBe([Staff, Department]);
    }

    private static string Patch(string op, string path, string jsonValue) =>
        $$$"""{"schemas":["{{{PatchOp}}}"],"Operations":[{"op":"{{{op}}}","path":"{{{path}}}","value":{{{jsonValue}}}}]}""";

    private sealed record ScimResponse(int Status, JsonElement Body, string? Location);

    private static async Task<ScimResponse> Send(CustosApp app, HttpMethod method, string path, object? body = null, string caller = Idp) =>
        await SendRaw(app, method, path, body is null ? null : JsonSerializer.Serialize(body), caller);

    private static async Task<ScimResponse> SendRaw(CustosApp app, HttpMethod method, string path, string? body, string caller = Idp)
    {
        using var client = app.ClientAs(caller);
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/scim+json");
        }
        using var response = await client.SendAsync(request, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        if (text.Length > 0)
        {
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/scim+json");
        }
        return new ScimResponse((int)response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default, response.Headers.Location?.OriginalString);
    }

    private static async Task<JsonElement> ShouldBeScimErrorAsync(HttpResponseMessage response, int status)
    {
        ((int)response.StatusCode).ShouldBe(status);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/scim+json");
        var error = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        error.GetProperty("schemas").EnumerateArray().Select(s => s.GetString()).ShouldBe(["urn:ietf:params:scim:api:messages:2.0:Error"]);
        error.GetProperty("status").GetString().ShouldBe(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return error;
    }

    private static Task<string> WorldHashAsync(IncidentApp incident) => WorldHashAsync(incident.App);

    private static async Task<string> WorldHashAsync(CustosApp app) =>
        (await GetAsync(app, "/v1/policies", "staff:sam")).GetProperty("world").GetString()!;

    private static async Task<JsonElement> GetAsync(CustosApp app, string path, string caller)
    {
        using var client = app.ClientAs(caller, "US");
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Cancel);
        ((int)response.StatusCode).ShouldBe(200, await response.Content.ReadAsStringAsync(Cancel));
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
    }

    private static async Task<string> Decision(IncidentApp incident, string reader, object read)
    {
        var (status, body) = await incident.PostAsync("/v1/decisions", reader, "US", read);
        status.ShouldBe(200, body.ToString());
        return body.GetProperty("decision").GetString()!;
    }

    private static async Task<List<string>> Reasons(IncidentApp incident, string reader, object read)
    {
        var (status, body) = await incident.PostAsync("/v1/decisions", reader, "US", read);
        status.ShouldBe(200, body.ToString());
        return [.. body.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!)];
    }

    /// <summary>The ledger's entries from <paramref name="from"/> on.</summary>
    private static async Task<List<JsonNode>> EntriesAsync(IncidentApp incident, long from)
    {
        var ledger = incident.App.Services.GetRequiredService<IAccessLedger>();
        var entries = new List<JsonNode>();
        for (long i = from, size = await ledger.SizeAsync(Cancel); i < size; i++)
        {
            entries.Add(JsonNode.Parse(await ledger.ReadEntryAsync(i, Cancel))!);
        }
        return entries;
    }
}
