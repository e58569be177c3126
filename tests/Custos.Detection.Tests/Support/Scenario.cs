using Custos.Detection.Correlation;
using Custos.Formats;

namespace Custos.Detection.Tests.Support;

/// <summary>
/// A small world after formats.md and the design's section 1 — an audit department, a support
/// team, journalists with contacts, staff accounts, two residency zones — and a way to push
/// events through an engine and collect what comes out.
/// </summary>
public sealed class Scenario
{
    public static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<AccessEvent> _events = [];
    private int _next;

    public Scenario(World? world = null, DetectionOptions? options = null)
    {
        World = world ?? DefaultWorld();
        Options = options ?? new DetectionOptions();
    }

    public World World { get; }

    public DetectionOptions Options { get; }

    public IReadOnlyList<AccessEvent> Events => _events;

    /// <summary>Adds one read; returns its id.</summary>
    public string Read(TimeSpan at, string reader, string subject, string[]? categories = null, string? @case = null,
        Outcome outcome = Outcome.Allow, string? from = null, string purpose = "customer-support")
    {
        var id = $"evt-{++_next:000000}";
        _events.Add(new AccessEvent
        {
            Id = id,
            Time = T0 + at,
            Reader = reader,
            ReaderJurisdiction = from ?? World.Staff.FirstOrDefault(s => s.Id == reader)?.Jurisdiction ?? "US",
            Subject = subject,
            Categories = categories ?? ["profile.basic"],
            Purpose = purpose,
            Case = @case,
            Outcome = outcome,
        });
        return id;
    }

    /// <summary>Every change the engine published, in order, after the events and a final flush.</summary>
    public List<AlertChange> Changes(IEnumerable<Approval>? approvals = null)
    {
        var changes = new List<AlertChange>();
        var engine = new DetectionEngine(World, changes.Add, Options);
        var pending = new Queue<Approval>((approvals ?? []).OrderBy(a => a.Time));
        foreach (var e in _events.OrderBy(e => e.Time))
        {
            while (pending.Count > 0 && pending.Peek().Time <= e.Time)
            {
                engine.Observe(pending.Dequeue());
            }
            engine.Observe(e);
        }
        while (pending.Count > 0)
        {
            engine.Observe(pending.Dequeue());
        }
        engine.Flush();
        return changes;
    }

    /// <summary>The final alerts, as <c>detect run</c> writes them.</summary>
    public List<Alert> Alerts(IEnumerable<Approval>? approvals = null) =>
        [.. Changes(approvals).Where(c => c.Kind == AlertChangeKind.Closed).Select(c => c.Alert)];

    /// <summary>Findings of one detector alone, before correlation.</summary>
    public List<Finding> Findings(Detectors.IDetector detector)
    {
        ArgumentNullException.ThrowIfNull(detector);
        var index = new WorldIndex(World);
        var habits = new PeerHabits(Options.CaseProvenance);
        var findings = new List<Finding>();
        foreach (var e in _events.OrderBy(e => e.Time))
        {
            var observation = new Observation(e, index, Options.ClosedCaseGrace, habits);
            detector.Observe(observation, findings);
            habits.Learn(observation);
        }
        return findings;
    }

