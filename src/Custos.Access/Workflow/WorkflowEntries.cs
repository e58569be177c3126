namespace Custos.Access.Workflow;

/// <summary>
/// The ledger entries of the access workflow (invariant 7: every request, approval, denial,
/// grant, expiry, break-glass and revocation is ledgered). Identifiers only: free text
/// (justifications, comments, reasons) is kept in the store, erasable, and ledgered as its
/// SHA-256, so that the ledger proves what was written without holding it.
/// </summary>
public static class WorkflowEntries
{
    /// <summary>An entry of the workflow; <see cref="Entry.TextHashes"/> names the texts (kept in the store) it stands for.</summary>
    public abstract record Entry : LedgerEntry
    {
        public virtual IEnumerable<string> TextHashes() => [];
    }

    public sealed record RequestEntry : Entry
    {
        public required string Id { get; init; }
        public required string Requester { get; init; }
        public required IReadOnlyList<string> Subjects { get; init; }
        public required IReadOnlyList<string> Categories { get; init; }
        public required string Purpose { get; init; }
        public required string Case { get; init; }
        public required long DurationSeconds { get; init; }
        public required string JustificationSha256 { get; init; }

        public override IEnumerable<string> TextHashes() => [JustificationSha256];
    }

    /// <summary>An approval that counts toward the request's rule.</summary>
    public sealed record ApprovalEntry : Entry
    {
        public required string Request { get; init; }
        public required string Requester { get; init; }
        public required string Approver { get; init; }
        public required string CommentSha256 { get; init; }

        public override IEnumerable<string> TextHashes() => [CommentSha256];
    }

    /// <summary>An approval the rules refused: ledgered, never counted.</summary>
    public sealed record ApprovalRefusedEntry : Entry
    {
        public required string Request { get; init; }
        public required string Requester { get; init; }
        public required string Approver { get; init; }
        public required IReadOnlyList<string> Policies { get; init; }
    }

    public sealed record RequestDeniedEntry : Entry
    {
        public required string Request { get; init; }
        public required string By { get; init; }
        public required string CommentSha256 { get; init; }

        public override IEnumerable<string> TextHashes() => [CommentSha256];
    }

    public sealed record GrantEntry : Entry
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

        public override IEnumerable<string> TextHashes() => JustificationSha256 is { } sha256 ? [sha256] : [];
    }

    public sealed record GrantRevokedEntry : Entry
    {
        public required string Grant { get; init; }
        public required string By { get; init; }
        public required string ReasonSha256 { get; init; }
        public string? Revocation { get; init; }

        public override IEnumerable<string> TextHashes() => [ReasonSha256];
    }

    public sealed record GrantExpiredEntry : Entry
    {
        public required string Grant { get; init; }
    }

    public sealed record BreakGlassReviewEntry : Entry
    {
        public required string Grant { get; init; }
        public required string By { get; init; }
        public required string Outcome { get; init; }
        public required string NoteSha256 { get; init; }

        public override IEnumerable<string> TextHashes() => [NoteSha256];
    }

    public sealed record RevocationEntry : Entry
    {
        public required string Id { get; init; }
        public required string By { get; init; }
        public required RevocationScope Scope { get; init; }
        public required bool Deactivation { get; init; }
        public required string ReasonSha256 { get; init; }
        public required IReadOnlyList<string> People { get; init; }
        public required IReadOnlyList<string> GrantsCut { get; init; }
        public required IReadOnlyList<string> RequestsCancelled { get; init; }

        public override IEnumerable<string> TextHashes() => [ReasonSha256];
    }

    public sealed record RevocationLiftedEntry : Entry
    {
        public required string Revocation { get; init; }
        public required string By { get; init; }
        public required string ReasonSha256 { get; init; }

        public override IEnumerable<string> TextHashes() => [ReasonSha256];
    }
}
