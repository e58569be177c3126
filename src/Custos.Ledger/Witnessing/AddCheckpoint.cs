using System.Globalization;
using System.Text;
using Custos.Ledger.Hashing;

namespace Custos.Ledger.Witnessing;

/// <summary>
/// The body of a C2SP tlog-witness <c>add-checkpoint</c> request: <c>old N</c>, up to 63 base64
/// consistency proof lines, an empty line, then the signed checkpoint note.
/// </summary>
public sealed record AddCheckpoint(long OldSize, IReadOnlyList<byte[]> Proof, string Note)
{
    public const int MaxProofLines = 63;

    public string ToBody()
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"old {OldSize}\n");
        foreach (var hash in Proof)
        {
            body.Append(Convert.ToBase64String(hash)).Append('\n');
        }
        return body.Append('\n').Append(Note).ToString();
    }

    /// <exception cref="FormatException">The body is not an add-checkpoint request.</exception>
    public static AddCheckpoint Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var end = body.IndexOf("\n\n", StringComparison.Ordinal);
        if (end < 0)
        {
            throw new FormatException("the request has no empty line before the checkpoint.");
        }
        var lines = body[..end].Split('\n');
        var old = lines[0];
        if (!old.StartsWith("old ", StringComparison.Ordinal) || old.Length == 4 || (old.Length > 5 && old[4] == '0')
            || !old[4..].All(char.IsAsciiDigit) || !long.TryParse(old[4..], NumberStyles.None, CultureInfo.InvariantCulture, out var oldSize))
        {
            throw new FormatException("the first line is not 'old' and a tree size in decimal.");
        }
        if (lines.Length - 1 > MaxProofLines)
        {
            throw new FormatException($"more than {MaxProofLines} consistency proof lines.");
        }
        var proof = new List<byte[]>();
        foreach (var line in lines.Skip(1))
        {
            try
            {
                var hash = Convert.FromBase64String(line);
                if (hash.Length != Rfc9162.HashSize || line.Any(char.IsWhiteSpace))
                {
                    throw new FormatException();
                }
                proof.Add(hash);
            }
            catch (FormatException e)
            {
                throw new FormatException($"proof line {proof.Count + 1} is not a base64 SHA-256 hash.", e);
            }
        }
        return new AddCheckpoint(oldSize, proof, body[(end + 2)..]);
    }
}
