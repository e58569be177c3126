using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Custos.Access.Decisions;
using Custos.Access.Domain;
using Custos.Access.Storage;
using Custos.Access.Workflow;
using Custos.Ledger.Log;
using Custos.Ledger.Storage;
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
        endpoints.MapGet("/test/throw/{kind}", string (string kind) => throw Faults[kind]());
        endpoints.MapGet("/scim/v2/test/throw/{kind}", string (string kind) => throw Faults[kind]());
    }

    /// <summary>One of each exception an endpoint may let escape, by name.</summary>
    private static readonly Dictionary<string, Func<Exception>> Faults = new()
    {
        ["input"] = () => InputException.Invalid("justification", "justification is too short"),
        ["input-too-large"] = () => InputException.TooLarge("note", "note is over 4000 characters"),
        ["decision-request"] = () => new DecisionRequestException("purpose", "purpose 'curiosity' is not a purpose of this world"),
        ["workflow-invalid"] = () => new WorkflowException(WorkflowErrorKind.Invalid, "the request is refused", "duration", ["duration is over 14 days"]),
        ["workflow-not-found"] = () => new WorkflowException(WorkflowErrorKind.NotFound, "there is no request req-1"),
        ["workflow-forbidden"] = () => new WorkflowException(WorkflowErrorKind.Forbidden, "you may not approve", reasons: ["the approver is the requester"]),
        ["workflow-conflict"] = () => new WorkflowException(WorkflowErrorKind.Conflict, "req-1 is closed"),
        ["ledger-range"] = () => new LedgerRangeException("the log has 3 entries; there is no entry 7"),
        ["access-not-ready"] = () => new AccessNotReadyException("no world and policy set are loaded yet"),
        ["store-unavailable"] = () => new StoreUnavailableException("the store is busy"),
        ["ledger-store"] = () => new LedgerStoreException("the ledger store is not reachable"),
        ["ledger-append"] = () => new LedgerAppendException("the batch was not made durable"),
        ["io"] = () => new IOException($"disk full writing /srv/{Secret}"),
    };

    [Theory]
    [InlineData("input", HttpStatusCode.UnprocessableEntity, "The request cannot be accepted as asked", "justification")]
    [InlineData("input-too-large", HttpStatusCode.RequestEntityTooLarge, "The request is too large", "note")]
    [InlineData("decision-request", HttpStatusCode.UnprocessableEntity, "The request cannot be accepted as asked", "purpose")]
    [InlineData("workflow-invalid", HttpStatusCode.UnprocessableEntity, "The request cannot be accepted as asked", "duration")]
    [InlineData("workflow-not-found", HttpStatusCode.NotFound, "Not Found", null)]
    [InlineData("workflow-forbidden", HttpStatusCode.Forbidden, "Not allowed", null)]
    [InlineData("workflow-conflict", HttpStatusCode.Conflict, "Conflict", null)]
    [InlineData("ledger-range", HttpStatusCode.NotFound, "Not Found", null)]
    [InlineData("access-not-ready", HttpStatusCode.ServiceUnavailable, "Not ready", null)]
    [InlineData("store-unavailable", HttpStatusCode.ServiceUnavailable, "Not ready", null)]
    [InlineData("ledger-store", HttpStatusCode.ServiceUnavailable, "Not ready", null)]
    [InlineData("ledger-append", HttpStatusCode.ServiceUnavailable, "Not ready", null)]
    [InlineData("io", HttpStatusCode.ServiceUnavailable, "Not ready", null)]
    public async Task Each_kind_of_refusal_has_one_status_and_title_and_no_internals(string kind, HttpStatusCode status, string title, string? field)
    {
        using var response = await _client.GetAsync(new Uri($"/test/throw/{kind}", UriKind.Relative), TestContext.Current.CancellationToken);

        var problem = await ProblemAsync(response, status);
        problem.GetProperty("title").GetString().ShouldBe(title);
        problem.GetProperty("detail").GetString().ShouldNotBeNullOrWhiteSpace();
        if (field is not null)
        {
            problem.GetProperty("errors").GetProperty(field).GetArrayLength().ShouldBe(1, problem.ToString());
        }
        var text = problem.GetRawText();
        text.ShouldNotContain("hunter2");
        text.ShouldNotContain("Exception");
        text.ShouldNotContain(" at ");
    }

    [Fact]
    public async Task A_refusal_says_why_in_the_exceptions_words_when_they_are_written_for_the_caller()
    {
        using var response = await _client.GetAsync(new Uri("/test/throw/workflow-forbidden", UriKind.Relative), TestContext.Current.CancellationToken);

        var problem = await ProblemAsync(response, HttpStatusCode.Forbidden);
        problem.GetProperty("detail").GetString().ShouldBe("you may not approve: the approver is the requester");
        problem.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ShouldBe(["the approver is the requester"]);
    }

    [Theory]
    [InlineData("store-unavailable", 503)]
    [InlineData("workflow-conflict", 409)]
    [InlineData("workflow-not-found", 400)]
    public async Task Under_scim_a_refusal_is_a_scim_error(string kind, int status)
    {
        using var response = await _client.GetAsync(new Uri($"/scim/v2/test/throw/{kind}", UriKind.Relative), TestContext.Current.CancellationToken);

        ((int)response.StatusCode).ShouldBe(status);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/scim+json");
        var error = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        error.GetProperty("schemas")[0].GetString().ShouldBe("urn:ietf:params:scim:api:messages:2.0:Error");
        error.GetProperty("status").GetString().ShouldBe(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("/v1/ledger/leaves/abc", "index", "abc")]
    [InlineData("/v1/ledger/leaves/99999999999999999999", "index", "99999999999999999999")]
    [InlineData("/v1/ledger/leaves?start=first", "start", "first")]
    [InlineData("/v1/ledger/proofs/inclusion?index=1&size=big", "size", "big")]
    public async Task A_route_or_query_value_that_is_not_a_number_is_a_400_naming_it_without_dotnet_types(string path, string name, string value)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var detail = problem.GetProperty("detail").GetString()!;
        detail.ShouldStartWith($"{name} must be an integer");
        detail.ShouldContain($"'{value}'");
        detail.ShouldNotContain("Failed to bind");
        detail.ShouldNotContain("long");
        problem.GetProperty("errors").TryGetProperty(name, out _).ShouldBeTrue(problem.ToString());
    }

    [Fact]
    public async Task A_missing_query_value_is_a_400_naming_it()
    {
        using var response = await _client.GetAsync(new Uri("/v1/ledger/leaves", UriKind.Relative), TestContext.Current.CancellationToken);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString().ShouldBe("start is required");
    }

    [Fact]
    public async Task A_ledger_entry_index_that_is_not_a_number_is_a_400_for_a_caller_who_may_read_entries()
    {
        using var auditor = _app.ClientAs("service:auditor-kpmg");
        using var response = await auditor.GetAsync(new Uri("/v1/ledger/entries/abc", UriKind.Relative), TestContext.Current.CancellationToken);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString().ShouldBe($"index must be an integer of at most {long.MaxValue}; got 'abc'");
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
