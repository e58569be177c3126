using System.Text;
using System.Text.Json;
using Custos.Access;
using Custos.Access.Alerts;
using Custos.Access.Decisions;
using Custos.Access.Workflow;
using Custos.Ledger.Storage;

namespace Custos.Oversight;

/// <summary>A ledger entry as detection sees it: the kinds it acts on, parsed; everything else, skipped.</summary>
internal abstract record LedgerItem
{
    private LedgerItem()
    {
    }

    public sealed record DecisionItem(DecisionEntry Entry) : LedgerItem;

    /// <summary>An approval of an access request (<c>approval</c>), or one the rules refused (<c>approval-refused</c>).</summary>
    public sealed record ApprovalItem(DateTimeOffset Time, string Request, string Requester, string Approver, bool Refused) : LedgerItem;

    /// <summary>An access request (<c>access-request</c>): the subjects its approvals are about.</summary>
    public sealed record RequestItem(string Id, IReadOnlyList<string> Subjects) : LedgerItem;

    public sealed record AlertItem(AlertEntry Entry, string Json) : LedgerItem;

    public sealed record TriageItem(TriageEntry Entry, string Json) : LedgerItem;

    /// <summary>An entry detection has no use for (activations, grants, entries of other kinds).</summary>
    public sealed record OtherItem : LedgerItem
    {
        public static OtherItem Instance { get; } = new();
    }

    /// <summary>
    /// Reads one entry. An entry of a kind detection acts on that does not parse is reported
    /// through <paramref name="malformed"/> and skipped: one bad entry must not stop detection.
    /// </summary>
    public static LedgerItem Parse(long index, byte[] entry, Action<long, string, string> malformed)
    {
        LedgerEntry? parsed;
        try
        {
            parsed = LedgerEntry.ParseKnown(entry);
        }
        catch (JsonException e)
        {
            malformed(index, LedgerEntry.TypeOf(entry)!, e.Message);
            return OtherItem.Instance;
        }
        return parsed switch
        {
            DecisionEntry decision => new DecisionItem(decision),
            WorkflowEntries.ApprovalEntry a => new ApprovalItem(a.Time, a.Request, a.Requester, a.Approver, Refused: false),
            WorkflowEntries.ApprovalRefusedEntry r => new ApprovalItem(r.Time, r.Request, r.Requester, r.Approver, Refused: true),
            WorkflowEntries.RequestEntry q => new RequestItem(q.Id, q.Subjects),
            AlertEntry alert => new AlertItem(alert, Encoding.UTF8.GetString(entry)),
            TriageEntry triage => new TriageItem(triage, Encoding.UTF8.GetString(entry)),
            _ => OtherItem.Instance,
        };
    }

    /// <summary>
    /// The <c>time</c> of the first entry from <paramref name="index"/> (before <paramref name="end"/>)
    /// that has one, looking at a few entries at most: every entry Custos writes has a time, but
    /// a foreign one may not.
    /// </summary>
    internal static async Task<DateTimeOffset?> TimeNearAsync(ILedgerStore store, long index, long end, CancellationToken cancellation)
    {
        await foreach (var leaf in store.ReadLeavesAsync(index, Math.Min(end, index + 16), cancellation))
        {
            if (LedgerEntry.TimeOf(leaf.Entry) is { } time)
            {
                return time;
            }
        }
        return null;
    }
}
