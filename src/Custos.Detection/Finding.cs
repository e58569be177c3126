using Custos.Formats;

namespace Custos.Detection;

/// <summary>
/// What one detector concluded from the events it has seen: a suspicion about readers and
/// subjects with the events that make it. Findings are correlated into <see cref="Alert"/>s.
/// </summary>
public sealed record Finding
{
    public required string Detector { get; init; }

    public required Severity Severity { get; init; }

    /// <summary>Time of the event that completed the evidence.</summary>
    public required DateTimeOffset RaisedAt { get; init; }

    public required IReadOnlyList<string> Readers { get; init; }

    public required IReadOnlyList<string> Subjects { get; init; }

    public required IReadOnlyList<string> Evidence { get; init; }

    /// <summary>One sentence, identifiers only.</summary>
    public required string Reason { get; init; }

    /// <summary>A finding about one event: what a detector reports for each further event after it has raised.</summary>
    internal static Finding OfEvent(string detector, Observation o, Severity severity, string reason) => new()
    {
        Detector = detector,
        Severity = severity,
        RaisedAt = o.Time,
        Readers = [o.ReaderId],
        Subjects = [o.SubjectId],
        Evidence = [o.Id],
        Reason = reason,
    };
}
