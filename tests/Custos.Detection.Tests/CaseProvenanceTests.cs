using Custos.Detection.Correlation;
using Custos.Detection.Detectors;
using Custos.Detection.Tests.Support;
using Custos.Formats;
using static Custos.Detection.Tests.Support.Scenario;

namespace Custos.Detection.Tests;

/// <summary>
/// A case is a claim, not an alibi (issue 13): reads under a case the reader made themselves
/// just before, naming only the person read, still score where the pattern says so; a case a
/// colleague opened from a ticket days before explains the same reads.
/// </summary>
public sealed class CaseProvenanceTests
{
    /// <summary>Habits warm after a few days of the small world's background, not after weeks.</summary>
    private static readonly DetectionOptions Quick = new()
    {
        CaseProvenance = new CaseProvenanceOptions { MinGroupReaderDays = 10, MinPeers = 2 },
        Returning = new ReturningOptions { MinGroupPairs = 40 },
    };

    private static readonly string[] Agents = ["staff:agent2", "staff:agent3", "staff:agent4", "staff:agent5"];
    private static readonly string[] Auditors = ["staff:chen", "staff:amy", "staff:bob"];

    /// <summary>A case the reader typed in themselves, <paramref name="before"/> the read at <paramref name="at"/>.</summary>
    private static Case SelfMade(string id, string reader, TimeSpan at, TimeSpan before, params string[] subjects) => new()
    {
        Id = id, Purpose = "customer-support", Owner = reader, Subjects = subjects,
        Opened = T0 + at - before, Closed = T0 + at + Hours(2), Source = CaseSource.Manual,
    };

    /// <summary>A case a colleague opened from a ticket <paramref name="daysBefore"/> days before and assigned to the reader.</summary>
    private static Case FromTicket(string id, string reader, TimeSpan at, double daysBefore, params string[] subjects) => new()
    {
        Id = id, Purpose = "customer-support", Owner = reader, OpenedBy = "staff:sue", Subjects = subjects,
        Opened = T0 + at - Days(daysBefore), Closed = null, Source = CaseSource.Ticket,
    };

    /// <summary>
    /// Ten days of ordinary work before <paramref name="from"/>: support agents work tickets (one
    /// customer each, once), auditors audit employees of other departments under their own
    /// cases. Returns the cases and a way to add the reads to a scenario.
    /// </summary>
    private static (List<Case> Cases, Action<Scenario> Reads) Background()
    {
        var cases = new List<Case>();
        var reads = new List<(TimeSpan At, string Reader, string Subject, string? Case)>();
        var n = 0;
        for (var day = 0; day < 10; day++)
        {
            foreach (var agent in Agents)
            {
                for (var t = 0; t < 4; t++)
                {
                    var at = Days(day) + Hours(14 + t);
                    var subject = $"user:bg{n++}"; // a customer of the ticket, once
                    var @case = FromTicket($"case:BG-{n}", agent, at, 0.01, subject);
                    cases.Add(@case);
                    reads.Add((at, agent, subject, @case.Id));
                }
                // A slip: a quick look-up of someone with no case, once.
                reads.Add((Days(day) + Hours(19), agent, $"user:slip{n++}", null));
            }
            foreach (var auditor in Auditors)
            {
                var at = Days(day) + Hours(15);
                var subject = day % 2 == 0 ? "user:9101" : "user:9105";
                var @case = SelfMade($"case:IA-{++n}", auditor, at, Hours(1), subject);
                cases.Add(@case);
                reads.Add((at, auditor, subject, @case.Id));
                reads.Add((at + Minutes(20), auditor, subject, @case.Id));
            }
        }
        return (cases, s =>
        {
            foreach (var (at, reader, subject, @case) in reads)
            {
                s.Read(at, reader, subject, @case: @case);
            }
        });
    }

    private static Scenario With(IEnumerable<Case> extra)
    {
        var (cases, reads) = Background();
        var s = new Scenario(DefaultWorld([.. cases, .. extra]), Quick);
        reads(s);
        return s;
    }

    // ------------------------------------------------------------ provenance itself

    [Fact]
    public void The_strongest_case_is_the_cover_and_its_provenance_reads_as_a_sentence()
    {
        var at = Days(12);
        var weak = SelfMade("case:CS-88", "staff:agent1", at, Minutes(4), "user:7");
        var index = new WorldIndex(DefaultWorld([weak]));
        var access = new AccessEvent
        {
            Id = "evt-1", Time = T0 + at, Reader = "staff:agent1", ReaderJurisdiction = "US", Subject = "user:7",
            Categories = ["profile.basic"], Purpose = "customer-support", Case = "case:CS-88", Outcome = Outcome.Allow,
        };

        var o = new Observation(access, index);

        o.SelfMadeCover.ShouldBeTrue();
        o.CaseClause().ShouldBe("under case:CS-88, which the reader opened by hand 4 minutes before the read and which names only this person");

        var both = new WorldIndex(DefaultWorld([weak, FromTicket("case:T-1", "staff:agent1", at, 3, "user:7", "user:8")]));
        var strong = new Observation(access, both);
        strong.Cover!.Value.Id.ShouldBe("case:T-1");
        strong.SelfMadeCover.ShouldBeFalse();
        strong.CaseClause().ShouldBe("under case:T-1, which staff:sue opened from a ticket 3 days before the read and which names 2 people");
    }

