using Custos.Formats;

namespace Custos.Access.Alerts;

/// <summary>
/// The ledger entry of one change to an alert (<c>"type": "alert"</c>): raised, updated with
/// more evidence, closed when its correlation window passed, or merged into another. Identifiers
/// only, like every entry. <see cref="Readers"/>, <see cref="Subjects"/> and
/// <see cref="Evidence"/> list what this change adds (for <c>raised</c>, everything); an alert
/// is the union of its entries, so an update stays small however large the alert grows.
/// </summary>
public sealed record AlertEntry : LedgerEntry
{
    /// <summary>The server's id of the alert, <c>alr-N</c>.</summary>
    public required string Alert { get; init; }

    public required AlertEntryChange Change { get; init; }

    /// <summary>The detector behind the alert, or <c>correlated</c>; set on raised and updated.</summary>
    public string? Detector { get; init; }

    public Severity? Severity { get; init; }

    /// <summary>Event time of the decision that completed the evidence (formats.md); set on raised.</summary>
    public DateTimeOffset? RaisedAt { get; init; }

    public IReadOnlyList<string> Readers { get; init; } = [];

    public IReadOnlyList<string> Subjects { get; init; } = [];

    /// <summary>Ledger indexes of the decisions (and approvals) that make the case.</summary>
    public IReadOnlyList<long> Evidence { get; init; } = [];

    /// <summary>One sentence, identifiers only.</summary>
    public string? Reason { get; init; }

    /// <summary>The oversight queue (a department id, or <c>external</c>) the alert is routed to.</summary>
    public string? Queue { get; init; }

    /// <summary>For <see cref="AlertEntryChange.Merged"/>: the alert that now holds this one's evidence.</summary>
    public string? MergedInto { get; init; }
}

/// <summary>What an <see cref="AlertEntry"/> does to its alert; ledgered by its kebab-case name (<c>"raised"</c>).</summary>
public enum AlertEntryChange
{
    Raised,

    /// <summary>More evidence, readers or subjects; the entry lists only what it adds.</summary>
    Updated,

    /// <summary>Its correlation window passed.</summary>
    Closed,

    /// <summary>Folded into another alert (<see cref="AlertEntry.MergedInto"/>), which now holds its evidence.</summary>
    Merged,
}

/// <summary>
/// The ledger entry of an oversight officer's triage of an alert (<c>"type": "alert-triage"</c>).
/// The note is not in the ledger — free text may name people — but its SHA-256 is: the text
/// is kept in the store beside the worlds and policies, provable against the ledger and
/// erasable without breaking it.
/// </summary>
public sealed record TriageEntry : LedgerEntry
{
    public const string Confirmed = "confirmed";
    public const string Benign = "benign";
    public const string NeedsInfo = "needs-info";

    /// <summary>The store's document kind of triage notes.</summary>
    public const string NoteKind = "triage-note";

    public static IReadOnlyList<string> Outcomes { get; } = [Confirmed, Benign, NeedsInfo];

    public required string Alert { get; init; }

    /// <summary><see cref="Confirmed"/>, <see cref="Benign"/> or <see cref="NeedsInfo"/>.</summary>
    public required string Outcome { get; init; }

    /// <summary>SHA-256 (hex) of the note's UTF-8 text, or null for no note.</summary>
    public string? NoteSha256 { get; init; }

    /// <summary>Who triaged: the caller's identity.</summary>
    public required string By { get; init; }
}
