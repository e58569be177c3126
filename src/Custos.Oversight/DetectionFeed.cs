using System.Threading.Channels;
using Custos.Access.Decisions;
using Microsoft.Extensions.Options;

namespace Custos.Oversight;

/// <summary>
/// What the decision path hands to detection, and nothing more: each ledgered decision, already
/// parsed, into a bounded queue, and a nudge whenever the ledger grows by anything else. Both
/// return at once: when the queue is full the decision is dropped from it — never waited for —
/// and the detection worker reads it back from the ledger, which is the source of truth; the
/// queue only spares it the read.
/// </summary>
public sealed class DetectionFeed : IDecisionListener, ILedgerAppendListener
{
    private readonly Channel<FeedItem> _channel;
    private readonly bool _enabled;
    private long _dropped;
    private int _wakePending;

    public DetectionFeed(IOptions<LiveDetectionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A node that does not run detection keeps nothing for it.
        _enabled = options.Value.Enabled;
        _channel = Channel.CreateBounded<FeedItem>(new BoundedChannelOptions(Math.Max(16, options.Value.QueueCapacity))
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>Decisions that found the queue full and are read back from the ledger instead.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal ChannelReader<FeedItem> Reader => _channel.Reader;

    public void OnDecided(Decision decision, DecisionEntry entry)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (_enabled && !_channel.Writer.TryWrite(new FeedItem(decision.LedgerIndex, entry)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>
    /// A decision's own listener brings it (<see cref="OnDecided"/>); any other entry — an
    /// approval, a triage, an activation — wakes the worker to read it from the ledger.
    /// </summary>
    public void OnAppended(long index, ReadOnlySpan<byte> entry)
    {
        if (!IsDecision(entry))
        {
            Nudge();
        }
    }

    /// <summary>Wakes the worker: the ledger grew by entries it will read itself. One nudge waits at a time.</summary>
    public void Nudge()
    {
        if (_enabled && Interlocked.Exchange(ref _wakePending, 1) == 0 && !_channel.Writer.TryWrite(FeedItem.Wake))
        {
            // A full queue wakes the worker anyway.
            Volatile.Write(ref _wakePending, 0);
        }
    }

    /// <summary>The worker took the nudge: the next one is queued again.</summary>
    internal void NudgeTaken() => Volatile.Write(ref _wakePending, 0);

    /// <summary>Whether an entry is a decision: its <c>type</c>, which the pipeline writes first, is looked at alone.</summary>
    private static bool IsDecision(ReadOnlySpan<byte> entry) => Access.LedgerEntry.TypeOf(entry) == Access.LedgerEntryTypes.Decision;
}

/// <summary>A decision with its ledger index, or (<see cref="Wake"/>) just a nudge.</summary>
internal readonly record struct FeedItem(long Index, DecisionEntry? Entry)
{
    public static FeedItem Wake => new(-1, null);
}

/// <summary>Hears of every entry the server appends to its ledger, once it is durable. Must return at once.</summary>
public interface ILedgerAppendListener
{
    /// <param name="index">The entry's ledger index.</param>
    /// <param name="entry">The JSON as appended (before canonicalisation).</param>
    void OnAppended(long index, ReadOnlySpan<byte> entry);
}
