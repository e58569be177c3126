using System.Globalization;
using Custos.Ledger.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Custos.Oversight;

/// <summary>
/// Detection's part of <c>/readyz</c>: its state, the last ledger entry it has examined, and how
/// far behind the ledger's head it is — in time, the age of the oldest entry not yet examined.
/// Not ready when detection is on and has failed, or lags by more than
/// <see cref="LiveDetectionOptions.MaxLag"/>: a node whose decisions no one is watching should
/// not take more of them. A node with detection off is ready as far as detection goes.
/// </summary>
public sealed class DetectionHealthCheck(DetectionWorker worker, INodeLedger ledger, IOptions<LiveDetectionOptions> options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.Value.Enabled)
        {
            return HealthCheckResult.Healthy("off on this node", new Dictionary<string, object> { ["state"] = "off" });
        }
        var status = worker.Status;
        if (status.State == DetectionState.StandingBy)
        {
            return HealthCheckResult.Healthy("standing by: another node runs detection on the shared ledger", new Dictionary<string, object> { ["state"] = Name(status.State) });
        }
        var now = time.GetUtcNow();
        long size;
        DateTimeOffset? oldest = null;
        try
        {
            var log = await ledger.GetLogAsync(cancellationToken);
            size = await log.Store.ReadSizeAsync(cancellationToken);
            if (status.ExaminedBefore is { } before && before < size)
            {
                oldest = await LedgerItem.TimeNearAsync(log.Store, before, size, cancellationToken);
            }
        }
        catch (LedgerStoreException e)
        {
            return HealthCheckResult.Unhealthy($"{Name(status.State)}; the ledger cannot be read: {e.Message}", data: Data(status, null, null));
        }
        return Judge(status, size, oldest, now, options.Value.MaxLag);
    }

    /// <summary>
    /// The verdict on detection given the ledger's size and the time of the oldest entry it has
    /// not examined (null when it has examined them all, or that entry has no time). Before a
    /// session knows where it stopped, its lag is the time since it started.
    /// </summary>
    internal static HealthCheckResult Judge(DetectionStatus status, long ledgerSize, DateTimeOffset? oldestUnexamined, DateTimeOffset now, TimeSpan maxLag)
    {
        var lag = status.ExaminedBefore is null ? Positive(now - status.Since)
            : status.ExaminedBefore < ledgerSize && oldestUnexamined is { } oldest ? Positive(now - oldest)
            : TimeSpan.Zero;
        var data = Data(status, ledgerSize, lag);
        var seconds = lag.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var position = status.ExaminedBefore is { } examined
            ? $"{Math.Min(examined, ledgerSize)} of {ledgerSize} ledger entries examined, {seconds} s behind"
            : $"position not yet read, {seconds} s since the session started";
        if (status.State == DetectionState.Failed)
        {
            return HealthCheckResult.Unhealthy($"failed ({status.Failure}), retrying; {position}", data: data);
        }
        if (lag > maxLag)
        {
            return HealthCheckResult.Unhealthy($"{Name(status.State)}, {position}: more than Detection:MaxLag ({maxLag})", data: data);
        }
        return HealthCheckResult.Healthy($"{Name(status.State)}, {position}", data);
    }

    private static TimeSpan Positive(TimeSpan span) => span > TimeSpan.Zero ? span : TimeSpan.Zero;

    private static string Name(DetectionState state) => state switch
    {
        DetectionState.Starting => "starting",
        DetectionState.CatchingUp => "catching-up",
        DetectionState.Running => "running",
        DetectionState.StandingBy => "standing-by",
        _ => "failed",
    };

    private static Dictionary<string, object> Data(DetectionStatus status, long? size, TimeSpan? lag)
    {
        var data = new Dictionary<string, object> { ["state"] = Name(status.State) };
        if (status.ExaminedBefore is { } before && before > 0)
        {
            data["last_examined_index"] = before - 1;
        }
        if (size is { } s)
        {
            data["ledger_size"] = s;
        }
        if (lag is { } l)
        {
            data["lag_seconds"] = Math.Round(l.TotalSeconds, 3);
        }
        if (status.Failure is { } failure && status.State == DetectionState.Failed)
        {
            data["failure"] = failure;
        }
        return data;
    }
}
