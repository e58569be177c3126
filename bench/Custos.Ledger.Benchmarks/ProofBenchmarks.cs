using BenchmarkDotNet.Attributes;
using Custos.Ledger.Hashing;
using Custos.Ledger.Log;
using Custos.Ledger.Storage;
using Custos.Ledger.Storage.Memory;
using Custos.Ledger.Tree;

namespace Custos.Ledger.Benchmarks;

/// <summary>
/// One inclusion proof (plan, one batched read of the ~24 subtree hashes it needs, folding) in a
/// log of ten million entries, at a random index, against the full tree.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class ProofBenchmarks
{
    private const long Size = 10_000_000;

    private MerkleLog? _log;
    private long _next = 1;

    [GlobalSetup]
    public void Setup()
    {
        var store = new MemoryLedgerStore();
        store.CreateAsync(new LedgerMetadata("bench", "")).GetAwaiter().GetResult();
        Fill(store, Size);
        _log = MerkleLog.OpenAsync(store, new MerkleLogOptions { OwnsStore = true }).GetAwaiter().GetResult();
    }

    /// <summary>Writes <paramref name="size"/> small entries in large batches, straight to the store.</summary>
    internal static void Fill(ILedgerStore store, long size, Func<long, byte[]>? entry = null)
    {
        var range = new CompactRange();
        const int Batch = 65_536;
        while (range.Size < size)
        {
            var first = range.Size;
            var leaves = new List<LeafRecord>(Batch);
            var nodes = new List<KeyValuePair<NodeId, byte[]>>(Batch);
            for (var i = 0; i < Batch && range.Size < size; i++)
            {
                var bytes = entry?.Invoke(range.Size) ?? BitConverter.GetBytes(range.Size);
                var hash = Rfc9162.HashLeaf(bytes);
                leaves.Add(new LeafRecord(range.Size, bytes, hash));
                range.Append(hash, (id, h) => nodes.Add(new(id, h)));
            }
            store.AppendAsync(new AppendBatch(first, leaves, nodes)).GetAwaiter().GetResult();
        }
    }

    [Benchmark(Description = "inclusion proof at 10M entries (memory store)")]
    public async Task<int> InclusionProof()
    {
        // A multiplicative walk over the indexes: every call a different leaf, no cache help.
        _next = (_next * 6_364_136_223_846_793_005L + 1_442_695_040_888_963_407L) & long.MaxValue;
        var proof = await _log!.ProveInclusionAsync(_next % Size, Size);
        return proof.Hashes.Count;
    }

    [GlobalCleanup]
    public void Cleanup() => _log!.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
