using System.Text.Json;
using Custos.Formats;

namespace Custos.Detection.Scoring;

/// <summary>
/// <c>labels.json</c>: the truth about a synthetic event stream — which misuse campaigns were
/// injected, by whom, against whom, and which events are theirs.
/// </summary>
public sealed record Labels
{
    public required int Seed { get; init; }

    public required int Days { get; init; }

    /// <summary>Staff in the world: the denominator of alerts per 100 staff per day.</summary>
    public required int Staff { get; init; }

    public required DateTimeOffset Start { get; init; }

    public required DateTimeOffset End { get; init; }

    /// <summary>The generator's settings, for the record.</summary>
    public string? Generator { get; init; }

    public required IReadOnlyList<Campaign> Campaigns { get; init; }
}

/// <summary>One injected campaign.</summary>
public sealed record Campaign
{
    public required string Id { get; init; }

    /// <summary>The misuse pattern (a detector's name, or <see cref="IncidentPattern"/>).</summary>
    public required string Pattern { get; init; }

    /// <summary><c>high</c>, <c>medium</c> or <c>slow</c>.</summary>
    public required string Intensity { get; init; }

    public required IReadOnlyList<string> Readers { get; init; }

    public required IReadOnlyList<string> Subjects { get; init; }

    /// <summary>Ids of the campaign's events, in time order.</summary>
    public required IReadOnlyList<string> Events { get; init; }

    /// <summary>Each event's time and subject, so that time-to-detect and subjects-before-alert are measurable.</summary>
    public IReadOnlyList<CampaignRead> Timeline { get; init; } = [];

    /// <summary>Time of the campaign's first event.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>The pattern of the design's section 1 incident.</summary>
    public const string IncidentPattern = "incident";
}

public sealed record CampaignRead(string Event, DateTimeOffset Time, string Subject);

public static class LabelsFile
{
    public static void Write(Labels labels, string path)
    {
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, labels, FormatJson.IndentedOptions);
    }

    public static Labels Read(string path) => FormatFiles.ReadJson<Labels>(path, FormatJson.Options, "a labels object");
}
