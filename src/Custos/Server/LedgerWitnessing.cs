using System.Diagnostics;
using Custos.Ledger.Log;
using Custos.Ledger.Notes;
using Custos.Ledger.Witnessing;
using Custos.Server.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Custos.Server;

/// <summary>
/// The server's side of C2SP tlog-witness: <see cref="LedgerCheckpointer"/> hands it each new
/// checkpoint, it asks every configured witness at once for a cosignature and keeps the result,
/// and the ledger's checkpoint endpoints serve the <see cref="PublishedAsync">published</see>
/// note: the newest that reached the quorum, with its cosignatures appended, so that a reader who
/// requires the quorum is never shown a checkpoint the witnesses have not checked.
/// </summary>
/// <remarks>
/// Witnessing runs beside the decision path, never in it: a witness that is down or slow costs
/// the checkpointer at most <see cref="WitnessingOptions.Timeout"/> and leaves the published
/// checkpoint where it was. Nothing here needs to survive a restart: the witnesses keep what they
/// cosigned, and the first round after a start learns their sizes from their 409s.
/// </remarks>
public sealed class LedgerWitnessing : IDisposable
{
    private readonly HttpClient? _http;
    private readonly WitnessGroup? _group;
    private readonly ILogger<LedgerWitnessing> _logger;
    private WitnessedCheckpoint? _latest;
    private WitnessedCheckpoint? _witnessed;

    public LedgerWitnessing(IOptions<WitnessingOptions> options, ILogger<LedgerWitnessing> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        var settings = options.Value;
        if (settings.Witnesses.Count == 0)
        {
            return;
        }
        _http = new HttpClient { Timeout = settings.Timeout };
        _group = new WitnessGroup(
            [.. settings.Witnesses.Select(w => new WitnessClient(_http, SubmissionPrefix(w.Url!), NoteVerifier.Parse(w.Key!)))],
            settings.EffectiveQuorum);
    }

    public bool Enabled => _group is not null;

    /// <summary>The last checkpoint submitted, with the cosignatures it gathered; null before the first round.</summary>
    public WitnessedCheckpoint? Latest => Volatile.Read(ref _latest);

    /// <summary>The newest checkpoint that reached the quorum; null until one has.</summary>
    public WitnessedCheckpoint? Witnessed => Volatile.Read(ref _witnessed);

    public int Quorum => _group?.Quorum ?? 0;

    /// <summary>
    /// The checkpoint note readers are given: the newest witnessed one; before any is, the last
    /// submitted (with what cosignatures it has) or, without witnesses, a fresh signature.
    /// </summary>
    public async Task<string> PublishedAsync(ServerLedger ledger, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        if ((Witnessed ?? Latest) is { } published)
        {
            return published.Note;
        }
        return (await ledger.CheckpointAsync(cancellation)).Note;
    }

    /// <summary>
    /// Asks the witnesses to cosign <paramref name="checkpoint"/>, unless the last round already
    /// had it witnessed. Failures are the witnesses', logged and kept in <see cref="Latest"/>.
    /// </summary>
    public async Task WitnessAsync(SignedCheckpoint checkpoint, MerkleLog log, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(log);
        var size = checkpoint.Checkpoint.Size;
        if (_group is null || (Witnessed is { } done && done.Size >= size))
        {
            return;
        }
        var started = Stopwatch.GetTimestamp();
        var result = await _group.CosignAsync(checkpoint.Note, size, async (old, c) => (await log.ProveConsistencyAsync(old, size, c)).Hashes, cancellation);
        ServerTelemetry.WitnessingDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("witnessed", result.IsWitnessed));
        Volatile.Write(ref _latest, result);
        if (result.IsWitnessed)
        {
            Volatile.Write(ref _witnessed, result);
        }
        if (result.Failures.Count > 0)
        {
            _logger.LogWarning("Checkpoint of {Size} entries cosigned by {Cosignatures} of {Witnesses} witnesses (quorum {Quorum}): {Failures}",
                size, result.Cosignatures, result.Cosignatures + result.Failures.Count, Quorum, string.Join("; ", result.Failures));
        }
    }

    public void Dispose() => _http?.Dispose();

    /// <summary>A prefix that <c>add-checkpoint</c> is resolved under, whether or not it was written with a final '/'.</summary>
    private static Uri SubmissionPrefix(Uri url) => url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
}

/// <summary>
/// Witnessing for <c>/readyz</c>: always ready (a witness being down must not take a node out of
/// service), with what the last round gathered in its detail and data.
/// </summary>
internal sealed class WitnessingHealthCheck(LedgerWitnessing witnessing) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!witnessing.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("no witnesses configured"));
        }
        var latest = witnessing.Latest;
        var witnessed = witnessing.Witnessed;
        var data = new Dictionary<string, object>
        {
            ["quorum"] = witnessing.Quorum,
            ["witnessed_size"] = witnessed?.Size ?? 0,
        };
        if (latest is null)
        {
            return Task.FromResult(HealthCheckResult.Healthy("no checkpoint submitted to the witnesses yet", data));
        }
        data["latest_size"] = latest.Size;
        data["latest_cosignatures"] = latest.Cosignatures;
        var detail = latest.IsWitnessed
            ? $"checkpoint of {latest.Size} entries witnessed: {latest.Cosignatures} cosignatures, quorum {witnessing.Quorum}"
            : $"checkpoint of {latest.Size} entries not witnessed: {latest.Cosignatures} cosignatures, quorum {witnessing.Quorum} ({string.Join("; ", latest.Failures)}); "
              + (witnessed is null ? "no checkpoint witnessed yet" : $"the checkpoint of {witnessed.Size} entries is the latest witnessed");
        return Task.FromResult(HealthCheckResult.Healthy(detail, data));
    }
}
