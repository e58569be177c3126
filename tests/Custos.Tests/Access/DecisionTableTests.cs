namespace Custos.Tests.Access;

/// <summary>
/// Decisions over the demo world at the time of the incident, written from the rules of the
/// design and the default policies (samples/incident/policies), not from the code's output.
/// Each row: who reads from where, whose data, which categories, for what, under which case;
/// the expected decision, each category's effect ("raw", "deny" or "masked:&lt;mask&gt;"), and
/// the reasons it must give.
/// </summary>
public sealed class DecisionTableTests(IncidentApp incident) : IClassFixture<IncidentApp>
{
    // The reasons of the default policies, by a short name.
    private static readonly Dictionary<string, string> Reason = new()
    {
        ["purpose"] = "the purpose does not cover this category",
        ["no-case"] = "the request names no case",
        ["closed"] = "the case is not open",
        ["not-on-case"] = "the reader is neither the owner nor a member of the case",
        ["case-purpose"] = "the case is for another purpose",
        ["not-named"] = "the case does not name the subject",
        ["residency"] = "the reader is outside the subject's residency zone",
        ["protected"] = "the subject is protected and the reader holds no live grant for this read",
        ["inactive"] = "the reader is not an active staff member",
        ["sensitive"] = "tier 3 and higher categories are masked unless the purpose reads them raw",
        ["unknown-subject"] = "the subject is not known to Custos",
        ["unknown-case"] = "the case is not known to Custos",
        ["unknown-reader"] = "the reader is not a known staff member",
    };

    private const string Basic = "profile.basic";
    private const string Contact = "profile.contact";
    private const string Ip = "network.ip_address";
    private const string Location = "location.precise";
    private const string Graph = "social.graph";
    private const string Messages = "messages.content";
    private const string Support = "customer-support";
    private const string TrustSafety = "trust-safety-investigation";
    private const string Audit = "internal-audit";
    private const string Fraud = "fraud-prevention";

