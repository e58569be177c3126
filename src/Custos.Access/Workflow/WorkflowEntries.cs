using System.Text.Json;
using System.Text.Json.Serialization;
using Custos.Formats;

namespace Custos.Access.Workflow;

/// <summary>
/// The ledger entries of the access workflow (invariant 7: every request, approval, denial,
/// grant, expiry, break-glass and revocation is ledgered). Identifiers only: free text
/// (justifications, comments, reasons) is kept in the store, erasable, and ledgered as its
/// SHA-256, so that the ledger proves what was written without holding it.
/// </summary>
public static class WorkflowEntries
{
    public const string Request = "access-request";
    public const string Approval = "approval";
    public const string ApprovalRefused = "approval-refused";
    public const string RequestDenied = "request-denied";
    public const string Grant = "grant";
    public const string GrantRevoked = "grant-revoked";
    public const string GrantExpired = "grant-expired";
    public const string BreakGlassReview = "break-glass-review";
    public const string Revocation = "revocation";
    public const string RevocationLifted = "revocation-lifted";

    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal)
    {
        Request, Approval, ApprovalRefused, RequestDenied, Grant, GrantRevoked, GrantExpired, BreakGlassReview, Revocation, RevocationLifted,
    };

    public static byte[] Serialize<T>(T entry) => JsonSerializer.SerializeToUtf8Bytes(entry, FormatJson.Options);

    public static T Read<T>(JsonElement entry) => entry.Deserialize<T>(FormatJson.Options)
        ?? throw new JsonException($"an empty {typeof(T).Name}");

    public abstract record Entry(string Type)
    {
        public required DateTimeOffset Time { get; init; }
    }

    public sealed record RequestEntry() : Entry(Request)
    {
        public required string Id { get; init; }
        public required string Requester { get; init; }
        public required IReadOnlyList<string> Subjects { get; init; }
        public required IReadOnlyList<string> Categories { get; init; }
        public required string Purpose { get; init; }
        public required string Case { get; init; }
        public required long DurationSeconds { get; init; }
        public required string JustificationSha256 { get; init; }
    }

    /// <summary>An approval that counts toward the request's rule.</summary>
    public sealed record ApprovalEntry() : Entry(Approval)
    {
        public required string Request { get; init; }
        public required string Requester { get; init; }
        public required string Approver { get; init; }
        public required string CommentSha256 { get; init; }
    }

    /// <summary>An approval the rules refused: ledgered, never counted.</summary>
    public sealed record ApprovalRefusedEntry() : Entry(ApprovalRefused)
    {
        public required string Request { get; init; }
        public required string Requester { get; init; }
        public required string Approver { get; init; }
        public required IReadOnlyList<string> Policies { get; init; }
    }

    public sealed record RequestDeniedEntry() : Entry(RequestDenied)
    {
        public required string Request { get; init; }
        public required string By { get; init; }
        public required string CommentSha256 { get; init; }
    }

    public sealed record GrantEntry() : Entry(Grant)
    {
        public required string Id { get; init; }
        public string? Request { get; init; }
        public required string Reader { get; init; }
        public required IReadOnlyList<string> Subjects { get; init; }
        public required IReadOnlyList<string> Categories { get; init; }
        public required string Purpose { get; init; }
        public required string Case { get; init; }
        public required DateTimeOffset ExpiresAt { get; init; }
        public required bool BreakGlass { get; init; }

        /// <summary>For break-glass: the emergency's justification.</summary>
        public string? JustificationSha256 { get; init; }

        /// <summary>The approvers whose approvals met the rule.</summary>
        public IReadOnlyList<string> ApprovedBy { get; init; } = [];
    }

    public sealed record GrantRevokedEntry() : Entry(GrantRevoked)
    {
        public required string Grant { get; init; }
        public required string By { get; init; }
        public required string ReasonSha256 { get; init; }
        public string? Revocation { get; init; }
    }

    public sealed record GrantExpiredEntry() : Entry(GrantExpired)
    {
        public required string Grant { get; init; }
    }

    public sealed record BreakGlassReviewEntry() : Entry(BreakGlassReview)
    {
        public required string Grant { get; init; }
        public required string By { get; init; }
        public required string Outcome { get; init; }
        public required string NoteSha256 { get; init; }
    }

    public sealed record RevocationEntry() : Entry(Revocation)
    {
        public required string Id { get; init; }
        public required string By { get; init; }
        public required RevocationScope Scope { get; init; }
        public required bool Deactivation { get; init; }
        public required string ReasonSha256 { get; init; }
        public required IReadOnlyList<string> People { get; init; }
        public required IReadOnlyList<string> GrantsCut { get; init; }
        public required IReadOnlyList<string> RequestsCancelled { get; init; }
    }

    public sealed record RevocationLiftedEntry() : Entry(RevocationLifted)
    {
        public required string Revocation { get; init; }
        public required string By { get; init; }
        public required string ReasonSha256 { get; init; }
    }
}
