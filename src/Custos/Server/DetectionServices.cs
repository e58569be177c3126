using Custos.Access.Decisions;
using Custos.Detection;
using Custos.Oversight;
using Microsoft.Extensions.Options;

namespace Custos.Server;

/// <summary>Live detection: the feed from the decision path, the worker that owns the engine, the alerts projection, the webhook sink.</summary>
internal static class DetectionServices
{
    public static IServiceCollection AddCustosDetection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LiveDetectionOptions>()
            .Bind(configuration.GetSection(LiveDetectionOptions.Section))
            .Validate(o => o.QueueCapacity > 0, "Detection:QueueCapacity must be positive.")
            .Validate(o => o.MaxLag > TimeSpan.Zero, "Detection:MaxLag must be positive (for example 00:05:00).")
            .Validate(o => (o.Rebuild.Window is null || o.Rebuild.Window >= TimeSpan.Zero) && o.Rebuild.MaxEntries >= 0, "Detection:Rebuild:Window and Detection:Rebuild:MaxEntries must not be negative.")
            .Validate(o => o.Webhooks.All(w => w.Url is { IsAbsoluteUri: true } url && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)),
                "Detection:Webhooks:N:Url must be an absolute http:// or https:// URL.")
            .Validate(o => o.Webhooks.All(w => w.Timeout > TimeSpan.Zero && w.InitialBackoff > TimeSpan.Zero && w.MaxBackoff >= w.InitialBackoff),
                "Detection:Webhooks:N: Timeout and InitialBackoff must be positive, and MaxBackoff at least InitialBackoff.")
            .Validate(o => o.Webhooks.Select(w => w.Key).Distinct(StringComparer.Ordinal).Count() == o.Webhooks.Count,
                "Detection:Webhooks: two webhooks have the same Name (or URL); each keeps its own delivery position.")
            .ValidateOnStart();

        // The thresholds: the documented defaults, or a file in the format of `custos detect run --options`.
        // A file that does not parse stops the server at start-up with the file, line and field.
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<LiveDetectionOptions>>().Value.Options is { Length: > 0 } file
            ? DetectionOptionsFile.Read(Path.GetFullPath(file))
            : new DetectionOptions());

        services.AddSingleton<DetectionFeed>();
        services.AddSingleton<IDecisionListener>(provider => provider.GetRequiredService<DetectionFeed>());
        services.AddSingleton<ILedgerAppendListener>(provider => provider.GetRequiredService<DetectionFeed>());
        services.AddSingleton<WorldIndexes>();
        services.AddSingleton<DetectionLeadership>();
        services.AddSingleton<DetectionWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<DetectionWorker>());
        services.AddHealthChecks().AddCheck<DetectionHealthCheck>("detection");
        services.AddHttpClient(WebhookSink.ClientName);
        services.AddHostedService<WebhookSink>();
        return services;
    }
}
