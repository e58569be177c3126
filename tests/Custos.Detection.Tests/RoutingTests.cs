using Custos.Detection.Routing;
using Custos.Detection.Tests.Support;
using Custos.Formats;

namespace Custos.Detection.Tests;

/// <summary>Alerts go to oversight outside the readers' departments and management chains (design, sections 1 and 7).</summary>
public sealed class RoutingTests
{
    private static readonly World World = Scenario.DefaultWorld();
    private static readonly WorldIndex Index = new(World);

    public static TheoryData<string[]> ReaderSets()
    {
        var data = new TheoryData<string[]>();
        foreach (var member in World.Staff)
        {
            data.Add([member.Id]);
        }
        data.Add(["staff:wei", "staff:agent1"]);
        data.Add(["staff:olga", "staff:pia"]);
        data.Add(["staff:olga", "staff:omar", "staff:pia", "staff:iarc-review"]);
        data.Add(["staff:unknown"]);
        return data;
    }

    [Theory]
    [MemberData(nameof(ReaderSets))]
    public void No_recipient_is_a_reader_in_a_readers_department_or_in_a_readers_management_chain(string[] readers)
    {
        var route = new OversightRouter(Index).Route(readers);

        foreach (var recipient in route.Recipients)
        {
            readers.ShouldNotContain(recipient);
            var member = World.Staff.Single(s => s.Id == recipient);
            member.Roles.ShouldContain(Roles.Oversight);
            foreach (var reader in readers)
            {
                Index.ManagementChain(reader).ShouldNotContain(recipient);
                if (Index.Staff(reader) is { } r)
                {
                    Index.IsWithin(member.Department, r.Department).ShouldBeFalse($"{recipient} sits in {member.Department}, within {reader}'s {r.Department}");
                }
            }
        }
        if (route.Queue != OversightRouter.ExternalQueue)
        {
            route.Recipients.ShouldNotBeEmpty();
            foreach (var reader in readers)
            {
                if (Index.Staff(reader) is { } r)
                {
                    Index.IsWithin(route.Queue, r.Department).ShouldBeFalse();
                }
            }
        }
    }

    [Fact]
    public void An_alert_about_the_oversight_office_goes_to_another_office()
    {
        var route = new OversightRouter(Index).Route(["staff:olga"]);

        route.Queue.ShouldNotBe("dept:oversight");
        route.Queue.ShouldNotBe(OversightRouter.ExternalQueue);
        route.Recipients.ShouldNotContain("staff:olga");
        route.Recipients.ShouldNotContain("staff:omar");
    }

    [Fact]
    public void With_every_office_implicated_the_alert_goes_outside()
    {
        var route = new OversightRouter(Index).Route(["staff:olga", "staff:pia", "staff:agent1", "staff:wei"]);

        route.Queue.ShouldBe(OversightRouter.ExternalQueue);
        route.Recipients.ShouldBeEmpty();
    }

    [Fact]
    public void A_reader_whose_manager_holds_the_oversight_role_is_not_routed_to_them()
    {
        var world = World with
        {
            Staff = [.. World.Staff.Select(s => s.Id == "staff:agent1" ? s with { Manager = "staff:omar" } : s)],
        };
        var route = new OversightRouter(new WorldIndex(world)).Route(["staff:agent1"]);

        route.Recipients.ShouldNotContain("staff:omar");
        route.Recipients.ShouldNotBeEmpty();
    }

    [Fact]
    public void Configured_queues_are_taken_in_order_of_preference_and_never_reach_the_suspects()
    {
        var router = new OversightRouter(Index, ["dept:privacy", "dept:oversight"]);

        router.Route(["staff:agent1"]).ShouldBe(new OversightRoute("dept:privacy", ["staff:pia"]), new RouteComparer());
        // The privacy office's own member is the suspect: the next queue takes it.
        var route = router.Route(["staff:pia"]);
        route.Queue.ShouldBe("dept:oversight");
        route.Recipients.ShouldBe(["staff:olga", "staff:omar"]);
        // With both configured queues implicated, the alert goes outside, even though other departments hold oversight staff.
        router.Route(["staff:pia", "staff:olga"]).Queue.ShouldBe(OversightRouter.ExternalQueue);
    }

    [Fact]
    public void Eligibility_is_the_routing_rule_asked_of_one_person()
    {
        var router = new OversightRouter(Index);

        router.IsEligible("staff:olga", ["staff:agent1"]).ShouldBeTrue();
        router.IsEligible("staff:olga", ["staff:olga"]).ShouldBeFalse("a suspect never sees their own alert");
        router.IsEligible("staff:iarc-review", ["staff:wei"]).ShouldBeFalse("a department below the reader's is inside it");
        router.IsEligible("staff:agent2", ["staff:agent1"]).ShouldBeFalse("support agents are not oversight");
        router.IsIndependentOf("counsel:acme", ["staff:agent1"]).ShouldBeTrue("outside counsel is not in the world");
        router.IsIndependentOf("staff:ceo", ["staff:agent1"]).ShouldBeFalse("the CEO manages everyone");
        router.IsIndependentOf("staff:sue", ["staff:agent1"]).ShouldBeFalse("the reader's manager is in their chain");
    }

    private sealed class RouteComparer : IEqualityComparer<OversightRoute>
    {
        public bool Equals(OversightRoute? x, OversightRoute? y) =>
            x is not null && y is not null && x.Queue == y.Queue && x.Recipients.SequenceEqual(y.Recipients);

        public int GetHashCode(OversightRoute obj) => obj.Queue.GetHashCode(StringComparison.Ordinal);
    }
}
