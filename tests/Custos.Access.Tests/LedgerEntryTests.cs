using System.Text;
using System.Text.Json;
using Custos.Access.Alerts;
using Custos.Access.Decisions;
using Custos.Access.Projections;
using Custos.Access.Workflow;
using Custos.Formats;
using Custos.Ledger.Json;

namespace Custos.Access.Tests;

/// <summary>
/// The one model of ledger entries: what is already in ledgers reads, and what it writes is what
/// was always written, so no hash of any entry changes.
/// </summary>
public sealed class LedgerEntryTests
{
    /// <summary>The alert entry of docs/detection.md, as the server wrote it before the typed model.</summary>
    private const string DocumentedAlert = """
        {"type": "alert", "alert": "alr-1", "change": "raised", "time": "2026-06-03T14:05:00.012Z",
         "detector": "protected-subject", "severity": "high", "raised_at": "2026-06-03T14:05:00Z",
         "readers": ["staff:mason"], "subjects": ["user:10042"], "evidence": [2],
         "reason": "staff:mason tried to read network.ip_address of protected subject user:10042 (journalist) with no open case naming them.",
         "queue": "dept:oversight", "merged_into": null, "nonce": "9f0c5e2a…"}
        """;

    /// <summary>The triage entry of docs/detection.md.</summary>
    private const string DocumentedTriage = """
        {"type": "alert-triage", "alert": "alr-1", "outcome": "confirmed", "by": "staff:olu",
         "note_sha256": "44a367cc…", "time": "2026-06-03T14:35:00Z", "nonce": "51d7b0e4…"}
        """;

    private const string Sha = "44a367cc8f1b2a9d0e3c5f7a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e";