    [Fact]
    public void A_self_made_case_explains_nothing_where_peers_work_from_tickets_and_stays_an_explanation_where_they_do_not()
    {
        var at = Days(12);
        var many = Enumerable.Range(1, 12).Select(i => $"user:{i}").ToArray();
        var s = With([SelfMade("case:CS-1", "staff:agent1", at, Minutes(3), many)]);
        foreach (var i in Enumerable.Range(1, 12))
        {
            s.Read(at + Minutes(i), "staff:agent1", $"user:{i}", @case: "case:CS-1");
        }

        var finding = s.Findings(new UnexplainedAccessDetector(new UnexplainedAccessOptions())).First();
        finding.Subjects.ShouldContain("user:1");
        finding.Reason.ShouldContain("case:CS-1, which the reader opened by hand");
        finding.Reason.ShouldContain("unlike the cases their peers work from tickets and queues");

        // Before the group has a habit, a case is taken at its word, as it always was.
        var fresh = new Scenario(DefaultWorld([SelfMade("case:CS-1", "staff:agent1", at, Minutes(3), "user:1", "user:2", "user:3", "user:4", "user:5", "user:6")]), Quick);
        foreach (var i in Enumerable.Range(1, 6))
        {
            fresh.Read(at + Minutes(i), "staff:agent1", $"user:{i}", @case: "case:CS-1");
        }
        fresh.Findings(new UnexplainedAccessDetector(new UnexplainedAccessOptions())).ShouldBeEmpty();
    }

    // ------------------------------------------------------------ returning to one person

    [Fact]
    public void Returning_fires_on_one_person_read_on_three_days_under_cases_opened_just_before()
    {
        var reads = new[] { Days(11) + Hours(15), Days(14) + Hours(2), Days(18) + Hours(16) };
        var s = With(reads.Select((at, i) => SelfMade($"case:CS-{88 + i}", "staff:agent1", at, Minutes(4), "user:7")));
        var ids = reads.Select((at, i) => s.Read(at, "staff:agent1", "user:7", @case: $"case:CS-{88 + i}")).ToList();

        var finding = s.Findings(new ReturningDetector(Quick.Returning)).ShouldHaveSingleItem();

        finding.Evidence.ShouldBe(ids);
        finding.Subjects.ShouldBe(["user:7"]);
        finding.RaisedAt.ShouldBe(T0 + reads[^1]);
        finding.Reason.ShouldContain("on 3 different days");
        finding.Reason.ShouldContain("case:CS-90, which the reader opened by hand 4 minutes before the read and which names only this person");
    }

    [Fact]
    public void Returning_stays_quiet_under_a_colleagues_ticket_and_for_two_days()
    {
        var reads = new[] { Days(11) + Hours(15), Days(14) + Hours(15), Days(18) + Hours(16) };
        var s = With([FromTicket("case:T-7", "staff:agent1", reads[0], 3, "user:7")]);
        foreach (var at in reads)
        {
            s.Read(at, "staff:agent1", "user:7", @case: "case:T-7");
        }
        s.Read(reads[0], "staff:agent1", "user:8");
        s.Read(reads[1], "staff:agent1", "user:8");

        s.Findings(new ReturningDetector(Quick.Returning)).ShouldBeEmpty();
    }

    [Fact]
    public void Returning_stays_quiet_for_a_peer_group_that_returns_to_its_subjects_routinely()
    {
        // The auditors of the background read two accounts on alternate days: for them, a
        // third day with one person is ordinary.
        var reads = new[] { Days(11) + Hours(15), Days(13) + Hours(15), Days(15) + Hours(15) };
        var s = With(reads.Select((at, i) => SelfMade($"case:CS-{88 + i}", "staff:amy", at, Minutes(4), "user:7")));
        foreach (var (at, i) in reads.Select((at, i) => (at, i)))
        {
            s.Read(at, "staff:amy", "user:7", @case: $"case:CS-{88 + i}");
        }

        s.Findings(new ReturningDetector(Quick.Returning)).ShouldBeEmpty();
    }

    // ------------------------------------------------------------ colleagues under a case

    [Fact]
    public void Colleague_look_up_fires_under_a_case_the_reader_opened_minutes_before()
    {
        var at = Days(12);
        var s = With([SelfMade("case:CS-5", "staff:agent1", at, Minutes(2), "user:9102")]);
        var id = s.Read(at, "staff:agent1", "user:9102", @case: "case:CS-5");

        var finding = s.Findings(new SelfColleagueDetector(new SelfColleagueOptions())).ShouldHaveSingleItem();

        finding.Evidence.ShouldBe([id]);
        finding.Reason.ShouldContain("a colleague in dept:support");
        finding.Reason.ShouldContain("under case:CS-5, which the reader opened by hand 2 minutes before the read and which names only this person");
    }

