using Custos.Ledger.Checkpoints;
using Custos.Ledger.Hashing;
using Custos.Ledger.Notes;
using Custos.Ledger.Storage;
using Custos.Ledger.Tree;

namespace Custos.Ledger.Verification;

/// <summary>
/// Checks a whole store against a verifier key, trusting nothing in the store: re-hashes every
/// entry, rebuilds the tree, compares every stored subtree hash with the rebuilt one, and checks
/// the latest signed checkpoint's signature and root. Streams the entries in chunks, so memory
/// stays O(chunk + log n) whatever the size.
/// </summary>
public static class LedgerVerifier
{
    private const int ChunkSize = 1 << 16;

    public static async Task<VerificationResult> VerifyAsync(ILedgerStore store, NoteVerifier verifier, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(verifier);

        var metadata = await store.ReadMetadataAsync(cancellation);
        if (metadata.Origin != verifier.Name)
        {
            return VerificationResult.Fail($"the key is for the log '{verifier.Name}', but this ledger is '{metadata.Origin}'");
        }

        var note = await store.ReadLatestCheckpointAsync(cancellation);
        if (note is null)
        {
            return VerificationResult.Fail("the ledger holds no signed checkpoint");
        }
        Checkpoint checkpoint;
        try
        {
            checkpoint = Checkpoint.Open(note, verifier);
        }
        catch (Exception e) when (e is NoteVerificationException or CheckpointFormatException)
        {
            return VerificationResult.Fail($"the latest checkpoint does not verify with the key: {e.Message}");
        }

        var size = await store.ReadSizeAsync(cancellation);
        if (checkpoint.Size > size)
        {
            return VerificationResult.Fail($"the signed checkpoint is of {checkpoint.Size} entries but the ledger holds {size}: entries were removed");
        }

        var range = new CompactRange();
        var leafHash = new byte[Rfc9162.HashSize];
        byte[]? checkpointRoot = checkpoint.Size == 0 ? Rfc9162.EmptyRoot : null;
        for (long start = 0; start < size; start += ChunkSize)
        {
            var end = Math.Min(size, start + ChunkSize);
            var completed = new List<KeyValuePair<NodeId, byte[]>>();
            var expected = start;
            await foreach (var leaf in store.ReadLeavesAsync(start, end, cancellation))
            {
                if (leaf.Index != expected)
                {
                    return VerificationResult.Fail($"entry {expected} is missing", expected);
                }
                Rfc9162.HashLeaf(leaf.Entry, leafHash);
                if (!leafHash.AsSpan().SequenceEqual(leaf.LeafHash))
                {
                    return VerificationResult.Fail($"entry {leaf.Index} does not match its leaf hash: its bytes were changed", leaf.Index);
                }
                range.Append(leaf.LeafHash, (id, hash) => completed.Add(new(id, hash)));
                expected++;
                if (range.Size == checkpoint.Size)
                {
                    checkpointRoot = range.Root();
                }
            }
            if (expected != end)
            {
                return VerificationResult.Fail($"entry {expected} is missing", expected);
            }
            if (await CompareNodesAsync(store, completed, cancellation) is { } bad)
            {
                return bad;
            }
        }

        if (!checkpointRoot!.AsSpan().SequenceEqual(checkpoint.RootHash))
        {
            return VerificationResult.Fail($"the entries do not hash to the root of the signed checkpoint of size {checkpoint.Size}");
        }
        return new VerificationResult(true, size, checkpoint.Size, null, null);
    }

    private static async Task<VerificationResult?> CompareNodesAsync(ILedgerStore store, List<KeyValuePair<NodeId, byte[]>> completed, CancellationToken cancellation)
    {
        // Nodes arrive in completion order; compare level by level, one range read per level.
        foreach (var level in completed.GroupBy(n => n.Key.Level))
        {
            var rebuilt = level.OrderBy(n => n.Key.Index).ToList();
            var first = rebuilt[0].Key.Index;
            var stored = await store.ReadNodeRangeAsync(level.Key, first, rebuilt[^1].Key.Index + 1, cancellation);
            var byIndex = stored.ToDictionary(n => n.Index, n => n.Hash);
            foreach (var (id, hash) in rebuilt)
            {
                if (!byIndex.TryGetValue(id.Index, out var storedHash))
                {
                    return VerificationResult.Fail($"the stored tree lacks the node at {id}", id.FirstLeaf);
                }
                if (!storedHash.AsSpan().SequenceEqual(hash))
                {
                    return VerificationResult.Fail($"the stored node at {id} does not match the entries it covers", id.FirstLeaf);
                }
            }
        }
        return null;
    }
}

/// <summary>
/// What <see cref="LedgerVerifier"/> found: <see cref="Ok"/>, or the first problem in index order
/// and, when it can be pinned to one, the index of the first bad entry.
/// </summary>
public sealed record VerificationResult(bool Ok, long Size, long CheckpointSize, string? Problem, long? FirstBadIndex)
{
    internal static VerificationResult Fail(string problem, long? index = null) => new(false, 0, 0, problem, index);
}
