using System.Buffers.Binary;
using System.Text;

namespace Custos.Ledger.Notes;

/// <summary>
/// The C2SP signed-note format: a text ending in a newline, a blank line, and one signature
/// line per signer, <c>— name base64(key id || signature)</c>. The signature covers the text
/// with its final newline. Opening a note accepts it only if a known key signed it; a note that
/// names a known key with a bad signature is rejected outright, never skipped.
/// </summary>
public static class SignedNote
{
    /// <summary>An em dash (U+2014) and a space.</summary>
    public const string SignaturePrefix = "\u2014 ";

    /// <summary>Notes larger than this, or with more signatures, are refused unread.</summary>
    public const int MaxNoteBytes = 1 << 20;

    public const int MaxSignatures = 100;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Verifies <paramref name="note"/> against <paramref name="verifier"/> and returns its text.</summary>
    /// <exception cref="NoteVerificationException">The note is malformed, unsigned by the key, or its signature fails.</exception>
    public static string Open(string note, NoteVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        if (verifier.Type != NoteKeys.Ed25519Type)
        {
            throw new ArgumentException("A cosigner's key checks cosignatures (Cosignatures.Verify), not notes.", nameof(verifier));
        }
        var (text, signatures) = Parse(note);
        var message = StrictUtf8.GetBytes(text);
        var verified = false;
        foreach (var (name, keyId, signature) in signatures)
        {
            if (name != verifier.Name || keyId != verifier.KeyId)
            {
                continue; // some other party's signature: neither trusted nor a reason to reject
            }
            if (!verifier.Verify(message, signature))
            {
                throw new NoteVerificationException($"The signature of {name} on the note is invalid.");
            }
            verified = true;
        }
        if (!verified)
        {
            throw new NoteVerificationException($"The note carries no signature of the key {verifier.Name}+{NoteKeys.Hex(verifier.KeyId)}.");
        }
        return text;
    }

    /// <summary>Splits a note into its text and its signatures, checking only their form.</summary>
    /// <exception cref="NoteVerificationException">The note is malformed.</exception>
    internal static (string Text, IReadOnlyList<(string Name, uint KeyId, byte[] Signature)> Signatures) Parse(string note)
    {
        ArgumentNullException.ThrowIfNull(note);
        if (Encoding.UTF8.GetByteCount(note) > MaxNoteBytes)
        {
            throw new NoteVerificationException("The note is too large.");
        }
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            throw new NoteVerificationException("The note has no blank line before its signatures.");
        }
        var text = note[..(split + 1)];
        var signatures = note[(split + 2)..];
        try
        {
            RequireValidText(text);
        }
        catch (ArgumentException e)
        {
            throw new NoteVerificationException($"The note's text is malformed: {e.Message}", e);
        }
        if (signatures.Length == 0 || signatures[^1] != '\n')
        {
            throw new NoteVerificationException("The note's signatures do not end in a newline.");
        }

        var lines = signatures[..^1].Split('\n');
        if (lines.Length > MaxSignatures)
        {
            throw new NoteVerificationException("The note has too many signatures.");
        }
        return (text, [.. lines.Select(ParseSignatureLine)]);
    }

    /// <summary>A note's text is non-empty UTF-8 ending in a newline, without other control characters.</summary>
    internal static void RequireValidText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || text[^1] != '\n')
        {
            throw new ArgumentException("a note's text must be non-empty and end with a newline.", nameof(text));
        }
        foreach (var c in text)
        {
            if (c < 0x20 && c != '\n' || c == 0x7F)
            {
                throw new ArgumentException("a note's text must not contain control characters other than newline.", nameof(text));
            }
        }
        try
        {
            StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("a note's text must be valid Unicode.", nameof(text), e);
        }
    }

    private static (string Name, uint KeyId, byte[] Signature) ParseSignatureLine(string line)
    {
        if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal))
        {
            throw new NoteVerificationException("A signature line does not start with an em dash and a space.");
        }
        var rest = line[SignaturePrefix.Length..];
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            throw new NoteVerificationException("A signature line has no key name and signature.");
        }
        var name = rest[..space];
        if (!NoteKeys.IsValidName(name))
        {
            throw new NoteVerificationException($"A signature line names an invalid key name '{name}'.");
        }
        var encoded = rest[(space + 1)..];
        // Convert.FromBase64String skips white space; the format allows none.
        if (encoded.Length == 0 || !encoded.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))
        {
            throw new NoteVerificationException("A signature line's signature is not base64.");
        }
        byte[] payload;
        try
        {
            payload = Convert.FromBase64String(encoded);
        }
        catch (FormatException e)
        {
            throw new NoteVerificationException("A signature line's signature is not base64.", e);
        }
        if (payload.Length < 5)
        {
            throw new NoteVerificationException("A signature line's signature is malformed.");
        }
        return (name, BinaryPrimitives.ReadUInt32BigEndian(payload), payload[4..]);
    }
}

/// <summary>A signed note did not open: malformed, not signed by the expected key, or forged.</summary>
public sealed class NoteVerificationException : Exception
{
    public NoteVerificationException(string message) : base(message)
    {
    }

    public NoteVerificationException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public NoteVerificationException()
    {
    }
}
