using System.Diagnostics;
using System.Globalization;
using System.Text;
using Custos.Access;
using Custos.Access.Alerts;
using Custos.Access.Decisions;
using Custos.Access.Storage;
using Custos.Detection;
using Custos.Detection.Correlation;
using Custos.Detection.Routing;
using Custos.Formats;
using Custos.Ledger.Log;
using Microsoft.Extensions.Logging;

namespace Custos.Oversight;

/// <summary>
/// One run of detection, from a rebuild to a failure or a stop. It reads the ledger in index
/// order — decisions mostly from the <see cref="DetectionFeed"/>, everything else (and any
/// decision the feed dropped) from the ledger itself — feeds decisions and approvals to the
/// engine, ledgers the alert changes the engine makes, and projects every alert entry into the
/// store with its position, in one transaction per batch.
/// </summary>
/// <remarks>
/// <para><b>The position.</b> The store keeps one position, P, under the projection
/// <see cref="DetectionWorker.Projection"/>. It is saved only after every alert change caused by
/// the entries below it is durable in the ledger, and in the same transaction as the projection
/// of every alert entry below it. So after a crash: entries below P need nothing more; entries
/// from P on are processed again.</para>
/// <para><b>The rebuild.</b> Windowed state is not saved: it is rebuilt by replaying the ledger's
/// decisions and approvals from R (the ledger's start, or the window before P, and at most
/// <see cref="LiveDetectionOptions.RebuildOptions.MaxEntries"/> entries before it) to P with nothing ledgered — the changes the replay makes are only matched with the open
/// alerts the ledger holds (<see cref="AlertReconciler"/>). From P on, changes are ledgered; an
/// alert the previous process had already ledgered for those entries (after P, before the crash)
/// is found by its evidence and is not raised twice.</para>
/// </remarks>
internal sealed class DetectionSession
{
    private const int BatchLimit = 4096;
    private const int RequestsRemembered = 16_384;
    private static readonly TimeSpan GapGrace = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan BusyWithin = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan OrphanInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(1);

    private readonly DetectionWorker _worker;
    private readonly DetectionFeed _feed;
    private readonly INodeLedger _ledger;
    private readonly IAccessLedger _appender;
    private readonly AccessStore _store;
    private readonly AccessStateHolder _state;
    private readonly WorldIndexes _worlds;
    private readonly DetectionOptions _thresholds;
    private readonly LiveDetectionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    private readonly List<AlertChange> _changes = [];
    private readonly AlertReconciler _reconciler = new();
    private readonly AlertProjector _projector;
    private readonly Dictionary<long, LedgerItem> _pending = [];
    private readonly Dictionary<string, IReadOnlyList<string>> _requestSubjects = new(StringComparer.Ordinal);
    private readonly Queue<string> _requestOrder = new();
    private readonly int _pendingLimit;

    private MerkleLog? _log;
    private DetectionEngine? _engine;
    private string? _worldSha;
    private OversightRouter? _router;
    private WorldIndex? _routerWorld;

    // Ledger indexes: R, P, where changes start to be ledgered, the next entry to read, and the
    // next entry after the last commit (below it, every alert change is durable).
    private long _replayFrom;
    private long _projectFrom;
    private long _liveFrom;
    private long _next;
    private long _committed;
    private long _saved;

    private long? _gapSince;
    private long? _lastForeign;
    private long _recoveredThrough = long.MaxValue;
    private long _lastTick;
    private long _lastOrphans;
    private long _lastSave;
    private long _lastWake;
    private long _dropped;

    public DetectionSession(
        DetectionWorker worker, DetectionFeed feed, INodeLedger ledger, IAccessLedger appender, AccessStore store,
        AccessStateHolder state, WorldIndexes worlds, DetectionOptions thresholds, LiveDetectionOptions options,
        TimeProvider time, ILogger logger)
    {
        _worker = worker;
        _feed = feed;
        _ledger = ledger;
        _appender = appender;
        _store = store;
        _state = state;
        _worlds = worlds;
        _thresholds = thresholds;
        _options = options;
        _time = time;
        _logger = logger;
        _projector = new AlertProjector(store, DetectionWorker.Projection);
        _pendingLimit = Math.Max(16, options.QueueCapacity);
    }

    private DetectionEngine Engine => _engine ?? throw new InvalidOperationException("the engine is built during recovery");

    private MerkleLog Log => _log ?? throw new InvalidOperationException("the ledger is opened during recovery");

