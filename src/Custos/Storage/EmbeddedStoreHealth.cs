using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Custos.Storage;

/// <summary>Opens the embedded store once at start-up, so that a problem shows in the log at once.</summary>
/// <remarks>
/// A failure does not stop the server: it stays alive, <c>/readyz</c> answers 503 with the
/// reason, and the store is retried on every readiness probe until it opens.
/// </remarks>
internal sealed class EmbeddedStoreStartup(EmbeddedStore store, ILogger<EmbeddedStoreStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.EnsureReadyAsync(cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            logger.LogError("Embedded store not ready; /readyz fails until it is: {Reason}", e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Readiness of the embedded store, for <c>/readyz</c>.</summary>
internal sealed class EmbeddedStoreHealthCheck(EmbeddedStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var info = await store.EnsureReadyAsync(cancellationToken);
            return HealthCheckResult.Healthy($"SQLite, schema version {info.SchemaVersion}");
        }
        catch (StoreUnavailableException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
