using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Custos.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Custos.Tests.Server;

/// <summary>Issue 12, finding 9: <c>/readyz</c> says not ready while the ledger cannot take entries or the identity provider cannot be reached.</summary>
public sealed class ReadinessTests
{
    private static readonly object Read = new { subject = "user:40002", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Readyz_fails_after_a_failed_ledger_append_while_the_store_refuses_and_recovers_by_itself()
    {
        using var app = new CustosApp();
        using var client = app.ClientAs("staff:jules", "US");
        (await DecideAsync(client)).ShouldBe(HttpStatusCode.OK);
        (await CheckAsync(client, "ledger")).Status.ShouldBe("ready");

        // A real store failure, not a fake: the database itself refuses every new entry.
        await ExecuteAsync(Path.Combine(app.DataDirectory, "ledger.db"), "CREATE TRIGGER refuse BEFORE INSERT ON ledger_entries BEGIN SELECT RAISE(ABORT, 'injected: disk full'); END");
        (await DecideAsync(client)).ShouldBe(HttpStatusCode.ServiceUnavailable);

        var failing = await CheckAsync(client, "ledger");
        failing.Status.ShouldBe("failing");
        failing.Detail.ShouldContain("the last append failed");
        // Still refusing: asking again does not make it ready.
        (await CheckAsync(client, "ledger")).Status.ShouldBe("failing");

        // The store takes entries again: ready without any request appending first, so that a
        // balancer waiting for readiness sends it traffic again.
        await ExecuteAsync(Path.Combine(app.DataDirectory, "ledger.db"), "DROP TRIGGER refuse");
        (await CheckAsync(client, "ledger")).Status.ShouldBe("ready");
        (await DecideAsync(client)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Readyz_includes_the_identity_provider_and_fails_while_its_keys_cannot_be_fetched()
    {
        using var provider = new FakeIdentityProvider();
        using var app = new CustosApp(settings: new Dictionary<string, string?>
        {
            ["Auth:Authority"] = provider.Authority,
            ["Auth:RequireHttpsMetadata"] = "false",
        });
        using var client = app.CreateClient();

        var ready = await CheckAsync(client, "identity-provider");
        ready.Status.ShouldBe("ready", ready.Detail);
        provider.Requests.ShouldContain("/realms/staff/.well-known/openid-configuration");
        provider.Requests.ShouldContain("/realms/staff/keys");

        provider.Dispose();
        using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative), Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var gone = await CheckAsync(client, "identity-provider");
        gone.Status.ShouldBe("failing");
        gone.Detail.ShouldContain(provider.Authority);
    }

    [Fact]
    public async Task Without_an_identity_provider_readyz_does_not_check_one()
    {
        using var app = new CustosApp();
        using var client = app.CreateClient();

        var body = await (await client.GetAsync(new Uri("/readyz", UriKind.Relative), Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel);

        body.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ShouldNotContain("identity-provider");
    }

    private static async Task<HttpStatusCode> DecideAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync(new Uri("/v1/decisions", UriKind.Relative), Read, Cancel);
        return response.StatusCode;
    }

    /// <summary>One named check of <c>/readyz</c>, waiting for the node to have loaded its world first.</summary>
    private static async Task<(string Status, string Detail)> CheckAsync(HttpClient client, string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative), Cancel);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            var checks = body.GetProperty("checks").EnumerateArray().ToList();
            var check = checks.SingleOrDefault(c => c.GetProperty("name").GetString() == name);
            var othersReady = checks.Where(c => c.GetProperty("name").GetString() != name).All(c => c.GetProperty("status").GetString() == "ready");
            if (check.ValueKind != JsonValueKind.Undefined && (othersReady || DateTime.UtcNow > deadline))
            {
                return (check.GetProperty("status").GetString()!, check.GetProperty("detail").GetString() ?? "");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no check {name}: {body}");
            }
            await Task.Delay(100, Cancel);
        }
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync(Cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Cancel);
    }

    /// <summary>An OIDC provider that publishes a discovery document and one key, over plain http on loopback.</summary>
    private sealed class FakeIdentityProvider : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _requests = new();

        public FakeIdentityProvider()
        {
            var port = CustosProcess.FreePort();
            Authority = $"http://127.0.0.1:{port}/realms/staff";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Authority { get; }

        public IReadOnlyCollection<string> Requests => [.. _requests];

        public void Dispose()
        {
            if (_listener.IsListening)
            {
                _listener.Close();
            }
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                var path = context.Request.Url!.AbsolutePath;
                _requests.Enqueue(path);
                var body = path switch
                {
                    "/realms/staff/.well-known/openid-configuration" => JsonSerializer.Serialize(new { issuer = Authority, jwks_uri = Authority + "/keys" }),
                    "/realms/staff/keys" => """{"keys":[{"kty":"oct","kid":"k1","use":"sig","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]}""",
                    _ => null,
                };
                context.Response.StatusCode = body is null ? 404 : 200;
                context.Response.ContentType = "application/json";
                var bytes = Encoding.UTF8.GetBytes(body ?? "{}");
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        }
    }
}
