using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Access;
using Custos.Ledger.Notes;
using Custos.Ledger.Verification;
using Custos.Server;
using Custos.Tests.Access;
using Custos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Tests.Fuzz;

/// <summary>
/// Every operation of the server's OpenAPI document, and SCIM's, called thousands of times with
/// generated malformed, oversize, wrong-typed and hostile requests by every kind of caller. None
/// may fault the server (5xx), every refusal is a problem (or a SCIM error), a refused request
/// leaves the ledger as it was, and at the end the server is alive and its ledger verifies.
/// </summary>
public sealed class ApiFuzzTests
{
    private const int Requests = 5_000;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>SCIM is left out of the OpenAPI document (it has its own schema endpoints); fuzzed all the same.</summary>
    private static readonly Operation[] Scim =
    [
        new("GET", "/scim/v2/Users", ["filter", "startIndex", "count", "attributes"], []),
        new("GET", "/scim/v2/Users/{id}", [], []),
        new("POST", "/scim/v2/Users", [], ["schemas", "userName", "active", "displayName", "groups", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]),
        new("PUT", "/scim/v2/Users/{id}", [], ["schemas", "userName", "active", "displayName"]),
        new("PATCH", "/scim/v2/Users/{id}", [], ["schemas", "Operations"]),
        new("DELETE", "/scim/v2/Users/{id}", [], []),
        new("GET", "/scim/v2/Groups", ["filter", "startIndex", "count"], []),
        new("PATCH", "/scim/v2/Groups/{id}", [], ["schemas", "Operations"]),
        new("POST", "/scim/v2/Groups", [], ["schemas", "displayName", "members"]),
    ];

    /// <summary>
    /// Refusals that are ledgered on purpose: an approval the policies refuse is evidence
    /// (approval rings are detected from it), so it is ledgered before the 403.
    /// </summary>
    private static bool LedgeredRefusal(Operation operation, int status) =>
        status == 403 && operation.Path.EndsWith("/approve", StringComparison.Ordinal);

    [Fact]
    public async Task Thousands_of_hostile_requests_to_every_endpoint_fault_nothing_and_ledger_nothing()
    {
        using var app = new CustosApp(
            time: new FakeTimeProvider(IncidentApp.IncidentTime),
            // Detection ledgers alerts in the background; off, every change of the tree is the request's.
            settings: new Dictionary<string, string?> { ["Detection:Enabled"] = "false" });
        using var anonymous = app.CreateClient();
        var operations = Operations(JsonNode.Parse(await anonymous.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), Cancel))!).Concat(Scim).ToList();
        operations.Count.ShouldBeGreaterThan(25);
        string?[] tokens =
        [
            null, "not-a-token", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJzdGFmZjpvbHUifQ.",
            app.Token("staff:jules", "US"), app.Token("staff:olu", "US"), app.Token("staff:priya", "US"), app.Token("staff:harper", "US"),
            app.Token("staff:amara", "US"), app.Token("staff:nobody", "US"), app.Token("user:40002"), app.Token("service:idp"), app.Token("service:auditor"),
        ];
        var ledger = app.Services.GetRequiredService<IAccessLedger>();
        var random = new Random(FuzzReport.Seed);
        var generator = new HostileValues(random);
        var statuses = new SortedDictionary<int, int>();
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < Requests && failures.Count < 10; i++)
        {
            var operation = operations[random.Next(operations.Count)];
            using var request = generator.Request(operation);
            var token = tokens[random.Next(tokens.Length)];
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            var before = await ledger.SizeAsync(Cancel);
            var described = $"{request.Method} {Shorten(request.RequestUri!.OriginalString)} as {(token is null ? "nobody" : token.Length > 40 ? "a valid token" : token)}";

            using var response = await anonymous.SendAsync(request, Cancel);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var body = await response.Content.ReadAsStringAsync(Cancel);
            var after = await ledger.SizeAsync(Cancel);

            if (status >= 500)
            {
                failures.Add($"{described} → {status}: {Shorten(body)}");
            }
            else if (status >= 400)
            {
                var expected = operation.Path.StartsWith("/scim", StringComparison.Ordinal) ? "application/scim+json" : "application/problem+json";
                if (response.Content.Headers.ContentType?.MediaType != expected && !(status == 413 && response.Content.Headers.ContentType?.MediaType == "application/problem+json"))
                {
                    failures.Add($"{described} → {status} as {response.Content.Headers.ContentType?.MediaType ?? "no content"}, not {expected}: {Shorten(body)}");
                }
                else if (after != before && !LedgeredRefusal(operation, status))
                {
                    failures.Add($"{described} → {status}, yet the ledger grew from {before} to {after}");
                }
            }
        }

        using var health = await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative), Cancel);
        var serverErrors = statuses.Where(s => s.Key >= 500).Sum(s => s.Value);
        FuzzReport.Write("api", $"{statuses.Values.Sum()} requests over {operations.Count} operations in {clock.Elapsed.TotalSeconds:0.0} s, "
            + $"{serverErrors} server errors; statuses {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}");
        failures.ShouldBeEmpty();
        statuses.Values.Sum().ShouldBe(Requests);
        health.IsSuccessStatusCode.ShouldBeTrue();

        var server = app.Services.GetRequiredService<ServerLedger>();
        await server.CheckpointAsync(Cancel);
        var log = await server.GetLogAsync(Cancel);
        var verified = await LedgerVerifier.VerifyAsync(log.Store, NoteVerifier.Parse(log.Metadata.VerifierKey), Cancel);
        verified.Ok.ShouldBeTrue(verified.Problem);
    }

    /// <summary>One operation: its method, its path template, its query parameters and the properties of its JSON body.</summary>
    internal sealed record Operation(string Method, string Path, IReadOnlyList<string> Query, IReadOnlyList<string> Body);

    /// <summary>Every operation of the OpenAPI document, with the property names of its body's schema.</summary>
    private static IEnumerable<Operation> Operations(JsonNode document)
    {
        var schemas = document["components"]?["schemas"]?.AsObject();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject().Where(o => o.Key is "get" or "post" or "put" or "delete" or "patch"))
            {
                var query = (operation!["parameters"]?.AsArray() ?? []).Where(p => (string?)p!["in"] == "query").Select(p => (string)p!["name"]!).ToList();
                var schema = operation["requestBody"]?["content"]?["application/json"]?["schema"];
                if (schema?["$ref"] is { } reference)
                {
                    schema = schemas?[((string)reference!).Split('/')[^1]];
                }
                var properties = schema?["properties"]?.AsObject().Select(p => p.Key).ToList() ?? [];
                yield return new Operation(method.ToUpperInvariant(), path, query, properties);
            }
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + $"… ({text.Length} characters)" : text;
}

