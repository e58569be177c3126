using Custos.Access.Decisions;
using Custos.Server.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Custos.Server;

/// <summary><c>GET /v1/policies</c>: the active policy set, its hash (as ledgered) and every policy in it.</summary>
internal static class PolicyEndpoints
{
    public static IEndpointRouteBuilder MapPolicyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/v1/policies").WithTags("Policies").RequireAuthorization(Powers.Authenticated)
            .MapGet("", Active)
            .WithName("ActivePolicies")
            .WithSummary("The active policy set: its SHA-256 (as in the ledger's activation entry and every decision), its policies and files.")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    internal sealed record PolicyBody(string Id, string Effect, string? Reason, string File);

    internal sealed record PolicySetBody(string Sha256, string World, IReadOnlyList<PolicyBody> Policies, IReadOnlyDictionary<string, string> Files);

    private static Results<Ok<PolicySetBody>, ProblemHttpResult> Active(AccessStateHolder state)
    {
        if (!state.IsLoaded)
        {
            return Problems.NotReady("no policy set is loaded yet");
        }
        var current = state.Current;
        return TypedResults.Ok(new PolicySetBody(
            current.Policies.Sha256,
            current.WorldSha256,
            [.. current.Policies.Policies.OrderBy(p => p.File, StringComparer.Ordinal).Select(p => new PolicyBody(p.Id, p.Effect.ToString().ToLowerInvariant(), p.Reason, p.File))],
            current.Policies.Files));
    }
}
