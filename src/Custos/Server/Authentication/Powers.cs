using Custos.Access.Decisions;
using Custos.Formats;
using Custos.Oversight;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Custos.Server.Authentication;

/// <summary>
/// Who may call what: one named authorization policy per power, each a rule over the request's
/// <see cref="Caller"/>. Every endpoint names the power it needs (<c>RequireAuthorization</c>)
/// or says it is public (<c>AllowAnonymous</c>); no handler checks a role by hand. Invariant 9
/// holds here for all of them at once: every power but reading (which the decision pipeline
/// denies and ledgers) needs a staff member in good standing, or a service identity.
/// </summary>
internal static class Powers
{
    /// <summary>Any valid token: the active policy set is no secret from the people it governs.</summary>
    public const string Authenticated = "authenticated";

    /// <summary>A staff token: a decision is asked for; a powerless reader's is denied and ledgered, so attempts stay visible.</summary>
    public const string Read = "read";

    /// <summary>Staff in good standing: ask, approve, deny, list their own, give up a grant, break glass.</summary>
    public const string TakePart = "take-part";

    /// <summary>Admin or oversight in good standing: revoke, deactivate, lift, list revocations.</summary>
    public const string Revoke = "revoke";

    /// <summary>Oversight in good standing: break-glass records and their review.</summary>
    public const string Oversee = "oversee";

    /// <summary>Oversight in good standing, or an external reviewer (outside counsel): alerts.</summary>
    public const string TriageAlerts = "triage-alerts";

    /// <summary>The subject the report is about, or oversight in good standing.</summary>
    public const string ReadAccessReport = "read-access-report";

    /// <summary>A data subject's own token (<c>user:…</c>): their own access report, in the console.</summary>
    public const string OwnReport = "own-report";

    /// <summary>A ledger auditor: a <c>service:auditor</c> identity, or staff in good standing with the ledger-auditor role.</summary>
    public const string Audit = "audit";

    /// <summary>One power: its name, what it takes in words, and the rule.</summary>
    internal sealed record Power(string Name, string Needs, Func<Caller, HttpContext, bool> Holds) : IAuthorizationRequirement;

    private static readonly Power[] All =
    [
        new(Authenticated, "a valid token", (caller, _) => caller.IsAuthenticated),
        new(Read, "a staff member's token", (caller, _) => caller.IsStaff),
        new(TakePart, "an active staff member in good standing", (caller, _) => caller.InGoodStanding),
        new(Revoke, "admin or oversight, in good standing", (caller, _) => caller.Holds(Roles.Admin, Roles.Oversight)),
        new(Oversee, "oversight, in good standing", (caller, _) => caller.Holds(Roles.Oversight)),
        new(TriageAlerts, "oversight in good standing, or an external reviewer", (caller, http) =>
            Oversees(caller, http.RequestServices.GetRequiredService<IOptions<LiveDetectionOptions>>().Value)),
        new(ReadAccessReport, "the subject the report is about, or oversight in good standing", (caller, http) =>
            (caller.Id is { } id && Equals(http.Request.RouteValues["id"], id)) || caller.Holds(Roles.Oversight)),
        new(Audit, "an auditor", (caller, _) => caller.IsAuditor),
        new(OwnReport, "a data subject's own token (user:…)", (caller, _) => caller.Id?.StartsWith(Caller.SubjectPrefix, StringComparison.Ordinal) == true),
    ];

    /// <summary>Oversight in good standing, or one of the deployment's external reviewers (outside counsel).</summary>
    public static bool Oversees(Caller caller, LiveDetectionOptions detection) =>
        caller.Holds(Roles.Oversight) || (caller.Id is { } id && detection.Routing.ExternalReviewers.Contains(id, StringComparer.Ordinal));

    public static IServiceCollection AddCustosAuthorization(this IServiceCollection services)
    {
        services.AddAuthorization(options =>
        {
            foreach (var power in All)
            {
                options.AddPolicy(power.Name, policy => policy.AddRequirements(power));
            }
        });
        services.AddSingleton<IAuthorizationHandler, PowerHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, RefusalWriter>();
        return services;
    }

    private sealed class PowerHandler : AuthorizationHandler<Power>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, Power requirement)
        {
            if (context.Resource is HttpContext http && requirement.Holds(Caller.Of(http), http))
            {
                context.Succeed(requirement);
            }
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// A refusal in problem+json that says what the endpoint needs and why the caller does not
    /// have it. A staff caller refused before any world is loaded gets 503: their standing cannot
    /// be known yet, and "forbidden" would be a guess.
    /// </summary>
    private sealed class RefusalWriter(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
    {
        private readonly AuthorizationMiddlewareResultHandler _default = new();

        public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
        {
            if (!authorizeResult.Forbidden)
            {
                await _default.HandleAsync(next, context, policy, authorizeResult);
                return;
            }
            var caller = Caller.Of(context);
            var needs = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<Power>().Select(p => p.Needs).FirstOrDefault() ?? "a permission the caller lacks";
            var notReady = caller.IsStaff && !context.RequestServices.GetRequiredService<AccessStateHolder>().IsLoaded;
            context.Response.StatusCode = notReady ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status403Forbidden;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = context.Response.StatusCode,
                    Title = notReady ? "Not ready" : "Not allowed",
                    Detail = notReady
                        ? "no world is loaded yet, so the caller's standing cannot be checked"
                        : $"this needs {needs}; {caller.Standing() ?? $"{caller.Id} does not qualify"}",
                },
            });
        }
    }
}
