using Custos.Access.Alerts;
using Custos.Formats;

namespace Custos.Access.Tests.Alerts;

/// <summary>An alert is the fold of its ledger entries, in order; folding an entry twice changes nothing.</summary>
public sealed class AlertRecordTests
{
    private static readonly DateTimeOffset T = new(2026, 6, 3, 14, 5, 0, TimeSpan.Zero);

    internal static AlertEntry Raised(string id = "alr-7", params long[] evidence) => new()
    {
        Alert = id,
        Change = AlertEntryChange.Raised,
        Time = T,
        Detector = "protected-subject",
        Severity = Severity.High,
        RaisedAt = T.AddSeconds(-1),
        Readers = ["staff:mason"],
        Subjects = ["user:10042"],
        Evidence = evidence.Length > 0 ? evidence : [12],
        Reason = "staff:mason tried to read network.ip_address of user:10042 (journalist) with no open case naming them.",
        Queue = "dept:oversight",
    };

    [Fact]
    public void Updates_add_readers_subjects_and_evidence_and_keep_when_it_was_raised()
    {
        var alert = new AlertRecord { Id = "alr-7" };

        alert.Apply(20, Raised()).ShouldBeTrue();
        alert.Apply(25, new AlertEntry
        {
            Alert = "alr-7", Change = AlertEntryChange.Updated, Time = T.AddMinutes(1), Detector = "correlated", Severity = Severity.Critical,
            Readers = ["staff:wei"], Subjects = ["user:10077"], Evidence = [21, 22], Reason = "more", Queue = "dept:oversight",
        }).ShouldBeTrue();

        alert.Sequence.ShouldBe(7);
        alert.State.ShouldBe(AlertRecord.Open);
        alert.Status.ShouldBe(AlertRecord.New);
        alert.Detector.ShouldBe("correlated");
        alert.Severity.ShouldBe(Severity.Critical);
        alert.RaisedAt.ShouldBe(T.AddSeconds(-1));
        alert.UpdatedAt.ShouldBe(T.AddMinutes(1));
        alert.Readers.ShouldBe(["staff:mason", "staff:wei"]);
        alert.Subjects.ShouldBe(["user:10042", "user:10077"]);
        alert.Evidence.ShouldBe([12L, 21L, 22L]);
        alert.Entries.ShouldBe([20L, 25L]);
    }

    [Fact]
    public void The_same_entry_folded_twice_counts_once()
    {
        var alert = new AlertRecord { Id = "alr-7" };
        alert.Apply(20, Raised());
        var triage = new TriageEntry { Alert = "alr-7", Outcome = TriageEntry.Confirmed, NoteSha256 = null, By = "staff:olu", Time = T.AddHours(1) };
        alert.Apply(30, triage).ShouldBeTrue();

        alert.Apply(20, Raised()).ShouldBeFalse();
        alert.Apply(30, triage).ShouldBeFalse();

        alert.Triage.ShouldHaveSingleItem().ShouldBe(new TriageRecord(30, TriageEntry.Confirmed, null, "staff:olu", T.AddHours(1)));
        alert.Status.ShouldBe(TriageEntry.Confirmed);
    }

    [Fact]
    public void Closing_and_merging_end_an_alert_and_the_latest_triage_is_its_status()
    {
        var closed = new AlertRecord { Id = "alr-1" };
        closed.Apply(1, Raised("alr-1"));
        closed.Apply(2, new AlertEntry { Alert = "alr-1", Change = AlertEntryChange.Closed, Time = T.AddDays(8) });
        closed.Apply(3, new TriageEntry { Alert = "alr-1", Outcome = TriageEntry.NeedsInfo, By = "staff:olu", Time = T.AddDays(9) });
        closed.Apply(4, new TriageEntry { Alert = "alr-1", Outcome = TriageEntry.Benign, NoteSha256 = new string('a', 64), By = "staff:greta", Time = T.AddDays(10) });

        closed.State.ShouldBe(AlertRecord.Closed);
        closed.Status.ShouldBe(TriageEntry.Benign);
        closed.Triage.Select(t => t.By).ShouldBe(["staff:olu", "staff:greta"]);

        var merged = new AlertRecord { Id = "alr-2" };
        merged.Apply(5, Raised("alr-2"));
        merged.Apply(6, new AlertEntry { Alert = "alr-2", Change = AlertEntryChange.Merged, Time = T, MergedInto = "alr-1" });
        merged.State.ShouldBe(AlertRecord.Merged);
        merged.MergedInto.ShouldBe("alr-1");
    }

    [Fact]
    public void A_record_survives_its_json()
    {
        var alert = new AlertRecord { Id = "alr-7" };
        alert.Apply(20, Raised());
        alert.Apply(30, new TriageEntry { Alert = "alr-7", Outcome = TriageEntry.Confirmed, By = "staff:olu", Time = T });

        var again = AlertRecord.FromJson(alert.ToJson());

        again.ToJson().ShouldBe(alert.ToJson());
        again.Evidence.ShouldBe([12L]);
        again.Triage.ShouldHaveSingleItem().By.ShouldBe("staff:olu");
    }

    [Theory]
    [InlineData("alr-1", 1)]
    [InlineData("alr-1234", 1234)]
    [InlineData("alr-", 0)]
    [InlineData("alert-3", 0)]
    [InlineData("alr--3", 0)]
    public void Ids_are_numbered(string id, long sequence) => AlertRecord.SequenceOf(id).ShouldBe(sequence);
}
