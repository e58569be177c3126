using System.Net;
using System.Net.Http.Json;
using System.Net.Http.Headers;
using System.Text.Json;
using Custos.Server.Authentication;
using Custos.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

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

    [Theory]
    [InlineData("staff:jules", 24, null)]
    [InlineData("user:40002", 24, null)]
    [InlineData("staff:jules", 25, "at most 24 hours")]
    [InlineData("staff:jules", 24 * 365 * 10, "at most 24 hours")]
    [InlineData("service:idp", 24 * 90, null)]
    [InlineData("service:idp", 24 * 91, "at most 90 days")]
    public async Task A_local_token_may_live_no_longer_than_custos_token_would_mint_it(string identity, int hours, string? refusal)
    {
        using var app = new CustosApp();
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.Token(identity, "US", TimeSpan.FromHours(hours)));

        using var response = await client.GetAsync(new Uri("/v1/policies", UriKind.Relative), Cancel);

        if (refusal is null)
        {
            response.StatusCode.ShouldNotBe(HttpStatusCode.Unauthorized);
            return;
        }
        (await ProblemAsync(response)).ShouldContain(refusal);
    }

    [Theory]
    [InlineData("ZZ", 1)]
    [InlineData("XA", 1)]
    [InlineData("us", 1)]
    [InlineData("USA", 1)]
    [InlineData("A", 5000)]
    public async Task A_token_whose_location_is_not_a_country_is_refused(string location, int repeat)
    {
        using var app = new CustosApp();
        using var client = app.CreateClient();
        var claimed = string.Concat(Enumerable.Repeat(location, repeat));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.Token("staff:jules", claimed));

        using var response = await client.PostAsJsonAsync(new Uri("/v1/decisions", UriKind.Relative), Read, Cancel);

        var detail = await ProblemAsync(response);
        detail.ShouldContain("ISO 3166-1");
        detail.Length.ShouldBeLessThan(200, "the claim is named, not echoed in full");
    }

    [Theory]
    [InlineData("none", "needs a bearer token")]
    [InlineData("basic", "does not carry a bearer token")]
    [InlineData("expired", "expired at")]
    [InlineData("other key", "signature does not verify")]
    [InlineData("malformed", "not a well-formed JWT")]
    [InlineData("alg none", "")]
    public async Task A_401_says_why_the_token_was_refused_without_revealing_the_key(string kind, string why)
    {
        using var app = new CustosApp();
        using var client = app.CreateClient();
        var key = LocalSigningKey.LoadOrCreate(app.DataDirectory);
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2));
        client.DefaultRequestHeaders.Authorization = kind switch
        {
            "none" => null,
            "basic" => new AuthenticationHeaderValue("Basic", "c3RhZmY6amVsbHk="),
            "expired" => new AuthenticationHeaderValue("Bearer", LocalTokens.Mint(key, "staff:jules", "US", TimeSpan.FromMinutes(10), past)),
            "other key" => new AuthenticationHeaderValue("Bearer", LocalTokens.Mint(new SymmetricSecurityKey(new byte[32]), "staff:jules", "US", TimeSpan.FromMinutes(10))),
            "malformed" => new AuthenticationHeaderValue("Bearer", "not.a.jwt"),
            _ => new AuthenticationHeaderValue("Bearer", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJzdGFmZjpqdWxlcyJ9."),
        };

        using var response = await client.GetAsync(new Uri("/v1/policies", UriKind.Relative), Cancel);

        var detail = await ProblemAsync(response);
        detail.ShouldContain(why);
        detail.ShouldNotContain("IDX", Case.Sensitive, "the library's messages stay in the log");
        detail.ShouldNotContain(File.ReadAllText(LocalSigningKey.PathIn(app.DataDirectory)).Trim(), Case.Insensitive);
        response.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The detail of a 401 problem+json.</summary>
    private static async Task<string> ProblemAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        problem.GetProperty("status").GetInt32().ShouldBe(401);
        return problem.GetProperty("detail").GetString()!;
    }
}
