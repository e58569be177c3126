using System.Text;
using System.Text.Json;
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
        await ApplyAsync(entries.Select(e => (e.LedgerIndex, Encoding.UTF8.GetBytes(e.Entry))), cancellation);
    }

    public Task ObserveAsync(IReadOnlyList<(long Index, byte[] Entry)> entries, CancellationToken cancellation) =>
        ApplyAsync(entries, cancellation);

    private async Task ApplyAsync(IEnumerable<(long Index, byte[] Entry)> entries, CancellationToken cancellation)
    {
        foreach (var (index, bytes) in entries)
        {
            using var document = JsonDocument.Parse(bytes);
            var entry = document.RootElement;
            if (!entry.TryGetProperty("type", out var type) || !WorkflowEntries.Types.Contains(type.GetString() ?? ""))
            {
                continue;
            }
            var texts = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var property in entry.EnumerateObject())
            {
                if (property.Name.EndsWith("_sha256", StringComparison.Ordinal) && property.Value.GetString() is { } sha256)
                {
                    texts[sha256] = await store.DocumentAsync(sha256, cancellation) is { } text ? Encoding.UTF8.GetString(text) : null;
                }
            }
            workflow.Apply(index, entry, sha256 => texts.GetValueOrDefault(sha256));
        }
    }
}
