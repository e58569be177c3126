namespace Custos.Ledger.Witnessing;

/// <summary>
/// The witnesses a log submits each checkpoint to, and the quorum of cosignatures that makes a
/// checkpoint <em>witnessed</em>: a reader who requires the quorum can be shown a split view
/// only if that many witnesses collude.
/// </summary>
public sealed class WitnessGroup
{
    private readonly IReadOnlyList<WitnessClient> _witnesses;

    public WitnessGroup(IReadOnlyList<WitnessClient> witnesses, int quorum)
    {
        ArgumentNullException.ThrowIfNull(witnesses);
        if (quorum < 1 || quorum > witnesses.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(quorum), $"A quorum is between 1 and the {witnesses.Count} witnesses; got {quorum}.");
        }
        _witnesses = witnesses;
        Quorum = quorum;
    }

    public int Quorum { get; }

    /// <summary>Asks every witness at once; the note comes back with every cosignature gathered, and why the others did not cosign.</summary>
    public async Task<WitnessedCheckpoint> CosignAsync(string note, long size, Func<long, CancellationToken, Task<IReadOnlyList<byte[]>>> prove, CancellationToken cancellation = default)
    {
        var answers = await Task.WhenAll(_witnesses.Select(async witness =>
        {
            try
            {
                return (Lines: await witness.AddCheckpointAsync(note, size, prove, cancellation), Failure: (string?)null);
            }
            catch (Exception e) when (e is WitnessException or HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
            {
                return (Lines: "", Failure: $"{witness.Key.Name}: {e.Message}");
            }
        }));
        var cosignatures = answers.Count(a => a.Failure is null);
        return new WitnessedCheckpoint(
            size, note + string.Concat(answers.Select(a => a.Lines)), cosignatures, cosignatures >= Quorum,
            [.. answers.Where(a => a.Failure is not null).Select(a => a.Failure!)]);
    }
}

/// <summary>A checkpoint with the cosignatures it gathered; <see cref="IsWitnessed"/> when they reach the quorum.</summary>
public sealed record WitnessedCheckpoint(long Size, string Note, int Cosignatures, bool IsWitnessed, IReadOnlyList<string> Failures);
