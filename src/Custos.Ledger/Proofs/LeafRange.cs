using System.Numerics;
using Custos.Ledger.Hashing;
using Custos.Ledger.Tree;

namespace Custos.Ledger.Proofs;

/// <summary>
/// The leaves <c>[Start, End)</c> whose Merkle tree hash (RFC 9162, section 2.1.1) is one
/// element of a proof. Every range a proof names is either a perfect subtree or the right edge
/// of one, and starts at a multiple of a power of two at least its size; so it splits into
/// perfect subtrees, largest first, whose hashes folded from the right give its hash.
/// </summary>
public readonly record struct LeafRange(long Start, long End)
{
    public long Size => End - Start;

    /// <summary>The perfect subtrees that make up the range, left to right.</summary>
    public IReadOnlyList<NodeId> PerfectSubtrees()
    {
        var nodes = new List<NodeId>(2);
        var start = Start;
        while (start < End)
        {
            var fits = 63 - BitOperations.LeadingZeroCount((ulong)(End - start));
            var aligned = start == 0 ? 62 : BitOperations.TrailingZeroCount(start);
            var level = Math.Min(fits, aligned);
            nodes.Add(new NodeId(level, start >> level));
            start += 1L << level;
        }
        return nodes;
    }

    /// <summary>The range's hash from the hashes of its <see cref="PerfectSubtrees"/>, folded from the right.</summary>
    public static byte[] HashOf(IReadOnlyList<byte[]> subtreeHashes, int offset, int count)
    {
        var hash = subtreeHashes[offset + count - 1];
        for (var j = offset + count - 2; j >= offset; j--)
        {
            hash = Rfc9162.HashChildren(subtreeHashes[j], hash);
        }
        return hash;
    }
}
