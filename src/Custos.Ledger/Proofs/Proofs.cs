namespace Custos.Ledger.Proofs;

/// <summary>Proof that entry <paramref name="LeafIndex"/> is in the tree of <paramref name="TreeSize"/> entries (RFC 9162, section 2.1.3).</summary>
public sealed record InclusionProof(long LeafIndex, long TreeSize, IReadOnlyList<byte[]> Hashes);

/// <summary>Proof that the tree of <paramref name="Size1"/> entries is a prefix of the tree of <paramref name="Size2"/> (RFC 9162, section 2.1.4).</summary>
public sealed record ConsistencyProof(long Size1, long Size2, IReadOnlyList<byte[]> Hashes);
