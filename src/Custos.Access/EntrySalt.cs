namespace Custos.Access;

/// <summary>
/// 128 random bits (hex), the <c>nonce</c> of every entry Custos ledgers. Leaf hashes are
/// public (invariant 10), and a hash hides an entry only from someone who cannot guess it
/// whole: without this, a suspect who knows their own reads, the detectors and the time to the
/// second could confirm a guessed alert entry against the public hashes and so learn that an
/// alert names them; an approver could confirm their own approval, a reader that a decision
/// about a named subject was taken. Entries ledgered before it have none.
/// </summary>
internal static class EntrySalt
{
    public static string New() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}
