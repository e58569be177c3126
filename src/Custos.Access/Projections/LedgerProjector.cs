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

    /// <summary>Projects every entry appended so far; returns the ledger size it reached.</summary>
    public async Task<long> CatchUpAsync(CancellationToken cancellation = default)
    {
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
