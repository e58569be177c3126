using Custos.Detection.Correlation;
using Custos.Formats;
using static Custos.Detection.Tests.Support.Scenario;

namespace Custos.Detection.Tests;

public sealed class CorrelationTests
{
    private static Finding F(string detector, double hours, string[] readers, string[] subjects, string[] evidence, Severity severity = Severity.Medium) => new()
    {
        Detector = detector,
        Severity = severity,
        RaisedAt = T0 + Hours(hours),
        Readers = readers,
        Subjects = subjects,
        Evidence = evidence,
        Reason = $"{detector} about {string.Join(", ", readers)}.",
    };

    private static (Correlator Correlator, List<AlertChange> Changes) Create(CorrelationOptions? options = null)
    {
        var changes = new List<AlertChange>();
        return (new Correlator(options ?? new CorrelationOptions(), changes.Add), changes);
    }

    private static List<Alert> Final(List<AlertChange> changes) => [.. changes.Where(c => c.Kind == AlertChangeKind.Closed).Select(c => c.Alert)];

    [Fact]
    public void Findings_about_the_same_reader_within_the_window_are_one_alert_with_all_the_evidence()
    {
        var (correlator, changes) = Create();
        correlator.Add(F("protected-subject", 1, ["staff:a"], ["user:1"], ["e1"], Severity.High));
        correlator.Add(F("graph-fan-out", 30, ["staff:a"], ["user:2", "user:3"], ["e2", "e3"]));
        correlator.Add(F("location-probing", 100, ["staff:a"], ["user:4"], ["e4"]));
        correlator.Flush();

        var alert = Final(changes).ShouldHaveSingleItem();
        alert.Detector.ShouldBe("correlated");
        alert.Severity.ShouldBe(Severity.High);
        alert.RaisedAt.ShouldBe(T0 + Hours(1));
        alert.Evidence.ShouldBe(["e1", "e2", "e3", "e4"]);
        alert.Subjects.ShouldBe(["user:1", "user:2", "user:3", "user:4"]);
        alert.Reason.ShouldContain("graph-fan-out");
        changes.Select(c => c.Kind).ShouldBe([AlertChangeKind.Raised, AlertChangeKind.Updated, AlertChangeKind.Updated, AlertChangeKind.Closed]);
    }

    [Fact]
    public void Different_readers_on_the_same_subjects_are_one_campaign()
    {
        var (correlator, changes) = Create();
        correlator.Add(F("protected-subject", 1, ["staff:a"], ["user:j1"], ["e1"]));
        correlator.Add(F("protected-subject", 2, ["staff:b"], ["user:j1"], ["e2"]));
        correlator.Flush();

        Final(changes).ShouldHaveSingleItem().Readers.ShouldBe(["staff:a", "staff:b"]);
    }

    [Fact]
    public void Unrelated_readers_and_subjects_stay_apart()
    {
        var (correlator, changes) = Create();
        correlator.Add(F("protected-subject", 1, ["staff:a"], ["user:1"], ["e1"]));
        correlator.Add(F("protected-subject", 2, ["staff:b"], ["user:2"], ["e2"]));
        correlator.Flush();

        Final(changes).Count.ShouldBe(2);
    }

    [Fact]
    public void A_finding_after_the_window_starts_a_new_alert()
    {
        var (correlator, changes) = Create(new CorrelationOptions { Window = Days(7) });
        correlator.Add(F("protected-subject", 1, ["staff:a"], ["user:1"], ["e1"]));
        correlator.AdvanceTo(T0 + Days(9));
        correlator.Add(F("protected-subject", Days(9).TotalHours, ["staff:a"], ["user:1"], ["e2"]));
        correlator.Flush();

        var alerts = Final(changes);
        alerts.Count.ShouldBe(2);
        alerts.Select(a => a.Id).Distinct().Count().ShouldBe(2);
    }

    [Fact]
    public void A_low_finding_alone_is_held_back_and_two_detectors_together_raise_it()
    {
        var (alone, aloneChanges) = Create();
        alone.Add(F("off-hours", 1, ["staff:a"], ["user:1"], ["e1"], Severity.Low));
        alone.Add(F("off-hours", 2, ["staff:a"], ["user:2"], ["e2"], Severity.Low));
        alone.Flush();
        aloneChanges.ShouldBeEmpty();

        var (together, changes) = Create();
        together.Add(F("off-hours", 1, ["staff:a"], ["user:1"], ["e1"], Severity.Low));
        together.Add(F("residency-probing", 5, ["staff:a"], ["user:2"], ["e2"], Severity.Low));
        together.Flush();
        var alert = Final(changes).ShouldHaveSingleItem();
        alert.RaisedAt.ShouldBe(T0 + Hours(5));
        alert.Evidence.ShouldBe(["e1", "e2"]);
    }

