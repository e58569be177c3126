using Custos.Access.Alerts;
using Custos.Detection.Correlation;
using Custos.Formats;

namespace Custos.Oversight.Tests;

/// <summary>From the engine's alert changes to ledgered alerts: once each, only what is new, and matched after a restart.</summary>
public sealed class AlertReconcilerTests
{
    private static readonly DateTimeOffset T = new(2026, 6, 3, 14, 5, 0, TimeSpan.Zero);

    private static Alert Engine(string id, string[] readers, long[] evidence, Severity severity = Severity.High, string reason = "why") => new()
    {
        Id = id,
        Detector = "protected-subject",
        Severity = severity,
        RaisedAt = T,
        Readers = readers,
        Subjects = ["user:10042"],
        Evidence = [.. evidence.Select(e => e.ToString(System.Globalization.CultureInfo.InvariantCulture))],
        Reason = reason,
    };

    private static string Queue(IReadOnlyList<string> readers) => "dept:oversight";

    /// <summary>Takes the entries and folds them back in as the ledger would, at indexes from <paramref name="index"/>.</summary>
    private static List<AlertEntry> Ledger(AlertReconciler reconciler, ref long index, DateTimeOffset? now = null)
    {
        var entries = reconciler.TakeEntries(now ?? T, Queue).ToList();
        foreach (var entry in entries)
        {
            reconciler.Observe(index++, entry);
        }
        return entries;
    }

    [Fact]
    public void Changes_are_ledgered_once_and_only_with_what_they_add()
    {
        var reconciler = new AlertReconciler();
        var index = 100L;

        reconciler.Apply([new AlertChange(AlertChangeKind.Raised, Engine("alr-1", ["staff:mason"], [10]))], live: true);
        reconciler.Apply([new AlertChange(AlertChangeKind.Updated, Engine("alr-1", ["staff:mason"], [10, 11]))], live: true);
        var first = Ledger(reconciler, ref index).ShouldHaveSingleItem("two changes in one batch make one entry");
        first.Change.ShouldBe(AlertEntryChange.Raised);
        first.Alert.ShouldBe("alr-1");
        first.Evidence.ShouldBe([10L, 11L]);
        first.Queue.ShouldBe("dept:oversight");

        reconciler.Apply([new AlertChange(AlertChangeKind.Updated, Engine("alr-1", ["staff:mason", "staff:wei"], [10, 11, 12]))], live: true);
        var update = Ledger(reconciler, ref index).ShouldHaveSingleItem();
        update.Change.ShouldBe(AlertEntryChange.Updated);
        update.Readers.ShouldBe(["staff:wei"]);
        update.Evidence.ShouldBe([12L]);
        update.Subjects.ShouldBeEmpty();

        // The same again adds nothing; the reason's counts alone wait a minute.
        reconciler.Apply([new AlertChange(AlertChangeKind.Updated, Engine("alr-1", ["staff:mason", "staff:wei"], [10, 11, 12], reason: "why, 3 events"))], live: true);
        Ledger(reconciler, ref index).ShouldBeEmpty();
        reconciler.Apply([new AlertChange(AlertChangeKind.Updated, Engine("alr-1", ["staff:mason", "staff:wei"], [10, 11, 12], reason: "why, 3 events"))], live: true);
        Ledger(reconciler, ref index, T.AddMinutes(2)).ShouldHaveSingleItem().Reason.ShouldBe("why, 3 events");

        reconciler.Apply([new AlertChange(AlertChangeKind.Closed, Engine("alr-1", ["staff:mason", "staff:wei"], [10, 11, 12]))], live: true);
        Ledger(reconciler, ref index).ShouldHaveSingleItem().Change.ShouldBe(AlertEntryChange.Closed);
        reconciler.OpenCount.ShouldBe(0);
    }

    [Fact]
    public void A_merge_is_ledgered_into_the_alert_that_absorbed_it()
    {
        var reconciler = new AlertReconciler();
        var index = 0L;
        reconciler.Apply([
            new AlertChange(AlertChangeKind.Raised, Engine("alr-1", ["staff:mason"], [10])),
            new AlertChange(AlertChangeKind.Raised, Engine("alr-2", ["staff:harper"], [11])),
        ], live: true);
        Ledger(reconciler, ref index).Select(e => e.Alert).ShouldBe(["alr-1", "alr-2"]);

        reconciler.Apply([
            new AlertChange(AlertChangeKind.Merged, Engine("alr-2", ["staff:harper"], [11]), MergedInto: "alr-1"),
            new AlertChange(AlertChangeKind.Updated, Engine("alr-1", ["staff:mason", "staff:harper"], [10, 11, 12])),
        ], live: true);
        var entries = Ledger(reconciler, ref index);

        entries.Select(e => (e.Alert, e.Change)).ShouldBe([("alr-1", AlertEntryChange.Updated), ("alr-2", AlertEntryChange.Merged)]);
        entries[1].MergedInto.ShouldBe("alr-1");
    }

