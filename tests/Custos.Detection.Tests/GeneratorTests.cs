using Custos.Detection.Scoring;
using Custos.Detection.Synthetic;
using Custos.Detection.Synthetic.Campaigns;
using Custos.Formats;

namespace Custos.Detection.Tests;

public sealed class GeneratorTests
{
    private static readonly GeneratorOptions Small = new() { Seed = 11, Days = 30, Staff = 80 };

    private static readonly Lazy<SyntheticDataset> Dataset = new(() => Generator.Generate(Small));

    [Fact]
    public void The_world_holds_together() => WorldValidator.Validate(Dataset.Value.World).ShouldBeEmpty();

    [Fact]
    public void Events_are_in_time_order_with_unique_ids_and_known_readers()
    {
        var events = Dataset.Value.Events;
        var staff = Dataset.Value.World.Staff.Select(s => s.Id).ToHashSet();
        events.Count.ShouldBeGreaterThan(1000);
        events.Select(e => e.Id).Distinct().Count().ShouldBe(events.Count);
        for (var i = 1; i < events.Count; i++)
        {
            events[i].Time.ShouldBeGreaterThanOrEqualTo(events[i - 1].Time);
        }
        events.ShouldAllBe(e => staff.Contains(e.Reader));
        events.ShouldAllBe(e => e.Time >= Small.Start && e.Time < Small.Start.AddDays(Small.Days));
    }

    [Fact]
    public void Every_pattern_and_the_incident_are_injected_at_every_intensity_and_labelled()
    {
        var labels = Dataset.Value.Labels;
        var ids = Dataset.Value.Events.Select(e => e.Id).ToHashSet();

        foreach (var pattern in Generator.Patterns)
        {
            labels.Campaigns.Where(c => c.Pattern == pattern).Select(c => c.Intensity).ShouldBe(Generator.Intensities.Select(i => i.Label()), ignoreOrder: true);
        }
        labels.Campaigns.Where(c => c.Pattern == Campaign.IncidentPattern).Select(c => c.Intensity).ShouldBe(["high", "slow", "broad"], ignoreOrder: true);
        foreach (var campaign in labels.Campaigns)
        {
            campaign.Events.ShouldNotBeEmpty();
            campaign.Events.ShouldAllBe(id => ids.Contains(id));
            campaign.Timeline.Select(r => r.Event).ShouldBe(campaign.Events);
            campaign.Start.ShouldBe(campaign.Timeline[0].Time);
            campaign.Start.ShouldBeGreaterThanOrEqualTo(Small.Start.AddDays(Small.QuietDays));
        }
        labels.Campaigns.Single(c => c.Pattern == Campaign.IncidentPattern && c.Intensity == "high").Readers.Count.ShouldBe(4);
    }

    [Fact]
    public void Background_has_the_shape_of_real_work()
    {
        var events = Dataset.Value.Events;
        var world = new WorldIndex(Dataset.Value.World);
        var campaignEvents = Dataset.Value.Labels.Campaigns.SelectMany(c => c.Events).ToHashSet();
        var background = events.Where(e => !campaignEvents.Contains(e.Id)).ToList();

        // Case-bound: nearly every read is under a case of the reader that names the subject.
        var explained = background.Count(e => world.IsExplained(e.Reader, e.Subject, e.Time));
        ((double)explained / background.Count).ShouldBeGreaterThan(0.95);
        // Weekly rhythm: weekends are quieter than weekdays.
        var weekend = background.Count(e => e.Time.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) / 2.0;
        var weekday = background.Count(e => e.Time.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) / 5.0;
        weekend.ShouldBeLessThan(weekday / 2);
        // Legitimate oddities exist: refusals, slips, travel, protected subjects read under a case.
        background.ShouldContain(e => e.Outcome == Outcome.Deny);
        background.ShouldContain(e => e.Case == null);
        background.ShouldContain(e => world.IsProtected(e.Subject) && world.IsExplained(e.Reader, e.Subject, e.Time));
    }

    [Fact]
    public void The_same_seed_gives_the_same_files_and_another_seed_does_not()
    {
        var again = Generator.Generate(Small);
        var other = Generator.Generate(Small with { Seed = 12 });

        Json(again.Events).ShouldBe(Json(Dataset.Value.Events));
        Json(again.Labels).ShouldBe(Json(Dataset.Value.Labels));
        Json(again.World).ShouldBe(Json(Dataset.Value.World));
        Json(other.Events).ShouldNotBe(Json(Dataset.Value.Events));
    }

    private static string Json<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value, FormatJson.Options);

    [Fact]
    public void The_world_has_its_offices_even_when_small()
    {
        var small = Generator.Generate(Small with { Staff = 40 }).World;
        small.Staff.Count.ShouldBe(40);
        small.Staff.ShouldContain(s => s.Roles.Contains("oversight"));
        small.Staff.ShouldContain(s => s.Roles.Contains("privacy-officer"));
    }

    [Fact]
    public void A_variant_renames_the_vocabulary_but_keeps_its_semantics()
    {
        var variant = Generator.Generate(Small with { Variant = 1 });

        variant.World.Categories.Select(c => c.Id).ShouldNotContain("network.ip_address");
        variant.World.Categories.Select(c => (c.Tier, c.Mask)).ShouldBe(Dataset.Value.World.Categories.Select(c => (c.Tier, c.Mask)));
        variant.World.Departments.Select(d => d.Id).ShouldNotContain("dept:support");
        variant.World.Subjects.SelectMany(s => s.Protected).Distinct().ShouldNotContain("journalist");
        variant.World.Staff.SelectMany(s => s.Roles).ShouldContain("oversight");
    }

    [Fact]
    public void A_world_too_small_or_too_short_is_refused()
    {
        Should.Throw<ArgumentException>(() => Generator.Generate(Small with { Days = 20 }));
        Should.Throw<ArgumentException>(() => Generator.Generate(Small with { Staff = 10 }));
    }

    [Fact]
    public void The_covert_adversary_reads_under_cases_of_their_own_opened_just_before_or_one_broad_case()
    {
        var options = Small with { Adversary = Adversary.Covert };
        var dataset = Generator.Generate(options);
        var cases = dataset.World.Cases.ToDictionary(c => c.Id);
        var byId = dataset.Events.ToDictionary(e => e.Id);

        var campaigns = dataset.Labels.Campaigns;
        campaigns.Where(c => c.Pattern == Campaign.IncidentPattern).Select(c => c.Intensity).ShouldBe(["high", "slow", "colluding"], ignoreOrder: true);
        campaigns.Single(c => c.Intensity == "colluding").Readers.Count.ShouldBe(2);
        foreach (var campaign in campaigns)
        {
            foreach (var e in campaign.Events.Select(id => byId[id]))
            {
                var @case = cases[e.Case.ShouldNotBeNull($"{campaign.Id} {e.Id}")];
                (@case.Opener, @case.Source).ShouldBe((e.Reader, (CaseSource?)CaseSource.Manual), $"{campaign.Id} {e.Id}");
                @case.Subjects.ShouldContain(e.Subject);
                @case.IsOpenAt(e.Time).ShouldBeTrue();
            }
        }
        // The ordinary background's cases come from someone else's request (tickets, queues, pagers) far more often than by hand.
        dataset.World.Cases.Count(c => c.Source is CaseSource.Ticket or CaseSource.Queue).ShouldBeGreaterThan(dataset.World.Cases.Count / 2);
        Generator.Generate(options).Events.Count.ShouldBe(dataset.Events.Count, "deterministic for a seed");
    }
}
