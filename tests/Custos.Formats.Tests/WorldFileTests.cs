using System.Text;

namespace Custos.Formats.Tests;

public sealed class WorldFileTests
{
    /// <summary>The example of formats.md, verbatim.</summary>
    private const string FormatsExample = """
        {
          "categories": [
            {"id": "profile.basic",      "tier": 1, "mask": "none"},
            {"id": "profile.contact",    "tier": 2, "mask": "partial"},
            {"id": "network.ip_address", "tier": 3, "mask": "ip-prefix"},
            {"id": "location.precise",   "tier": 3, "mask": "city"},
            {"id": "social.graph",       "tier": 2, "mask": "count"},
            {"id": "messages.content",   "tier": 4, "mask": "redact"}
          ],
          "purposes": [
            {"id": "customer-support",           "categories": ["profile.basic", "profile.contact"], "raw": ["profile.basic"]},
            {"id": "trust-safety-investigation", "categories": ["profile.basic", "network.ip_address", "social.graph"], "raw": ["profile.basic", "social.graph"]},
            {"id": "internal-audit",             "categories": []}
          ],
          "residency": [
            {"zone": "US", "jurisdictions": ["US"]},
            {"zone": "EU", "jurisdictions": ["IE", "DE", "FR", "NL"]}
          ],
          "departments": [
            {"id": "dept:iarc", "name": "Internal Audit and Risk Control", "parent": null}
          ],
          "staff": [
            {"id": "staff:wei", "department": "dept:iarc", "roles": ["auditor"],
             "jurisdiction": "CN", "manager": "staff:lin", "account": "user:90001",
             "active": true}
          ],
          "subjects": [
            {"id": "user:10042", "jurisdiction": "US", "protected": ["journalist"]}
          ],
          "relationships": [
            {"from": "user:10042", "to": "user:10077", "kind": "contact"}
          ],
          "cases": [
            {"id": "case:IA-7", "purpose": "internal-audit", "owner": "staff:wei",
             "members": ["staff:chen"], "subjects": ["user:90002"],
             "opened": "2026-06-01T00:00:00Z", "closed": null, "disclose_after": null,
             "opened_by": "staff:lin", "source": "manual"}
          ]
        }
        """;

