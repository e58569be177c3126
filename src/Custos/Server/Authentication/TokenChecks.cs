using Custos.Formats;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Custos.Server.Authentication;

/// <summary>
/// What a token must hold beyond a good signature, and the 401 that says which rule it broke.
/// </summary>
/// <remarks>
/// Set as the bearer handler's event delegates (not as its events type, which would hide the
/// delegates that telemetry wraps around them). A 401 names the rule (expired, signature, lifetime, location …) and never the token's claims
/// at length, the key, or the library's own message: those stay in the log.
/// </remarks>
internal sealed class TokenChecks(IOptions<AuthOptions> options, LocalSigningKeyProvider localKey, IProblemDetailsService problems)
{
    /// <summary>How much of a bad claim a 401 repeats: enough to recognise it, not a 5,000-character echo.</summary>
    private const int EchoLength = 16;

    public Task TokenValidated(TokenValidatedContext context)
    {
        var auth = options.Value;
        var location = context.Principal?.FindFirst(auth.LocationClaim)?.Value;
        if (location is not null && !CountryCodes.IsAssigned(location))
        {
            context.Fail(new TokenRefusedException($"the token's location ('{auth.LocationClaim}' claim) '{Echo(location)}' is not an ISO 3166-1 alpha-2 country code such as US."));
            return Task.CompletedTask;
        }

        // Local tokens only: an identity provider's tokens live as long as it decides.
        if (auth.Authority is null && context.SecurityToken is JsonWebToken token)
        {
            var identity = context.Principal?.FindFirst(auth.IdentityClaim)?.Value ?? "";
            var max = auth.MaxLocalLifetime(identity);
            // The real clock, as the handler checks expiry with it. A token without "iat", or
            // issued in the future, counts from now: its lifetime cannot be shorter than what remains.
            var now = DateTime.UtcNow;
            var issued = token.IssuedAt == DateTime.MinValue || token.IssuedAt > now ? now : token.IssuedAt;
            if (token.ValidTo - issued > max + context.Options.TokenValidationParameters.ClockSkew)
            {
                context.Fail(new TokenRefusedException($"the token lives {AuthOptions.Describe(token.ValidTo - issued)}; this server accepts local tokens of at most {AuthOptions.Describe(max)} for {Kind(identity)} (Auth:MaxLocal…TokenLifetime)."));
            }
        }
        return Task.CompletedTask;
    }

    public async Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        Telemetry.TelemetrySetup.CountAuthenticationFailure(context.AuthenticateFailure);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = Reason(context.AuthenticateFailure, context.Request.Headers.Authorization.Count > 0),
            },
        });
    }

    /// <summary>Why a request is not authenticated, in a sentence for the caller: the API's 401 and SCIM's say it alike.</summary>
    public string Reason(Exception? failure, bool sentAuthorization)
    {
        var local = options.Value.Authority is null;
        return failure switch
        {
            null when sentAuthorization => "The Authorization header does not carry a bearer token ('Authorization: Bearer <token>').",
            null => "This needs a bearer token: 'Authorization: Bearer <token>'" + (local ? " ('custos token' mints one)." : " from the identity provider."),
            TokenRefusedException refused => "The token is refused: " + refused.Message,
            _ when local && localKey.Failure is not null => "This server cannot read its token key, so it can verify no token until it can; its log says why.",
            SecurityTokenExpiredException expired => $"The token expired at {expired.Expires:yyyy-MM-ddTHH:mm:ssZ}.",
            SecurityTokenNotYetValidException early => $"The token is not valid before {early.NotBefore:yyyy-MM-ddTHH:mm:ssZ}.",
            SecurityTokenNoExpirationException => "The token has no expiry ('exp').",
            SecurityTokenInvalidSignatureException when local => "The token's signature does not verify with this server's key (was it minted with another data directory's token-signing.key?).",
            SecurityTokenInvalidSignatureException => "The token's signature does not verify with the identity provider's keys.",
            SecurityTokenInvalidAlgorithmException => "The token's signing algorithm is not accepted" + (local ? " (HS256 only)." : "."),
            SecurityTokenInvalidIssuerException => "The token's issuer is not the one this server trusts.",
            SecurityTokenInvalidAudienceException => "The token's audience is not this server.",
            SecurityTokenMalformedException or ArgumentException => "The bearer token is not a well-formed JWT.",
            InvalidOperationException when !local => "The identity provider's signing keys cannot be fetched now, so no token can be verified.",
            _ => "The bearer token is refused.",
        };
    }

    private static string Kind(string identity) =>
        identity.StartsWith(AuthOptions.ServicePrefix, StringComparison.Ordinal) ? "a service" : "staff and users";

    private static string Echo(string value) => value.Length <= EchoLength ? value : value[..EchoLength] + "…";
}

/// <summary>A token with a good signature that breaks one of <see cref="TokenChecks"/>' rules; the message says which.</summary>
internal sealed class TokenRefusedException : Exception
{
    public TokenRefusedException(string message) : base(message)
    {
    }

    public TokenRefusedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public TokenRefusedException()
    {
    }
}
