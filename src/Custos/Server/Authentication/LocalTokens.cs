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
