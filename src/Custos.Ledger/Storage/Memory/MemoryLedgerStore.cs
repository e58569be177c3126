using System.Runtime.CompilerServices;
using Custos.Ledger.Hashing;
using Custos.Ledger.Tree;

namespace Custos.Ledger.Storage.Memory;

/// <summary>
/// A store in process memory, for tests and benchmarks: durable only as long as the process.
/// Hashes are packed into large arrays per level, so that ten million entries cost about
/// 64 bytes of hashes each rather than an object per node.
/// </summary>
public sealed class MemoryLedgerStore : ILedgerStore
{
    private readonly Lock _lock = new();
    private readonly List<byte[]> _entries = [];
    private readonly List<HashColumn> _levels = [];
    private readonly SortedDictionary<long, string> _checkpoints = [];
    private LedgerMetadata? _metadata;

    public string Description => "in-memory store";

    public Task CreateAsync(LedgerMetadata metadata, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        lock (_lock)
        {
            if (_metadata is not null)
            {
                throw new LedgerStoreException("The in-memory store already holds a ledger.");
            }
            _metadata = metadata;
        }
        return Task.CompletedTask;
    }

    public Task<LedgerMetadata> ReadMetadataAsync(CancellationToken cancellation = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_metadata ?? throw new LedgerStoreException("The in-memory store holds no ledger."));
        }
    }

    public Task<long> ReadSizeAsync(CancellationToken cancellation = default)
    {
        lock (_lock)
        {
            return Task.FromResult((long)_entries.Count);
        }
    }

    public Task AppendAsync(AppendBatch batch, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_lock)
        {
            if (batch.FirstIndex != _entries.Count)
            {
                throw new LedgerConflictException($"The batch starts at {batch.FirstIndex} but the store holds {_entries.Count} entries.");
            }
            foreach (var leaf in batch.Leaves)
            {
                _entries.Add(leaf.Entry);
                Level(0).Add(leaf.Index, leaf.LeafHash);
            }
            foreach (var (id, hash) in batch.Nodes)
            {
                Level(id.Level).Add(id.Index, hash);
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>Memory never refuses an append.</summary>
    public Task ProbeAppendAsync(CancellationToken cancellation = default) => Task.CompletedTask;

    public Task<IReadOnlyList<byte[]>> ReadNodesAsync(IReadOnlyList<NodeId> ids, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var hashes = new byte[ids.Count][];
        lock (_lock)
        {
            for (var i = 0; i < ids.Count; i++)
            {
                var id = ids[i];
                if (id.Level >= _levels.Count || !_levels[id.Level].TryGet(id.Index, out hashes[i]))
                {
                    throw new LedgerStoreException($"The store has no node at {id}.");
                }
            }
        }
        return Task.FromResult<IReadOnlyList<byte[]>>(hashes);
    }

    public Task<IReadOnlyList<StoredNode>> ReadNodeRangeAsync(int level, long startIndex, long endIndex, CancellationToken cancellation = default)
    {
        var nodes = new List<StoredNode>();
        lock (_lock)
        {
            if (level < _levels.Count)
            {
                for (var i = startIndex; i < endIndex; i++)
                {
                    if (_levels[level].TryGet(i, out var hash))
                    {
                        nodes.Add(new StoredNode(i, hash));
                    }
                }
            }
        }
        return Task.FromResult<IReadOnlyList<StoredNode>>(nodes);
    }

    public Task<byte[]> ReadEntryAsync(long index, CancellationToken cancellation = default)
    {
        lock (_lock)
        {
            if (index < 0 || index >= _entries.Count)
            {
                throw new LedgerRangeException($"There is no entry {index}: the log holds {_entries.Count}.");
            }
            return Task.FromResult((byte[])_entries[(int)index].Clone());
        }
    }

    public async IAsyncEnumerable<LeafRecord> ReadLeavesAsync(long startIndex, long endIndex, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        // No entry has a negative index: like the other stores, such a start reads from 0.
        for (var i = Math.Max(0, startIndex); i < endIndex; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            LeafRecord record;
            lock (_lock)
            {
                if (i >= _entries.Count)
                {
                    yield break;
                }
                _levels[0].TryGet(i, out var hash);
                record = new LeafRecord(i, (byte[])_entries[(int)i].Clone(), hash!);
            }
            yield return record;
        }
        await Task.CompletedTask;
    }

    public Task SaveCheckpointAsync(long size, string note, CancellationToken cancellation = default)
    {
        lock (_lock)
        {
            _checkpoints.TryAdd(size, note);
        }
        return Task.CompletedTask;
    }

    public Task<string?> ReadLatestCheckpointAsync(CancellationToken cancellation = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_checkpoints.Count == 0 ? null : _checkpoints.Last().Value);
        }
    }

    /// <summary>Test hook: overwrites an entry's bytes as an attacker with write access to the store could.</summary>
    internal void TamperWithEntry(long index, byte[] entry)
    {
        lock (_lock)
        {
            _entries[(int)index] = entry;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private HashColumn Level(int level)
    {
        while (_levels.Count <= level)
        {
            _levels.Add(new HashColumn());
        }
        return _levels[level];
    }

    /// <summary>The hashes of one level, index by index, in chunks of 4096.</summary>
    private sealed class HashColumn
    {
        private const int ChunkHashes = 4096;
        private readonly List<byte[]> _chunks = [];

        public long Count { get; private set; }

        public void Add(long index, byte[] hash)
        {
            if (index != Count)
            {
                throw new InvalidOperationException($"Nodes of a level are written in order: expected index {Count}, got {index}.");
            }
            var offset = (int)(index % ChunkHashes) * Rfc9162.HashSize;
            if (offset == 0)
            {
                _chunks.Add(new byte[ChunkHashes * Rfc9162.HashSize]);
            }
            hash.CopyTo(_chunks[^1], offset);
            Count++;
        }

        public bool TryGet(long index, out byte[] hash)
        {
            if (index < 0 || index >= Count)
            {
                hash = [];
                return false;
            }
            var offset = (int)(index % ChunkHashes) * Rfc9162.HashSize;
            hash = _chunks[(int)(index / ChunkHashes)].AsSpan(offset, Rfc9162.HashSize).ToArray();
            return true;
        }
    }
}
