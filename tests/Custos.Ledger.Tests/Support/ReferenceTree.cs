using Custos.Ledger.Hashing;

namespace Custos.Ledger.Tests.Support;

/// <summary>
/// RFC 9162 section 2.1 written as literally as possible (recursive MTH, PATH and SUBPROOF
/// over the entries), to check the log's O(log n) machinery against.
/// </summary>
internal static class ReferenceTree
{
    public static byte[] Root(IReadOnlyList<byte[]> entries, int start, int end)
    {
        var n = end - start;
        if (n == 0)
        {
            return Rfc9162.EmptyRoot;
        }
        if (n == 1)
        {
            return Rfc9162.HashLeaf(entries[start]);
        }
        var k = Split(n);
        return Rfc9162.HashChildren(Root(entries, start, start + k), Root(entries, start + k, end));
    }

    public static List<byte[]> Path(IReadOnlyList<byte[]> entries, int m, int start, int end)
    {
        var n = end - start;
        if (n == 1)
        {
            return [];
        }
        var k = Split(n);
        if (m < k)
        {
            return [.. Path(entries, m, start, start + k), Root(entries, start + k, end)];
        }
        return [.. Path(entries, m - k, start + k, end), Root(entries, start, start + k)];
    }

    public static List<byte[]> Consistency(IReadOnlyList<byte[]> entries, int m, int n) => m == n ? [] : SubProof(entries, m, 0, n, true);

    private static List<byte[]> SubProof(IReadOnlyList<byte[]> entries, int m, int start, int end, bool b)
    {
        var n = end - start;
        if (m == n)
        {
            return b ? [] : [Root(entries, start, end)];
        }
        var k = Split(n);
        if (m <= k)
        {
            return [.. SubProof(entries, m, start, start + k, b), Root(entries, start + k, end)];
        }
        return [.. SubProof(entries, m - k, start + k, end, false), Root(entries, start, start + k)];
    }

    private static int Split(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }
        return k;
    }
}
