namespace Custos.Access.Workflow;

/// <summary>What a reader asks for: exactly these categories of these subjects, for this purpose and case, for this long.</summary>
public sealed record AccessRequest(
    string Id,
    string Requester,
    IReadOnlyList<string> Subjects,
    IReadOnlyList<string> Categories,
    string Purpose,
    string Case,
    string Justification,
    TimeSpan Duration,
    DateTimeOffset CreatedAt,
    long LedgerIndex)
{
    public RequestStatus Status { get; init; } = RequestStatus.Pending;

    /// <summary>The approvals that count, one per approver, in order.</summary>
    public IReadOnlyList<Approval> Approvals { get; init; } = [];

    /// <summary>Who refused it, or why it was cancelled.</summary>
    public Closure? Closed { get; init; }

    public string? GrantId { get; init; }
}

public enum RequestStatus
{
    Pending,
    Granted,
    Denied,
    Cancelled,
}

public sealed record Approval(string Approver, DateTimeOffset At, string Comment, long LedgerIndex);

public sealed record Closure(string By, DateTimeOffset At, string Reason, long LedgerIndex);

/// <summary>
/// A live permission to read exactly these categories of these subjects for this purpose and
/// case, until <see cref="ExpiresAt"/> — issued when a request's approvals meet the rule, or at
/// once by break-glass.
/// </summary>
public sealed record Grant(
    string Id,
    string? RequestId,
    string Reader,
    IReadOnlyList<string> Subjects,
    IReadOnlyList<string> Categories,
    string Purpose,
    string Case,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    bool BreakGlass,
    long LedgerIndex)
{
    public Closure? Revoked { get; init; }

    /// <summary>When the expiry was ledgered (the grant stopped at <see cref="ExpiresAt"/> regardless).</summary>
    public DateTimeOffset? ExpiryRecordedAt { get; init; }

    public bool IsLive(DateTimeOffset now) => Revoked is null && now < ExpiresAt;
}

/// <summary>An emergency grant, and oversight's review of it, due within a day.</summary>
public sealed record BreakGlass(string GrantId, string Reader, string Justification, DateTimeOffset At, long LedgerIndex)
{
    public static readonly TimeSpan ReviewWithin = TimeSpan.FromHours(24);

    public Review? Review { get; init; }

    public DateTimeOffset ReviewDue => At + ReviewWithin;
}

public sealed record Review(string By, DateTimeOffset At, string Outcome, string Note, long LedgerIndex);

/// <summary>Who a revocation applies to: a department (and the departments under it), a role, or one person.</summary>
public sealed record RevocationScope(string Kind, string Value)
{
    public const string DepartmentKind = "department";
    public const string RoleKind = "role";
    public const string StaffKind = "staff";

    public override string ToString() => $"{Kind} {Value}";
}

/// <summary>
/// Cuts access for everyone in its scope, now and until lifted: live grants are revoked,
/// pending requests cancelled, and every decision for them is denied.
/// </summary>
public sealed record Revocation(
    string Id,
    RevocationScope Scope,
    string Reason,
    string By,
    DateTimeOffset At,
    bool Deactivation,
    IReadOnlyList<string> People,
    IReadOnlyList<string> GrantsCut,
    IReadOnlyList<string> RequestsCancelled,
    long LedgerIndex)
{
    public Closure? Lifted { get; init; }
}

/// <summary>A standing revocation, as a decision reports it.</summary>
public sealed record RevocationNotice(string Id, string Reason);
