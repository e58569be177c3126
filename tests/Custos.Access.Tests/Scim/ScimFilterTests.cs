using System.Text.Json.Nodes;
using Custos.Access.Scim;

namespace Custos.Access.Tests.Scim;

/// <summary>SCIM filters (RFC 7644 section 3.4.2.2) over a User, without a server.</summary>
public sealed class ScimFilterTests
{
    private static readonly JsonNode User = JsonNode.Parse("""
        {
          "userName": "staff:wei",
          "active": true,
          "emails": [{ "type": "work", "value": "wei@example.com" }, { "type": "home", "value": "wei@home.example" }],
          "roles": [{ "value": "auditor" }],
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "dept:iarc" }
        }
        """, ScimSchemas.NodeOptions)!;

    [Theory]
    [InlineData("userName eq \"STAFF:WEI\"", true)] // userName is caseExact=false (RFC 7643 section 4.1.1)
    [InlineData("userName sw \"staff:\" and active eq true", true)]
    [InlineData("userName eq \"staff:lin\" or not (active eq true)", false)]
    [InlineData("emails[type eq \"home\" and value ew \"example\"]", true)]
    [InlineData("emails[type eq \"work\" and value ew \".org\"]", false)]
    [InlineData("roles eq \"auditor\"", true)] // a multi-valued attribute compared as a whole compares its "value"
    [InlineData("title pr", false)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"dept:iarc\"", true)]
    public void A_filter_matches_as_RFC_7644_says(string filter, bool matches) =>
        ScimFilter.Parse(filter).Matches(User).ShouldBe(matches, filter);

    [Theory]
    [InlineData("userName eq")]
    [InlineData("userName like \"x\"")]
    [InlineData("(userName eq \"x\"")]
    [InlineData("userName eq \"x\" extra")]
    public void A_malformed_filter_is_refused_as_invalidFilter(string filter)
    {
        var refused = Should.Throw<ScimException>(() => ScimFilter.Parse(filter));
        refused.Status.ShouldBe(400);
        refused.ScimType.ShouldBe("invalidFilter");
    }

    [Fact]
    public void Nesting_beyond_the_bound_is_refused_rather_than_overflowing_the_stack()
    {
        var deep = new string('(', ScimFilter.MaxDepth + 1) + "active eq true" + new string(')', ScimFilter.MaxDepth + 1);

        Should.Throw<ScimException>(() => ScimFilter.Parse(deep)).ScimType.ShouldBe("invalidFilter");
    }
}
