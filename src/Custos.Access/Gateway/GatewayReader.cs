using System.Text.Json.Nodes;
using Custos.Access.Decisions;
using Custos.Access.Masking;

namespace Custos.Access.Gateway;

/// <summary>
/// Gateway mode: the same decision pipeline, then the fields are read from the platform's store
/// and returned with their obligations applied, so that the caller never holds data it was not
/// granted. The store is asked only for what the decision allows.
/// </summary>
public sealed class GatewayReader(DecisionPipeline pipeline, IRecordSource records)
{
    public async Task<GatewayRead> ReadAsync(ReaderIdentity reader, DecisionRequest request, CancellationToken cancellation = default)
    {
        var decision = await pipeline.DecideAsync(reader, request, DecisionMode.Gateway, cancellation);
        var readable = decision.Readable.ToList();
        var values = readable.Count == 0
            ? new Dictionary<string, JsonNode?>()
            : await records.ReadAsync(request.Subject, readable, cancellation);

        var data = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var category in readable)
        {
            var outcome = decision.Categories[category];
            var value = values.GetValueOrDefault(category);
            data[category] = outcome.Effect == CategoryEffect.Raw ? value : Masks.Apply(outcome.Mask!.Value, value);
        }
        var withheld = decision.Categories.Where(c => c.Value.Effect == CategoryEffect.Deny).Select(c => c.Key).ToList();
        return new GatewayRead(decision, data, withheld);
    }
}

/// <summary>What gateway mode hands back: the decision, the data as it may be seen, and what was withheld.</summary>
public sealed record GatewayRead(Decision Decision, IReadOnlyDictionary<string, JsonNode?> Data, IReadOnlyList<string> Withheld);
