namespace Custos.Formats;

/// <summary>
/// One line of <c>alerts.jsonl</c>: a suspicion for oversight, with the evidence that proves it.
/// </summary>
public sealed record Alert
{
    public required string Id { get; init; }

    /// <summary>The detector that raised it, or "correlated" for a merged campaign.</summary>
    public required string Detector { get; init; }

    public required Severity Severity { get; init; }

    /// <summary>Event time of the event that completed the evidence, so that time-to-detect can be measured on a replay.</summary>
    public required DateTimeOffset RaisedAt { get; init; }

    public required IReadOnlyList<string> Readers { get; init; }

    public required IReadOnlyList<string> Subjects { get; init; }

    /// <summary>Event ids (on a live server, ledger indexes) of the reads that make the case.</summary>
    public required IReadOnlyList<string> Evidence { get; init; }

    /// <summary>One sentence an investigator understands.</summary>
    public required string Reason { get; init; }
}

public enum Severity
{
    Low,
    Medium,
    High,
    Critical,
}
