using System.Text.Json.Nodes;
using Custos.Tests.Support;
using Custos.WebConsole.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.WebConsole.Tests;

/// <summary>
/// The console's defences, over plain HTTP: a strict Content-Security-Policy on every page, no
/// form accepted without its anti-forgery token, session cookies out of script's and other
/// sites' reach, no token in any address, and signing out that really ends the session.
/// </summary>
public sealed class ConsoleSecurityTests : IDisposable
{
    private readonly CustosApp _app = new();

    public void Dispose() => _app.Dispose();

    /// <summary>Every console page, as someone who may see it and as someone who may not.</summary>
    public static readonly string[] Pages =
        ["/console/", "/console/sign-in", "/console/requests", "/console/inbox", "/console/me", "/console/oversight", "/console/alerts", "/console/no-such-page"];

    [Fact]
    public async Task Every_page_carries_a_content_security_policy_without_inline_script_or_eval()
    {
        using var anonymous = ConsoleClient.Anonymous(_app);
        using var reader = await ConsoleClient.SignedInAsync(_app, "staff:harper");
        using var subject = await ConsoleClient.SignedInAsync(_app, "user:10042");
        foreach (var client in new[] { anonymous, reader, subject })
        {
            foreach (var path in Pages)
            {
                var (status, page, response) = await client.GetAsync(path);
                using (response)
                {
                    var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
                    policy.ShouldContain("default-src 'none'", customMessage: $"{path} ({status})");
                    policy.ShouldContain("script-src 'self'", customMessage: path);
                    policy.ShouldContain("frame-ancestors 'none'", customMessage: path);
                    policy.ShouldNotContain("unsafe-inline", customMessage: path);
                    policy.ShouldNotContain("unsafe-eval", customMessage: path);
                    response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html", path);
                    // Nothing the policy would have to allow: no inline script, no style attribute.
                    page.QuerySelectorAll("script:not([src])").ShouldBeEmpty(path);
                    page.QuerySelectorAll("[style]").ShouldBeEmpty(path);
                }
            }
        }
    }

    [Fact]
    public async Task Every_form_on_every_page_carries_an_anti_forgery_token()
    {
        using var approver = await ConsoleClient.SignedInAsync(_app, "staff:priya");
        await RequestAsync("staff:harper");
        using var oversight = await ConsoleClient.SignedInAsync(_app, "staff:olu");
        foreach (var (client, path) in new[] { (approver, "/console/"), (approver, "/console/requests"), (approver, "/console/inbox"), (oversight, "/console/oversight"), (oversight, "/console/alerts") })
        {
            var (status, page, response) = await client.GetAsync(path);
            response.Dispose();
            status.ShouldBe(200, path);
            var forms = page.QuerySelectorAll("form");
            forms.ShouldNotBeEmpty(path);
            forms.ShouldAllBe(f => f.QuerySelector("input[name=__RequestVerificationToken]") != null, path);
        }
    }

    [Fact]
    public async Task Every_post_without_its_anti_forgery_token_is_refused_and_changes_nothing()
    {
        var request = await RequestAsync("staff:harper");
        using var reader = await ConsoleClient.SignedInAsync(_app, "staff:harper");
        using var approver = await ConsoleClient.SignedInAsync(_app, "staff:priya");
        var ledger = _app.Services.GetRequiredService<Custos.Access.IAccessLedger>();
        var before = await ledger.SizeAsync(TestContext.Current.CancellationToken);

        var posts = new (ConsoleClient Client, string Action, Dictionary<string, string> Fields)[]
        {
            (ConsoleClient.Anonymous(_app), "/console/sign-in", new() { ["token"] = _app.Token("staff:harper", "US") }),
            (reader, "/console/requests", AskFields()),
            (approver, $"/console/inbox/{request}/approve", new() { ["comment"] = "proportionate for the leak case" }),
            (approver, $"/console/inbox/{request}/deny", new() { ["comment"] = "not proportionate" }),
            (reader, "/console/sign-out", []),
        };
        foreach (var (client, action, fields) in posts)
        {
            using var response = await client.PostFormAsync(page: null, action, fields);
            ((int)response.StatusCode).ShouldBe(400, action);
            response.Headers.Contains("Set-Cookie").ShouldBeFalse($"{action} started or ended a session without its token");
        }
        (await ledger.SizeAsync(TestContext.Current.CancellationToken)).ShouldBe(before);
        // The reader is still signed in: the forged sign-out did nothing.
        var (status, _, still) = await reader.GetAsync("/console/requests");
        still.Dispose();
        status.ShouldBe(200);
    }

