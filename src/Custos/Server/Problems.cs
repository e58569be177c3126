using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Custos.Access.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Server;

/// <summary>
/// Every error the server returns is RFC 9457 <c>application/problem+json</c>, with the
/// request's trace id so that an operator can find its log lines, and never the internals of
/// a failure (stack traces and exception messages stay in the log).
/// </summary>
internal static class Problems
{
    public static IServiceCollection AddCustosProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Binding failures (malformed JSON, a missing or unparsable parameter) raise
        // BadHttpRequestException, which the handler below turns into a 400 that says what was wrong;
        // without this they would end as an empty 400 with no explanation.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>
    /// A refusal of a request's content: 422, or 413 when a value is over its limit, with the
    /// field named under <c>errors</c> as every endpoint names it.
    /// </summary>
    public static ProblemDetails Refusal(int status, string field, string message) => new()
    {
        Status = status,
        Title = status == StatusCodes.Status413PayloadTooLarge ? "The request is too large" : "The request cannot be accepted as asked",
        Detail = message,
        Extensions = { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } },
    };

    /// <summary>
    /// Turns the refusals that surface as exceptions into problems naming the cause: a request
    /// the framework could not bind (its messages are written for clients: "Failed to read
    /// parameter … as JSON", and System.Text.Json's, with the path and position of the fault), and
    /// input the domain's rules refused (<see cref="InputRules"/>), wherever it was checked.
    /// </summary>
    private sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            var problem = exception switch
            {
                InputException input => Refusal(input.IsTooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status422UnprocessableEntity, input.Field, input.Message),
                // A value of the wrong type (a number for a string, an object for a list): the JSON
                // is well formed, its content is not, so 422 naming the field. Malformed JSON, whose
                // reader error is the inner exception, stays a 400.
                BadHttpRequestException { InnerException: JsonException { InnerException: not JsonException } json } =>
                    Refusal(StatusCodes.Status422UnprocessableEntity, Field(json.Path), $"{FieldName(json.Path)} is not of the expected type: {json.Message}"),
                BadHttpRequestException bad => new ProblemDetails
                {
                    Status = bad.StatusCode,
                    Detail = bad.InnerException is JsonException json ? $"{bad.Message} {json.Message}" : bad.Message,
                },
                _ => null,
            };
            if (problem is null)
            {
                return false;
            }
            httpContext.Response.StatusCode = problem.Status!.Value;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails = problem,
            });
        }

        /// <summary>The field as the API names it: <c>$.categories[0]</c> is <c>categories[0]</c>, <c>$</c> the body.</summary>
        private static string Field(string? path) => path is null or "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

        private static string FieldName(string? path) => Field(path) == "body" ? "the body" : Field(path);
    }
}
