using Custos.Detection.Detectors;
using Custos.Detection.Tests.Support;
using Custos.Formats;
using static Custos.Detection.Tests.Support.Scenario;

namespace Custos.Detection.Tests;

/// <summary>Each detector with events that must raise it and events that must not.</summary>
public sealed class DetectorTests
{
    private static readonly WorldIndex Index = new(DefaultWorld());

    [Fact]
    public void The_test_world_holds_together() => WorldValidator.Validate(DefaultWorld()).ShouldBeEmpty();

    // ------------------------------------------------------------ protected subject

    [Fact]
    public void Protected_subject_fires_on_a_journalists_ip_address_read_with_no_case()
    {
        var s = new Scenario();
        var id = s.Read(Hours(10), "staff:agent1", "user:j1", ["network.ip_address"]);

        var finding = s.Findings(new ProtectedSubjectDetector(new ProtectedSubjectOptions())).ShouldHaveSingleItem();

        finding.Evidence.ShouldBe([id]);
        finding.Severity.ShouldBe(Severity.High);
        finding.RaisedAt.ShouldBe(T0 + Hours(10));
        finding.Reason.ShouldContain("network.ip_address");
        finding.Reason.ShouldContain("journalist");
        finding.Reason.ShouldContain("user:j1");
    }

    [Fact]
    public void Protected_subject_stays_quiet_when_an_open_case_of_the_reader_names_the_subject()
    {
        var s = new Scenario(DefaultWorld([OpenCase("case:S-1", "staff:agent1", "user:j1", "user:kid")]));
        s.Read(Hours(10), "staff:agent1", "user:j1", ["network.ip_address"], "case:S-1");
        s.Read(Hours(11), "staff:agent1", "user:kid", ["profile.contact"], "case:S-1");

        s.Findings(new ProtectedSubjectDetector(new ProtectedSubjectOptions())).ShouldBeEmpty();
    }

    [Fact]
    public void Protected_subject_weighs_by_tier_one_low_tier_read_is_not_enough_three_are()
    {
        var s = new Scenario();
        s.Read(Hours(1), "staff:agent1", "user:j1");
        var quiet = s.Findings(new ProtectedSubjectDetector(new ProtectedSubjectOptions()));
        s.Read(Hours(2), "staff:agent1", "user:j2");
        s.Read(Hours(3), "staff:agent1", "user:kid");

        quiet.ShouldBeEmpty();
        var finding = s.Findings(new ProtectedSubjectDetector(new ProtectedSubjectOptions())).ShouldHaveSingleItem();
        finding.Subjects.ShouldBe(["user:j1", "user:j2", "user:kid"], ignoreOrder: true);
        finding.Evidence.Count.ShouldBe(3);
    }

    [Fact]
    public void Protected_subject_counts_a_staff_account_as_an_employee_even_if_not_listed()
    {
        var s = new Scenario();
        s.Read(Hours(1), "staff:agent1", "user:90003", ["network.ip_address"]);

        var finding = s.Findings(new ProtectedSubjectDetector(new ProtectedSubjectOptions())).ShouldHaveSingleItem();
        finding.Reason.ShouldContain("employee");
    }

    [Fact]
    public void Protected_subject_counts_a_refused_attempt_like_a_read_unless_configured_lower()
    {
        var s = new Scenario();
        s.Read(Hours(1), "staff:agent1", "user:j1", ["network.ip_address"], outcome: Outcome.Deny);
        s.Findings(new ProtectedSubjectDetector(new ProtectedSubjectOptions())).ShouldHaveSingleItem().Reason.ShouldContain("tried to read");
        s.Findings(new ProtectedSubjectDetector(new ProtectedSubjectOptions { DeniedWeight = 0.5 })).ShouldBeEmpty();

        s.Read(Hours(2), "staff:agent1", "user:j2", ["network.ip_address"], outcome: Outcome.Deny);
        s.Findings(new ProtectedSubjectDetector(new ProtectedSubjectOptions { DeniedWeight = 0.5 })).ShouldHaveSingleItem().Reason.ShouldContain("refused");
    }

