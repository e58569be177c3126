using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Custos.Ledger.Checkpoints;
using Custos.Ledger.Log;
using Custos.Ledger.Notes;
using Custos.Ledger.Witnessing;
using Custos.Server.Authentication;
using Custos.Tests.Support;

namespace Custos.Tests.Cli;

/// <summary>
/// Issue 17's witnessing end to end, every party its own process: <c>custos serve</c> configured
/// with two <c>custos witness serve</c> and a quorum of two decides while the witnesses are down,
/// then serves checkpoints both cosigned, which <c>custos ledger verify --witness</c> accepts; a
/// fork of its log under its own key is refused by the witness that cosigned the real one.
/// </summary>
public sealed class WitnessedLedgerTests(ITestOutputHelper output) : IDisposable
{
    private const string Origin = "witnessed.example/custos";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_server_with_two_witnesses_serves_checkpoints_both_cosigned_that_an_auditor_verifies_and_a_fork_is_refused()
    {
        var witnessKeys = new List<NoteVerifier>();
        var witnessFiles = new List<string>();
        var witnessPorts = new[] { CustosProcess.FreePort(), CustosProcess.FreePort() };
        for (var i = 0; i < 2; i++)
        {
            witnessFiles.Add(_temp.Combine($"w{i}.key"));
            var made = await CustosProcess.RunAsync(["witness", "keygen", "--name", $"w{i}.example/witness", "--key", witnessFiles[i]]);
            made.ExitCode.ShouldBe(0, made.StandardError);
            witnessKeys.Add(NoteVerifier.Parse(made.StandardOutput.Trim()));
        }

        var data = _temp.Combine("data");
        Directory.CreateDirectory(data);
        var tokenKey = LocalSigningKey.LoadOrCreate(data);
        var port = CustosProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["CUSTOS_Ledger__Origin"] = Origin,
            ["CUSTOS_Ledger__CheckpointInterval"] = "00:00:00.2",
            ["CUSTOS_Witnessing__Quorum"] = "2",
            ["CUSTOS_Witnessing__Timeout"] = "00:00:02",
        };
        for (var i = 0; i < 2; i++)
        {
            environment[$"CUSTOS_Witnessing__Witnesses__{i}__Url"] = $"http://127.0.0.1:{witnessPorts[i]}";
            environment[$"CUSTOS_Witnessing__Witnesses__{i}__Key"] = witnessKeys[i].Text;
        }
        await using var server = await ServerProcess.StartAsync(port, ["--urls", $"http://127.0.0.1:{port}", "--data", data], environment: environment);
        var token = LocalTokens.Mint(tokenKey, "staff:amara", "US", TimeSpan.FromMinutes(10));

        // Both witnesses down: decisions are answered all the same, and the node is ready.
        for (var i = 0; i < 3; i++)
        {
            await DecideAsync(server, token);
        }
        await Task.Delay(TimeSpan.FromSeconds(1), Cancel);
        var unwitnessed = await ReadinessAsync(server);
        unwitnessed.GetProperty("detail").GetString()!.ShouldContain("not witnessed");
        unwitnessed.GetProperty("witnessed_size").GetInt64().ShouldBe(0);

