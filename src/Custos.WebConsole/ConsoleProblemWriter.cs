using Custos.WebConsole.Pages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Custos.WebConsole;

/// <summary>
/// Problems under /console as pages: a 401 is the sign-in page (saying why the session ended,
/// when it did), a 403 a plain page that says what the page needs, anything else a plain page
/// with the problem's title and detail. The API's own problems stay problem+json.
/// </summary>
internal sealed class ConsoleProblemWriter(ConsoleSessions sessions) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) =>
        context.HttpContext.Request.Path.StartsWithSegments(ConsoleMiddleware.Prefix, StringComparison.Ordinal);

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var status = context.ProblemDetails.Status ?? http.Response.StatusCode;
        if (status == StatusCodes.Status401Unauthorized)
        {
            // The session's token no longer passes (expired, its key changed): the session ends with it.
            var hadSession = http.Request.Cookies.ContainsKey(ConsoleSessions.CookieName);
            sessions.End(http);
            await Page.Render<SignInPage>(new { Message = hadSession ? "Your session has ended: " + context.ProblemDetails.Detail : null }, status).ExecuteAsync(http);
            return;
        }
        await Page.Render<ProblemPage>(new
        {
            Viewer = await Viewer.OfAsync(http),
            Status = status,
            Heading = context.ProblemDetails.Title ?? Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
            Detail = context.ProblemDetails.Detail,
        }, status).ExecuteAsync(http);
    }
}

/// <summary>Renders a page component as the answer to a request.</summary>
public static class Page
{
    public static RazorComponentResult Render<TPage>(object parameters, int status = StatusCodes.Status200OK)
        where TPage : Microsoft.AspNetCore.Components.IComponent =>
        new RazorComponentResult<TPage>(parameters) { StatusCode = status, ContentType = "text/html; charset=utf-8" };

    /// <summary>After a form's action: back to a page with GET, so a reload does not repeat it.</summary>
    public static IResult SeeOther(string path) => new SeeOtherResult(path);

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
