using System.Buffers;
using System.Security.Cryptography;

namespace Custos.Ledger.Hashing;

/// <summary>
/// The Merkle tree hash of RFC 9162, section 2.1.1, with SHA-256: a leaf is
/// <c>SHA-256(0x00 || entry)</c>, an interior node <c>SHA-256(0x01 || left || right)</c> and
/// the empty tree <c>SHA-256("")</c>. The distinct prefixes keep a leaf from ever being read
/// as an interior node (second-preimage resistance).
/// </summary>
public static class Rfc9162
{
    public const int HashSize = 32;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    // Leaves up to this size are hashed from a stack buffer; larger ones from a pooled array.
    private const int StackLeafLimit = 1024;

    private static readonly byte[] Empty = SHA256.HashData([]);

    /// <summary>The root of the tree with no leaves.</summary>
    public static byte[] EmptyRoot => (byte[])Empty.Clone();

    public static byte[] HashLeaf(ReadOnlySpan<byte> entry)
    {
        var hash = new byte[HashSize];
        HashLeaf(entry, hash);
        return hash;
    }

    public static void HashLeaf(ReadOnlySpan<byte> entry, Span<byte> destination)
    {
        var length = entry.Length + 1;
        byte[]? rented = null;
        var buffer = length <= StackLeafLimit ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            buffer[0] = LeafPrefix;
            entry.CopyTo(buffer[1..]);
            SHA256.HashData(buffer, destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public static byte[] HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[HashSize];
        HashChildren(left, right, hash);
        return hash;
    }

    public static void HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        if (left.Length != HashSize || right.Length != HashSize)
        {
            throw new ArgumentException($"Children must be {HashSize}-byte hashes.");
        }
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = NodePrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        SHA256.HashData(buffer, destination);
    }
}
