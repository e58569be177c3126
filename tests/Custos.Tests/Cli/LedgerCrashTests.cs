using System.Diagnostics;
using System.Text;
using Custos.Ledger.Json;
using Custos.Ledger.Log;
using Custos.Ledger.Notes;
using Custos.Ledger.Storage.Sqlite;
using Custos.Ledger.Verification;
using Custos.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Custos.Tests.Cli;

/// <summary>
/// Crash safety of the SQLite ledger: <c>custos ledger append</c> appends thousands of entries
/// and is killed with SIGKILL at a random moment, again and again on the same file. After every
/// kill, each index the child had printed (its promise of durability) must hold exactly its
/// entry, the entries present must be a prefix of what was sent, and the whole ledger must verify.
/// </summary>
public sealed class LedgerCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Runs = 24;
    private const int EntriesPerRun = 3000;

    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task No_acknowledged_entry_is_lost_and_the_tree_always_agrees_with_the_entries()
    {
        var store = _temp.Combine("crash.db");
        var verifier = NoteVerifier.Parse(await LedgerCli.InitAsync(store));
        var random = new Random(20260603);
        long size = 0;
        var killedMidway = 0;

        for (var run = 0; run < Runs; run++)
        {
            var lines = Enumerable.Range(0, EntriesPerRun)
                .Select(i => $"{{\"run\":{run},\"i\":{i},\"subject\":\"user:{random.Next(100000)}\",\"pad\":\"{new string('x', 200)}\"}}")
                .ToList();
            // Half the kills land at a random time from start-up on (before, during or after the
            // appends); half the moment a random number of acknowledgements has been read, that
            // is while the batches after it are being written.
            var killAtAck = run % 2 == 1 ? random.Next(1, EntriesPerRun) : (int?)null;
            var delay = TimeSpan.FromMilliseconds(killAtAck is null ? random.Next(0, 400) : 0);

            var acknowledged = await AppendAndKillAsync(store, lines, killAtAck, delay);

            await using var log = await MerkleLog.OpenAsync(SqliteLedgerStore.Open(store), new MerkleLogOptions { OwnsStore = true }, TestContext.Current.CancellationToken);
            var newSize = log.Size;
            var appended = newSize - size;
            appended.ShouldBeGreaterThanOrEqualTo(acknowledged.Count, $"run {run}: an acknowledged entry is missing");
            appended.ShouldBeLessThanOrEqualTo(EntriesPerRun);
            for (var i = 0; i < acknowledged.Count; i++)
            {
                acknowledged[i].ShouldBe(size + i, $"run {run}: indexes are printed in input order");
            }
            // Every entry present (acknowledged or not) is the next line sent, byte for byte.
            for (var i = 0L; i < appended; i++)
            {
                var bytes = await log.ReadEntryAsync(size + i, TestContext.Current.CancellationToken);
                bytes.ShouldBe(CanonicalJson.Canonicalize(lines[(int)i]), $"run {run}: entry {size + i}");
            }
            var verified = await LedgerVerifier.VerifyAsync(log.Store, verifier, TestContext.Current.CancellationToken);
            verified.Problem.ShouldBeNull($"run {run}");
            verified.Ok.ShouldBeTrue();

            // Killed with appends under way: some written or acknowledged, not all acknowledged.
            if (acknowledged.Count < EntriesPerRun && (acknowledged.Count > 0 || appended > 0))
            {
                killedMidway++;
            }
            output.WriteLine($"run {run}: killed {(killAtAck is { } k ? $"at acknowledgement {k}" : $"after {delay.TotalMilliseconds} ms")}; {acknowledged.Count} acknowledged, {appended} present");
            size = newSize;
        }

        output.WriteLine($"{killedMidway} of {Runs} kills landed while appends were under way; {size} entries in all");
        killedMidway.ShouldBeGreaterThan(0, "no kill landed while appends were under way; the test would prove nothing");
    }

    /// <summary>Feeds the lines to a child appender, SIGKILLs it, and returns the indexes it printed.</summary>
    internal static async Task<List<long>> AppendAndKillAsync(string store, List<string> lines, int? killAtAck, TimeSpan delay)
    {
        using var process = Process.Start(CustosProcess.StartInfo(["ledger", "append", "--store", store]))!;
        var acknowledged = new List<long>();
        var reading = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                acknowledged.Add(long.Parse(line, System.Globalization.CultureInfo.InvariantCulture));
                if (acknowledged.Count == killAtAck)
                {
                    Kill(process);
                }
            }
        });
        var errors = process.StandardError.ReadToEndAsync();

        var writing = Task.Run(async () =>
        {
            try
            {
                var input = new StringBuilder();
                foreach (var line in lines)
                {
                    input.Append(line).Append('\n');
                }
                await process.StandardInput.WriteAsync(input.ToString());
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // Killed before it read everything.
            }
        });

        if (killAtAck is null)
        {
            await Task.Delay(delay);
            Kill(process);
        }
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await writing;
        await reading;
        var stderr = await errors;
        if (process.ExitCode is not (0 or 137) && !stderr.Contains("Killed", StringComparison.Ordinal) && stderr.Length > 0)
        {
            throw new InvalidOperationException($"the appender failed on its own: {stderr}");
        }
        return acknowledged;
    }

    internal static void Kill(Process process)
    {
        try
        {
            process.Kill(); // SIGKILL: no chance to flush, close or roll back anything
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }
}