/// <summary>
/// Hostile values and requests, from a seeded generator: what an insider with a valid token and
/// a text editor would send — wrong types, nulls in lists, oversize and invisible text, deep
/// nesting, broken JSON and encodings, ids of the wrong kind, and now and then a plausible one.
/// </summary>
internal sealed class HostileValues(Random random)
{
    private static readonly string[] Strings =
    [
        "", " ", "null", "user:40002", "user:10042", "staff:olu", "staff:jules", "case:SUP-1001", "case:IA-8", "dept:support", "customer-support",
        "internal-audit", "profile.basic", "profile.contact", "network.ip_address", "admin", "oversight", "justified", "8h", "P99999D", "-1", "0",
        "9223372036854775808", "1e400", "NaN", "req-0", "grt-0", "rev-0", "me", "../../../etc/passwd", "%00", "%2e%2e%2f", "'; DROP TABLE staff; --",
        "<script>alert(1)</script>", "\u202E\u200B\0 ", "user:40002\u200B", "\uD800", "\uFFFF", "😀👨‍👩‍👧", "cafe\u0301", "A\u0000B",
        "value eq \"staff:wei\"", "members[value eq \"staff:wei\"]", "userName", "active", "urn:ietf:params:scim:api:messages:2.0:PatchOp",
        "the customer asked us to confirm the phone number on file",
    ];

