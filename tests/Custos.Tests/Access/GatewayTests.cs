using System.Net;
using System.Text.Json;

namespace Custos.Tests.Access;

/// <summary>Gateway mode: the data comes back as the decision allows it, masked, and nothing denied leaves.</summary>
public sealed class GatewayTests(IncidentApp incident) : IClassFixture<IncidentApp>
{
    [Fact]
    public async Task An_investigator_sees_each_category_through_its_mask()
    {
        var (status, body) = await incident.PostAsync("/v1/reads", "staff:amara", "US", new
        {
            subject = "user:40065",
            categories = new[] { "profile.basic", "network.ip_address", "location.precise", "social.graph", "messages.content" },
            purpose = "trust-safety-investigation",
            @case = "case:TS-2001",
        });

        status.ShouldBe(200, body.ToString());
        body.GetProperty("decision").GetString().ShouldBe("allow");
        var data = body.GetProperty("data");
        data.GetProperty("profile.basic").GetProperty("display_name").GetString().ShouldNotBeNullOrEmpty();
        foreach (var ip in data.GetProperty("network.ip_address").EnumerateArray())
        {
            ip.GetString()!.ShouldMatch(@"^(\d+\.\d+\.\d+\.0/24|[0-9a-f:]+::/48)$");
        }
        var location = data.GetProperty("location.precise");
        location.GetProperty("country").GetString().ShouldBe("US");
        location.TryGetProperty("lat", out _).ShouldBeFalse();
        data.GetProperty("social.graph").ValueKind.ShouldBe(JsonValueKind.Array, "the purpose reads the graph raw");
        data.GetProperty("messages.content").ValueKind.ShouldBe(JsonValueKind.Null, "message content is redacted");
        body.GetProperty("withheld").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Support_sees_contact_details_half_hidden_and_never_what_it_may_not_read()
    {
        var (status, body) = await incident.PostAsync("/v1/reads", "staff:jules", "US", new
        {
            subject = "user:40002",
            categories = new[] { "profile.basic", "profile.contact", "network.ip_address" },
            purpose = "customer-support",
            @case = "case:SUP-1001",
        });

        status.ShouldBe(200, body.ToString());
        body.GetProperty("decision").GetString().ShouldBe("partial");
        var data = body.GetProperty("data");
        data.GetProperty("profile.contact").GetProperty("email").GetString()!.ShouldMatch("^.•••@example.org$");
        data.GetProperty("profile.contact").GetProperty("phone").GetString()!.ShouldMatch(@"^[+• ]+\d\d$");
        data.TryGetProperty("network.ip_address", out _).ShouldBeFalse();
        body.GetProperty("withheld").EnumerateArray().Select(e => e.GetString()).ShouldBe(["network.ip_address"]);
    }

    [Fact]
    public async Task A_denied_read_returns_no_data_at_all()
    {
        var (status, body) = await incident.PostAsync("/v1/reads", "staff:wei", "CN", new
        {
            subject = "user:10042",
            categories = new[] { "network.ip_address", "profile.basic" },
            purpose = "internal-audit",
            @case = "case:IA-7",
        });

        status.ShouldBe((int)HttpStatusCode.OK);
        body.GetProperty("decision").GetString().ShouldBe("deny");
        body.GetProperty("data").EnumerateObject().ShouldBeEmpty();
        body.GetProperty("withheld").GetArrayLength().ShouldBe(2);
    }
}
