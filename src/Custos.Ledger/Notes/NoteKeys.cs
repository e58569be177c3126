using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Custos.Ledger.Notes;

/// <summary>
/// Key names and ids of the C2SP signed-note format. A key id is the first four bytes of
/// <c>SHA-256(name || 0x0A || 0x01 || public key)</c>, 0x01 naming Ed25519; the verifier key
/// an auditor is given reads <c>name+hexid+base64(0x01 || public key)</c>.
/// </summary>
public static class NoteKeys
{
    /// <summary>The signature type byte of Ed25519 in the signed-note format.</summary>
    public const byte Ed25519Type = 0x01;

    /// <summary>The type byte of an Ed25519 cosigner key (C2SP tlog-cosignature, <c>cosignature/v1</c>).</summary>
    public const byte CosignatureType = 0x04;

    public const string PrivateKeyPrefix = "PRIVATE+KEY+";

    internal static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    public static uint KeyId(string name, ReadOnlySpan<byte> publicKey, byte type = Ed25519Type)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = 0x0A;
        input[nameBytes.Length + 1] = type;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    /// <summary>A key name is non-empty, valid UTF-8 text without Unicode spaces or '+'.</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name)
        && !name.Any(c => char.IsWhiteSpace(c) || c == '+' || char.IsControl(c))
        && !HasLoneSurrogate(name);

    internal static string Hex(uint keyId) => keyId.ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>Splits <c>name+hexid+base64</c> and checks the id against the key; the key bytes include the type byte.</summary>
    internal static (string Name, uint KeyId, byte[] Key) ParseKeyString(string text, string what)
    {
        var parts = text.Split('+', 3); // base64 may itself contain '+'
        if (parts.Length != 3 || !IsValidName(parts[0]))
        {
            throw new NoteKeyException($"{what} is not of the form name+hexid+base64key.");
        }
        if (parts[1].Length != 8 || !uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id))
        {
            throw new NoteKeyException($"{what} has a key id '{parts[1]}' that is not 8 hex digits.");
        }
        byte[] key;
        try
        {
            key = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException e)
        {
            throw new NoteKeyException($"{what} has a key that is not base64.", e);
        }
        if (key.Length != 33 || key[0] is not (Ed25519Type or CosignatureType))
        {
            throw new NoteKeyException($"{what} is not an Ed25519 key (type byte 0x01, or 0x04 for a cosigner, and 32 key bytes).");
        }
        return (parts[0], id, key);
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>A key string is malformed or does not match its id.</summary>
public sealed class NoteKeyException : Exception
{
    public NoteKeyException(string message) : base(message)
    {
    }

    public NoteKeyException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public NoteKeyException()
    {
    }
}
