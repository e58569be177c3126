using Custos.Ledger.Hashing;

namespace Custos.Ledger.Tree;

/// <summary>
/// The right border of a tree of <see cref="Size"/> leaves: the hash of one perfect subtree per
/// set bit of the size, largest (leftmost) first. That is all an appender needs: a new leaf
/// merges with the equal-sized subtrees on its left, and the root is the border folded from
/// the right (RFC 9162, section 2.1.1, splits every range at its largest power of two). Holds
/// O(log n) hashes, so appends never reread the tree.
/// </summary>
public sealed class CompactRange
{
    private readonly List<byte[]> _hashes;

    public CompactRange()
    {
        _hashes = [];
    }

    private CompactRange(long size, List<byte[]> hashes)
    {
        Size = size;
        _hashes = hashes;
    }

    public long Size { get; private set; }

    /// <summary>The perfect subtrees that make up the border of a tree of <paramref name="size"/> leaves.</summary>
    public static IReadOnlyList<NodeId> BorderOf(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var nodes = new List<NodeId>();
        long start = 0;
        for (var level = 62; level >= 0; level--)
        {
            var width = 1L << level;
            if ((size & width) != 0)
            {
                nodes.Add(new NodeId(level, start >> level));
                start += width;
            }
        }
        return nodes;
    }

    /// <summary>Rebuilds the range from the hashes of <see cref="BorderOf"/>, in that order.</summary>
    public static CompactRange FromBorder(long size, IReadOnlyList<byte[]> hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        if (hashes.Count != BorderOf(size).Count)
        {
            throw new ArgumentException($"A tree of {size} leaves has {BorderOf(size).Count} border nodes, not {hashes.Count}.", nameof(hashes));
        }
        return new CompactRange(size, [.. hashes.Select(h => (byte[])h.Clone())]);
    }

    public CompactRange Clone() => new(Size, [.. _hashes]);

    /// <summary>
    /// Appends one leaf hash. <paramref name="completed"/>, when given, receives every interior
    /// node (level ≥ 1) that this leaf completes, lowest first: those are what a store keeps.
    /// </summary>
    public void Append(byte[] leafHash, Action<NodeId, byte[]>? completed = null)
    {
        ArgumentNullException.ThrowIfNull(leafHash);
        if (leafHash.Length != Rfc9162.HashSize)
        {
            throw new ArgumentException($"A leaf hash has {Rfc9162.HashSize} bytes.", nameof(leafHash));
        }

        var hash = leafHash;
        var index = Size;
        var level = 0;
        // Each trailing one bit of the old size is a subtree of the new leaf's level waiting for a right sibling.
        while (((Size >> level) & 1) == 1)
        {
            hash = Rfc9162.HashChildren(_hashes[^1], hash);
            _hashes.RemoveAt(_hashes.Count - 1);
            level++;
            index >>= 1;
            completed?.Invoke(new NodeId(level, index), hash);
        }
        _hashes.Add(hash);
        Size++;
    }

    /// <summary>The tree head: the empty-tree hash for size 0, otherwise the border folded from the right.</summary>
    public byte[] Root()
    {
        if (_hashes.Count == 0)
        {
            return Rfc9162.EmptyRoot;
        }
        var root = _hashes[^1];
        for (var i = _hashes.Count - 2; i >= 0; i--)
        {
            root = Rfc9162.HashChildren(_hashes[i], root);
        }
        return root == _hashes[^1] ? (byte[])root.Clone() : root;
    }
}
