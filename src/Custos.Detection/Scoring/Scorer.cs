using System.Globalization;
using System.Text;
using Custos.Formats;

namespace Custos.Detection.Scoring;

/// <summary>One campaign's outcome.</summary>
public sealed record CampaignScore(
    string Id,
    string Pattern,
    string Intensity,
    bool Detected,
    TimeSpan? TimeToDetect,
    int? SubjectsBeforeAlert,
    string? FirstAlert,
    bool JoinedEarlierAlert = false);

/// <summary>Recall of one pattern.</summary>
public sealed record PatternScore(string Pattern, int Campaigns, int Detected, TimeSpan? MedianTimeToDetect)
{
    public double Recall => Campaigns == 0 ? 0 : (double)Detected / Campaigns;
}

/// <summary>What <c>custos detect score</c> reports.</summary>
public sealed record ScoreReport
{
    public required IReadOnlyList<CampaignScore> Campaigns { get; init; }

    public required IReadOnlyList<PatternScore> Patterns { get; init; }

    public required int Alerts { get; init; }

    public required int TruePositiveAlerts { get; init; }

    public required int Staff { get; init; }

    public required int Days { get; init; }

    public double Recall => Campaigns.Count == 0 ? 0 : (double)Campaigns.Count(c => c.Detected) / Campaigns.Count;

    /// <summary>An alert is a true positive when its evidence overlaps a campaign's events.</summary>
    public double Precision => Alerts == 0 ? 1 : (double)TruePositiveAlerts / Alerts;

    public double AlertsPer100StaffPerDay => Staff == 0 || Days == 0 ? 0 : Alerts / (Staff / 100.0) / Days;

    public TimeSpan? MedianTimeToDetect => Scorer.Median(Campaigns.Select(c => c.TimeToDetect));

    /// <summary>For incident-style campaigns: the most subjects any of them read before its first alert (null when one was missed).</summary>
    public int? WorstIncidentSubjectsBeforeAlert
    {
        get
        {
            var incidents = Campaigns.Where(c => c.Pattern == Campaign.IncidentPattern).ToList();
            return incidents.Count == 0 || incidents.Any(c => c.SubjectsBeforeAlert is null) ? null : incidents.Max(c => c.SubjectsBeforeAlert);
        }
    }
}

/// <summary>Scores alerts against the labels of the stream they were raised on.</summary>
public static class Scorer
{
    public static ScoreReport Score(Labels labels, IEnumerable<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(alerts);
        var campaignOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < labels.Campaigns.Count; i++)
        {
            foreach (var id in labels.Campaigns[i].Events)
            {
                campaignOf.TryAdd(id, i);
            }
        }

        var firstAlert = new (DateTimeOffset Time, string Id)?[labels.Campaigns.Count];
        var count = 0;
        var truePositives = 0;
        foreach (var alert in alerts)
        {
            count++;
            var hit = false;
            foreach (var id in alert.Evidence)
            {
                if (!campaignOf.TryGetValue(id, out var index))
                {
                    continue;
                }
                hit = true;
                if (firstAlert[index] is not { } first || alert.RaisedAt < first.Time)
                {
                    firstAlert[index] = (alert.RaisedAt, alert.Id);
                }
            }
            if (hit)
            {
                truePositives++;
            }
        }

        var campaigns = new List<CampaignScore>();
        for (var i = 0; i < labels.Campaigns.Count; i++)
        {
            var campaign = labels.Campaigns[i];
            var first = firstAlert[i];
            int? before = null;
            TimeSpan? detect = null;
            if (first is { } f)
            {
                // An alert raised before the campaign began absorbed it later (same subjects or
                // readers); alerts.jsonl does not say when, so count from the campaign's own
                // first read at the earliest: time zero, one subject.
                var at = f.Time < campaign.Start ? campaign.Start : f.Time;
                detect = at - campaign.Start;
                if (campaign.Timeline.Count > 0)
                {
                    // Subjects the campaign had read up to and including the read that raised the alert.
                    before = campaign.Timeline.Where(r => r.Time <= at).Select(r => r.Subject).Distinct(StringComparer.Ordinal).Count();
                }
            }
            campaigns.Add(new CampaignScore(campaign.Id, campaign.Pattern, campaign.Intensity, first is not null, detect, before, first?.Id,
                JoinedEarlierAlert: first is { } j && j.Time < campaign.Start));
        }

        var patterns = campaigns
            .GroupBy(c => c.Pattern, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new PatternScore(g.Key, g.Count(), g.Count(c => c.Detected), Median(g.Select(c => c.TimeToDetect))))
            .ToList();

        return new ScoreReport
        {
            Campaigns = campaigns,
            Patterns = patterns,
            Alerts = count,
            TruePositiveAlerts = truePositives,
            Staff = labels.Staff,
            Days = labels.Days,
        };
    }

    internal static TimeSpan? Median(IEnumerable<TimeSpan?> values)
    {
        var sorted = values.OfType<TimeSpan>().Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The report as a plain-text table.</summary>
    public static string Format(ScoreReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"{"pattern",-20} {"campaigns",9} {"detected",8} {"recall",6} {"median time to detect",22}");
        foreach (var p in report.Patterns)
        {
            text.AppendLine(c, $"{p.Pattern,-20} {p.Campaigns,9} {p.Detected,8} {p.Recall,6:0.00} {Duration(p.MedianTimeToDetect),22}");
        }
        text.AppendLine(c, $"{"overall",-20} {report.Campaigns.Count,9} {report.Campaigns.Count(x => x.Detected),8} {report.Recall,6:0.00} {Duration(report.MedianTimeToDetect),22}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"alerts: {report.Alerts} ({report.TruePositiveAlerts} overlapping a campaign), precision {report.Precision:0.00}");
        text.AppendLine(CultureInfo.InvariantCulture, $"alerts per 100 staff per day: {report.AlertsPer100StaffPerDay:0.000} ({report.Staff} staff, {report.Days} days)");
        foreach (var incident in report.Campaigns.Where(x => x.Pattern == Campaign.IncidentPattern))
        {
            text.AppendLine($"incident {incident.Id}: " + (incident.Detected
                ? $"caught by {incident.FirstAlert} after {Duration(incident.TimeToDetect)}, {incident.SubjectsBeforeAlert?.ToString(c) ?? "?"} subjects read up to the first alert{(incident.JoinedEarlierAlert ? " (joined an alert raised before it began)" : "")}"
                : "not caught"));
        }
        var joined = report.Campaigns.Where(x => x.JoinedEarlierAlert).ToList();
        if (joined.Count > 0)
        {
            text.Append("joined an alert raised before they began (time to detect counted as 0): ").AppendJoin(", ", joined.Select(j => j.Id)).AppendLine();
        }
        var missed = report.Campaigns.Where(x => !x.Detected).ToList();
        if (missed.Count > 0)
        {
            text.Append("missed: ").AppendJoin(", ", missed.Select(m => $"{m.Id} ({m.Pattern}, {m.Intensity})")).AppendLine();
        }
        return text.ToString();
    }

    public static string Duration(TimeSpan? span) => span switch
    {
        null => "-",
        { TotalSeconds: < 120 } s => string.Create(CultureInfo.InvariantCulture, $"{s.TotalSeconds:0} s"),
        { TotalHours: < 2 } s => string.Create(CultureInfo.InvariantCulture, $"{s.TotalMinutes:0} min"),
        { TotalDays: < 2 } s => string.Create(CultureInfo.InvariantCulture, $"{s.TotalHours:0.0} h"),
        { } s => string.Create(CultureInfo.InvariantCulture, $"{s.TotalDays:0.0} d"),
    };
}
