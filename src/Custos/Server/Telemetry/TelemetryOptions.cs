namespace Custos.Server.Telemetry;

/// <summary>
/// Where the server's metrics and traces go, bound from the <c>Telemetry</c> section
/// (<c>CUSTOS_Telemetry__Otlp__Endpoint</c> …).
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Serve the metrics at <c>GET /metrics</c> in the Prometheus text format, to any caller.</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>Record traces of requests, decisions, Cedar and ledger commits. Default: on when an OTLP endpoint is configured (traces have nowhere else to go), off otherwise.</summary>
    public bool? Tracing { get; set; }

    public OtlpOptions Otlp { get; } = new();

    internal bool TracingEnabled => Tracing ?? Otlp.ResolveEndpoint() is not null;
}

/// <summary>Export over OTLP, to an OpenTelemetry collector or a backend that speaks it.</summary>
public sealed class OtlpOptions
{
    /// <summary>The collector's address, for example <c>http://collector:4317</c> (gRPC) or <c>http://collector:4318</c> (HTTP). Default: the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable; neither set: nothing is exported over OTLP.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary><c>Grpc</c> or <c>HttpProtobuf</c>. Default: the standard <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (<c>grpc</c> or <c>http/protobuf</c>), else gRPC.</summary>
    public OtlpProtocol? Protocol { get; set; }

    /// <summary>Headers sent with each export (<c>key=value</c>, comma-separated), such as a backend's API key. Default: the standard <c>OTEL_EXPORTER_OTLP_HEADERS</c>.</summary>
    public string? Headers { get; set; }

    /// <summary>The configured endpoint, else the standard variable's; null when neither is set.</summary>
    internal Uri? ResolveEndpoint() =>
        Endpoint ?? (Uri.TryCreate(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"), UriKind.Absolute, out var uri) ? uri : null);

    internal OtlpProtocol ResolveProtocol() =>
        Protocol ?? (Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL") is "http/protobuf" ? OtlpProtocol.HttpProtobuf : OtlpProtocol.Grpc);

    internal string? ResolveHeaders() => Headers ?? Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_HEADERS");
}

public enum OtlpProtocol
{
    Grpc,
    HttpProtobuf,
}
