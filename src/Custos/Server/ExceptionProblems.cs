using System.Text.Json;
using System.Text.RegularExpressions;
using Custos.Access.Decisions;
using Custos.Access.Domain;
using Custos.Access.Scim;
using Custos.Access.Storage;
using Custos.Access.Workflow;
using Custos.Ledger.Log;
using Custos.Ledger.Storage;
using Custos.Server.Scim;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Server;

/// <summary>
/// The one place where a refusal or failure raised as an exception becomes an answer, so that
/// endpoints hold no try/catch and the same cause gets the same status and title everywhere.
/// Under <c>/scim/v2</c> the answer is SCIM's error schema; elsewhere problem+json. Anything not
/// named here stays a 500 without internals (the framework's default).
/// </summary>
internal sealed partial class ExceptionProblems(IProblemDetailsService problems, ILogger<ExceptionProblems> logger) : IExceptionHandler
{
    /// <summary>How much of a refused route or query value a problem repeats.</summary>
    private const int EchoLength = 32;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (IsUnavailable(exception))
        {
            // Handled exceptions are not logged by the framework; an operator needs to know why.
            logger.LogWarning(exception, "Answered 503: {Reason}", exception.Message);
        }
        if (httpContext.Request.Path.StartsWithSegments(ScimEndpoints.Prefix) && ScimError(exception) is { } scim)
        {
            await scim.ExecuteAsync(httpContext);
            return true;
        }
        if (Problem(exception) is not { } problem)
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

    /// <summary>The store, the ledger or the loaded world cannot serve the request now; retrying later may.</summary>
    private static bool IsUnavailable(Exception exception) =>
        exception is AccessNotReadyException or StoreUnavailableException or LedgerStoreException or LedgerAppendException
            or IOException and not BadHttpRequestException;

    /// <summary>The API's problem for an exception, or null for one that is a fault (500).</summary>
    internal static ProblemDetails? Problem(Exception exception) => exception switch
    {
        InputException input => Problems.Details(input.IsTooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status422UnprocessableEntity, input.Message, input.Field),
        DecisionRequestException invalid => Problems.Details(StatusCodes.Status422UnprocessableEntity, invalid.Message, invalid.Field),
        WorkflowException refused => Workflow(refused),
        LedgerRangeException range => Problems.Details(StatusCodes.Status404NotFound, range.Message),
        BadHttpRequestException bad => Binding(bad),
        // An I/O failure's message names files and system calls: it stays in the log.
        IOException => Problems.Details(StatusCodes.Status503ServiceUnavailable, "a store could not be read or written; nothing was changed, and the server's log says why"),
        _ when IsUnavailable(exception) => Problems.Details(StatusCodes.Status503ServiceUnavailable, exception.Message),
        _ => null,
    };

    private static ProblemDetails Workflow(WorkflowException e)
    {
        var detail = e.Reasons.Count > 0 ? $"{e.Message}: {string.Join("; ", e.Reasons)}" : e.Message;
        switch (e.Kind)
        {
            case WorkflowErrorKind.Invalid:
                return Problems.Details(StatusCodes.Status422UnprocessableEntity, detail, e.Field ?? "request", e.Reasons.Count > 0 ? e.Reasons : [e.Message]);
            case WorkflowErrorKind.NotFound:
                return Problems.Details(StatusCodes.Status404NotFound, e.Message);
            case WorkflowErrorKind.Conflict:
                return Problems.Details(StatusCodes.Status409Conflict, e.Message);
            default:
                var forbidden = Problems.Details(StatusCodes.Status403Forbidden, detail);
                forbidden.Extensions["reasons"] = e.Reasons;
                return forbidden;
        }
    }

    /// <summary>
    /// A request the framework could not bind, in the API's words: its JSON messages are written
    /// for clients (the path and position of the fault), but its parameter messages name .NET
    /// types ("Failed to bind parameter "long index""), so those are said again by name.
    /// </summary>
    private static ProblemDetails Binding(BadHttpRequestException bad)
    {
        // A value of the wrong type (a number for a string, an object for a list): the JSON is
        // well formed, its content is not, so 422 naming the field. Malformed JSON, whose reader
        // error is the inner exception, stays a 400.
        if (bad.InnerException is JsonException { InnerException: not JsonException } json)
        {
            return Problems.Details(StatusCodes.Status422UnprocessableEntity, $"{FieldName(json.Path)} is not of the expected type: {json.Message}", Field(json.Path));
        }
        if (bad.InnerException is JsonException malformed)
        {
            return Problems.Details(bad.StatusCode, $"{bad.Message} {malformed.Message}");
        }
        if (UnparsableParameter().Match(bad.Message) is { Success: true } unparsable)
        {
            var name = unparsable.Groups["name"].Value;
            var value = unparsable.Groups["value"].Value;
            var echo = value.Length <= EchoLength ? value : value[..EchoLength] + "…";
            return Problems.Details(StatusCodes.Status400BadRequest, $"{name} must be {Expected(unparsable.Groups["type"].Value)}; got '{echo}'", name);
        }
        if (MissingParameter().Match(bad.Message) is { Success: true } missing)
        {
            var name = missing.Groups["name"].Value;
            return Problems.Details(StatusCodes.Status400BadRequest, $"{name} is required", name);
        }
        return Problems.Details(bad.StatusCode, bad.Message);
    }

    /// <summary>What a parameter of a .NET type must look like, said without the type's name.</summary>
    private static string Expected(string type) => type switch
    {
        _ when type.Contains("long", StringComparison.Ordinal) => $"an integer of at most {long.MaxValue}",
        _ when type.Contains("int", StringComparison.Ordinal) => $"an integer of at most {int.MaxValue}",
        _ when type.Contains("DateTimeOffset", StringComparison.Ordinal) => "a date and time such as 2026-01-31T09:00:00Z",
        _ when type.Contains("bool", StringComparison.Ordinal) => "true or false",
        _ => "a value of the documented form",
    };

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]+) (?<name>[^" ]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex UnparsableParameter();

    [GeneratedRegex("""^Required parameter "(?<type>[^"]+) (?<name>[^" ]+)" was not provided""")]
    private static partial Regex MissingParameter();

    /// <summary>The field as the API names it: <c>$.categories[0]</c> is <c>categories[0]</c>, <c>$</c> the body.</summary>
    private static string Field(string? path) => path is null or "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private static string FieldName(string? path) => Field(path) == "body" ? "the body" : Field(path);

    /// <summary>SCIM's error (RFC 7644 section 3.12) for an exception, or null to answer as the API does.</summary>
    private static IResult? ScimError(Exception exception) => exception switch
    {
        ScimException e => ScimResults.Error(e),
        Access.Provisioning.WorldRejectedException e => ScimResults.Error(StatusCodes.Status400BadRequest, "invalidValue", $"the change would make a world that does not hold together: {e.Message}; nothing was changed"),
        WorkflowException e => ScimResults.Error(e.Kind == WorkflowErrorKind.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest, null, e.Message),
        IOException and not BadHttpRequestException => null,
        _ when IsUnavailable(exception) => ScimResults.Error(StatusCodes.Status503ServiceUnavailable, null, $"Custos cannot change its staff right now: {exception.Message}"),
        _ => null,
    };
}
