using Custos.Access;
using Custos.Ledger;
using Custos.Oversight;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Custos.Server.Telemetry;

/// <summary>
/// Wires OpenTelemetry: the libraries' meters and activity sources (named in their own
/// <c>…Telemetry</c> classes), ASP.NET Core's and the runtime's, exported over OTLP when an
/// endpoint is configured and scrapeable at <c>/metrics</c>.
/// </summary>
internal static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    /// <summary>Every meter and activity source of Custos; the executable's own included.</summary>
    public static IReadOnlyList<string> Sources { get; } = [AccessTelemetry.Name, LedgerTelemetry.Name, OversightTelemetry.Name, ServerTelemetry.Name];

    public static IServiceCollection AddCustosTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new TelemetryOptions();
        configuration.GetSection(TelemetryOptions.Section).Bind(options);
        services.AddOptions<TelemetryOptions>()
            .Bind(configuration.GetSection(TelemetryOptions.Section))
            .Validate(o => o.Otlp.Endpoint is null || o.Otlp.Endpoint.Scheme == Uri.UriSchemeHttp || o.Otlp.Endpoint.Scheme == Uri.UriSchemeHttps,
                "Telemetry:Otlp:Endpoint must be an http:// or https:// URL, such as http://collector:4317.")
            .ValidateOnStart();
        services.AddHostedService<ServerGauges>();

        var endpoint = options.Otlp.ResolveEndpoint();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("custos", serviceVersion: BuildInfo.Version))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter([.. Sources]).AddAspNetCoreInstrumentation().AddRuntimeInstrumentation();
                if (options.Prometheus)
                {
                    // No cache: a scrape sees every decision answered before it.
                    metrics.AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                }
                if (endpoint is not null)
                {
                    metrics.AddOtlpExporter(otlp => Configure(otlp, options.Otlp, endpoint, "v1/metrics"));
                }
            });
        if (options.TracingEnabled)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource([.. Sources])
                    .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = http => http.Request.Path != MetricsPath);
                if (endpoint is not null)
                {
                    tracing.AddOtlpExporter(otlp => Configure(otlp, options.Otlp, endpoint, "v1/traces"));
                }
            });
        }
        return services;
    }

    /// <summary>Maps <c>GET /metrics</c> when enabled. Anyone may call it, like <c>/healthz</c>: see <see cref="ServerTelemetry"/>.</summary>
    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value.Prometheus)
        {
            // Operational data, scraped by a collector that holds no Custos token; no tag names a
            // reader, subject or case. Restrict it by network where even volumes are confidential.
            endpoints.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous();
        }
        return endpoints;
    }

    /// <summary>Counts a 401 by why: no token, an expired one, or one that does not validate.</summary>
    public static void CountAuthenticationFailure(Exception? failure) =>
        ServerTelemetry.AuthenticationFailures.Add(1, new KeyValuePair<string, object?>("reason", failure switch
        {
            null => "missing",
            SecurityTokenExpiredException => "expired",
            _ => "invalid",
        }));

    private static void Configure(OtlpExporterOptions otlp, OtlpOptions options, Uri endpoint, string signalPath)
    {
        otlp.Protocol = options.ResolveProtocol() == OtlpProtocol.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        // Over HTTP each signal has its own path under the base address, as the specification's
        // OTEL_EXPORTER_OTLP_ENDPOINT has it; gRPC takes the address as it is.
        otlp.Endpoint = otlp.Protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(endpoint, endpoint.AbsolutePath.TrimEnd('/') + "/" + signalPath)
            : endpoint;
        if (options.ResolveHeaders() is { } headers)
        {
            otlp.Headers = headers;
        }
    }
}
