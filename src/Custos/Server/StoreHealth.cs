using Custos.Access.Projections;
using Custos.Access.Storage;
using Custos.Ledger.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Custos.Server;

/// <summary>Opens the access store once at start-up, so that a problem shows in the log at once.</summary>
/// <remarks>
/// A failure does not stop the server: it stays alive, <c>/readyz</c> answers 503 with the
/// reason, and the store is retried on every readiness probe until it opens.
/// </remarks>
internal sealed class StoreStartup(AccessStore store, ILogger<StoreStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var info = await store.EnsureReadyAsync(cancellationToken);
            logger.LogInformation("Store {Location} ready: schema version {Version}, store {StoreId}", info.Location, info.SchemaVersion, info.StoreId);
        }
        catch (StoreUnavailableException e)
        {
            logger.LogError("Store not ready; /readyz fails until it is: {Reason}", e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Readiness of the access store, for <c>/readyz</c>.</summary>
/// <remarks>A store that answers is ready only once it has shown that it projects this node's ledger (<see cref="LedgerProjector.EnsureStoreAgreesAsync"/>).</remarks>
internal sealed class StoreHealthCheck(AccessStore store, LedgerProjector projector) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var info = await store.EnsureReadyAsync(cancellationToken);
            await projector.EnsureStoreAgreesAsync(cancellationToken);
            return HealthCheckResult.Healthy($"schema version {info.SchemaVersion}, agrees with the ledger");
        }
        catch (StoreUnavailableException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
        catch (LedgerStoreException e)
        {
            return HealthCheckResult.Unhealthy($"cannot be checked against the ledger: {e.Message}");
        }
    }
}
