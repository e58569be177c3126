using System.Diagnostics;
using Custos.Access;
using Custos.Access.Decisions;
using Custos.Access.Storage;
using Custos.Detection;
using Custos.Ledger.Log;
using Custos.Ledger.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Custos.Oversight;

/// <summary>
/// Runs detection on this node: one <see cref="DetectionSession"/> at a time owns the engine
/// (single-threaded by design), follows the ledger, ledgers the alerts it raises and projects
/// them for the API. Crash-only: a session that fails for any reason (a store or the ledger
/// gone, an append refused) is thrown away and a new one rebuilt from what is durable, after a
/// pause that doubles up to a minute. Never on the decision path.
/// </summary>
public sealed class DetectionWorker(
    DetectionFeed feed,
    INodeLedger ledger,
    IAccessLedger appender,
    AccessStore store,
    AccessStateHolder state,
    WorldIndexes worlds,
    DetectionOptions thresholds,
    IOptions<LiveDetectionOptions> options,
    DetectionLeadership leadership,
    TimeProvider time,
    ILogger<DetectionWorker> logger) : BackgroundService
{
    /// <summary>The projection's name: its position is where detection resumes after a restart.</summary>
    public const string Projection = "detection";

    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMinutes(1);

    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _projected;
    private volatile DetectionStatus _status = new(DetectionState.Starting, null, time.GetUtcNow(), null);

    /// <summary>Every alert entry below this ledger index is in the store's projection.</summary>
    public long ProjectedThrough => Interlocked.Read(ref _projected);

    /// <summary>Whether the engine has caught up with the ledger and sees decisions as they come.</summary>
    public bool IsLive => _status.State == DetectionState.Running;

    /// <summary>What detection is doing and how far it has examined the ledger: <c>/readyz</c>'s <c>detection</c> check.</summary>
    public DetectionStatus Status => _status;

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

    /// <summary>Another node runs detection on the shared ledger; this one takes over if it dies.</summary>
    private void ReportStandingBy()
    {
        if (_status.State != DetectionState.StandingBy)
        {
            logger.LogInformation("Another node runs detection on the shared ledger; this node takes over if it stops");
            _status = new(DetectionState.StandingBy, null, time.GetUtcNow(), null);
        }
    }

    /// <summary>A session starts: it has not yet read where detection stopped.</summary>
    internal void ReportStarting() => _status = new(DetectionState.Starting, null, time.GetUtcNow(), null);

    /// <summary>
    /// The session rebuilds its windows and examines what it has not yet; every entry below
    /// <paramref name="examinedBefore"/> has been examined (by this session or an earlier one).
    /// </summary>
    internal void ReportCatchingUp(long examinedBefore) => _status = _status with { State = DetectionState.CatchingUp, ExaminedBefore = examinedBefore };

    internal void ReportLive() => _status = _status with { State = DetectionState.Running };

    /// <summary>Every entry below <paramref name="examinedBefore"/> has been examined and its alerts ledgered.</summary>
    internal void ReportExamined(long examinedBefore)
    {
        var status = _status;
        if (status.ExaminedBefore is not { } before || examinedBefore > before)
        {
            _status = status with { ExaminedBefore = examinedBefore };
        }
    }

    private void ReportFailed(string reason) => _status = _status with { State = DetectionState.Failed, Failure = reason, Since = time.GetUtcNow() };

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
            DetectionLeadership.Term term;
            try
            {
                term = await leadership.AcquireAsync(ReportStandingBy, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (LedgerStoreException e)
            {
                logger.LogWarning("Detection cannot tell whether another node leads it; trying again in {Pause}: {Reason}", FirstPause, e.Message);
                ReportFailed(e.Message);
                await Task.Delay(FirstPause, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            await using var leading = term;
            ReportStarting();
            var session = new DetectionSession(this, feed, ledger, appender, store, state, worlds, thresholds, options.Value, time, logger);
            var started = Stopwatch.GetTimestamp();
            try
            {
                await session.RunAsync(term.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                await session.StopAsync();
                return;
            }
            catch (OperationCanceledException) when (term.Lost)
            {
                // Another node may lead now: write nothing more, not even the position.
                logger.LogWarning("This node lost the lead of detection (its lock's connection to the ledger's database); standing by");
                continue;
            }
            catch (Exception e) when (e is StoreUnavailableException or LedgerStoreException or AccessNotReadyException or LedgerAppendException)
            {
                logger.LogWarning("Detection paused, resuming from the ledger in {Pause}: {Reason}", pause, e.Message);
                ReportFailed(e.Message);
            }
#pragma warning disable CA1031 // Crash-only: whatever broke the session, the next one is rebuilt from what is durable.
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogError(e, "Detection failed; resuming from the ledger in {Pause}", pause);
                ReportFailed(e.Message);
            }
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

/// <summary>What detection on this node is doing.</summary>
public enum DetectionState
{
    /// <summary>A session is opening the ledger and the store, not yet knowing where detection stopped.</summary>
    Starting,

    /// <summary>Rebuilding the detectors' windows and examining what was ledgered since detection stopped.</summary>
    CatchingUp,

    /// <summary>Caught up: decisions are examined as they are ledgered.</summary>
    Running,

    /// <summary>The last session failed; the next is rebuilt from the ledger after a pause.</summary>
    Failed,

    /// <summary>Another node runs detection on the shared ledger; this one waits to take over.</summary>
    StandingBy,
}

/// <summary>
/// Detection's state, since when, and how far it has examined the ledger.
/// </summary>
/// <param name="State">What it is doing.</param>
/// <param name="ExaminedBefore">Every ledger entry below this index has been examined; null until the session has read its position.</param>
/// <param name="Since">When the current session started, or when it failed.</param>
/// <param name="Failure">Why the last session failed.</param>
public sealed record DetectionStatus(DetectionState State, long? ExaminedBefore, DateTimeOffset Since, string? Failure);
