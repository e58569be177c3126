using System.Diagnostics;
using System.Threading.Channels;
using Custos.Ledger.Checkpoints;
using Custos.Ledger.Hashing;
using Custos.Ledger.Json;
using Custos.Ledger.Notes;
using Custos.Ledger.Proofs;
using Custos.Ledger.Storage;
using Custos.Ledger.Tree;

namespace Custos.Ledger.Log;

/// <summary>
/// An append-only RFC 9162 Merkle log over an <see cref="ILedgerStore"/>: appends canonical
/// JSON entries with group commit, and answers tree heads, inclusion and consistency proofs
/// and signed checkpoints for any size it holds.
/// </summary>
/// <remarks>
/// <para>Group commit: appenders queue their entries and one writer drains the queue, writing
/// everything that arrived while the previous batch was committing as one atomic, durable
/// batch. Each append completes only once the batch holding it is durable, so a caller that
/// got an index back can rely on the entry surviving a crash; many appenders share each
/// fsync, which is what makes durable appends fast.</para>
/// <para>The writer keeps the tree's right border (<see cref="CompactRange"/>) in memory, so an
/// append reads nothing back. Proofs read O(log n) stored subtree hashes in one round trip.</para>
/// </remarks>
public sealed class MerkleLog : IAsyncDisposable
{
    private readonly ILedgerStore _store;
    private readonly MerkleLogOptions _options;
    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writer;
    private CompactRange _range;
    private TreeHead _head;
    private bool _needsReload;

    private MerkleLog(ILedgerStore store, LedgerMetadata metadata, CompactRange range, MerkleLogOptions options)
    {
        _store = store;
        _options = options;
        Metadata = metadata;
        _range = range;
        _head = new TreeHead(range.Size, range.Root());
        _writer = Task.Run(WriteLoopAsync);
    }

    public LedgerMetadata Metadata { get; }

    public string Origin => Metadata.Origin;

    public ILedgerStore Store => _store;

    /// <summary>The latest durable tree head this log wrote or saw.</summary>
    public TreeHead Head => Volatile.Read(ref _head);

    public long Size => Head.Size;

    /// <summary>Creates a new log in an empty store.</summary>
    public static async Task<MerkleLog> CreateAsync(ILedgerStore store, LedgerMetadata metadata, MerkleLogOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(metadata);
        if (!NoteKeys.IsValidName(metadata.Origin))
        {
            throw new ArgumentException($"'{metadata.Origin}' cannot be a log's origin: it must be non-empty, without spaces or '+'.", nameof(metadata));
        }
        await store.CreateAsync(metadata, cancellation);
        return new MerkleLog(store, metadata, new CompactRange(), options ?? new MerkleLogOptions());
    }

    /// <summary>Opens the log a store holds, reading its right border.</summary>
    public static async Task<MerkleLog> OpenAsync(ILedgerStore store, MerkleLogOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var metadata = await store.ReadMetadataAsync(cancellation);
        var range = await LoadRangeAsync(store, cancellation);
        return new MerkleLog(store, metadata, range, options ?? new MerkleLogOptions());
    }

    /// <summary>Canonicalises <paramref name="json"/> (RFC 8785), appends it, and returns its index once it is durable.</summary>
    /// <exception cref="CanonicalJsonException">The entry is not I-JSON; nothing was appended.</exception>
    /// <exception cref="LedgerAppendException">The entry could not be made durable.</exception>
    public Task<long> AppendAsync(ReadOnlyMemory<byte> json, CancellationToken cancellation = default) =>
        AppendCanonicalAsync(CanonicalJson.Canonicalize(json), cancellation);

    public Task<long> AppendAsync(System.Text.Json.JsonElement entry, CancellationToken cancellation = default) =>
        AppendCanonicalAsync(CanonicalJson.Canonicalize(entry), cancellation);

    /// <summary>
    /// Canonicalises every entry first, so that one bad entry appends nothing; then appends them
    /// in order and returns their indexes once all are durable. They may span several batches.
    /// </summary>
    public async Task<IReadOnlyList<long>> AppendAllAsync(IEnumerable<ReadOnlyMemory<byte>> entries, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var canonical = entries.Select(e => CanonicalJson.Canonicalize(e)).ToList();
        var appends = canonical.Select(e => AppendCanonicalAsync(e, cancellation)).ToList();
        return await Task.WhenAll(appends);
    }

