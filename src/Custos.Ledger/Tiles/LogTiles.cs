using System.Buffers.Binary;
using Custos.Ledger.Hashing;
using Custos.Ledger.Log;
using Custos.Ledger.Storage;
using Custos.Ledger.Tree;

namespace Custos.Ledger.Tiles;

/// <summary>
/// A log's tiles and entry bundles, read from its store: every hash a tile holds is a stored
/// perfect subtree (level 0 the leaf hashes, higher levels the interior nodes written once when
/// completed), so a tile costs one batched read and never changes once the log holds it.
/// </summary>
public static class LogTiles
{
    /// <summary>The tile's hashes, concatenated (8,192 bytes for a full tile).</summary>
    /// <exception cref="LedgerRangeException">The log does not (yet) hold every hash of the tile.</exception>
    public static async Task<byte[]> ReadHashTileAsync(this MerkleLog log, Tile tile, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        await RequireWithinAsync(log, tile, cancellation);
        var ids = new NodeId[tile.Width];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = new NodeId(tile.TreeLevel, (tile.Index * Tile.FullWidth) + i);
        }
        var hashes = await log.Store.ReadNodesAsync(ids, cancellation);
        var tileBytes = new byte[tile.Width * Rfc9162.HashSize];
        for (var i = 0; i < hashes.Count; i++)
        {
            hashes[i].CopyTo(tileBytes, i * Rfc9162.HashSize);
        }
        return tileBytes;
    }

    /// <summary>
    /// The entries of a level-0 tile as a tlog-tiles entry bundle: each entry's exact bytes
    /// after its length as a big-endian 16-bit number.
    /// </summary>
    /// <exception cref="LedgerRangeException">The log does not hold every entry of the bundle.</exception>
    public static async Task<byte[]> ReadEntryBundleAsync(this MerkleLog log, Tile tile, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (tile.Level != 0)
        {
            throw new ArgumentException("Entry bundles are level-0 tiles.", nameof(tile));
        }
        await RequireWithinAsync(log, tile, cancellation);
        var first = tile.Index * Tile.FullWidth;
        using var bundle = new MemoryStream();
        var expected = first;
        var length = new byte[2];
        await foreach (var leaf in log.Store.ReadLeavesAsync(first, first + tile.Width, cancellation))
        {
            if (leaf.Index != expected++)
            {
                throw new LedgerStoreException($"the store has no entry {expected - 1} although the log holds it.");
            }
            if (leaf.Entry.Length > ushort.MaxValue)
            {
                throw new LedgerStoreException($"entry {leaf.Index} has {leaf.Entry.Length} bytes, more than an entry bundle can carry ({ushort.MaxValue}).");
            }
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)leaf.Entry.Length);
            bundle.Write(length);
            bundle.Write(leaf.Entry);
        }
        if (expected != first + tile.Width)
        {
            throw new LedgerStoreException($"the store has no entry {expected} although the log holds it.");
        }
        return bundle.ToArray();
    }

    /// <summary>Splits an entry bundle into its entries; throws <see cref="FormatException"/> when it is not one.</summary>
    public static IReadOnlyList<byte[]> SplitEntryBundle(ReadOnlySpan<byte> bundle)
    {
        var entries = new List<byte[]>();
        while (!bundle.IsEmpty)
        {
            if (bundle.Length < 2 || bundle.Length - 2 < BinaryPrimitives.ReadUInt16BigEndian(bundle))
            {
                throw new FormatException($"The entry bundle ends inside entry {entries.Count}.");
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(bundle);
            entries.Add(bundle.Slice(2, length).ToArray());
            bundle = bundle[(2 + length)..];
        }
        return entries;
    }

    private static async Task RequireWithinAsync(MerkleLog log, Tile tile, CancellationToken cancellation)
    {
        if (tile.IsWithin(log.Size))
        {
            return;
        }
        await log.RefreshAsync(cancellation);
        if (!tile.IsWithin(log.Size))
        {
            throw new LedgerRangeException($"There is no tile {tile.Path}: the log holds {log.Size} entries.");
        }
    }
}
