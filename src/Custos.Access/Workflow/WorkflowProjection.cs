using System.Text;
using Custos.Access.Projections;
using Custos.Access.Storage;

namespace Custos.Access.Workflow;

/// <summary>
/// Keeps <see cref="AccessWorkflow"/> in step with the ledger: at start-up it folds in the
/// workflow entries the store has kept, then every entry the projector reads (this node's own,
/// already applied, and other nodes'). The texts an entry names by hash come from the store.
/// </summary>
public sealed class WorkflowProjection(AccessWorkflow workflow, AccessStore store) : ILedgerObserver
{
    public async Task LoadAsync(CancellationToken cancellation = default)
    {
        var entries = await store.WorkflowEntriesAsync(cancellation);
        await ApplyAsync(entries.Select(e => (e.LedgerIndex, LedgerEntry.Parse(Encoding.UTF8.GetBytes(e.Entry)))), cancellation);
    }

    public Task ObserveAsync(IReadOnlyList<(long Index, LedgerEntry Entry)> entries, CancellationToken cancellation) =>
        ApplyAsync(entries, cancellation);

    private async Task ApplyAsync(IEnumerable<(long Index, LedgerEntry Entry)> entries, CancellationToken cancellation)
    {
        foreach (var (index, entry) in entries)
        {
            if (entry is not WorkflowEntries.Entry workflowEntry)
            {
                continue;
            }
            var texts = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var sha256 in workflowEntry.TextHashes())
            {
                texts[sha256] = await store.DocumentAsync(sha256, cancellation) is { } text ? Encoding.UTF8.GetString(text) : null;
            }
            workflow.Apply(index, workflowEntry, sha256 => texts.GetValueOrDefault(sha256));
        }
    }
}
