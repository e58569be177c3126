using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
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
                var entries = new List<(long, byte[])>();
                for (var index = next; index < end; index++)
                {
                    var entry = await ledger.ReadEntryAsync(index, cancellation);
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
    internal static ProjectionChange? Change(long index, byte[] entry)
    {
        var json = JsonNode.Parse(entry)?.AsObject();
        switch ((string?)json?["type"])
        {
            case ActivationEntry.Type:
                return new ProjectionChange.Activation(
                    (string)json!["kind"]!,
                    (string)json["sha256"]!,
                    index,
                    DateTimeOffset.Parse((string)json["time"]!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal),
                    (string)json["by"]!);
            case { } type when Workflow.WorkflowEntries.Types.Contains(type):
                return new ProjectionChange.WorkflowEntry(index, json!.ToJsonString());
            case "decision":
                // What the subject's access report may show: never the reader's identity.
                var report = new JsonObject
                {
                    ["time"] = json!["time"]?.DeepClone(),
                    ["reader_department"] = json["reader_department"]?.DeepClone(),
                    ["reader_roles"] = json["reader_roles"]?.DeepClone(),
                    ["purpose"] = json["purpose"]?.DeepClone(),
                    ["case"] = json["case"]?.DeepClone(),
                    ["decision"] = json["decision"]?.DeepClone(),
                    ["categories"] = json["categories"] is JsonObject categories
                        ? new JsonObject(categories.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)new JsonObject
                        {
                            ["effect"] = c.Value?["effect"]?.DeepClone(),
                            ["mask"] = c.Value?["mask"]?.DeepClone(),
                        })))
                        : null,
                };
                return new ProjectionChange.SubjectDecision(index, (string)json["subject"]!, report.ToJsonString());
            default:
                return null;
        }
    }
}

/// <summary>Hears of every ledger entry as the projector reads it, in order, in batches (each entry may come again after a restart).</summary>
public interface ILedgerObserver
{
    Task ObserveAsync(IReadOnlyList<(long Index, byte[] Entry)> entries, CancellationToken cancellation);
}

/// <summary>The ledger entry that makes a world or a policy set the active one (invariant 7).</summary>
public sealed record ActivationEntry
{
    public const string Type = "activation";

    [System.Text.Json.Serialization.JsonPropertyName("type")]
    public string EntryType { get; init; } = Type;

    public required string Kind { get; init; }

    public required string Sha256 { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>Who made the change: a staff id, or "system" for a load at start-up.</summary>
    public required string By { get; init; }

    /// <summary>Where the document came from (a file name), for the auditor.</summary>
    public string? Source { get; init; }

    public static byte[] Serialize(ActivationEntry entry) => JsonSerializer.SerializeToUtf8Bytes(entry, Formats.FormatJson.Options);
}
