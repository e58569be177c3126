using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Custos.Ledger.Notes;

namespace Custos.Ledger.Witnessing;

/// <summary>
/// C2SP tlog-cosignature, <c>cosignature/v1</c> (Ed25519): a witness's note signature on a
/// checkpoint, over <c>"cosignature/v1\ntime T\n"</c> and the checkpoint's text, whose payload
/// is the key id, the 8-byte big-endian POSIX time <c>T</c>, then the signature. It says: as of
/// <c>T</c>, this is the largest consistent tree head the witness has seen for the log.
/// </summary>
public static class Cosignatures
{
    private const string Header = "cosignature/v1\n";

    /// <summary>The cosignature line (with its newline) of <paramref name="cosigner"/> on a checkpoint's text.</summary>
    public static string Sign(NoteSigner cosigner, string checkpointText, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(cosigner);
        if (cosigner.Type != NoteKeys.CosignatureType)
        {
            throw new ArgumentException("Cosignatures are made with a cosigner key (type 0x04).", nameof(cosigner));
        }
        var timestamp = time.ToUnixTimeSeconds();
        ArgumentOutOfRangeException.ThrowIfNegative(timestamp, nameof(time));
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(prefix, (ulong)timestamp);
        return cosigner.SignatureLine(prefix, Message(checkpointText, timestamp));
    }

    /// <summary>
    /// When <paramref name="witness"/> cosigned <paramref name="note"/>, or null if the note
    /// carries no signature line of that key.
    /// </summary>
    /// <exception cref="NoteVerificationException">The note is malformed, or a line of that key does not verify.</exception>
    public static DateTimeOffset? Verify(string note, NoteVerifier witness)
    {
        ArgumentNullException.ThrowIfNull(witness);
        if (witness.Type != NoteKeys.CosignatureType)
        {
            throw new ArgumentException("A cosignature is checked with a cosigner key (type 0x04).", nameof(witness));
        }
        var (text, signatures) = SignedNote.Parse(note);
        DateTimeOffset? latest = null;
        foreach (var (name, keyId, payload) in signatures)
        {
            if (name != witness.Name || keyId != witness.KeyId)
            {
                continue;
            }
            var timestamp = payload.Length == 8 + 64 ? BinaryPrimitives.ReadUInt64BigEndian(payload) : ulong.MaxValue;
            if (timestamp > long.MaxValue || !witness.Verify(Message(text, (long)timestamp), payload.AsSpan(8)))
            {
                throw new NoteVerificationException($"The cosignature of {name} on the checkpoint is invalid.");
            }
            var time = DateTimeOffset.FromUnixTimeSeconds((long)timestamp);
            latest = latest is null || time > latest ? time : latest;
        }
        return latest;
    }

    /// <summary>How many of <paramref name="witnesses"/> validly cosigned the note (each key counted once).</summary>
    public static int Count(string note, IEnumerable<NoteVerifier> witnesses)
    {
        ArgumentNullException.ThrowIfNull(witnesses);
        return witnesses.DistinctBy(w => w.Text).Count(w =>
        {
            try
            {
                return Verify(note, w) is not null;
            }
            catch (NoteVerificationException)
            {
                return false;
            }
        });
    }

    private static byte[] Message(string checkpointText, long timestamp) =>
        Encoding.UTF8.GetBytes($"{Header}time {timestamp.ToString(CultureInfo.InvariantCulture)}\n{checkpointText}");
}
