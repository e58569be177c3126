namespace Custos.Formats;

/// <summary>
/// One line of <c>events.jsonl</c>: what one decision was about and how it ended. The ledger
/// holds the same facts; detection consumes them in time order.
/// </summary>
public sealed record AccessEvent
{
    public required string Id { get; init; }

    public required DateTimeOffset Time { get; init; }

    public required string Reader { get; init; }

    /// <summary>Where the reader was when reading; may differ from their home jurisdiction.</summary>
    public required string ReaderJurisdiction { get; init; }

    public required string Subject { get; init; }

    public required IReadOnlyList<string> Categories { get; init; }

    public required string Purpose { get; init; }

    public string? Case { get; init; }

    public required Outcome Outcome { get; init; }
}

public enum Outcome
{
    Allow,
    Deny,
}
