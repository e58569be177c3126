using Custos.Ledger.Tree;

namespace Custos.Ledger.Storage;

/// <summary>
/// Where a log keeps its entries, the hashes of its perfect subtrees and its signed
/// checkpoints. Every store passes the same test suite; a store adds durability and nothing
/// else: the tree's arithmetic lives in <see cref="Log.MerkleLog"/>.
/// </summary>
/// <remarks>
/// Level-0 nodes are the leaf hashes, kept beside their entries; interior nodes (level ≥ 1)
/// are written once, in the batch that completes them, and never change. A batch is one
/// atomic, durable write: after a crash a store holds whole batches only, so its tree always
/// agrees with its entries.
/// </remarks>
public interface ILedgerStore : IAsyncDisposable
{
    /// <summary>Names the store for messages (a file path, a database), without secrets.</summary>
    string Description { get; }

    /// <summary>Creates the store's schema and records who the log is. Fails if it already holds a log.</summary>
    Task CreateAsync(LedgerMetadata metadata, CancellationToken cancellation = default);

    /// <summary>Who the log is; <see cref="LedgerStoreException"/> if the store holds no log.</summary>
    Task<LedgerMetadata> ReadMetadataAsync(CancellationToken cancellation = default);

    /// <summary>The number of durable entries.</summary>
    Task<long> ReadSizeAsync(CancellationToken cancellation = default);

    /// <summary>
    /// Writes a batch atomically and durably: when this returns, every entry of it survives a
    /// crash. Throws <see cref="LedgerConflictException"/>, writing nothing, if the store's size
    /// is not <see cref="AppendBatch.FirstIndex"/> (another writer got there first).
    /// </summary>
    Task AppendAsync(AppendBatch batch, CancellationToken cancellation = default);

    /// <summary>
    /// Whether the store takes appends again after one failed, without appending: commits a
    /// transaction that writes an entry where no index can be (-1) and deletes it, so it meets
    /// what an append meets (a lost connection, a read-only database, a full disk, a trigger)
    /// and leaves the log as it was. Throws <see cref="LedgerStoreException"/> if it fails.
    /// </summary>
    Task ProbeAppendAsync(CancellationToken cancellation = default);

    /// <summary>The hashes of complete perfect subtrees, in the order asked.</summary>
    Task<IReadOnlyList<byte[]>> ReadNodesAsync(IReadOnlyList<NodeId> ids, CancellationToken cancellation = default);

    /// <summary>The stored interior nodes of one level with index in <c>[startIndex, endIndex)</c>, by index; missing ones are absent.</summary>
    Task<IReadOnlyList<StoredNode>> ReadNodeRangeAsync(int level, long startIndex, long endIndex, CancellationToken cancellation = default);

    /// <summary>The exact bytes of entry <paramref name="index"/>.</summary>
    Task<byte[]> ReadEntryAsync(long index, CancellationToken cancellation = default);

    /// <summary>Entries <c>[startIndex, endIndex)</c> with their stored leaf hashes, by index, as stored (a missing index is simply absent).</summary>
    IAsyncEnumerable<LeafRecord> ReadLeavesAsync(long startIndex, long endIndex, CancellationToken cancellation = default);

    /// <summary>Keeps a signed checkpoint note of the tree of <paramref name="size"/> entries.</summary>
    Task SaveCheckpointAsync(long size, string note, CancellationToken cancellation = default);

    /// <summary>The note of the largest tree a checkpoint was signed for, if any.</summary>
    Task<string?> ReadLatestCheckpointAsync(CancellationToken cancellation = default);
}

/// <summary>
/// A store that several writers (processes, nodes) append to at once. Rather than fail a writer
/// that is behind (<see cref="LedgerConflictException"/>), it places the writer's batch at the
/// log's end as it stands under the store's write lock, which all writers share.
/// </summary>
public interface ISequencingLedgerStore : ILedgerStore
{
    /// <summary>
    /// Takes the write lock, reads the log's size, lays out the batch there with
    /// <paramref name="layout"/> and writes it, atomically and durably, before releasing the
    /// lock. Returns the batch as written.
    /// </summary>
    Task<AppendBatch> AppendAtEndAsync(BatchLayout layout, CancellationToken cancellation = default);
}

/// <summary>
/// Lays a batch out after the first <paramref name="size"/> entries; <paramref name="readNodes"/>
/// reads stored subtree hashes (the right border) under the same lock, when the writer's own
/// border is stale.
/// </summary>
public delegate Task<AppendBatch> BatchLayout(long size, Func<IReadOnlyList<NodeId>, Task<IReadOnlyList<byte[]>>> readNodes);

/// <summary>Who a log is: its origin (the name its checkpoints carry) and the key that signs them.</summary>
public sealed record LedgerMetadata(string Origin, string VerifierKey);

/// <summary>One entry: its index, the exact bytes that were hashed, and its leaf hash.</summary>
public sealed record LeafRecord(long Index, byte[] Entry, byte[] LeafHash);

/// <summary>A stored interior node.</summary>
public readonly record struct StoredNode(long Index, byte[] Hash);

/// <summary>Consecutive entries starting at <paramref name="FirstIndex"/>, and the interior nodes they complete.</summary>
public sealed record AppendBatch(long FirstIndex, IReadOnlyList<LeafRecord> Leaves, IReadOnlyList<KeyValuePair<NodeId, byte[]>> Nodes);
