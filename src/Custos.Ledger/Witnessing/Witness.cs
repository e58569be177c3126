using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Custos.Ledger.Checkpoints;
using Custos.Ledger.Hashing;
using Custos.Ledger.Notes;
using Custos.Ledger.Proofs;

namespace Custos.Ledger.Witnessing;

/// <summary>
/// A C2SP tlog-witness: for each log it knows (by origin and verifier key) it keeps the latest
/// tree head it cosigned, and cosigns a new checkpoint only if it is signed by the log and
/// provably extends that head. So it never cosigns a rollback or a fork, and a log that shows
/// different histories to different readers needs every witness of a quorum to collude.
/// </summary>
/// <remarks>
/// The check of the old size and the write of the new head happen under one lock, and the head
/// is durable (written to a temporary file, flushed, renamed over the old one) before the
/// cosignature is returned: a crash never lets the witness forget what it signed, and two
/// concurrent requests cannot roll it back (tlog-witness, add-checkpoint).
/// </remarks>
public sealed class Witness : IDisposable
{
    /// <summary>The content type of a 409's body, the size the witness holds.</summary>
    public const string SizeContentType = "text/x.tlog.size";

    private readonly NoteSigner _cosigner;
    private readonly ILookup<string, NoteVerifier> _logs;
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <param name="cosigner">The witness's key (type 0x04).</param>
    /// <param name="logs">The verifier keys of the logs it witnesses; a key's name is its log's origin.</param>
    /// <param name="directory">Where it keeps the latest head of each log.</param>
    /// <param name="time">The clock of its cosignatures' timestamps.</param>
    public Witness(NoteSigner cosigner, IEnumerable<NoteVerifier> logs, string directory, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(cosigner);
        ArgumentNullException.ThrowIfNull(logs);
        if (cosigner.Type != NoteKeys.CosignatureType)
        {
            throw new ArgumentException("A witness signs with a cosigner key (type 0x04): custos witness keygen makes one.", nameof(cosigner));
        }
        _cosigner = cosigner;
        _logs = logs.ToLookup(l => l.Name, StringComparer.Ordinal);
        _directory = directory;
        _time = time ?? TimeProvider.System;
        Directory.CreateDirectory(directory);
    }

    /// <summary>The witness's verifier key, for the logs and the readers who count its cosignatures.</summary>
    public string VerifierKey => _cosigner.VerifierKey;

    /// <summary>Answers one add-checkpoint request as the spec says: 200 with the cosignature, or 400, 403, 404, 409, 422.</summary>
    public async Task<WitnessResponse> AddCheckpointAsync(string body, CancellationToken cancellation = default)
    {
        AddCheckpoint request;
        Checkpoint checkpoint;
        try
        {
            request = AddCheckpoint.Parse(body);
            checkpoint = Checkpoint.Parse(SignedNote.Parse(request.Note).Text);
        }
        catch (Exception e) when (e is FormatException or NoteVerificationException or CheckpointFormatException)
        {
            return WitnessResponse.Text(400, $"not an add-checkpoint request: {e.Message}");
        }
        if (!_logs.Contains(checkpoint.Origin))
        {
            return WitnessResponse.Text(404, $"this witness does not know the log '{checkpoint.Origin}'.");
        }
        if (!_logs[checkpoint.Origin].Any(key => SignedBy(request.Note, key)))
        {
            return WitnessResponse.Text(403, $"the checkpoint carries no valid signature of a key of '{checkpoint.Origin}' this witness trusts.");
        }
        if (request.OldSize > checkpoint.Size)
        {
            return WitnessResponse.Text(400, $"old size {request.OldSize} is larger than the checkpoint's size {checkpoint.Size}.");
        }
        if (request.OldSize == 0 && request.Proof.Count > 0)
        {
            return WitnessResponse.Text(400, "a consistency proof from size 0 must be empty.");
        }

        await _lock.WaitAsync(cancellation);
        try
        {
            var (size, root) = Read(checkpoint.Origin);
            if (request.OldSize != size)
            {
                return new WitnessResponse(409, SizeContentType, $"{size.ToString(CultureInfo.InvariantCulture)}\n");
            }
            if (size == checkpoint.Size && size > 0 && !root.AsSpan().SequenceEqual(checkpoint.RootHash))
            {
                return WitnessResponse.Text(409, $"a different tree head of size {size} was cosigned before: the log has forked.");
            }
            if (size > 0 && size < checkpoint.Size)
            {
                try
                {
                    ProofVerifier.VerifyConsistency((ulong)size, (ulong)checkpoint.Size, root, checkpoint.RootHash, request.Proof);
                }
                catch (ProofVerificationException e)
                {
                    return WitnessResponse.Text(422, $"not consistent with the tree head of size {size} cosigned before: {e.Message}");
                }
            }
            await WriteAsync(checkpoint, cancellation);
        }
        finally
        {
            _lock.Release();
        }
        return WitnessResponse.Text(200, Cosignatures.Sign(_cosigner, checkpoint.ToText(), _time.GetUtcNow()));
    }

    public void Dispose() => _lock.Dispose();

    /// <summary>The size and root this witness last cosigned for a log (0 and the empty root if none).</summary>
    public (long Size, byte[] Root) Latest(string origin) => Read(origin);

    private static bool SignedBy(string note, NoteVerifier key)
    {
        try
        {
            SignedNote.Open(note, key);
            return true;
        }
        catch (NoteVerificationException)
        {
            return false;
        }
    }

    private string PathOf(string origin) =>
        Path.Combine(_directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(origin))) + ".head");

    private (long Size, byte[] Root) Read(string origin)
    {
        var path = PathOf(origin);
        if (!File.Exists(path))
        {
            return (0, Rfc9162.EmptyRoot);
        }
        var head = Checkpoint.Parse(File.ReadAllText(path));
        return (head.Size, head.RootHash);
    }

    private async Task WriteAsync(Checkpoint checkpoint, CancellationToken cancellation)
    {
        var path = PathOf(checkpoint.Origin);
        var temporary = $"{path}.{Guid.NewGuid():n}.tmp";
        await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await file.WriteAsync(Encoding.UTF8.GetBytes(new Checkpoint(checkpoint.Origin, checkpoint.Size, checkpoint.RootHash).ToText()), cancellation);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>A witness's answer: the HTTP status, its content type and body.</summary>
public sealed record WitnessResponse(int Status, string ContentType, string Body)
{
    public static WitnessResponse Text(int status, string body) => new(status, "text/plain; charset=utf-8", body);
}
