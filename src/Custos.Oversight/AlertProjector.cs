using Custos.Access.Alerts;
using Custos.Access.Storage;

namespace Custos.Oversight;

/// <summary>
/// Projects the ledger's alert and triage entries into the store, in ledger order: each entry
/// is folded into its alert (<see cref="AlertRecord"/>) and written, with the projection's
/// position, in one transaction per batch. The detection worker is its only writer, so the
/// fold never races another.
/// </summary>
internal sealed class AlertProjector(AccessStore store, string projection)
{
    private const int CacheLimit = 1024;

    private readonly Dictionary<string, AlertRecord> _cache = new(StringComparer.Ordinal);
    private readonly List<AlertProjectionChange> _pending = [];

    /// <summary>Entries folded in and not yet written.</summary>
    public int PendingCount => _pending.Count;

    public async Task AddAsync(long index, AlertEntry entry, string json, CancellationToken cancellation)
    {
        var alert = await FindAsync(entry.Alert, create: entry.Change == AlertEntryChange.Raised, cancellation);
        if (alert is not null && alert.Apply(index, entry))
        {
            _pending.Add(new AlertProjectionChange(index, json, alert, entry.Readers, entry.Subjects));
        }
    }

    /// <summary>Folds in a triage; one of an alert the ledger does not hold is kept out of the projection and reported.</summary>
    public async Task<bool> AddAsync(long index, TriageEntry entry, string json, CancellationToken cancellation)
    {
        var alert = await FindAsync(entry.Alert, create: false, cancellation);
        if (alert is null)
        {
            return false;
        }
        if (alert.Apply(index, entry))
        {
            _pending.Add(new AlertProjectionChange(index, json, alert, [], []));
        }
        return true;
    }

    /// <summary>Writes what was folded in and records <paramref name="nextIndex"/> as the projection's position.</summary>
    public async Task FlushAsync(long nextIndex, CancellationToken cancellation)
    {
        await store.ApplyAlertProjectionAsync(projection, _pending, nextIndex, cancellation);
        _pending.Clear();
        if (_cache.Count > CacheLimit)
        {
            _cache.Clear();
        }
    }

    private async Task<AlertRecord?> FindAsync(string id, bool create, CancellationToken cancellation)
    {
        if (_cache.TryGetValue(id, out var cached))
        {
            return cached;
        }
        var alert = await store.AlertAsync(id, cancellation) ?? (create ? new AlertRecord { Id = id } : null);
        if (alert is not null)
        {
            _cache[id] = alert;
        }
        return alert;
    }
}
