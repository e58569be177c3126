namespace Custos.Detection.Synthetic;

/// <summary>
/// The names a synthetic world uses. Variant 0 is the plain vocabulary; other variants rename
/// departments, roles, purposes, categories, protected classes and relationship kinds, so that
/// a detector that keyed on a name rather than on the formats' semantics (tiers, masks, cases,
/// zones, accounts) fails the robustness runs. The three roles that mean something to Custos
/// itself (<c>oversight</c>, <c>privacy-officer</c>, <c>admin</c>) keep their names.
/// </summary>
internal sealed class Vocabulary
{
    private static readonly string[][] DepartmentSets =
    [
        ["dept:operations", "dept:support", "dept:trust-safety", "dept:engineering", "dept:audit", "dept:privacy", "dept:oversight"],
        ["dept:company", "dept:customer-care", "dept:integrity", "dept:platform", "dept:risk-review", "dept:data-protection", "dept:ombuds"],
        ["dept:org", "dept:help-desk", "dept:safety-ops", "dept:infra", "dept:compliance-audit", "dept:privacy-office", "dept:independent-review"],
    ];

    private static readonly string[][] RoleSets =
    [
        ["support-agent", "ts-investigator", "engineer", "auditor", "manager"],
        ["care-specialist", "integrity-analyst", "sre", "risk-auditor", "lead"],
        ["agent-l1", "safety-reviewer", "developer", "internal-auditor", "team-lead"],
    ];

    private static readonly string[][] PurposeSets =
    [
        ["customer-support", "trust-safety-investigation", "debugging", "internal-audit"],
        ["ticket-handling", "abuse-investigation", "incident-response", "compliance-review"],
        ["member-help", "safety-case", "bug-triage", "audit-inquiry"],
    ];

    // Order: basic, contact, activity, payments, device, ip, location, social, messages, uploads.
    private static readonly string[][] CategorySets =
    [
        ["profile.basic", "profile.contact", "account.activity", "payments.history", "device.info", "network.ip_address", "location.precise", "social.graph", "messages.content", "content.uploads"],
        ["user.core", "user.reach", "usage.log", "billing.records", "device.fingerprint", "net.addr", "geo.gps", "graph.edges", "dm.bodies", "media.posts"],
        ["id.name", "id.email_phone", "telemetry.sessions", "finance.cards", "hw.devices", "conn.ip", "geo.latlon", "friends.list", "chat.text", "posts.media"],
    ];

    private static readonly string[][] ClassSets =
    [
        ["journalist", "public-figure", "minor"],
        ["press", "politician", "child"],
        ["reporter", "celebrity", "under-18"],
    ];

    private static readonly string[] RelationshipKinds = ["contact", "follows", "friend"];

    public Vocabulary(int variant)
    {
        var i = Math.Abs(variant) % DepartmentSets.Length;
        var d = DepartmentSets[i];
        (Root, Support, TrustSafety, Engineering, Audit, Privacy, Oversight) = (d[0], d[1], d[2], d[3], d[4], d[5], d[6]);
        var r = RoleSets[i];
        (SupportRole, InvestigatorRole, EngineerRole, AuditorRole, ManagerRole) = (r[0], r[1], r[2], r[3], r[4]);
        var p = PurposeSets[i];
        (SupportPurpose, InvestigationPurpose, DebugPurpose, AuditPurpose) = (p[0], p[1], p[2], p[3]);
        Categories = CategorySets[i];
        Classes = ClassSets[i];
        RelationshipKind = RelationshipKinds[i];
    }

    public string Root { get; }
    public string Support { get; }
    public string TrustSafety { get; }
    public string Engineering { get; }
    public string Audit { get; }
    public string Privacy { get; }
    public string Oversight { get; }

    public string SupportRole { get; }
    public string InvestigatorRole { get; }
    public string EngineerRole { get; }
    public string AuditorRole { get; }
    public string ManagerRole { get; }

    public string SupportPurpose { get; }
    public string InvestigationPurpose { get; }
    public string DebugPurpose { get; }
    public string AuditPurpose { get; }

    public IReadOnlyList<string> Categories { get; }

    public string Basic => Categories[0];
    public string Contact => Categories[1];
    public string Activity => Categories[2];
    public string Payments => Categories[3];
    public string Device => Categories[4];
    public string Ip => Categories[5];
    public string Location => Categories[6];
    public string Social => Categories[7];
    public string Messages => Categories[8];
    public string Uploads => Categories[9];

    /// <summary>journalist, public figure, minor — in this variant's words.</summary>
    public IReadOnlyList<string> Classes { get; }

    public string Journalist => Classes[0];

    public string RelationshipKind { get; }
}