    public sealed record Row(
        string Name, string Reader, string? At, string Subject, string[] Categories, string Purpose, string? Case,
        string Decision, string[] Effects, string[] Reasons)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Row> Rows => new()
    {
        // Support on their own tickets.
        new Row("support agent, own ticket, US user", "staff:jules", "US", "user:40002", [Basic, Contact], Support, "case:SUP-1001", "allow", ["raw", "masked:partial"], []),
        new Row("case member reads like the owner", "staff:maya", "US", "user:40005", [Basic], Support, "case:SUP-1001", "allow", ["raw"], []),
        new Row("member, contact details masked", "staff:maya", "US", "user:40010", [Contact], Support, "case:SUP-1001", "allow", ["masked:partial"], []),
        new Row("US agent, EU user on the ticket", "staff:jules", "US", "user:40001", [Basic], Support, "case:SUP-1001", "deny", ["deny"], ["residency"]),
        new Row("US agent travelling in Ireland reads an EU user", "staff:jules", "IE", "user:40001", [Basic], Support, "case:SUP-1001", "allow", ["raw"], []),
        new Row("user of no zone is read from anywhere", "staff:jules", "US", "user:40004", [Basic], Support, "case:SUP-1001", "allow", ["raw"], []),
        new Row("token without a location, zoned user", "staff:jules", null, "user:40002", [Basic], Support, "case:SUP-1001", "deny", ["deny"], ["residency"]),
        new Row("support may not read IP addresses", "staff:jules", "US", "user:40002", [Ip], Support, "case:SUP-1001", "deny", ["deny"], ["purpose"]),
        new Row("one category allowed, one not", "staff:jules", "US", "user:40002", [Basic, Ip], Support, "case:SUP-1001", "partial", ["raw", "deny"], ["purpose"]),
        new Row("closed ticket", "staff:jules", "US", "user:40064", [Basic], Support, "case:SUP-0990", "deny", ["deny"], ["closed"]),
        new Row("someone else's ticket, not naming the user", "staff:jules", "US", "user:40002", [Basic], Support, "case:SUP-1002", "deny", ["deny"], ["not-on-case", "not-named"]),
        new Row("EU agent, own ticket, DE user", "staff:sean", "IE", "user:40016", [Basic, Contact], Support, "case:SUP-1002", "allow", ["raw", "masked:partial"], []),
        new Row("EU agent, minor on own ticket", "staff:sean", "IE", "user:30002", [Basic], Support, "case:SUP-1002", "deny", ["deny"], ["protected"]),
        new Row("EU colleague not on the ticket", "staff:lena", "DE", "user:40016", [Basic], Support, "case:SUP-1002", "deny", ["deny"], ["not-on-case"]),
        new Row("inactive agent", "staff:omar", "US", "user:40002", [Basic], Support, "case:SUP-1001", "deny", ["deny"], ["inactive", "not-on-case"]),
        new Row("agent reading their own account", "staff:jules", "US", "user:90011", [Basic], Support, "case:SUP-1001", "deny", ["deny"], ["not-named", "protected"]),
        new Row("unknown user", "staff:jules", "US", "user:99999", [Basic], Support, "case:SUP-1001", "deny", ["deny"], ["unknown-subject"]),
        new Row("unknown case", "staff:jules", "US", "user:40002", [Basic], Support, "case:NOPE-1", "deny", ["deny"], ["unknown-case"]),
        new Row("unknown reader", "staff:ghost", "US", "user:40002", [Basic], Support, "case:SUP-1001", "deny", ["deny"], ["unknown-reader"]),

        // Trust and safety.
        new Row("investigator, every category of a US user", "staff:amara", "US", "user:40065", [Ip, Location, Graph, Messages, Basic], TrustSafety, "case:TS-2001",
            "allow", ["masked:ip-prefix", "masked:city", "raw", "masked:redact", "raw"], ["sensitive"]),
        new Row("case member, IP masked", "staff:rosa", "US", "user:40066", [Ip], TrustSafety, "case:TS-2001", "allow", ["masked:ip-prefix"], ["sensitive"]),
        new Row("investigator, minor named by the case", "staff:amara", "US", "user:30001", [Basic], TrustSafety, "case:TS-2001", "deny", ["deny"], ["protected"]),
        new Row("case of another purpose", "staff:amara", "US", "user:40065", [Basic], Fraud, "case:TS-2001", "deny", ["deny"], ["case-purpose"]),
        new Row("another purpose's case, from the member", "staff:rosa", "US", "user:40065", [Basic], Support, "case:TS-2001", "deny", ["deny"], ["case-purpose"]),
        new Row("user of no zone, location masked to the city", "staff:amara", "US", "user:40069", [Location], TrustSafety, "case:TS-2001", "allow", ["masked:city"], ["sensitive"]),
        new Row("investigator abroad, user of no zone", "staff:amara", "CN", "user:40069", [Basic], TrustSafety, "case:TS-2001", "allow", ["raw"], []),
        new Row("investigator abroad, US user", "staff:amara", "CN", "user:40065", [Basic], TrustSafety, "case:TS-2001", "deny", ["deny"], ["residency"]),
        new Row("EU investigator, US user on own case", "staff:diego", "IE", "user:40074", [Basic], TrustSafety, "case:TS-2002", "deny", ["deny"], ["residency"]),
        new Row("EU investigator, Brazilian user on own case", "staff:diego", "IE", "user:40073", [Ip], TrustSafety, "case:TS-2002", "allow", ["masked:ip-prefix"], ["sensitive"]),
        new Row("EU investigator in the US, US user", "staff:diego", "US", "user:40074", [Basic], TrustSafety, "case:TS-2002", "allow", ["raw"], []),

        // Fraud prevention.
        new Row("fraud case, three categories", "staff:amara", "US", "user:40077", [Ip, Location, Basic], Fraud, "case:FR-3001", "allow", ["masked:ip-prefix", "masked:city", "raw"], ["sensitive"]),
        new Row("fraud purpose may not read the social graph", "staff:amara", "US", "user:40077", [Graph], Fraud, "case:FR-3001", "deny", ["deny"], ["purpose"]),

        // The incident: auditors after journalists and their contacts.
        new Row("China-based auditor, journalist's IP", "staff:wei", "CN", "user:10042", [Ip], Audit, "case:IA-7", "deny", ["deny"], ["not-named", "residency", "protected"]),
        new Row("US-based auditor, journalist's IP", "staff:mason", "US", "user:10042", [Ip], Audit, "case:IA-7", "deny", ["deny"], ["not-named", "protected"]),
        new Row("China-based auditor, second journalist", "staff:chen", "CN", "user:10043", [Ip, Basic], Audit, "case:IA-7", "deny", ["deny", "deny"], ["not-named", "residency", "protected"]),
        new Row("China-based auditor, a journalist's contact", "staff:wei", "CN", "user:10077", [Ip], Audit, "case:IA-7", "deny", ["deny"], ["not-named", "residency"]),
        new Row("US-based auditor, a journalist's contact", "staff:mason", "US", "user:10077", [Ip], Audit, "case:IA-7", "deny", ["deny"], ["not-named"]),
        new Row("US-based auditor, a contact in Ireland", "staff:harper", "US", "user:10079", [Ip], Audit, "case:IA-7", "deny", ["deny"], ["not-named", "residency"]),
        new Row("auditor, journalist, no case at all", "staff:wei", "CN", "user:10042", [Ip], Audit, null, "deny", ["deny"], ["no-case", "residency", "protected"]),
        new Row("US auditor, employee named by the audit case", "staff:mason", "US", "user:90011", [Ip], Audit, "case:IA-7", "deny", ["deny"], ["protected"]),
        new Row("China-based auditor, employee named by the case", "staff:wei", "CN", "user:90011", [Ip], Audit, "case:IA-7", "deny", ["deny"], ["residency", "protected"]),
        new Row("head of audit from China, employee", "staff:lin", "CN", "user:90016", [Basic], Audit, "case:IA-7", "deny", ["deny"], ["residency", "protected"]),

        // Others.
        new Row("oversight officer is not on the ticket", "staff:olu", "US", "user:40002", [Basic], Support, "case:SUP-1001", "deny", ["deny"], ["not-on-case"]),
        new Row("oversight officer, journalist", "staff:greta", "IE", "user:10042", [Basic], TrustSafety, "case:TS-2001", "deny", ["deny"], ["not-on-case", "not-named", "residency", "protected"]),
        new Row("engineer, not on the ticket", "staff:tariq", "NL", "user:40011", [Basic], Support, "case:SUP-1001", "deny", ["deny"], ["not-on-case"]),
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Each_read_is_decided_as_the_rules_say(Row row)
    {
        var (status, body) = await incident.PostAsync("/v1/decisions", row.Reader, row.At,
            new { subject = row.Subject, categories = row.Categories, purpose = row.Purpose, @case = row.Case });

        status.ShouldBe(200, body.ToString());
        body.GetProperty("decision").GetString().ShouldBe(row.Decision, body.ToString());
        var categories = body.GetProperty("categories");
        for (var i = 0; i < row.Categories.Length; i++)
        {
            var outcome = categories.GetProperty(row.Categories[i]);
            var effect = outcome.GetProperty("effect").GetString();
            var shown = effect == "masked" ? $"masked:{outcome.GetProperty("mask").GetString()}" : effect;
            shown.ShouldBe(row.Effects[i], $"{row.Categories[i]} in {body}");
        }
        var reasons = body.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ToList();
        var expected = row.Reasons.Select(r => Reason[r]).ToList();
        if (row.Decision == "allow")
        {
            // An allowed read also says why its masked categories are masked; the named ones must be among them.
            foreach (var reason in expected)
            {
                reasons.ShouldContain(reason);
            }
        }
        else
        {
            reasons.OrderBy(r => r).ShouldBe(expected.OrderBy(r => r), body.ToString());
        }
        body.GetProperty("ledger_index").GetInt64().ShouldBeGreaterThanOrEqualTo(2, "after the world and policy set");
    }

    [Fact]
    public void The_table_is_as_large_as_the_issue_asks() => Rows.Count.ShouldBeGreaterThanOrEqualTo(40);
}
