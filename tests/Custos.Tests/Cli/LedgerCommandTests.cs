using System.Text;
using System.Text.Json;
using Custos.Ledger.Checkpoints;
using Custos.Ledger.Hashing;
using Custos.Ledger.Notes;
using Custos.Ledger.Proofs;
using Custos.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Custos.Tests.Cli;

/// <summary>The contract of <c>custos ledger</c>, run as an operator or auditor runs it.</summary>
public sealed class LedgerCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Store => _temp.Combine("ledger.db");

    [Fact]
    public async Task Init_creates_the_store_and_an_owner_only_key_and_prints_the_verifier_key()
    {
        var key = await LedgerCli.InitAsync(Store, "audit.example/custos");

        var verifier = NoteVerifier.Parse(key);
        verifier.Name.ShouldBe("audit.example/custos");
        File.Exists(Store).ShouldBeTrue();
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(Store + ".key").ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        NoteSigner.Parse(await File.ReadAllTextAsync(Store + ".key", TestContext.Current.CancellationToken)).VerifierKey.ShouldBe(key);

        var again = await LedgerCli.RunAsync("init", "--store", Store, "--origin", "audit.example/custos");
        again.ExitCode.ShouldBe(1);
        again.ErrorLines.ShouldHaveSingleItem().ShouldContain("already exists");
    }

    [Fact]
    public async Task Append_canonicalises_each_line_and_prints_indexes_and_entry_prints_the_exact_bytes()
    {
        await LedgerCli.InitAsync(Store);

        var append = await LedgerCli.RunWithInputAsync("{\"b\": 2, \"a\": 1.50}\n[ true ]\n\n\"é\"\n", "append", "--store", Store);

        append.ExitCode.ShouldBe(0, append.StandardError);
        append.StandardOutput.ShouldBe("0\n1\n2\n");
        var entry = await LedgerCli.RunAsync("entry", "--store", Store, "--index", "0");
        entry.ExitCode.ShouldBe(0);
        entry.StandardOutput.ShouldBe("{\"a\":1.5,\"b\":2}");
        (await LedgerCli.RunAsync("entry", "--store", Store, "--index", "2")).StandardOutput.ShouldBe("\"é\"");

        var more = await LedgerCli.RunWithInputAsync("{\"n\":3}\n", "append", "--store", Store);
        more.StandardOutput.ShouldBe("3\n");
    }

    [Fact]
    public async Task Proofs_printed_by_the_cli_verify_against_the_signed_checkpoint()
    {
        var key = NoteVerifier.Parse(await LedgerCli.InitAsync(Store));
        var lines = Enumerable.Range(0, 11).Select(i => $"{{\"i\":{i}}}").ToList();
        (await LedgerCli.RunWithInputAsync(string.Join('\n', lines), "append", "--store", Store)).ExitCode.ShouldBe(0);

        var note = await LedgerCli.RunAsync("checkpoint", "--store", Store);
        note.ExitCode.ShouldBe(0, note.StandardError);
        var checkpoint = Checkpoint.Open(note.StandardOutput, key);
        checkpoint.Size.ShouldBe(11);

        var inclusion = await LedgerCli.RunAsync("prove", "inclusion", "--store", Store, "--index", "6");
        inclusion.ExitCode.ShouldBe(0, inclusion.StandardError);
        using var proof = JsonDocument.Parse(inclusion.StandardOutput);
        proof.RootElement.GetProperty("leaf_index").GetInt64().ShouldBe(6);
        proof.RootElement.GetProperty("tree_size").GetInt64().ShouldBe(11);
        // Base64 as written, '+' included, so that a person can copy a hash out of the output.
        foreach (var hash in proof.RootElement.GetProperty("proof").EnumerateArray())
        {
            inclusion.StandardOutput.ShouldContain($"\"{hash.GetString()}\"");
        }
        ProofVerifier.VerifyInclusion(6, 11, Rfc9162.HashLeaf(Encoding.UTF8.GetBytes(lines[6])), Hashes(proof.RootElement), checkpoint.RootHash);

        // A proof against an older size, checked against that size's root via a consistency proof.
        var older = await LedgerCli.RunAsync("prove", "inclusion", "--store", Store, "--index", "2", "--size", "5");
        using var olderProof = JsonDocument.Parse(older.StandardOutput);
        olderProof.RootElement.GetProperty("tree_size").GetInt64().ShouldBe(5);

        var consistency = await LedgerCli.RunAsync("prove", "consistency", "--store", Store, "--from", "5");
        consistency.ExitCode.ShouldBe(0, consistency.StandardError);
        using var consistencyProof = JsonDocument.Parse(consistency.StandardOutput);
        consistencyProof.RootElement.GetProperty("size1").GetInt64().ShouldBe(5);
        consistencyProof.RootElement.GetProperty("size2").GetInt64().ShouldBe(11);
        var root5 = ProofVerifier.RootFromInclusionProof(2, 5, Rfc9162.HashLeaf(Encoding.UTF8.GetBytes(lines[2])), Hashes(olderProof.RootElement));
        ProofVerifier.VerifyConsistency(5, 11, root5, checkpoint.RootHash, Hashes(consistencyProof.RootElement));
    }

    [Fact]
    public async Task Verify_passes_on_an_untouched_ledger_and_fails_with_another_key()
    {
        var key = await LedgerCli.InitAsync(Store);
        (await LedgerCli.RunWithInputAsync("{\"a\":1}\n{\"a\":2}\n", "append", "--store", Store)).ExitCode.ShouldBe(0);

        var ok = await LedgerCli.RunAsync("verify", "--store", Store, "--key", key);
        ok.ExitCode.ShouldBe(0, ok.StandardError);
        ok.StandardOutput.ShouldStartWith("ok: 2 entries");

        using var other = NoteSigner.Generate("test.custos/ledger");
        var wrong = await LedgerCli.RunAsync("verify", "--store", Store, "--key", other.VerifierKey);
        wrong.ExitCode.ShouldBe(1);
        wrong.ErrorLines.ShouldHaveSingleItem().ShouldContain("does not verify with the key");
    }

    [Fact]
    public async Task Verify_names_the_entry_whose_bytes_were_edited_in_the_sqlite_file()
    {
        var key = await LedgerCli.InitAsync(Store);
        var lines = Enumerable.Range(0, 40).Select(i => $"{{\"subject\":\"user:{10000 + i}\"}}");
        (await LedgerCli.RunWithInputAsync(string.Join('\n', lines), "append", "--store", Store)).ExitCode.ShouldBe(0);

        // An attacker with the file edits one entry's bytes in place: user:10023 becomes user:10032.
        var bytes = await File.ReadAllBytesAsync(Store, TestContext.Current.CancellationToken);
        var target = Encoding.UTF8.GetBytes("user:10023");
        var at = bytes.AsSpan().IndexOf(target);
        at.ShouldBeGreaterThan(0, "the entry is in the main database file once the WAL is checkpointed");
        bytes.AsSpan().LastIndexOf(target).ShouldBe(at);
        Encoding.UTF8.GetBytes("user:10032").CopyTo(bytes, at);
        await File.WriteAllBytesAsync(Store, bytes, TestContext.Current.CancellationToken);

        var result = await LedgerCli.RunAsync("verify", "--store", Store, "--key", key);

        result.ExitCode.ShouldBe(1);
        result.ErrorLines.ShouldHaveSingleItem().ShouldContain("entry 23 ");
    }

    [Fact]
    public async Task Verify_detects_a_rewritten_entry_whose_hashes_were_rewritten_too()
    {
        var key = await LedgerCli.InitAsync(Store);
        (await LedgerCli.RunWithInputAsync(string.Join('\n', Enumerable.Range(0, 9).Select(i => $"[{i}]")), "append", "--store", Store)).ExitCode.ShouldBe(0);

        await using (var connection = new SqliteConnection($"Data Source={Store};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE ledger_entries SET entry = $e, leaf_hash = $h WHERE idx = 4";
            command.Parameters.AddWithValue("$e", "[40]"u8.ToArray());
            command.Parameters.AddWithValue("$h", Rfc9162.HashLeaf("[40]"u8));
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var result = await LedgerCli.RunAsync("verify", "--store", Store, "--key", key);

        result.ExitCode.ShouldBe(1);
        result.ErrorLines.ShouldHaveSingleItem().ShouldContain("entries 4..5");
    }

    [Theory]
    [InlineData("entry = '[40]'", "entry 4 does not match its leaf hash")]
    [InlineData("entry = 40", "entry 4 does not match its leaf hash")]
    [InlineData("leaf_hash = 'edited'", "entry 4 does not match its leaf hash")]
    public async Task Verify_reports_an_entry_edited_by_hand_as_changed_not_a_crash(string assignment, string problem)
    {
        var key = await LedgerCli.InitAsync(Store);
        (await LedgerCli.RunWithInputAsync(string.Join('\n', Enumerable.Range(0, 9).Select(i => $"[{i}]")), "append", "--store", Store)).ExitCode.ShouldBe(0);

        // sqlite3's shell writes what a person types as TEXT or INTEGER, not as the BLOB that was there.
        await using (var connection = new SqliteConnection($"Data Source={Store};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE ledger_entries SET {assignment} WHERE idx = 4";
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var result = await LedgerCli.RunAsync("verify", "--store", Store, "--key", key);

        result.ExitCode.ShouldBe(1);
        result.ErrorLines.ShouldHaveSingleItem().ShouldContain(problem);
    }

    [Theory]
    [InlineData("{\"ok\":1}\nnot json\n{\"ok\":2}\n", "line 2")]
    [InlineData("{\"a\":1,\"a\":2}\n", "duplicate")]
    [InlineData("[1,]\n", "line 1")]
    public async Task A_bad_line_appends_nothing_and_says_which_line(string input, string named)
    {
        await LedgerCli.InitAsync(Store);

        var result = await LedgerCli.RunWithInputAsync(input, "append", "--store", Store);

        result.ExitCode.ShouldBe(1);
        result.StandardOutput.ShouldBeEmpty();
        result.ErrorLines.ShouldHaveSingleItem().ShouldContain(named);
        (await LedgerCli.RunAsync("entry", "--store", Store, "--index", "0")).ExitCode.ShouldBe(1);
    }

    [Theory]
    [InlineData(1, "entry", "--index", "3")]
    [InlineData(1, "prove", "inclusion", "--index", "3")]
    [InlineData(1, "prove", "inclusion", "--index", "1", "--size", "9")]
    [InlineData(1, "prove", "consistency", "--from", "3", "--to", "2")]
    [InlineData(1, "prove", "consistency", "--from", "0", "--to", "2")]
    [InlineData(1, "prove", "consistency", "--from", "2", "--to", "4")]
    [InlineData(2, "prove", "inclusion", "--index", "-1")]
    [InlineData(2, "prove", "inclusion", "--index", "x")]
    [InlineData(2, "entry")]
    [InlineData(2, "verify", "--key", "not-a-key")]
    public async Task Bad_requests_give_one_line_and_a_nonzero_exit(int exitCode, params string[] args)
    {
        var key = await LedgerCli.InitAsync(Store);
        (await LedgerCli.RunWithInputAsync("1\n2\n3\n", "append", "--store", Store)).ExitCode.ShouldBe(0);

        var result = await LedgerCli.RunAsync([.. args, "--store", Store]);

        result.ExitCode.ShouldBe(exitCode, result.StandardError);
        result.ErrorLines.ShouldHaveSingleItem().ShouldStartWith("custos: ");
        result.StandardOutput.ShouldBeEmpty();
        // Nothing changed.
        (await LedgerCli.RunAsync("verify", "--store", Store, "--key", key)).StandardOutput.ShouldStartWith("ok: 3 entries");
    }

    [Fact]
    public async Task Append_with_another_ledgers_key_appends_nothing()
    {
        await LedgerCli.InitAsync(Store);
        var other = _temp.Combine("other.db");
        await LedgerCli.InitAsync(other);

        var result = await LedgerCli.RunWithInputAsync("{\"a\":1}\n", "append", "--store", Store, "--key-file", other + ".key");

        result.ExitCode.ShouldBe(1);
        result.ErrorLines.ShouldHaveSingleItem().ShouldContain("nothing was appended");
        (await LedgerCli.RunAsync("entry", "--store", Store, "--index", "0")).ExitCode.ShouldBe(1);
    }

    [Fact]
    public async Task A_store_that_does_not_exist_is_not_created()
    {
        var result = await LedgerCli.RunAsync("checkpoint", "--store", Store);

        result.ExitCode.ShouldBe(1);
        result.ErrorLines.ShouldHaveSingleItem().ShouldContain("custos ledger init");
        File.Exists(Store).ShouldBeFalse();
    }

    [Fact]
    public async Task Verify_needs_exactly_one_of_store_and_server()
    {
        using var signer = NoteSigner.Generate("x");
        var neither = await LedgerCli.RunAsync("verify", "--key", signer.VerifierKey);
        neither.ExitCode.ShouldBe(2);
        neither.ErrorLines.ShouldHaveSingleItem().ShouldContain("--store");
    }

    [Fact]
    public async Task Tiles_writes_a_static_log_a_client_proves_inclusion_from_with_the_key_alone()
    {
        var key = NoteVerifier.Parse(await LedgerCli.InitAsync(Store));
        var lines = Enumerable.Range(0, 300).Select(i => $"{{\"n\":{i}}}").ToList();
        (await LedgerCli.RunWithInputAsync(string.Join('\n', lines), "append", "--store", Store)).ExitCode.ShouldBe(0);
        var directory = _temp.Combine("www");

        var tiles = await LedgerCli.RunAsync("tiles", "--store", Store, "--out", directory);

        tiles.ExitCode.ShouldBe(0, tiles.StandardError);
        var checkpoint = Checkpoint.Open(await File.ReadAllTextAsync(Path.Combine(directory, "checkpoint"), Cancel), key);
        checkpoint.Size.ShouldBe(300);
        var tree = new Custos.Ledger.Tiles.TiledTree(300, (tile, c) => File.ReadAllBytesAsync(Path.Combine(directory, tile.Path), c));
        var proof = await tree.InclusionProofAsync(299, Cancel);
        ProofVerifier.VerifyInclusion(299, 300, Rfc9162.HashLeaf(Encoding.UTF8.GetBytes(lines[299])), proof, checkpoint.RootHash);
        Directory.Exists(Path.Combine(directory, "tile", "entries")).ShouldBeFalse();

        (await LedgerCli.RunAsync("tiles", "--store", Store, "--out", directory, "--entries")).ExitCode.ShouldBe(0);
        File.Exists(Path.Combine(directory, "tile", "entries", "000")).ShouldBeTrue();
        File.Exists(Path.Combine(directory, "tile", "entries", "001.p", "44")).ShouldBeTrue();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static List<byte[]> Hashes(JsonElement proof) => [.. proof.GetProperty("proof").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!))];

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }
}
