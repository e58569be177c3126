using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Custos.Server.Authentication;

/// <summary>Bearer JWT authentication: the node's own key by default, an OIDC authority when configured.</summary>
internal static class AuthenticationSetup
{
    public static IServiceCollection AddCustosAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section));
        services.AddAuthorization();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, IOptions<ServerOptions>>((jwt, auth, server) =>
            {
                // Claims keep their JWT names ("sub", "loc"); no mapping to SOAP-era URIs.
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters.NameClaimType = auth.Value.IdentityClaim;
                jwt.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
                if (auth.Value.Authority is { } authority)
                {
                    jwt.Authority = authority;
                    jwt.Audience = auth.Value.Audience;
                    return;
                }
                jwt.TokenValidationParameters.ValidIssuer = AuthOptions.LocalIssuer;
                jwt.TokenValidationParameters.ValidAudience = AuthOptions.LocalIssuer;
                jwt.TokenValidationParameters.IssuerSigningKey = LocalSigningKey.LoadOrCreate(server.Value.DataDirectory);
                jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256];
            });
        return services;
    }
}
