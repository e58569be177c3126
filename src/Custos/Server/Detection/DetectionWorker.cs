using System.Diagnostics;
using Custos.Access;
using Custos.Access.Decisions;
using Custos.Access.Storage;
using Custos.Detection;
using Custos.Ledger.Log;
using Custos.Ledger.Storage;
using Microsoft.Extensions.Options;

namespace Custos.Server.Detection;

/// <summary>
/// Runs detection on this node: one <see cref="DetectionSession"/> at a time owns the engine
/// (single-threaded by design), follows the ledger, ledgers the alerts it raises and projects
/// them for the API. Crash-only: a session that fails for any reason (a store or the ledger
/// gone, an append refused) is thrown away and a new one rebuilt from what is durable, after a
/// pause that doubles up to a minute. Never on the decision path.
/// </summary>
public sealed class DetectionWorker(
    DetectionFeed feed,
    ServerLedger ledger,
    IAccessLedger appender,
    AccessStore store,
    AccessStateHolder state,
    WorldIndexes worlds,
    DetectionOptions thresholds,
    IOptions<LiveDetectionOptions> options,
    TimeProvider time,
    ILogger<DetectionWorker> logger) : BackgroundService
{
    /// <summary>The projection's name: its position is where detection resumes after a restart.</summary>
    public const string Projection = "detection";

    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMinutes(1);

    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _projected;
    private volatile bool _live;

    /// <summary>Every alert entry below this ledger index is in the store's projection.</summary>
    public long ProjectedThrough => Interlocked.Read(ref _projected);

    /// <summary>Whether the engine has caught up with the ledger and sees decisions as they come.</summary>
    public bool IsLive => _live;

    /// <summary>Completes the next time the projection moves forward.</summary>
    public Task Progress => Volatile.Read(ref _progress).Task;

    public bool Enabled => options.Value.Enabled;

    /// <summary>Waits until the alert entry at <paramref name="index"/> is projected; false if it is not within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForProjectionAsync(long index, TimeSpan timeout, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var progress = Progress;
            if (ProjectedThrough > index)
            {
                return true;
            }
            var remaining = timeout - Stopwatch.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero || !Enabled)
            {
                return false;
            }
            try
            {
                await progress.WaitAsync(remaining, cancellation);
            }
            catch (TimeoutException)
            {
                return ProjectedThrough > index;
            }
        }
    }

    internal void ReportProjected(long next)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _projected);
            if (next <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _projected, next, current) != current);
        Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    internal void ReportLive(bool live) => _live = live;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            logger.LogInformation("Detection is off on this node (Detection:Enabled); the alerts API serves what the detecting node projects");
            return;
        }
        var pause = FirstPause;
        while (!stoppingToken.IsCancellationRequested)
        {
            var session = new DetectionSession(this, feed, ledger, appender, store, state, worlds, thresholds, options.Value, time, logger);
            var started = Stopwatch.GetTimestamp();
            try
            {
                await session.RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                await session.StopAsync();
                return;
            }
            catch (Exception e) when (e is StoreUnavailableException or LedgerStoreException or AccessNotReadyException or LedgerAppendException)
            {
                logger.LogWarning("Detection paused, resuming from the ledger in {Pause}: {Reason}", pause, e.Message);
            }
#pragma warning disable CA1031 // Crash-only: whatever broke the session, the next one is rebuilt from what is durable.
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogError(e, "Detection failed; resuming from the ledger in {Pause}", pause);
            }
            ReportLive(false);
            pause = Stopwatch.GetElapsedTime(started) > LongestPause ? FirstPause : TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            try
            {
                await Task.Delay(pause, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
