using Custos.Access.Domain;
using Custos.Formats;

namespace Custos.Access.Tests.Domain;

public sealed class AccessDirectoryTests
{
    private static readonly AccessDirectory Incident = new(WorldFile.Read(RepositoryPaths.IncidentWorld));

    [Fact]
    public void The_incident_world_tells_the_story_of_the_design()
    {
        var world = Incident.World;
        var auditors = world.Staff.Where(s => s.Department == "dept:iarc" && s.Roles.Contains("auditor") && !s.Roles.Contains("manager")).ToList();
        auditors.Count(a => a.Jurisdiction == "US").ShouldBe(2);
        auditors.Count(a => a.Jurisdiction == "CN").ShouldBe(2);
        world.Subjects.Count(s => s.Protected.Contains("journalist") && s.Jurisdiction == "US").ShouldBeGreaterThanOrEqualTo(2);
        world.Subjects.ShouldContain(s => s.Protected.Contains("public-figure"));
        world.Subjects.ShouldContain(s => s.Protected.Contains("minor"));
        world.Staff.ShouldContain(s => s.Roles.Contains("privacy-officer"));
        world.Staff.ShouldContain(s => s.Roles.Contains("oversight"));
        world.Subjects.Count.ShouldBeGreaterThan(300);

        // The audit case of the incident names employees only; a second one, opened formally for the
        // leak investigation, names a journalist and so needs independent approval to be used.
        var audit = Incident.Case("case:IA-7")!;
        audit.Purpose.ShouldBe("internal-audit");
        audit.Subjects.ShouldAllBe(subject => Incident.StaffOwning(subject) != null, "the audit case names employees only");
        Incident.Case("case:IA-8")!.Subjects.ShouldBe(["user:10042"]);
        var journalists = world.Subjects.Where(s => s.Protected.Contains("journalist")).Select(s => s.Id);
        journalists.Count(j => Incident.ContactsOf(j).Count > 0).ShouldBeGreaterThanOrEqualTo(2, "the two journalists of the story have contacts");
    }

    [Fact]
    public void A_staff_members_own_account_is_protected_as_an_employee()
    {
        var wei = Incident.Staff("staff:wei")!;

        var account = Incident.Subject(wei.Account!)!;

        account.Protected.ShouldContain(AccessDirectory.EmployeeClass);
        Incident.StaffOwning(account.Id)!.Id.ShouldBe("staff:wei");
        Incident.Subject("user:40001")!.Protected.ShouldNotContain(AccessDirectory.EmployeeClass);
    }

    [Fact]
    public void A_staff_account_the_world_does_not_list_is_still_a_subject()
    {
        var world = Incident.World with { Subjects = [.. Incident.World.Subjects.Where(s => s.Id != "user:90003")] };

        var directory = new AccessDirectory(world);

        var account = directory.Subject("user:90003")!;
        account.Jurisdiction.ShouldBe(directory.StaffOwning("user:90003")!.Jurisdiction);
        account.Protected.ShouldBe([AccessDirectory.EmployeeClass]);
    }

    [Fact]
    public void Chains_go_up_departments_and_management()
    {
        Incident.DepartmentChain("dept:support-eu").Select(d => d.Id).ShouldBe(["dept:support-eu", "dept:support", "dept:platform"]);
        Incident.ManagementChain("staff:wei").Select(s => s.Id).ShouldBe(["staff:lin", "staff:ceo"]);
        Incident.ManagementChain("staff:olu").ShouldBeEmpty();
    }

    [Fact]
    public void Zones_are_found_by_jurisdiction()
    {
        Incident.ZoneOf("IE")!.Zone.ShouldBe("EU");
        Incident.ZoneOf("US")!.Zone.ShouldBe("US");
        Incident.ZoneOf("BR").ShouldBeNull();
    }
}
