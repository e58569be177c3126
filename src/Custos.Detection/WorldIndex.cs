using Custos.Formats;

namespace Custos.Detection;

/// <summary>
/// The facts of a <see cref="World"/> that detectors ask about on every event, answered by
/// lookup: who a reader is, whether a subject is protected (listed, or an employee through
/// <c>staff[].account</c>), which residency zone a jurisdiction is in, which categories are
/// location-grade, which open case of a reader names a subject, who a subject's contacts are.
/// Built once per world; read-only afterwards, so one index may serve several engines.
/// </summary>
public sealed class WorldIndex
{
    /// <summary>The class a staff member's own platform account is protected as (formats.md).</summary>
    public const string EmployeeClass = "employee";

    private static readonly CaseCover[] NoCases = [];

    private readonly Dictionary<string, StaffMember> _staff = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Subject> _subjects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StaffMember> _employeeByAccount = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _zoneOfJurisdiction = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CategoryInfo> _categories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _departmentParent = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Reader, string Subject), CaseCover[]> _casesByReaderAndSubject = [];
    private readonly Dictionary<string, string[]> _contacts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _peerGroups = new(StringComparer.Ordinal);

    public WorldIndex(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        World = world;

        foreach (var category in world.Categories)
        {
            _categories[category.Id] = new CategoryInfo(category.Id, category.Tier, category.Mask,
                IsLocationGrade: category.Mask is MaskKind.IpPrefix or MaskKind.City);
        }
        foreach (var zone in world.Residency)
        {
            foreach (var jurisdiction in zone.Jurisdictions)
            {
                _zoneOfJurisdiction[jurisdiction] = zone.Zone;
            }
        }
        foreach (var department in world.Departments)
        {
            _departmentParent[department.Id] = department.Parent;
        }
        foreach (var member in world.Staff)
        {
            _staff[member.Id] = member;
            _peerGroups[member.Id] = $"{member.Department}|{string.Join(',', member.Roles.Order(StringComparer.Ordinal))}";
            if (member.Account is { } account)
            {
                _employeeByAccount[account] = member;
            }
        }
        foreach (var subject in world.Subjects)
        {
            _subjects[subject.Id] = subject;
        }

        var cases = new Dictionary<(string, string), List<CaseCover>>();
        foreach (var @case in world.Cases)
        {
            var span = new CaseCover(@case.Id, @case.Opened, @case.Closed, @case.Opener, @case.Subjects.Count, @case.Source);
            foreach (var holder in @case.Members.Prepend(@case.Owner).Distinct(StringComparer.Ordinal))
            {
                foreach (var subject in @case.Subjects)
                {
                    if (!cases.TryGetValue((holder, subject), out var list))
                    {
                        cases[(holder, subject)] = list = [];
                    }
                    list.Add(span);
                }
            }
        }
        foreach (var (key, list) in cases)
        {
            _casesByReaderAndSubject[key] = [.. list];
        }

        // Relationships are read in both directions: a contact of a journalist is reached from
        // the journalist whichever way the edge was written.
        var contacts = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var relationship in world.Relationships)
        {
            Add(relationship.From, relationship.To);
            Add(relationship.To, relationship.From);
        }
        foreach (var (subject, set) in contacts)
        {
            _contacts[subject] = [.. set.Order(StringComparer.Ordinal)];
        }

        void Add(string from, string to)
        {
            if (from == to)
            {
                return;
            }
            if (!contacts.TryGetValue(from, out var set))
            {
                contacts[from] = set = new HashSet<string>(StringComparer.Ordinal);
            }
            set.Add(to);
        }
    }

    public World World { get; }

    public int StaffCount => _staff.Count;

    public StaffMember? Staff(string id) => _staff.GetValueOrDefault(id);

    public Subject? Subject(string id) => _subjects.GetValueOrDefault(id);

    /// <summary>A reader's peer group: department and roles ("dept:support|support-agent").</summary>
    public string PeerGroup(string staff) => _peerGroups.GetValueOrDefault(staff, "unknown");

    /// <summary>The staff member whose own platform account <paramref name="subject"/> is, if any.</summary>
    public StaffMember? EmployeeOf(string subject) => _employeeByAccount.GetValueOrDefault(subject);

    /// <summary>Protected classes of a subject: those listed, plus <c>employee</c> for a staff account.</summary>
    public IReadOnlyList<string> ProtectedClasses(string subject)
    {
        var listed = _subjects.GetValueOrDefault(subject)?.Protected ?? [];
        if (!_employeeByAccount.ContainsKey(subject) || listed.Contains(EmployeeClass))
        {
            return listed;
        }
        return [.. listed, EmployeeClass];
    }

    public bool IsProtected(string subject) =>
        _employeeByAccount.ContainsKey(subject) || _subjects.GetValueOrDefault(subject)?.Protected.Count > 0;

    /// <summary>The residency zone of a jurisdiction, or null when it is in none.</summary>
    public string? ZoneOf(string jurisdiction) => _zoneOfJurisdiction.GetValueOrDefault(jurisdiction);

    /// <summary>The zone a subject's data must stay in, or null when it has no residency limit.</summary>
    public string? SubjectZone(string subject) =>
        _subjects.GetValueOrDefault(subject) is { } s ? ZoneOf(s.Jurisdiction)
        : _employeeByAccount.GetValueOrDefault(subject) is { } employee ? ZoneOf(employee.Jurisdiction)
        : null;

    /// <summary>A category by id; an id the world does not list is taken as tier 1, unmasked.</summary>
    public CategoryInfo Category(string id) =>
        _categories.TryGetValue(id, out var info) ? info : new CategoryInfo(id, 1, MaskKind.None, IsLocationGrade: false);

    /// <summary>
    /// Whether an open case that <paramref name="reader"/> owns or is a member of names
    /// <paramref name="subject"/> at <paramref name="time"/> (formats.md: a case covers its
    /// subjects for its owner and members while it is open).
    /// </summary>
    /// <param name="reader">The staff member reading.</param>
    /// <param name="subject">The subject read.</param>
    /// <param name="time">When.</param>
    /// <param name="grace">
    /// How long after a case closes it still explains a read: the follow-up on a ticket just
    /// closed, or reopened, is not browsing. Zero holds to the letter of formats.md.
    /// </param>
    public bool IsExplained(string reader, string subject, DateTimeOffset time, TimeSpan grace = default) =>
        Cover(reader, subject, time, grace) is not null;

    /// <summary>
    /// The case that best explains <paramref name="reader"/> reading <paramref name="subject"/>
    /// at <paramref name="time"/> (see <see cref="IsExplained"/>), or null when none does: of
    /// several, one that someone other than the reader opened or a ticket or queue made, then
    /// the one opened longest before the read — the strongest claim wins.
    /// </summary>
    public CaseCover? Cover(string reader, string subject, DateTimeOffset time, TimeSpan grace = default)
    {
        CaseCover? best = null;
        foreach (var span in _casesByReaderAndSubject.GetValueOrDefault((reader, subject), NoCases))
        {
            if (span.Opened <= time && (span.Closed is null || time < span.Closed + grace)
                && (best is not { } b || Stronger(span, b, reader)))
            {
                best = span;
            }
        }
        return best;

        static bool Stronger(CaseCover candidate, CaseCover current, string reader) =>
            candidate.IsSelfMade(reader) != current.IsSelfMade(reader) ? !candidate.IsSelfMade(reader) : candidate.Opened < current.Opened;
    }

    /// <summary>Subjects related to <paramref name="subject"/> by any relationship, either direction.</summary>
    public IReadOnlyList<string> Contacts(string subject) => _contacts.GetValueOrDefault(subject, []);

    /// <summary>
    /// Hops from <paramref name="from"/> to <paramref name="to"/> over relationships, if it is at
    /// most <paramref name="maxHops"/> (1 or 2); 0 when they are the same subject.
    /// </summary>
    public int? Distance(string from, string to, int maxHops)
    {
        if (from == to)
        {
            return 0;
        }
        var near = Contacts(from);
        if (maxHops >= 1 && Contains(near, to))
        {
            return 1;
        }
        if (maxHops >= 2)
        {
            // Walk the smaller side: journalists have many contacts, most subjects few.
            var far = Contacts(to);
            var (small, large) = near.Count <= far.Count ? (near, far) : (far, near);
            foreach (var middle in small)
            {
                if (Contains(large, middle))
                {
                    return 2;
                }
            }
        }
        return null;
    }

    /// <summary>The departments above <paramref name="department"/>, nearest first.</summary>
    public IEnumerable<string> DepartmentAncestors(string department)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { department };
        for (var parent = _departmentParent.GetValueOrDefault(department); parent is not null && seen.Add(parent);
             parent = _departmentParent.GetValueOrDefault(parent))
        {
            yield return parent;
        }
    }

    /// <summary>Whether <paramref name="department"/> is <paramref name="ancestor"/> or sits below it.</summary>
    public bool IsWithin(string department, string ancestor) =>
        department == ancestor || DepartmentAncestors(department).Contains(ancestor, StringComparer.Ordinal);

    /// <summary>The managers above <paramref name="staff"/>, nearest first.</summary>
    public IEnumerable<string> ManagementChain(string staff)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { staff };
        for (var manager = _staff.GetValueOrDefault(staff)?.Manager; manager is not null && seen.Add(manager);
             manager = _staff.GetValueOrDefault(manager)?.Manager)
        {
            yield return manager;
        }
    }

    private static bool Contains(IReadOnlyList<string> sorted, string value)
    {
        if (sorted is string[] array)
        {
            return Array.BinarySearch(array, value, StringComparer.Ordinal) >= 0;
        }
        return sorted.Contains(value);
    }
}

