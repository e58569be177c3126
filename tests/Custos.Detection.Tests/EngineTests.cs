using Custos.Detection.Correlation;
using Custos.Detection.Synthetic;
using Custos.Detection.Tests.Support;
using Custos.Formats;
using static Custos.Detection.Tests.Support.Scenario;

namespace Custos.Detection.Tests;

public sealed class EngineTests
{
    [Fact]
    public void Events_out_of_time_order_are_refused()
    {
        var s = new Scenario();
        s.Read(Hours(2), "staff:agent1", "user:1");
        s.Read(Hours(1), "staff:agent1", "user:2");
        var engine = new DetectionEngine(s.World, _ => { });
        engine.Observe(s.Events[0]);

        Should.Throw<ArgumentException>(() => engine.Observe(s.Events[1])).Message.ShouldContain("evt-000002");
    }

    [Fact]
    public void An_alert_is_published_while_the_event_that_completes_it_is_observed()
    {
        var s = new Scenario();
        s.Read(Hours(1), "staff:agent1", "user:j1", ["network.ip_address"]);
        var changes = new List<AlertChange>();
        var engine = new DetectionEngine(s.World, changes.Add);

        engine.Observe(s.Events[0]);

        changes.ShouldHaveSingleItem().Kind.ShouldBe(AlertChangeKind.Raised);
        changes[0].Alert.Id.ShouldBe("alr-1");
    }

    [Fact]
    public void Advancing_time_closes_an_alert_once_its_window_has_passed()
    {
        var s = new Scenario();
        s.Read(Hours(1), "staff:agent1", "user:j1", ["network.ip_address"]);
        var changes = new List<AlertChange>();
        var engine = new DetectionEngine(s.World, changes.Add);
        engine.Observe(s.Events[0]);

        engine.Advance(T0 + Days(3));
        changes.Count.ShouldBe(1);
        engine.Advance(T0 + Days(9));

        changes.Select(c => c.Kind).ShouldBe([AlertChangeKind.Raised, AlertChangeKind.Closed]);
    }

    [Fact]
    public void A_world_change_keeps_the_windowed_state_and_resolves_later_events_against_the_new_world()
    {
        // Under the first world user:50 is nobody's contact; the second world (a sync) links it to j1.
        var s = new Scenario();
        s.Read(Hours(1), "staff:agent1", "user:j1", ["network.ip_address"]);
        s.Read(Hours(2), "staff:agent1", "user:50");
        s.Read(Hours(3), "staff:agent1", "user:51");
        var changed = s.World with
        {
            Relationships = [.. s.World.Relationships, new Relationship { From = "user:j1", To = "user:50", Kind = "contact" }, new Relationship { From = "user:51", To = "user:j1", Kind = "contact" }],
        };
        var changes = new List<AlertChange>();
        var engine = new DetectionEngine(s.World, changes.Add);

        engine.Observe(s.Events[0]);
        engine.ChangeWorld(new WorldIndex(changed));
        engine.Observe(s.Events[1]);
        engine.Observe(s.Events[2]);

        engine.World.World.ShouldBeSameAs(changed);
        // The anchor read under the first world still counts: the fan-out is found under the second.
        var last = changes[^1].Alert;
        last.Id.ShouldBe("alr-1");
        last.Detector.ShouldBe("correlated");
        last.Reason.ShouldContain("graph-fan-out");
        last.Evidence.ShouldBe(s.Events.Select(e => e.Id).ToList(), ignoreOrder: true);
    }

    [Fact]
    public void A_merge_names_the_alert_that_absorbed_the_other()
    {
        // Two readers raise two alerts; a third read by one of them of the other's subject links them.
        var s = new Scenario();
        s.Read(Hours(1), "staff:agent1", "user:j1", ["network.ip_address"]);
        s.Read(Hours(2), "staff:agent2", "user:j2", ["network.ip_address"]);
        s.Read(Hours(3), "staff:agent2", "user:j1", ["network.ip_address"]);

        var merged = s.Changes().Single(c => c.Kind == AlertChangeKind.Merged);

        merged.Alert.Id.ShouldBe("alr-2");
        merged.MergedInto.ShouldBe("alr-1");
    }

    [Fact]
    public void Disabled_detectors_do_not_run()
    {
        var s = new Scenario(options: new DetectionOptions { ProtectedSubject = new() { Enabled = false } });
        s.Read(Hours(1), "staff:agent1", "user:j1", ["network.ip_address"]);

        s.Alerts().ShouldBeEmpty();
    }

    /// <summary>
    /// Memory follows the active readers, not the history: a fixed set of staff working for
    /// most of a year leaves the engine's state as large at the end as after a month.
    /// </summary>
    [Fact]
    public void State_stays_flat_over_a_long_stream_with_a_fixed_set_of_readers()
    {
        var dataset = Generator.Generate(new GeneratorOptions { Seed = 5, Days = 240, Staff = 60, Campaigns = false });
        var engine = new DetectionEngine(dataset.World, _ => { });
        var start = dataset.Events[0].Time;
        var samples = new List<(double Day, int State)>();
        var next = start.AddDays(10);
        foreach (var e in dataset.Events)
        {
            engine.Observe(e);
            if (e.Time >= next)
            {
                samples.Add(((e.Time - start).TotalDays, engine.StateSize));
                next = next.AddDays(10);
            }
        }

        var settled = samples.Where(s => s.Day >= 30).ToList();
        var early = settled.Where(s => s.Day < 90).Max(s => s.State);
        var late = settled.Where(s => s.Day >= 180).Max(s => s.State);
        engine.EventsObserved.ShouldBeGreaterThan(40_000);
        late.ShouldBeLessThanOrEqualTo((int)(early * 1.25), string.Join(", ", samples.Select(s => $"{s.Day:0}:{s.State}")));
    }
}

public sealed class PoissonTests
{
    [Theory]
    [InlineData(0.0, 1e-5, 1)]
    [InlineData(1.0, 0.5, 2)]     // P(X >= 1) = 0.63, P(X >= 2) = 0.26
    [InlineData(1.0, 1e-5, 9)]    // P(X >= 8) = 1.0e-5, P(X >= 9) = 1.1e-6
    [InlineData(0.2, 1e-5, 5)]
    [InlineData(50.0, 1e-5, 84)]
    public void Threshold_is_the_smallest_count_whose_tail_is_within_the_probability(double mean, double tail, int expected) =>
        Detectors.Poisson.Threshold(mean, tail).ShouldBe(expected);
}