    [Fact]
    public void Colleague_look_up_stays_quiet_under_a_colleagues_ticket_and_for_a_group_that_audits_employees()
    {
        var at = Days(12);
        var s = With([FromTicket("case:T-5", "staff:agent1", at, 2, "user:9102"), SelfMade("case:IA-99", "staff:amy", at, Minutes(2), "user:90005")]);
        s.Read(at, "staff:agent1", "user:9102", @case: "case:T-5");
        // amy's peers read employees' accounts every day: her own audit case of a colleague is their work.
        s.Read(at, "staff:amy", "user:90005", @case: "case:IA-99");

        s.Findings(new SelfColleagueDetector(new SelfColleagueOptions())).ShouldBeEmpty();
    }

    // ------------------------------------------------------------ protected classes outside one's work

    [Fact]
    public void Protected_class_outside_the_peers_work_scores_under_a_self_made_case_lower_than_with_none()
    {
        var at = Days(12);
        var s = With([SelfMade("case:IA-50", "staff:amy", at, Minutes(5), "user:j1"), SelfMade("case:IA-51", "staff:amy", at + Hours(1), Minutes(5), "user:j2")]);
        s.Read(at, "staff:amy", "user:j1", ["network.ip_address"], "case:IA-50", purpose: "internal-audit");
        var detector = () => new ProtectedSubjectDetector(new ProtectedSubjectOptions());

        s.Findings(detector()).ShouldBeEmpty("one tier-3 read under the reader's own case scores 2.25 of 3");
        s.Read(at + Hours(1), "staff:amy", "user:j2", ["network.ip_address"], "case:IA-51", purpose: "internal-audit");

        var finding = s.Findings(detector()).ShouldHaveSingleItem();
        finding.Subjects.ShouldBe(["user:j1", "user:j2"]);
        finding.Reason.ShouldContain("case:IA-51, which the reader opened by hand 5 minutes before the read");
        finding.Reason.ShouldContain("their peers seldom read people of that class");
    }

    [Fact]
    public void Protected_class_stays_quiet_under_a_colleagues_ticket()
    {
        var at = Days(12);
        var s = With([FromTicket("case:T-50", "staff:amy", at, 4, "user:j1", "user:j2")]);
        s.Read(at, "staff:amy", "user:j1", ["network.ip_address"], "case:T-50", purpose: "internal-audit");
        s.Read(at + Hours(1), "staff:amy", "user:j2", ["network.ip_address"], "case:T-50", purpose: "internal-audit");

        s.Findings(new ProtectedSubjectDetector(new ProtectedSubjectOptions())).ShouldBeEmpty();
    }

    // ------------------------------------------------------------ the leak hunt under one broad case

    [Fact]
    public void A_leak_hunt_under_one_broad_case_of_the_readers_own_is_alerted_within_three_subjects()
    {
        var at = Days(12);
        var hunt = new[] { "user:j1", "user:1", "user:2", "user:j2", "user:4", "user:5" };
        var s = With([SelfMade("case:IA-77", "staff:amy", at, Days(2), hunt) with { Closed = null }]);
        var ids = hunt.Select((subject, i) => s.Read(at + Hours(20 * i), "staff:amy", subject, ["network.ip_address"], "case:IA-77", purpose: "internal-audit")).ToList();

        var changes = s.Changes();

        var raised = changes.First(c => c.Kind == AlertChangeKind.Raised && c.Alert.Evidence.Intersect(ids).Any());
        var subjectsBefore = hunt.Take(ids.FindIndex(id => raised.Alert.Evidence.Contains(id)) + 1).Count();
        raised.Alert.RaisedAt.ShouldBeLessThanOrEqualTo(T0 + at + Hours(40), "by the third subject read");
        raised.Alert.Reason.ShouldContain("case:IA-77", customMessage: raised.Alert.Reason);
        subjectsBefore.ShouldBeLessThanOrEqualTo(3);
    }

    [Fact]
    public void The_same_reads_under_a_case_a_colleague_opened_from_a_queue_days_before_raise_nothing()
    {
        var at = Days(12);
        var hunt = new[] { "user:j1", "user:1", "user:2", "user:j2", "user:4", "user:5" };
        var s = With([FromTicket("case:TS-77", "staff:amy", at, 3, hunt) with { Source = CaseSource.Queue }]);
        foreach (var (subject, i) in hunt.Select((x, i) => (x, i)))
        {
            s.Read(at + Hours(20 * i), "staff:amy", subject, ["network.ip_address"], "case:TS-77", purpose: "internal-audit");
        }

        s.Alerts().Where(a => a.Readers.Contains("staff:amy") && a.Subjects.Intersect(hunt).Any()).ShouldBeEmpty();
    }
}
