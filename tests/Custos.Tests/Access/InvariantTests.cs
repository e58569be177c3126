using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Access;
using Custos.Access.Disclosure;
using Custos.Access.Gateway;
using Custos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Tests.Access;

/// <summary>
/// The invariants of design section 3 that decisions must keep (1, 2, 3, 7, 8), end to end
/// through the API, each with the case that would break it.
/// </summary>
public sealed class InvariantTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly object SupportRead = new { subject = "user:40002", categories = new[] { "profile.basic", "profile.contact" }, purpose = "customer-support", @case = "case:SUP-1001" };

    // Invariant 1: no decision is returned unless its ledger entry is durable.
    [Theory]
    [InlineData("/v1/decisions")]
    [InlineData("/v1/reads")]
    public async Task When_the_ledger_fails_the_answer_is_503_and_nothing_is_released(string path)
    {
        var records = new CountingRecordSource();
        using var app = new CustosApp(time: new FakeTimeProvider(IncidentApp.IncidentTime), services: services =>
        {
            services.AddSingleton<FaultyLedger>();
            services.AddSingleton<IAccessLedger>(provider => provider.GetRequiredService<FaultyLedger>());
            services.AddSingleton<IRecordSource>(records);
        });
        using var client = app.ClientAs("staff:jules", "US");
        // The same read succeeds while the ledger works: the fault is what makes the difference.
        (await client.PostAsJsonAsync(new Uri(path, UriKind.Relative), SupportRead, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var readsBefore = records.Reads;

        app.Services.GetRequiredService<FaultyLedger>().Failing = true;
        using var response = await client.PostAsJsonAsync(new Uri(path, UriKind.Relative), SupportRead, Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var body = await response.Content.ReadAsStringAsync(Cancel);
        body.ShouldNotContain("\"decision\"");
        body.ShouldNotContain("\"data\"");
        records.Reads.ShouldBe(readsBefore, "the platform's store is not read for an unledgered decision");
    }

    // Invariant 2: an erroring policy never grants; and Custos fails closed on an erroring forbid.
    [Fact]
    public async Task A_permit_that_errors_grants_nothing()
    {
        using var app = IncidentWithPolicies(new()
        {
            // Reads context.case without asking whether there is one: errors on a read with no case.
            ["permit.cedar"] = """
                @id("careless-permit")
                permit (principal, action, resource) when { context.case.owner == principal || true };
                """,
        });
        using var client = app.ClientAs("staff:jules", "US");

        var withoutCase = await DecideAsync(client, new { subject = "user:40002", categories = new[] { "profile.basic" }, purpose = "customer-support" });
        var withCase = await DecideAsync(client, new { subject = "user:40002", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" });

        withoutCase.GetProperty("decision").GetString().ShouldBe("deny");
        withCase.GetProperty("decision").GetString().ShouldBe("allow", "the same permit grants when it does not error");
    }

    [Fact]
    public async Task A_forbid_that_errors_denies_and_says_so()
    {
        using var app = IncidentWithPolicies(new()
        {
            ["permit.cedar"] = """
                @id("permit-all")
                permit (principal, action, resource);
                """,
            ["forbid.cedar"] = """
                @id("careless-forbid")
                @reason("only the case owner reads")
                forbid (principal, action, resource) unless { context.case.owner == principal };
                """,
        });
        using var client = app.ClientAs("staff:jules", "US");

        var withoutCase = await DecideAsync(client, new { subject = "user:40002", categories = new[] { "profile.basic" }, purpose = "customer-support" });
        var ownCase = await DecideAsync(client, new { subject = "user:40002", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" });

        withoutCase.GetProperty("decision").GetString().ShouldBe("deny");
        withoutCase.GetProperty("reasons")[0].GetString()!.ShouldContain("careless-forbid could not be evaluated");
        ownCase.GetProperty("decision").GetString().ShouldBe("allow");
    }

    // Invariant 3: every allowed read names a purpose and a case that covers the subject.
    [Theory]
    [InlineData("case:SUP-1001", "customer-support", "user:40002", "allow", null)]
    [InlineData("case:SUP-0990", "customer-support", "user:40064", "deny", "the case is not open")]
    [InlineData("case:SUP-1002", "customer-support", "user:40014", "deny", "the reader is neither the owner nor a member of the case")]
    [InlineData("case:TS-2001", "customer-support", "user:40065", "deny", "the case is for another purpose")]
    [InlineData("case:SUP-1001", "customer-support", "user:40014", "deny", "the case does not name the subject")]
    [InlineData(null, "customer-support", "user:40002", "deny", "the request names no case")]
    public async Task A_read_needs_an_open_case_of_the_reader_for_the_purpose_naming_the_subject(string? @case, string purpose, string subject, string decision, string? reason)
    {
        using var incident = new IncidentApp();
        using var client = incident.App.ClientAs("staff:jules", "US");

        var body = await DecideAsync(client, new { subject, categories = new[] { "profile.basic" }, purpose, @case });

        body.GetProperty("decision").GetString().ShouldBe(decision);
        if (reason is not null)
        {
            body.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ShouldContain(reason);
        }
    }

    [Fact]
    public async Task An_unknown_subject_is_a_ledgered_deny()
    {
        using var incident = new IncidentApp();
        using var client = incident.App.ClientAs("staff:jules", "US");
        var before = await incident.LedgerSizeAsync();

        var body = await DecideAsync(client, new { subject = "user:31337", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" });

        body.GetProperty("decision").GetString().ShouldBe("deny");
        var index = body.GetProperty("ledger_index").GetInt64();
        index.ShouldBe(before);
        var entry = JsonNode.Parse(await incident.App.ClientAs(LedgerEntryAccess.AuditorService).GetStringAsync(new Uri($"/v1/ledger/entries/{index}", UriKind.Relative), Cancel))!;
        ((string?)entry["subject"]).ShouldBe("user:31337");
        ((string?)entry["decision"]).ShouldBe("deny");
        ((string?)entry["reader"]).ShouldBe("staff:jules");
    }

    // Invariant 7: policy and world changes are ledgered like reads.
    [Fact]
    public async Task Loading_a_world_and_a_policy_set_ledgers_their_hashes_once()
    {
        using var temp = new TempDirectory();
        var policies = temp.Combine("policies");
        CopyDirectory(RepositoryPaths.IncidentPolicies, policies);
        var data = temp.Combine("data");

        string policyHash;
        string worldHash;
        using (var first = new CustosApp(dataDirectory: data, policies: policies))
        {
            using var client = first.ClientAs("staff:olu", "US");
            var active = await client.GetFromJsonAsync<JsonElement>(new Uri("/v1/policies", UriKind.Relative), Cancel);
            policyHash = active.GetProperty("sha256").GetString()!;
            worldHash = active.GetProperty("world").GetString()!;
            var entries = await EntriesAsync(first);
            entries.Count.ShouldBe(2);
            entries.ShouldContain(e => (string?)e["type"] == "activation" && (string?)e["kind"] == "world" && (string?)e["sha256"] == worldHash);
            entries.ShouldContain(e => (string?)e["type"] == "activation" && (string?)e["kind"] == "policy-set" && (string?)e["sha256"] == policyHash);
            worldHash.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(RepositoryPaths.IncidentWorld, Cancel))));
        }

        // Restarting with the same files changes nothing.
        using (var again = new CustosApp(dataDirectory: data, policies: policies))
        {
            (await EntriesAsync(again)).Count.ShouldBe(2);
        }

        // A changed policy set is a new, ledgered activation, and decisions name it.
        await File.AppendAllTextAsync(Path.Combine(policies, "70-extra.cedar"), """

            @id("no-messages-for-engineering")
            @reason("engineering never reads message content")
            forbid (principal in Department::"dept:engineering", action, resource)
            when { context.category == Category::"messages.content" };
            """, Cancel);
        using (var changed = new CustosApp(dataDirectory: data, policies: policies))
        {
            var entries = await EntriesAsync(changed);
            entries.Count.ShouldBe(3);
            var activation = entries[2];
            ((string?)activation["kind"]).ShouldBe("policy-set");
            ((string?)activation["sha256"]).ShouldNotBe(policyHash);

            using var client = changed.ClientAs("staff:jules", "US");
            var decision = await DecideAsync(client, new { subject = "user:40002", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" });
            var entry = JsonNode.Parse(await changed.ClientAs(LedgerEntryAccess.AuditorService).GetStringAsync(new Uri($"/v1/ledger/entries/{decision.GetProperty("ledger_index").GetInt64()}", UriKind.Relative), Cancel))!;
            ((string?)entry["policy_set"]).ShouldBe((string?)activation["sha256"]);
        }
    }

    // Invariant 8: bad input gets a clear error and changes nothing.
    [Theory]
    [InlineData("""{"subject": "user:40002", "categories": ["no.such.category"], "purpose": "customer-support", "case": "case:SUP-1001"}""", 422, "categories[0]")]
    [InlineData("""{"subject": "user:40002", "categories": ["profile.basic"], "purpose": "curiosity", "case": "case:SUP-1001"}""", 422, "purpose")]
    [InlineData("""{"subject": "user:40002", "categories": [], "purpose": "customer-support", "case": "case:SUP-1001"}""", 422, "categories")]
    [InlineData("""{"subject": "user:40002", "categories": ["profile.basic", "profile.basic"], "purpose": "customer-support", "case": "case:SUP-1001"}""", 422, "categories[1]")]
    [InlineData("""{"categories": ["profile.basic"], "purpose": "customer-support", "case": "case:SUP-1001"}""", 422, "subject")]
    [InlineData("""{"subject": "user:40002", "categories": "profile.basic", "purpose": "customer-support"}""", 422, "categories")]
    [InlineData("""{"subject": "user:40002", "categories": ["profile.basic"], """, 400, "JSON")]
    [InlineData("""[1, 2]""", 422, "body")]
    public async Task Malformed_or_unknown_input_is_a_problem_naming_the_field_and_nothing_is_ledgered(string json, int status, string field)
    {
        using var incident = new IncidentApp();
        using var client = incident.App.ClientAs("staff:jules", "US");
        var before = await incident.LedgerSizeAsync();

        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/v1/decisions", UriKind.Relative), content, Cancel);

        ((int)response.StatusCode).ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        if (status == 422)
        {
            problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
        }
        else
        {
            problem.GetProperty("detail").GetString()!.ShouldContain(field);
        }
        (await incident.LedgerSizeAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Missing_expired_forged_or_non_staff_tokens_are_refused_and_nothing_is_ledgered()
    {
        using var incident = new IncidentApp();
        var before = await incident.LedgerSizeAsync();
        using var anonymous = incident.App.CreateClient();
        using var expired = incident.App.CreateClient();
        // Minted two hours ago for ten minutes.
        var key = Custos.Server.Authentication.LocalSigningKey.LoadOrCreate(incident.App.DataDirectory);
        expired.DefaultRequestHeaders.Authorization = new("Bearer", Custos.Server.Authentication.LocalTokens.Mint(
            key, "staff:jules", "US", TimeSpan.FromMinutes(10), new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2))));
        using var forged = incident.App.CreateClient();
        using var otherServer = new CustosApp();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", otherServer.Token("staff:jules", "US"));
        using var user = incident.App.ClientAs("user:40002");

        foreach (var (client, status) in new[] { (anonymous, 401), (expired, 401), (forged, 401), (user, 403) })
        {
            using var response = await client.PostAsJsonAsync(new Uri("/v1/decisions", UriKind.Relative), SupportRead, Cancel);
            ((int)response.StatusCode).ShouldBe(status);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }
        (await incident.LedgerSizeAsync()).ShouldBe(before);
    }

    private static CustosApp IncidentWithPolicies(Dictionary<string, string> files) =>
        new(time: new FakeTimeProvider(IncidentApp.IncidentTime), policyFiles: files);

    private static async Task<JsonElement> DecideAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync(new Uri("/v1/decisions", UriKind.Relative), body, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Cancel));
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
    }

    private static async Task<List<JsonNode>> EntriesAsync(CustosApp app)
    {
        var ledger = app.Services.GetRequiredService<IAccessLedger>();
        var entries = new List<JsonNode>();
        for (long i = 0, size = await ledger.SizeAsync(Cancel); i < size; i++)
        {
            entries.Add(JsonNode.Parse(await ledger.ReadEntryAsync(i, Cancel))!);
        }
        return entries;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    /// <summary>The server's ledger, made to fail on demand after start-up.</summary>
    private sealed class FaultyLedger(Custos.Server.ServerLedger inner) : IAccessLedger
    {
        public bool Failing { get; set; }

        public Task<long> AppendAsync(ReadOnlyMemory<byte> entry, CancellationToken cancellation = default) =>
            Failing ? throw new IOException("disk full (injected)") : inner.AppendAsync(entry, cancellation);

        public Task<long> SizeAsync(CancellationToken cancellation = default) => inner.SizeAsync(cancellation);

        public Task<byte[]> ReadEntryAsync(long index, CancellationToken cancellation = default) => inner.ReadEntryAsync(index, cancellation);
    }

    private sealed class CountingRecordSource : IRecordSource
    {
        private int _reads;

        public int Reads => _reads;

        public Task<IReadOnlyDictionary<string, JsonNode?>> ReadAsync(string subject, IReadOnlyCollection<string> categories, CancellationToken cancellation)
        {
            Interlocked.Increment(ref _reads);
            return Task.FromResult<IReadOnlyDictionary<string, JsonNode?>>(categories.ToDictionary(c => c, _ => (JsonNode?)JsonValue.Create("secret")));
        }
    }
}
