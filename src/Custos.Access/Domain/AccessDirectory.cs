using System.Collections.Frozen;
using Custos.Formats;

namespace Custos.Access.Domain;

/// <summary>
/// An immutable, indexed view of the world for the decision pipeline: every lookup a decision
/// needs is a dictionary read. A change (a world load, a staff sync) builds a new directory and
/// swaps it in whole, so a decision never sees half of a change.
/// </summary>
public sealed class AccessDirectory
{
    /// <summary>The protected class of every staff member's own account (formats.md).</summary>
    public const string EmployeeClass = "employee";

    private readonly FrozenDictionary<string, Category> _categories;
    private readonly FrozenDictionary<string, Purpose> _purposes;
    private readonly FrozenDictionary<string, string> _zoneOfJurisdiction;
    private readonly FrozenDictionary<string, ResidencyZone> _zones;
    private readonly FrozenDictionary<string, Department> _departments;
    private readonly FrozenDictionary<string, StaffMember> _staff;
    private readonly FrozenDictionary<string, Subject> _subjects;
    private readonly FrozenDictionary<string, StaffMember> _staffByAccount;
    private readonly FrozenDictionary<string, Case> _cases;
    private readonly FrozenDictionary<string, string[]> _contacts;

    public AccessDirectory(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        World = world;
        _categories = world.Categories.ToFrozenDictionary(c => c.Id, StringComparer.Ordinal);
        _purposes = world.Purposes.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);
        _zones = world.Residency.ToFrozenDictionary(z => z.Zone, StringComparer.Ordinal);
        _zoneOfJurisdiction = world.Residency
            .SelectMany(z => z.Jurisdictions.Select(j => (Jurisdiction: j, z.Zone)))
            .ToFrozenDictionary(p => p.Jurisdiction, p => p.Zone, StringComparer.Ordinal);
        _departments = world.Departments.ToFrozenDictionary(d => d.Id, StringComparer.Ordinal);
        _staff = world.Staff.ToFrozenDictionary(s => s.Id, StringComparer.Ordinal);
        _staffByAccount = world.Staff.Where(s => s.Account is not null).ToFrozenDictionary(s => s.Account!, StringComparer.Ordinal);
        // A staff account the world does not list as a subject is still a platform user, in the
        // staff member's home jurisdiction.
        var listed = world.Subjects.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var unlisted = world.Staff
            .Where(s => s.Account is not null && !listed.Contains(s.Account))
            .Select(s => new Subject { Id = s.Account!, Jurisdiction = s.Jurisdiction });
        _subjects = world.Subjects.Concat(unlisted).ToFrozenDictionary(s => s.Id, WithEmployeeClass, StringComparer.Ordinal);
        _cases = world.Cases.ToFrozenDictionary(c => c.Id, StringComparer.Ordinal);
        _contacts = world.Relationships
            .GroupBy(r => r.From, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(r => r.To).Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The world this directory was built from.</summary>
    public World World { get; }

    public IReadOnlyCollection<Category> Categories => _categories.Values;

    /// <summary>Every subject, including staff accounts the world does not list.</summary>
    public IReadOnlyCollection<Subject> Subjects => _subjects.Values;

    public Category? Category(string id) => _categories.GetValueOrDefault(id);

    public Purpose? Purpose(string id) => _purposes.GetValueOrDefault(id);

    public StaffMember? Staff(string id) => _staff.GetValueOrDefault(id);

    public Department? Department(string id) => _departments.GetValueOrDefault(id);

    public Case? Case(string id) => _cases.GetValueOrDefault(id);

    /// <summary>
    /// A subject as the pipeline must see it: a staff member's own account is protected as an
    /// employee whether or not the world lists it so.
    /// </summary>
    public Subject? Subject(string id) => _subjects.GetValueOrDefault(id);

    /// <summary>The staff member whose own account <paramref name="subject"/> is.</summary>
    public StaffMember? StaffOwning(string subject) => _staffByAccount.GetValueOrDefault(subject);

    public ResidencyZone? ZoneOf(string jurisdiction) =>
        _zoneOfJurisdiction.TryGetValue(jurisdiction, out var zone) ? _zones[zone] : null;

    /// <summary>Users this subject has a relationship to.</summary>
    public IReadOnlyList<string> ContactsOf(string subject) => _contacts.GetValueOrDefault(subject, []);

    /// <summary>The department and each department above it, nearest first.</summary>
    public IEnumerable<Department> DepartmentChain(string departmentId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var id = departmentId; id is not null && seen.Add(id) && _departments.TryGetValue(id, out var department); id = department.Parent)
        {
            yield return department;
        }
    }

    /// <summary>The staff member's manager, their manager, and so on up.</summary>
    public IEnumerable<StaffMember> ManagementChain(string staffId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { staffId };
        for (var id = Staff(staffId)?.Manager; id is not null && seen.Add(id) && _staff.TryGetValue(id, out var manager); id = manager.Manager)
        {
            yield return manager;
        }
    }

    /// <summary>
    /// Whether <paramref name="person"/> stands outside <paramref name="other"/>, by the rule that
    /// makes an approver independent of a requester (70-approvals.cedar): not the same person,
    /// not in their department or one below it, not in their management chain.
    /// </summary>
    public bool IsIndependentOf(StaffMember person, string other)
    {
        ArgumentNullException.ThrowIfNull(person);
        if (person.Id == other)
        {
            return false;
        }
        if (Staff(other) is { } member && DepartmentChain(person.Department).Any(d => d.Id == member.Department))
        {
            return false;
        }
        return !ManagementChain(other).Any(m => m.Id == person.Id);
    }

    private Subject WithEmployeeClass(Subject subject) =>
        _staffByAccount.ContainsKey(subject.Id) && !subject.Protected.Contains(EmployeeClass)
            ? subject with { Protected = [.. subject.Protected, EmployeeClass] }
            : subject;
}
