using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Custos.Server.Authentication;

/// <summary>
/// Readiness of the identity provider, when one is configured: its discovery document and its
/// signing keys (JWKS) can be fetched now. A node that cannot fetch them refuses every token that
/// its cached keys do not cover, so it is not ready to serve.
/// </summary>
/// <remarks>
/// Fetched on every probe rather than taken from the bearer handler's cache, which would report a
/// provider that went away hours ago as reachable until its next refresh.
/// </remarks>
internal sealed class IdentityProviderHealthCheck(IOptionsMonitor<JwtBearerOptions> bearer) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var options = bearer.Get(JwtBearerDefaults.AuthenticationScheme);
        var discoveryUrl = options.MetadataAddress;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var discovery = JsonDocument.Parse(await options.Backchannel.GetStringAsync(new Uri(discoveryUrl), timeout.Token));
            if (!discovery.RootElement.TryGetProperty("jwks_uri", out var jwks) || !Uri.TryCreate(jwks.GetString(), UriKind.Absolute, out var jwksUri))
            {
                return HealthCheckResult.Unhealthy($"the discovery document {discoveryUrl} names no jwks_uri");
            }
            if (options.RequireHttpsMetadata && jwksUri.Scheme != Uri.UriSchemeHttps)
            {
                return HealthCheckResult.Unhealthy($"the identity provider's keys are at {jwksUri}, not over https");
            }
            using var keySet = JsonDocument.Parse(await options.Backchannel.GetStringAsync(jwksUri, timeout.Token));
            var keys = keySet.RootElement.TryGetProperty("keys", out var array) && array.ValueKind == JsonValueKind.Array ? array.GetArrayLength() : 0;
            return keys > 0
                ? HealthCheckResult.Healthy($"{options.Authority}: {keys} signing key{(keys == 1 ? "" : "s")}")
                : HealthCheckResult.Unhealthy($"the identity provider publishes no signing key at {jwksUri}");
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or UriFormatException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var why = e is OperationCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : e.Message;
            return HealthCheckResult.Unhealthy($"the identity provider's discovery document or keys cannot be fetched from {discoveryUrl}: {why}");
        }
    }
}
