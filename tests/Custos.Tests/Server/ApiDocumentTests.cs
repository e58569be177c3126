using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Custos.Tests.Support;

namespace Custos.Tests.Server;

public sealed class ApiDocumentTests : IDisposable
{
    private readonly CustosApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task The_openapi_document_describes_the_endpoints()
    {
        using var client = _app.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);

        document.GetProperty("openapi").GetString().ShouldStartWith("3.");
        document.GetProperty("info").GetProperty("title").GetString().ShouldBe("Custos API");
        var paths = document.GetProperty("paths");
        paths.TryGetProperty("/healthz", out _).ShouldBeTrue();
        paths.GetProperty("/readyz").GetProperty("get").GetProperty("responses").TryGetProperty("503", out _).ShouldBeTrue();
        paths.GetProperty("/v1/alerts").GetProperty("get").GetProperty("summary").GetString().ShouldNotBeNullOrWhiteSpace();
        paths.GetProperty("/v1/alerts/{id}").GetProperty("get").GetProperty("responses").TryGetProperty("404", out _).ShouldBeTrue();
        paths.GetProperty("/v1/alerts/{id}/triage").GetProperty("post").GetProperty("responses").TryGetProperty("403", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task The_api_reference_page_is_served_from_the_binary_and_reads_the_document()
    {
        using var client = _app.CreateClient();

        using var page = await client.GetAsync(new Uri("/docs/", UriKind.Relative), TestContext.Current.CancellationToken);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType?.MediaType.ShouldBe("text/html");
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        html.ShouldContain("openapi/v1.json");

        // The page's script comes from the server itself, not from a CDN.
        using var script = await client.GetAsync(new Uri("/docs/scalar.js", UriKind.Relative), TestContext.Current.CancellationToken);
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
