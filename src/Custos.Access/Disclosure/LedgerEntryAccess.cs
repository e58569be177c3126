using System.Text.Json;
using Custos.Access.Alerts;
using Custos.Access.Decisions;
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
        LedgerEntry? parsed;
        try
        {
            parsed = LedgerEntry.ParseKnown(entry);
        }
        catch (JsonException)
        {
            // A damaged entry of an alert kind may still name the auditor it is about: it stays closed.
            return viewer.IsAuditor && LedgerEntry.TypeOf(entry) is not (LedgerEntryTypes.Alert or LedgerEntryTypes.Triage);
        }
        switch (parsed)
        {
            case AlertEntry alert:
                return (viewer.IsAuditor || viewer.IsOversight) && await standsOutside(alert.Alert);
            case TriageEntry triage:
                return (viewer.IsAuditor || viewer.IsOversight) && await standsOutside(triage.Alert);
            case var _ when viewer.IsAuditor:
                return true;
            case DecisionEntry decision:
                return decision.Subject == viewer.Id && !CaseDisclosure.IsWithheld(directory, decision.Subject, decision.Case, now);
            default:
                return false;
        }
    }
}
