using Custos.Detection.Replay;
using Custos.Detection.Scoring;
using Custos.Detection.Synthetic;
using Custos.Formats;

namespace Custos.Detection.Tests;

/// <summary>Generate a small world, replay it, score it: the targets hold.</summary>
public sealed class EndToEndTests
{
    [Theory]
    [InlineData(101, 0)]
    [InlineData(102, 1)]
    [InlineData(103, 2)]
    public void Generated_campaigns_are_caught_with_few_false_alerts(int seed, int variant)
    {
        var dataset = Generator.Generate(new GeneratorOptions { Seed = seed, Days = 45, Staff = 150, Variant = variant });
        var alerts = new List<Alert>();

        var summary = Replayer.Run(new WorldIndex(dataset.World), dataset.Events, alerts.Add);
        var report = Scorer.Score(dataset.Labels, alerts);

        summary.Events.ShouldBe(dataset.Events.Count);
        report.Recall.ShouldBeGreaterThanOrEqualTo(0.9, Scorer.Format(report));
        report.Precision.ShouldBeGreaterThanOrEqualTo(0.5, Scorer.Format(report));
        report.AlertsPer100StaffPerDay.ShouldBeLessThanOrEqualTo(1.0, Scorer.Format(report));
        report.WorstIncidentSubjectsBeforeAlert.ShouldNotBeNull(Scorer.Format(report));
        // The hunt under one broad case of the reader's own is told from audit work by what the
        // auditors' peer group has learned; in a 45-day world it starts when that habit is a few
        // days old, so only its detection is asserted here; within 3 subjects is measured on the
        // 90-day, 500-staff runs of docs/detection.md.
        report.Campaigns.Where(c => c.Pattern == Campaign.IncidentPattern && c.Intensity != "broad")
            .Max(c => c.SubjectsBeforeAlert).ShouldNotBeNull().ShouldBeLessThanOrEqualTo(3, Scorer.Format(report));
        alerts.ShouldAllBe(a => a.Evidence.Count > 0 && a.Readers.Count > 0 && a.Reason.Length > 0 && !a.Reason.Contains('\n'));
        alerts.Select(a => a.Id).Distinct().Count().ShouldBe(alerts.Count);
    }

    [Fact]
    public void A_clean_background_raises_almost_nothing()
    {
        var dataset = Generator.Generate(new GeneratorOptions { Seed = 104, Days = 45, Staff = 150, Campaigns = false });
        var alerts = new List<Alert>();

        Replayer.Run(new WorldIndex(dataset.World), dataset.Events, alerts.Add);

        (alerts.Count / 1.5 / 45).ShouldBeLessThan(0.1, string.Join("\n", alerts.Select(a => a.Reason)));
    }
}
