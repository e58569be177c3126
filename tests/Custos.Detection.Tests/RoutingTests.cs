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
            member.Roles.ShouldContain(OversightRouter.OversightRole);
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
}
