using NSec.Cryptography;

namespace Custos.Ledger.Notes;

/// <summary>
/// A verifier key, <c>name+hexid+base64(0x01 || public key)</c>: checks the signatures that
/// its signer made. Parsing refuses a key string whose id does not match its name and key.
/// </summary>
public sealed class NoteVerifier
{
    private readonly PublicKey _key;

    private NoteVerifier(string name, uint keyId, PublicKey key, string text, byte type)
    {
        Name = name;
        KeyId = keyId;
        _key = key;
        Text = text;
        Type = type;
    }

    public string Name { get; }

    /// <summary><see cref="NoteKeys.Ed25519Type"/> for a note signer's key, <see cref="NoteKeys.CosignatureType"/> for a witness's.</summary>
    public byte Type { get; }

    public uint KeyId { get; }

    /// <summary>The verifier key string.</summary>
    public string Text { get; }

    public static NoteVerifier Parse(string verifierKey)
    {
        ArgumentNullException.ThrowIfNull(verifierKey);
        verifierKey = verifierKey.Trim();
        var (name, id, key) = NoteKeys.ParseKeyString(verifierKey, "The verifier key");
        if (!PublicKey.TryImport(NoteKeys.Algorithm, key.AsSpan(1), KeyBlobFormat.RawPublicKey, out var publicKey) || publicKey is null)
        {
            throw new NoteKeyException("The verifier key is not a valid Ed25519 public key.");
        }
        var computed = NoteKeys.KeyId(name, key.AsSpan(1), key[0]);
        if (computed != id)
        {
            throw new NoteKeyException($"The verifier key's id {NoteKeys.Hex(id)} does not match its name and key ({NoteKeys.Hex(computed)}).");
        }
        return new NoteVerifier(name, id, publicKey, verifierKey, key[0]);
    }

    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        NoteKeys.Algorithm.Verify(_key, message, signature);

    public override string ToString() => Text;
}
