using Custos.Detection.Scoring;
using Custos.Formats;
using static Custos.Detection.Tests.Support.Scenario;

namespace Custos.Detection.Tests;

public sealed class ScorerTests
{
    private static Campaign C(string id, string pattern, params (string Event, double Minutes, string Subject)[] reads) => new()
    {
        Id = id,
        Pattern = pattern,
        Intensity = "high",
        Readers = ["staff:a"],
        Subjects = [.. reads.Select(r => r.Subject).Distinct()],
        Events = [.. reads.Select(r => r.Event)],
        Timeline = [.. reads.Select(r => new CampaignRead(r.Event, T0 + Minutes(r.Minutes), r.Subject))],
        Start = T0 + Minutes(reads[0].Minutes),
    };

    private static Alert A(string id, double minutes, params string[] evidence) => new()
    {
        Id = id, Detector = "x", Severity = Severity.High, RaisedAt = T0 + Minutes(minutes),
        Readers = ["staff:a"], Subjects = [], Evidence = evidence, Reason = "r",
    };

    [Fact]
    public void Recall_precision_rate_time_to_detect_and_subjects_before_the_alert()
    {
        var labels = new Labels
        {
            Seed = 1, Days = 10, Staff = 200, Start = T0, End = T0 + Days(10),
            Campaigns =
            [
                C("c1", Campaign.IncidentPattern, ("e1", 0, "user:1"), ("e2", 10, "user:2"), ("e3", 20, "user:3"), ("e4", 30, "user:4")),
                C("c2", "off-hours", ("e5", 0, "user:5")),
                C("c3", "off-hours", ("e6", 0, "user:6")),
            ],
        };
        Alert[] alerts = [A("a1", 20, "e3", "x1"), A("a2", 25, "e1", "e4"), A("a3", 5, "e5"), A("a4", 1, "x2"), A("a5", 2, "x3")];

        var report = Scorer.Score(labels, alerts);

        report.Recall.ShouldBe(2 / 3.0);
        report.Precision.ShouldBe(3 / 5.0);
        report.AlertsPer100StaffPerDay.ShouldBe(5 / 2.0 / 10);
        var incident = report.Campaigns.Single(c => c.Id == "c1");
        incident.TimeToDetect.ShouldBe(Minutes(20));
        incident.SubjectsBeforeAlert.ShouldBe(3);
        incident.FirstAlert.ShouldBe("a1");
        report.WorstIncidentSubjectsBeforeAlert.ShouldBe(3);
        report.Patterns.Single(p => p.Pattern == "off-hours").Recall.ShouldBe(0.5);
        Scorer.Format(report).ShouldContain("missed: c3 (off-hours, high)");
    }

    [Fact]
    public void Median_of_an_even_count_is_the_mean_of_the_middle_two() =>
        Scorer.Median([Minutes(1), Minutes(3), null, Minutes(10), Minutes(5)]).ShouldBe(Minutes(4));
}
