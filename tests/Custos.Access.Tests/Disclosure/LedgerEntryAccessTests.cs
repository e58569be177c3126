using System.Text;
using System.Text.Json;
using Custos.Access.Alerts;
using Custos.Access.Decisions;
using Custos.Access.Disclosure;
using Custos.Access.Domain;
using Custos.Access.Workflow;
using Custos.Formats;

namespace Custos.Access.Tests.Disclosure;

/// <summary>Which ledger entry bodies each kind of caller may read (design invariant 10), one rule per test.</summary>
public sealed class LedgerEntryAccessTests
{
    private static readonly AccessDirectory Incident = new(WorldFile.Read(RepositoryPaths.IncidentWorld));

    /// <summary>The day of the incident: case:TS-2002 (naming user:40073..40076) is disclosed only from 2027-01-01.</summary>
    private static readonly DateTimeOffset Now = new(2026, 6, 3, 14, 5, 0, TimeSpan.Zero);

    private static readonly LedgerViewer Auditor = new("service:auditor", IsAuditor: true, IsOversight: false);
    private static readonly LedgerViewer Oversight = new("staff:olu", IsAuditor: false, IsOversight: true);

    private static readonly byte[] Withheld = Decision("staff:diego", "user:40073", "case:TS-2002");
    private static readonly byte[] Disclosed = Decision("staff:jules", "user:40002", "case:SUP-1001");
    private static readonly byte[] Alert = new AlertEntry
    {
        Alert = "alr-1", Change = AlertEntryChange.Raised, Time = Now, Detector = "protected-subject", Severity = Severity.High,
        Readers = ["staff:mason"], Subjects = ["user:10042"], Evidence = [7], Reason = "staff:mason read the journalist user:10042", Queue = "dept:oversight",
    }.Serialize();
    private static readonly byte[] Triage = new TriageEntry { Alert = "alr-1", Outcome = TriageEntry.Confirmed, By = "staff:olu", Time = Now }.Serialize();
    private static readonly byte[] Denial = new WorkflowEntries.RequestDeniedEntry
    {
        Time = Now, Request = "req-1", By = "staff:priya", CommentSha256 = new string('0', 64),
    }.Serialize();

