using System.Text.Json.Serialization;

namespace Custos.Formats;

/// <summary>
/// <c>world.json</c>: the directory a deployment runs against — who works here, whose data is
/// held, which cases are open (formats.md). In production it is synced; for tests, demos and
/// replays it is one file.
/// </summary>
public sealed record World
{
    public required IReadOnlyList<Category> Categories { get; init; }

    public required IReadOnlyList<Purpose> Purposes { get; init; }

    /// <summary>Optional: with no zones, no subject has a residency limit.</summary>
    public IReadOnlyList<ResidencyZone> Residency { get; init; } = [];

    public required IReadOnlyList<Department> Departments { get; init; }

    public required IReadOnlyList<StaffMember> Staff { get; init; }

    public required IReadOnlyList<Subject> Subjects { get; init; }

    public IReadOnlyList<Relationship> Relationships { get; init; } = [];

    public IReadOnlyList<Case> Cases { get; init; } = [];
}

/// <summary>A kind of personal data, its sensitivity tier (1 lowest) and how it is masked.</summary>
public sealed record Category
{
    public required string Id { get; init; }

    public required int Tier { get; init; }

    public required MaskKind Mask { get; init; }
}

/// <summary>How a masked category is shown when its purpose does not read it raw.</summary>
public enum MaskKind
{
    /// <summary>Shown as is.</summary>
    None,

    /// <summary>Partly hidden: "a•••@example.org", "+1 •••• ••42".</summary>
    Partial,

    /// <summary>An IP address cut to its /24 (IPv4) or /48 (IPv6) network.</summary>
    IpPrefix,

    /// <summary>Coordinates reduced to the city they fall in.</summary>
    City,

    /// <summary>A list reduced to its length.</summary>
    Count,

    /// <summary>Withheld entirely.</summary>
    Redact,
}

/// <summary>
/// Why data is read. A purpose may read the categories it lists and nothing else; of those,
/// the ones in <see cref="Raw"/> come unmasked.
/// </summary>
public sealed record Purpose
{
    public required string Id { get; init; }

    public required IReadOnlyList<string> Categories { get; init; }

    public IReadOnlyList<string> Raw { get; init; } = [];
}

/// <summary>Jurisdictions whose users may be read only by staff located in the same zone.</summary>
public sealed record ResidencyZone
{
    public required string Zone { get; init; }

    public required IReadOnlyList<string> Jurisdictions { get; init; }
}

public sealed record Department
{
    public required string Id { get; init; }

    public string? Name { get; init; }

    public string? Parent { get; init; }
}

public sealed record StaffMember
{
    public required string Id { get; init; }

    public required string Department { get; init; }

    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Where the staff member is based (they may read from elsewhere).</summary>
    public required string Jurisdiction { get; init; }

    public string? Manager { get; init; }

    /// <summary>The staff member's own platform account: reading it is reading an employee.</summary>
    public string? Account { get; init; }

    public bool Active { get; init; } = true;
}

/// <summary>A platform user whose data Custos guards.</summary>
public sealed record Subject
{
    public required string Id { get; init; }

    public required string Jurisdiction { get; init; }

    /// <summary>Protected classes: journalist, public-figure, minor, employee, …</summary>
    public IReadOnlyList<string> Protected { get; init; } = [];
}

public sealed record Relationship
{
    public required string From { get; init; }

    public required string To { get; init; }

    public required string Kind { get; init; }
}

/// <summary>
/// An investigation or ticket. It covers its subjects for its owner and members while open;
/// its reads stay out of the subjects' access reports until <see cref="DiscloseAfter"/>.
/// </summary>
public sealed record Case
{
    public required string Id { get; init; }

    public required string Purpose { get; init; }

    public required string Owner { get; init; }

    public IReadOnlyList<string> Members { get; init; } = [];

    public required IReadOnlyList<string> Subjects { get; init; }

    public required DateTimeOffset Opened { get; init; }

    public DateTimeOffset? Closed { get; init; }

    public DateTimeOffset? DiscloseAfter { get; init; }

    /// <summary>
    /// Who created the case, when it was not its owner (a case filed by a colleague or by a
    /// ticketing system and assigned from a queue); null means the owner opened it. Provenance:
    /// a case its own reader opened is that reader's claim, not someone else's request.
    /// </summary>
    public string? OpenedBy { get; init; }

    /// <summary>Where the case came from; null when the case system does not say.</summary>
    public CaseSource? Source { get; init; }

    /// <summary>The identifier of whoever created the case: <see cref="OpenedBy"/>, else the owner.</summary>
    [JsonIgnore]
    public string Opener => OpenedBy ?? Owner;

    public bool IsOpenAt(DateTimeOffset time) => Opened <= time && (Closed is null || time < Closed);
}

/// <summary>How a case came to exist (formats.md, <c>cases[].source</c>).</summary>
public enum CaseSource
{
    /// <summary>Created from a ticket someone else filed (a customer, a bug reporter, a pager).</summary>
    Ticket,

    /// <summary>Assigned from a work queue (reports, alerts, referrals).</summary>
    Queue,

    /// <summary>Typed in by hand by the person who opened it.</summary>
    Manual,
}