    /// <summary>
    /// Ten support agents in the US, an audit team of four (two based in China), a privacy
    /// office, and two oversight offices; subjects in the US and the EU; two journalists with
    /// contacts and contacts of contacts; every staff member has an account.
    /// </summary>
    public static World DefaultWorld(IEnumerable<Case>? cases = null)
    {
        var staff = new List<StaffMember>
        {
            new() { Id = "staff:ceo", Department = "dept:company", Roles = ["executive"], Jurisdiction = "US", Account = "user:90000" },
            new() { Id = "staff:lin", Department = "dept:iarc", Roles = ["manager"], Jurisdiction = "CN", Manager = "staff:ceo", Account = "user:90001" },
            new() { Id = "staff:wei", Department = "dept:iarc", Roles = ["auditor"], Jurisdiction = "CN", Manager = "staff:lin", Account = "user:90002" },
            new() { Id = "staff:chen", Department = "dept:iarc", Roles = ["auditor"], Jurisdiction = "CN", Manager = "staff:lin", Account = "user:90003" },
            new() { Id = "staff:amy", Department = "dept:iarc", Roles = ["auditor"], Jurisdiction = "US", Manager = "staff:lin", Account = "user:90004" },
            new() { Id = "staff:bob", Department = "dept:iarc", Roles = ["auditor"], Jurisdiction = "US", Manager = "staff:lin", Account = "user:90005" },
            new() { Id = "staff:iarc-review", Department = "dept:iarc-review", Roles = ["oversight"], Jurisdiction = "US", Manager = "staff:lin" },
            new() { Id = "staff:sue", Department = "dept:support", Roles = ["manager"], Jurisdiction = "US", Manager = "staff:ceo", Account = "user:90010" },
            new() { Id = "staff:olga", Department = "dept:oversight", Roles = ["oversight"], Jurisdiction = "IE", Manager = "staff:ceo" },
            new() { Id = "staff:omar", Department = "dept:oversight", Roles = ["oversight"], Jurisdiction = "US", Manager = "staff:ceo" },
            new() { Id = "staff:pia", Department = "dept:privacy", Roles = ["privacy-officer", "oversight"], Jurisdiction = "IE", Manager = "staff:ceo" },
        };
        for (var i = 1; i <= 10; i++)
        {
            staff.Add(new StaffMember
            {
                Id = $"staff:agent{i}",
                Department = "dept:support",
                Roles = ["support-agent"],
                Jurisdiction = i <= 8 ? "US" : "IE",
                Manager = "staff:sue",
                Account = $"user:9{100 + i}",
            });
        }

        var subjects = new List<Subject>
        {
            new() { Id = "user:j1", Jurisdiction = "US", Protected = ["journalist"] },
            new() { Id = "user:j2", Jurisdiction = "US", Protected = ["journalist"] },
            new() { Id = "user:kid", Jurisdiction = "US", Protected = ["minor"] },
        };
        for (var i = 1; i <= 60; i++)
        {
            subjects.Add(new Subject { Id = $"user:{i}", Jurisdiction = i <= 40 ? "US" : "DE" });
        }

        // j1 — 1, 2, 3 (contacts); 1 — 11 (a contact of a contact). j2 — 4, 5, 6; 4 — 12.
        var relationships = new List<Relationship>();
        foreach (var (from, to) in new[]
        {
            ("user:j1", "user:1"), ("user:j1", "user:2"), ("user:3", "user:j1"), ("user:1", "user:11"),
            ("user:j2", "user:4"), ("user:j2", "user:5"), ("user:j2", "user:6"), ("user:4", "user:12"),
        })
        {
            relationships.Add(new Relationship { From = from, To = to, Kind = "contact" });
        }

        return new World
        {
            Categories =
            [
                new Category { Id = "profile.basic", Tier = 1, Mask = MaskKind.None },
                new Category { Id = "profile.contact", Tier = 2, Mask = MaskKind.Partial },
                new Category { Id = "network.ip_address", Tier = 3, Mask = MaskKind.IpPrefix },
                new Category { Id = "location.precise", Tier = 3, Mask = MaskKind.City },
                new Category { Id = "social.graph", Tier = 2, Mask = MaskKind.Count },
                new Category { Id = "messages.content", Tier = 4, Mask = MaskKind.Redact },
            ],
            Purposes =
            [
                new Purpose { Id = "customer-support", Categories = ["profile.basic", "profile.contact"], Raw = ["profile.basic"] },
                new Purpose { Id = "internal-audit", Categories = [] },
            ],
            Residency =
            [
                new ResidencyZone { Zone = "US", Jurisdictions = ["US"] },
                new ResidencyZone { Zone = "EU", Jurisdictions = ["IE", "DE", "FR", "NL"] },
            ],
            Departments =
            [
                new Department { Id = "dept:company", Name = "Company" },
                new Department { Id = "dept:iarc", Name = "Internal Audit and Risk Control", Parent = "dept:company" },
                new Department { Id = "dept:iarc-review", Name = "Audit quality review", Parent = "dept:iarc" },
                new Department { Id = "dept:support", Name = "Support", Parent = "dept:company" },
                new Department { Id = "dept:oversight", Name = "Oversight", Parent = "dept:company" },
                new Department { Id = "dept:privacy", Name = "Privacy Office", Parent = "dept:company" },
            ],
            Staff = staff,
            Subjects = subjects,
            Relationships = relationships,
            Cases = [.. cases ?? []],
        };
    }

    /// <summary>An open case owned by <paramref name="owner"/> naming <paramref name="subjects"/> for the whole scenario.</summary>
    public static Case OpenCase(string id, string owner, params string[] subjects) => new()
    {
        Id = id,
        Purpose = "customer-support",
        Owner = owner,
        Subjects = subjects,
        Opened = T0 - TimeSpan.FromDays(1),
        Closed = null,
    };

    public static TimeSpan Minutes(double m) => TimeSpan.FromMinutes(m);

    public static TimeSpan Hours(double h) => TimeSpan.FromHours(h);

    public static TimeSpan Days(double d) => TimeSpan.FromDays(d);
}