        // The witnesses come up, each told the server's log key.
        var store = Path.Combine(data, "ledger.db");
        using var logKey = NoteSigner.Parse(await File.ReadAllTextAsync(store + ".key", Cancel));
        var witnesses = new List<ServerProcess>();
        for (var i = 0; i < 2; i++)
        {
            witnesses.Add(await ServerProcess.StartAsync(witnessPorts[i],
                ["--key", witnessFiles[i], "--data", _temp.Combine($"w{i}"), "--log", logKey.VerifierKey, "--urls", $"http://127.0.0.1:{witnessPorts[i]}"],
                command: ["witness", "serve"]));
        }
        try
        {
            long last = 0;
            for (var i = 0; i < 4; i++)
            {
                last = await DecideAsync(server, token);
            }
            var note = await WaitForCosignedAsync(server, witnessKeys, last + 1);
            (await server.Client.GetStringAsync(new Uri("v1/ledger/checkpoint", UriKind.Relative), Cancel)).ShouldBe(note);
            var checkpoint = Checkpoint.Open(note, logKey.Verifier);
            foreach (var witness in witnessKeys)
            {
                Cosignatures.Verify(note, witness).ShouldNotBeNull();
            }
            var witnessed = await ReadinessAsync(server);
            witnessed.GetProperty("witnessed_size").GetInt64().ShouldBeGreaterThanOrEqualTo(checkpoint.Size);

            // The auditor: the checkpoint carries a quorum of the named witnesses' cosignatures.
            string[] verify = ["verify", "--server", server.BaseAddress.ToString(), "--key", logKey.VerifierKey, "--state", _temp.Combine("auditor.checkpoint"),
                "--witness", witnessKeys[0].Text, "--witness", witnessKeys[1].Text];
            var audited = await LedgerCli.RunAsync([.. verify, "--quorum", "2"]);
            audited.ExitCode.ShouldBe(0, audited.StandardError);
            audited.StandardOutput.ShouldContain("cosigned by 2 of 2 witnesses (quorum 2: w0.example/witness at");
            using var stranger = NoteSigner.Generate("stranger.example/witness", NoteKeys.CosignatureType);
            var threeOfThree = await LedgerCli.RunAsync([.. verify, "--witness", stranger.VerifierKey]);
            threeOfThree.ExitCode.ShouldBe(1);
            threeOfThree.ErrorLines.ShouldHaveSingleItem().ShouldContain("valid cosignatures of 2 of the 3 witnesses named, fewer than the quorum of 3: stranger.example/witness did not cosign it");
            var twoOfThree = await LedgerCli.RunAsync([.. verify, "--witness", stranger.VerifierKey, "--quorum", "2"]);
            twoOfThree.ExitCode.ShouldBe(0, twoOfThree.StandardError);
            var usage = await LedgerCli.RunAsync([.. verify, "--quorum", "3"]);
            usage.ExitCode.ShouldBe(2);

            // A split view: a fork of the log under its own key and origin, shown to witness 0.
            var witnessedSize = checkpoint.Size;
            await using var fork = await LedgerSetup.CreateAsync(_temp.Combine("fork.db"), logKey, cancellation: Cancel);
            await fork.AppendAllAsync([.. Enumerable.Range(0, (int)witnessedSize + 5).Select(i => (ReadOnlyMemory<byte>)JsonSerializer.SerializeToUtf8Bytes(new { fork = i }))], Cancel);
            using var http = new HttpClient();
            var toWitness0 = new WitnessClient(http, new Uri($"http://127.0.0.1:{witnessPorts[0]}/"), witnessKeys[0]);
            var forkNote = (await fork.SignCheckpointAsync(logKey, Cancel)).Note;
            var refused = await Should.ThrowAsync<WitnessException>(() => toWitness0.AddCheckpointAsync(
                forkNote, witnessedSize + 5, async (old, c) => (await fork.ProveConsistencyAsync(old, witnessedSize + 5, c)).Hashes, Cancel));
            refused.Message.ShouldContain("(422)");
            await witnesses[0].WaitForOutputAsync("Refused a signed checkpoint (422)");

            // The real log goes on being cosigned by both.
            for (var i = 0; i < 3; i++)
            {
                last = await DecideAsync(server, token);
            }
            await WaitForCosignedAsync(server, witnessKeys, last + 1);

            var metrics = await server.Client.GetStringAsync(new Uri("metrics", UriKind.Relative), Cancel);
            var rounds = Metric(metrics, "custos_ledger_witnessing_duration_seconds_count");
            var seconds = Metric(metrics, "custos_ledger_witnessing_duration_seconds_sum");
            rounds.ShouldBeGreaterThan(0);
            output.WriteLine($"{rounds} witnessed rounds with two witness processes on this machine, {1000 * seconds / rounds:F1} ms each on average");
        }
        finally
        {
            foreach (var witness in witnesses)
            {
                await witness.DisposeAsync();
            }
        }
    }

    private static async Task<long> DecideAsync(ServerProcess server, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/decisions", UriKind.Relative))
        {
            Content = JsonContent.Create(new { subject = "user:40065", categories = new[] { "profile.basic" }, purpose = "trust-safety-investigation", @case = "case:TS-2001" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await server.Client.SendAsync(request, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Cancel));
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("ledger_index").GetInt64();
    }

    /// <summary>The <c>witnessing</c> check of <c>/readyz</c>, which must be ready whatever the witnesses do: its detail and data.</summary>
    private static async Task<JsonElement> ReadinessAsync(ServerProcess server)
    {
        using var response = await server.Client.GetAsync(new Uri("readyz", UriKind.Relative), Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Cancel));
        var check = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("checks").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "witnessing");
        var merged = new Dictionary<string, JsonElement> { ["detail"] = check.GetProperty("detail") };
        foreach (var property in check.GetProperty("data").EnumerateObject())
        {
            merged[property.Name] = property.Value;
        }
        return JsonSerializer.SerializeToElement(merged);
    }

    /// <summary>Polls <c>/tlog/checkpoint</c> until it covers <paramref name="size"/> entries with every witness's cosignature.</summary>
    private static async Task<string> WaitForCosignedAsync(ServerProcess server, List<NoteVerifier> witnesses, long size)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string note;
        do
        {
            await Task.Delay(200, Cancel);
            note = await server.Client.GetStringAsync(new Uri("tlog/checkpoint", UriKind.Relative), Cancel);
            if (Checkpoint.Parse(note[..(note.IndexOf("\n\n", StringComparison.Ordinal) + 1)]).Size >= size && Cosignatures.Count(note, witnesses) == witnesses.Count)
            {
                return note;
            }
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"no checkpoint of {size} entries cosigned by both witnesses within 30 s; the last served was:\n{note}\n{server.StandardOutput}");
    }

    /// <summary>A series of the witnessed rounds (tag witnessed="true"), summed over its other labels.</summary>
    private static double Metric(string text, string name) =>
        text.Split('\n').Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) && line.Contains("witnessed=\"true\"", StringComparison.Ordinal))
            .Select(line => double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture)).Sum();
}
