using Custos.Ledger.Checkpoints;
using Custos.Ledger.Hashing;
using Custos.Ledger.Notes;
using Custos.Ledger.Proofs;

namespace Custos.WebConsole;

/// <summary>
/// A signed checkpoint of the ledger, opened with the ledger's verifier key (so its signature
/// is checked, not assumed), and the proofs the pages show against it.
/// </summary>
public sealed record SignedPoint(string Note, string VerifierKey, long Size, string RootHash, DateTimeOffset Seen)
{
    /// <summary>Opens <paramref name="note"/> with <paramref name="verifierKey"/>; throws if the signature or the text is not right.</summary>
    public static SignedPoint Open(string note, string verifierKey, DateTimeOffset seen)
    {
        var checkpoint = Checkpoint.Open(note, NoteVerifier.Parse(verifierKey));
        return new SignedPoint(note, verifierKey, checkpoint.Size, Convert.ToBase64String(checkpoint.RootHash), seen);
    }

    /// <summary>Whether <paramref name="entry"/> is the ledger's entry <paramref name="index"/> under this checkpoint, by its RFC 9162 inclusion proof.</summary>
    public bool Includes(long index, byte[] entry, IReadOnlyList<byte[]> proof)
    {
        try
        {
            ProofVerifier.VerifyInclusion((ulong)index, (ulong)Size, Rfc9162.HashLeaf(entry), proof, Convert.FromBase64String(RootHash));
            return true;
        }
        catch (ProofVerificationException)
        {
            return false;
        }
    }
}
