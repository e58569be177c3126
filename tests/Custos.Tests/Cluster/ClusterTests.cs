using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Custos.Ledger.Notes;
using Custos.Ledger.Storage.Postgres;
using Custos.Server.Authentication;
using Custos.Testing;
using Custos.Tests.Support;
using Microsoft.IdentityModel.Tokens;

namespace Custos.Tests.Cluster;

/// <summary>
/// Issue 15: three <c>custos serve</c> processes on one PostgreSQL database (a private server,
/// since this test stops it), as a deployment runs them. One test, so that the cluster starts
/// once: load from 64 clients over all three, then a revocation on one node timed on the other
/// two, then the node leading detection killed, then PostgreSQL stopped under load. After each, every answered decision is in the ledger
/// at the index its answer gave, and the ledger verifies.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClusterTests(ITestOutputHelper output) : IDisposable
{
    private const int Clients = 64;

    // Shorter than the 20 s of load and 20 revocations so that the suite stays well under
    // a minute on a loaded 2-core machine; the longer runs are benchmarks (docs/performance.md).
    private static readonly TimeSpan LoadTime = TimeSpan.FromSeconds(8);
    private const int RevocationRounds = 10;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    private readonly TempDirectory _temp = new();

    /// <summary>Every decision a node answered with 200: its id and reader, by the index the answer gave.</summary>
    private readonly ConcurrentDictionary<long, (string Id, string Reader)> _answered = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Three_nodes_share_one_gap_free_ledger_propagate_revocations_and_fail_closed_without_postgres()
    {
        using var postgres = await PostgresServer.StartPrivateAsync();
        var database = await postgres.Server.CreateDatabaseAsync("cluster");
        var url = postgres.Server.Url(database);
        var keyFile = _temp.Combine("ledger.key");
        var clock = Stopwatch.StartNew();
        var nodes = await StartNodesAsync(url, keyFile);
        output.WriteLine($"three nodes ready after {clock.Elapsed.TotalSeconds:F1} s");
        var all = nodes;
        var passed = false;
        try
        {
            var key = LocalSigningKey.Load(_temp.Combine("node0"));

            // 1. Load over all three nodes.
            var load = await LoadAsync(nodes, key, LoadTime, Clients);
            output.WriteLine($"load: {load.Ok} decisions answered in {LoadTime.TotalSeconds} s by 3 nodes ({load.Ok / LoadTime.TotalSeconds:F0}/s), {load.Other} other answers");
            load.Ok.ShouldBeGreaterThan(0);
            load.Other.ShouldBe(0, "a healthy cluster answers every decision");
            await CheckLedgerAsync(url, keyFile);

            // 2. A revocation on node A governs nodes B and C.
            var delays = new List<double>();
            for (var round = 0; round < RevocationRounds; round++)
            {
                delays.Add(await RevokeAndLiftAsync(nodes, key, round));
            }
            delays.Sort();
            output.WriteLine($"revocation on A until both B and C deny, over {RevocationRounds} revocations: p50 {delays[delays.Count / 2]:F0} ms, max {delays[^1]:F0} ms");

            // 3. The detection leader killed: another node takes over where detection stopped.
            nodes = await KillDetectionLeaderAsync(nodes, key, url);

            // 4. PostgreSQL stopped for 5 s under load: every node refuses, then recovers by itself.
            var outage = await OutageAsync(nodes, key, postgres);
            output.WriteLine($"outage: {outage.OkDuring} decisions answered 200 while PostgreSQL was down, {outage.Refused} refused with 503; every node ready again, untouched, {outage.Recovered.TotalSeconds:F1} s after it came back");
            outage.OkDuring.ShouldBe(0, "no node may answer a decision it could not ledger");
            outage.Refused.ShouldBeGreaterThan(0);
            await CheckLedgerAsync(url, keyFile);
            output.WriteLine($"whole test: {clock.Elapsed.TotalSeconds:F1} s");
            passed = true;
        }
        finally
        {
            if (!passed)
            {
                foreach (var node in all)
                {
                    output.WriteLine($"--- {node.BaseAddress} (exited: {node.HasExited})\n{node.StandardOutput}{node.StandardError}");
                }
            }
            foreach (var node in all)
            {
                await node.DisposeAsync();
            }
        }
    }

    private async Task<ServerProcess[]> StartNodesAsync(string url, string keyFile)
    {
        // One token key for the three, as nodes behind one load balancer share it.
        var tokenKey = LocalSigningKey.PathIn(_temp.Combine("node0"));
        Directory.CreateDirectory(_temp.Combine("node0"));
        LocalSigningKey.LoadOrCreate(_temp.Combine("node0"));
        var starting = new List<Task<ServerProcess>>();
        for (var n = 0; n < 3; n++)
        {
            var data = _temp.Combine($"node{n}");
            Directory.CreateDirectory(data);
            if (n > 0)
            {
                File.Copy(tokenKey, LocalSigningKey.PathIn(data));
            }
            var port = CustosProcess.FreePort();
            starting.Add(ServerProcess.StartAsync(port, ["--urls", $"http://127.0.0.1:{port}", "--data", data], environment: new Dictionary<string, string>
            {
                ["CUSTOS_STORE"] = url + $"?application_name=custos-node{n}",
                ["CUSTOS_Ledger__Store"] = url + $"?application_name=custos-node{n}-ledger",
                ["CUSTOS_Ledger__KeyFile"] = keyFile,
                ["CUSTOS_Ledger__Origin"] = "cluster.custos/ledger",
            }, startTimeout: StartTimeout));
        }
        var nodes = await Task.WhenAll(starting);
        foreach (var node in nodes)
        {
            await WaitAsync(node, "readyz", HttpStatusCode.OK, StartTimeout);
        }
        return nodes;
    }

    private sealed record LoadResult(int Ok, int Other);

    /// <summary><paramref name="clients"/> clients, each on one node in turn, deciding reads until the time is up.</summary>
    private async Task<LoadResult> LoadAsync(ServerProcess[] nodes, SymmetricSecurityKey key, TimeSpan duration, int clients, Action<HttpStatusCode>? seen = null, Func<bool>? stopEarly = null)
    {
        var ok = 0;
        var other = 0;
        var stop = DateTime.UtcNow + duration;
        var readers = new[] { ("staff:amara", "user:40065", "trust-safety-investigation", "case:TS-2001"), ("staff:mason", "user:10042", "internal-audit", "case:IA-7") };
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var node = nodes[client % nodes.Length];
            var (reader, subject, purpose, @case) = readers[client % readers.Length];
            var token = LocalTokens.Mint(key, reader, "US", TimeSpan.FromMinutes(10));
            while (DateTime.UtcNow < stop && stopEarly?.Invoke() != true)
            {
                var status = await DecideAsync(node, token, subject, purpose, @case, reader);
                seen?.Invoke(status);
                if (status == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref ok);
                }
                else
                {
                    Interlocked.Increment(ref other);
                }
            }
        }));
        return new LoadResult(ok, other);
    }

    private async Task<HttpStatusCode> DecideAsync(ServerProcess node, string token, string subject, string purpose, string @case, string reader)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/decisions", UriKind.Relative))
        {
            Content = JsonContent.Create(new { subject, categories = new[] { "profile.basic" }, purpose, @case }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await node.Client.SendAsync(request, Cancel);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
                var index = body.GetProperty("ledger_index").GetInt64();
                _answered.TryAdd(index, (body.GetProperty("id").GetString()!, reader)).ShouldBeTrue($"two answers gave ledger index {index}");
            }
            return response.StatusCode;
        }
        catch (TaskCanceledException) when (!Cancel.IsCancellationRequested)
        {
            return HttpStatusCode.RequestTimeout;
        }
    }

    /// <summary>Every answered decision at its index; indexes 0..N-1 without a gap; the whole ledger verifies.</summary>
    private async Task CheckLedgerAsync(string url, string keyFile)
    {
        await using var store = new PostgresLedgerStore(url);
        var size = await store.ReadSizeAsync(Cancel);
        var expected = 0L;
        var found = 0;
        await foreach (var leaf in store.ReadLeavesAsync(0, size, Cancel))
        {
            leaf.Index.ShouldBe(expected++, "the indexes run 0..N-1 without a gap");
            if (_answered.TryGetValue(leaf.Index, out var answered))
            {
                using var entry = JsonDocument.Parse(leaf.Entry);
                entry.RootElement.GetProperty("type").GetString().ShouldBe("decision");
                entry.RootElement.GetProperty("id").GetString().ShouldBe(answered.Id, $"entry {leaf.Index} is another decision than the one answered with its index");
                entry.RootElement.GetProperty("reader").GetString().ShouldBe(answered.Reader);
                found++;
            }
        }
        expected.ShouldBe(size);
        found.ShouldBe(_answered.Count, "an answered decision is missing from the ledger");

        using var signer = SignerKeyFile.Read(keyFile);
        var verify = await LedgerCli.RunAsync("verify", "--store", url, "--key", signer.VerifierKey);
        verify.ExitCode.ShouldBe(0, verify.StandardError);
        output.WriteLine($"ledger: {size} entries, {found} answered decisions at their indexes; {verify.StandardOutput.Trim()}");
    }

    /// <summary>Revokes staff:amara on node A; returns the milliseconds until nodes B and C both deny her; lifts it and waits for both to allow her again.</summary>
    private static async Task<double> RevokeAndLiftAsync(ServerProcess[] nodes, SymmetricSecurityKey key, int round)
    {
        var olu = LocalTokens.Mint(key, "staff:olu", "US", TimeSpan.FromMinutes(10));
        var amara = LocalTokens.Mint(key, "staff:amara", "US", TimeSpan.FromMinutes(10));
        using var revoke = await PostAsync(nodes[0], olu, "v1/revocations", new { staff = "staff:amara", reason = $"round {round}: suspected of reading outside her cases" });
        revoke.StatusCode.ShouldBe(HttpStatusCode.Created, await revoke.Content.ReadAsStringAsync(Cancel));
        var clock = Stopwatch.StartNew();
        var id = (await revoke.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetString();
        var pending = new HashSet<ServerProcess>(nodes[1..]);
        while (pending.Count > 0)
        {
            foreach (var node in pending.ToList())
            {
                if (await DeniedAsync(node, amara))
                {
                    pending.Remove(node);
                }
            }
            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10), "a node never heard of the revocation");
        }
        var delay = clock.Elapsed.TotalMilliseconds;

        using var lift = await PostAsync(nodes[0], olu, $"v1/revocations/{id}/lift", new { reason = $"round {round}: the review found every read covered by her case" });
        lift.StatusCode.ShouldBe(HttpStatusCode.OK, await lift.Content.ReadAsStringAsync(Cancel));
        var lifted = Stopwatch.StartNew();
        foreach (var node in nodes[1..])
        {
            while (await DeniedAsync(node, amara))
            {
                lifted.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10), "a node never heard of the lift");
            }
        }
        return delay;
    }

    private static async Task<bool> DeniedAsync(ServerProcess node, string token)
    {
        using var response = await PostAsync(node, token, "v1/decisions",
            new { subject = "user:40065", categories = new[] { "profile.basic" }, purpose = "trust-safety-investigation", @case = "case:TS-2001" });
        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            return true;
        }
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Cancel));
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("decision").GetString() == "deny";
    }

    private static async Task<HttpResponseMessage> PostAsync(ServerProcess node, string token, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await node.Client.SendAsync(request, Cancel);
    }

    /// <summary>
    /// SIGKILLs the node that runs detection right after a read that must alert, made on another
    /// node; another node must take the lead and ledger that alert, and no alert may be raised
    /// twice for the same evidence. Returns the nodes still running.
    /// </summary>
    private async Task<ServerProcess[]> KillDetectionLeaderAsync(ServerProcess[] nodes, SymmetricSecurityKey key, string url)
    {
        var leader = await DetectionStateAsync(nodes, "running", TimeSpan.FromSeconds(60));
        var others = nodes.Where(n => n != leader).ToArray();
        (await Task.WhenAll(others.Select(n => DetectionStateOfAsync(n)))).ShouldAllBe(state => state == "standing-by");

        // A journalist's IP address read under the audit case: the protected-subject detector flags it.
        var mason = LocalTokens.Mint(key, "staff:mason", "US", TimeSpan.FromMinutes(10));
        using var read = await PostAsync(others[0], mason, "v1/decisions",
            new { subject = "user:10043", categories = new[] { "network.ip_address" }, purpose = "internal-audit", @case = "case:IA-7" });
        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        var trigger = (await read.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("ledger_index").GetInt64();
        await leader.KillAsync();
        var killed = Stopwatch.StartNew();

        var successor = await DetectionStateAsync(others, "running", TimeSpan.FromSeconds(60));
        var tookOver = killed.Elapsed;
        while (!(await AlertEntriesAsync(url)).Any(e => e.Evidence.Contains(trigger)))
        {
            killed.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), $"no alert ever named entry {trigger}, read as the leader died");
            await Task.Delay(100, Cancel);
        }
        var alerted = killed.Elapsed;
        output.WriteLine($"detection leader {leader.BaseAddress} killed: {successor.BaseAddress} led after {tookOver.TotalSeconds:F1} s and ledgered the alert on entry {trigger} after {alerted.TotalSeconds:F1} s");

        var raised = (await AlertEntriesAsync(url)).Where(e => e.Change == "raised").ToList();
        foreach (var group in raised.GroupBy(e => e.Detector))
        {
            var evidence = group.SelectMany(e => e.Evidence.Select(index => (index, e.Alert))).GroupBy(p => p.index);
            evidence.Where(g => g.Select(p => p.Alert).Distinct().Count() > 1).ShouldBeEmpty($"an alert of {group.Key} was raised twice for the same evidence");
        }
        raised.Select(e => e.Alert).ShouldBeUnique("an alert was raised twice");
        return others;
    }

    private sealed record AlertEntry(string Alert, string Change, string? Detector, long[] Evidence);

    private static async Task<List<AlertEntry>> AlertEntriesAsync(string url)
    {
        await using var store = new PostgresLedgerStore(url);
        var alerts = new List<AlertEntry>();
        await foreach (var leaf in store.ReadLeavesAsync(0, await store.ReadSizeAsync(Cancel), Cancel))
        {
            using var entry = JsonDocument.Parse(leaf.Entry);
            var root = entry.RootElement;
            if (root.GetProperty("type").GetString() == "alert")
            {
                alerts.Add(new AlertEntry(root.GetProperty("alert").GetString()!, root.GetProperty("change").GetString()!,
                    root.TryGetProperty("detector", out var detector) ? detector.GetString() : null,
                    root.TryGetProperty("evidence", out var evidence) ? [.. evidence.EnumerateArray().Select(e => e.GetInt64())] : []));
            }
        }
        return alerts;
    }

    /// <summary>The first of <paramref name="nodes"/> whose detection is in <paramref name="state"/>.</summary>
    private static async Task<ServerProcess> DetectionStateAsync(ServerProcess[] nodes, string state, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            foreach (var node in nodes)
            {
                if (await DetectionStateOfAsync(node) == state)
                {
                    return node;
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no node's detection became {state}");
            }
            await Task.Delay(100, Cancel);
        }
    }

    private static async Task<string?> DetectionStateOfAsync(ServerProcess node)
    {
        using var response = await node.Client.GetAsync(new Uri("readyz", UriKind.Relative), Cancel);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        return body.TryGetProperty("checks", out var checks)
            ? checks.EnumerateArray().Where(c => c.GetProperty("name").GetString() == "detection")
                .Select(c => c.TryGetProperty("data", out var data) && data.TryGetProperty("state", out var s) ? s.GetString() : null).FirstOrDefault()
            : null;
    }

    private sealed record OutageResult(int OkDuring, int Refused, TimeSpan Recovered);

    /// <summary>
    /// 16 clients decide while PostgreSQL is stopped (as a crash stops it) for 5 s: an answer that
    /// arrives after the stop and before the restart must not be a 200. The load ends before
    /// PostgreSQL returns, and then every node must become ready again without being sent a
    /// request: it listens again, reads what it missed, and finds its ledger takes appends.
    /// </summary>
    private async Task<OutageResult> OutageAsync(ServerProcess[] nodes, SymmetricSecurityKey key, PrivatePostgres postgres)
    {
        var down = 0; // 1 between the stop's return and the restart's start
        var okDuring = 0;
        var refused = 0;
        var ended = 0;
        var load = LoadAsync(nodes, key, TimeSpan.FromMinutes(2), 16, status =>
        {
            if (Volatile.Read(ref down) == 1)
            {
                if (status == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref okDuring);
                }
                else if (status == HttpStatusCode.ServiceUnavailable)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }, () => Volatile.Read(ref ended) == 1);
        await Task.Delay(TimeSpan.FromSeconds(1), Cancel);
        await postgres.StopAsync();
        // An answer already on its way when the server stopped may still arrive: give it a moment.
        await Task.Delay(TimeSpan.FromMilliseconds(200), Cancel);
        Volatile.Write(ref down, 1);
        await Task.Delay(TimeSpan.FromSeconds(2), Cancel);
        foreach (var node in nodes)
        {
            using var ready = await node.Client.GetAsync(new Uri("readyz", UriKind.Relative), Cancel);
            ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, $"{node.BaseAddress} says it is ready without its database");
        }
        await Task.Delay(TimeSpan.FromSeconds(3), Cancel);
        Volatile.Write(ref ended, 1);
        await load;
        Volatile.Write(ref down, 0);
        await postgres.StartAsync();
        var restarted = Stopwatch.StartNew();
        // Nothing but readiness probes until every node says it is ready, as a balancer that
        // waits for /readyz before sending traffic would do.
        foreach (var node in nodes)
        {
            await WaitAsync(node, "readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        }
        var recovered = restarted.Elapsed;
        var after = await LoadAsync(nodes, key, TimeSpan.FromSeconds(2), 6);
        after.Ok.ShouldBeGreaterThan(0);
        after.Other.ShouldBe(0, "every node decides again once PostgreSQL is back");
        return new OutageResult(okDuring, refused, recovered);
    }

    private static async Task WaitAsync(ServerProcess node, string path, HttpStatusCode status, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await node.Client.GetAsync(new Uri(path, UriKind.Relative), Cancel);
            if (response.StatusCode == status)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{node.BaseAddress}{path} answered {(int)response.StatusCode}, not {(int)status}: {await response.Content.ReadAsStringAsync(Cancel)}\n{node.StandardOutput}");
            }
            await Task.Delay(200, Cancel);
        }
    }

    public void Dispose() => _temp.Dispose();
}
