using Custos.Detection.Correlation;
using Custos.Detection.Routing;
using Custos.Detection.Tests.Support;
using Custos.Formats;
using static Custos.Detection.Tests.Support.Scenario;

namespace Custos.Detection.Tests;

/// <summary>
/// The design's section 1: an internal-audit team with standing access, under an audit case
/// that names neither target, reads two journalists' IP addresses, then people connected to
/// them and employees' whereabouts — two of the four reading from China, two from the US.
/// </summary>
public sealed class IncidentScenarioTests
{
    private static Scenario Incident(TimeSpan step, Outcome outcome = Outcome.Allow)
    {
        var cover = new Case
        {
            Id = "case:IA-7", Purpose = "internal-audit", Owner = "staff:wei", Members = ["staff:chen", "staff:amy", "staff:bob"],
            Subjects = ["user:90010"], Opened = T0 - Days(10),
        };
        var s = new Scenario(DefaultWorld([cover]));
        var at = Hours(14);
        void Read(string reader, string subject, string[] categories, string from)
        {
            s.Read(at, reader, subject, categories, "case:IA-7", outcome, from, "internal-audit");
            at += step;
        }
        Read("staff:amy", "user:j1", ["network.ip_address"], "US");
        Read("staff:wei", "user:j2", ["network.ip_address"], "CN");
        Read("staff:bob", "user:1", ["network.ip_address", "social.graph"], "US");
        Read("staff:chen", "user:4", ["network.ip_address"], "CN");
        Read("staff:bob", "user:2", ["network.ip_address"], "US");
        Read("staff:chen", "user:5", ["network.ip_address"], "CN");
        Read("staff:amy", "user:11", ["network.ip_address"], "US");
        Read("staff:wei", "user:12", ["network.ip_address"], "CN");
        Read("staff:wei", "user:9103", ["network.ip_address"], "CN");
        Read("staff:chen", "user:9104", ["network.ip_address"], "CN");
        return s;
    }

    [Theory]
    [InlineData(1)]      // minutes apart: one afternoon
    [InlineData(1200)]   // twenty hours apart: a slow campaign over ten days
    public void The_incident_raises_an_alert_at_its_first_read(double minutesApart)
    {
        var s = Incident(Minutes(minutesApart));

        var first = s.Changes().First(c => c.Kind == AlertChangeKind.Raised).Alert;

        first.RaisedAt.ShouldBe(s.Events[0].Time);
        first.Evidence.ShouldContain(s.Events[0].Id);
        first.Reason.ShouldContain("user:j1");
        first.Reason.ShouldContain("journalist");
        ((int)first.Severity).ShouldBeGreaterThanOrEqualTo((int)Severity.High);
    }

    [Fact]
    public void Refused_the_incident_is_still_caught_within_three_subjects()
    {
        var s = Incident(Minutes(3), Outcome.Deny);

        var first = s.Changes().First(c => c.Kind == AlertChangeKind.Raised).Alert;

        var subjectsSoFar = s.Events.Where(e => e.Time <= first.RaisedAt).Select(e => e.Subject).Distinct().Count();
        subjectsSoFar.ShouldBeLessThanOrEqualTo(3);
    }

    [Fact]
    public void The_incident_becomes_one_alert_with_all_readers_subjects_and_evidence()
    {
        var s = Incident(Minutes(5));

        var alert = s.Alerts().ShouldHaveSingleItem();

        alert.Detector.ShouldBe("correlated");
        alert.Readers.ShouldBe(["staff:amy", "staff:wei", "staff:bob", "staff:chen"], ignoreOrder: true);
        alert.Evidence.ShouldBe(s.Events.Select(e => e.Id), ignoreOrder: true);
        alert.Subjects.ShouldContain("user:j1");
        alert.Subjects.ShouldContain("user:j2");
        alert.Subjects.ShouldContain("user:9104");
        alert.RaisedAt.ShouldBe(s.Events[0].Time);
        alert.Reason.ShouldNotContain("\n");
    }

    [Fact]
    public void Each_link_of_the_chain_is_named_by_its_own_detector()
    {
        var s = Incident(Minutes(5));
        var engine = new DetectionEngine(s.World, _ => { }, s.Options);
        foreach (var e in s.Events)
        {
            engine.Observe(e);
        }

        engine.FindingsByDetector.Keys.ShouldBe(
            ["protected-subject", "graph-fan-out", "location-probing", "residency-probing"], ignoreOrder: true);
    }

    [Fact]
    public void The_incident_alert_never_goes_to_the_audit_department_or_its_chain()
    {
        var s = Incident(Minutes(5));
        var alert = s.Alerts().ShouldHaveSingleItem();

        var route = new OversightRouter(new WorldIndex(s.World)).Route(alert);

        route.Queue.ShouldBe("dept:oversight"); // the office with the most eligible members
        route.Recipients.ShouldBe(["staff:olga", "staff:omar"]);
        route.Recipients.ShouldNotContain("staff:iarc-review"); // oversight role, but inside the audit department
        route.Recipients.ShouldNotContain("staff:lin");
    }
}
