using System.Text.Json.Nodes;
using Custos.Access.Decisions;
using Custos.Access.Gateway;
using Custos.Server.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Custos.Server;

/// <summary>
/// The decision API (PDP mode, <c>POST /v1/decisions</c>) and gateway mode (<c>POST /v1/reads</c>).
/// The reader and where they are come from the bearer token, never from the body.
/// </summary>
internal static class DecisionEndpoints
{
    public static IEndpointRouteBuilder MapDecisionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1").WithTags("Decisions").RequireAuthorization(Powers.Read);

        group.MapPost("/decisions", DecideAsync)
            .WithName("Decide")
            .WithSummary("Decide whether the caller may read categories of a subject's data for a purpose and case; ledgered before it is answered.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/reads", ReadAsync)
            .WithName("Read")
            .WithSummary("Gateway mode: the same decision, then the data from the platform's store with masks applied and denied categories withheld.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status503ServiceUnavailable);

        return endpoints;
    }

    /// <summary>The body of both endpoints.</summary>
    internal sealed record ReadBody(string? Subject, IReadOnlyList<string>? Categories, string? Purpose, string? Case);

    internal sealed record CategoryBody(string Effect, string? Mask);

    internal sealed record DecisionBody(string Id, string Decision, IReadOnlyDictionary<string, CategoryBody> Categories, IReadOnlyList<string> Reasons, long LedgerIndex);

    internal sealed record ReadResultBody(string Id, string Decision, IReadOnlyDictionary<string, CategoryBody> Categories, IReadOnlyDictionary<string, JsonNode?> Data, IReadOnlyList<string> Withheld, IReadOnlyList<string> Reasons, long LedgerIndex);

    private static async Task<Results<Ok<DecisionBody>, ProblemHttpResult>> DecideAsync(
        ReadBody? body, Caller caller, DecisionPipeline pipeline, CancellationToken cancellation)
    {
        var (reader, request, problem) = Prepare(body, caller);
        if (problem is not null)
        {
            return problem;
        }
        var decision = await pipeline.DecideAsync(reader!, request!, DecisionMode.Pdp, cancellation);
        return TypedResults.Ok(new DecisionBody(decision.Id, DecisionPipeline.Name(decision.Outcome), Categories(decision), decision.Reasons, decision.LedgerIndex));
    }

    private static async Task<Results<Ok<ReadResultBody>, ProblemHttpResult>> ReadAsync(
        ReadBody? body, Caller caller, GatewayReader gateway, CancellationToken cancellation)
    {
        var (reader, request, problem) = Prepare(body, caller);
        if (problem is not null)
        {
            return problem;
        }
        var read = await gateway.ReadAsync(reader!, request!, cancellation);
        var decision = read.Decision;
        return TypedResults.Ok(new ReadResultBody(decision.Id, DecisionPipeline.Name(decision.Outcome), Categories(decision), read.Data, read.Withheld, decision.Reasons, decision.LedgerIndex));
    }

    /// <summary>The reader from the token and the request from the body, or the problem with either.</summary>
    private static (ReaderIdentity? Reader, DecisionRequest? Request, ProblemHttpResult? Problem) Prepare(ReadBody? body, Caller caller)
    {
        if (body is null)
        {
            return (null, null, Problems.Result(StatusCodes.Status400BadRequest, "the body must be a JSON object with subject, categories, purpose and case"));
        }
        foreach (var (field, missing) in new[] { ("subject", body.Subject is null), ("categories", body.Categories is null), ("purpose", body.Purpose is null) })
        {
            if (missing)
            {
                return (null, null, Problems.Invalid(field, $"{field} is required"));
            }
        }
        return (caller.AsReader(), new DecisionRequest(body.Subject!, body.Categories!, body.Purpose!, body.Case), null);
    }

    private static Dictionary<string, CategoryBody> Categories(Decision decision) =>
        decision.Categories.ToDictionary(
            c => c.Key,
            c => new CategoryBody(DecisionPipeline.Name(c.Value.Effect), c.Value.Mask is { } mask ? Access.Decisions.CedarMapping.MaskName(mask) : null),
            StringComparer.Ordinal);
}
