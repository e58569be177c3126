using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Custos.Server;

/// <summary>
/// Liveness (<c>/healthz</c>: the process answers) and readiness (<c>/readyz</c>: every store
/// answers, and detection keeps up). A load balancer sends traffic only to a ready node; an
/// orchestrator restarts a node that is not alive.
/// </summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("").WithTags("Health").AllowAnonymous();

        group.MapGet("/healthz", () => TypedResults.Ok(new Liveness("up")))
            .WithName("Liveness")
            .WithSummary("The process is up and answering requests.");

        group.MapGet("/readyz", ReadinessAsync)
            .WithName("Readiness")
            .WithSummary("Every store of the node answers and detection keeps up; 503 problem+json naming the failing checks otherwise.")
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
                entry.Value.Description,
                entry.Value.Data.Count > 0 ? entry.Value.Data : null))
            .ToList();

        if (report.Status == HealthStatus.Healthy)
        {
            return TypedResults.Ok(new Readiness("ready", checks));
        }

        var failing = checks.Where(c => c.Status != "ready").Select(c => $"{c.Name}: {c.Detail}");
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            detail: string.Join("; ", failing),
            extensions: new Dictionary<string, object?> { ["checks"] = checks });
    }

    internal sealed record Liveness(string Status);

    internal sealed record Readiness(string Status, IReadOnlyList<ReadinessCheck> Checks);

    /// <summary>One check of <c>/readyz</c>.</summary>
    /// <param name="Name">The check: <c>store</c>, <c>ledger</c>, <c>access</c>, <c>detection</c>.</param>
    /// <param name="Status"><c>ready</c> or <c>failing</c>.</param>
    /// <param name="Detail">What it found, in a sentence.</param>
    /// <param name="Data">What the check measured (detection: its state, position and lag), when it says more than its detail.</param>
    internal sealed record ReadinessCheck(
        string Name,
        string Status,
        string? Detail,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, object>? Data = null);
}
