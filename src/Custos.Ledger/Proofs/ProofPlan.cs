using System.Numerics;

namespace Custos.Ledger.Proofs;

/// <summary>
/// Which subtree hashes make up a proof, bottom-up, as RFC 9162 defines them: the audit path
/// PATH(m, D[n]) of section 2.1.3.1 and the consistency proof SUBPROOF(m, D[n], true) of
/// section 2.1.4.1. The plan names O(log n) ranges and touches no data, so a store can fetch
/// every hash a proof needs in one round trip.
/// </summary>
public static class ProofPlan
{
    /// <summary>The ranges of the inclusion proof of leaf <paramref name="index"/> in the tree of the first <paramref name="size"/> leaves.</summary>
    public static IReadOnlyList<LeafRange> Inclusion(long index, long size)
    {
        if (index < 0 || index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Index {index} is not in a tree of size {size}.");
        }
        var ranges = new List<LeafRange>();
        AuditPath(index, 0, size, ranges);
        return ranges;
    }

    /// <summary>The ranges of the proof that the tree of <paramref name="size1"/> leaves is a prefix of the tree of <paramref name="size2"/>.</summary>
    public static IReadOnlyList<LeafRange> Consistency(long size1, long size2)
    {
        if (size1 < 1 || size1 > size2)
        {
            throw new ArgumentOutOfRangeException(nameof(size1), $"A consistency proof needs 0 < size1 ≤ size2; got {size1} and {size2}.");
        }
        var ranges = new List<LeafRange>();
        if (size1 < size2)
        {
            SubProof(size1, 0, size2, true, ranges);
        }
        return ranges;
    }

    // PATH(m, D[start:end]), m absolute: recurse first so that the deepest sibling comes first.
    private static void AuditPath(long m, long start, long end, List<LeafRange> ranges)
    {
        if (end - start == 1)
        {
            return;
        }
        var split = start + LargestPowerOfTwoBelow(end - start);
        if (m < split)
        {
            AuditPath(m, start, split, ranges);
            ranges.Add(new LeafRange(split, end));
        }
        else
        {
            AuditPath(m, split, end, ranges);
            ranges.Add(new LeafRange(start, split));
        }
    }

    // SUBPROOF(m, D[start:end], b), m relative to start.
    private static void SubProof(long m, long start, long end, bool wholeTreeKnown, List<LeafRange> ranges)
    {
        var n = end - start;
        if (m == n)
        {
            if (!wholeTreeKnown)
            {
                ranges.Add(new LeafRange(start, end));
            }
            return;
        }
        var k = LargestPowerOfTwoBelow(n);
        if (m <= k)
        {
            SubProof(m, start, start + k, wholeTreeKnown, ranges);
            ranges.Add(new LeafRange(start + k, end));
        }
        else
        {
            SubProof(m - k, start + k, end, false, ranges);
            ranges.Add(new LeafRange(start, start + k));
        }
    }

    /// <summary>The largest power of two strictly less than <paramref name="n"/> (n ≥ 2).</summary>
    internal static long LargestPowerOfTwoBelow(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));
}
