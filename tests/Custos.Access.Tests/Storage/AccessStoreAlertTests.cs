using Custos.Access.Alerts;
using Custos.Access.Storage;
using Custos.Access.Tests.Alerts;
using Custos.Formats;

namespace Custos.Access.Tests.Storage;

/// <summary>The alerts projection, on every store.</summary>
public abstract partial class AccessStoreTests
{
    private static readonly DateTimeOffset At = new(2026, 6, 3, 14, 5, 0, TimeSpan.Zero);

    private static AlertProjectionChange Change(long index, AlertRecord alert, AlertEntry entry)
    {
        alert.Apply(index, entry);
        return new AlertProjectionChange(index, System.Text.Encoding.UTF8.GetString(entry.Serialize()), alert, entry.Readers, entry.Subjects);
    }

    private static AlertProjectionChange Change(long index, AlertRecord alert, TriageEntry entry)
    {
        alert.Apply(index, entry);
        return new AlertProjectionChange(index, System.Text.Encoding.UTF8.GetString(entry.Serialize()), alert, [], []);
    }

    private static AlertEntry Raise(string id, string queue, string reader, string subject, Severity severity, DateTimeOffset raisedAt, string detector = "protected-subject") =>
        AlertRecordTests.Raised(id) with { Queue = queue, Readers = [reader], Subjects = [subject], Severity = severity, RaisedAt = raisedAt, Detector = detector };

    [Fact]
    public async Task Alerts_are_projected_with_the_position_and_a_replay_changes_nothing()
    {
        var store = Store();
        await store.EnsureReadyAsync(Cancel);
        var alert = new AlertRecord { Id = "alr-1" };
        var raised = Change(10, alert, Raise("alr-1", "dept:oversight", "staff:mason", "user:10042", Severity.High, At));
        var updated = Change(12, alert, new AlertEntry
        {
            Alert = "alr-1", Change = AlertEntryChange.Updated, Time = At.AddSeconds(5), Detector = "correlated", Severity = Severity.High,
            Readers = ["staff:wei"], Subjects = ["user:10077"], Evidence = [11], Reason = "two", Queue = "dept:oversight",
        });

        await store.ApplyAlertProjectionAsync("detection", [raised, updated], 13, Cancel);
        // Replayed after a crash: the older entry does not move the alert back.
        var stale = new AlertRecord { Id = "alr-1" };
        await store.ApplyAlertProjectionAsync("detection", [Change(10, stale, Raise("alr-1", "dept:oversight", "staff:mason", "user:10042", Severity.High, At))], 11, Cancel);

        var stored = (await store.AlertAsync("alr-1", Cancel))!;
        stored.Readers.ShouldBe(["staff:mason", "staff:wei"]);
        stored.Evidence.ShouldBe([12L, 11L]);
        stored.Entries.ShouldBe([10L, 12L]);
        (await store.ProjectionNextIndexAsync("detection", Cancel)).ShouldBe(13);
        (await store.LastAlertSequenceAsync(Cancel)).ShouldBe(1);
        (await store.AlertAsync("alr-2", Cancel)).ShouldBeNull();
        (await store.OpenAlertsAsync(Cancel)).ShouldHaveSingleItem().Id.ShouldBe("alr-1");
        (await store.AlertEntriesFromAsync(0, 10, Cancel)).Select(e => (e.LedgerIndex, e.AlertId)).ShouldBe([(10L, "alr-1"), (12L, "alr-1")]);
        (await store.AlertHistoryAsync("alr-1", 11, Cancel)).ShouldHaveSingleItem().LedgerIndex.ShouldBe(10);
    }

    [Fact]
    public async Task Alerts_filter_and_page_newest_first()
    {
        var store = Store();
        await store.EnsureReadyAsync(Cancel);
        var changes = new List<AlertProjectionChange>();
        var index = 100L;
        for (var n = 1; n <= 7; n++)
        {
            var alert = new AlertRecord { Id = AlertRecord.IdOf(n) };
            var queue = n == 7 ? "dept:audit-committee" : "dept:oversight";
            var severity = n % 2 == 0 ? Severity.Medium : Severity.High;
            changes.Add(Change(index++, alert, Raise(alert.Id, queue, $"staff:r{n % 3}", $"user:{n}", severity, At.AddHours(n), n == 3 ? "graph-fan-out" : "protected-subject")));
            if (n == 2)
            {
                changes.Add(Change(index++, alert, new TriageEntry { Alert = alert.Id, Outcome = TriageEntry.Benign, By = "staff:olu", Time = At.AddDays(1) }));
            }
            if (n == 4)
            {
                changes.Add(Change(index++, alert, new AlertEntry { Alert = alert.Id, Change = AlertEntryChange.Closed, Time = At.AddDays(8) }));
            }
            if (n == 5)
            {
                changes.Add(Change(index++, alert, new AlertEntry { Alert = alert.Id, Change = AlertEntryChange.Merged, Time = At.AddDays(1), MergedInto = "alr-1" }));
            }
        }
        await store.ApplyAlertProjectionAsync("detection", changes, index, Cancel);

        async Task<string[]> Ids(AlertQuery query) => [.. (await store.AlertsAsync(query, Cancel)).Select(a => a.Id)];
        var oversight = new AlertQuery { Queues = ["dept:oversight"] };

        (await Ids(oversight)).ShouldBe(["alr-6", "alr-4", "alr-3", "alr-2", "alr-1"], "newest first; merged alerts left out");
        (await Ids(new AlertQuery { Queues = [] })).ShouldBeEmpty();
        (await Ids(new AlertQuery())).Length.ShouldBe(6);
        (await Ids(oversight with { State = AlertRecord.Merged })).ShouldBe(["alr-5"]);
        (await Ids(oversight with { State = AlertRecord.Closed })).ShouldBe(["alr-4"]);
        (await Ids(oversight with { Status = TriageEntry.Benign })).ShouldBe(["alr-2"]);
        (await Ids(oversight with { Status = AlertRecord.New })).ShouldBe(["alr-6", "alr-4", "alr-3", "alr-1"]);
        (await Ids(oversight with { Detector = "graph-fan-out" })).ShouldBe(["alr-3"]);
        (await Ids(oversight with { MinSeverity = Severity.High })).ShouldBe(["alr-3", "alr-1"]);
        (await Ids(oversight with { Reader = "staff:r1" })).ShouldBe(["alr-4", "alr-1"]);
        (await Ids(oversight with { Subject = "user:3" })).ShouldBe(["alr-3"]);
        (await Ids(oversight with { Since = At.AddHours(2), Until = At.AddHours(4) })).ShouldBe(["alr-3", "alr-2"]);
        (await Ids(oversight with { Limit = 2 })).ShouldBe(["alr-6", "alr-4"]);
        (await Ids(oversight with { Limit = 2, Before = 4 })).ShouldBe(["alr-3", "alr-2"]);
        (await Ids(new AlertQuery { Queues = ["dept:audit-committee", "dept:oversight"], Limit = 1 })).ShouldBe(["alr-7"]);
    }
}
