using Custos.Ledger.Hashing;
using Custos.Ledger.Proofs;
using Custos.Ledger.Tree;

namespace Custos.Ledger.Tiles;

/// <summary>
/// The tree of <see cref="Size"/> entries as a client that has only its tiles sees it: any
/// perfect subtree's hash, and so any root, inclusion or consistency proof, computed from the
/// tiles it fetches (at most one per tile level for a proof). Nothing here is trusted: the
/// proofs are checked with <see cref="ProofVerifier"/> against a signed checkpoint, so a tile
/// that lies makes a proof fail.
/// </summary>
public sealed class TiledTree
{
    private readonly Func<Tile, CancellationToken, Task<byte[]>> _fetch;
    private readonly Dictionary<Tile, byte[]> _tiles = [];

    /// <param name="size">The tree size, from a checkpoint the client verified (tlog-tiles: partial tiles are fetched only for such sizes).</param>
    /// <param name="fetch">Fetches a tile's bytes by its coordinates (for example <c>GET prefix/</c><see cref="Tile.Path"/>).</param>
    public TiledTree(long size, Func<Tile, CancellationToken, Task<byte[]>> fetch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentNullException.ThrowIfNull(fetch);
        Size = size;
        _fetch = fetch;
    }

    public long Size { get; }

    /// <summary>How many tiles were fetched so far.</summary>
    public int TilesFetched => _tiles.Count;

    public async Task<byte[]> RootAsync(CancellationToken cancellation = default) =>
        Size == 0 ? Rfc9162.EmptyRoot : (await RangeHashesAsync([new LeafRange(0, Size)], cancellation))[0];

    public Task<byte[]> LeafHashAsync(long index, CancellationToken cancellation = default) =>
        HashAsync(new NodeId(0, index), cancellation);

    public async Task<IReadOnlyList<byte[]>> InclusionProofAsync(long index, CancellationToken cancellation = default) =>
        await RangeHashesAsync(ProofPlan.Inclusion(index, Size), cancellation);

    public async Task<IReadOnlyList<byte[]>> ConsistencyProofAsync(long size1, CancellationToken cancellation = default) =>
        await RangeHashesAsync(ProofPlan.Consistency(size1, Size), cancellation);

    /// <summary>The hash of a perfect subtree the tree holds whole: the hashes it spans in one tile, hashed up to it.</summary>
    public async Task<byte[]> HashAsync(NodeId node, CancellationToken cancellation = default)
    {
        if (node.Index < 0 || node.Level > 62 || node.EndLeaf > Size || node.EndLeaf <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(node), $"A tree of {Size} entries does not hold the whole subtree {node}.");
        }
        var level = node.Level / Tile.Height;
        var height = node.Level % Tile.Height;
        var first = node.Index << height;
        var tile = Tile.Holding(level, first, Size);
        var bytes = await TileAsync(tile, cancellation);
        var offset = (int)(first - (tile.Index * Tile.FullWidth));
        var hashes = new byte[1 << height][];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = bytes.AsSpan((offset + i) * Rfc9162.HashSize, Rfc9162.HashSize).ToArray();
        }
        for (var width = hashes.Length; width > 1; width /= 2)
        {
            for (var i = 0; i < width / 2; i++)
            {
                hashes[i] = Rfc9162.HashChildren(hashes[2 * i], hashes[(2 * i) + 1]);
            }
        }
        return hashes[0];
    }

    private async Task<IReadOnlyList<byte[]>> RangeHashesAsync(IReadOnlyList<LeafRange> ranges, CancellationToken cancellation)
    {
        var result = new List<byte[]>(ranges.Count);
        foreach (var range in ranges)
        {
            var subtrees = range.PerfectSubtrees();
            var hashes = new byte[subtrees.Count][];
            for (var i = 0; i < subtrees.Count; i++)
            {
                hashes[i] = await HashAsync(subtrees[i], cancellation);
            }
            result.Add(LeafRange.HashOf(hashes, 0, hashes.Length));
        }
        return result;
    }

    private async Task<byte[]> TileAsync(Tile tile, CancellationToken cancellation)
    {
        if (_tiles.TryGetValue(tile, out var cached))
        {
            return cached;
        }
        var bytes = await _fetch(tile, cancellation);
        if (bytes.Length != tile.Width * Rfc9162.HashSize)
        {
            throw new ProofVerificationException($"The tile {tile.Path} has {bytes.Length} bytes, not {tile.Width * Rfc9162.HashSize}.");
        }
        _tiles[tile] = bytes;
        return bytes;
    }
}
