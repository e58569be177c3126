using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Custos.Server.Authentication;
using Custos.Testing;
using Custos.Tests.Support;

namespace Custos.Tests.Server;

/// <summary>
/// Issue 15, set-up: nodes started together on an empty PostgreSQL database, configured the way
/// an operator configures several nodes (one URL with libpq parameters for both stores, one
/// shared key file), create one ledger between them, the demo runs against it, and a revocation
/// made on one governs the other's next decision.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PostgresSetupTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly TempDirectory _temp = new();

    // Two servers and PostgreSQL starting at once on a shared 2-core machine take their time.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Nodes_started_together_on_an_empty_database_share_one_new_ledger_and_the_demo_verifies_it()
    {
        var keyFile = _temp.Combine("shared", "ledger.key");
        Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!);
        var dataA = _temp.Combine("a");
        var dataB = _temp.Combine("b");
        // Both nodes sign tokens with one key, as nodes behind one load balancer must.
        Directory.CreateDirectory(dataA);
        Directory.CreateDirectory(dataB);
        LocalSigningKey.LoadOrCreate(dataA);
        File.Copy(LocalSigningKey.PathIn(dataA), LocalSigningKey.PathIn(dataB));
        File.SetUnixFileMode(LocalSigningKey.PathIn(dataB), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var environment = new Dictionary<string, string>
        {
            ["CUSTOS_STORE"] = database.Url + "?application_name=custos-node",
            ["CUSTOS_Ledger__Store"] = database.Url + "?application_name=custos-ledger",
            ["CUSTOS_Ledger__KeyFile"] = keyFile,
            ["CUSTOS_Ledger__Origin"] = "pg.custos/ledger",
        };
        var (portA, portB) = (CustosProcess.FreePort(), CustosProcess.FreePort());
        var starting = new[]
        {
            ServerProcess.StartAsync(portA, ["--urls", $"http://127.0.0.1:{portA}", "--data", dataA], environment: environment, startTimeout: StartTimeout),
            ServerProcess.StartAsync(portB, ["--urls", $"http://127.0.0.1:{portB}", "--data", dataB],
                environment: new Dictionary<string, string>(environment) { ["CUSTOS_Detection__Enabled"] = "false" }, startTimeout: StartTimeout),
        };
        await using var a = await starting[0];
        await using var b = await starting[1];
        await WaitReadyAsync(a);
        await WaitReadyAsync(b);

        File.GetUnixFileMode(keyFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var created = (a.StandardOutput + b.StandardOutput).Split('\n').Count(line => line.Contains("created for origin pg.custos/ledger", StringComparison.Ordinal));
        created.ShouldBe(1, "exactly one node creates the ledger; the other joins it");
        (await a.Client.GetStringAsync(new Uri("v1/ledger/checkpoint", UriKind.Relative), Cancel))
            .ShouldStartWith("pg.custos/ledger\n");

        var demo = await CustosProcess.RunAsync(["demo", "incident", "--server", a.BaseAddress.ToString(), "--data", dataA],
            environment: new Dictionary<string, string> { ["CUSTOS_Ledger__KeyFile"] = keyFile, ["CUSTOS_Ledger__Store"] = database.Url });
        demo.ExitCode.ShouldBe(0, demo.StandardError + a.StandardOutput);
        demo.StandardOutput.ShouldContain("all ");
        demo.StandardOutput.ShouldContain("entry bodies match their leaf hashes");

        // A revocation made on one node governs the other's next decision, and so does its lift
        // (issue 15, invariant 5): without a restart, without a request to the other node.
        var key = LocalSigningKey.Load(dataA);
        var delays = new List<TimeSpan>();
        for (var round = 0; round < 3; round++)
        {
            (await DeniedAsync(b, key)).ShouldBeFalse("staff:amara reads her own case's subject before the revocation");
            using var revoke = await PostAsync(a, key, "staff:olu", "v1/revocations", new { staff = "staff:amara", reason = $"round {round}: suspected of reading outside her cases" });
            revoke.StatusCode.ShouldBe(HttpStatusCode.Created, await revoke.Content.ReadAsStringAsync(Cancel));
            var revoked = System.Diagnostics.Stopwatch.StartNew();
            var id = (await revoke.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetString();
            while (!await DeniedAsync(b, key))
            {
                revoked.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10), "the other node never heard of the revocation");
            }
            delays.Add(revoked.Elapsed);
            using var lift = await PostAsync(a, key, "staff:olu", $"v1/revocations/{id}/lift", new { reason = $"round {round}: the review found every read covered by her case" });
            lift.StatusCode.ShouldBe(HttpStatusCode.OK, await lift.Content.ReadAsStringAsync(Cancel));
            var lifted = System.Diagnostics.Stopwatch.StartNew();
            while (await DeniedAsync(b, key))
            {
                lifted.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10), "the other node never heard of the lift");
            }
        }
        output.WriteLine($"revocation on A to denial on B: {string.Join(", ", delays.Select(d => $"{d.TotalMilliseconds:F0} ms"))}");
    }

    /// <summary>Whether staff:amara's read of a subject her case covers is refused on <paramref name="node"/>.</summary>
    private static async Task<bool> DeniedAsync(ServerProcess node, Microsoft.IdentityModel.Tokens.SymmetricSecurityKey key)
    {
        using var response = await PostAsync(node, key, "staff:amara", "v1/decisions",
            new { subject = "user:40065", categories = new[] { "profile.basic" }, purpose = "trust-safety-investigation", @case = "case:TS-2001" });
        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            return true;
        }
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Cancel));
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("decision").GetString() == "deny";
    }

    private static async Task<HttpResponseMessage> PostAsync(ServerProcess node, Microsoft.IdentityModel.Tokens.SymmetricSecurityKey key, string caller, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", LocalTokens.Mint(key, caller, "US", TimeSpan.FromMinutes(5)));
        return await node.Client.SendAsync(request, Cancel);
    }

    private static async Task WaitReadyAsync(ServerProcess server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await server.Client.GetAsync(new Uri("readyz", UriKind.Relative), Cancel);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{server.BaseAddress} not ready: {await response.Content.ReadAsStringAsync(Cancel)}\n{server.StandardOutput}{server.StandardError}");
            }
            await Task.Delay(200, Cancel);
        }
    }

    public void Dispose() => _temp.Dispose();
}
