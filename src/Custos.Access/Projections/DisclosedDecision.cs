using System.Text.Json;
using Custos.Access.Decisions;
using Custos.Formats;

namespace Custos.Access.Projections;

/// <summary>
/// A decision as its subject's access report may show it: when, by which department and roles
/// (never which person), for what, under which case, with what effect on each category.
/// </summary>
public sealed record DisclosedDecision(
    DateTimeOffset Time,
    string? ReaderDepartment,
    IReadOnlyList<string> ReaderRoles,
    string Purpose,
    string? Case,
    string Decision,
    IReadOnlyDictionary<string, DisclosedCategory> Categories)
{
    public static DisclosedDecision Of(DecisionEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(entry.Time, entry.ReaderDepartment, entry.ReaderRoles, entry.Purpose, entry.Case, entry.Decision,
            entry.Categories.ToDictionary(c => c.Key, c => new DisclosedCategory(c.Value.Effect, c.Value.Mask), StringComparer.Ordinal));
    }

    public string ToJson() => JsonSerializer.Serialize(this, FormatJson.Options);

    public static DisclosedDecision FromJson(string json) =>
        JsonSerializer.Deserialize<DisclosedDecision>(json, FormatJson.Options) ?? throw new JsonException("a disclosed decision is null");
}

public sealed record DisclosedCategory(string Effect, string? Mask);
