using System.Net.Http.Json;
using System.Text.Json;
using Custos.Tests.Support;
using Custos.WebConsole.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Custos.WebConsole.Tests;

/// <summary>
/// The demo world's story in a real browser, signed in as each person in turn: a reader asks for
/// a journalist's IP address, a colleague in the same department never sees the request, two
/// independent approvers approve it with comments, and the reader's read is allowed, masked.
/// Every page on the way is checked with axe.
/// </summary>
public sealed class ConsoleStoryTests(Browser browser) : IDisposable
{
    private const string Journalist = "user:10042";

    private readonly CustosApp _app = Start();

    public void Dispose() => _app.Dispose();

    /// <summary>The server on a real socket, as the browser needs.</summary>
    private static CustosApp Start()
    {
        var app = new CustosApp(settings: new Dictionary<string, string?> { ["Urls"] = "http://127.0.0.1:0" });
        app.UseKestrel(0);
        app.StartServer();
        return app;
    }

    private string BaseUrl =>
        _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    [Fact]
    public async Task A_reader_asks_a_colleague_never_sees_it_two_independent_approvers_approve_and_the_read_is_allowed_masked()
    {
        // harper, in internal audit, asks for the journalist's IP address under her case.
        var harper = await SignInAsync("staff:harper");
        await harper.GotoAsync("/console/requests");
        await Browser.ShouldBeAccessibleAsync(harper);
        await harper.GetByLabel("Subjects").FillAsync(Journalist);
        await harper.GetByLabel("network.ip_address").CheckAsync();
        await harper.GetByLabel("Purpose").SelectOptionAsync("internal-audit");
        await harper.GetByLabel("Case").FillAsync("case:IA-8");
        await harper.GetByLabel("Justification").FillAsync("IP address needed to match the leak investigation's access logs");
        await harper.GetByRole(AriaRole.Button, new() { Name = "Request access" }).ClickAsync();
        await Assertions.Expect(harper.GetByRole(AriaRole.Status)).ToContainTextAsync("Your request is sent");
        var row = harper.GetByRole(AriaRole.Row).Filter(new() { HasText = Journalist });
        await Assertions.Expect(row).ToContainTextAsync("pending");
        await Browser.ScreenshotAsync(harper, "requests");

        // mason, her colleague in audit, is not independent: the request is not in his inbox.
        var mason = await SignInAsync("staff:mason");
        await mason.GotoAsync("/console/inbox");
        await Assertions.Expect(mason.GetByText("Nothing waits for your decision")).ToBeVisibleAsync();
        await Browser.ShouldBeAccessibleAsync(mason);

        // priya (privacy office) and olu (oversight) are: each approves with a comment.
        foreach (var (approver, comment) in new[] { ("staff:priya", "proportionate for the leak case"), ("staff:olu", "independent check done") })
        {
            var page = await SignInAsync(approver);
            await page.GotoAsync("/console/inbox");
            var request = page.GetByRole(AriaRole.Article).Filter(new() { HasText = Journalist });
            await Assertions.Expect(request).ToContainTextAsync("protected: journalist");
            await Assertions.Expect(request).ToContainTextAsync("Internal Audit and Risk Control");
            await Assertions.Expect(request).ToContainTextAsync("IP address needed to match the leak investigation's access logs");
            await Assertions.Expect(request).ToContainTextAsync("outside the requester's department and management chain");
            await Browser.ShouldBeAccessibleAsync(page);
            if (approver == "staff:priya")
            {
                await Browser.ScreenshotAsync(page, "inbox");
            }
            await request.GetByLabel("Comment").FillAsync(comment);
            await request.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your approval is recorded");
        }

        // The grant is live on harper's page, and her read is allowed with the address masked.
        await harper.ReloadAsync();
        await Assertions.Expect(harper.GetByRole(AriaRole.Row).Filter(new() { HasText = "live" })).ToContainTextAsync(Journalist);
        using var api = _app.ClientAs("staff:harper", "US");
        using var read = await api.PostAsJsonAsync(new Uri(BaseUrl + "/v1/decisions"),
            new { subject = Journalist, categories = new[] { "network.ip_address" }, purpose = "internal-audit", @case = "case:IA-8" },
            TestContext.Current.CancellationToken);
        var decision = await read.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        decision.GetProperty("decision").GetString().ShouldBe("allow", decision.ToString());
        decision.GetProperty("categories").GetProperty("network.ip_address").GetProperty("mask").GetString().ShouldBe("ip-prefix");
    }

    [Fact]
    public async Task Signing_out_from_any_page_returns_to_the_sign_in_page_and_the_pages_are_closed_again()
    {
        var page = await SignInAsync("staff:harper");
        await page.GotoAsync("/console/inbox");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByText("You are signed out.")).ToBeVisibleAsync();
        await page.GotoAsync("/console/requests");
        await Assertions.Expect(page.GetByLabel("Token")).ToBeVisibleAsync();
        await Browser.ShouldBeAccessibleAsync(page);
    }

    /// <summary>A fresh browser, signed in through the sign-in page with a token minted for <paramref name="identity"/>.</summary>
    private async Task<IPage> SignInAsync(string identity, string? location = "US")
    {
        var page = await browser.OpenAsync(BaseUrl);
        await page.GotoAsync("/console/sign-in");
        await page.GetByLabel("Token").FillAsync(_app.Token(identity, location));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        return page;
    }
}