    public HttpRequestMessage Request(ApiFuzzTests.Operation operation)
    {
        var path = string.Concat(operation.Path.Split('/').Select((segment, i) =>
            // NUL is refused by the HTTP layer itself (TestServer throws rather than answer), so it is fuzzed in bodies and queries only.
            (i == 0 ? "" : "/") + (segment.StartsWith('{') ? Uri.EscapeDataString(PathValue().Replace('\0', '0')) : segment)));
        var query = new List<string>();
        foreach (var name in operation.Query.Concat(["reason", "reader", "pending-for", "unreviewed", "filter", "from", "count"]))
        {
            if (random.Next(3) == 0)
            {
                query.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(Text())}");
            }
        }
        var uri = path + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        var request = new HttpRequestMessage(new HttpMethod(operation.Method), new Uri(uri, UriKind.Relative));
        if (random.Next(10) < 8 || operation.Body.Count > 0)
        {
            request.Content = Body(operation);
        }
        return request;
    }

    private string PathValue() => random.Next(10) switch
    {
        0 => new string('9', 300 + random.Next(3000)),
        1 => "staff:" + Pick(Strings),
        _ => Pick(Strings) is { Length: > 0 } s ? s : "x",
    };

    private ByteArrayContent? Body(ApiFuzzTests.Operation operation)
    {
        byte[] bytes;
        switch (random.Next(20))
        {
            case 0:
                bytes = RandomBytes(random.Next(200));
                break;
            case 1:
                // Truncated JSON.
                var whole = Encoding.UTF8.GetBytes(Object(operation).ToJsonString());
                bytes = whole[..random.Next(whole.Length)];
                break;
            case 2:
                bytes = Encoding.UTF8.GetBytes(new string('[', 1000 + random.Next(100_000)) + new string(']', random.Next(1000)));
                break;
            case 3:
                // Over the JSON body limit (64 KiB), sometimes far over.
                var field = operation.Body.Count > 0 ? Pick(operation.Body) : "subject";
                bytes = Encoding.UTF8.GetBytes($$"""{"{{field}}":"{{new string('x', (65 << 10) + random.Next(random.Next(2) == 0 ? 1000 : 2 << 20))}}"}""");
                break;
            case 4:
                bytes = Encoding.UTF8.GetBytes(Value(depth: 2)?.ToJsonString() ?? "null");
                break;
            case 5:
                return null;
            default:
                bytes = Encoding.UTF8.GetBytes(Object(operation).ToJsonString());
                break;
        }
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = random.Next(12) switch
        {
            0 => new MediaTypeHeaderValue("text/plain"),
            1 => new MediaTypeHeaderValue("application/x-www-form-urlencoded"),
            2 => null,
            _ => new MediaTypeHeaderValue(operation.Path.StartsWith("/scim", StringComparison.Ordinal) ? "application/scim+json" : "application/json"),
        };
        return content;
    }

    /// <summary>A JSON object over the operation's own properties (so that it gets past binding), each hostile or missing.</summary>
    private JsonObject Object(ApiFuzzTests.Operation operation)
    {
        var body = new JsonObject();
        foreach (var property in operation.Body)
        {
            if (random.Next(5) > 0)
            {
                body[property] = property == "Operations" ? Operations() : Value(depth: 2);
            }
        }
        if (random.Next(10) == 0)
        {
            body[Text()] = Value(depth: 1);
        }
        return body;
    }

    /// <summary>SCIM PATCH operations whose paths and values are hostile: filters nested, long, unbalanced.</summary>
    private JsonArray Operations()
    {
        var operations = new JsonArray();
        for (var i = random.Next(4); i > 0; i--)
        {
            operations.Add(new JsonObject
            {
                ["op"] = Pick(["add", "remove", "replace", "Replace", "copy", ""]),
                ["path"] = random.Next(3) switch
                {
                    0 => "members[" + new string('(', random.Next(10_000)) + "value eq \"staff:wei\"" + new string(')', random.Next(10_000)) + "]",
                    1 => Pick(["active", "displayName", "members", "members[value eq \"staff:olu\"]", "emails[type eq \"work\"].value", "name.givenName", "urn:x:y"]),
                    _ => Text(),
                },
                ["value"] = Value(depth: 2),
            });
        }
        return operations;
    }

    private JsonNode? Value(int depth) => random.Next(depth > 0 ? 12 : 8) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0 ? random.Next() : -random.NextDouble() * 1e300),
        2 => JsonValue.Create(random.Next(2) == 0),
        3 or 4 or 5 or 6 or 7 => JsonValue.Create(Text()),
        8 or 9 => new JsonArray([.. Enumerable.Range(0, random.Next(4)).Select(_ => Value(depth - 1))]),
        _ => new JsonObject { [Text()] = Value(depth - 1) },
    };

    /// <summary>A string: a known one, one too long, invisible, random characters from all of Unicode, or a mixture.</summary>
    private string Text() => random.Next(12) switch
    {
        0 => new string(Pick(['x', '\u200B', '(', ' ', '\u202E']), 250 + random.Next(6000)),
        1 => string.Concat(Enumerable.Range(0, random.Next(40)).Select(_ => char.ConvertFromUtf32(RandomCodePoint()))),
        2 => Pick(Strings) + string.Concat(Enumerable.Range(0, random.Next(5)).Select(_ => Pick(["\u200B", "\u202E", "\0", "\u2066", "\uFEFF", " "]))),
        3 => new string((char)random.Next(0xD800, 0xE000), 1 + random.Next(3)),
        _ => Pick(Strings),
    };

    private int RandomCodePoint()
    {
        while (true)
        {
            var value = random.Next(3) == 0 ? random.Next(0x80) : random.Next(0x110000);
            if (value is < 0xD800 or > 0xDFFF)
            {
                return value;
            }
        }
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
