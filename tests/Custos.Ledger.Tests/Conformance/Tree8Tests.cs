using System.Text.Json;
using Custos.Ledger.Hashing;
using Custos.Ledger.Proofs;
using Custos.Ledger.Storage;
using Custos.Ledger.Storage.Memory;
using Custos.Ledger.Tests.Support;
using Custos.Ledger.Tree;
using Custos.Testing;

namespace Custos.Ledger.Tests.Conformance;

/// <summary>
/// <c>tree8.json</c>: the eight leaves of transparency-dev/merkle and the tree head of every size
/// 0–8. The leaves are raw bytes, not JSON, so these tests drive the tree through the store
/// and compact range directly, as the log does.
/// </summary>
public sealed class Tree8Tests
{
    private static readonly JsonElement Vector = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Conformance, "merkle", "tree8.json"))).RootElement;

    private static IReadOnlyList<byte[]> Leaves => [.. Vector.GetProperty("leaf_inputs_hex").EnumerateArray().Select(h => Convert.FromHexString(h.GetString()!))];

    private static IReadOnlyList<byte[]> Roots => [.. Vector.GetProperty("root_hex_by_size").EnumerateArray().Select(h => Convert.FromHexString(h.GetString()!))];

    [Fact]
    public void The_compact_range_reproduces_every_tree_head()
    {
        var range = new CompactRange();
        range.Root().ShouldBe(Roots[0]);
        for (var size = 1; size <= 8; size++)
        {
            range.Append(Rfc9162.HashLeaf(Leaves[size - 1]));
            Convert.ToHexStringLower(range.Root()).ShouldBe(Convert.ToHexStringLower(Roots[size]), $"size {size}");
            ReferenceTree.Root(Leaves, 0, size).ShouldBe(Roots[size]);
        }
    }

    [Fact]
    public async Task Proofs_generated_from_a_store_match_rfc_9162_and_verify_for_every_size()
    {
        await using var log = await Tree8Log.BuildAsync(Leaves);
        for (var size = 1; size <= 8; size++)
        {
            (await log.RootAsync(size)).ShouldBe(Roots[size]);
            for (var index = 0; index < size; index++)
            {
                var proof = await log.InclusionAsync(index, size);
                proof.ShouldBe(ReferenceTree.Path(Leaves, index, 0, size), $"inclusion of {index} in {size}");
                ProofVerifier.VerifyInclusion((ulong)index, (ulong)size, Rfc9162.HashLeaf(Leaves[index]), proof, Roots[size]);
            }
            for (var size1 = 1; size1 <= size; size1++)
            {
                var proof = await log.ConsistencyAsync(size1, size);
                proof.ShouldBe(ReferenceTree.Consistency(Leaves, size1, size), $"consistency {size1} → {size}");
                ProofVerifier.VerifyConsistency((ulong)size1, (ulong)size, Roots[size1], Roots[size], proof);
            }
        }
    }

    /// <summary>A memory store filled with raw leaves, and the proof arithmetic the log uses.</summary>
    private sealed class Tree8Log : IAsyncDisposable
    {
        private readonly MemoryLedgerStore _store = new();

        public static async Task<Tree8Log> BuildAsync(IReadOnlyList<byte[]> leaves)
        {
            var log = new Tree8Log();
            var range = new CompactRange();
            var nodes = new List<KeyValuePair<NodeId, byte[]>>();
            var records = new List<LeafRecord>();
            foreach (var leaf in leaves)
            {
                var hash = Rfc9162.HashLeaf(leaf);
                records.Add(new LeafRecord(range.Size, leaf, hash));
                range.Append(hash, (id, h) => nodes.Add(new(id, h)));
            }
            await log._store.CreateAsync(new LedgerMetadata("tree8", ""));
            await log._store.AppendAsync(new AppendBatch(0, records, nodes));
            return log;
        }

        public async Task<byte[]> RootAsync(long size) => (await HashesAsync([new LeafRange(0, size)]))[0];

        public Task<List<byte[]>> InclusionAsync(long index, long size) => HashesAsync(ProofPlan.Inclusion(index, size));

        public Task<List<byte[]>> ConsistencyAsync(long size1, long size2) => HashesAsync(ProofPlan.Consistency(size1, size2));

        public ValueTask DisposeAsync() => _store.DisposeAsync();

        private async Task<List<byte[]>> HashesAsync(IReadOnlyList<LeafRange> ranges)
        {
            var result = new List<byte[]>();
            foreach (var range in ranges)
            {
                var hashes = await _store.ReadNodesAsync(range.PerfectSubtrees());
                var hash = hashes[^1];
                for (var i = hashes.Count - 2; i >= 0; i--)
                {
                    hash = Rfc9162.HashChildren(hashes[i], hash);
                }
                result.Add(hash);
            }
            return result;
        }
    }
}
