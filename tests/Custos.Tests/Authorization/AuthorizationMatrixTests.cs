using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Testing;
using Custos.Tests.Access;
using Custos.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Tests.Authorization;

/// <summary>
/// Who may call what: every endpoint of the OpenAPI document the server serves, called by every
/// kind of caller, with the status each must get. An endpoint the document lists and this table
/// does not fails the test, so a new endpoint cannot ship without saying who may call it.
/// </summary>
/// <remarks>
/// Calls that would change something are made so that, once authorized, they stop at the first
/// check of their input (an empty body, an id that does not exist): a 422 or 404 says the
/// caller got past authorization, a 401 or 403 that it did not, and nothing changes between
/// cells. The per-request rules (who may approve which request, who may see which alert) are
/// pinned by their own tests; this table pins the layer in front of them.
/// </remarks>
public sealed class AuthorizationMatrixTests : IDisposable
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The kinds of caller of issue 12.</summary>
    public enum Kind
    {
        None, Subject, Reader, Approver, Inactive, Revoked, Oversight, Admin, Auditor, Idp,
    }

    /// <summary>
    /// Who plays each kind in the demo world: ivy and rex are added to it, both oversight and
    /// admin, so that what refuses them is their standing and never a missing role.
    /// </summary>
    private static readonly Dictionary<Kind, string?> Identities = new()
    {
        [Kind.None] = null,
        [Kind.Subject] = "user:40005",
        [Kind.Reader] = "staff:amara",
        [Kind.Approver] = "staff:kofi",
        [Kind.Inactive] = "staff:ivy",
        [Kind.Revoked] = "staff:rex",
        [Kind.Oversight] = "staff:olu",
        [Kind.Admin] = "staff:sam",
        [Kind.Auditor] = "service:auditor",
        [Kind.Idp] = "service:idp",
    };

    private const string NoSuchId = "nothing-00000000";

    private readonly TempDirectory _temp = new();
    private readonly CustosApp _app;

    public AuthorizationMatrixTests()
    {
        var world = JsonNode.Parse(File.ReadAllText(RepositoryPaths.IncidentWorld))!;
        foreach (var (id, active) in new[] { ("staff:ivy", false), ("staff:rex", true) })
        {
            world["staff"]!.AsArray().Add(new JsonObject
            {
                ["id"] = id, ["department"] = "dept:oversight", ["roles"] = new JsonArray("oversight", "admin"), ["jurisdiction"] = "US",
                ["manager"] = "staff:olu", ["account"] = null, ["active"] = active,
            });
        }
        var worldFile = _temp.Combine("world.json");
        File.WriteAllText(worldFile, world.ToJsonString());
        _app = new CustosApp(time: new FakeTimeProvider(IncidentApp.IncidentTime), world: worldFile);
    }

    public void Dispose()
    {
        _app.Dispose();
        _temp.Dispose();
    }

    /// <summary>One endpoint: the request each caller sends, and the status each must get.</summary>
    private sealed record Row(string Path, Func<Setup, string> Url, IReadOnlyDictionary<Kind, int> Expected, bool Body = false);

    /// <summary>What the table's requests point at, made before the matrix runs.</summary>
    private sealed record Setup(string Request, string Revocation);

    private static Dictionary<Kind, int> All(int status) => Enum.GetValues<Kind>().ToDictionary(k => k, _ => status);

    /// <summary>Any valid token.</summary>
    private static Dictionary<Kind, int> AnyToken(int status) => With(All(status), (Kind.None, 401));

    /// <summary>A staff member's token, whatever their standing: the decision pipeline denies and ledgers the powerless.</summary>
    private static Dictionary<Kind, int> StaffToken(int status) => With(AnyToken(status), (Kind.Subject, 403), (Kind.Auditor, 403), (Kind.Idp, 403));

    /// <summary>Staff in good standing (invariant 9).</summary>
    private static Dictionary<Kind, int> GoodStanding(int status) => With(StaffToken(status), (Kind.Inactive, 403), (Kind.Revoked, 403));

    /// <summary>Holders of a role, in good standing; every other token 403.</summary>
    private static Dictionary<Kind, int> Only(int status, params Kind[] holders) =>
        With(AnyToken(403), [.. holders.Select(k => (k, status))]);

    private static Dictionary<Kind, int> With(Dictionary<Kind, int> expected, params (Kind Kind, int Status)[] changes)
    {
        var copy = new Dictionary<Kind, int>(expected);
        foreach (var (kind, status) in changes)
        {
            copy[kind] = status;
        }
        return copy;
    }

    private static readonly Row[] Table =
    [
        new("GET /healthz", _ => "/healthz", All(200)),
        new("GET /readyz", _ => "/readyz", All(200)),
        new("GET /v1/policies", _ => "/v1/policies", AnyToken(200)),

        // Reading user data: an empty body is refused (422) once the caller may ask at all.
        new("POST /v1/decisions", _ => "/v1/decisions", StaffToken(422), Body: true),
        new("POST /v1/reads", _ => "/v1/reads", StaffToken(422), Body: true),

        // A data subject's report: the subject and oversight.
        new("GET /v1/subjects/{id}/access-report", _ => $"/v1/subjects/{Identities[Kind.Subject]}/access-report", Only(200, Kind.Subject, Kind.Oversight)),

        // The access workflow: staff in good standing. maya's request is seen by her manager
        // kofi (the approver), oversight and the admin; to everyone else it does not exist.
        new("POST /v1/access-requests", _ => "/v1/access-requests", GoodStanding(422), Body: true),
        new("GET /v1/access-requests", _ => "/v1/access-requests?pending-for=me", GoodStanding(200)),
        new("GET /v1/access-requests/{id}", s => $"/v1/access-requests/{s.Request}", With(GoodStanding(200), (Kind.Reader, 404))),
        new("POST /v1/access-requests/{id}/approve", _ => $"/v1/access-requests/{NoSuchId}/approve", GoodStanding(404), Body: true),
        new("POST /v1/access-requests/{id}/deny", _ => $"/v1/access-requests/{NoSuchId}/deny", GoodStanding(404), Body: true),
        new("GET /v1/grants", _ => "/v1/grants", GoodStanding(200)),
        new("DELETE /v1/grants/{id}", _ => $"/v1/grants/{NoSuchId}", GoodStanding(404)),
        new("POST /v1/break-glass", _ => "/v1/break-glass", GoodStanding(422), Body: true),

        // Oversight's: break-glass records.
        new("GET /v1/break-glass", _ => "/v1/break-glass", Only(200, Kind.Oversight)),
        new("POST /v1/break-glass/{id}/review", _ => $"/v1/break-glass/{NoSuchId}/review", Only(404, Kind.Oversight), Body: true),

        // Admin's and oversight's: revocation. rex's revocation is lifted only by someone
        // independent of rex: olu manages him, in his department (403); sam may (422: no reason).
        new("POST /v1/revocations", _ => "/v1/revocations", Only(422, Kind.Oversight, Kind.Admin), Body: true),
        new("GET /v1/revocations", _ => "/v1/revocations", Only(200, Kind.Oversight, Kind.Admin)),
        new("POST /v1/revocations/{id}/lift", s => $"/v1/revocations/{s.Revocation}/lift", Only(422, Kind.Admin), Body: true),
        new("POST /v1/staff/{id}/deactivate", _ => "/v1/staff/staff:tariq/deactivate", Only(422, Kind.Oversight, Kind.Admin), Body: true),

        // Alerts: oversight in good standing (and external reviewers, none configured here).
        new("GET /v1/alerts", _ => "/v1/alerts", Only(200, Kind.Oversight)),
        new("GET /v1/alerts/{id}", _ => $"/v1/alerts/{NoSuchId}", Only(404, Kind.Oversight)),
        new("POST /v1/alerts/{id}/triage", _ => $"/v1/alerts/{NoSuchId}/triage", Only(422, Kind.Oversight), Body: true),

        // The ledger: what verification needs is public; entry 0 (the world's activation) is the auditor's alone.
        new("GET /v1/ledger/checkpoint", _ => "/v1/ledger/checkpoint", All(200)),
        new("GET /v1/ledger/entries/{index}", _ => "/v1/ledger/entries/0", Only(200, Kind.Auditor)),
        new("GET /v1/ledger/leaves/{index}", _ => "/v1/ledger/leaves/0", All(200)),
        new("GET /v1/ledger/leaves", _ => "/v1/ledger/leaves?start=0", All(200)),
        new("GET /v1/ledger/proofs/inclusion", _ => "/v1/ledger/proofs/inclusion?index=0", All(200)),
        new("GET /v1/ledger/proofs/consistency", _ => "/v1/ledger/proofs/consistency?from=1", All(200)),

        // The ledger as tlog-tiles: checkpoint and hash tiles public, entry bundles (bodies) the auditor's.
        new("GET /tlog/checkpoint", _ => "/tlog/checkpoint", All(200)),
        new("GET /tlog/tile/{level}/{index}", _ => "/tlog/tile/0/000.p/1", All(200)),
        new("GET /tlog/tile/entries/{index}", _ => "/tlog/tile/entries/000.p/1", Only(200, Kind.Auditor)),
    ];

    [Fact]
    public async Task Every_endpoint_of_the_openapi_document_answers_every_kind_of_caller_as_the_table_says()
    {
        using var anonymous = _app.CreateClient();
        var document = await anonymous.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative), Cancel);
        var described = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(method => $"{method.Name.ToUpperInvariant()} {path.Name}"))
            .ToHashSet(StringComparer.Ordinal);
        var table = Table.Select(r => r.Path).ToHashSet(StringComparer.Ordinal);

        described.Except(table).Order(StringComparer.Ordinal).ShouldBeEmpty("endpoints with no entry in the authorization table: say who may call them");
        table.Except(described).Order(StringComparer.Ordinal).ShouldBeEmpty("entries for endpoints the document no longer lists");

        var setup = await SetUpAsync();
        await WaitUntilReadyAsync(anonymous);
        var wrong = new List<string>();
        foreach (var row in Table)
        {
            foreach (var (kind, expected) in row.Expected)
            {
                var (status, body) = await CallAsync(row, setup, kind);
                if (status != expected)
                {
                    wrong.Add($"{row.Path} as {kind} ({Identities[kind] ?? "no token"}): {status}, expected {expected} — {body}");
                }
                else if (status >= 400 && !body.StartsWith('{'))
                {
                    wrong.Add($"{row.Path} as {kind}: {status} without a problem body");
                }
            }
        }
        wrong.ShouldBeEmpty();
    }

    /// <summary>maya's ordinary request (kofi, her manager, may decide it); rex revoked by sam.</summary>
    private async Task<Setup> SetUpAsync()
    {
        var request = await PostAsync("staff:maya", "/v1/access-requests", new
        {
            subjects = new[] { "user:40005" }, categories = new[] { "profile.contact" }, purpose = "customer-support", @case = "case:SUP-1001",
            justification = "customer asked us to confirm the phone on file",
        });
        var revocation = await PostAsync("staff:sam", "/v1/revocations", new { staff = "staff:rex", reason = "under investigation for the leak" });
        return new Setup(request, revocation);
    }

    private async Task<string> PostAsync(string caller, string path, object body)
    {
        using var client = _app.ClientAs(caller, "US");
        using var response = await client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, Cancel);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        ((int)response.StatusCode).ShouldBe(201, json.ToString());
        return json.GetProperty("id").GetString()!;
    }

    private async Task<(int Status, string Body)> CallAsync(Row row, Setup setup, Kind kind)
    {
        using var client = _app.CreateClient();
        if (Identities[kind] is { } identity)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _app.Token(identity, "US"));
        }
        using var request = new HttpRequestMessage(new HttpMethod(row.Path[..row.Path.IndexOf(' ', StringComparison.Ordinal)]), new Uri(row.Url(setup), UriKind.Relative));
        if (row.Body)
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }
        using var response = await client.SendAsync(request, Cancel);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Cancel));
    }

    private static async Task WaitUntilReadyAsync(HttpClient client)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative), Cancel);
            if (ready.IsSuccessStatusCode)
            {
                return;
            }
            await Task.Delay(100, Cancel);
        }
    }
}
