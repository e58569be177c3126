using Custos.Ledger.Checkpoints;
using Custos.Ledger.Notes;
using Custos.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Custos.Tests.Cli;

/// <summary>
/// <c>custos ledger verify --server</c> against a running <c>custos serve</c>: the auditor's
/// check from outside, which remembers the last checkpoint and catches a server that rewrites
/// or rolls back its history.
/// </summary>
public sealed class LedgerRemoteVerifyTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task An_honest_server_verifies_run_after_run_and_a_forked_or_rolled_back_one_does_not()
    {
        var port = CustosProcess.FreePort();
        var data = _temp.Combine("data");
        var environment = new Dictionary<string, string> { ["CUSTOS_Ledger__Origin"] = "audit.example/custos" };
        await using var server = await ServerProcess.StartAsync(port, ["--urls", $"http://127.0.0.1:{port}", "--data", data], environment: environment);
        var store = Path.Combine(data, "ledger.db");
        using var signer = NoteSigner.Parse(await File.ReadAllTextAsync(store + ".key", TestContext.Current.CancellationToken));
        signer.Name.ShouldBe("audit.example/custos");
        var state = _temp.Combine("auditor", "state.checkpoint");
        string[] verify = ["verify", "--server", server.BaseAddress.ToString(), "--key", signer.VerifierKey, "--state", state];

        // Entries arrive from another process writing the same ledger; the server catches up.
        (await LedgerCli.RunWithInputAsync(Lines(0, 20), "append", "--store", store)).ExitCode.ShouldBe(0);
        var first = await LedgerCli.RunAsync(verify);
        first.ExitCode.ShouldBe(0, first.StandardError);
        first.StandardOutput.ShouldContain($"checkpoint of {LoadedAtStart + 20} entries");
        first.StandardOutput.ShouldContain("first checkpoint seen");
        first.StandardOutput.ShouldContain($"the tree rebuilt from its {LoadedAtStart + 20} leaf hashes has the checkpoint's root");
        first.StandardOutput.ShouldContain("entry bodies were not checked");

        (await LedgerCli.RunWithInputAsync(Lines(20, 37), "append", "--store", store)).ExitCode.ShouldBe(0);
        var second = await LedgerCli.RunAsync(verify);
        second.ExitCode.ShouldBe(0, second.StandardError);
        second.StandardOutput.ShouldContain($"checkpoint of {LoadedAtStart + 37} entries");
        second.StandardOutput.ShouldContain($"consistent with the checkpoint of {LoadedAtStart + 20} entries seen before");

        // The auditor remembers a (validly signed) tree of 37 entries that the server's is not an extension of.
        await File.WriteAllTextAsync(state, new Checkpoint(signer.Name, LoadedAtStart + 30, new byte[32]).Sign(signer), TestContext.Current.CancellationToken);
        var forked = await LedgerCli.RunAsync(verify);
        forked.ExitCode.ShouldBe(1);
        forked.ErrorLines.ShouldHaveSingleItem().ShouldContain("not consistent");

        await File.WriteAllTextAsync(state, new Checkpoint(signer.Name, 99, new byte[32]).Sign(signer), TestContext.Current.CancellationToken);
        var rolledBack = await LedgerCli.RunAsync(verify);
        rolledBack.ExitCode.ShouldBe(1);
        rolledBack.ErrorLines.ShouldHaveSingleItem().ShouldContain("rolled back");

        using var stranger = NoteSigner.Generate("audit.example/custos");
        var wrongKey = await LedgerCli.RunAsync("verify", "--server", server.BaseAddress.ToString(), "--key", stranger.VerifierKey, "--state", _temp.Combine("other"));
        wrongKey.ExitCode.ShouldBe(1);
        wrongKey.ErrorLines.ShouldHaveSingleItem().ShouldContain("does not verify with the key");
    }

    [Fact]
    public async Task The_server_signs_checkpoints_of_a_growing_log_by_itself()
    {
        var port = CustosProcess.FreePort();
        var data = _temp.Combine("data");
        var environment = new Dictionary<string, string> { ["CUSTOS_Ledger__CheckpointInterval"] = "00:00:00.2" };
        await using var server = await ServerProcess.StartAsync(port, ["--urls", $"http://127.0.0.1:{port}", "--data", data], environment: environment);
        var store = Path.Combine(data, "ledger.db");
        using var signer = NoteSigner.Parse(await File.ReadAllTextAsync(store + ".key", TestContext.Current.CancellationToken));

        // Appended by another process that does not hold the key, so it signs nothing itself.
        (await LedgerCli.RunWithInputAsync(Lines(0, 5), "append", "--store", store, "--key-file", _temp.Combine("no.key"))).ExitCode.ShouldBe(0);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        ProcessResult verify;
        do
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            verify = await LedgerCli.RunAsync("verify", "--store", store, "--key", signer.VerifierKey);
            verify.ExitCode.ShouldBe(0, verify.StandardError);
        }
        while (!verify.StandardOutput.Contains($"checkpoint of {LoadedAtStart + 5} entries", StringComparison.Ordinal) && DateTime.UtcNow < deadline);
        verify.StandardOutput.ShouldContain($"checkpoint of {LoadedAtStart + 5} entries");
    }

    [Fact]
    public async Task With_an_auditors_token_every_entry_body_is_checked_and_a_body_that_is_not_what_was_hashed_is_caught()
    {
        var port = CustosProcess.FreePort();
        var data = _temp.Combine("data");
        await using var server = await ServerProcess.StartAsync(port, ["--urls", $"http://127.0.0.1:{port}", "--data", data]);
        var store = Path.Combine(data, "ledger.db");
        using var signer = NoteSigner.Parse(await File.ReadAllTextAsync(store + ".key", TestContext.Current.CancellationToken));
        (await LedgerCli.RunWithInputAsync(Lines(0, 30), "append", "--store", store)).ExitCode.ShouldBe(0);
        var minted = await CustosProcess.RunAsync(["token", "--as", "service:auditor", "--data", data]);
        minted.ExitCode.ShouldBe(0, minted.StandardError);
        var auditor = minted.StandardOutput.Trim();
        string[] verify = ["verify", "--server", server.BaseAddress.ToString(), "--key", signer.VerifierKey, "--state", _temp.Combine("state")];
        var size = LoadedAtStart + 30;

        var withToken = await LedgerCli.RunAsync([.. verify, "--token", auditor]);
        withToken.ExitCode.ShouldBe(0, withToken.StandardError);
        withToken.StandardOutput.ShouldContain($"all {size} entry bodies match their leaf hashes");

        var fromEnvironment = await CustosProcess.RunAsync(["ledger", .. verify], environment: new Dictionary<string, string> { ["CUSTOS_TOKEN"] = auditor });
        fromEnvironment.ExitCode.ShouldBe(0, fromEnvironment.StandardError);
        fromEnvironment.StandardOutput.ShouldContain($"all {size} entry bodies match their leaf hashes");

        // A data subject's token reads none of these bodies: they are counted, not failed.
        var subject = (await CustosProcess.RunAsync(["token", "--as", "user:40002", "--data", data])).StandardOutput.Trim();
        var asSubject = await LedgerCli.RunAsync([.. verify, "--token", subject]);
        asSubject.ExitCode.ShouldBe(0, asSubject.StandardError);
        asSubject.StandardOutput.ShouldContain($"0 entry bodies match their leaf hashes; {size} were not checked");

        // The operator changes an entry's bytes and keeps its leaf hash: the tree still checks out
        // from the hashes alone, but the body the server now serves is not what it hashed.
        await RewriteAsync(store, LoadedAtStart + 7, "UPDATE ledger_entries SET entry = $value WHERE idx = $index", """{"decision":999}"""u8.ToArray());
        (await LedgerCli.RunAsync(verify)).ExitCode.ShouldBe(0, "without a token only the hashes are checked, and they hold");
        var tampered = await LedgerCli.RunAsync([.. verify, "--token", auditor]);
        tampered.ExitCode.ShouldBe(1);
        tampered.ErrorLines.ShouldHaveSingleItem().ShouldContain($"entry {LoadedAtStart + 7} does not match its leaf hash");
    }

    [Fact]
    public async Task Without_a_token_a_changed_leaf_hash_is_caught_by_rebuilding_the_tree()
    {
        var port = CustosProcess.FreePort();
        var data = _temp.Combine("data");
        await using var server = await ServerProcess.StartAsync(port, ["--urls", $"http://127.0.0.1:{port}", "--data", data]);
        var store = Path.Combine(data, "ledger.db");
        using var signer = NoteSigner.Parse(await File.ReadAllTextAsync(store + ".key", TestContext.Current.CancellationToken));
        (await LedgerCli.RunWithInputAsync(Lines(0, 9), "append", "--store", store)).ExitCode.ShouldBe(0);
        string[] verify = ["verify", "--server", server.BaseAddress.ToString(), "--key", signer.VerifierKey, "--state", _temp.Combine("state")];
        (await LedgerCli.RunAsync(verify)).ExitCode.ShouldBe(0);

        await RewriteAsync(store, LoadedAtStart + 3, "UPDATE ledger_entries SET leaf_hash = $value WHERE idx = $index", new byte[32]);
        var changed = await LedgerCli.RunAsync(verify);
        changed.ExitCode.ShouldBe(1);
        changed.ErrorLines.ShouldHaveSingleItem().ShouldContain("does not have the signed checkpoint's root");
    }

    /// <summary>What an operator with the database file can do behind the server's back: change one entry's row.</summary>
    private static async Task RewriteAsync(string store, long index, string update, byte[] value)
    {
        await using var connection = new SqliteConnection($"Data Source={store};Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = update;
        command.Parameters.AddWithValue("$value", value);
        command.Parameters.AddWithValue("$index", index);
        (await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken)).ShouldBe(1);
    }

    /// <summary>A server ledgers the world and the policy set it loads before anything else.</summary>
    private const int LoadedAtStart = 2;

    private static string Lines(int from, int to) => string.Join('\n', Enumerable.Range(from, to - from).Select(i => $"{{\"decision\":{i}}}"));

    public void Dispose() => _temp.Dispose();
}
