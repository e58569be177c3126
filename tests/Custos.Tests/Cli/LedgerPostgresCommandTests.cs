using Custos.Ledger.Notes;
using Custos.Testing;
using Custos.Tests.Support;

namespace Custos.Tests.Cli;

/// <summary>The same commands with <c>--store postgres://…</c>, on the shared private PostgreSQL server.</summary>
public sealed class LedgerPostgresCommandTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task Init_append_prove_and_verify_work_on_a_postgres_url()
    {
        var keyFile = _temp.Combine("pg.key");
        var init = await LedgerCli.RunAsync("init", "--store", database.Url, "--origin", "pg.custos/ledger", "--key-file", keyFile);
        init.ExitCode.ShouldBe(0, init.StandardError);
        var key = init.StandardOutput.Trim();
        NoteVerifier.Parse(key).Name.ShouldBe("pg.custos/ledger");

        var append = await LedgerCli.RunWithInputAsync("{\"a\":1}\n{\"b\":2}\n[3]\n", "append", "--store", database.Url, "--key-file", keyFile);
        append.ExitCode.ShouldBe(0, append.StandardError);
        append.StandardOutput.ShouldBe("0\n1\n2\n");

        (await LedgerCli.RunAsync("entry", "--store", database.Url, "--index", "1")).StandardOutput.ShouldBe("{\"b\":2}");
        (await LedgerCli.RunAsync("prove", "consistency", "--store", database.Url, "--from", "1")).ExitCode.ShouldBe(0);
        var verify = await LedgerCli.RunAsync("verify", "--store", database.Url, "--key", key);
        verify.ExitCode.ShouldBe(0, verify.StandardError);
        verify.StandardOutput.ShouldStartWith("ok: 3 entries");

        var again = await LedgerCli.RunAsync("init", "--store", database.Url, "--origin", "pg.custos/ledger", "--key-file", _temp.Combine("second.key"));
        again.ExitCode.ShouldBe(1);
        again.ErrorLines.ShouldHaveSingleItem().ShouldContain("already holds a ledger");
    }

    public void Dispose() => _temp.Dispose();
}