    [Fact]
    public void A_finding_linking_two_raised_alerts_merges_them_into_the_earlier()
    {
        var (correlator, changes) = Create();
        correlator.Add(F("protected-subject", 1, ["staff:a"], ["user:1"], ["e1"]));
        correlator.Add(F("protected-subject", 2, ["staff:b"], ["user:2"], ["e2"]));
        correlator.Add(F("graph-fan-out", 3, ["staff:b"], ["user:1"], ["e3"]));
        correlator.Flush();

        var merged = changes.Where(c => c.Kind == AlertChangeKind.Merged).ShouldHaveSingleItem().Alert;
        merged.Reason.ShouldStartWith("Merged into alr-1");
        var alert = Final(changes).ShouldHaveSingleItem();
        alert.Id.ShouldBe("alr-1");
        alert.Evidence.ShouldBe(["e1", "e2", "e3"], ignoreOrder: true);
    }

    [Fact]
    public void A_broad_finding_joins_by_reader_only()
    {
        var (correlator, changes) = Create();
        var many = Enumerable.Range(1, 30).Select(i => $"user:{i}").ToArray();
        correlator.Add(F("peer-outlier", 1, ["staff:a"], many, ["e1"]));
        correlator.Add(F("unexplained-access", 2, ["staff:b"], ["user:7"], ["e2"]));
        correlator.Flush();

        Final(changes).Count.ShouldBe(2);
    }

    /// <summary>
    /// A merged alert must never come back: subjects it was indexed under that did not fit into
    /// the absorbing alert (past <see cref="CorrelationOptions.MaxSubjects"/>) must stop leading
    /// findings to it, and must not keep it in memory after the absorbing alert closes.
    /// </summary>
    [Fact]
    public void An_absorbed_alert_is_never_matched_again_even_through_subjects_past_the_cap()
    {
        var (correlator, changes) = Create(new CorrelationOptions { MaxSubjects = 2 });
        correlator.Add(F("protected-subject", 1, ["staff:a"], ["user:1", "user:2"], ["e1"], Severity.High));
        correlator.Add(F("protected-subject", 2, ["staff:b"], ["user:3", "user:4"], ["e2"], Severity.High));
        // Both readers at once: the second alert is merged into the first, whose subjects are full.
        correlator.Add(F("approval-collusion", 3, ["staff:a", "staff:b"], [], ["e3"], Severity.High));
        var merged = changes.Single(c => c.Kind == AlertChangeKind.Merged).Alert.Id;

        // A finding about one of the merged alert's subjects that did not fit.
        correlator.Add(F("protected-subject", 4, ["staff:c"], ["user:4"], ["e4"], Severity.High));
        correlator.Flush();

        changes.SkipWhile(c => c.Kind != AlertChangeKind.Merged).Skip(1).ShouldAllBe(c => c.Alert.Id != merged);
        correlator.OpenCount.ShouldBe(0);
        correlator.StateSize.ShouldBe(0, "nothing of a closed or merged alert is kept");
    }

    /// <summary>Bytes allocated, per read, by reads joining an alert that already holds <paramref name="size"/> reads.</summary>
    private static long AllocatedPerJoin(int size)
    {
        const int joins = 50;
        var (correlator, changes) = Create();
        Finding Read(int i) => F("protected-subject", i / 60.0, ["staff:a"], [$"user:{i % 400}"], [$"e{i}"], Severity.High);
        for (var i = 0; i < size; i++)
        {
            correlator.Add(Read(i));
        }
        var findings = Enumerable.Range(size, joins).Select(Read).ToList();
        changes.Clear();
        changes.Capacity = joins * 2;
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var finding in findings)
        {
            correlator.Add(finding);
        }
        return (GC.GetAllocatedBytesForCurrentThread() - before) / joins;
    }

    [Fact]
    public void A_read_joining_a_large_alert_costs_no_more_than_one_joining_a_small_one()
    {
        var small = AllocatedPerJoin(10);
        var large = AllocatedPerJoin(1_000);

        // Rebuilding the alert per join would copy its 1,000 evidence ids and 400 subjects each time.
        large.ShouldBeLessThan(small + 1024, $"{small} bytes per join into 10 reads, {large} into 1,000");
    }

    [Fact]
    public void An_alert_published_earlier_does_not_change_when_later_reads_join()
    {
        var (correlator, changes) = Create();
        correlator.Add(F("protected-subject", 1, ["staff:a"], ["user:1"], ["e1"], Severity.High));
        var raised = changes.ShouldHaveSingleItem().Alert;

        correlator.Add(F("protected-subject", 2, ["staff:a", "staff:b"], ["user:2"], ["e2"], Severity.High));

        raised.Evidence.ShouldBe(["e1"]);
        raised.Readers.ShouldBe(["staff:a"]);
        raised.Subjects.ShouldBe(["user:1"]);
        changes[^1].Alert.Evidence.ShouldBe(["e1", "e2"]);
        changes[^1].Alert.Readers.ShouldBe(["staff:a", "staff:b"]);
    }
}
