using Custos.Formats;
using Custos.Server.Authentication;
using Custos.WebConsole;
using Custos.WebConsole.Pages;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Custos.Server;

/// <summary>
/// The web console's routes (<c>/console/…</c>), each guarded by the same <see cref="Powers"/> as
/// the API endpoint it stands beside, and each calling the same services: the pages
/// (<c>Custos.WebConsole</c>) show what the services answer. A session's requests carry its token
/// as a bearer token (<see cref="ConsoleMiddleware"/>), so the caller is resolved as for the API.
/// </summary>
internal static class ConsoleEndpoints
{
    public static IEndpointRouteBuilder MapConsoleEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var console = endpoints.MapGroup(ConsoleMiddleware.Prefix).ExcludeFromDescription();

        console.MapConsoleAssets().AllowAnonymous();
        console.MapGet("/sign-in", (string? done) =>
            Page.Render<SignInPage>(new { Notice = done == "signed-out" ? "You are signed out." : null })).AllowAnonymous();
        console.MapPost("/sign-in", (IFormCollection form, HttpContext http, ConsoleSessions sessions) =>
        {
            var token = form["token"].ToString().Trim();
            if (token.Length == 0)
            {
                return Page.Render<SignInPage>(new { Message = "Paste the token that 'custos token' minted for you." }, StatusCodes.Status422UnprocessableEntity);
            }
            // The token is checked by the next request, exactly as a bearer token is; a bad one ends the session there.
            sessions.Start(http, token);
            return Page.SeeOther(ConsoleMiddleware.Prefix + "/");
        }).AllowAnonymous();
        console.MapPost("/sign-out", (IFormCollection _, HttpContext http, ConsoleSessions sessions) =>
        {
            sessions.End(http);
            return Page.SeeOther(ConsoleMiddleware.Prefix + "/sign-in?done=signed-out");
        }).AllowAnonymous();

        console.MapGet("/", (Viewer viewer) => Page.Render<HomePage>(new { Viewer = viewer })).RequireAuthorization(Powers.Authenticated);

        console.MapGet("/requests", (Viewer viewer, string? done, RequestsView view) => view.Show(viewer, done)).RequireAuthorization(Powers.TakePart);
        console.MapPost("/requests", (IFormCollection form, Viewer viewer, Caller caller, RequestsView view, CancellationToken cancellation) =>
            view.AskAsync(viewer, caller.AsReader(), form, cancellation)).RequireAuthorization(Powers.TakePart);

        console.MapGet("/inbox", (Viewer viewer, string? done, InboxView view) => view.Show(viewer, done)).RequireAuthorization(Powers.TakePart);
        console.MapPost("/inbox/{id}/approve", (string id, IFormCollection form, Viewer viewer, InboxView view, CancellationToken cancellation) =>
            view.DecideAsync(viewer, id, approve: true, form, cancellation)).RequireAuthorization(Powers.TakePart);
        console.MapPost("/inbox/{id}/deny", (string id, IFormCollection form, Viewer viewer, InboxView view, CancellationToken cancellation) =>
            view.DecideAsync(viewer, id, approve: false, form, cancellation)).RequireAuthorization(Powers.TakePart);

        console.MapGet("/me", async (Viewer viewer, SubjectView view, ServerLedger ledger, TimeProvider time, CancellationToken cancellation) =>
        {
            // The checkpoint first: the report, built after it, holds every decision it covers.
            var checkpoint = await ledger.CheckpointAsync(cancellation);
            var log = await ledger.GetLogAsync(cancellation);
            return await view.ShowAsync(viewer, SignedPoint.Open(checkpoint.Note, log.Metadata.VerifierKey, time.GetUtcNow()), cancellation);
        }).RequireAuthorization(Powers.OwnReport);

        console.MapGet("/oversight", (Viewer viewer, string? cut, string? done, OversightView view) => view.Show(viewer, cut, done)).RequireAuthorization(Powers.Revoke);
        console.MapPost("/oversight/revocations", (IFormCollection form, Viewer viewer, OversightView view, CancellationToken cancellation) =>
            view.RevokeAsync(viewer, form, cancellation)).RequireAuthorization(Powers.Revoke);
        console.MapPost("/oversight/break-glass/{id}/review", (string id, IFormCollection form, Viewer viewer, OversightView view, CancellationToken cancellation) =>
            view.ReviewAsync(viewer, id, form, cancellation)).RequireAuthorization(Powers.Oversee);

        console.MapConsoleAlerts();
        return endpoints;
    }

    /// <summary>The viewer's pages, by the very powers that guard their routes.</summary>
    internal sealed class Viewers(IAuthorizationService authorization) : IViewerResolver
    {
        public async Task<Viewer?> ResolveAsync(HttpContext http)
        {
            var caller = Caller.Of(http);
            if (caller.Id is null)
            {
                return null;
            }
            async Task<bool> Holds(string power) => (await authorization.AuthorizeAsync(http.User, http, power)).Succeeded;
            return new Viewer(
                caller.Id,
                TakesPart: await Holds(Powers.TakePart),
                Triages: await Holds(Powers.TriageAlerts),
                Revokes: await Holds(Powers.Revoke),
                Oversees: await Holds(Powers.Oversee),
                IsSubject: await Holds(Powers.OwnReport));
        }
    }
}
