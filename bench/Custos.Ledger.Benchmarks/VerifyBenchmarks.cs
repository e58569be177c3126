using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Custos.Ledger.Log;
using Custos.Ledger.Notes;
using Custos.Ledger.Storage;
using Custos.Ledger.Storage.Sqlite;
using Custos.Ledger.Verification;

namespace Custos.Ledger.Benchmarks;

/// <summary>
/// <c>custos ledger verify</c>'s work on a SQLite ledger of one million 300-byte entries: read
/// every entry, re-hash it, rebuild the tree, compare every stored node, check the checkpoint.
/// Also an inclusion proof from that SQLite file, for comparison with the memory store.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class VerifyBenchmarks
{
    private const long Size = 1_000_000;

    private string _directory = "";
    private SqliteLedgerStore? _store;
    private MerkleLog? _log;
    private NoteSigner? _signer;
    private long _next = 1;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("custos-bench-").FullName;
        var path = Path.Combine(_directory, "verify.db");
        _signer = NoteSigner.Generate("bench");
        var store = SqliteLedgerStore.ForCreate(path);
        store.CreateAsync(new LedgerMetadata("bench", _signer.VerifierKey)).GetAwaiter().GetResult();
        ProofBenchmarks.Fill(store, Size, Entries.Decision);
        var log = MerkleLog.OpenAsync(store, new MerkleLogOptions { OwnsStore = true }).GetAwaiter().GetResult();
        log.SignCheckpointAsync(_signer).GetAwaiter().GetResult();
        log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store = SqliteLedgerStore.Open(path);
        _log = MerkleLog.OpenAsync(SqliteLedgerStore.Open(path), new MerkleLogOptions { OwnsStore = true }).GetAwaiter().GetResult();
    }

    [Benchmark(Description = "verify 1M entries (SQLite)")]
    public async Task<long> Verify()
    {
        var result = await LedgerVerifier.VerifyAsync(_store!, _signer!.Verifier);
        return result.Ok ? result.Size : throw new InvalidOperationException(result.Problem);
    }

    [Benchmark(OperationsPerInvoke = 10_000, Description = "inclusion proof at 1M entries (SQLite)")]
    public async Task<int> InclusionProof()
    {
        var total = 0;
        for (var i = 0; i < 10_000; i++)
        {
            _next = (_next * 6_364_136_223_846_793_005L + 1_442_695_040_888_963_407L) & long.MaxValue;
            total += (await _log!.ProveInclusionAsync(_next % Size, Size)).Hashes.Count;
        }
        return total;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _log!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _signer!.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
