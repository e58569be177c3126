namespace Custos.Formats.Tests;

public sealed class WorldValidatorTests
{
    private static readonly DateTimeOffset June1 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A small world that holds together; each test breaks one rule of it.</summary>
    private static World Valid() => new()
    {
        Categories =
        [
            new Category { Id = "profile.basic", Tier = 1, Mask = MaskKind.None },
            new Category { Id = "network.ip_address", Tier = 3, Mask = MaskKind.IpPrefix },
        ],
        Purposes =
        [
            new Purpose { Id = "support", Categories = ["profile.basic"], Raw = ["profile.basic"] },
            new Purpose { Id = "audit", Categories = ["profile.basic", "network.ip_address"] },
        ],
        Residency = [new ResidencyZone { Zone = "US", Jurisdictions = ["US"] }, new ResidencyZone { Zone = "EU", Jurisdictions = ["IE", "DE"] }],
        Departments =
        [
            new Department { Id = "dept:company" },
            new Department { Id = "dept:audit", Parent = "dept:company" },
        ],
        Staff =
        [
            new StaffMember { Id = "staff:lin", Department = "dept:audit", Jurisdiction = "CN" },
            new StaffMember { Id = "staff:wei", Department = "dept:audit", Jurisdiction = "CN", Manager = "staff:lin", Account = "user:90001" },
        ],
        Subjects = [new Subject { Id = "user:10042", Jurisdiction = "US", Protected = ["journalist"] }],
        Relationships = [new Relationship { From = "user:10042", To = "user:10077", Kind = "contact" }],
        Cases = [new Case { Id = "case:IA-7", Purpose = "audit", Owner = "staff:wei", Members = ["staff:lin"], Subjects = ["user:90002"], Opened = June1 }],
    };

    [Fact]
    public void A_world_that_holds_together_has_no_problems() =>
        WorldValidator.Validate(Valid()).ShouldBeEmpty();

    public static TheoryData<string, Func<World, World>, string> Broken => new()
    {
        { "duplicate category", w => w with { Categories = [.. w.Categories, w.Categories[0]] }, "categories[2]: 'profile.basic' is defined twice" },
        { "tier zero", w => w with { Categories = [w.Categories[0] with { Tier = 0 }, w.Categories[1]] }, "categories[0].tier" },
        { "purpose reads an unknown category", w => w with { Purposes = [w.Purposes[0] with { Categories = ["profile.basic", "dna"] }, w.Purposes[1]] }, "purposes[0].categories[1]: 'dna' is not a category" },
        { "raw outside the purpose", w => w with { Purposes = [w.Purposes[0], w.Purposes[1] with { Raw = ["network.ip_address", "x"] }] }, "purposes[1].raw[1]" },
        { "jurisdiction in two zones", w => w with { Residency = [.. w.Residency, new ResidencyZone { Zone = "X", Jurisdictions = ["IE"] }] }, "residency[2].jurisdictions[0]: 'IE' is already in zone 'EU'" },
        { "lower-case jurisdiction", w => w with { Subjects = [w.Subjects[0] with { Jurisdiction = "us" }] }, "subjects[0].jurisdiction" },
        { "unknown parent department", w => w with { Departments = [w.Departments[0], w.Departments[1] with { Parent = "dept:nowhere" }] }, "departments[1].parent" },
        { "department cycle", w => w with { Departments = [w.Departments[0] with { Parent = "dept:audit" }, w.Departments[1]] }, "is its own parent" },
        { "department without its kind", w => w with { Departments = [w.Departments[0] with { Id = "company" }, w.Departments[1]] }, "departments[0].id: 'company' is not an identifier of the form dept:<id>" },
        { "staff in an unknown department", w => w with { Staff = [w.Staff[0] with { Department = "dept:x" }, w.Staff[1]] }, "staff[0].department" },
        { "unknown manager", w => w with { Staff = [w.Staff[0], w.Staff[1] with { Manager = "staff:ghost" }] }, "staff[1].manager: 'staff:ghost' is not a staff member" },
        { "management cycle", w => w with { Staff = [w.Staff[0] with { Manager = "staff:wei" }, w.Staff[1]] }, "is its own manager" },
        { "one account for two people", w => w with { Staff = [w.Staff[0] with { Account = "user:90001" }, w.Staff[1]] }, "staff[1].account: 'user:90001' is already" },
        { "account that is not a user", w => w with { Staff = [w.Staff[0] with { Account = "staff:lin" }, w.Staff[1]] }, "staff[0].account" },
        { "subject without kind", w => w with { Subjects = [w.Subjects[0] with { Id = "10042" }] }, "subjects[0].id" },
        { "empty protected class", w => w with { Subjects = [w.Subjects[0] with { Protected = [" "] }] }, "subjects[0].protected[0]" },
        { "relationship to a non-user", w => w with { Relationships = [w.Relationships[0] with { To = "case:IA-7" }] }, "relationships[0].to" },
        { "case of an unknown purpose", w => w with { Cases = [w.Cases[0] with { Purpose = "curiosity" }] }, "cases[0].purpose: 'curiosity' is not a purpose" },
        { "case owned by a stranger", w => w with { Cases = [w.Cases[0] with { Owner = "staff:ghost" }] }, "cases[0].owner" },
        { "case member unknown", w => w with { Cases = [w.Cases[0] with { Members = ["staff:lin", "staff:ghost"] }] }, "cases[0].members[1]" },
        { "case opener not an identifier", w => w with { Cases = [w.Cases[0] with { OpenedBy = "lin" }] }, "cases[0].opened_by" },
        { "case closed before opened", w => w with { Cases = [w.Cases[0] with { Closed = June1.AddDays(-1) }] }, "cases[0].closed" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_rule_names_the_field_that_breaks_it(string rule, Func<World, World> breakIt, string expected)
    {
        var problems = WorldValidator.Validate(breakIt(Valid()));

        problems.ShouldContain(p => p.Contains(expected, StringComparison.Ordinal), rule + ": " + string.Join(" | ", problems));
    }
}
