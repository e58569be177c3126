using System.Collections.Concurrent;
using System.Text;
using Custos.Ledger.Checkpoints;
using Custos.Ledger.Hashing;
using Custos.Ledger.Log;
using Custos.Ledger.Notes;
using Custos.Ledger.Proofs;
using Custos.Ledger.Storage;
using Custos.Ledger.Tests.Support;
using Custos.Ledger.Tree;
using Custos.Ledger.Verification;

namespace Custos.Ledger.Tests.Storage;

/// <summary>
/// The one suite every store passes (tessera's habit: backends differ only in durability).
/// Each store's test class supplies fresh empty stores and second handles on the same store.
/// </summary>
public abstract class LedgerStoreSuite
{
    protected const string Origin = "test.custos/ledger";

    /// <summary>A new, empty store of this kind.</summary>
    protected abstract Task<ILedgerStore> NewStoreAsync();

    /// <summary>Another handle on the same store, as a second process or node would open it.</summary>
    protected abstract Task<ILedgerStore> ReopenAsync(ILedgerStore store);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_log_is_empty_with_the_empty_root_and_remembers_who_it_is()
    {
        await using var store = await NewStoreAsync();
        using var signer = NoteSigner.Generate(Origin);
        await using var log = await MerkleLog.CreateAsync(store, new LedgerMetadata(Origin, signer.VerifierKey), cancellation: Cancel);

        log.Size.ShouldBe(0);
        log.Head.RootHash.ShouldBe(Rfc9162.EmptyRoot);
        (await store.ReadSizeAsync(Cancel)).ShouldBe(0);
        (await store.ReadMetadataAsync(Cancel)).ShouldBe(new LedgerMetadata(Origin, signer.VerifierKey));
        (await store.ReadLatestCheckpointAsync(Cancel)).ShouldBeNull();
    }

    [Fact]
    public async Task Creating_a_log_twice_in_one_store_is_refused()
    {
        await using var store = await NewStoreAsync();
        await using var log = await MerkleLog.CreateAsync(store, new LedgerMetadata(Origin, ""), cancellation: Cancel);

        await Should.ThrowAsync<LedgerStoreException>(() => store.CreateAsync(new LedgerMetadata("other", ""), Cancel));
    }

    [Fact]
    public async Task Entries_are_stored_canonicalised_and_read_back_byte_for_byte()
    {
        await using var store = await NewStoreAsync();
        await using var log = await MerkleLog.CreateAsync(store, new LedgerMetadata(Origin, ""), cancellation: Cancel);

        var index = await log.AppendAsync(Encoding.UTF8.GetBytes("""{ "b": 1.50, "a": "é\n" }"""), Cancel);

        index.ShouldBe(0);
        Encoding.UTF8.GetString(await log.ReadEntryAsync(0, Cancel)).ShouldBe("{\"a\":\"é\\n\",\"b\":1.5}");
        await Should.ThrowAsync<LedgerRangeException>(() => log.ReadEntryAsync(1, Cancel));
    }

    [Fact]
    public async Task An_append_probe_commits_and_leaves_the_log_as_it_was()
    {
        await using var store = await NewStoreAsync();
        await using var log = await MerkleLog.CreateAsync(store, new LedgerMetadata(Origin, ""), cancellation: Cancel);
        await log.AppendAsync(Encoding.UTF8.GetBytes("{\"n\":0}"), Cancel);
        await log.AppendAsync(Encoding.UTF8.GetBytes("{\"n\":1}"), Cancel);
        var before = await log.RootAsync(2, Cancel);

        await store.ProbeAppendAsync(Cancel);
        await store.ProbeAppendAsync(Cancel);

        (await store.ReadSizeAsync(Cancel)).ShouldBe(2);
        var leaves = new List<LeafRecord>();
        await foreach (var leaf in store.ReadLeavesAsync(-1, 10, Cancel))
        {
            leaves.Add(leaf);
        }
        leaves.Select(l => l.Index).ShouldBe([0L, 1]);
        await using var second = await ReopenAsync(store);
        await using var reopened = await MerkleLog.OpenAsync(second, cancellation: Cancel);
        reopened.Head.RootHash.ShouldBe(before);
        (await log.AppendAsync(Encoding.UTF8.GetBytes("{\"n\":2}"), Cancel)).ShouldBe(2);
    }

