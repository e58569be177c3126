using System.Globalization;
using System.Net;
using System.Text;
using Custos.Ledger.Notes;

namespace Custos.Ledger.Witnessing;

/// <summary>
/// A log's side of C2SP tlog-witness: submits its checkpoints to one witness with a consistency
/// proof from the size the witness last cosigned, and returns the witness's cosignature once it
/// verifies against the witness's key. Learns the witness's size from a 409 and tries once more.
/// </summary>
public sealed class WitnessClient(HttpClient http, Uri submissionPrefix, NoteVerifier witness)
{
    private long _witnessSize;

    public NoteVerifier Key { get; } = witness;

    /// <summary>
    /// Submits a signed checkpoint of <paramref name="size"/> entries; <paramref name="prove"/>
    /// gives the consistency proof from an older size. Returns the cosignature line(s).
    /// </summary>
    /// <exception cref="WitnessException">The witness refused, or its answer does not verify.</exception>
    public async Task<string> AddCheckpointAsync(string note, long size, Func<long, CancellationToken, Task<IReadOnlyList<byte[]>>> prove, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(prove);
        for (var attempt = 0; ; attempt++)
        {
            var old = Volatile.Read(ref _witnessSize);
            if (old > size)
            {
                throw new WitnessException($"{Key.Name} has cosigned a tree of {old} entries, larger than this one of {size}: the log has rolled back.");
            }
            var proof = old == 0 || old == size ? [] : await prove(old, cancellation);
            using var content = new StringContent(new AddCheckpoint(old, proof, note).ToBody(), Encoding.UTF8, "text/plain");
            using var response = await http.PostAsync(new Uri(submissionPrefix, "add-checkpoint"), content, cancellation);
            var body = await response.Content.ReadAsStringAsync(cancellation);
            if (response.StatusCode == HttpStatusCode.Conflict && response.Content.Headers.ContentType?.MediaType == Witness.SizeContentType
                && long.TryParse(body.TrimEnd('\n'), NumberStyles.None, CultureInfo.InvariantCulture, out var known) && known != old && attempt == 0)
            {
                Volatile.Write(ref _witnessSize, known);
                continue;
            }
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new WitnessException($"{Key.Name} refused the checkpoint of {size} entries ({(int)response.StatusCode}): {body.Trim()}");
            }
            try
            {
                if (Cosignatures.Verify(note + body, Key) is null)
                {
                    throw new WitnessException($"{Key.Name} answered without a cosignature of its key.");
                }
            }
            catch (NoteVerificationException e)
            {
                throw new WitnessException($"{Key.Name} answered with a cosignature that does not verify: {e.Message}", e);
            }
            Volatile.Write(ref _witnessSize, size);
            return string.Concat(body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(line => line.StartsWith($"{SignedNote.SignaturePrefix}{Key.Name} ", StringComparison.Ordinal))
                .Select(line => line + "\n"));
        }
    }
}

/// <summary>A witness did not cosign.</summary>
public sealed class WitnessException : Exception
{
    public WitnessException(string message) : base(message)
    {
    }

    public WitnessException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public WitnessException()
    {
    }
}
