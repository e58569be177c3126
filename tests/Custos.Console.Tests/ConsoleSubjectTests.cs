using System.Net.Http.Json;
using Custos.Tests.Support;
using Custos.WebConsole.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Custos.WebConsole.Tests;

/// <summary>The data subject's page: reads under a case still confidential are counted, not shown.</summary>
public sealed class ConsoleSubjectTests : IDisposable
{
    /// <summary>The incident's moment: case TS-2002 is disclosed only from 2027.</summary>
    private readonly CustosApp _app = new(time: new FakeTimeProvider(new DateTimeOffset(2026, 6, 3, 14, 5, 0, TimeSpan.Zero)));

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_read_under_a_case_not_yet_disclosed_is_counted_and_not_shown()
    {
        using (var api = _app.ClientAs("staff:diego", "IE"))
        {
            using var read = await api.PostAsJsonAsync(new Uri("/v1/decisions", UriKind.Relative),
                new { subject = "user:40073", categories = new[] { "profile.basic" }, purpose = "trust-safety-investigation", @case = "case:TS-2002" },
                TestContext.Current.CancellationToken);
            ((int)read.StatusCode).ShouldBe(200, await read.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
        using var subject = await ConsoleClient.SignedInAsync(_app, "user:40073", location: null);
        var (status, page, response) = await subject.GetAsync("/console/me");
        response.Dispose();
        status.ShouldBe(200);
        page.QuerySelector("[role=status]")!.TextContent.ShouldContain("1 read is withheld");
        page.QuerySelectorAll("tbody tr").ShouldBeEmpty();
        page.Body!.TextContent.ShouldNotContain("diego");
        page.Body.TextContent.ShouldContain("signature verified");
    }
}