    // ------------------------------------------------------------ unexplained access

    [Fact]
    public void Unexplained_access_fires_on_five_subjects_in_a_day_with_no_case()
    {
        var s = new Scenario();
        for (var i = 1; i <= 5; i++)
        {
            s.Read(Hours(9 + i), "staff:agent1", $"user:{i}");
        }

        var finding = s.Findings(new UnexplainedAccessDetector(new UnexplainedAccessOptions())).ShouldHaveSingleItem();
        finding.Subjects.Count.ShouldBe(5);
        finding.Evidence.Count.ShouldBe(5);
        finding.RaisedAt.ShouldBe(T0 + Hours(14));
    }

    [Fact]
    public void Unexplained_access_stays_quiet_for_case_work_slips_and_refusals()
    {
        var s = new Scenario(DefaultWorld([OpenCase("case:S-1", "staff:agent1", "user:1", "user:2", "user:3", "user:4", "user:5", "user:6")]));
        for (var i = 1; i <= 6; i++)
        {
            s.Read(Hours(9 + i), "staff:agent1", $"user:{i}", @case: "case:S-1");
        }
        s.Read(Hours(16), "staff:agent1", "user:30");
        s.Read(Hours(17), "staff:agent1", "user:31");
        for (var i = 0; i < 5; i++)
        {
            s.Read(Hours(18), "staff:agent1", $"user:{20 + i}", outcome: Outcome.Deny);
        }

        s.Findings(new UnexplainedAccessDetector(new UnexplainedAccessOptions())).ShouldBeEmpty();
    }

    [Fact]
    public void Unexplained_access_catches_a_slow_browse_over_a_week()
    {
        var s = new Scenario();
        for (var day = 0; day < 5; day++)
        {
            for (var i = 0; i < 2; i++)
            {
                s.Read(Days(day) + Hours(10 + i), "staff:agent1", $"user:{1 + day * 2 + i}");
            }
        }

        var finding = s.Findings(new UnexplainedAccessDetector(new UnexplainedAccessOptions())).ShouldHaveSingleItem();
        finding.Subjects.Count.ShouldBe(10);
        finding.Reason.ShouldContain("7 days");
    }

    [Fact]
    public void Unexplained_access_counts_a_case_of_someone_else_as_no_case()
    {
        var s = new Scenario(DefaultWorld([OpenCase("case:S-9", "staff:agent2", "user:1", "user:2", "user:3", "user:4", "user:5")]));
        for (var i = 1; i <= 5; i++)
        {
            s.Read(Hours(9 + i), "staff:agent1", $"user:{i}", @case: "case:S-9");
        }

        s.Findings(new UnexplainedAccessDetector(new UnexplainedAccessOptions())).ShouldHaveSingleItem();
    }

    [Fact]
    public void A_case_closed_within_the_grace_still_explains_a_follow_up_and_not_after_it()
    {
        var closed = OpenCase("case:S-1", "staff:agent1", "user:1") with { Closed = T0 + Hours(10) };
        var index = new WorldIndex(DefaultWorld([closed]));

        index.IsExplained("staff:agent1", "user:1", T0 + Hours(12)).ShouldBeFalse();
        index.IsExplained("staff:agent1", "user:1", T0 + Hours(12), TimeSpan.FromHours(24)).ShouldBeTrue();
        index.IsExplained("staff:agent1", "user:1", T0 + Hours(40), TimeSpan.FromHours(24)).ShouldBeFalse();
        index.IsExplained("staff:agent2", "user:1", T0 + Hours(5)).ShouldBeFalse();
        index.IsExplained("staff:agent1", "user:1", T0 - Days(2)).ShouldBeFalse();
    }

    // ------------------------------------------------------------ graph fan-out

