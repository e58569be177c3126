using System.Globalization;
using Custos.Ledger.Hashing;
using Custos.Ledger.Notes;

namespace Custos.Ledger.Checkpoints;

/// <summary>
/// A C2SP tlog-checkpoint: the body of a signed note that commits a log to a tree head.
/// <code>
/// origin
/// tree size in decimal
/// base64 root hash
/// [extension lines]
/// </code>
/// The origin names the log uniquely; Custos signs with a key whose name is the origin, so a
/// verifier key also says which log it speaks for.
/// </summary>
public sealed record Checkpoint(string Origin, long Size, byte[] RootHash)
{
    /// <summary>Optional extension lines after the root hash (tlog-checkpoint allows them).</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [];

    public string ToText()
    {
        var text = $"{Origin}\n{Size.ToString(CultureInfo.InvariantCulture)}\n{Convert.ToBase64String(RootHash)}\n";
        return Extensions.Count == 0 ? text : text + string.Concat(Extensions.Select(e => e + "\n"));
    }

    public string Sign(NoteSigner signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        if (signer.Name != Origin)
        {
            throw new ArgumentException($"The key '{signer.Name}' does not speak for the log '{Origin}'.", nameof(signer));
        }
        return signer.Sign(ToText());
    }

    /// <summary>Parses a checkpoint body (the text of its note).</summary>
    /// <exception cref="CheckpointFormatException">The text is not a checkpoint.</exception>
    public static Checkpoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.EndsWith('\n'))
        {
            throw new CheckpointFormatException("A checkpoint ends with a newline.");
        }
        var lines = text[..^1].Split('\n');
        if (lines.Length < 3)
        {
            throw new CheckpointFormatException("A checkpoint has an origin, a tree size and a root hash, one per line.");
        }
        if (lines[0].Length == 0)
        {
            throw new CheckpointFormatException("The checkpoint's origin line is empty.");
        }
        var size = lines[1];
        if (size.Length == 0 || size.Length > 1 && size[0] == '0' || !size.All(char.IsAsciiDigit)
            || !long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var treeSize))
        {
            throw new CheckpointFormatException($"The checkpoint's tree size '{size}' is not a decimal number.");
        }
        byte[] root;
        try
        {
            root = Convert.FromBase64String(lines[2]);
        }
        catch (FormatException e)
        {
            throw new CheckpointFormatException("The checkpoint's root hash is not base64.", e);
        }
        if (root.Length != Rfc9162.HashSize || lines[2].Any(char.IsWhiteSpace))
        {
            throw new CheckpointFormatException($"The checkpoint's root hash is not {Rfc9162.HashSize} bytes of base64.");
        }
        var extensions = lines[3..];
        if (extensions.Any(e => e.Length == 0))
        {
            throw new CheckpointFormatException("A checkpoint extension line is empty.");
        }
        return new Checkpoint(lines[0], treeSize, root) { Extensions = extensions };
    }

    /// <summary>
    /// Verifies a signed checkpoint note with <paramref name="verifier"/> and parses it; its
    /// origin must be the key's name.
    /// </summary>
    /// <exception cref="NoteVerificationException">The signature does not hold.</exception>
    /// <exception cref="CheckpointFormatException">The signed text is not a checkpoint of that log.</exception>
    public static Checkpoint Open(string note, NoteVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        var checkpoint = Parse(SignedNote.Open(note, verifier));
        if (checkpoint.Origin != verifier.Name)
        {
            throw new CheckpointFormatException($"The checkpoint is of the log '{checkpoint.Origin}', not '{verifier.Name}'.");
        }
        return checkpoint;
    }
}

/// <summary>A text is not a well-formed checkpoint.</summary>
public sealed class CheckpointFormatException : Exception
{
    public CheckpointFormatException(string message) : base(message)
    {
    }

    public CheckpointFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public CheckpointFormatException()
    {
    }
}
