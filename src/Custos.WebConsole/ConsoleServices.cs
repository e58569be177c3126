using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.WebConsole;

/// <summary>The console's services and its place in the request pipeline.</summary>
public static class ConsoleServices
{
    public static IServiceCollection AddCustosConsole(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddSingleton<ConsoleSessions>();
        services.AddSingleton<RequestsView>();
        services.AddSingleton<InboxView>();
        services.AddSingleton<SubjectView>();
        services.AddSingleton<OversightView>();
        // Sessions live in memory (ConsoleSessions), so anti-forgery keys may too: a restart
        // ends both, and nothing is written to a key ring outside the data directory.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "custos-console-antiforgery";
            options.Cookie.Path = ConsoleMiddleware.Prefix;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            options.FormFieldName = "__RequestVerificationToken";
        });
        // First of the problem writers: a problem under /console is a page, not JSON.
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, ConsoleProblemWriter>());
        return services;
    }

    /// <summary>Sessions and security headers; before authentication, which reads the session's token.</summary>
    public static IApplicationBuilder UseCustosConsole(this IApplicationBuilder app) => app.UseMiddleware<ConsoleMiddleware>();

    /// <summary>Anti-forgery checks for the console's forms; after authentication, whose user the tokens are bound to.</summary>
    public static IApplicationBuilder UseCustosConsoleForms(this IApplicationBuilder app) => app.UseAntiforgery();

    /// <summary>Whether anti-forgery has already been checked and failed for this request.</summary>
    internal static bool ForgeryRefused(HttpContext http) =>
        http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false };
}