    [Fact]
    public void Graph_fan_out_fires_when_a_reader_goes_from_a_journalist_to_their_contacts()
    {
        var s = new Scenario();
        var anchor = s.Read(Hours(1), "staff:agent1", "user:j1", ["social.graph"]);
        var contact = s.Read(Hours(2), "staff:agent1", "user:1");
        var twoHops = s.Read(Hours(3), "staff:agent1", "user:11");

        var finding = s.Findings(new GraphFanOutDetector(new GraphFanOutOptions())).ShouldHaveSingleItem();

        finding.Evidence.ShouldBe([anchor, contact, twoHops], ignoreOrder: true);
        finding.Subjects.ShouldBe(["user:j1", "user:1", "user:11"], ignoreOrder: true);
        finding.Reason.ShouldContain("user:j1");
    }

    [Fact]
    public void Graph_fan_out_stays_quiet_for_unrelated_subjects_and_for_contacts_named_by_a_case()
    {
        var s = new Scenario(DefaultWorld([OpenCase("case:TS-1", "staff:agent1", "user:j1", "user:1", "user:2", "user:3")]));
        s.Read(Hours(1), "staff:agent1", "user:j1", @case: "case:TS-1");
        s.Read(Hours(2), "staff:agent1", "user:1", @case: "case:TS-1");
        s.Read(Hours(3), "staff:agent1", "user:2", @case: "case:TS-1");
        s.Read(Hours(4), "staff:agent1", "user:30");
        s.Read(Hours(5), "staff:agent1", "user:31");

        s.Findings(new GraphFanOutDetector(new GraphFanOutOptions())).ShouldBeEmpty();
    }

    [Fact]
    public void Graph_fan_out_follows_a_team_one_reads_the_journalist_colleagues_read_the_contacts()
    {
        var s = new Scenario();
        var anchor = s.Read(Hours(1), "staff:amy", "user:j1", ["network.ip_address"], purpose: "internal-audit");
        s.Read(Hours(2), "staff:bob", "user:2", purpose: "internal-audit");
        s.Read(Hours(3), "staff:chen", "user:3", purpose: "internal-audit");
        s.Read(Hours(3), "staff:agent1", "user:1"); // another department: not the team

        var finding = s.Findings(new GraphFanOutDetector(new GraphFanOutOptions())).ShouldHaveSingleItem();

        finding.Readers.ShouldBe(["staff:amy", "staff:bob", "staff:chen"], ignoreOrder: true);
        finding.Evidence.ShouldContain(anchor);
        finding.Reason.ShouldContain("department dept:iarc");
    }

    [Fact]
    public void Graph_fan_out_forgets_an_anchor_after_its_window()
    {
        var s = new Scenario();
        s.Read(Hours(1), "staff:agent1", "user:j1");
        s.Read(Days(20), "staff:agent1", "user:1");
        s.Read(Days(20) + Hours(1), "staff:agent1", "user:2");

        s.Findings(new GraphFanOutDetector(new GraphFanOutOptions())).ShouldBeEmpty();
    }

    // ------------------------------------------------------------ location probing

    [Fact]
    public void Location_probing_fires_on_location_of_a_staff_account_and_of_a_journalist()
    {
        var s = new Scenario();
        var employee = s.Read(Hours(1), "staff:wei", "user:90010", ["network.ip_address"], purpose: "internal-audit");
        var journalist = s.Read(Days(3), "staff:wei", "user:j2", ["location.precise"], purpose: "internal-audit");

        var finding = s.Findings(new LocationProbingDetector(new LocationProbingOptions())).ShouldHaveSingleItem();

        finding.Evidence.ShouldBe([employee, journalist], ignoreOrder: true);
        finding.Severity.ShouldBe(Severity.High);
        finding.Reason.ShouldContain("staff account user:90010");
    }

    [Fact]
    public void Location_probing_fires_on_many_subjects_locations_in_a_day()
    {
        var s = new Scenario();
        for (var i = 1; i <= 4; i++)
        {
            s.Read(Hours(i), "staff:agent1", $"user:{i}", ["location.precise"]);
        }

        s.Findings(new LocationProbingDetector(new LocationProbingOptions())).ShouldHaveSingleItem().Subjects.Count.ShouldBe(4);
    }

