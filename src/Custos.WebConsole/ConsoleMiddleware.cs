using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Custos.WebConsole;

/// <summary>
/// What every response under /console carries, and how a session's requests are authenticated:
/// as if they carried the session's token as a bearer token, so that the API's own
/// authentication, <c>Caller</c> and powers apply unchanged.
/// </summary>
public sealed class ConsoleMiddleware(RequestDelegate next, ConsoleSessions sessions)
{
    public const string Prefix = "/console";

    /// <summary>
    /// Only the console's own script and stylesheet, no inline script, no eval, no frames, and
    /// forms that post only back to the console.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public Task InvokeAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!http.Request.Path.StartsWithSegments(Prefix, StringComparison.Ordinal))
        {
            return next(http);
        }
        // Set as the response starts: an exception handler that clears the response keeps them.
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
            headers[HeaderNames.XContentTypeOptions] = "nosniff";
            headers[HeaderNames.XFrameOptions] = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers[HeaderNames.CacheControl] = "no-store";
            return Task.CompletedTask;
        });
        // A bearer token sent by the caller wins: the console's pages answer API clients as the API does.
        if (http.Request.Headers.Authorization.Count == 0 && sessions.TokenOf(http) is { } token)
        {
            http.Request.Headers.Authorization = "Bearer " + token;
        }
        return next(http);
    }
}
