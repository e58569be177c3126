using System.Security.Cryptography;
using Custos.Ledger.Hashing;

namespace Custos.Ledger.Proofs;

/// <summary>
/// Verification of inclusion and consistency proofs exactly as RFC 9162 sections 2.1.3.2 and
/// 2.1.4.2 describe it. Needs nothing but the proof and the hashes it is checked against, so
/// an auditor trusts none of the log's code or storage. Every failure throws
/// <see cref="ProofVerificationException"/> saying what did not hold.
/// </summary>
public static class ProofVerifier
{
    public static void VerifyInclusion(ulong index, ulong size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        var computed = RootFromInclusionProof(index, size, leafHash, proof);
        if (!CryptographicOperations.FixedTimeEquals(computed, root))
        {
            throw new ProofVerificationException($"The inclusion proof of entry {index} leads to a root other than the tree head of size {size}.");
        }
    }

    /// <summary>The root that the audit path implies (RFC 9162, section 2.1.3.2, steps 1–6).</summary>
    public static byte[] RootFromInclusionProof(ulong index, ulong size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (index >= size)
        {
            throw new ProofVerificationException($"Entry {index} is not in a tree of size {size}.");
        }
        if (leafHash.Length != Rfc9162.HashSize)
        {
            throw new ProofVerificationException($"A leaf hash has {Rfc9162.HashSize} bytes, not {leafHash.Length}.");
        }

        var fn = index;
        var sn = size - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            RequireHash(p);
            if (sn == 0)
            {
                throw new ProofVerificationException("The inclusion proof is longer than the tree is deep.");
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                r = Rfc9162.HashChildren(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = Rfc9162.HashChildren(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0)
        {
            throw new ProofVerificationException("The inclusion proof is shorter than the tree is deep.");
        }
        return r;
    }

    /// <summary>Checks that the tree of <paramref name="size1"/> leaves with <paramref name="root1"/> is a prefix of the tree of <paramref name="size2"/> leaves with <paramref name="root2"/>.</summary>
    public static void VerifyConsistency(ulong size1, ulong size2, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (size2 < size1)
        {
            throw new ProofVerificationException($"Size {size2} is smaller than size {size1}: a log never shrinks.");
        }
        if (size1 == 0)
        {
            // Every tree extends the empty one; a proof "from" it proves nothing, so none is accepted.
            throw new ProofVerificationException("A consistency proof from the empty tree proves nothing.");
        }
        if (size1 == size2)
        {
            if (proof.Count != 0)
            {
                throw new ProofVerificationException("Two trees of the same size need an empty consistency proof.");
            }
            if (!root1.SequenceEqual(root2))
            {
                throw new ProofVerificationException($"Two tree heads of size {size1} differ: the log has forked.");
            }
            return;
        }
        if (proof.Count == 0)
        {
            throw new ProofVerificationException("The consistency proof is empty.");
        }
        if (root1.Length != Rfc9162.HashSize || root2.Length != Rfc9162.HashSize)
        {
            throw new ProofVerificationException($"A root hash has {Rfc9162.HashSize} bytes.");
        }
        foreach (var p in proof)
        {
            RequireHash(p);
        }

        // Step 2: a first tree that is a perfect subtree is itself the first node of the path.
        var path = (size1 & (size1 - 1)) == 0 ? [root1.ToArray(), .. proof] : proof;

        var fn = size1 - 1;
        var sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }
        var fr = path[0];
        var sr = path[0];
        for (var i = 1; i < path.Count; i++)
        {
            var c = path[i];
            if (sn == 0)
            {
                throw new ProofVerificationException("The consistency proof is longer than the tree is deep.");
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = Rfc9162.HashChildren(c, fr);
                sr = Rfc9162.HashChildren(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = Rfc9162.HashChildren(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
        {
            throw new ProofVerificationException("The consistency proof is shorter than the tree is deep.");
        }
        if (!CryptographicOperations.FixedTimeEquals(fr, root1))
        {
            throw new ProofVerificationException($"The consistency proof does not lead to the tree head of size {size1}.");
        }
        if (!CryptographicOperations.FixedTimeEquals(sr, root2))
        {
            throw new ProofVerificationException($"The consistency proof does not lead to the tree head of size {size2}.");
        }
    }

    private static void RequireHash(byte[] hash)
    {
        if (hash is null || hash.Length != Rfc9162.HashSize)
        {
            throw new ProofVerificationException($"Every proof element is a {Rfc9162.HashSize}-byte hash.");
        }
    }
}

/// <summary>A proof did not verify; the message says which check failed.</summary>
public sealed class ProofVerificationException : Exception
{
    public ProofVerificationException(string message) : base(message)
    {
    }

    public ProofVerificationException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public ProofVerificationException()
    {
    }
}