    [Fact]
    public void Location_probing_stays_quiet_for_non_location_categories_and_for_case_work()
    {
        var s = new Scenario(DefaultWorld([OpenCase("case:TS-1", "staff:agent1", "user:1", "user:2", "user:3", "user:4", "user:j1")]));
        for (var i = 1; i <= 4; i++)
        {
            s.Read(Hours(i), "staff:agent1", $"user:{i}", ["network.ip_address"], "case:TS-1");
            s.Read(Hours(i), "staff:agent2", $"user:{i}", ["messages.content", "profile.contact"]);
        }
        s.Read(Hours(6), "staff:agent1", "user:j1", ["network.ip_address"], "case:TS-1");

        s.Findings(new LocationProbingDetector(new LocationProbingOptions())).ShouldBeEmpty();
    }

    // ------------------------------------------------------------ peer outliers

    [Fact]
    public void Peer_outlier_learns_the_group_then_flags_a_day_of_far_wider_reading()
    {
        var s = new Scenario();
        var options = new PeerOutlierOptions { Warmup = Days(5), MinGroupReaderDays = 20 };
        for (var day = 0; day < 10; day++)
        {
            for (var agent = 1; agent <= 8; agent++)
            {
                for (var i = 0; i < 5; i++)
                {
                    s.Read(Days(day) + Hours(9 + i), $"staff:agent{agent}", $"user:{1 + (agent * 5 + i) % 40}");
                }
            }
        }
        for (var i = 0; i < 45; i++)
        {
            s.Read(Days(10) + Hours(9) + Minutes(i * 5), "staff:agent1", $"user:{1 + i % 60}");
        }

        var finding = s.Findings(new PeerOutlierDetector(options)).ShouldHaveSingleItem();
        finding.Readers.ShouldBe(["staff:agent1"]);
        finding.Reason.ShouldContain("dept:support|support-agent");
    }

    [Fact]
    public void Peer_outlier_flags_a_category_the_group_never_reads()
    {
        var s = new Scenario();
        var options = new PeerOutlierOptions { Warmup = Days(5), MinGroupReaderDays = 20 };
        for (var day = 0; day < 10; day++)
        {
            for (var agent = 1; agent <= 8; agent++)
            {
                s.Read(Days(day) + Hours(10), $"staff:agent{agent}", $"user:{agent}", ["profile.basic", "profile.contact"]);
            }
        }
        s.Read(Days(10) + Hours(10), "staff:agent3", "user:20", ["messages.content"]);
        s.Read(Days(10) + Hours(11), "staff:agent3", "user:21", ["messages.content"]);

        var finding = s.Findings(new PeerOutlierDetector(options)).ShouldHaveSingleItem();
        finding.Reason.ShouldContain("messages.content");
    }

    [Fact]
    public void Peer_outlier_stays_quiet_during_warm_up_and_for_ordinary_days()
    {
        var s = new Scenario();
        for (var day = 0; day < 20; day++)
        {
            for (var agent = 1; agent <= 8; agent++)
            {
                for (var i = 0; i < 4 + (day + agent) % 3; i++)
                {
                    s.Read(Days(day) + Hours(9 + i), $"staff:agent{agent}", $"user:{1 + (day + agent + i) % 40}");
                }
            }
        }
        // A wide day inside the warm-up.
        for (var i = 0; i < 45; i++)
        {
            s.Read(Days(2) + Hours(20) + Minutes(i), "staff:agent1", $"user:{1 + i % 60}");
        }

        s.Findings(new PeerOutlierDetector(new PeerOutlierOptions())).ShouldBeEmpty();
    }

    // ------------------------------------------------------------ denied bursts