    private static World Parse(string json) => WorldFile.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), "world.json");

    private static ExchangeFormatException Fails(string json) => Should.Throw<ExchangeFormatException>(() => Parse(json));

    /// <summary>The formats.md example, with the two staff it mentions but does not define.</summary>
    private static string CompleteExample => FormatsExample.Replace(
        """
             "active": true}
        """,
        """
             "active": true},
            {"id": "staff:lin", "department": "dept:iarc", "jurisdiction": "CN"},
            {"id": "staff:chen", "department": "dept:iarc", "jurisdiction": "US", "active": false}
        """, StringComparison.Ordinal);

    [Fact]
    public void The_example_of_the_format_reads_with_every_field()
    {
        var world = Parse(CompleteExample);

        world.Categories.Count.ShouldBe(6);
        world.Categories.Single(c => c.Id == "network.ip_address").Mask.ShouldBe(MaskKind.IpPrefix);
        world.Categories.Single(c => c.Id == "messages.content").Tier.ShouldBe(4);
        world.Purposes.Single(p => p.Id == "internal-audit").Raw.ShouldBeEmpty();
        world.Purposes.Single(p => p.Id == "customer-support").Raw.ShouldBe(["profile.basic"]);
        world.Residency.Single(z => z.Zone == "EU").Jurisdictions.ShouldContain("IE");
        var wei = world.Staff.Single(s => s.Id == "staff:wei");
        (wei.Department, wei.Jurisdiction, wei.Manager, wei.Account, wei.Active).ShouldBe(("dept:iarc", "CN", "staff:lin", "user:90001", true));
        wei.Roles.ShouldBe(["auditor"]);
        world.Staff.Single(s => s.Id == "staff:lin").Active.ShouldBeTrue("active defaults to true");
        world.Staff.Single(s => s.Id == "staff:chen").Active.ShouldBeFalse();
        world.Subjects.Single().Protected.ShouldBe(["journalist"]);
        world.Relationships.Single().Kind.ShouldBe("contact");
        var audit = world.Cases.Single();
        audit.Opened.ShouldBe(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        audit.Closed.ShouldBeNull();
        (audit.OpenedBy, audit.Opener, audit.Source).ShouldBe(("staff:lin", "staff:lin", CaseSource.Manual));
        audit.IsOpenAt(new DateTimeOffset(2026, 6, 3, 0, 0, 0, TimeSpan.Zero)).ShouldBeTrue();
        audit.IsOpenAt(new DateTimeOffset(2026, 5, 31, 0, 0, 0, TimeSpan.Zero)).ShouldBeFalse();
    }

    [Fact]
    public void A_world_survives_writing_and_reading_back()
    {
        var world = Parse(CompleteExample);
        using var buffer = new MemoryStream();

        WorldFile.Write(world, buffer);
        var again = WorldFile.Read(new MemoryStream(buffer.ToArray()), "copy.json");

        Encoding.UTF8.GetString(buffer.ToArray()).ShouldContain("\"opened\": \"2026-06-01T00:00:00Z\"");
        Encoding.UTF8.GetString(buffer.ToArray()).ShouldContain("\"disclose_after\": null");
        again.Staff.ShouldBe(world.Staff, ignoreOrder: false, comparer: new StaffComparer());
        again.Cases.Single().Opened.ShouldBe(world.Cases.Single().Opened);
    }

    [Fact]
    public void A_case_written_before_provenance_existed_counts_as_opened_by_its_owner()
    {
        var world = Parse(CompleteExample.Replace(",\n     \"opened_by\": \"staff:lin\", \"source\": \"manual\"}", "}", StringComparison.Ordinal));

        var audit = world.Cases.Single();
        (audit.OpenedBy, audit.Opener, audit.Source).ShouldBe((null, "staff:wei", (CaseSource?)null));
    }

    [Fact]
    public void An_unknown_case_source_lists_the_sources_there_are()
    {
        var error = Fails(CompleteExample.Replace("\"source\": \"manual\"", "\"source\": \"whim\"", StringComparison.Ordinal));

        error.Message.ShouldContain("source");
        error.Message.ShouldContain("ticket");
    }

    [Fact]
    public void A_case_opener_must_be_an_identifier()
    {
        var error = Fails(CompleteExample.Replace("\"opened_by\": \"staff:lin\"", "\"opened_by\": \"lin\"", StringComparison.Ordinal));

        error.Message.ShouldContain("cases[0].opened_by");
    }

    [Fact]
    public void Unknown_fields_are_ignored()
    {
        var world = Parse(CompleteExample.Replace("\"tier\": 1,", "\"tier\": 1, \"owner\": \"privacy-office\",", StringComparison.Ordinal));

        world.Categories[0].Tier.ShouldBe(1);
    }

    [Fact]
    public void A_missing_required_field_names_the_field_and_the_line()
    {
        var json = CompleteExample.Replace("""{"id": "staff:lin", "department": "dept:iarc", "jurisdiction": "CN"}""", """{"id": "staff:lin", "jurisdiction": "CN"}""", StringComparison.Ordinal);
        var line = LineOf(json, "{\"id\": \"staff:lin\"");

        var error = Fails(json);

        error.Message.ShouldContain("'department'");
        error.Message.ShouldContain("$.staff[1]");
        error.Line.ShouldBe(line);
        error.Message.ShouldStartWith($"world.json:{line}: ");
    }

    [Fact]
    public void A_missing_top_level_collection_is_named()
    {
        var error = Fails("""{"categories": [], "purposes": [], "departments": [], "staff": []}""");

        error.Message.ShouldContain("'subjects'");
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_the_path_and_what_was_expected()
    {
        var error = Fails(CompleteExample.Replace("\"tier\": 1,", "\"tier\": \"one\",", StringComparison.Ordinal));

        error.Message.ShouldContain("$.categories[0].tier");
        error.Message.ShouldContain("integer");
    }

    [Fact]
    public void A_fractional_tier_is_not_an_integer()
    {
        var error = Fails(CompleteExample.Replace("\"tier\": 1,", "\"tier\": 1.5,", StringComparison.Ordinal));

        error.Message.ShouldContain("$.categories[0].tier");
    }

    [Fact]
    public void An_unknown_mask_lists_the_masks_there_are()
    {
        var error = Fails(CompleteExample.Replace("\"mask\": \"city\"", "\"mask\": \"blur\"", StringComparison.Ordinal));

        error.Message.ShouldContain("$.categories[3].mask");
        error.Message.ShouldContain("\"ip-prefix\"");
        error.Message.ShouldContain("\"redact\"");
    }

    [Fact]
    public void A_null_where_an_identifier_belongs_is_refused()
    {
        var error = Fails(CompleteExample.Replace("""{"id": "user:10042",""", """{"id": null,""", StringComparison.Ordinal));

        error.Message.ShouldContain("$.subjects[0].id");
    }

    [Theory]
    [InlineData("2026-06-01T00:00:00", "no zone")]
    [InlineData("June 1st", "not a time")]
    [InlineData("2026-06-01", "a date")]
    public void A_time_must_be_rfc_3339_with_a_zone(string time, string why)
    {
        var error = Fails(CompleteExample.Replace("2026-06-01T00:00:00Z", time, StringComparison.Ordinal));

        error.Message.ShouldContain("$.cases[0].opened", customMessage: why);
        error.Message.ShouldContain("RFC 3339");
    }

    [Fact]
    public void A_time_with_an_offset_is_read_as_the_same_instant_in_utc()
    {
        var world = Parse(CompleteExample.Replace("2026-06-01T00:00:00Z", "2026-06-01T02:00:00+02:00", StringComparison.Ordinal));

        world.Cases[0].Opened.ShouldBe(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        world.Cases[0].Opened.Offset.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Broken_json_is_reported_with_its_line()
    {
        var json = CompleteExample.Replace("\"kind\": \"contact\"}", "\"kind\": \"contact\"", StringComparison.Ordinal);

        var error = Fails(json);

        error.Line.ShouldNotBeNull();
        error.Line.Value.ShouldBeGreaterThanOrEqualTo(LineOf(json, "\"kind\": \"contact\""));
    }

    [Fact]
    public void A_missing_file_is_an_exchange_format_error_naming_it()
    {
        var error = Should.Throw<ExchangeFormatException>(() => WorldFile.Read("/no/such/world.json"));

        error.Message.ShouldStartWith("/no/such/world.json: ");
    }

    private static long LineOf(string text, string needle) =>
        text[..text.IndexOf(needle, StringComparison.Ordinal)].Count(c => c == '\n') + 1;

    private sealed class StaffComparer : IEqualityComparer<StaffMember>
    {
        public bool Equals(StaffMember? x, StaffMember? y) =>
            x is not null && y is not null && x.Id == y.Id && x.Department == y.Department && x.Jurisdiction == y.Jurisdiction
            && x.Manager == y.Manager && x.Account == y.Account && x.Active == y.Active && x.Roles.SequenceEqual(y.Roles);

        public int GetHashCode(StaffMember obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
