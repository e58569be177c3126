using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Custos.Tests.Access;
using Custos.Tests.Support;

namespace Custos.Tests.Server;

/// <summary>
/// Bounded, normalised input (issue 12, findings 5 to 8): what a caller sends is refused with a
/// 4xx problem that names the field when it is malformed, oversize or padded with invisible
/// characters, and a refused request leaves the ledger as it was.
/// </summary>
public sealed class InputBoundsTests(IncidentApp incident) : IClassFixture<IncidentApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private const string ScimPatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private static readonly string Read = """{"subject":"user:40002","categories":["profile.basic"],"purpose":"customer-support","case":"case:SUP-1001"}""";

    private static string Ask(string justification) =>
        $$"""{"subjects":["user:40002"],"categories":["profile.contact"],"purpose":"customer-support","case":"case:SUP-1001","justification":{{JsonSerializer.Serialize(justification)}}}""";

    [Fact]
    public async Task A_deeply_nested_scim_filter_is_refused_not_a_crash()
    {
        var path = "members[" + new string('(', 100_000) + "value eq \"staff:wei\"" + new string(')', 100_000) + "]";
        var patch = $$"""{"schemas":["{{ScimPatchOp}}"],"Operations":[{"op":"remove","path":{{JsonSerializer.Serialize(path)}}}]}""";

        var (status, type, body) = await SendAsync("PATCH", "/scim/v2/Groups/dept:support", "service:idp", patch, "application/scim+json");

        status.ShouldBe(400, body.ToString());
        type.ShouldBe("application/scim+json");
        body.GetProperty("scimType").GetString().ShouldBe("invalidPath");

        // Within the length limit, nesting alone is refused too, in a query's filter as in a path.
        var nested = new string('(', 40) + "userName eq \"staff:wei\"" + new string(')', 40);
        var (listStatus, _, listBody) = await SendAsync("GET", "/scim/v2/Users?filter=" + Uri.EscapeDataString(nested), "service:idp");
        listStatus.ShouldBe(400);
        listBody.GetProperty("scimType").GetString().ShouldBe("invalidFilter");
        listBody.GetProperty("detail").GetString()!.ShouldContain("32");
        (await SendAsync("GET", "/healthz", caller: null)).Status.ShouldBe(200);
    }

    [Fact]
    public async Task Filters_nested_up_to_the_limit_still_work()
    {
        var nested = new string('(', 32) + "userName eq \"staff:wei\"" + new string(')', 32);
        var (status, _, body) = await SendAsync("GET", "/scim/v2/Users?filter=" + Uri.EscapeDataString(nested), "service:idp");
        status.ShouldBe(200, body.ToString());
        body.GetProperty("totalResults").GetInt32().ShouldBe(1);
    }

    [Theory]
    [InlineData("/v1/decisions", """{"subject":"user:40002","categories":[null],"purpose":"customer-support"}""", "categories[0]")]
    [InlineData("/v1/reads", """{"subject":"user:40002","categories":["profile.basic",null],"purpose":"customer-support"}""", "categories[1]")]
    [InlineData("/v1/access-requests", """{"subjects":["user:40002"],"categories":[null],"purpose":"customer-support","case":"case:SUP-1001","justification":"the customer asked us to confirm the phone on file"}""", "categories[0]")]
    [InlineData("/v1/access-requests", """{"subjects":[null],"categories":["profile.contact"],"purpose":"customer-support","case":"case:SUP-1001","justification":"the customer asked us to confirm the phone on file"}""", "subjects[0]")]
    [InlineData("/v1/break-glass", """{"subjects":["user:40002"],"categories":["profile.contact",null],"purpose":"customer-support","case":"case:SUP-1001","justification":"the customer asked us to confirm the phone on file"}""", "categories[1]")]
    public async Task A_null_in_a_list_is_a_422_naming_the_element_and_ledgers_nothing(string path, string body, string field)
    {
        var problem = await RefusedAsync(path, "staff:jules", body, 422);

        Errors(problem).ShouldContainKey(field);
    }

    [Theory]
    [InlineData("""{"subject":5,"categories":["profile.basic"],"purpose":"customer-support"}""", "subject")]
    [InlineData("""{"subject":"user:40002","categories":"profile.basic","purpose":"customer-support"}""", "categories")]
    [InlineData("""{"subject":"user:40002","categories":[["profile.basic"]],"purpose":"customer-support"}""", "categories[0]")]
    [InlineData("""{"subject":"user:40002","categories":["profile.basic"],"purpose":{"id":"customer-support"}}""", "purpose")]
    [InlineData("""["user:40002"]""", "body")]
    public async Task A_value_of_the_wrong_type_is_a_422_naming_the_field(string body, string field)
    {
        var problem = await RefusedAsync("/v1/decisions", "staff:jules", body, 422);

        Errors(problem).ShouldContainKey(field);
    }

    [Fact]
    public async Task Malformed_json_is_still_a_400()
    {
        await RefusedAsync("/v1/decisions", "staff:jules", """{"subject":"user:40002",""", 400);
    }

    [Fact]
    public async Task A_one_megabyte_subject_is_refused_with_413_and_never_ledgered()
    {
        var body = Read.Replace("user:40002", "user:" + new string('9', 1 << 20), StringComparison.Ordinal);

        var problem = await RefusedAsync("/v1/decisions", "staff:jules", body, 413);

        Errors(problem).ShouldContainKey("body");
    }

    [Fact]
    public async Task A_ten_megabyte_subject_is_a_client_error_not_a_server_fault()
    {
        var body = Read.Replace("user:40002", "user:" + new string('9', 10 << 20), StringComparison.Ordinal);

        await RefusedAsync("/v1/reads", "staff:jules", body, 413);
    }

    [Fact]
    public async Task A_body_without_a_length_is_bounded_as_well()
    {
        var body = Ask(new string('x', 100_000));

        var problem = await RefusedAsync("/v1/access-requests", "staff:jules", body, 413, chunked: true);

        Errors(problem).ShouldContainKey("body");
    }

    [Theory]
    [InlineData("subject", "user:")]
    [InlineData("case", "case:")]
    public async Task An_identifier_over_256_characters_is_refused_with_413_naming_it(string field, string prefix)
    {
        var body = Read.Replace(field == "subject" ? "user:40002" : "case:SUP-1001", prefix + new string('1', 300), StringComparison.Ordinal);

        var problem = await RefusedAsync("/v1/decisions", "staff:jules", body, 413);

        Errors(problem).ShouldContainKey(field);
    }

    [Fact]
    public async Task A_subject_not_of_the_form_user_id_is_refused_and_not_ledgered()
    {
        foreach (var subject in new[] { "40002", "staff:jules", "user:", "user:40002\u202E", "user:400 02", "user:\u200B" })
        {
            var body = Read.Replace("\"user:40002\"", JsonSerializer.Serialize(subject), StringComparison.Ordinal);

            var problem = await RefusedAsync("/v1/decisions", "staff:jules", body, 422);

            Errors(problem).ShouldContainKey("subject");
        }
    }

    [Fact]
    public async Task A_justification_over_4_KiB_is_refused_with_413_and_not_stored()
    {
        var problem = await RefusedAsync("/v1/access-requests", "staff:jules", Ask(string.Join(' ', Enumerable.Repeat("justified", 500))), 413);

        Errors(problem).ShouldContainKey("justification");
        problem.GetProperty("detail").GetString()!.Length.ShouldBeLessThan(200);
    }

    [Fact]
    public async Task A_ten_megabyte_comment_or_reason_is_refused_and_not_echoed()
    {
        var huge = JsonSerializer.Serialize(new { comment = new string('x', 10 << 20) });
        var problem = await RefusedAsync("/v1/access-requests/req-0/deny", "staff:priya", huge, 413);
        problem.ToString().Length.ShouldBeLessThan(1000);

        var reason = JsonSerializer.Serialize(new { staff = "staff:jules", reason = string.Join(' ', Enumerable.Repeat("reason", 1000)) });
        Errors(await RefusedAsync("/v1/revocations", "staff:olu", reason, 413)).ShouldContainKey("reason");
    }

    [Fact]
    public async Task A_long_comment_is_refused_before_a_refused_approval_is_ledgered()
    {
        var created = await SendAsync("POST", "/v1/access-requests", "staff:jules", Ask("the customer called to confirm the phone number we hold"), location: "US");
        created.Status.ShouldBe(201, created.Body.ToString());
        var id = created.Body.GetProperty("id").GetString();

        // jules may not approve his own request; that attempt would be ledgered, but an oversize comment never gets that far.
        var comment = JsonSerializer.Serialize(new { comment = string.Join(' ', Enumerable.Repeat("comment", 600)) });
        Errors(await RefusedAsync($"/v1/access-requests/{id}/approve", "staff:jules", comment, 413)).ShouldContainKey("comment");
    }

    [Fact]
    public async Task A_justification_of_invisible_characters_is_no_justification()
    {
        string[] invisible =
        [
            string.Concat(Enumerable.Repeat("\u202E\u200B\0 ", 7)),
            new string('\u200B', 30),
            "\u2066\u2067\u2068\u2069 \uFEFF\u2060\u200D\u200C \u00AD\u3164\u2800 \u0001\u0002\u0003\u001B \u202A\u202B\u202C\u202D\u202E \U000E0041\U000E0042",
        ];
        foreach (var justification in invisible)
        {
            var problem = await RefusedAsync("/v1/access-requests", "staff:jules", Ask(justification), 422);

            Errors(problem)["justification"].ShouldContain(m => m.Contains("say why in words", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_repeated_justification_padded_with_invisible_characters_is_still_a_repeat()
    {
        const string Justification = "the customer wrote in to confirm which phone number is on file";
        var first = await SendAsync("POST", "/v1/access-requests", "staff:jules", Ask(Justification), location: "US");
        first.Status.ShouldBe(201, first.Body.ToString());

        foreach (var padded in new[] { Justification + "\u200B", "\u202E" + Justification, Justification.Replace(" ", " \u200B", StringComparison.Ordinal), Justification.Replace("phone", "pho\0ne", StringComparison.Ordinal) })
        {
            var problem = await RefusedAsync("/v1/access-requests", "staff:jules", Ask(padded), 422);
            Errors(problem)["justification"].ShouldContain(m => m.Contains("earlier request", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Justifications_are_kept_normalised()
    {
        // "é" as e and a combining acute (NFD), a zero-width joiner and a bidi override: kept as NFC without the invisible ones.
        var created = await SendAsync("POST", "/v1/access-requests", "staff:jules", Ask("the cafe\u0301 owner\u200D asked us to confirm the phone\u202E number"), location: "US");

        created.Status.ShouldBe(201, created.Body.ToString());
        created.Body.GetProperty("justification").GetString().ShouldBe("the caf\u00E9 owner asked us to confirm the phone number");
    }

    [Fact]
    public async Task The_body_limit_is_configurable()
    {
        using var app = new CustosApp(settings: new Dictionary<string, string?> { ["Limits:MaxJsonBodyBytes"] = "100" });
        using var client = app.ClientAs("staff:jules", "US");
        using var content = new StringContent(Read, Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(new Uri("/v1/decisions", UriKind.Relative), content, Cancel);

        ((int)response.StatusCode).ShouldBe(413);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    /// <summary>Sends a request that must be refused with <paramref name="status"/> as problem+json, and checks that the ledger did not grow.</summary>
    private async Task<JsonElement> RefusedAsync(string path, string caller, string body, int status, bool chunked = false)
    {
        var before = await incident.LedgerSizeAsync();

        var (actual, type, problem) = await SendAsync("POST", path, caller, body, chunked: chunked, location: "US");

        actual.ShouldBe(status, problem.ToString());
        type.ShouldBe("application/problem+json");
        problem.GetProperty("status").GetInt32().ShouldBe(status);
        (await incident.LedgerSizeAsync()).ShouldBe(before);
        return problem;
    }

    private static Dictionary<string, string[]> Errors(JsonElement problem) =>
        problem.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;

    private async Task<(int Status, string? Type, JsonElement Body)> SendAsync(
        string method, string path, string? caller, string? body = null, string mediaType = "application/json", bool chunked = false, string? location = null)
    {
        using var client = caller is null ? incident.App.CreateClient() : incident.App.ClientAs(caller, location);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            request.Content = chunked ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            if (chunked)
            {
                request.Headers.TransferEncodingChunked = true;
            }
        }
        using var response = await client.SendAsync(request, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }
}