    [Fact]
    public async Task An_auditor_reads_every_entry_but_the_alerts_it_does_not_stand_outside_of()
    {
        foreach (var entry in new[] { Withheld, Disclosed, Alert, Triage, Denial, "[1,2]"u8.ToArray(), "not json"u8.ToArray() })
        {
            (await MaySee(Auditor, entry)).ShouldBeTrue(Encoding.UTF8.GetString(entry));
        }

        var suspect = new LedgerViewer("staff:mason", IsAuditor: true, IsOversight: false);
        (await MaySee(suspect, Alert, standsOutside: id => id != "alr-1")).ShouldBeFalse("an auditor the alert is about does not read it");
        (await MaySee(suspect, Triage, standsOutside: id => id != "alr-1")).ShouldBeFalse();
        (await MaySee(suspect, Disclosed, standsOutside: _ => false)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_subject_reads_the_decisions_about_them_that_are_disclosed_and_never_the_withheld_ones()
    {
        (await MaySee(Viewer("user:40002"), Disclosed)).ShouldBeTrue();
        (await MaySee(Viewer("user:40073"), Withheld)).ShouldBeFalse("case:TS-2002 names user:40073 and is not disclosed until 2027");
        (await LedgerEntryAccess.MaySeeAsync(Viewer("user:40073"), Withheld, Incident, new DateTimeOffset(2027, 1, 2, 0, 0, 0, TimeSpan.Zero), _ => ValueTask.FromResult(true)))
            .ShouldBeTrue("once the disclosure date has passed, the read is theirs to see");
        // A case cannot hide the reads of someone it does not name.
        (await MaySee(Viewer("user:40002"), Decision("staff:diego", "user:40002", "case:TS-2002"))).ShouldBeTrue();
    }

    [Fact]
    public async Task A_subject_reads_nothing_about_anyone_else_nor_any_alert_or_workflow_entry()
    {
        var subject = Viewer("user:10042");
        (await MaySee(subject, Disclosed)).ShouldBeFalse("another subject's decision");
        (await MaySee(subject, Alert)).ShouldBeFalse("alerts are never for subjects, even the ones they name");
        (await MaySee(subject, Triage)).ShouldBeFalse();
        (await MaySee(subject, Denial)).ShouldBeFalse();
    }

    [Fact]
    public async Task Oversight_reads_the_alert_entries_of_alerts_it_stands_outside_of_and_nothing_else()
    {
        (await MaySee(Oversight, Alert)).ShouldBeTrue();
        (await MaySee(Oversight, Triage)).ShouldBeTrue();
        (await MaySee(Oversight, Alert, standsOutside: _ => false)).ShouldBeFalse("an officer in the suspects' department or chain");
        (await MaySee(Oversight, Disclosed)).ShouldBeFalse();
        (await MaySee(Oversight, Denial)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_reader_reads_nothing_not_even_their_own_decisions_nor_the_alerts_about_them()
    {
        var reader = Viewer("staff:jules");
        (await MaySee(reader, Disclosed)).ShouldBeFalse();
        (await MaySee(reader, Alert)).ShouldBeFalse();
        (await MaySee(Viewer("staff:mason"), Alert, standsOutside: _ => true)).ShouldBeFalse("only auditors and oversight read alerts at all");
    }

    [Fact]
    public void Alert_and_triage_entries_carry_128_random_bits_so_their_public_leaf_hash_cannot_be_confirmed_by_a_guess()
    {
        // Everything a suspect could know or guess about an alert on them, twice.
        AlertEntry Guess() => new()
        {
            Alert = "alr-1", Change = AlertEntryChange.Raised, Time = Now, Detector = "protected-subject", Severity = Severity.High,
            Readers = ["staff:mason"], Subjects = ["user:10042"], Evidence = [7], Reason = "r", Queue = "dept:oversight",
        };
        var (first, second) = (Guess(), Guess());
        first.Nonce.ShouldNotBeNull().Length.ShouldBe(32);
        first.Nonce.ShouldNotBe(second.Nonce);
        first.Serialize().ShouldNotBe(second.Serialize());
        var triage = new TriageEntry { Alert = "alr-1", Outcome = TriageEntry.Confirmed, By = "staff:olu", Time = Now };
        triage.Nonce.ShouldNotBeNull().Length.ShouldBe(32);
        triage.Serialize().ShouldNotBe((triage with { Nonce = null }).Serialize());
    }

    [Theory]
    [InlineData("service:auditor", true)]
    [InlineData("service:auditor-kpmg", true)]
    [InlineData("service:auditor-", false)]
    [InlineData("service:auditorium", false)]
    [InlineData("service:idp", false)]
    [InlineData("staff:auditor", false)]
    [InlineData("user:auditor", false)]
    public void Auditor_services_are_named_service_auditor(string id, bool auditor) =>
        LedgerEntryAccess.IsAuditorService(id).ShouldBe(auditor);

    private static LedgerViewer Viewer(string id) => new(id, IsAuditor: false, IsOversight: false);

    private static async Task<bool> MaySee(LedgerViewer viewer, byte[] entry, Func<string, bool>? standsOutside = null) =>
        await LedgerEntryAccess.MaySeeAsync(viewer, entry, Incident, Now, id => ValueTask.FromResult(standsOutside?.Invoke(id) ?? true));

    private static byte[] Decision(string reader, string subject, string @case) => new DecisionEntry
    {
        Id = $"dec-{Guid.NewGuid():n}", Time = Now, Mode = DecisionMode.Pdp, Reader = reader, ReaderDepartment = null, ReaderRoles = [], ReaderLocation = "US",
        Subject = subject, Purpose = "customer-support", Case = @case, Decision = "allow", Categories = new Dictionary<string, DecisionEntry.EntryCategory>(),
        Determining = [], PolicySet = "", World = "",
    }.Serialize();
}
