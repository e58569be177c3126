using System.Text.Json;
using Custos.Access.Alerts;
using Custos.Access.Domain;

namespace Custos.Access.Disclosure;

/// <summary>
/// Who asks for a ledger entry's body, as the server resolved them from their token and the
/// world: <see cref="IsAuditor"/> and <see cref="IsOversight"/> are set only for someone who
/// holds that power now (active, under no standing revocation).
/// </summary>
public sealed record LedgerViewer(string Id, bool IsAuditor, bool IsOversight);

/// <summary>
/// Which ledger entry bodies a caller may read (design invariant 10: the ledger's contents are
/// confidential, its integrity public). Hashes, proofs and checkpoints are for everyone; a body
/// says who read whom, under which case, and why an alert suspects someone, so it goes only to:
/// <list type="bullet">
/// <item>an auditor — every entry, except the alerts about themselves;</item>
/// <item>oversight — the alert entries (changes and triages) of alerts they stand outside of;</item>
/// <item>a data subject — the decisions about their own data that are disclosed to them, as
/// their access report is (<see cref="CaseDisclosure"/>);</item>
/// <item>nobody else, and never the readers an alert is about.</item>
/// </list>
/// </summary>
public static class LedgerEntryAccess
{
    /// <summary>Service identities that read the whole ledger: <c>service:auditor</c> and <c>service:auditor-NAME</c>.</summary>
    public const string AuditorService = "service:auditor";

    public static bool IsAuditorService(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id == AuditorService || (id.StartsWith(AuditorService + "-", StringComparison.Ordinal) && id.Length > AuditorService.Length + 1);
    }

    /// <summary>
    /// Whether <paramref name="viewer"/> may read <paramref name="entry"/>.
    /// <paramref name="standsOutside"/> answers, for an alert id, whether the viewer is independent
    /// of the readers that alert is about (not one of them, nor in their department or chain);
    /// it is asked only about alert entries, and must answer false for an alert it cannot find.
    /// </summary>
    public static async ValueTask<bool> MaySeeAsync(LedgerViewer viewer, byte[] entry, AccessDirectory directory, DateTimeOffset now, Func<string, ValueTask<bool>> standsOutside)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(standsOutside);
        var facts = EntryFacts.Read(entry);
        if (facts.Type is AlertEntry.Type or TriageEntry.Type)
        {
            return (viewer.IsAuditor || viewer.IsOversight) && facts.Alert is { } alert && await standsOutside(alert);
        }
        if (viewer.IsAuditor)
        {
            return true;
        }
        return facts.Type == "decision"
            && facts.Subject == viewer.Id
            && !CaseDisclosure.IsWithheld(directory, facts.Subject, facts.Case, now);
    }

    /// <summary>The few top-level fields the rule looks at; an entry that is not a JSON object has none (auditors only).</summary>
    private readonly record struct EntryFacts(string? Type, string? Subject, string? Case, string? Alert)
    {
        public static EntryFacts Read(ReadOnlySpan<byte> entry)
        {
            try
            {
                var reader = new Utf8JsonReader(entry);
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return default;
                }
                var facts = default(EntryFacts);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString();
                    reader.Read();
                    var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                    facts = name switch
                    {
                        "type" => facts with { Type = value },
                        "subject" => facts with { Subject = value },
                        "case" => facts with { Case = value },
                        "alert" => facts with { Alert = value },
                        _ => facts,
                    };
                }
                return facts;
            }
            catch (JsonException)
            {
                return default;
            }
        }
    }
}
