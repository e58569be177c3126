using System.Text;
using Custos.Access.Decisions;
using Custos.Access.Storage;

namespace Custos.Access.Projections;

/// <summary>
/// Reads the ledger in order and keeps the store's projections of it current: which world and
/// policy set are active, and every decision about each subject. Progress is saved with each
/// batch, so after a crash it resumes where it stopped; from an empty store it rebuilds all.
/// </summary>
public sealed class LedgerProjector(IAccessLedger ledger, AccessStore store, IEnumerable<ILedgerObserver> observers) : IDisposable
{
    private readonly ILedgerObserver[] _observers = [.. observers];

    public const string Name = "access";

    private const int BatchSize = 512;

    private readonly SemaphoreSlim _gate = new(1, 1);

    private volatile bool _agrees;

    /// <summary>
    /// Proves that the store projects this ledger before anything is read from it or written to
    /// it: it must be bound to this ledger (the SHA-256 of its first entry) and must not have
    /// read beyond its end. Throws <see cref="StoreUnavailableException"/> saying which, and
    /// what the operator can do; once it has held, it holds for as long as the node runs (a
    /// ledger only grows).
    /// </summary>
    public async Task EnsureStoreAgreesAsync(CancellationToken cancellation = default)
    {
        if (_agrees)
        {
            return;
        }
        var size = await ledger.DurableSizeAsync(cancellation);
        var first = size > 0 ? AccessStore.Sha256(await ledger.ReadEntryAsync(0, cancellation)) : null;
        // A store not yet bound (new, or made before stores were) is bound to this ledger; when
        // two nodes bind a shared store at once, the first to do so wins.
        var bound = first is null ? null : await store.BindToLedgerAsync(first, cancellation);
        if (bound is not null && first is not null && bound != first)
        {
            throw new StoreUnavailableException(
                $"the store {store.Location} belongs to another ledger (its first entry has SHA-256 {bound[..12]}…, this ledger's {first[..12]}…). "
                + "Give the node the ledger this store was built from, or move the store aside to rebuild it from this ledger.");
        }
        var furthest = await store.FurthestPositionAsync(cancellation);
        if (furthest > size)
        {
            throw new StoreUnavailableException(
                $"the store {store.Location} has read the ledger up to entry {furthest}, but the ledger holds {size} entries: the store is ahead of its ledger "
                + "(an older ledger put back beside a newer store?). Restore the ledger and the store of one backup together (custos restore), "
                + "or move the store aside to rebuild it from this ledger.");
        }
        _agrees = first is not null;
    }

    /// <summary>Projects every entry appended so far; returns the ledger size it reached.</summary>
    public async Task<long> CatchUpAsync(CancellationToken cancellation = default)
    {
        await EnsureStoreAgreesAsync(cancellation);
        await _gate.WaitAsync(cancellation);
        try
        {
            var next = await store.ProjectionNextIndexAsync(Name, cancellation);
            var size = await ledger.SizeAsync(cancellation);
            while (next < size)
            {
                var end = Math.Min(size, next + BatchSize);
                var changes = new List<ProjectionChange>();
                var entries = new List<(long, LedgerEntry)>();
                for (var index = next; index < end; index++)
                {
                    if (LedgerEntry.ParseKnown(await ledger.ReadEntryAsync(index, cancellation)) is not { } entry)
                    {
                        continue;
                    }
                    entries.Add((index, entry));
                    if (Change(index, entry) is { } change)
                    {
                        changes.Add(change);
                    }
                }
                await store.ApplyProjectionAsync(Name, changes, end, cancellation);
                foreach (var observer in _observers)
                {
                    await observer.ObserveAsync(entries, cancellation);
                }
                next = end;
            }
            return size;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>What one ledger entry changes in the projections, if anything.</summary>
    internal static ProjectionChange? Change(long index, LedgerEntry entry) => entry switch
    {
        ActivationEntry a => new ProjectionChange.Activation(a.Kind, a.Sha256, index, a.Time, a.By),
        Workflow.WorkflowEntries.Entry w => new ProjectionChange.WorkflowEntry(index, Encoding.UTF8.GetString(w.Serialize())),
        DecisionEntry d => new ProjectionChange.SubjectDecision(index, d.Subject, DisclosedDecision.Of(d).ToJson()),
        _ => null,
    };
}

/// <summary>Hears of every ledger entry of Custos's kinds as the projector reads it, in order, in batches (each entry may come again after a restart).</summary>
public interface ILedgerObserver
{
    Task ObserveAsync(IReadOnlyList<(long Index, LedgerEntry Entry)> entries, CancellationToken cancellation);
}
