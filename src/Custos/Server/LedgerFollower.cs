using System.Data.Common;
using Custos.Access;
using Custos.Access.Decisions;
using Custos.Access.Projections;
using Custos.Access.Storage;
using Custos.Access.Workflow;
using Custos.Ledger.Storage;

namespace Custos.Server;

/// <summary>
/// Keeps this node's decision state current with what every other node appends to a shared
/// PostgreSQL ledger (invariant 5): a revocation, lift, grant, SCIM change or activation made on
/// another node governs this node's next decision within a second.
/// </summary>
/// <remarks>
/// <para>It listens for appends (<see cref="IAppendNotifyingLedgerStore"/>: LISTEN/NOTIFY on PostgreSQL) and, on
/// each, reads the ledger from where it stopped: workflow entries go to the in-memory workflow,
/// an activation reloads the world and policies. It reads from the ledger, never from the
/// notification, and starts listening before it reads, so nothing appended is missed, however
/// many notifications are lost.</para>
/// <para>While it cannot listen (the database is unreachable) the node cannot know whether a
/// revocation was made elsewhere, so it suspends the decision state: every decision is a 503
/// until it listens again and has read everything it missed.</para>
/// </remarks>
internal sealed class LedgerFollower(
    ServerLedger ledger,
    AccessStore store,
    AccessStateHolder state,
    WorkflowProjection workflow,
    LedgerProjector projector,
    AccessLoader loader,
    ILogger<LedgerFollower> logger) : BackgroundService
{
    /// <summary>How long to wait for a notification before asking the database whether it is still there.</summary>
    private static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(500);

    private long _next;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (ledger.IsShared)
        {
            state.Suspend("not yet following the shared ledger for other nodes' changes");
            // Before the access state is loaded (the next hosted service), so that whatever another
            // node projects meanwhile is read again here rather than missed; reading twice is harmless.
            try
            {
                _next = await store.ProjectionNextIndexAsync(LedgerProjector.Name, cancellationToken);
            }
            catch (Exception e) when (e is DbException or StoreUnavailableException)
            {
                _next = 0;
            }
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!ledger.IsShared)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var log = await ledger.GetLogAsync(stoppingToken);
                await using var listener = await ((IAppendNotifyingLedgerStore)log.Store).ListenAsync(stoppingToken);
                await CatchUpAsync(stoppingToken);
                if (state.NotCurrent is not null)
                {
                    logger.LogInformation("Following the shared ledger from entry {Next}: other nodes' changes apply here as they are appended", _next);
                }
                state.Confirm();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await listener.WaitAsync(Heartbeat, stoppingToken);
                    await CatchUpAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Whatever stops it from following, the node fails closed and tries again; it must not stop.
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (state.NotCurrent is null)
                {
                    logger.LogError("Cannot follow the shared ledger, so decisions are refused until it can: {Reason}", e.Message);
                }
                state.Suspend($"this node cannot confirm it holds the other nodes' latest changes: {e.Message}");
                try
                {
                    await Task.Delay(Retry, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task CatchUpAsync(CancellationToken cancellation)
    {
        var log = await ledger.GetLogAsync(cancellation);
        await log.RefreshAsync(cancellation);
        var size = log.Size;
        if (_next >= size)
        {
            return;
        }
        var entries = new List<(long, LedgerEntry)>();
        var activation = false;
        await foreach (var leaf in log.Store.ReadLeavesAsync(_next, size, cancellation))
        {
            if (LedgerEntry.ParseKnown(leaf.Entry) is { } entry)
            {
                entries.Add((leaf.Index, entry));
                activation |= entry is ActivationEntry;
            }
        }
        await workflow.ObserveAsync(entries, cancellation);
        if (activation)
        {
            // The active documents are the shared projection's: bring it up to here, then load them.
            await projector.CatchUpAsync(cancellation);
            await loader.ReloadAsync(cancellation);
        }
        _next = size;
    }
}