    /// <summary>One entry of every kind, with every field the writers set, as the ledger holds them (canonical: keys sorted).</summary>
    private static readonly (string Ledgered, Type Kind)[] Fixtures =
    [
        (
            """{"case":"case:IA-7","categories":{"messages.content":{"effect":"deny","mask":null,"policies":[]},"network.ip_address":{"effect":"masked","mask":"ip-prefix","policies":["case-covers-subject"]}},"decision":"partial","determining":["case-covers-subject"],"id":"dec-0190","mode":"pdp","nonce":"00112233445566778899aabbccddeeff","policy_set":"aa11","purpose":"internal-audit","reader":"staff:wei","reader_department":"dept:iarc","reader_location":"CN","reader_roles":["auditor"],"subject":"user:10042","time":"2026-06-03T14:05:00.5Z","type":"decision","world":"bb22"}""",
            typeof(DecisionEntry)),
        (
            """{"by":"system","kind":"world","nonce":"00112233445566778899aabbccddeeff","sha256":"bb22","source":"world.json","time":"2026-06-03T14:00:00Z","type":"activation"}""",
            typeof(ActivationEntry)),
        (
            """{"alert":"alr-2","change":"merged","detector":null,"evidence":[],"merged_into":"alr-1","nonce":"0f1e2d3c4b5a69788796a5b4c3d2e1f0","queue":null,"raised_at":null,"readers":[],"reason":null,"severity":null,"subjects":[],"time":"2026-06-03T15:00:00Z","type":"alert"}""",
            typeof(AlertEntry)),
        (
            $$"""{"alert":"alr-1","by":"staff:olu","nonce":"51d7b0e4aa","note_sha256":"{{Sha}}","outcome":"benign","time":"2026-06-03T14:35:00Z","type":"alert-triage"}""",
            typeof(TriageEntry)),
        (
            $$"""{"case":"case:IA-7","categories":["network.ip_address"],"duration_seconds":86400,"id":"req-1","justification_sha256":"{{Sha}}","nonce":"00112233445566778899aabbccddeeff","purpose":"internal-audit","requester":"staff:wei","subjects":["user:10042","user:10077"],"time":"2026-06-03T09:00:00Z","type":"access-request"}""",
            typeof(WorkflowEntries.RequestEntry)),
        (
            $$"""{"approver":"staff:lin","comment_sha256":"{{Sha}}","nonce":"00112233445566778899aabbccddeeff","request":"req-1","requester":"staff:wei","time":"2026-06-03T09:10:00Z","type":"approval"}""",
            typeof(WorkflowEntries.ApprovalEntry)),
        (
            """{"approver":"staff:chen","nonce":"00112233445566778899aabbccddeeff","policies":["no-self-approval"],"request":"req-1","requester":"staff:wei","time":"2026-06-03T09:11:00Z","type":"approval-refused"}""",
            typeof(WorkflowEntries.ApprovalRefusedEntry)),
        (
            $$"""{"by":"staff:lin","comment_sha256":"{{Sha}}","nonce":"00112233445566778899aabbccddeeff","request":"req-2","time":"2026-06-03T09:12:00Z","type":"request-denied"}""",
            typeof(WorkflowEntries.RequestDeniedEntry)),
        (
            $$"""{"approved_by":["staff:lin","staff:priya"],"break_glass":false,"case":"case:IA-7","categories":["network.ip_address"],"expires_at":"2026-06-04T09:20:00Z","id":"grant-1","justification_sha256":null,"nonce":"00112233445566778899aabbccddeeff","purpose":"internal-audit","reader":"staff:wei","request":"req-1","subjects":["user:10042"],"time":"2026-06-03T09:20:00Z","type":"grant"}""",
            typeof(WorkflowEntries.GrantEntry)),
        (
            $$"""{"by":"staff:olu","grant":"grant-1","nonce":"00112233445566778899aabbccddeeff","reason_sha256":"{{Sha}}","revocation":"rev-1","time":"2026-06-03T10:00:00Z","type":"grant-revoked"}""",
            typeof(WorkflowEntries.GrantRevokedEntry)),
        (
            """{"grant":"grant-3","nonce":"00112233445566778899aabbccddeeff","time":"2026-06-04T09:20:00Z","type":"grant-expired"}""",
            typeof(WorkflowEntries.GrantExpiredEntry)),
        (
            $$"""{"by":"staff:olu","grant":"grant-2","nonce":"00112233445566778899aabbccddeeff","note_sha256":"{{Sha}}","outcome":"justified","time":"2026-06-03T11:00:00Z","type":"break-glass-review"}""",
            typeof(WorkflowEntries.BreakGlassReviewEntry)),
        (
            $$"""{"by":"staff:olu","deactivation":true,"grants_cut":["grant-1"],"id":"rev-1","nonce":"00112233445566778899aabbccddeeff","people":["staff:chen","staff:wei"],"reason_sha256":"{{Sha}}","requests_cancelled":[],"scope":{"kind":"department","value":"dept:iarc"},"time":"2026-06-03T10:00:00Z","type":"revocation"}""",
            typeof(WorkflowEntries.RevocationEntry)),
        (
            $$"""{"by":"staff:greta","nonce":"00112233445566778899aabbccddeeff","reason_sha256":"{{Sha}}","revocation":"rev-1","time":"2026-06-05T10:00:00Z","type":"revocation-lifted"}""",
            typeof(WorkflowEntries.RevocationLiftedEntry)),
    ];

