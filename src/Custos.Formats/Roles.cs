namespace Custos.Formats;

/// <summary>
/// The staff roles of <c>world.json</c> that Custos itself gives meaning to (formats.md); every
/// other role is a name the policies may use. Spelled here once, so that the server, the
/// workflow and oversight routing can never disagree on who the office is.
/// </summary>
public static class Roles
{
    /// <summary>The privacy office, whose approval protected subjects need.</summary>
    public const string PrivacyOfficer = "privacy-officer";

    /// <summary>The independent office: alerts, any subject's access report, break-glass review, revocation.</summary>
    public const string Oversight = "oversight";

    /// <summary>Loads worlds and policy sets and may revoke.</summary>
    public const string Admin = "admin";

    /// <summary>
    /// An auditor of the ledger: reads its entry bodies. Not <c>auditor</c>: that names internal
    /// audit in the demo world, the very team of the design's incident.
    /// </summary>
    public const string LedgerAuditor = "ledger-auditor";
}
