using Custos.Access;
using Custos.Access.Decisions;
using Custos.Access.Gateway;
using Custos.Access.Policies;
using Custos.Access.Projections;
using Custos.Access.Provisioning;
using Custos.Access.Storage;
using Custos.Access.Workflow;
using Custos.Formats;
using Custos.Ledger.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Custos.Server;

/// <summary>The decision pipeline and what feeds it: the active world and policies, the projections, gateway records.</summary>
internal static class AccessServices
{
    public static IServiceCollection AddCustosAccess(this IServiceCollection services)
    {
        services.AddSingleton<AccessStateHolder>();
        services.AddSingleton<AccessWorkflow>();
        services.AddSingleton<IReaderStanding>(provider => provider.GetRequiredService<AccessWorkflow>());
        services.AddSingleton<WorkflowProjection>();
        services.AddSingleton<ILedgerObserver>(provider => provider.GetRequiredService<WorkflowProjection>());
        services.AddOptions<WorkflowOptions>().BindConfiguration(WorkflowOptions.Section);
        services.AddSingleton(provider => new WorkflowService(
            provider.GetRequiredService<AccessStateHolder>(),
            provider.GetRequiredService<AccessWorkflow>(),
            provider.GetRequiredService<IAccessLedger>(),
            provider.GetRequiredService<AccessStore>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptions<WorkflowOptions>>().Value));
        services.AddHostedService<GrantExpiry>();
        services.AddSingleton<LedgerProjector>();
        services.AddSingleton<AccessLoader>();
        services.AddSingleton<StaffProvisioning>();
        services.AddSingleton<ProjectionWorker>();
        services.AddSingleton<IDecisionListener>(provider => provider.GetRequiredService<ProjectionWorker>());
        services.AddHostedService(provider => provider.GetRequiredService<ProjectionWorker>());
        services.AddSingleton<DecisionPipeline>();
        services.AddSingleton(provider => new DemoRecordSource(
            provider.GetRequiredService<AccessStateHolder>(),
            Path.Combine(provider.GetRequiredService<IOptions<ServerOptions>>().Value.DataDirectory, DemoRecordSource.FileName)));
        services.AddSingleton<IRecordSource>(provider => provider.GetRequiredService<DemoRecordSource>());
        services.AddSingleton<GatewayReader>();
        // Before AccessStartup: it notes where the shared projection stands before the state is loaded.
        services.AddHostedService<LedgerFollower>();
        services.AddHostedService<AccessStartup>();
        services.AddHealthChecks().AddCheck<AccessHealthCheck>("access");
        return services;
    }
}

