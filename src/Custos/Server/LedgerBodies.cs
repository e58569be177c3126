using Custos.Access.Decisions;
using Custos.Access.Disclosure;
using Custos.Access.Storage;
using Custos.Detection.Routing;
using Custos.Oversight;
using Custos.Server.Authentication;
using Microsoft.Extensions.Options;

namespace Custos.Server;

/// <summary>
/// The server's side of <see cref="LedgerEntryAccess"/>: who the caller is to the ledger (their
/// <see cref="Caller"/>: token, the world as it is now, standing revocations), and whether they stand outside
/// an alert (the routing's own independence test, on every reader the alert is about).
/// </summary>
internal sealed class LedgerBodies(
    AccessStateHolder state, AccessStore store, WorldIndexes worlds, DetectionWorker worker,
    IOptions<LiveDetectionOptions> detection, TimeProvider time)
{
    /// <summary>The caller as a ledger viewer (powers only in good standing, invariant 9); null without an identity.</summary>
    public LedgerViewer? Viewer(Caller caller) =>
        caller.Id is null ? null : new LedgerViewer(caller.Id, IsAuditor: caller.IsAuditor, IsOversight: Powers.Oversees(caller, detection.Value));

    public ValueTask<bool> MaySeeAsync(LedgerViewer viewer, long index, byte[] entry, CancellationToken cancellation) =>
        LedgerEntryAccess.MaySeeAsync(viewer, entry, state.Current.Directory, time.GetUtcNow(), async alertId =>
        {
            // An alert entry just appended may not be projected yet: wait for it (as a triage
            // does), and refuse rather than guess if it still is not.
            var alert = await store.AlertAsync(alertId, cancellation);
            if (alert is null && await worker.WaitForProjectionAsync(index, ProjectionWait, cancellation))
            {
                alert = await store.AlertAsync(alertId, cancellation);
            }
            if (alert is null)
            {
                return false;
            }
            var (_, world) = await worlds.ActiveAsync(cancellation);
            return new OversightRouter(world).IsIndependentOf(viewer.Id, alert.Readers);
        });

    private static readonly TimeSpan ProjectionWait = TimeSpan.FromSeconds(2);
}