    [Fact]
    public void Denied_burst_fires_on_five_refusals_in_an_hour_across_subjects()
    {
        var s = new Scenario();
        for (var i = 0; i < 5; i++)
        {
            s.Read(Hours(10) + Minutes(i * 5), "staff:agent1", $"user:{i + 1}", ["messages.content"], outcome: Outcome.Deny);
        }

        s.Findings(new DeniedBurstDetector(new DeniedBurstOptions())).ShouldHaveSingleItem().Evidence.Count.ShouldBe(5);
    }

    [Fact]
    public void Denied_burst_stays_quiet_for_scattered_refusals_and_for_one_subject_retried()
    {
        var s = new Scenario();
        for (var i = 0; i < 6; i++)
        {
            s.Read(Days(i * 2) + Hours(10), "staff:agent1", $"user:{i + 1}", outcome: Outcome.Deny);
            s.Read(Hours(30) + Minutes(i), "staff:agent2", "user:7", outcome: Outcome.Deny);
        }

        s.Findings(new DeniedBurstDetector(new DeniedBurstOptions())).ShouldBeEmpty();
    }

    // ------------------------------------------------------------ residency

    [Fact]
    public void Residency_probing_fires_on_home_users_read_from_abroad_with_no_case()
    {
        var s = new Scenario();
        for (var i = 1; i <= 3; i++)
        {
            s.Read(Hours(i), "staff:agent1", $"user:{i}", from: "CN");
        }

        var finding = s.Findings(new ResidencyProbingDetector(new ResidencyProbingOptions())).ShouldHaveSingleItem();
        finding.Reason.ShouldContain("located in CN");
        finding.Reason.ShouldContain("home in US");
        finding.Reason.ShouldContain("zone US");
    }

    [Fact]
    public void Residency_probing_stays_quiet_at_home_for_subjects_without_a_zone_and_for_case_work_abroad()
    {
        var world = DefaultWorld([OpenCase("case:S-1", "staff:agent1", "user:1", "user:2", "user:3")]);
        var s = new Scenario(world with { Subjects = [.. world.Subjects, new Subject { Id = "user:br1", Jurisdiction = "BR" }, new Subject { Id = "user:br2", Jurisdiction = "BR" }, new Subject { Id = "user:br3", Jurisdiction = "BR" }] });
        for (var i = 1; i <= 3; i++)
        {
            s.Read(Hours(i), "staff:agent1", $"user:{i}", @case: "case:S-1", from: "DE");
            s.Read(Hours(i), "staff:agent2", $"user:{i + 10}");
            s.Read(Hours(i), "staff:agent3", $"user:br{i}", from: "CN");
        }

        s.Findings(new ResidencyProbingDetector(new ResidencyProbingOptions())).ShouldBeEmpty();
    }

    [Fact]
    public void Residency_probing_marks_a_travelling_worker_who_slipped_as_low()
    {
        var s = new Scenario(DefaultWorld([OpenCase("case:S-1", "staff:agent1", [.. Enumerable.Range(1, 12).Select(i => $"user:{i}")])]));
        for (var i = 1; i <= 12; i++)
        {
            s.Read(Hours(i), "staff:agent1", $"user:{i}", @case: "case:S-1", from: "DE");
        }
        for (var i = 0; i < 3; i++)
        {
            s.Read(Hours(13 + i), "staff:agent1", $"user:{20 + i}", from: "DE");
        }

        s.Findings(new ResidencyProbingDetector(new ResidencyProbingOptions())).ShouldHaveSingleItem().Severity.ShouldBe(Severity.Low);
    }

    // ------------------------------------------------------------ self and colleague

    [Fact]
    public void Self_look_up_fires_at_once_even_under_a_case()
    {
        var s = new Scenario(DefaultWorld([OpenCase("case:S-1", "staff:agent1", "user:9101")]));
        s.Read(Hours(1), "staff:agent1", "user:9101", @case: "case:S-1");

        s.Findings(new SelfColleagueDetector(new SelfColleagueOptions())).ShouldHaveSingleItem().Reason.ShouldContain("their own account");
    }

