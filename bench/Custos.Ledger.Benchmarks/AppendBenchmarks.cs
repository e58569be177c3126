using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Custos.Ledger.Log;
using Custos.Ledger.Storage;
using Custos.Ledger.Storage.Memory;
using Custos.Ledger.Storage.Sqlite;

namespace Custos.Ledger.Benchmarks;

/// <summary>
/// Appends of 300-byte JSON entries through the public API (canonicalisation, leaf hashing,
/// group commit) by 64 concurrent appenders, each awaiting its own append before the next, as
/// request handlers would. One operation is one entry; each iteration appends 64 × 2,000 of them
/// to a fresh log.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
[MemoryDiagnoser]
public class AppendBenchmarks
{
    private const int Appenders = 64;
    private const int PerAppender = 2_000;
    private const int Total = Appenders * PerAppender;

    private byte[][] _entries = [];
    private string _directory = "";
    private MerkleLog? _log;

    [Params("memory", "sqlite")]
    public string Store { get; set; } = "memory";

    [GlobalSetup]
    public void Setup()
    {
        _entries = [.. Enumerable.Range(0, Total).Select(i => Entries.Decision(i))];
        _directory = Directory.CreateTempSubdirectory("custos-bench-").FullName;
    }

    [IterationSetup]
    public void NewLog()
    {
        ILedgerStore store = Store == "memory"
            ? new MemoryLedgerStore()
            : SqliteLedgerStore.ForCreate(Path.Combine(_directory, $"{Guid.NewGuid():n}.db"));
        _log = MerkleLog.CreateAsync(store, new LedgerMetadata("bench", ""), new MerkleLogOptions { OwnsStore = true }).GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void CloseLog() => _log!.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Total, Description = "append 300-byte entry, 64 concurrent appenders")]
    public async Task Append()
    {
        var log = _log!;
        await Task.WhenAll(Enumerable.Range(0, Appenders).Select(a => Task.Run(async () =>
        {
            for (var i = a; i < Total; i += Appenders)
            {
                await log.AppendAsync(_entries[i]);
            }
        })));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);
}