    public static TheoryData<string, Type> Kinds()
    {
        var rows = new TheoryData<string, Type>();
        foreach (var (ledgered, kind) in Fixtures)
        {
            rows.Add(ledgered, kind);
        }
        return rows;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_kind_reads_as_its_record_and_writes_back_the_same_bytes(string ledgered, Type kind)
    {
        var bytes = Encoding.UTF8.GetBytes(ledgered);
        CanonicalJson.Canonicalize(bytes).ShouldBe(bytes, "the fixture is as the ledger stores it");

        var entry = LedgerEntry.Parse(bytes);

        entry.ShouldBeOfType(kind);
        entry.Type.ShouldBe(JsonDocument.Parse(ledgered).RootElement.GetProperty("type").GetString());
        Encoding.UTF8.GetString(CanonicalJson.Canonicalize(entry.Serialize())).ShouldBe(ledgered);
    }

    [Fact]
    public void Every_kind_of_the_model_has_a_fixture()
    {
        var derived = LedgerEntryJson.Default.LedgerEntry.PolymorphismOptions!.DerivedTypes.Select(d => d.DerivedType);
        derived.ShouldBe(Fixtures.Select(f => f.Kind), ignoreOrder: true);
    }

    [Fact]
    public void An_entry_written_before_the_typed_model_still_reads()
    {
        var alert = LedgerEntry.Parse(Encoding.UTF8.GetBytes(DocumentedAlert)).ShouldBeOfType<AlertEntry>();
        alert.Alert.ShouldBe("alr-1");
        alert.Change.ShouldBe(AlertEntryChange.Raised);
        alert.Time.ShouldBe(new DateTimeOffset(2026, 6, 3, 14, 5, 0, 12, TimeSpan.Zero));
        alert.Severity.ShouldBe(Severity.High);
        alert.RaisedAt.ShouldBe(new DateTimeOffset(2026, 6, 3, 14, 5, 0, TimeSpan.Zero));
        alert.Readers.ShouldBe(["staff:mason"]);
        alert.Evidence.ShouldBe([2L]);
        alert.Queue.ShouldBe("dept:oversight");
        alert.MergedInto.ShouldBeNull();
        alert.Nonce.ShouldBe("9f0c5e2a…");

        var triage = LedgerEntry.Parse(Encoding.UTF8.GetBytes(DocumentedTriage)).ShouldBeOfType<TriageEntry>();
        triage.Outcome.ShouldBe(TriageEntry.Confirmed);
        triage.By.ShouldBe("staff:olu");
        triage.NoteSha256.ShouldBe("44a367cc…");
    }

    [Fact]
    public void A_written_entry_names_its_type_first()
    {
        var entry = new WorkflowEntries.GrantExpiredEntry { Grant = "grant-3", Time = new DateTimeOffset(2026, 6, 4, 9, 20, 0, TimeSpan.Zero) };

        Encoding.UTF8.GetString(entry.Serialize()).ShouldStartWith("""{"type":"grant-expired",""");
    }

    [Fact]
    public void An_unknown_type_is_a_clear_error_and_not_one_of_ours()
    {
        var foreign = """{"type":"coffee","time":"2026-06-03T14:05:00Z"}"""u8.ToArray();

        var error = Should.Throw<JsonException>(() => LedgerEntry.Parse(foreign));
        error.Message.ShouldContain("unknown type 'coffee'");
        error.Message.ShouldContain("decision");
        LedgerEntry.ParseKnown(foreign).ShouldBeNull();
    }

    [Theory]
    [InlineData("""{"kind":"decision","n":1}""")]
    [InlineData("""{"type":7}""")]
    [InlineData("[1,2]")]
    [InlineData("not json")]
    public void An_entry_without_a_type_is_a_clear_error_and_not_one_of_ours(string text)
    {
        var entry = Encoding.UTF8.GetBytes(text);

        Should.Throw<JsonException>(() => LedgerEntry.Parse(entry)).Message.ShouldContain("string 'type'");
        LedgerEntry.ParseKnown(entry).ShouldBeNull();
    }

    [Fact]
    public void A_known_kind_missing_a_field_is_an_error_naming_the_kind_and_the_field()
    {
        var entry = """{"type":"grant-expired","time":"2026-06-04T09:20:00Z"}"""u8.ToArray();

        var error = Should.Throw<JsonException>(() => LedgerEntry.ParseKnown(entry));
        error.Message.ShouldContain("grant-expired");
        error.Message.ShouldContain("'grant'");
    }

    [Fact]
    public void A_change_or_mode_outside_its_closed_set_is_an_error_naming_the_choices()
    {
        var alert = """{"type":"alert","alert":"alr-1","change":"exploded","time":"2026-06-03T15:00:00Z"}"""u8.ToArray();
        var decision = Encoding.UTF8.GetBytes(Fixtures[0].Ledgered.Replace("\"mode\":\"pdp\"", "\"mode\":\"proxy\"", StringComparison.Ordinal));

        Should.Throw<JsonException>(() => LedgerEntry.Parse(alert)).Message.ShouldContain("\"raised\", \"updated\", \"closed\", \"merged\"");
        Should.Throw<JsonException>(() => LedgerEntry.Parse(decision)).Message.ShouldContain("\"pdp\", \"gateway\"");
    }
}
