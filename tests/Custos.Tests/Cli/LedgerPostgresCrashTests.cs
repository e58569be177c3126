using System.Text.Json;
using Custos.Ledger.Json;
using Custos.Ledger.Log;
using Custos.Ledger.Notes;
using Custos.Ledger.Storage.Postgres;
using Custos.Ledger.Verification;
using Custos.Testing;
using Custos.Tests.Support;

namespace Custos.Tests.Cli;

/// <summary>
/// Crash safety of the PostgreSQL ledger with several writers, as several nodes write it (issue
/// 15): three <c>custos ledger append</c> processes append to one database at once and each is
/// SIGKILLed after a random number of acknowledgements, round after round. After every round each index a child printed
/// (its promise of durability) holds exactly its entry, each child's entries present are a prefix
/// of what it sent, in order and once each, the indexes run 0..N-1 without a gap, and the whole
/// ledger verifies.
/// </summary>
public sealed class LedgerPostgresCrashTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>, IDisposable
{
    private const int Rounds = 8;
    private const int Writers = 3;
    private const int EntriesPerWriter = 1500;

    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task No_acknowledged_entry_is_lost_when_writers_sharing_the_log_are_killed()
    {
        var verifier = NoteVerifier.Parse(await LedgerCli.InitAsync(database.Url, "crash.custos/ledger", _temp.Combine("pg.key")));
        var random = new Random(20261206);
        var killedMidway = 0;
        var interleaved = 0;

        for (var round = 0; round < Rounds; round++)
        {
            var lines = Enumerable.Range(0, Writers)
                .Select(w => Enumerable.Range(0, EntriesPerWriter).Select(i => $"{{\"round\":{round},\"w\":{w},\"i\":{i},\"pad\":\"{new string('x', 200)}\"}}").ToList())
                .ToList();
            // Each writer is killed the moment a random number of its acknowledgements has been
            // read: while its later batches, and the other writers', are being written.
            var kills = Enumerable.Range(0, Writers)
                .Select(w => LedgerCrashTests.AppendAndKillAsync(database.Url, lines[w], random.Next(1, EntriesPerWriter), TimeSpan.Zero))
                .ToList();
            var acknowledged = await Task.WhenAll(kills);

            await using var log = await MerkleLog.OpenAsync(new PostgresLedgerStore(database.Url), new MerkleLogOptions { OwnsStore = true }, TestContext.Current.CancellationToken);
            var seen = new int[Writers];
            var writerAt = new Dictionary<long, (int Writer, int Line)>();
            var previousWriter = -1;
            await foreach (var leaf in log.Store.ReadLeavesAsync(0, log.Size, TestContext.Current.CancellationToken))
            {
                using var entry = JsonDocument.Parse(leaf.Entry);
                if (entry.RootElement.GetProperty("round").GetInt32() != round)
                {
                    continue;
                }
                var w = entry.RootElement.GetProperty("w").GetInt32();
                var i = entry.RootElement.GetProperty("i").GetInt32();
                i.ShouldBe(seen[w], $"round {round}, writer {w}: entry {leaf.Index} is out of order or a duplicate");
                leaf.Entry.ShouldBe(CanonicalJson.Canonicalize(lines[w][i]));
                seen[w]++;
                writerAt[leaf.Index] = (w, i);
                interleaved += previousWriter >= 0 && previousWriter != w ? 1 : 0;
                previousWriter = w;
            }
            for (var w = 0; w < Writers; w++)
            {
                for (var j = 0; j < acknowledged[w].Count; j++)
                {
                    writerAt.TryGetValue(acknowledged[w][j], out var at).ShouldBeTrue($"round {round}, writer {w}: acknowledged index {acknowledged[w][j]} is missing");
                    at.ShouldBe((w, j), $"round {round}, writer {w}: index {acknowledged[w][j]} holds another entry");
                }
                if (acknowledged[w].Count < EntriesPerWriter && seen[w] > 0)
                {
                    killedMidway++;
                }
            }
            var indexes = new List<long>();
            await foreach (var leaf in log.Store.ReadLeavesAsync(0, log.Size + 1, TestContext.Current.CancellationToken))
            {
                indexes.Add(leaf.Index);
            }
            indexes.ShouldBe(Enumerable.Range(0, indexes.Count).Select(i => (long)i), "indexes run 0..N-1 without a gap");
            indexes.Count.ShouldBe((int)log.Size);
            var verified = await LedgerVerifier.VerifyAsync(log.Store, verifier, TestContext.Current.CancellationToken);
            verified.Problem.ShouldBeNull($"round {round}");
            output.WriteLine($"round {round}: acknowledged {string.Join(", ", acknowledged.Select(a => a.Count))}; present {string.Join(", ", seen)}; {log.Size} entries in all");
        }

        output.WriteLine($"{Rounds * Writers} SIGKILLs, {killedMidway} while appends were under way; writers interleaved {interleaved} times");
        killedMidway.ShouldBeGreaterThan(Rounds, "too few kills landed while appends were under way; the test would prove little");
        interleaved.ShouldBeGreaterThan(0, "the writers never shared the log; the test would prove nothing about several nodes");
    }

    public void Dispose() => _temp.Dispose();
}