    /// <summary>Appends bytes that are already canonical JSON; the caller vouches for that.</summary>
    internal Task<long> AppendCanonicalAsync(byte[] canonical, CancellationToken cancellation = default)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        if (canonical.Length > _options.MaxEntryBytes)
        {
            throw new LedgerAppendException($"The entry has {canonical.Length} bytes; the ledger takes at most {_options.MaxEntryBytes}.");
        }
        // Traced only when someone listens: the untraced path allocates no state machine.
        return LedgerTelemetry.Source.HasListeners()
            ? AppendTracedAsync(canonical, cancellation)
            : Enqueue(canonical, default, cancellation);
    }

    private Task<long> Enqueue(byte[] canonical, ActivityContext caller, CancellationToken cancellation)
    {
        var pending = new PendingAppend(canonical, Rfc9162.HashLeaf(canonical), caller, Stopwatch.GetTimestamp());
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);
        // Cancelling abandons the wait; the entry may still become durable if its batch had
        // already been taken.
        return cancellation.CanBeCanceled ? pending.Task.WaitAsync(cancellation) : pending.Task;
    }

    private async Task<long> AppendTracedAsync(byte[] canonical, CancellationToken cancellation)
    {
        using var activity = LedgerTelemetry.Source.StartActivity(LedgerTelemetry.AppendActivity);
        var index = await Enqueue(canonical, activity?.Context ?? default, cancellation);
        activity?.SetTag("custos.ledger.index", index);
        return index;
    }

    /// <summary>The entry's exact bytes, as hashed.</summary>
    public async Task<byte[]> ReadEntryAsync(long index, CancellationToken cancellation = default)
    {
        await RequireSizeAsync(index + 1, $"There is no entry {index}", cancellation);
        return await _store.ReadEntryAsync(index, cancellation);
    }

    /// <summary>
    /// The leaf hashes of entries <c>[start, end)</c>: with them anyone can rebuild the tree and
    /// check a checkpoint's root without reading an entry.
    /// </summary>
    public async Task<IReadOnlyList<byte[]>> ReadLeafHashesAsync(long start, long end, CancellationToken cancellation = default)
    {
        if (start < 0 || start > end)
        {
            throw new LedgerRangeException($"A range of entries needs 0 ≤ start ≤ end; got start {start} and end {end}.");
        }
        await RequireSizeAsync(end, $"There is no entry {end - 1}", cancellation);
        var ids = new NodeId[end - start];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = new NodeId(0, start + i);
        }
        return ids.Length == 0 ? [] : await _store.ReadNodesAsync(ids, cancellation);
    }

    /// <summary>The root hash of the tree of the first <paramref name="size"/> entries.</summary>
    public async Task<byte[]> RootAsync(long size, CancellationToken cancellation = default)
    {
        if (size < 0)
        {
            throw new LedgerRangeException($"A tree size is not negative; got {size}.");
        }
        var head = Head;
        if (size == head.Size)
        {
            return (byte[])head.RootHash.Clone();
        }
        if (size == 0)
        {
            return Rfc9162.EmptyRoot;
        }
        await RequireSizeAsync(size, $"There is no tree of size {size}", cancellation);
        var hashes = await ReadRangesAsync([new LeafRange(0, size)], cancellation);
        return hashes[0];
    }

    public async Task<InclusionProof> ProveInclusionAsync(long index, long size, CancellationToken cancellation = default)
    {
        if (index < 0 || index >= size)
        {
            throw new LedgerRangeException($"Entry {index} is not in a tree of size {size}.");
        }
        await RequireSizeAsync(size, $"There is no tree of size {size}", cancellation);
        var hashes = await ReadRangesAsync(ProofPlan.Inclusion(index, size), cancellation);
        return new InclusionProof(index, size, hashes);
    }

    public async Task<ConsistencyProof> ProveConsistencyAsync(long size1, long size2, CancellationToken cancellation = default)
    {
        if (size1 < 1 || size1 > size2)
        {
            throw new LedgerRangeException($"A consistency proof needs 1 ≤ from ≤ to; got from {size1} and to {size2}.");
        }
        await RequireSizeAsync(size2, $"There is no tree of size {size2}", cancellation);
        var hashes = await ReadRangesAsync(ProofPlan.Consistency(size1, size2), cancellation);
        return new ConsistencyProof(size1, size2, hashes);
    }

    /// <summary>Signs a checkpoint of the latest durable tree head, keeps it in the store and returns the note.</summary>
    public async Task<SignedCheckpoint> SignCheckpointAsync(NoteSigner signer, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(signer);
        if (Metadata.VerifierKey.Length > 0 && signer.VerifierKey != Metadata.VerifierKey)
        {
            throw new LedgerStoreException($"the signing key {signer.Name}+{signer.KeyId:x8} is not the key this ledger was created with ({Metadata.VerifierKey}).");
        }
        await RefreshAsync(cancellation);
        var head = Head;
        var checkpoint = new Checkpoint(Origin, head.Size, head.RootHash);
        var note = checkpoint.Sign(signer);
        await _store.SaveCheckpointAsync(head.Size, note, cancellation);
        return new SignedCheckpoint(checkpoint, note);
    }

    /// <summary>Catches up with entries another writer (another process or node) appended to the store.</summary>
    public async Task RefreshAsync(CancellationToken cancellation = default)
    {
        var size = await _store.ReadSizeAsync(cancellation);
        if (size > Head.Size)
        {
            var range = await LoadRangeAsync(_store, cancellation);
            var head = new TreeHead(range.Size, range.Root());
            // Only move forwards: the writer may have moved further meanwhile.
            var current = Head;
            if (head.Size > current.Size)
            {
                Interlocked.CompareExchange(ref _head, head, current);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        // Let queued appends finish: each was promised an answer.
        _queue.Writer.TryComplete();
        await _writer;
        await _stopping.CancelAsync();
        _stopping.Dispose();
        if (_options.OwnsStore)
        {
            await _store.DisposeAsync();
        }
    }

    private async Task RequireSizeAsync(long size, string what, CancellationToken cancellation)
    {
        if (size <= Head.Size)
        {
            return;
        }
        await RefreshAsync(cancellation);
        if (size > Head.Size)
        {
            throw new LedgerRangeException($"{what}: the log holds {Head.Size} entries.");
        }
    }

    /// <summary>The hash of each range, from one batched read of the perfect subtrees they are made of.</summary>
    private async Task<IReadOnlyList<byte[]>> ReadRangesAsync(IReadOnlyList<LeafRange> ranges, CancellationToken cancellation)
    {
        var parts = ranges.Select(r => r.PerfectSubtrees()).ToList();
        var ids = parts.SelectMany(p => p).ToList();
        var hashes = await _store.ReadNodesAsync(ids, cancellation);
        var result = new byte[ranges.Count][];
        var offset = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            var count = parts[i].Count;
            result[i] = LeafRange.HashOf(hashes, offset, count);
            offset += count;
        }
        return result;
    }

    private static async Task<CompactRange> LoadRangeAsync(ILedgerStore store, CancellationToken cancellation)
    {
        var size = await store.ReadSizeAsync(cancellation);
        var border = CompactRange.BorderOf(size);
        var hashes = border.Count == 0 ? [] : await store.ReadNodesAsync(border, cancellation);
        return CompactRange.FromBorder(size, hashes);
    }

    private async Task WriteLoopAsync()
    {
        // The writer outlives whatever request opened the log; its commits start traces of their own.
        Activity.Current = null;
        var reader = _queue.Reader;
        var batch = new List<PendingAppend>(_options.MaxBatchSize);
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var pending))
            {
                if (!pending.Task.IsCompleted)
                {
                    batch.Add(pending);
                }
            }
            if (batch.Count > 0)
            {
                await CommitAsync(batch);
            }
        }
    }

    private async Task CommitAsync(List<PendingAppend> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (_needsReload)
                {
                    _range = await LoadRangeAsync(_store, CancellationToken.None);
                    _needsReload = false;
                }
                CompactRange range;
                AppendBatch written;
                using (var activity = StartCommitActivity(batch))
                {
                    (written, range) = _store is ISequencingLedgerStore sequencing
                        ? await AppendAtEndAsync(sequencing, batch)
                        : await AppendAtKnownEndAsync(batch);
                }
                var first = written.FirstIndex;

                _range = range;
                Volatile.Write(ref _head, new TreeHead(range.Size, range.Root()));
                var durable = Stopwatch.GetTimestamp();
                LedgerTelemetry.BatchSize.Record(batch.Count);
                for (var i = 0; i < batch.Count; i++)
                {
                    LedgerTelemetry.AppendDuration.Record(Stopwatch.GetElapsedTime(batch[i].Queued, durable).TotalSeconds);
                    batch[i].TrySetResult(first + i);
                }
                return;
            }
            catch (LedgerConflictException) when (attempt < 5)
            {
                // Another writer appended; pick up its entries and place ours after them.
                _needsReload = true;
            }
            catch (Exception e)
            {
                // Whether the batch became durable is unknown (a lost connection during commit);
                // resynchronise from the store before the next batch, and tell every appender.
                _needsReload = true;
                var failure = new LedgerAppendException($"The entry could not be made durable: {e.Message}", e);
                foreach (var pending in batch)
                {
                    pending.TrySetException(failure);
                }
                return;
            }
        }
    }

    /// <summary>Writes the batch after the entries this writer knows of; a store that has more refuses it.</summary>
    private async Task<(AppendBatch, CompactRange)> AppendAtKnownEndAsync(List<PendingAppend> batch)
    {
        var range = _range.Clone();
        var written = Layout(range, batch);
        await _store.AppendAsync(written, CancellationToken.None);
        return (written, range);
    }

    /// <summary>
    /// Writes the batch at the end of a store other writers append to as well: when they did
    /// since this writer's last batch, its right border is read again under the store's lock.
    /// </summary>
    private async Task<(AppendBatch, CompactRange)> AppendAtEndAsync(ISequencingLedgerStore store, List<PendingAppend> batch)
    {
        CompactRange? range = null;
        var written = await store.AppendAtEndAsync(async (size, readNodes) =>
        {
            if (size == _range.Size)
            {
                range = _range.Clone();
            }
            else
            {
                var border = CompactRange.BorderOf(size);
                range = CompactRange.FromBorder(size, border.Count == 0 ? [] : await readNodes(border));
            }
            return Layout(range, batch);
        }, CancellationToken.None);
        return (written, range!);
    }

    /// <summary>Appends the batch's leaves to <paramref name="range"/>, collecting the interior nodes they complete.</summary>
    private static AppendBatch Layout(CompactRange range, List<PendingAppend> batch)
    {
        var first = range.Size;
        var leaves = new LeafRecord[batch.Count];
        var nodes = new List<KeyValuePair<NodeId, byte[]>>(batch.Count + 8);
        for (var i = 0; i < batch.Count; i++)
        {
            leaves[i] = new LeafRecord(range.Size, batch[i].Entry, batch[i].LeafHash);
            range.Append(batch[i].LeafHash, (id, hash) => nodes.Add(new(id, hash)));
        }
        return new AppendBatch(first, leaves, nodes);
    }

    /// <summary>
    /// A batch serves many requests, so its span belongs to none of their traces: it stands on
    /// its own and links to each traced append it makes durable.
    /// </summary>
    private static Activity? StartCommitActivity(List<PendingAppend> batch)
    {
        if (!LedgerTelemetry.Source.HasListeners())
        {
            return null;
        }
        var links = new List<ActivityLink>();
        foreach (var pending in batch)
        {
            if (pending.Caller != default)
            {
                links.Add(new ActivityLink(pending.Caller));
            }
        }
        var activity = LedgerTelemetry.Source.StartActivity(LedgerTelemetry.CommitActivity, ActivityKind.Internal, parentContext: default, links: links);
        activity?.SetTag("custos.ledger.batch.size", batch.Count);
        return activity;
    }

    private sealed class PendingAppend(byte[] entry, byte[] leafHash, ActivityContext caller, long queued) : TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public byte[] Entry { get; } = entry;

        public byte[] LeafHash { get; } = leafHash;

        /// <summary>The append's span, when traced, for the commit's link.</summary>
        public ActivityContext Caller { get; } = caller;

        /// <summary>When it was queued (<see cref="Stopwatch"/> ticks), for the append latency.</summary>
        public long Queued { get; } = queued;
    }
}

/// <summary>A tree size and its root hash.</summary>
public sealed record TreeHead(long Size, byte[] RootHash);

/// <summary>A checkpoint and the signed note that carries it.</summary>
public sealed record SignedCheckpoint(Checkpoint Checkpoint, string Note);

public sealed class MerkleLogOptions
{
    /// <summary>Most entries in one durable write; more waiting appenders go into the next.</summary>
    public int MaxBatchSize { get; init; } = 4096;

    /// <summary>Whether disposing the log disposes its store too (as <see cref="LedgerSetup"/>'s logs do).</summary>
    public bool OwnsStore { get; init; }

    /// <summary>
    /// Largest entry accepted, in bytes of canonical JSON: 65,535, because C2SP tlog-tiles entry
    /// bundles prefix each entry with a 16-bit length, and every entry must be servable.
    /// </summary>
    public int MaxEntryBytes { get; init; } = ushort.MaxValue;
}

/// <summary>An entry was not appended durably; the caller must not act as if it had been.</summary>
public sealed class LedgerAppendException : Exception
{
    public LedgerAppendException(string message) : base(message)
    {
    }

    public LedgerAppendException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public LedgerAppendException()
    {
    }
}