/// <summary>A data category as detection sees it.</summary>
/// <param name="Id">The category's identifier.</param>
/// <param name="Tier">Sensitivity tier, 1 lowest.</param>
/// <param name="Mask">How it is masked when not read raw.</param>
/// <param name="IsLocationGrade">
/// Whether it says where a person is: its mask is <c>ip-prefix</c> or <c>city</c>, which the
/// format gives exactly the categories that locate someone (IP addresses, coordinates).
/// </param>
public readonly record struct CategoryInfo(string Id, int Tier, MaskKind Mask, bool IsLocationGrade);

/// <summary>A case as evidence for a read: what it is and where it came from (formats.md, provenance).</summary>
/// <param name="Id">The case's identifier.</param>
/// <param name="Opened">When it was opened.</param>
/// <param name="Closed">When it closed, if it has.</param>
/// <param name="Opener">Who created it: <c>opened_by</c>, else the owner.</param>
/// <param name="SubjectCount">How many subjects it names.</param>
/// <param name="Source">Where it came from, when the case system says.</param>
public readonly record struct CaseCover(string Id, DateTimeOffset Opened, DateTimeOffset? Closed, string Opener, int SubjectCount, CaseSource? Source)
{
    /// <summary>
    /// The reader made the case themselves: they opened it, and no ticket or queue (someone
    /// else's request) stands behind it. Such a case is the reader's own claim.
    /// </summary>
    public bool IsSelfMade(string reader) => Opener == reader && Source is not (CaseSource.Ticket or CaseSource.Queue);
}