    public async Task RunAsync(CancellationToken cancellation)
    {
        await RecoverAsync(cancellation);
        _worker.ReportLive();
        await FollowAsync(cancellation);
    }

    /// <summary>On shutdown: records how far everything is durable, so that the next start replays less.</summary>
    public async Task StopAsync()
    {
        if (_log is null || _committed <= _saved)
        {
            return;
        }
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _projector.FlushAsync(_committed, timeout.Token);
        }
#pragma warning disable CA1031 // Best effort: the position only saves work; what is durable stays so.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.LogWarning("Could not record the detection position at shutdown; the next start replays from {Saved}: {Reason}", _saved, e.Message);
        }
    }

    private async Task RecoverAsync(CancellationToken cancellation)
    {
        _log = await _ledger.GetLogAsync(cancellation);
        await _store.EnsureReadyAsync(cancellation);
        while (!_state.IsLoaded)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellation);
        }
        await Log.RefreshAsync(cancellation);
        var end = Log.Size;

        _projectFrom = await _store.ProjectionNextIndexAsync(DetectionWorker.Projection, cancellation);
        if (_projectFrom > end)
        {
            _logger.LogError("The store's detection position {Position} is past the ledger's end {End}: the store belongs to another ledger; detection resumes at the end", _projectFrom, end);
            _projectFrom = end;
        }
        _saved = _projectFrom;
        // No position: a first start over an existing ledger (or a store rebuilt from nothing).
        // Alerts already in the ledger are projected back; decisions before now are replayed to
        // rebuild state but raise nothing (custos detect run examines history offline).
        _liveFrom = _projectFrom > 0 ? _projectFrom : end;
        _replayFrom = await ReplayStartAsync(_liveFrom, cancellation);
        _worker.ReportProjected(_projectFrom);
        _worker.ReportCatchingUp(_liveFrom);

        var (activeSha, activeWorld) = await _worlds.ActiveAsync(cancellation);
        _engine = new DetectionEngine(activeWorld, _changes.Add, _thresholds);
        _worldSha = activeSha;
        WarmUp(activeWorld);

        _reconciler.Load(await _store.OpenAlertsAsync(cancellation), await _store.LastAlertSequenceAsync(cancellation));
        // What the previous process ledgered after P: alerts for entries the engine sees again below,
        // including alerts that ended meanwhile, until the engine is past what that process saw.
        _reconciler.KeepEnded();
        await foreach (var leaf in Log.Store.ReadLeavesAsync(_projectFrom, end, cancellation))
        {
            if (LedgerEntry.TypeOf(leaf.Entry) == LedgerEntryTypes.Alert && Parse(leaf.Index, leaf.Entry) is LedgerItem.AlertItem alert)
            {
                _reconciler.Observe(leaf.Index, alert.Entry);
            }
        }

        _next = _committed = Math.Min(_replayFrom, _projectFrom);
        var clock = Stopwatch.StartNew();
        _logger.LogInformation(
            "Detection rebuilding: replaying ledger entries {From} to {Live} ({Count} entries), live from {Live}; {Open} alerts open",
            _replayFrom, _liveFrom, _liveFrom - _replayFrom, _liveFrom, _reconciler.OpenCount);
        while (_next < end)
        {
            var until = Math.Min(end, _next + BatchLimit);
            await ReadAsync(until, cancellation);
            await CommitAsync(cancellation);
        }
        _reconciler.ForgetEnded();
        _recoveredThrough = end;
        if (_committed > _saved)
        {
            // Recorded before going live, so that a crash in the next second still resumes here
            // (without a position, a start would take the ledger's end as already examined).
            await _projector.FlushAsync(_committed, cancellation);
            _saved = _committed;
        }
        _logger.LogInformation(
            "Detection live at ledger entry {End} after {Seconds:F2} s; {Open} alerts open, {Unmatched} of them not yet matched by the rebuilt detectors",
            end, clock.Elapsed.TotalSeconds, _reconciler.OpenCount, _reconciler.UnmappedCount);
    }

    /// <summary>
    /// Compiles the paths of a first alert (the detectors, the correlator, the entries' JSON)
    /// before one is needed: the first alert after a start is no slower than the next.
    /// </summary>
    private void WarmUp(WorldIndex world)
    {
        var scratch = new DetectionEngine(world, _ => { }, _thresholds);
        scratch.Observe(new AccessEvent
        {
            Id = "0", Time = _time.GetUtcNow(), Reader = "staff:warm-up", ReaderJurisdiction = "", Subject = "user:warm-up",
            Categories = [], Purpose = "warm-up", Case = null, Outcome = Outcome.Deny,
        });
        var entry = new AlertEntry { Alert = AlertRecord.IdOf(0), Change = AlertEntryChange.Raised, Time = _time.GetUtcNow(), Severity = Severity.Low, Evidence = [0] };
        var record = new AlertRecord { Id = entry.Alert };
        record.Apply(0, entry);
        _ = AlertRecord.FromJson(record.ToJson());
        _ = LedgerItem.Parse(0, entry.Serialize(), (_, _, _) => { });
    }

    private async Task FollowAsync(CancellationToken cancellation)
    {
        _lastTick = _lastOrphans = _lastSave = Stopwatch.GetTimestamp();
        _dropped = _feed.Dropped;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            Drain();
            var processed = await ProcessAvailableAsync(cancellation);
            Tick();
            await CommitAsync(cancellation);
            if (processed == 0 && !_pending.ContainsKey(_next))
            {
                await WaitAsync(cancellation);
            }
        }
    }

    /// <summary>Takes what the feed holds, up to what the session may keep waiting.</summary>
    private void Drain()
    {
        while (_pending.Count < _pendingLimit && _feed.Reader.TryRead(out var item))
        {
            if (item.Entry is null)
            {
                _feed.NudgeTaken();
            }
            else if (item.Index >= _next)
            {
                _pending[item.Index] = new LedgerItem.DecisionItem(item.Entry);
            }
        }
    }

    /// <summary>
    /// Processes the entries known to be durable, in order, up to a batch. A gap (an entry the
    /// feed did not bring: another kind of entry, or a decision whose listener has not run yet)
    /// is given a moment to arrive, then read from the ledger.
    /// </summary>
    private async Task<int> ProcessAvailableAsync(CancellationToken cancellation)
    {
        var processed = 0;
        while (processed < BatchLimit)
        {
            if (_pending.Remove(_next, out var item))
            {
                await ProcessAsync(_next, item, cancellation);
                processed++;
                _gapSince = null;
                continue;
            }
            var size = Log.Size;
            if (_next >= size)
            {
                break;
            }
            _gapSince ??= Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(_gapSince.Value) < GapGrace)
            {
                break;
            }
            var until = Math.Min(size, _next + (BatchLimit - processed));
            foreach (var known in _pending.Keys)
            {
                // Read up to the first entry already at hand (a gap is short: the scan is too).
                until = Math.Min(until, known);
            }
            var before = _next;
            await ReadAsync(until, cancellation);
            processed += (int)(_next - before);
            _gapSince = null;
        }
        return processed;
    }

    /// <summary>Reads and processes the ledger's entries from <see cref="_next"/> to <paramref name="until"/>.</summary>
    private async Task ReadAsync(long until, CancellationToken cancellation)
    {
        await foreach (var leaf in Log.Store.ReadLeavesAsync(_next, until, cancellation))
        {
            if (leaf.Index != _next)
            {
                throw new InvalidOperationException($"the ledger returned entry {leaf.Index} where {_next} was expected");
            }
            if (!_pending.Remove(leaf.Index, out var item))
            {
                item = Parse(leaf.Index, leaf.Entry);
                if (item is LedgerItem.AlertItem && leaf.Index >= _recoveredThrough)
                {
                    ForeignAlert(leaf.Index);
                }
            }
            await ProcessAsync(leaf.Index, item, cancellation);
        }
        if (_next < until)
        {
            throw new InvalidOperationException($"the ledger holds no entry {_next} below its size {until}");
        }
    }

    private async Task ProcessAsync(long index, LedgerItem item, CancellationToken cancellation)
    {
        switch (item)
        {
            case LedgerItem.DecisionItem decision when index >= _replayFrom:
                await ObserveAsync(index, decision.Entry, cancellation);
                break;
            case LedgerItem.RequestItem request when index >= _replayFrom:
                RememberSubjects(request);
                break;
            case LedgerItem.ApprovalItem approval when index >= _replayFrom:
                Observe(index, approval);
                break;
            case LedgerItem.AlertItem alert:
                _reconciler.Observe(index, alert.Entry);
                if (index >= _projectFrom)
                {
                    await _projector.AddAsync(index, alert.Entry, alert.Json, cancellation);
                }
                break;
            case LedgerItem.TriageItem triage when index >= _projectFrom:
                if (!await _projector.AddAsync(index, triage.Entry, triage.Json, cancellation))
                {
                    _logger.LogWarning("Ledger entry {Index} triages {Alert}, which the ledger holds no alert of; it is left out of the alerts", index, triage.Entry.Alert);
                }
                break;
        }
        _next = index + 1;
    }

    private async Task ObserveAsync(long index, DecisionEntry entry, CancellationToken cancellation)
    {
        if (entry.World != _worldSha)
        {
            // Each decision is examined against the world it was made under.
            if (await _worlds.GetAsync(entry.World, cancellation) is { } world)
            {
                Engine.ChangeWorld(world);
                _worldSha = entry.World;
            }
            else
            {
                _logger.LogWarning("Decision {Index} was made under world {World}, which the store does not hold; examined against the current world", index, entry.World);
                _worldSha = entry.World;
            }
        }
        var access = new AccessEvent
        {
            Id = index.ToString(CultureInfo.InvariantCulture),
            // The ledger's order is the engine's; concurrent decisions may be ledgered a few
            // milliseconds out of time order, so time never runs backwards for the engine.
            Time = entry.Time > Engine.Now ? entry.Time : Engine.Now,
            Reader = entry.Reader,
            ReaderJurisdiction = entry.ReaderLocation,
            Subject = entry.Subject,
            // What the decision was about (formats.md): a partial decision released something.
            Categories = [.. entry.Categories.Keys],
            Purpose = entry.Purpose,
            Case = entry.Case,
            Outcome = entry.Decision == DecisionPipeline.Name(DecisionOutcome.Deny) ? Outcome.Deny : Outcome.Allow,
        };
        Engine.Observe(access);
        Reconcile(live: index >= _liveFrom);
    }

    /// <summary>Approvals (and refused attempts) of the grant workflow, for the approval-collusion detector.</summary>
    private void Observe(long index, LedgerItem.ApprovalItem approval)
    {
        Engine.Observe(new Approval
        {
            Id = index.ToString(CultureInfo.InvariantCulture),
            Time = approval.Time > Engine.Now ? approval.Time : Engine.Now,
            Approver = approval.Approver,
            Requester = approval.Requester,
            Subjects = _requestSubjects.GetValueOrDefault(approval.Request) ?? [],
            Refused = approval.Refused,
        });
        Reconcile(live: index >= _liveFrom);
    }

    /// <summary>The subjects of recent requests, which their approvals are about (the oldest forgotten first).</summary>
    private void RememberSubjects(LedgerItem.RequestItem request)
    {
        if (_requestSubjects.TryAdd(request.Id, request.Subjects))
        {
            _requestOrder.Enqueue(request.Id);
            while (_requestOrder.Count > RequestsRemembered)
            {
                _requestSubjects.Remove(_requestOrder.Dequeue());
            }
        }
    }

    /// <summary>
    /// An alert entry this session did not write, after it caught up: another node runs
    /// detection on the same ledger. Both would raise the same alerts and number them alike.
    /// </summary>
    private void ForeignAlert(long index)
    {
        if (_lastForeign is null || Stopwatch.GetElapsedTime(_lastForeign.Value) > TimeSpan.FromMinutes(1))
        {
            _lastForeign = Stopwatch.GetTimestamp();
            _logger.LogError("Ledger entry {Index} is an alert another node wrote: two nodes run detection on one ledger; leave Detection:Enabled on for exactly one", index);
        }
    }

    private void Reconcile(bool live)
    {
        if (_changes.Count > 0)
        {
            _reconciler.Apply(_changes, live);
            _changes.Clear();
        }
    }

    /// <summary>Moves the engine's time with the clock (closing quiet alerts), and closes alerts left over from before a restart.</summary>
    private void Tick()
    {
        if (Stopwatch.GetElapsedTime(_lastTick) < TickInterval)
        {
            return;
        }
        _lastTick = Stopwatch.GetTimestamp();
        var now = _time.GetUtcNow();
        Engine.Advance(now > Engine.Now ? now : Engine.Now);
        Reconcile(live: true);
        if (Stopwatch.GetElapsedTime(_lastOrphans) >= OrphanInterval)
        {
            _lastOrphans = Stopwatch.GetTimestamp();
            _reconciler.CloseOrphans(now, _thresholds.Correlation.Window);
            var dropped = _feed.Dropped;
            if (dropped > _dropped)
            {
                _logger.LogInformation("Detection's queue was full: {Count} decisions in the last minute were read back from the ledger instead (Detection:QueueCapacity)", dropped - _dropped);
                _dropped = dropped;
            }
        }
    }

    /// <summary>
    /// Ledgers the alert changes of what was processed, then projects and records the position.
    /// The order is the crash-safety argument: the position moves only once the changes are durable.
    /// </summary>
    private async Task CommitAsync(CancellationToken cancellation)
    {
        foreach (var entry in _reconciler.TakeEntries(_time.GetUtcNow(), Route))
        {
            var bytes = entry.Serialize();
            var index = await _appender.AppendAsync(bytes, cancellation);
            _reconciler.Observe(index, entry);
            _pending[index] = new LedgerItem.AlertItem(entry, Encoding.UTF8.GetString(bytes));
            if (entry.Change == AlertEntryChange.Raised)
            {
                OversightTelemetry.Alerts.Add(1, new("detector", entry.Detector), new("state", FormatJson.NameOf(AlertEntryChange.Raised)));
                _logger.LogInformation("Alert {Alert} raised ({Detector}, {Severity}) about {Readers}, routed to {Queue}; ledger entry {Index}",
                    entry.Alert, entry.Detector, entry.Severity, string.Join(", ", entry.Readers), entry.Queue, index);
            }
        }
        _committed = _next;

        if (_projector.PendingCount > 0 || (_next > _saved && Stopwatch.GetElapsedTime(_lastSave) >= SaveInterval))
        {
            await _projector.FlushAsync(_next, cancellation);
            _saved = _next;
            _lastSave = Stopwatch.GetTimestamp();
        }
        // Every alert entry below _next has been folded and written.
        _worker.ReportProjected(_next);
        _worker.ReportExamined(_next);
    }

    private async Task WaitAsync(CancellationToken cancellation)
    {
        var gap = _gapSince is { } since ? GapGrace - Stopwatch.GetElapsedTime(since) : (TimeSpan?)null;
        var timeout = gap is { } g ? (g > TimeSpan.Zero ? g : TimeSpan.FromMilliseconds(1)) : Poll;
        try
        {
            await _feed.Reader.WaitToReadAsync(cancellation).AsTask().WaitAsync(timeout, cancellation);
            // Under load, waking for every decision costs more than examining it: when the last
            // wake was moments ago, let a millisecond's decisions gather and take them at once.
            var busy = Stopwatch.GetElapsedTime(_lastWake) < BusyWithin;
            _lastWake = Stopwatch.GetTimestamp();
            if (busy)
            {
                await Task.Delay(BatchWindow, cancellation);
            }
        }
        catch (TimeoutException) when (gap is null)
        {
            // Quiet: look for entries another node or process appended.
            await Log.RefreshAsync(cancellation);
        }
        catch (TimeoutException)
        {
            // The gap's moment has passed: it is read from the ledger next.
        }
    }

    private string Route(IReadOnlyList<string> readers)
    {
        if (_router is null || !ReferenceEquals(_routerWorld, Engine.World))
        {
            _routerWorld = Engine.World;
            _router = new OversightRouter(Engine.World, [.. _options.Routing.Queues]);
        }
        return _router.Route(readers).Queue;
    }

    private LedgerItem Parse(long index, byte[] entry) => LedgerItem.Parse(index, entry, (at, type, reason) =>
        _logger.LogWarning("Ledger entry {Index} is a malformed {Type} entry and is skipped by detection: {Reason}", at, type, reason));

    /// <summary>
    /// The first entry of the rebuild: no more than <see cref="LiveDetectionOptions.RebuildOptions.MaxEntries"/>
    /// before <paramref name="liveFrom"/> and, when a <see cref="LiveDetectionOptions.RebuildOptions.Window"/>
    /// is set, the oldest within it before now, found by bisection on the entries' times.
    /// </summary>
    private async Task<long> ReplayStartAsync(long liveFrom, CancellationToken cancellation)
    {
        var low = Math.Max(0, liveFrom - _options.Rebuild.MaxEntries);
        if (_options.Rebuild.Window is not { } window)
        {
            return low;
        }
        var cutoff = _time.GetUtcNow() - window;
        var high = liveFrom;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            var at = await LedgerItem.TimeNearAsync(Log.Store, middle, high, cancellation);
            if (at is null || at < cutoff)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }
}
