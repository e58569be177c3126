using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(Custos.WebConsole.Tests.Support.Browser))]

namespace Custos.WebConsole.Tests.Support;

/// <summary>
/// One headless Chromium for the whole run (Debian's, at <see cref="ExecutablePath"/>; .ci/run
/// installs it): starting a browser costs more than most of the tests that use it.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ExecutablePath, Headless = true });
    }

    /// <summary>A fresh context (its own cookies) on <paramref name="baseUrl"/>: one person's browser.</summary>
    public async Task<IPage> OpenAsync(string baseUrl)
    {
        var context = await _browser!.NewContextAsync(new() { BaseURL = baseUrl, TimezoneId = "Europe/Dublin", Locale = "en-IE" });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>Axe on the page as it stands: no serious or critical violation.</summary>
    public static async Task ShouldBeAccessibleAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var result = await page.RunAxe();
        var grave = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join(", ", v.Nodes.Select(n => n.Html))}").ToList();
        grave.ShouldBeEmpty($"accessibility of {page.Url}");
    }

    /// <summary>A screenshot for docs/console.md, when CUSTOS_CONSOLE_SCREENSHOTS names a directory.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (Environment.GetEnvironmentVariable("CUSTOS_CONSOLE_SCREENSHOTS") is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            await page.ScreenshotAsync(new() { Path = Path.Combine(directory, name + ".png"), FullPage = true });
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
