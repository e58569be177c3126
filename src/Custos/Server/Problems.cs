using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Custos.Server;

/// <summary>
/// Every error the server returns is RFC 9457 <c>application/problem+json</c>, with the
/// request's trace id so that an operator can find its log lines, and never the internals of
/// a failure (stack traces and exception messages stay in the log). A problem's title is its
/// status's, the same wherever it is raised; its detail says what was wrong.
/// </summary>
internal static class Problems
{
    public static IServiceCollection AddCustosProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            if (context.ProblemDetails.Status is { } status)
            {
                context.ProblemDetails.Title = Title(status);
            }
        });
        services.AddExceptionHandler<ExceptionProblems>();
        // Binding failures (malformed JSON, a missing or unparsable parameter) raise
        // BadHttpRequestException, which ExceptionProblems turns into a 400 that says what was wrong;
        // without this they would end as an empty 400 with no explanation.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>The one title of a status: Custos's own where it says more than HTTP's reason phrase.</summary>
    public static string Title(int status) => status switch
    {
        // The same words Powers answers a refused caller with, so a 403 reads alike wherever it comes from.
        StatusCodes.Status403Forbidden => "Not allowed",
        StatusCodes.Status413PayloadTooLarge => "The request is too large",
        StatusCodes.Status422UnprocessableEntity => "The request cannot be accepted as asked",
        StatusCodes.Status503ServiceUnavailable => "Not ready",
        _ => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error",
    };

    /// <summary>
    /// A problem with its status and detail; with a field, the refusal names it under
    /// <c>errors</c> (with <paramref name="messages"/>, or the detail) as every endpoint names it.
    /// </summary>
    public static ProblemDetails Details(int status, string detail, string? field = null, IReadOnlyList<string>? messages = null)
    {
        var problem = new ProblemDetails { Status = status, Title = Title(status), Detail = detail };
        if (field is not null)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = messages is { Count: > 0 } ? [.. messages] : [detail] };
        }
        return problem;
    }

    /// <summary><see cref="Details"/> as an endpoint's result.</summary>
    public static ProblemHttpResult Result(int status, string detail, string? field = null) =>
        TypedResults.Problem(Details(status, detail, field));

    /// <summary>A refusal of a request's content (422) that names the field.</summary>
    public static ProblemHttpResult Invalid(string field, string message) =>
        Result(StatusCodes.Status422UnprocessableEntity, message, field);

    /// <summary>Declares, for the API document, the problems an endpoint may answer.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.ProducesProblem(status);
        }
        return builder;
    }

    public static ProblemHttpResult NotReady(string detail) => Result(StatusCodes.Status503ServiceUnavailable, detail);
}
