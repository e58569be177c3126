using System.Buffers.Binary;
using System.Text;
using NSec.Cryptography;

namespace Custos.Ledger.Notes;

/// <summary>
/// An Ed25519 key that signs notes under a name. Its private form is the signed-note signer
/// key string <c>PRIVATE+KEY+name+hexid+base64(0x01 || seed)</c>, which is what is kept on disk.
/// Ed25519 is deterministic: the same key and text always give the same note.
/// </summary>
public sealed class NoteSigner : IDisposable
{
    private readonly Key _key;

    private NoteSigner(string name, Key key)
    {
        Name = name;
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        KeyId = NoteKeys.KeyId(name, PublicKey);
    }

    public string Name { get; }

    public uint KeyId { get; }

    public byte[] PublicKey { get; }

    /// <summary>What an auditor is given: <c>name+hexid+base64(0x01 || public key)</c>.</summary>
    public string VerifierKey => $"{Name}+{NoteKeys.Hex(KeyId)}+{Convert.ToBase64String([NoteKeys.Ed25519Type, .. PublicKey])}";

    public NoteVerifier Verifier => NoteVerifier.Parse(VerifierKey);

    public static NoteSigner Generate(string name)
    {
        RequireName(name);
        var key = Key.Create(NoteKeys.Algorithm, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return new NoteSigner(name, key);
    }

    /// <summary>Reads a signer key string; its key id must match the name and key.</summary>
    public static NoteSigner Parse(string signerKey)
    {
        ArgumentNullException.ThrowIfNull(signerKey);
        signerKey = signerKey.Trim();
        if (!signerKey.StartsWith(NoteKeys.PrivateKeyPrefix, StringComparison.Ordinal))
        {
            throw new NoteKeyException($"A signer key starts with {NoteKeys.PrivateKeyPrefix}.");
        }
        var (name, id, seed) = NoteKeys.ParseKeyString(signerKey[NoteKeys.PrivateKeyPrefix.Length..], "The signer key");
        var key = Key.Import(NoteKeys.Algorithm, seed.AsSpan(1), KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var signer = new NoteSigner(name, key);
        if (signer.KeyId != id)
        {
            signer.Dispose();
            throw new NoteKeyException($"The signer key's id {NoteKeys.Hex(id)} does not match its name and key ({NoteKeys.Hex(signer.KeyId)}).");
        }
        return signer;
    }

    /// <summary>The signer key string: a secret, to be stored with owner-only permissions.</summary>
    public string ExportSignerKey()
    {
        var seed = _key.Export(KeyBlobFormat.RawPrivateKey);
        return $"{NoteKeys.PrivateKeyPrefix}{Name}+{NoteKeys.Hex(KeyId)}+{Convert.ToBase64String([NoteKeys.Ed25519Type, .. seed])}";
    }

    /// <summary>Signs <paramref name="text"/> (which must end in a newline) and returns the signed note.</summary>
    public string Sign(string text)
    {
        SignedNote.RequireValidText(text);
        var signature = NoteKeys.Algorithm.Sign(_key, Encoding.UTF8.GetBytes(text));
        var payload = new byte[4 + signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(payload, KeyId);
        signature.CopyTo(payload, 4);
        return $"{text}\n{SignedNote.SignaturePrefix}{Name} {Convert.ToBase64String(payload)}\n";
    }

    public void Dispose() => _key.Dispose();

    private static void RequireName(string name)
    {
        if (!NoteKeys.IsValidName(name))
        {
            throw new NoteKeyException($"'{name}' is not a key name: it must be non-empty, without spaces or '+'.");
        }
    }
}
