using System.Net;
using System.Net.Http.Json;
using Custos.Tests.Support;

namespace Custos.Tests.Server;

public sealed class AuthenticationTests
{
    private static readonly object Read = new { subject = "user:40002", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" };

    [Fact]
    public async Task With_an_identity_provider_configured_the_nodes_own_tokens_are_no_longer_accepted()
    {
        // An authority nobody answers at: its keys cannot be fetched, so no token can be validated.
        using var app = new CustosApp(settings: new Dictionary<string, string?> { ["Auth:Authority"] = "https://127.0.0.1:9/realms/staff", ["Auth:Audience"] = "custos" });
        using var client = app.ClientAs("staff:jules", "US");

        using var response = await client.PostAsJsonAsync(new Uri("/v1/decisions", UriKind.Relative), Read, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task The_nodes_own_tokens_are_accepted_by_default()
    {
        using var app = new CustosApp();
        using var client = app.ClientAs("staff:jules", "US");

        using var response = await client.PostAsJsonAsync(new Uri("/v1/decisions", UriKind.Relative), Read, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public void An_identity_provider_over_plain_http_is_refused_at_start_up()
    {
        using var app = new CustosApp(settings: new Dictionary<string, string?> { ["Auth:Authority"] = "http://idp.internal/realms/staff" });

        var error = Should.Throw<Microsoft.Extensions.Options.OptionsValidationException>(() => app.CreateClient());

        error.Message.ShouldContain("Auth:Authority must be an https:// URL");
    }
}
