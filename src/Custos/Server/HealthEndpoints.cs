using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Custos.Server;

/// <summary>
/// Liveness (<c>/healthz</c>: the process answers) and readiness (<c>/readyz</c>: every store
/// answers). A load balancer sends traffic only to a ready node; an orchestrator restarts a
/// node that is not alive.
/// </summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("").WithTags("Health");

        group.MapGet("/healthz", () => TypedResults.Ok(new Liveness("up")))
            .WithName("Liveness")
            .WithSummary("The process is up and answering requests.");

        group.MapGet("/readyz", ReadinessAsync)
            .WithName("Readiness")
            .WithSummary("Every store of the node answers; 503 problem+json naming the failing ones otherwise.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return endpoints;
    }

    private static async Task<Results<Ok<Readiness>, ProblemHttpResult>> ReadinessAsync(
        HealthCheckService health, CancellationToken cancellation)
    {
        var report = await health.CheckHealthAsync(cancellation);
        var checks = report.Entries
            .Select(entry => new ReadinessCheck(
                entry.Key,
                entry.Value.Status == HealthStatus.Healthy ? "ready" : "failing",
                entry.Value.Description))
            .ToList();

        if (report.Status == HealthStatus.Healthy)
        {
            return TypedResults.Ok(new Readiness("ready", checks));
        }

        var failing = checks.Where(c => c.Status != "ready").Select(c => $"{c.Name}: {c.Detail}");
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Not ready",
            detail: string.Join("; ", failing),
            extensions: new Dictionary<string, object?> { ["checks"] = checks });
    }

    internal sealed record Liveness(string Status);

    internal sealed record Readiness(string Status, IReadOnlyList<ReadinessCheck> Checks);

    internal sealed record ReadinessCheck(string Name, string Status, string? Detail);
}