/// <summary>
/// Loads the configured world and policies at start-up. Files that are not a world or a policy
/// set stop the server at once with the reason; stores that are not ready yet are retried in the
/// background, and <c>/readyz</c> fails until the state is loaded.
/// </summary>
/// <remarks>
/// The world file is loaded when the store has no world yet, or when the active world was itself
/// loaded from a file at start-up (so that editing the file and restarting works). Once the world
/// has been changed since (by SCIM), the file would undo those changes — people the identity
/// provider removed, roles it took away — so the store's world is kept and the file is not loaded,
/// unless <c>ReplaceWorld</c> says to. <c>World</c> set to <c>store</c> never loads a file.
/// </remarks>
internal sealed class AccessStartup(
    AccessLoader loader,
    AccessStore store,
    WorkflowProjection workflow,
    IOptions<ServerOptions> options,
    ILogger<AccessStartup> logger) : IHostedService, IDisposable
{
    /// <summary>Who activates the configured files, in the ledger's activation entries.</summary>
    public const string Actor = "system";

    private readonly CancellationTokenSource _stopping = new();
    private Task? _retrying;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Read and check both first: a bad file is a configuration error, reported before anything is changed.
        var world = options.Value.WorldFromStore ? null : WorldDocument.Read(options.Value.World);
        var policies = AccessPolicies.FromDirectory(options.Value.Policies);
        ValidatePolicies(policies);

        if (!await TryActivateAsync(world, policies, cancellationToken))
        {
            _retrying = RetryAsync(world, policies, _stopping.Token);
        }
    }

    /// <summary>
    /// A policy set that does not validate against the schema stops the server, naming each error's
    /// file, line and rule; <c>PolicyValidationWarnOnly</c> lets it start with warnings instead.
    /// </summary>
    private void ValidatePolicies(AccessPolicies policies)
    {
        var directory = options.Value.Policies;
        var schemaFile = options.Value.PolicySchema ?? PolicyValidation.FindSchema(directory);
        if (schemaFile is null)
        {
            logger.LogWarning("No Cedar schema ({File}) beside the policies in {Directory} and none configured (PolicySchema): the policies are not validated",
                PolicyValidation.SchemaFileName, directory);
            return;
        }
        var errors = PolicyValidation.Validate(policies, PolicyValidation.ReadSchema(schemaFile), directory);
        if (errors.Count == 0)
        {
            return;
        }
        if (!options.Value.PolicyValidationWarnOnly)
        {
            throw new PolicyLoadException(
                $"the policies do not validate against {schemaFile}: {string.Join("; ", errors)} (PolicyValidationWarnOnly=true starts anyway, with warnings)");
        }
        foreach (var error in errors)
        {
            logger.LogWarning("Policy validation (warning only): {Error}", error.ToString());
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_retrying is { } retrying)
        {
            await retrying.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task<bool> TryActivateAsync(WorldDocument? world, AccessPolicies policies, CancellationToken cancellation)
    {
        try
        {
            // The workflow's kept entries first, then the ledger's tail: the fold stays in ledger order.
            await store.EnsureReadyAsync(cancellation);
            await workflow.LoadAsync(cancellation);
            var load = await WorldToLoadAsync(world, cancellation);
            var state = await loader.ActivateAsync(load, policies, Actor, cancellation);
            logger.LogInformation("Deciding with world {World} ({Source}) and policy set {Policies} ({Count} policies)",
                state.WorldSha256[..12], load?.Source ?? "kept from the store", state.Policies.Sha256[..12], state.Policies.Policies.Count);
            return true;
        }
        catch (Exception e) when (e is StoreUnavailableException or LedgerStoreException or AccessNotReadyException)
        {
            logger.LogError("Cannot load the world and policies yet; retrying: {Reason}", e.Message);
            return false;
        }
    }

    /// <summary>The configured world file, or null to keep the store's active world.</summary>
    private async Task<WorldDocument?> WorldToLoadAsync(WorldDocument? world, CancellationToken cancellation)
    {
        var active = await loader.ActiveWorldAsync(cancellation);
        if (world is null)
        {
            return active is not null ? null
                : throw new AccessNotReadyException("World is 'store' but the store holds no world yet: start once with a world file (--world FILE)");
        }
        if (active is null || active.ActivatedBy == Actor || options.Value.ReplaceWorld || active.Sha256 == AccessStore.Sha256(world.Content))
        {
            return world;
        }
        logger.LogWarning(
            "The active world {World} was made by {By} (ledger entry {Index}), not loaded from a file; keeping it rather than loading {File} over it. "
            + "Set World to 'store' to keep the store's world without this warning, or start once with --replace-world to load the file over it.",
            active.Sha256[..12], active.ActivatedBy, active.LedgerIndex, world.Source);
        return null;
    }

    private async Task RetryAsync(WorldDocument? world, AccessPolicies policies, CancellationToken cancellation)
    {
        try
        {
            do
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellation);
            }
            while (!await TryActivateAsync(world, policies, cancellation));
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}

/// <summary>
/// Keeps the ledger's projections (access reports, active documents) close behind the ledger:
/// at most one catch-up a second, in batches, so that under load the projection costs a write
/// per second rather than one per decision. A report catches up itself before it answers.
/// </summary>
internal sealed class ProjectionWorker(LedgerProjector projector, ILogger<ProjectionWorker> logger) : BackgroundService, IDecisionListener
{
    private readonly SemaphoreSlim _appended = new(0, 1);

    public void OnDecided(Decision decision, DecisionEntry entry)
    {
        if (_appended.CurrentCount == 0)
        {
            try
            {
                _appended.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another decision signalled first; one catch-up serves both.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _appended.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
                await projector.CatchUpAsync(stoppingToken);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is StoreUnavailableException or LedgerStoreException or System.Data.Common.DbException)
            {
                // A database that went away mid-query is a reason to retry, not to stop the node.
                logger.LogWarning("Projection of the ledger is behind: {Reason}", e.Message);
            }
        }
    }

    public override void Dispose()
    {
        _appended.Dispose();
        base.Dispose();
    }
}

/// <summary>Readiness of the decision state: a world and a policy set are loaded.</summary>
internal sealed class AccessHealthCheck(AccessStateHolder state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.IsLoaded
            ? HealthCheckResult.Healthy($"world {state.Current.WorldSha256[..12]}, policy set {state.Current.Policies.Sha256[..12]}")
            : HealthCheckResult.Unhealthy(state.NotCurrent ?? "no world and policy set are loaded yet"));
}

/// <summary>Ledgers each grant's expiry soon after it comes (a grant stops counting at its expiry whether or not this has run).</summary>
internal sealed class GrantExpiry(WorkflowService workflow, AccessStateHolder state, TimeProvider time, ILogger<GrantExpiry> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!state.IsLoaded)
                {
                    continue;
                }
                try
                {
                    await workflow.RecordExpiriesAsync(stoppingToken);
                }
                catch (Exception e) when (e is AccessNotReadyException or StoreUnavailableException or LedgerStoreException or Custos.Ledger.Log.LedgerAppendException or System.Data.Common.DbException)
                {
                    logger.LogWarning("Grant expiries not ledgered yet: {Reason}", e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