    [Fact]
    public async Task Roots_and_proofs_for_every_size_match_rfc_9162_and_verify()
    {
        await using var store = await NewStoreAsync();
        await using var log = await MerkleLog.CreateAsync(store, new LedgerMetadata(Origin, ""), cancellation: Cancel);
        var entries = new List<byte[]>();
        for (var i = 0; i < 19; i++)
        {
            // One at a time, so that every size is a batch boundary somewhere.
            await log.AppendAsync(Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"), Cancel);
            entries.Add(Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"));
        }

        for (var size = 1; size <= entries.Count; size++)
        {
            var root = await log.RootAsync(size, Cancel);
            root.ShouldBe(ReferenceTree.Root(entries, 0, size), $"root of {size}");
            for (var index = 0; index < size; index++)
            {
                var proof = await log.ProveInclusionAsync(index, size, Cancel);
                proof.Hashes.ShouldBe(ReferenceTree.Path(entries, index, 0, size));
                ProofVerifier.VerifyInclusion((ulong)index, (ulong)size, Rfc9162.HashLeaf(entries[index]), proof.Hashes, root);
            }
            for (var size1 = 1; size1 <= size; size1++)
            {
                var proof = await log.ProveConsistencyAsync(size1, size, Cancel);
                proof.Hashes.ShouldBe(ReferenceTree.Consistency(entries, size1, size));
                ProofVerifier.VerifyConsistency((ulong)size1, (ulong)size, await log.RootAsync(size1, Cancel), root, proof.Hashes);
            }
        }
    }

    [Fact]
    public async Task Concurrent_appenders_share_durable_batches_and_get_distinct_indexes()
    {
        var counting = new CountingStore(await NewStoreAsync());
        await using var store = counting;
        await using var log = await MerkleLog.CreateAsync(store, new LedgerMetadata(Origin, ""), cancellation: Cancel);
        const int appenders = 32;
        const int perAppender = 25;
        var appended = new ConcurrentDictionary<long, string>();

        await Task.WhenAll(Enumerable.Range(0, appenders).Select(a => Task.Run(async () =>
        {
            for (var i = 0; i < perAppender; i++)
            {
                var entry = $"{{\"appender\":{a},\"i\":{i}}}";
                var index = await log.AppendAsync(Encoding.UTF8.GetBytes(entry), Cancel);
                appended.TryAdd(index, entry).ShouldBeTrue($"index {index} was handed out twice");
            }
        }, Cancel)));

        appended.Keys.Order().ShouldBe(Enumerable.Range(0, appenders * perAppender).Select(i => (long)i));
        counting.Batches.ShouldBeLessThan(appenders * perAppender, "appends waiting together share one commit");
        foreach (var (index, entry) in appended)
        {
            Encoding.UTF8.GetString(await log.ReadEntryAsync(index, Cancel)).ShouldBe(entry);
        }
        var entries = appended.OrderBy(p => p.Key).Select(p => Encoding.UTF8.GetBytes(p.Value)).ToList();
        log.Head.RootHash.ShouldBe(ReferenceTree.Root(entries, 0, entries.Count));
    }

    [Fact]
    public async Task A_reopened_log_continues_where_it_stopped()
    {
        await using var store = await NewStoreAsync();
        var entries = new List<byte[]>();
        await using (var log = await MerkleLog.CreateAsync(store, new LedgerMetadata(Origin, ""), cancellation: Cancel))
        {
            foreach (var i in Enumerable.Range(0, 13))
            {
                entries.Add(Encoding.UTF8.GetBytes($"[{i}]"));
            }
            await log.AppendAllAsync(entries.Select(e => (ReadOnlyMemory<byte>)e), Cancel);
        }

        await using var second = await ReopenAsync(store);
        await using var reopened = await MerkleLog.OpenAsync(second, cancellation: Cancel);
        reopened.Size.ShouldBe(13);
        reopened.Head.RootHash.ShouldBe(ReferenceTree.Root(entries, 0, 13));

        (await reopened.AppendAsync("[13]"u8.ToArray(), Cancel)).ShouldBe(13);
        entries.Add("[13]"u8.ToArray());
        reopened.Head.RootHash.ShouldBe(ReferenceTree.Root(entries, 0, 14));
        (await reopened.RootAsync(13, Cancel)).ShouldBe(ReferenceTree.Root(entries, 0, 13));
    }

    [Fact]
    public async Task Two_writers_on_one_store_interleave_without_losing_or_reusing_an_index()
    {
        await using var store = await NewStoreAsync();
        await using var first = await MerkleLog.CreateAsync(store, new LedgerMetadata(Origin, ""), cancellation: Cancel);
        await using var otherStore = await ReopenAsync(store);
        await using var second = await MerkleLog.OpenAsync(otherStore, cancellation: Cancel);

        var indexes = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            indexes.Add(await first.AppendAsync(Encoding.UTF8.GetBytes($"{{\"w\":1,\"i\":{i}}}"), Cancel));
            indexes.Add(await second.AppendAsync(Encoding.UTF8.GetBytes($"{{\"w\":2,\"i\":{i}}}"), Cancel));
        }

        indexes.ShouldBe(Enumerable.Range(0, 12).Select(i => (long)i));
        using var signer = NoteSigner.Generate(Origin);
        await first.SignCheckpointAsync(signer, Cancel);
        (await LedgerVerifier.VerifyAsync(store, signer.Verifier, Cancel)).Ok.ShouldBeTrue();
    }

    [Fact]
    public async Task The_latest_checkpoint_is_kept_and_the_whole_store_verifies()
    {
        await using var store = await NewStoreAsync();
        using var signer = NoteSigner.Generate(Origin);
        await using var log = await MerkleLog.CreateAsync(store, new LedgerMetadata(Origin, signer.VerifierKey), cancellation: Cancel);
        await log.SignCheckpointAsync(signer, Cancel);
        await log.AppendAllAsync(Enumerable.Range(0, 300).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{{\"i\":{i}}}")), Cancel);
        var signed = await log.SignCheckpointAsync(signer, Cancel);
        await log.AppendAsync("{\"after\":true}"u8.ToArray(), Cancel);

        var note = await store.ReadLatestCheckpointAsync(Cancel);
        note.ShouldBe(signed.Note);
        var checkpoint = Checkpoint.Open(note!, signer.Verifier);
        checkpoint.Size.ShouldBe(300);
        checkpoint.RootHash.ShouldBe(await log.RootAsync(300, Cancel));

        var result = await LedgerVerifier.VerifyAsync(store, signer.Verifier, Cancel);
        result.Problem.ShouldBeNull();
        result.Ok.ShouldBeTrue();
        result.Size.ShouldBe(301);
        result.CheckpointSize.ShouldBe(300);
    }

    [Fact]
    public async Task Verification_with_another_key_fails()
    {
        await using var store = await NewStoreAsync();
        using var signer = NoteSigner.Generate(Origin);
        using var impostor = NoteSigner.Generate(Origin);
        await using var log = await MerkleLog.CreateAsync(store, new LedgerMetadata(Origin, signer.VerifierKey), cancellation: Cancel);
        await log.AppendAsync("1"u8.ToArray(), Cancel);
        await log.SignCheckpointAsync(signer, Cancel);

        var result = await LedgerVerifier.VerifyAsync(store, impostor.Verifier, Cancel);

        result.Ok.ShouldBeFalse();
        result.Problem!.ShouldContain("checkpoint");
    }

    [Fact]
    public async Task Only_the_ledgers_own_key_signs_its_checkpoints()
    {
        await using var store = await NewStoreAsync();
        using var signer = NoteSigner.Generate(Origin);
        using var impostor = NoteSigner.Generate(Origin);
        await using var log = await MerkleLog.CreateAsync(store, new LedgerMetadata(Origin, signer.VerifierKey), cancellation: Cancel);

        await Should.ThrowAsync<LedgerStoreException>(() => log.SignCheckpointAsync(impostor, Cancel));

        (await store.ReadLatestCheckpointAsync(Cancel)).ShouldBeNull();
    }

    [Fact]
    public async Task Indexes_and_sizes_the_log_does_not_have_are_range_errors()
    {
        await using var store = await NewStoreAsync();
        await using var log = await MerkleLog.CreateAsync(store, new LedgerMetadata(Origin, ""), cancellation: Cancel);
        await log.AppendAllAsync(Enumerable.Range(0, 5).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{i}")), Cancel);

        await Should.ThrowAsync<LedgerRangeException>(() => log.ProveInclusionAsync(5, 5, Cancel));
        await Should.ThrowAsync<LedgerRangeException>(() => log.ProveInclusionAsync(0, 6, Cancel));
        await Should.ThrowAsync<LedgerRangeException>(() => log.ProveInclusionAsync(-1, 3, Cancel));
        await Should.ThrowAsync<LedgerRangeException>(() => log.ProveConsistencyAsync(4, 3, Cancel));
        await Should.ThrowAsync<LedgerRangeException>(() => log.ProveConsistencyAsync(0, 3, Cancel));
        await Should.ThrowAsync<LedgerRangeException>(() => log.ProveConsistencyAsync(2, 6, Cancel));
        await Should.ThrowAsync<LedgerRangeException>(() => log.RootAsync(6, Cancel));
        (await log.ProveConsistencyAsync(3, 3, Cancel)).Hashes.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_batch_that_does_not_start_at_the_stored_size_writes_nothing()
    {
        await using var store = await NewStoreAsync();
        await store.CreateAsync(new LedgerMetadata(Origin, ""), Cancel);
        var leaf = new LeafRecord(1, "1"u8.ToArray(), Rfc9162.HashLeaf("1"u8));

        await Should.ThrowAsync<LedgerConflictException>(() => store.AppendAsync(new AppendBatch(1, [leaf], []), Cancel));

        (await store.ReadSizeAsync(Cancel)).ShouldBe(0);
    }

    [Fact]
    public async Task A_bad_entry_among_many_appends_nothing()
    {
        await using var store = await NewStoreAsync();
        await using var log = await MerkleLog.CreateAsync(store, new LedgerMetadata(Origin, ""), cancellation: Cancel);

        await Should.ThrowAsync<Custos.Ledger.Json.CanonicalJsonException>(() => log.AppendAllAsync(["1"u8.ToArray(), "{oops"u8.ToArray()], Cancel));

        (await store.ReadSizeAsync(Cancel)).ShouldBe(0);
    }

    [Fact]
    public async Task Stored_nodes_are_the_perfect_subtrees_of_the_entries()
    {
        await using var store = await NewStoreAsync();
        await using var log = await MerkleLog.CreateAsync(store, new LedgerMetadata(Origin, ""), cancellation: Cancel);
        var entries = Enumerable.Range(0, 8).Select(i => Encoding.UTF8.GetBytes($"{i}")).ToList();
        await log.AppendAllAsync(entries.Select(e => (ReadOnlyMemory<byte>)e), Cancel);

        var nodes = await store.ReadNodesAsync([new NodeId(0, 5), new NodeId(1, 2), new NodeId(2, 1), new NodeId(3, 0)], Cancel);

        nodes[0].ShouldBe(Rfc9162.HashLeaf(entries[5]));
        nodes[1].ShouldBe(ReferenceTree.Root(entries, 4, 6));
        nodes[2].ShouldBe(ReferenceTree.Root(entries, 4, 8));
        nodes[3].ShouldBe(ReferenceTree.Root(entries, 0, 8));
        (await store.ReadNodeRangeAsync(1, 0, 10, Cancel)).Select(n => n.Index).ShouldBe([0L, 1, 2, 3]);
        await Should.ThrowAsync<LedgerStoreException>(() => store.ReadNodesAsync([new NodeId(4, 0)], Cancel));
    }

    /// <summary>Counts durable writes, to see group commit at work.</summary>
    private sealed class CountingStore(ILedgerStore inner) : ILedgerStore
    {
        private int _batches;

        public int Batches => _batches;

        public string Description => inner.Description;

        public Task AppendAsync(AppendBatch batch, CancellationToken cancellation = default)
        {
            Interlocked.Increment(ref _batches);
            return inner.AppendAsync(batch, cancellation);
        }

        public Task CreateAsync(LedgerMetadata metadata, CancellationToken cancellation = default) => inner.CreateAsync(metadata, cancellation);

        public Task ProbeAppendAsync(CancellationToken cancellation = default) => inner.ProbeAppendAsync(cancellation);

        public Task<LedgerMetadata> ReadMetadataAsync(CancellationToken cancellation = default) => inner.ReadMetadataAsync(cancellation);

        public Task<long> ReadSizeAsync(CancellationToken cancellation = default) => inner.ReadSizeAsync(cancellation);

        public Task<IReadOnlyList<byte[]>> ReadNodesAsync(IReadOnlyList<NodeId> ids, CancellationToken cancellation = default) => inner.ReadNodesAsync(ids, cancellation);

        public Task<IReadOnlyList<StoredNode>> ReadNodeRangeAsync(int level, long startIndex, long endIndex, CancellationToken cancellation = default) => inner.ReadNodeRangeAsync(level, startIndex, endIndex, cancellation);

        public Task<byte[]> ReadEntryAsync(long index, CancellationToken cancellation = default) => inner.ReadEntryAsync(index, cancellation);

        public IAsyncEnumerable<LeafRecord> ReadLeavesAsync(long startIndex, long endIndex, CancellationToken cancellation = default) => inner.ReadLeavesAsync(startIndex, endIndex, cancellation);

        public Task SaveCheckpointAsync(long size, string note, CancellationToken cancellation = default) => inner.SaveCheckpointAsync(size, note, cancellation);

        public Task<string?> ReadLatestCheckpointAsync(CancellationToken cancellation = default) => inner.ReadLatestCheckpointAsync(cancellation);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
