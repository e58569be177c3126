using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Custos.Access;
using Custos.Access.Alerts;
using Custos.Access.Storage;
using Custos.Formats;

namespace Custos.Oversight;

/// <summary>
/// An alert as the API and the webhook sink show it: the alert of formats.md (its
/// <c>evidence</c> being ledger indexes, as on every live server) with where it is routed, its
/// state, its triage, and the ledger indexes of its own entries.
/// </summary>
public sealed record AlertBody(
    string Id,
    string Detector,
    string Severity,
    DateTimeOffset RaisedAt,
    IReadOnlyList<string> Readers,
    IReadOnlyList<string> Subjects,
    IReadOnlyList<long> Evidence,
    string Reason,
    string Queue,
    string State,
    string? MergedInto,
    string Status,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<long> LedgerEntries,
    IReadOnlyList<TriageBody> Triage)
{
    /// <summary>The alert's body; triage notes come from the store (null when it no longer holds one).</summary>
    public static async Task<AlertBody> FromAsync(AlertRecord alert, AccessStore store, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var triage = new List<TriageBody>(alert.Triage.Count);
        foreach (var t in alert.Triage)
        {
            var note = t.NoteSha256 is { } sha ? await store.DocumentAsync(sha, cancellation) : null;
            triage.Add(new TriageBody(t.Outcome, note is null ? null : Encoding.UTF8.GetString(note), t.NoteSha256, t.By, t.Time, t.LedgerIndex));
        }
        return new AlertBody(
            alert.Id, alert.Detector, SeverityName(alert.Severity), alert.RaisedAt, alert.Readers, alert.Subjects, alert.Evidence,
            alert.Reason, alert.Queue, alert.State, alert.MergedInto, alert.Status, alert.UpdatedAt, alert.Entries, triage);
    }

    public static string SeverityName(Severity severity) => severity.ToString().ToLowerInvariant();
}

/// <summary>One triage: what the officer concluded, their note, who and when, and where the ledger holds it.</summary>
public sealed record TriageBody(string Outcome, string? Note, string? NoteSha256, string By, DateTimeOffset Time, long LedgerIndex);

/// <summary>What the webhook sink POSTs for each alert entry: the change, where the ledger holds it, and the alert as it stood then.</summary>
public sealed record AlertDelivery(long LedgerIndex, string Change, DateTimeOffset Time, AlertBody Alert);

/// <summary>The JSON of the API and the webhook sink: snake_case, RFC 3339 UTC times.</summary>
public static class AlertJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        options.Converters.Add(new FormatJson.Rfc3339UtcConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Reads a stored alert entry back; null for an entry of neither alert kind.</summary>
    public static LedgerEntry? ReadEntry(string json) => LedgerEntry.ParseKnown(Encoding.UTF8.GetBytes(json)) switch
    {
        AlertEntry change => change,
        TriageEntry triage => triage,
        _ => null,
    };

    /// <summary>The alert as its entries up to one made it.</summary>
    public static AlertRecord Fold(string alertId, IEnumerable<StoredAlertEntry> history)
    {
        var alert = new AlertRecord { Id = alertId };
        foreach (var stored in history)
        {
            switch (ReadEntry(stored.Entry))
            {
                case AlertEntry change:
                    alert.Apply(stored.LedgerIndex, change);
                    break;
                case TriageEntry triage:
                    alert.Apply(stored.LedgerIndex, triage);
                    break;
            }
        }
        return alert;
    }
}
