using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

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
    /// Turns a request the framework could not bind into a problem naming the cause. Its
    /// messages are written by the framework for clients ("Failed to read parameter … as JSON")
    /// and, for JSON, by System.Text.Json with the path and position of the fault.
    /// </summary>
    private sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException bad)
            {
                return false;
            }

            httpContext.Response.StatusCode = bad.StatusCode;
            var detail = bad.InnerException is JsonException json
                ? $"{bad.Message} {json.Message}"
                : bad.Message;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails = { Status = bad.StatusCode, Detail = detail },
            });
        }
    }
}