    [Theory]
    [InlineData("staff:agent1", "user:9102", "a colleague in dept:support")]
    [InlineData("staff:sue", "user:90000", "their manager")]
    [InlineData("staff:ceo", "user:9105", "who reports to them")]
    public void Colleague_look_up_fires_for_department_and_management_line(string reader, string subject, string relation)
    {
        var s = new Scenario();
        s.Read(Hours(1), reader, subject);

        s.Findings(new SelfColleagueDetector(new SelfColleagueOptions())).ShouldHaveSingleItem().Reason.ShouldContain(relation);
    }

    [Fact]
    public void Colleague_look_up_stays_quiet_under_a_case_and_for_strangers_accounts()
    {
        var s = new Scenario(DefaultWorld([OpenCase("case:HR-1", "staff:agent1", "user:9102")]));
        s.Read(Hours(1), "staff:agent1", "user:9102", @case: "case:HR-1");
        s.Read(Hours(2), "staff:agent1", "user:90002");
        s.Read(Hours(3), "staff:agent1", "user:5");

        s.Findings(new SelfColleagueDetector(new SelfColleagueOptions())).ShouldBeEmpty();
    }

    // ------------------------------------------------------------ approval collusion

    [Fact]
    public void Approval_collusion_fires_on_a_pair_that_approves_each_other()
    {
        var detector = new ApprovalCollusionDetector(new ApprovalCollusionOptions());
        var findings = new List<Finding>();
        detector.Observe(Approval("apr-1", 0, "staff:wei", "staff:chen", "user:j1"), findings);
        detector.Observe(Approval("apr-2", 1, "staff:chen", "staff:wei", "user:j2"), findings);
        detector.Observe(Approval("apr-3", 2, "staff:wei", "staff:chen"), findings);
        findings.ShouldBeEmpty();

        detector.Observe(Approval("apr-4", 3, "staff:chen", "staff:wei"), findings);

        var finding = findings.ShouldHaveSingleItem();
        finding.Readers.ShouldBe(["staff:chen", "staff:wei"]);
        finding.Evidence.ShouldBe(["apr-1", "apr-2", "apr-3", "apr-4"]);
        finding.Subjects.ShouldBe(["user:j1", "user:j2"]);
        finding.Reason.ShouldContain("approved each other");
    }

    [Fact]
    public void Approval_collusion_counts_attempts_the_rules_refused()
    {
        var detector = new ApprovalCollusionDetector(new ApprovalCollusionOptions());
        var findings = new List<Finding>();
        detector.Observe(Approval("apr-1", 0, "staff:wei", "staff:chen"), findings);
        detector.Observe(Approval("apr-2", 1, "staff:wei", "staff:chen"), findings);
        detector.Observe(Approval("apr-3", 2, "staff:chen", "staff:wei") with { Refused = true }, findings);
        detector.Observe(Approval("apr-4", 3, "staff:chen", "staff:wei") with { Refused = true }, findings);

        var finding = findings.ShouldHaveSingleItem();
        finding.Evidence.ShouldBe(["apr-1", "apr-2", "apr-3", "apr-4"]);
        finding.Reason.ShouldContain("tried to approve");
        finding.Reason.ShouldContain("2 of them refused");
    }

    [Fact]
    public void Approval_collusion_stays_quiet_one_way_outside_the_window_and_for_self_approval()
    {
        var detector = new ApprovalCollusionDetector(new ApprovalCollusionOptions());
        var findings = new List<Finding>();
        for (var i = 0; i < 5; i++)
        {
            detector.Observe(Approval($"apr-a{i}", i, "staff:pia", "staff:agent1"), findings);
            detector.Observe(Approval($"apr-s{i}", i, "staff:bob", "staff:bob"), findings);
        }
        detector.Observe(Approval("apr-b1", 0, "staff:wei", "staff:chen"), findings);
        detector.Observe(Approval("apr-b2", 1, "staff:wei", "staff:chen"), findings);
        detector.Observe(Approval("apr-b3", 60, "staff:chen", "staff:wei"), findings);
        detector.Observe(Approval("apr-b4", 61, "staff:chen", "staff:wei"), findings);

        findings.ShouldBeEmpty();
    }

