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

    private NoteSigner(string name, Key key, byte type)
    {
        Name = name;
        _key = key;
        Type = type;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        KeyId = NoteKeys.KeyId(name, PublicKey, type);
    }

    public string Name { get; }

    /// <summary><see cref="NoteKeys.Ed25519Type"/> for a note signer, <see cref="NoteKeys.CosignatureType"/> for a witness's cosigner.</summary>
    public byte Type { get; }

    public uint KeyId { get; }

    public byte[] PublicKey { get; }

    /// <summary>What an auditor is given: <c>name+hexid+base64(0x01 || public key)</c>.</summary>
    public string VerifierKey => $"{Name}+{NoteKeys.Hex(KeyId)}+{Convert.ToBase64String([Type, .. PublicKey])}";

    public NoteVerifier Verifier => NoteVerifier.Parse(VerifierKey);

    public static NoteSigner Generate(string name, byte type = NoteKeys.Ed25519Type)
    {
        RequireName(name);
        if (type is not (NoteKeys.Ed25519Type or NoteKeys.CosignatureType))
        {
            throw new NoteKeyException($"0x{type:x2} is not a key type Custos signs with.");
        }
        var key = Key.Create(NoteKeys.Algorithm, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return new NoteSigner(name, key, type);
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
        var signer = new NoteSigner(name, key, seed[0]);
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
        return $"{NoteKeys.PrivateKeyPrefix}{Name}+{NoteKeys.Hex(KeyId)}+{Convert.ToBase64String([Type, .. seed])}";
    }

    /// <summary>Signs <paramref name="text"/> (which must end in a newline) and returns the signed note.</summary>
    public string Sign(string text)
    {
        SignedNote.RequireValidText(text);
        if (Type != NoteKeys.Ed25519Type)
        {
            throw new InvalidOperationException("A cosigner key signs cosignatures, not notes.");
        }
        return $"{text}\n{SignatureLine([], Encoding.UTF8.GetBytes(text))}";
    }

    /// <summary>A signature line over <paramref name="message"/>: <c>— name base64(key id || prefix || signature)</c> and a newline.</summary>
    internal string SignatureLine(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> message)
    {
        var signature = NoteKeys.Algorithm.Sign(_key, message);
        var payload = new byte[4 + prefix.Length + signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(payload, KeyId);
        prefix.CopyTo(payload.AsSpan(4));
        signature.CopyTo(payload, 4 + prefix.Length);
        return $"{SignedNote.SignaturePrefix}{Name} {Convert.ToBase64String(payload)}\n";
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
