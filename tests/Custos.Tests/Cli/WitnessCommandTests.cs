using System.Net;
using System.Text;
using Custos.Ledger.Log;
using Custos.Ledger.Notes;
using Custos.Ledger.Witnessing;
using Custos.Tests.Support;

namespace Custos.Tests.Cli;

/// <summary>
/// <c>custos witness keygen</c> and <c>custos witness serve</c> as an outsider runs them: the
/// witness cosigns a growing log over HTTP, remembers across a SIGKILL what it cosigned, and
/// refuses a fork of the log signed with the log's own key.
/// </summary>
public sealed class WitnessCommandTests : IDisposable
{
    private const string Origin = "witnessed.example/ledger";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Keygen_prints_the_verifier_key_of_a_private_cosigner_key_and_never_overwrites_one()
    {
        var keyFile = _temp.Combine("w.key");
        var made = await CustosProcess.RunAsync(["witness", "keygen", "--name", "w.example/witness", "--key", keyFile]);
        made.ExitCode.ShouldBe(0, made.StandardError);
        var verifier = NoteVerifier.Parse(made.StandardOutput.Trim());
        (verifier.Name, verifier.Type).ShouldBe(("w.example/witness", NoteKeys.CosignatureType));
        using (var signer = NoteSigner.Parse(await File.ReadAllTextAsync(keyFile, Cancel)))
        {
            signer.VerifierKey.ShouldBe(verifier.Text);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(keyFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var again = await CustosProcess.RunAsync(["witness", "keygen", "--name", "other.example/witness", "--key", keyFile]);
        again.ExitCode.ShouldBe(1);
        again.ErrorLines.ShouldHaveSingleItem().ShouldContain("already exists");
        (await File.ReadAllTextAsync(keyFile, Cancel)).ShouldContain("w.example/witness");
    }

    [Fact]
    public async Task Serve_refuses_a_log_key_that_is_not_one_a_missing_key_and_a_second_process_on_its_directory()
    {
        var keyFile = await KeygenAsync("w.key", "w.example/witness");
        using var log = NoteSigner.Generate(Origin);
        var data = _temp.Combine("data");

        var badLog = await CustosProcess.RunAsync(["witness", "serve", "--key", keyFile, "--data", data, "--log", "not-a-key"]);
        badLog.ExitCode.ShouldBe(2);
        badLog.ErrorLines.ShouldHaveSingleItem().ShouldContain("--log 'not-a-key'");

        var cosignerAsLog = await CustosProcess.RunAsync(["witness", "serve", "--key", keyFile, "--data", data, "--log", NoteVerifierOf(keyFile)]);
        cosignerAsLog.ExitCode.ShouldBe(2);
        cosignerAsLog.ErrorLines.ShouldHaveSingleItem().ShouldContain("cosigner key");

        var noKey = await CustosProcess.RunAsync(["witness", "serve", "--key", _temp.Combine("none.key"), "--data", data, "--log", log.VerifierKey]);
        noKey.ExitCode.ShouldBe(1);
        noKey.ErrorLines.ShouldHaveSingleItem().ShouldContain("custos witness keygen");

        var port = CustosProcess.FreePort();
        await using var first = await StartAsync(port, keyFile, data, log.VerifierKey);
        var second = await CustosProcess.RunAsync(["witness", "serve", "--key", keyFile, "--data", data, "--log", log.VerifierKey, "--urls", $"http://127.0.0.1:{CustosProcess.FreePort()}"]);
        second.ExitCode.ShouldBe(1);
        second.ErrorLines.ShouldHaveSingleItem().ShouldContain("one witness process per directory");
    }

    [Fact]
    public async Task A_witness_process_cosigns_a_growing_log_remembers_it_across_a_kill_and_refuses_a_fork()
    {
        var keyFile = await KeygenAsync("w.key", "w.example/witness");
        var witnessKey = NoteVerifier.Parse(NoteVerifierOf(keyFile));
        var store = _temp.Combine("ledger.db");
        var (log, signer) = await LedgerSetup.CreateAsync(store, Origin, store + ".key", cancellation: Cancel);
        await using var ledger = log;
        using var key = signer;
        await using var fork = await LedgerSetup.CreateAsync(_temp.Combine("fork.db"), signer, cancellation: Cancel);
        await AppendAsync(log, 0, 8, "main");
        await AppendAsync(fork, 0, 8, "main");
        var logsFile = _temp.Combine("logs.txt");
        await File.WriteAllTextAsync(logsFile, $"# the logs this witness cosigns\n\n{signer.VerifierKey}\n", Cancel);

        var data = _temp.Combine("data");
        var port = CustosProcess.FreePort();
        var witness = await StartAsync(port, keyFile, data, logsFile);
        using var http = new HttpClient();
        var prefix = new Uri($"http://127.0.0.1:{port}/");
        var client = new WitnessClient(http, prefix, witnessKey);

        var at8 = await log.SignCheckpointAsync(signer, Cancel);
        var cosigned = at8.Note + await client.AddCheckpointAsync(at8.Note, 8, Prove(log, 8), Cancel);
        Cosignatures.Verify(cosigned, witnessKey).ShouldNotBeNull();

        await AppendAsync(log, 8, 13, "main");
        var at13 = await log.SignCheckpointAsync(signer, Cancel);
        Cosignatures.Verify(at13.Note + await client.AddCheckpointAsync(at13.Note, 13, Prove(log, 13), Cancel), witnessKey).ShouldNotBeNull();

        // SIGKILL, then a new process on the same directory: it still holds 13, as the spec's 409 says.
        await witness.KillAsync();
        await witness.DisposeAsync();
        witness = await StartAsync(port, keyFile, data, logsFile);
        await using (witness)
        {
            using var stale = new StringContent(new AddCheckpoint(0, [], at13.Note).ToBody(), Encoding.UTF8);
            using var conflict = await http.PostAsync(new Uri(prefix, "add-checkpoint"), stale, Cancel);
            conflict.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            conflict.Content.Headers.ContentType!.MediaType.ShouldBe("text/x.tlog.size");
            (await conflict.Content.ReadAsStringAsync(Cancel)).ShouldBe("13\n");

            // A fork under the log's own key: same first 8 entries, then others, to 13 and beyond.
            await AppendAsync(fork, 8, 13, "fork");
            var forkAt13 = await fork.SignCheckpointAsync(signer, Cancel);
            (await PostAsync(http, prefix, new AddCheckpoint(13, [], forkAt13.Note))).ShouldBe(HttpStatusCode.Conflict);
            await AppendAsync(fork, 13, 20, "fork");
            var forkAt20 = await fork.SignCheckpointAsync(signer, Cancel);
            var forkProof = (await fork.ProveConsistencyAsync(13, 20, Cancel)).Hashes;
            (await PostAsync(http, prefix, new AddCheckpoint(13, forkProof, forkAt20.Note))).ShouldBe(HttpStatusCode.UnprocessableEntity);
            await witness.WaitForOutputAsync("Refused a signed checkpoint (422)");

            // The honest log, from a client that knows nothing yet, learns 13 from the 409 and goes on.
            await AppendAsync(log, 13, 20, "main");
            var at20 = await log.SignCheckpointAsync(signer, Cancel);
            var fresh = new WitnessClient(http, prefix, witnessKey);
            Cosignatures.Verify(at20.Note + await fresh.AddCheckpointAsync(at20.Note, 20, Prove(log, 20), Cancel), witnessKey).ShouldNotBeNull();

            using var stranger = NoteSigner.Generate("stranger.example/log");
            (await PostAsync(http, prefix, new AddCheckpoint(0, [], new Custos.Ledger.Checkpoints.Checkpoint(stranger.Name, 0, Custos.Ledger.Hashing.Rfc9162.EmptyRoot).Sign(stranger))))
                .ShouldBe(HttpStatusCode.NotFound);
            using var impostor = NoteSigner.Generate(Origin);
            (await PostAsync(http, prefix, new AddCheckpoint(20, [], new Custos.Ledger.Checkpoints.Checkpoint(Origin, 20, at20.Checkpoint.RootHash).Sign(impostor))))
                .ShouldBe(HttpStatusCode.Forbidden);
            using var huge = new StringContent(new string('x', (int)Custos.Server.WitnessHost.MaxRequestBytes + 1));
            using var tooLarge = await http.PostAsync(new Uri(prefix, "add-checkpoint"), huge, Cancel);
            tooLarge.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        }
    }

    private async Task<string> KeygenAsync(string file, string name)
    {
        var path = _temp.Combine(file);
        var made = await CustosProcess.RunAsync(["witness", "keygen", "--name", name, "--key", path]);
        made.ExitCode.ShouldBe(0, made.StandardError);
        return path;
    }

    private static string NoteVerifierOf(string keyFile)
    {
        using var signer = NoteSigner.Parse(File.ReadAllText(keyFile));
        return signer.VerifierKey;
    }

    private static Task<ServerProcess> StartAsync(int port, string keyFile, string data, string logs) =>
        ServerProcess.StartAsync(port, ["--key", keyFile, "--data", data, "--log", logs, "--urls", $"http://127.0.0.1:{port}"], command: ["witness", "serve"]);

    private static async Task<HttpStatusCode> PostAsync(HttpClient http, Uri prefix, AddCheckpoint request)
    {
        using var content = new StringContent(request.ToBody(), Encoding.UTF8);
        using var response = await http.PostAsync(new Uri(prefix, "add-checkpoint"), content, Cancel);
        return response.StatusCode;
    }

    private static Task<IReadOnlyList<long>> AppendAsync(MerkleLog log, int from, int to, string branch) =>
        log.AppendAllAsync([.. Enumerable.Range(from, to - from).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{{\"n\":{i},\"b\":\"{branch}\"}}"))], Cancel);

    private static Func<long, CancellationToken, Task<IReadOnlyList<byte[]>>> Prove(MerkleLog log, long size) =>
        async (old, c) => (await log.ProveConsistencyAsync(old, size, c)).Hashes;
}
