using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Custos.Server.Authentication;

/// <summary>Mints tokens with the node's own key, for local use and tests.</summary>
public static class LocalTokens
{
    public static string Mint(SymmetricSecurityKey key, string identity, string? location, TimeSpan lifetime, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(identity);
        var now = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object> { ["sub"] = identity };
        if (location is not null)
        {
            claims["loc"] = location;
        }
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthOptions.LocalIssuer,
            Audience = AuthOptions.LocalIssuer,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}

/// <summary>Who is calling, as the endpoints need it: never taken from a request body.</summary>
public sealed record Caller(string Id, string? Location)
{
    public bool IsStaff => Id.StartsWith("staff:", StringComparison.Ordinal);

    public static Caller? From(ClaimsPrincipal user, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(options);
        var id = user.FindFirst(options.IdentityClaim)?.Value;
        return string.IsNullOrWhiteSpace(id) ? null : new Caller(id, user.FindFirst(options.LocationClaim)?.Value);
    }
}
