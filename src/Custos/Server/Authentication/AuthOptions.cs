namespace Custos.Server.Authentication;

/// <summary>
/// How callers prove who they are: a bearer JWT, signed either by this node's own key
/// (<c>custos token</c>) or by an OIDC authority. Bound from the <c>Auth</c> section.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Issuer and audience of tokens minted by <c>custos token</c>.</summary>
    public const string LocalIssuer = "custos";

    /// <summary>An OIDC authority (issuer URL); when set, only its tokens are accepted.</summary>
    public string? Authority { get; set; }

    /// <summary>The authority's metadata and keys are fetched over https only, unless this is turned off (for a test identity provider).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The audience tokens of the authority must carry.</summary>
    public string Audience { get; set; } = LocalIssuer;

    /// <summary>The claim naming the caller (<c>staff:…</c> or <c>user:…</c>).</summary>
    public string IdentityClaim { get; set; } = "sub";

    /// <summary>The claim with the ISO 3166-1 code of where the caller is now.</summary>
    public string LocationClaim { get; set; } = "loc";

    /// <summary>Longest lifetime <c>custos token</c> will mint, and the server accept, for a local token.</summary>
    public TimeSpan MaxLocalTokenLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Longest lifetime <c>custos token</c> will mint, and the server accept, for a <c>service:</c> identity: an identity
    /// provider is configured with one token that it sends with every SCIM call, and cannot
    /// fetch a new one each day. Replacing <c>token-signing.key</c> ends every local token.
    /// </summary>
    public TimeSpan MaxLocalServiceTokenLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// The longest a local token for <paramref name="identity"/> may live: the command line mints
    /// no longer and the server accepts no longer, from the same configuration.
    /// </summary>
    public TimeSpan MaxLocalLifetime(string identity) =>
        identity.StartsWith(ServicePrefix, StringComparison.Ordinal) ? MaxLocalServiceTokenLifetime : MaxLocalTokenLifetime;

    public const string ServicePrefix = "service:";

    /// <summary>A lifetime as people say it: "24 hours", "90 days".</summary>
    public static string Describe(TimeSpan lifetime) =>
        lifetime.TotalDays >= 2 && lifetime.TotalDays == Math.Floor(lifetime.TotalDays) ? $"{lifetime.TotalDays:0} days"
        : lifetime.TotalHours == Math.Floor(lifetime.TotalHours) ? $"{lifetime.TotalHours:0} hours"
        : $"{lifetime.TotalMinutes:0} minutes";
}
