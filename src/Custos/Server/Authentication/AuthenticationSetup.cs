using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Custos.Server.Authentication;

/// <summary>Bearer JWT authentication: the node's own key by default, an OIDC authority when configured.</summary>
internal static class AuthenticationSetup
{
    public static IServiceCollection AddCustosAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>()
            .Bind(configuration.GetSection(AuthOptions.Section))
            .Validate(
                o => o.Authority is null || (Uri.TryCreate(o.Authority, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && !o.RequireHttpsMetadata))),
                "Auth:Authority must be an https:// URL (set Auth:RequireHttpsMetadata to false only for a test identity provider).")
            .ValidateOnStart();
        services.AddCustosAuthorization();
        services.AddSingleton<LocalSigningKeyProvider>();
        services.AddSingleton<TokenChecks>();
        if (!string.IsNullOrWhiteSpace(configuration[$"{AuthOptions.Section}:{nameof(AuthOptions.Authority)}"]))
        {
            services.AddHealthChecks().AddCheck<IdentityProviderHealthCheck>("identity-provider");
        }
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, LocalSigningKeyProvider, TokenChecks>((jwt, auth, localKey, checks) =>
            {
                // Claims keep their JWT names ("sub", "loc"); no mapping to SOAP-era URIs.
                jwt.MapInboundClaims = false;
                jwt.Events ??= new JwtBearerEvents();
                jwt.Events.OnTokenValidated = checks.TokenValidated;
                jwt.Events.OnChallenge = checks.Challenge;
                jwt.TokenValidationParameters.NameClaimType = auth.Value.IdentityClaim;
                jwt.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
                if (auth.Value.Authority is { } authority)
                {
                    jwt.Authority = authority;
                    jwt.Audience = auth.Value.Audience;
                    jwt.RequireHttpsMetadata = auth.Value.RequireHttpsMetadata;
                    return;
                }
                jwt.TokenValidationParameters.ValidIssuer = AuthOptions.LocalIssuer;
                jwt.TokenValidationParameters.ValidAudience = AuthOptions.LocalIssuer;
                // Resolved per token, not when the options are built: a request without a token, or a
                // node whose data directory is not there yet, never needs the key.
                jwt.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, _, _) => localKey.TryGetKey() is { } key ? [key] : [];
                jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            });
        return services;
    }
}

/// <summary>The node's signing key, loaded (or created) on first use and kept once loaded.</summary>
internal sealed class LocalSigningKeyProvider(IOptions<ServerOptions> server, ILogger<LocalSigningKeyProvider> logger)
{
    private SymmetricSecurityKey? _key;
    private string? _failure;

    /// <summary>Why the key cannot be read, while it cannot.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    /// <summary>
    /// The key, or null while it cannot be read: every token is then refused, and the reason is
    /// logged once (not once per request, which would bury it) and again only when it changes.
    /// </summary>
    public SymmetricSecurityKey? TryGetKey()
    {
        if (Volatile.Read(ref _key) is { } key)
        {
            return key;
        }
        try
        {
            key = LocalSigningKey.LoadOrCreate(server.Value.DataDirectory);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or UnsafeKeyFileException)
        {
            if (Interlocked.Exchange(ref _failure, e.Message) != e.Message)
            {
                logger.LogError("Cannot read the token key, so every token is refused until it can be read: {Reason}", e.Message);
            }
            return null;
        }
        Volatile.Write(ref _key, key);
        if (Interlocked.Exchange(ref _failure, null) is not null)
        {
            logger.LogInformation("The token key {KeyFile} is readable now", LocalSigningKey.PathIn(server.Value.DataDirectory));
        }
        return key;
    }
}