    [Fact]
    public void After_a_restart_the_rebuilt_engine_s_alerts_are_the_ledgered_ones()
    {
        // The ledger holds alr-7 (evidence 10, 11) and alr-8, which merged into it after the position was saved.
        var open = new AlertRecord { Id = "alr-7" };
        open.Apply(20, new AlertEntry { Alert = "alr-7", Change = AlertEntryChange.Raised, Time = T, Detector = "protected-subject", Severity = Severity.High, RaisedAt = T, Readers = ["staff:mason"], Subjects = ["user:10042"], Evidence = [10], Reason = "why", Queue = "dept:oversight" });
        var reconciler = new AlertReconciler();
        reconciler.Load([open], lastSequence: 8);
        reconciler.KeepEnded();
        reconciler.Observe(21, new AlertEntry { Alert = "alr-8", Change = AlertEntryChange.Raised, Time = T, Detector = "protected-subject", Severity = Severity.High, RaisedAt = T, Readers = ["staff:harper"], Subjects = ["user:10043"], Evidence = [11], Reason = "why", Queue = "dept:oversight" });
        reconciler.Observe(23, new AlertEntry { Alert = "alr-8", Change = AlertEntryChange.Merged, Time = T, MergedInto = "alr-7" });
        reconciler.Observe(24, new AlertEntry { Alert = "alr-7", Change = AlertEntryChange.Updated, Time = T, Readers = ["staff:harper"], Subjects = ["user:10043"], Evidence = [11, 12], Reason = "why", Queue = "dept:oversight" });
        var index = 30L;

        // Replaying: the engine's alerts are matched by their evidence, nothing is ledgered.
        reconciler.Apply([new AlertChange(AlertChangeKind.Raised, Engine("alr-1", ["staff:mason"], [10]))], live: false);
        Ledger(reconciler, ref index).ShouldBeEmpty();
        // Examining again what the previous process saw: the engine retraces the merge.
        reconciler.Apply([new AlertChange(AlertChangeKind.Raised, Engine("alr-2", ["staff:harper"], [11]))], live: true);
        reconciler.Apply([
            new AlertChange(AlertChangeKind.Merged, Engine("alr-2", ["staff:harper"], [11]), MergedInto: "alr-1"),
            new AlertChange(AlertChangeKind.Updated, Engine("alr-1", ["staff:mason", "staff:harper"], [10, 11, 12])),
        ], live: true);
        Ledger(reconciler, ref index).ShouldBeEmpty("the ledger already holds all of it");
        reconciler.ForgetEnded();

        // Past it: a new read is an update of the ledgered alert, not a new alert.
        reconciler.Apply([new AlertChange(AlertChangeKind.Updated, Engine("alr-1", ["staff:mason", "staff:harper"], [10, 11, 12, 13]))], live: true);
        var update = Ledger(reconciler, ref index).ShouldHaveSingleItem();
        (update.Alert, update.Change).ShouldBe(("alr-7", AlertEntryChange.Updated));
        update.Evidence.ShouldBe([13L]);

        // And a new alert is numbered after everything the ledger holds.
        reconciler.Apply([new AlertChange(AlertChangeKind.Raised, Engine("alr-3", ["staff:jules"], [14]))], live: true);
        Ledger(reconciler, ref index).ShouldHaveSingleItem().Alert.ShouldBe("alr-9");
    }

    [Fact]
    public void Ledgered_alerts_the_rebuilt_engine_never_reproduces_are_closed_once_their_window_has_passed()
    {
        var orphan = new AlertRecord { Id = "alr-4" };
        orphan.Apply(5, new AlertEntry { Alert = "alr-4", Change = AlertEntryChange.Raised, Time = T, Detector = "protected-subject", Severity = Severity.High, RaisedAt = T, Readers = ["staff:mason"], Evidence = [1], Reason = "why", Queue = "dept:oversight" });
        var reconciler = new AlertReconciler();
        reconciler.Load([orphan], 4);
        var index = 10L;

        reconciler.CloseOrphans(T.AddDays(6), TimeSpan.FromDays(7));
        Ledger(reconciler, ref index).ShouldBeEmpty();
        reconciler.CloseOrphans(T.AddDays(8), TimeSpan.FromDays(7));
        var closed = Ledger(reconciler, ref index).ShouldHaveSingleItem();

        (closed.Alert, closed.Change).ShouldBe(("alr-4", AlertEntryChange.Closed));
        reconciler.OpenCount.ShouldBe(0);
    }
}
