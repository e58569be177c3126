using System.Numerics;
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
}
