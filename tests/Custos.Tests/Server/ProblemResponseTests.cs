using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Custos.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Custos.Tests.Server;

/// <summary>Invariant 8 at the HTTP edge: every error is RFC 9457 problem+json, and a failure leaks nothing.</summary>
public sealed class ProblemResponseTests : IDisposable
{
    private const string Secret = "connection string Password=hunter2";

    private readonly CustosApp _app = new(MapFaultyEndpoints);
    private readonly HttpClient _client;

    public ProblemResponseTests()
    {
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private sealed record Greeting(string Name, int Times);

    private static void MapFaultyEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/test/greetings", (Greeting greeting) => TypedResults.Ok(greeting));
        endpoints.MapGet("/test/fail", string () => throw new InvalidOperationException(Secret));
    }

    [Fact]
    public async Task Unknown_route_is_a_404_problem()
    {
        using var response = await _client.GetAsync(new Uri("/no/such/route", UriKind.Relative), TestContext.Current.CancellationToken);

        var problem = await ProblemAsync(response, HttpStatusCode.NotFound);
        problem.GetProperty("title").GetString().ShouldBe("Not Found");
        problem.GetProperty("instance").GetString().ShouldBe("/no/such/route");
    }

    [Fact]
    public async Task Wrong_method_is_a_405_problem_that_names_the_allowed_method()
    {
        using var response = await _client.DeleteAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);

        await ProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        response.Content.Headers.Allow.ShouldBe(["GET"]);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_that_says_where()
    {
        using var body = new StringContent("""{"name": "ada", "times": }""", Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(new Uri("/test/greetings", UriKind.Relative), body, TestContext.Current.CancellationToken);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var detail = problem.GetProperty("detail").GetString();
        detail.ShouldNotBeNull();
        detail.ShouldContain("JSON");
        detail.ShouldContain("$.times");
    }

    [Fact]
    public async Task Json_of_the_wrong_type_is_a_422_problem_naming_the_field()
    {
        using var body = new StringContent("""{"name": "ada", "times": "twice"}""", Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(new Uri("/test/greetings", UriKind.Relative), body, TestContext.Current.CancellationToken);

        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        problem.GetProperty("errors").TryGetProperty("times", out _).ShouldBeTrue(problem.ToString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        using var body = new StringContent("name=ada", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await _client.PostAsync(new Uri("/test/greetings", UriKind.Relative), body, TestContext.Current.CancellationToken);

        await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_well_formed_body_is_bound_in_snake_case()
    {
        using var response = await _client.PostAsJsonAsync(new Uri("/test/greetings", UriKind.Relative), new { name = "ada", times = 2 }, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldBe("""{"name":"ada","times":2}""");
    }

    [Fact]
    public async Task Unhandled_exception_is_a_500_problem_with_a_trace_id_and_no_internals()
    {
        using var response = await _client.GetAsync(new Uri("/test/fail", UriKind.Relative), TestContext.Current.CancellationToken);

        var problem = await ProblemAsync(response, HttpStatusCode.InternalServerError);
        var text = problem.GetRawText();
        text.ShouldNotContain("hunter2");
        text.ShouldNotContain(nameof(InvalidOperationException));
        text.ShouldNotContain(" at ");
        problem.GetProperty("trace_id").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    /// <summary>Asserts the RFC 9457 shape and returns the parsed body.</summary>
    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        problem.GetProperty("status").GetInt32().ShouldBe((int)status);
        problem.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace();
        problem.GetProperty("type").GetString().ShouldNotBeNullOrWhiteSpace();
        problem.GetProperty("trace_id").GetString().ShouldNotBeNullOrWhiteSpace();
        return problem;
    }
}
