using System.Text;
using System.Text.Json;
using Custos.Access.Alerts;
using Custos.Access.Decisions;
using Custos.Access.Workflow;
using Custos.Formats;
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
        string? type;
        try
        {
            type = TypeOf(entry);
        }
        catch (JsonException)
        {
            return OtherItem.Instance;
        }
        try
        {
            return type switch
            {
                "decision" => new DecisionItem(Deserialize<DecisionEntry>(entry)),
                WorkflowEntries.Approval => Approval(Deserialize<WorkflowEntries.ApprovalEntry>(entry)),
                WorkflowEntries.ApprovalRefused => Refusal(Deserialize<WorkflowEntries.ApprovalRefusedEntry>(entry)),
                WorkflowEntries.Request => AccessRequest(Deserialize<WorkflowEntries.RequestEntry>(entry)),
                AlertEntry.Type => new AlertItem(Deserialize<AlertEntry>(entry), Encoding.UTF8.GetString(entry)),
                TriageEntry.Type => new TriageItem(Deserialize<TriageEntry>(entry), Encoding.UTF8.GetString(entry)),
                _ => OtherItem.Instance,
            };
        }
        catch (JsonException e)
        {
            malformed(index, type!, e.Message);
            return OtherItem.Instance;
        }
    }

    private static ApprovalItem Approval(WorkflowEntries.ApprovalEntry a) => new(a.Time, a.Request, a.Requester, a.Approver, Refused: false);

    private static ApprovalItem Refusal(WorkflowEntries.ApprovalRefusedEntry r) => new(r.Time, r.Request, r.Requester, r.Approver, Refused: true);

    private static RequestItem AccessRequest(WorkflowEntries.RequestEntry q) => new(q.Id, q.Subjects);

    private static T Deserialize<T>(byte[] entry) =>
        JsonSerializer.Deserialize<T>(entry, FormatJson.Options) ?? throw new JsonException("the entry is null");

    /// <summary>The top-level <c>type</c> of an entry, read without building it.</summary>
    internal static string? TypeOf(ReadOnlySpan<byte> entry)
    {
        var reader = new Utf8JsonReader(entry);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType)
            {
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            reader.Skip();
        }
        return null;
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
            if (TimeOf(leaf.Entry) is { } time)
            {
                return time;
            }
        }
        return null;
    }

    private static DateTimeOffset? TimeOf(byte[] entry)
    {
        try
        {
            var reader = new Utf8JsonReader(entry);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isTime = reader.ValueTextEquals("time"u8);
                reader.Read();
                if (isTime)
                {
                    return reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var time) ? time : null;
                }
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not an object Custos wrote: no time.
        }
        return null;
    }
}