    [Fact]
    public async Task The_session_cookie_is_http_only_strict_same_site_secure_over_https_and_no_url_carries_the_token()
    {
        using var client = ConsoleClient.Anonymous(_app, https: true);
        var token = _app.Token("staff:harper", "US");
        using var response = await client.PostFormAsync("/console/sign-in", "/console/sign-in", new() { ["token"] = token });
        ((int)response.StatusCode).ShouldBe(303);
        response.Headers.Location!.ToString().ShouldBe("/console/");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(ConsoleSessions.CookieName + "=", StringComparison.Ordinal));
        var attributes = cookie.ToLowerInvariant();
        attributes.ShouldContain("httponly");
        attributes.ShouldContain("samesite=strict");
        attributes.ShouldContain("secure");
        attributes.ShouldContain("path=/console");
        cookie.ShouldNotContain(token);

        var (status, page, home) = await client.GetAsync("/console/");
        home.Dispose();
        status.ShouldBe(200);
        page.Body!.InnerHtml.ShouldNotContain(token);
        page.QuerySelectorAll("[href],[action]").Select(e => e.GetAttribute("href") ?? e.GetAttribute("action")).ShouldAllBe(url => !url!.Contains(token));
    }

    [Fact]
    public async Task Over_plain_http_the_cookie_is_not_marked_secure()
    {
        using var client = ConsoleClient.Anonymous(_app);
        using var response = await client.PostFormAsync("/console/sign-in", "/console/sign-in", new() { ["token"] = _app.Token("staff:harper", "US") });
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(ConsoleSessions.CookieName + "=", StringComparison.Ordinal))
            .ToLowerInvariant().ShouldNotContain("secure");
    }

    [Fact]
    public async Task Signing_out_ends_the_session_even_for_a_copy_of_its_cookie()
    {
        using var client = await ConsoleClient.SignedInAsync(_app, "staff:harper");
        var cookie = client.Cookies();
        cookie.ShouldContain(ConsoleSessions.CookieName + "=");
        using (var signOut = await client.PostFormAsync("/console/requests", "/console/sign-out", []))
        {
            ((int)signOut.StatusCode).ShouldBe(303);
            signOut.Headers.Location!.ToString().ShouldStartWith("/console/sign-in");
        }
        var (status, page, response) = await client.GetAsync("/console/requests");
        response.Dispose();
        status.ShouldBe(401);
        page.QuerySelector("input[type=password]#token").ShouldNotBeNull("the sign-in form is shown instead");

        // The same cookie, replayed by someone who copied it: the session is gone on the server.
        using var replay = _app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var message = new HttpRequestMessage(HttpMethod.Get, "/console/requests");
        message.Headers.Add("Cookie", cookie);
        using var replayed = await replay.SendAsync(message, TestContext.Current.CancellationToken);
        ((int)replayed.StatusCode).ShouldBe(401);
    }

    [Fact]
    public async Task A_bad_or_expired_token_does_not_sign_in_and_the_page_says_why()
    {
        using var client = ConsoleClient.Anonymous(_app);
        using (var response = await client.PostFormAsync("/console/sign-in", "/console/sign-in", new() { ["token"] = "not-a-token" }))
        {
            ((int)response.StatusCode).ShouldBe(303);
        }
        var (status, page, home) = await client.GetAsync("/console/");
        home.Dispose();
        status.ShouldBe(401);
        page.QuerySelector("[role=alert]")!.TextContent.ShouldContain("not a well-formed JWT");
    }

    [Fact]
    public async Task A_page_of_another_persons_job_answers_a_plain_403_page_that_says_what_it_needs()
    {
        using var reader = await ConsoleClient.SignedInAsync(_app, "staff:harper");
        var (status, page, response) = await reader.GetAsync("/console/alerts");
        response.Dispose();
        status.ShouldBe(403);
        page.QuerySelector("h1")!.TextContent.ShouldBe("Not allowed");
        page.Body!.TextContent.ShouldContain("oversight in good standing");
        // Her navigation offers only what she may do.
        page.QuerySelectorAll("nav a").Select(a => a.GetAttribute("href")).ShouldBe(["/console/requests", "/console/inbox"]);
    }

    private static Dictionary<string, string> AskFields() => new()
    {
        ["subjects"] = "user:10042",
        ["categories"] = "network.ip_address",
        ["purpose"] = "internal-audit",
        ["case"] = "case:IA-8",
        ["duration"] = "PT8H",
        ["justification"] = "IP address needed to match the leak investigation's access logs",
    };

    /// <summary>An access request made through the API; its id.</summary>
    private async Task<string> RequestAsync(string requester)
    {
        using var api = _app.ClientAs(requester, "US");
        using var response = await api.PostAsync(new Uri("/v1/access-requests", UriKind.Relative),
            System.Net.Http.Json.JsonContent.Create(new { subjects = new[] { "user:10042" }, categories = new[] { "network.ip_address" }, purpose = "internal-audit", @case = "case:IA-8", justification = "IP address needed to match the leak investigation's access logs", duration = "8h" }),
            TestContext.Current.CancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        ((int)response.StatusCode).ShouldBe(201, body.ToJsonString());
        return body["id"]!.GetValue<string>();
    }
}
