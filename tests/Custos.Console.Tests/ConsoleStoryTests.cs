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
/// independent approvers approve it with comments, and the reader's read is allowed, masked; the
/// read raises an alert that oversight opens, sees verified evidence for, and triages; oversight
/// revokes the department and sees what was cut; the journalist sees the read by role and
/// department, never by name. Every page on the way is checked with axe.
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
    public async Task The_incident_from_request_to_approval_read_alert_triage_revocation_and_the_journalists_report()
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

        // mason, in the same department, tries the same read under a case that does not name the
        // journalist: refused, and it raises an alert; olu, outside audit, opens it.
        using (var masonApi = _app.ClientAs("staff:mason", "US"))
        {
            using var attempt = await masonApi.PostAsJsonAsync(new Uri(BaseUrl + "/v1/decisions"),
                new { subject = Journalist, categories = new[] { "network.ip_address" }, purpose = "internal-audit", @case = "case:IA-7" },
                TestContext.Current.CancellationToken);
            var refused = await attempt.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            refused.GetProperty("decision").GetString().ShouldBe("deny", refused.ToString());
        }
        var olu = await SignInAsync("staff:olu");
        await olu.GotoAsync("/console/alerts");
        var alertRow = olu.GetByRole(AriaRole.Row).Filter(new() { HasText = "staff:mason" }).First;
        // Detection follows the ledger: the alert is there within seconds, not at once.
        for (var attempt = 0; attempt < 60 && await alertRow.CountAsync() == 0; attempt++)
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            await olu.ReloadAsync();
        }
        await Assertions.Expect(alertRow).ToBeVisibleAsync();
        await Browser.ShouldBeAccessibleAsync(olu);
        await Browser.ScreenshotAsync(olu, "alerts");
        await alertRow.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(olu.GetByText("verified", new() { Exact = true }).First).ToBeVisibleAsync();
        (await olu.GetByText("not verified").CountAsync()).ShouldBe(0);
        await Browser.ShouldBeAccessibleAsync(olu);
        await Browser.ScreenshotAsync(olu, "alert");
        await olu.GetByLabel("Note").FillAsync("mason tried to read a journalist's IP address for the leak hunt");
        await olu.GetByRole(AriaRole.Button, new() { Name = "Confirmed" }).ClickAsync();
        await Assertions.Expect(olu.GetByRole(AriaRole.Status)).ToContainTextAsync("Your triage is recorded");
        await Assertions.Expect(olu.GetByText("confirmed by staff:olu")).ToBeVisibleAsync();

        // olu revokes the whole department; the page lists what it cut.
        await olu.GotoAsync("/console/oversight");
        await olu.GetByLabel("A department").CheckAsync();
        await olu.GetByLabel("Department", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Internal Audit and Risk Control" });
        await olu.GetByLabel("Reason").FillAsync("the department used standing access against journalists");
        await olu.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        var cut = olu.GetByRole(AriaRole.Status);
        await Assertions.Expect(cut).ToContainTextAsync("staff:harper");
        await Assertions.Expect(cut).ToContainTextAsync("staff:mason");
        await Assertions.Expect(cut.Locator("dd").Nth(1)).Not.ToHaveTextAsync("none");
        await Browser.ShouldBeAccessibleAsync(olu);
        await Browser.ScreenshotAsync(olu, "oversight");

        // The journalist sees the read: by role and department, never by name, and the proof.
        var journalist = await SignInAsync(Journalist, location: null);
        await journalist.GotoAsync("/console/me");
        var line = journalist.GetByRole(AriaRole.Row).Filter(new() { HasText = "masked (ip-prefix)" });
        await Assertions.Expect(line).ToContainTextAsync("auditor, Internal Audit and Risk Control");
        await Assertions.Expect(line).ToContainTextAsync("allowed");
        await Assertions.Expect(journalist.GetByRole(AriaRole.Row).Filter(new() { HasText = "refused" })).ToContainTextAsync("Internal Audit and Risk Control");
        var report = await journalist.ContentAsync();
        report.ShouldNotContain("harper");
        report.ShouldNotContain("mason");
        await Assertions.Expect(journalist.GetByText("signature verified")).ToBeVisibleAsync();
        await Browser.ShouldBeAccessibleAsync(journalist);
        await Browser.ScreenshotAsync(journalist, "me");
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
