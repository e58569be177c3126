using System.Globalization;
using System.Text.Json;
using Custos.Formats;

namespace Custos.Access.Alerts;

/// <summary>
/// An alert as its ledger entries make it: the fold, in ledger order, of its <see cref="AlertEntry"/>
/// changes and <see cref="TriageEntry"/> triages. The store keeps it as a projection of the
/// ledger; the webhook sink folds the entries up to one index to send the alert as it was then.
/// </summary>
public sealed class AlertRecord
{
    public const string Open = "open";
    public const string Closed = "closed";
    public const string Merged = "merged";

    /// <summary>The status of an alert no one has triaged yet.</summary>
    public const string New = "new";

    /// <summary>Evidence kept per alert: far above the engine's own cap, a guard against a runaway merge.</summary>
    public const int MaxEvidence = 10_000;

    public required string Id { get; init; }

    /// <summary>N of <c>alr-N</c>: the order alerts were raised in.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long Sequence => SequenceOf(Id);

    /// <summary><see cref="Open"/>, <see cref="Closed"/> or <see cref="Merged"/>.</summary>
    public string State { get; set; } = Open;

    public string? MergedInto { get; set; }

    /// <summary><see cref="New"/> until triaged, then the latest triage's outcome.</summary>
    public string Status { get; set; } = New;

    public string Detector { get; set; } = "";

    public Severity Severity { get; set; }

    public DateTimeOffset RaisedAt { get; set; }

    /// <summary>When the latest entry about it was ledgered.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    public List<string> Readers { get; set; } = [];

    public List<string> Subjects { get; set; } = [];

    public List<long> Evidence { get; set; } = [];

    public string Reason { get; set; } = "";

    public string Queue { get; set; } = "";

    public List<TriageRecord> Triage { get; set; } = [];

    /// <summary>Ledger indexes of the alert's own entries (changes and triages), in order.</summary>
    public List<long> Entries { get; set; } = [];

    /// <summary>Folds in one change; false (and nothing changes) when the entry was folded in before.</summary>
    public bool Apply(long ledgerIndex, AlertEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!Record(ledgerIndex, entry.Time))
        {
            return false;
        }
        switch (entry.Change)
        {
            case AlertEntryChange.Raised:
            case AlertEntryChange.Updated:
                State = Open;
                if (entry.RaisedAt is { } raisedAt && (entry.Change == AlertEntryChange.Raised || RaisedAt == default))
                {
                    RaisedAt = raisedAt;
                }
                Detector = entry.Detector ?? Detector;
                Severity = entry.Severity ?? Severity;
                Reason = entry.Reason ?? Reason;
                Queue = entry.Queue ?? Queue;
                AddAll(Readers, entry.Readers, int.MaxValue);
                AddAll(Subjects, entry.Subjects, int.MaxValue);
                AddAll(Evidence, entry.Evidence, MaxEvidence);
                break;
            case AlertEntryChange.Closed:
                if (State == Open)
                {
                    State = Closed;
                }
                break;
            case AlertEntryChange.Merged:
                State = Merged;
                MergedInto = entry.MergedInto;
                break;
            default:
                throw new ArgumentException($"'{entry.Change}' is not a change of an alert.", nameof(entry));
        }
        return true;
    }

    /// <summary>Folds in one triage; false when it was folded in before.</summary>
    public bool Apply(long ledgerIndex, TriageEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!Record(ledgerIndex, entry.Time))
        {
            return false;
        }
        Triage.Add(new TriageRecord(ledgerIndex, entry.Outcome, entry.NoteSha256, entry.By, entry.Time));
        Status = entry.Outcome;
        return true;
    }

    public string ToJson() => JsonSerializer.Serialize(this, FormatJson.Options);

    public static AlertRecord FromJson(string json) =>
        JsonSerializer.Deserialize<AlertRecord>(json, FormatJson.Options) ?? throw new JsonException("an alert record is null");

    public static string IdOf(long sequence) => $"alr-{sequence.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>N of <c>alr-N</c>, or 0 for an id of another form.</summary>
    public static long SequenceOf(string id) =>
        id.StartsWith("alr-", StringComparison.Ordinal) && long.TryParse(id.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private bool Record(long ledgerIndex, DateTimeOffset time)
    {
        if (Entries.Contains(ledgerIndex))
        {
            return false;
        }
        Entries.Add(ledgerIndex);
        if (time > UpdatedAt)
        {
            UpdatedAt = time;
        }
        return true;
    }

    private static void AddAll<T>(List<T> into, IEnumerable<T> items, int cap)
    {
        var seen = new HashSet<T>(into);
        foreach (var item in items)
        {
            if (into.Count >= cap)
            {
                return;
            }
            if (seen.Add(item))
            {
                into.Add(item);
            }
        }
    }
}

/// <summary>One triage of an alert, as ledgered at <see cref="LedgerIndex"/>.</summary>
public sealed record TriageRecord(long LedgerIndex, string Outcome, string? NoteSha256, string By, DateTimeOffset Time);