    [Fact]
    public void Approvals_pushed_into_the_engine_raise_an_alert()
    {
        var s = new Scenario();
        var alert = s.Alerts([
            Approval("apr-1", 0, "staff:wei", "staff:chen"), Approval("apr-2", 1, "staff:chen", "staff:wei"),
            Approval("apr-3", 2, "staff:wei", "staff:chen"), Approval("apr-4", 3, "staff:chen", "staff:wei"),
        ]).ShouldHaveSingleItem();

        alert.Detector.ShouldBe(ApprovalCollusionDetector.DetectorName);
        alert.Readers.ShouldBe(["staff:chen", "staff:wei"], ignoreOrder: true);
    }

    private static Approval Approval(string id, double day, string approver, string requester, params string[] subjects) =>
        new() { Id = id, Time = T0 + Days(day), Approver = approver, Requester = requester, Subjects = subjects };

    // ------------------------------------------------------------ off-hours

    [Fact]
    public void Off_hours_fires_on_night_reads_against_the_readers_own_day_pattern()
    {
        var s = DayWorker();
        for (var i = 0; i < 4; i++)
        {
            s.Read(Days(20) + Hours(3) + Minutes(i * 10), "staff:agent1", $"user:{30 + i}");
        }

        var finding = s.Findings(new OffHoursDetector(new OffHoursOptions())).ShouldHaveSingleItem();
        finding.Subjects.Count.ShouldBe(4);
        finding.Severity.ShouldBe(Severity.Medium);
        finding.Reason.ShouldContain("03:00 UTC");
    }

    [Fact]
    public void Off_hours_asks_more_of_a_reader_who_often_works_outside_cases()
    {
        var s = new Scenario();
        for (var day = 0; day < 20; day++)
        {
            for (var i = 0; i < 10; i++)
            {
                s.Read(Days(day) + Hours(14) + Minutes(i * 45), "staff:agent1", $"user:{1 + i}");
            }
        }
        for (var i = 0; i < 4; i++)
        {
            s.Read(Days(20) + Hours(3) + Minutes(i * 10), "staff:agent1", $"user:{30 + i}");
        }

        s.Findings(new OffHoursDetector(new OffHoursOptions())).ShouldHaveSingleItem().Severity.ShouldBe(Severity.Low);
    }

    [Fact]
    public void Off_hours_stays_quiet_within_the_readers_hours_and_for_a_night_worker_at_night()
    {
        var s = DayWorker();
        for (var day = 0; day < 20; day++)
        {
            for (var i = 0; i < 10; i++)
            {
                s.Read(Days(day) + Hours(1) + Minutes(i * 20), "staff:agent2", $"user:{1 + i}");
            }
        }
        for (var i = 0; i < 5; i++)
        {
            s.Read(Days(20) + Hours(15) + Minutes(i * 10), "staff:agent1", $"user:{30 + i}");
            s.Read(Days(20) + Hours(2) + Minutes(i * 10), "staff:agent2", $"user:{30 + i}");
        }

        s.Findings(new OffHoursDetector(new OffHoursOptions())).ShouldBeEmpty();
    }

    /// <summary>agent1 works 14:00–22:00 UTC on weekdays for four weeks, on a case naming their customers.</summary>
    private static Scenario DayWorker()
    {
        var s = new Scenario(DefaultWorld([OpenCase("case:S-1", "staff:agent1", [.. Enumerable.Range(1, 10).Select(i => $"user:{i}")])]));
        for (var day = 0; day < 20; day++)
        {
            for (var i = 0; i < 10; i++)
            {
                s.Read(Days(day) + Hours(14) + Minutes(i * 45), "staff:agent1", $"user:{1 + i}", @case: "case:S-1");
            }
        }
        return s;
    }
}
