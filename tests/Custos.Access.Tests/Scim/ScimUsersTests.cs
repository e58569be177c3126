using System.Text.Json.Nodes;
using Custos.Access.Scim;
using Custos.Formats;

namespace Custos.Access.Tests.Scim;

/// <summary>SCIM Users to Custos's staff and back (docs/scim.md), without a server.</summary>
public sealed class ScimUsersTests
{
    private static readonly World Incident = WorldFile.Read(RepositoryPaths.IncidentWorld);

    private static JsonObject Body(string json) => JsonNode.Parse(json, ScimSchemas.NodeOptions)!.AsObject();

    [Fact]
    public void A_user_becomes_a_staff_member_with_its_department_by_display_name_and_country_from_its_address()
    {
        var member = ScimUsers.FromResource(Body("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
              "userName": "staff:nia",
              "roles": [{ "value": "support-agent" }],
              "addresses": [{ "primary": true, "country": "DE" }],
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "Customer Support", "manager": { "value": "staff:ceo" } }
            }
            """), null, Incident);

        member.Id.ShouldBe("staff:nia");
        member.Active.ShouldBeTrue("a new User with no 'active' is active");
        member.Department.ShouldBe("dept:support");
        member.Manager.ShouldBe("staff:ceo");
        member.Roles.ShouldBe(["support-agent"]);
        member.Jurisdiction.ShouldBe("DE");
    }

    [Fact]
    public void A_put_that_omits_active_keeps_a_deprovisioned_member_deprovisioned()
    {
        var lin = Incident.Staff.Single(s => s.Id == "staff:lin") with { Active = false };

        var member = ScimUsers.FromResource(Body("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "userName": "staff:lin",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "dept:iarc" },
              "urn:custos:scim:schemas:1.0:Staff": { "jurisdiction": "CN" }
            }
            """), lin, Incident);

        member.Active.ShouldBeFalse();
    }

    [Fact]
    public void The_user_name_is_the_staff_id_and_cannot_change()
    {
        var lin = Incident.Staff.Single(s => s.Id == "staff:lin");

        var refused = Should.Throw<ScimException>(() => ScimUsers.Patch(Body("""
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [{ "op": "replace", "path": "userName", "value": "staff:other" }]
            }
            """), lin, Incident));

        refused.ScimType.ShouldBe("mutability");
    }

    [Fact]
    public void A_patch_deactivates_and_the_user_shows_it()
    {
        var lin = Incident.Staff.Single(s => s.Id == "staff:lin");

        var member = ScimUsers.Patch(Body("""
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [{ "op": "replace", "value": { "active": false } }]
            }
            """), lin, Incident);

        member.Active.ShouldBeFalse();
        member.Department.ShouldBe(lin.Department);
        var user = ScimUsers.ToJson(member, "https://custos.example/scim/v2");
        user["active"]!.GetValue<bool>().ShouldBeFalse();
        user["meta"]!["location"]!.GetValue<string>().ShouldBe("https://custos.example/scim/v2/Users/staff%3Alin");
    }
}
