using System.Globalization;
using Custos.Detection.Scoring;
using Custos.Formats;

namespace Custos.Detection.Synthetic;

/// <summary>Settings of the synthetic generator.</summary>
public sealed record GeneratorOptions
{
    public int Seed { get; init; } = 1;

    public int Days { get; init; } = 90;

    public int Staff { get; init; } = 500;

    /// <summary>Midnight UTC of the first day (a Monday by default).</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// 0: the plain vocabulary and rates. Any other value renames departments, roles, purposes,
    /// categories and protected classes, and draws the background rates (work volume, slips
    /// outside cases, refusals, travel, protected share) from wide ranges — the robustness runs.
    /// </summary>
    public int Variant { get; init; }

    /// <summary>Days at the start kept free of campaigns, so learned baselines have history.</summary>
    public int QuietDays { get; init; } = 15;

    /// <summary>Whether to inject campaigns at all (a clean background measures false alerts alone).</summary>
    public bool Campaigns { get; init; } = true;

    /// <summary>
    /// Multiplies the background's legitimate noise — slips outside a case, refusals, travel —
    /// on top of the variant's rates: a stress test of precision beyond what was tuned on.
    /// </summary>
    public double Noise { get; init; } = 1;

    /// <summary>
    /// How the injected insiders behave: <see cref="Synthetic.Adversary.None"/> as the patterns
    /// describe them, or <see cref="Synthetic.Adversary.Covert"/>, covering their tracks.
    /// </summary>
    public Adversary Adversary { get; init; }
}

/// <summary>How injected insiders behave.</summary>
public enum Adversary
{
    /// <summary>Misuse as its pattern describes it, with no effort to hide.</summary>
    None,

    /// <summary>
    /// Insiders cover their tracks (CovertCampaigns.cs): they open their own case just before
    /// each read, stay within their department's categories and hours or deliberately outside
    /// them, spread over weeks, split a hunt between two colluding readers, keep to a busy
    /// peer's volume.
    /// </summary>
    Covert,
}

/// <summary>A generated world, its ordered events and the labels of the campaigns injected into them.</summary>
public sealed record SyntheticDataset(World World, IReadOnlyList<AccessEvent> Events, Labels Labels)
{
    public void WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        WorldFile.Write(World, Path.Combine(directory, "world.json"));
        EventLog.WriteFile(Path.Combine(directory, "events.jsonl"), Events);
        LabelsFile.Write(Labels, Path.Combine(directory, "labels.json"));
    }
}

/// <summary>
/// A synthetic platform for testing and tuning detection: support, trust-and-safety,
/// engineering and audit staff working cases on a diurnal and weekly rhythm, each role reading
/// its usual categories, with the legitimate oddities real operations have (slips outside a
/// case, refusals, travel, overtime and on-call nights, bulk jobs under a case, investigations
/// of protected people and of their contacts under a case that names them, audits of employee
/// accounts), and misuse campaigns of every pattern at three intensities, plus incident-style
/// campaigns after the design's section 1. Deterministic for a seed and options.
/// </summary>
public static partial class Generator
{
    public static readonly string[] Patterns =
    [
        "protected-subject", "unexplained-access", "graph-fan-out", "location-probing", "peer-outlier",
        "denied-burst", "residency-probing", "self-colleague", "off-hours", "returning",
    ];

    public static readonly string[] Intensities = ["high", "medium", "slow"];

    public static SyntheticDataset Generate(GeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Days < options.QuietDays + 10 && options.Campaigns)
        {
            throw new ArgumentException($"{options.Days} days leave no room for campaigns after {options.QuietDays} quiet days; use at least {options.QuietDays + 10}", nameof(options));
        }
        if (options.Staff < 40)
        {
            throw new ArgumentException("a world needs at least 40 staff to hold every department and campaign", nameof(options));
        }
        return new Builder(options).Build();
    }

    private sealed partial class Builder
    {
        private static readonly string[] UsServed = ["US", "US", "US", "US", "US", "US", "BR", "BR", "JP"];
        private static readonly string[] EuServed = ["IE", "DE", "DE", "FR", "FR", "NL", "BR", "JP"];

        private readonly GeneratorOptions _o;
        private readonly Random _rng;
        private readonly Vocabulary _v;
        private readonly Rates _rates;

        private readonly List<Department> _departments = [];
        private readonly List<StaffMember> _staff = [];
        private readonly List<Subject> _subjects = [];
        private readonly List<Relationship> _relationships = [];
        private readonly List<Case> _cases = [];
        private readonly List<Pending> _events = [];
        private readonly Dictionary<string, List<string>> _contacts = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<string>> _subjectsByJurisdiction = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Worker> _workers = new(StringComparer.Ordinal);
        private readonly List<CampaignDraft> _campaigns = [];
        private readonly HashSet<string> _campaignReaders = new(StringComparer.Ordinal);
        private readonly List<string> _protectedSubjects = [];
        private readonly List<string> _journalists = [];
        private readonly HashSet<string> _usedTargets = new(StringComparer.Ordinal);
        private int _caseCounter;
        private long _sequence;

        public Builder(GeneratorOptions options)
        {
            _o = options;
            _rng = new Random(options.Seed);
            _v = new Vocabulary(options.Variant);
            var rates = options.Variant == 0 ? new Rates() : Rates.Draw(new Random(options.Seed ^ 0x5eed ^ options.Variant));
            _rates = options.Noise == 1 ? rates
                : rates with { Slips = rates.Slips * options.Noise, Refusals = rates.Refusals * options.Noise, Travel = rates.Travel * options.Noise };
        }

        public SyntheticDataset Build()
        {
            BuildOrganisation();
            BuildSubjects();
            // Campaigns first, so that their readers are known to the background: a campaign
            // reader does not also travel (one person, one place at a time).
            if (_o.Campaigns)
            {
                InjectCampaigns();
            }
            foreach (var worker in _workers.Values.OrderBy(w => w.Member.Id, StringComparer.Ordinal))
            {
                Background(worker);
            }
            return Finish();
        }

        // ---------------------------------------------------------------- world

        private void BuildOrganisation()
        {
            _departments.Add(new Department { Id = _v.Root, Name = "Operations", Parent = null });
            foreach (var (id, name) in new[]
            {
                (_v.Support, "Customer Support"), (_v.TrustSafety, "Trust and Safety"), (_v.Engineering, "Engineering"),
                (_v.Audit, "Internal Audit"), (_v.Privacy, "Privacy Office"), (_v.Oversight, "Independent Oversight"),
            })
            {
                _departments.Add(new Department { Id = id, Name = name, Parent = _v.Root });
            }

            var n = _o.Staff;
            var head = AddStaff(_v.Root, [_v.ManagerRole], "US", null, Kind.Manager);
            // The small offices first, so that even a small world has its auditors, privacy
            // office and oversight; support takes whatever is left at the end.
            var plan = new (string Dept, string Role, Kind Kind, double Share, string[] Homes)[]
            {
                (_v.Oversight, Roles.Oversight, Kind.Quiet, 0.02, ["US", "IE"]),
                (_v.Privacy, Roles.PrivacyOfficer, Kind.Quiet, 0.02, ["US", "IE"]),
                (_v.Audit, _v.AuditorRole, Kind.Auditor, 0.04, ["US", "US", "IE"]),
                (_v.TrustSafety, _v.InvestigatorRole, Kind.Investigator, 0.20, ["US", "US", "IE"]),
                (_v.Engineering, _v.EngineerRole, Kind.Engineer, 0.24, ["US", "US", "IE", "DE"]),
                (_v.Support, _v.SupportRole, Kind.Support, 0.44, ["US", "US", "US", "IE", "IE", "DE"]),
            };
            var remaining = n - 1;
            foreach (var (dept, role, kind, share, homes) in plan)
            {
                // Two incidents of four auditors each need at least eight; small worlds get ten.
                var count = Math.Max(kind is Kind.Auditor ? 10 : 2, (int)Math.Round(n * share));
                count = Math.Min(count, remaining - 1);
                var manager = AddStaff(dept, [_v.ManagerRole], homes[0], head.Id, Kind.Manager);
                remaining -= 1;
                var team = manager;
                for (var i = 0; i < count - 1 && remaining > 0; i++)
                {
                    // Teams of about ten, each under its own lead.
                    if (i > 0 && i % 10 == 0 && kind is not Kind.Quiet)
                    {
                        team = AddStaff(dept, [_v.ManagerRole, role], homes[_rng.Next(homes.Length)], manager.Id, Kind.Manager);
                        remaining--;
                        continue;
                    }
                    AddStaff(dept, [role], homes[_rng.Next(homes.Length)], team.Id, kind);
                    remaining--;
                }
            }
            while (remaining-- > 0)
            {
                AddStaff(_v.Support, [_v.SupportRole], "US", _staff.First(s => s.Department == _v.Support).Id, Kind.Support);
            }
        }

        private StaffMember AddStaff(string department, string[] roles, string home, string? manager, Kind kind)
        {
            var number = _staff.Count + 1;
            var id = $"staff:s{number:0000}";
            var member = new StaffMember
            {
                Id = id,
                Department = department,
                Roles = roles,
                Jurisdiction = home,
                Manager = manager,
                Account = _rng.NextDouble() < 0.9 ? $"user:9{number:00000}" : null,
                Active = true,
            };
            _staff.Add(member);
            _workers[id] = new Worker(member, kind, ShiftStart(kind, home), NightShift: kind == Kind.Support && _rng.NextDouble() < 0.1,
                Weekend: kind == Kind.Support && _rng.NextDouble() < 0.25, Pace: 0.6 + _rng.NextDouble() * 0.8);
            return member;
        }

        private int ShiftStart(Kind kind, string home)
        {
            var local = home == "US" ? 13 + _rng.Next(4) : 7 + _rng.Next(3);
            return kind == Kind.Engineer ? local + _rng.Next(2) : local;
        }

        private void BuildSubjects()
        {
            var count = Math.Max(2_000, _o.Staff * 30);
            string[] jurisdictions = ["US", "US", "US", "US", "US", "US", "US", "US", "US", "IE", "DE", "DE", "FR", "FR", "NL", "BR", "BR", "BR", "JP", "JP"];
            for (var i = 0; i < count; i++)
            {
                var id = $"user:{10_000 + i}";
                var jurisdiction = jurisdictions[_rng.Next(jurisdictions.Length)];
                var roll = _rng.NextDouble() / _rates.ProtectedShare;
                string[] classes = roll < 0.004 ? [_v.Classes[0]] : roll < 0.01 ? [_v.Classes[1]] : roll < 0.04 ? [_v.Classes[2]] : [];
                _subjects.Add(new Subject { Id = id, Jurisdiction = jurisdiction, Protected = classes });
                if (classes.Length > 0)
                {
                    _protectedSubjects.Add(id);
                    if (classes[0] == _v.Journalist)
                    {
                        _journalists.Add(id);
                    }
                }
                else
                {
                    (_subjectsByJurisdiction.TryGetValue(jurisdiction, out var list) ? list : _subjectsByJurisdiction[jurisdiction] = []).Add(id);
                }
            }
            // Every incident needs journalists with contacts; a small world may have drawn none.
            while (_journalists.Count < 6)
            {
                var pick = _subjects[_rng.Next(_subjects.Count)];
                if (pick.Protected.Count == 0 && pick.Jurisdiction == "US")
                {
                    _subjects[_subjects.IndexOf(pick)] = pick with { Protected = [_v.Journalist] };
                    _subjectsByJurisdiction["US"].Remove(pick.Id);
                    _protectedSubjects.Add(pick.Id);
                    _journalists.Add(pick.Id);
                }
            }
            foreach (var member in _staff.Where(s => s.Account is not null))
            {
                _subjects.Add(new Subject { Id = member.Account!, Jurisdiction = member.Jurisdiction, Protected = [] });
            }

            foreach (var subject in _subjects)
            {
                var journalist = _journalists.Contains(subject.Id);
                var degree = journalist ? 6 + _rng.Next(7) : _rng.Next(5);
                for (var i = 0; i < degree; i++)
                {
                    var other = _subjects[_rng.Next(count)].Id;
                    if (other != subject.Id)
                    {
                        Relate(subject.Id, other);
                    }
                }
            }
        }

        private void Relate(string a, string b)
        {
            _relationships.Add(new Relationship { From = a, To = b, Kind = _v.RelationshipKind });
            (_contacts.TryGetValue(a, out var la) ? la : _contacts[a] = []).Add(b);
            (_contacts.TryGetValue(b, out var lb) ? lb : _contacts[b] = []).Add(a);
        }

        private static string[] ServedBy(StaffMember member) => member.Jurisdiction == "US" ? UsServed : EuServed;

        /// <summary>A subject for a campaign that no other campaign targets, so each campaign stays its own.</summary>
        private string CampaignSubject(string[] served, double protectedChance = 0)
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                var subject = RandomSubject(served, protectedChance);
                if (_usedTargets.Add(subject))
                {
                    return subject;
                }
            }
            return RandomSubject(served, protectedChance);
        }

        private string RandomSubject(string[] served, double protectedChance = 0)
        {
            if (protectedChance > 0 && _rng.NextDouble() < protectedChance)
            {
                var zoneOk = _protectedSubjects.Where(s => served.Contains(Jurisdiction(s))).ToList();
                if (zoneOk.Count > 0)
                {
                    return zoneOk[_rng.Next(zoneOk.Count)];
                }
            }
            var list = _subjectsByJurisdiction[served[_rng.Next(served.Length)]];
            return list[_rng.Next(list.Count)];
        }

        private readonly Dictionary<string, string> _jurisdictionCache = new(StringComparer.Ordinal);

        private string Jurisdiction(string subject)
        {
            if (!_jurisdictionCache.TryGetValue(subject, out var j))
            {
                foreach (var s in _subjects)
                {
                    _jurisdictionCache[s.Id] = s.Jurisdiction;
                }
                j = _jurisdictionCache[subject];
            }
            return j;
        }

        private Case OpenCase(string prefix, string purpose, string owner, IReadOnlyList<string> subjects, DateTimeOffset opened, DateTimeOffset closed, IReadOnlyList<string>? members = null,
            CaseSource source = CaseSource.Manual, string? openedBy = null)
        {
            var @case = new Case
            {
                Id = $"case:{prefix}-{++_caseCounter}",
                Purpose = purpose,
                Owner = owner,
                Members = members ?? [],
                Subjects = subjects,
                Opened = opened,
                Closed = closed,
                DiscloseAfter = null,
                OpenedBy = openedBy,
                Source = source,
            };
            _cases.Add(@case);
            return @case;
        }

        // ----------------------------------------------------------- background

        // The systems that open cases for staff: someone else's request stands behind each.
        private const string HelpDesk = "system:helpdesk";
        private const string ReportsQueue = "system:reports";
        private const string BugTracker = "system:bugtracker";
        private const string Pager = "system:pager";

        private DateTimeOffset DayStart(int day) => _o.Start.AddDays(day);

        private bool Works(Worker worker, int day)
        {
            var weekday = DayStart(day).DayOfWeek;
            var weekend = weekday is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var off = worker.Weekend ? weekday is DayOfWeek.Tuesday or DayOfWeek.Wednesday : weekend;
            // Holidays and sick days.
            return !off && _rng.NextDouble() > 0.06;
        }

        /// <summary>A moment within the worker's shift, denser mid-shift (a rough diurnal curve).</summary>
        private DateTimeOffset InShift(Worker worker, int day, double overtimeHours = 0)
        {
            var start = worker.NightShift ? 22 : worker.ShiftStart;
            var offset = (_rng.NextDouble() + _rng.NextDouble()) / 2 * (8 + overtimeHours);
            return DayStart(day).AddHours(start + offset).AddSeconds(_rng.Next(60));
        }

        private void Background(Worker worker)
        {
            var travelUntil = -1;
            var travelTo = "";
            for (var day = 0; day < _o.Days; day++)
            {
                if (day > travelUntil && _rng.NextDouble() < 0.004 * _rates.Travel && !_campaignReaders.Contains(worker.Member.Id))
                {
                    travelUntil = day + 3 + _rng.Next(4);
                    travelTo = worker.Member.Jurisdiction == "US" ? (_rng.NextDouble() < 0.5 ? "DE" : "GB") : (_rng.NextDouble() < 0.5 ? "US" : "SG");
                }
                var location = day <= travelUntil ? travelTo : worker.Member.Jurisdiction;
                if (!Works(worker, day))
                {
                    continue;
                }
                var overtime = _rng.NextDouble() < 0.03 ? 2 + _rng.NextDouble() * 3 : 0;
                switch (worker.Kind)
                {
                    case Kind.Support:
                        SupportDay(worker, day, location, overtime);
                        break;
                    case Kind.Investigator:
                        InvestigatorDay(worker, day, location, overtime);
                        break;
                    case Kind.Engineer:
                        EngineerDay(worker, day, location);
                        break;
                    case Kind.Auditor:
                        AuditorDay(worker, day, location);
                        break;
                    default:
                        break;
                }
            }
        }

        private string[] SupportCategories()
        {
            var list = new List<string> { _v.Basic };
            if (_rng.NextDouble() < 0.6) list.Add(_v.Contact);
            if (_rng.NextDouble() < 0.4) list.Add(_v.Activity);
            if (_rng.NextDouble() < 0.12) list.Add(_v.Payments);
            if (_rng.NextDouble() < 0.08) list.Add(_v.Device);
            return [.. list];
        }

        private void SupportDay(Worker worker, int day, string location, double overtime)
        {
            var tickets = Poisson(7 * worker.Pace * _rates.Work);
            var served = ServedBy(worker.Member);
            for (var t = 0; t < tickets; t++)
            {
                var subject = RandomSubject(served, protectedChance: 0.04 * _rates.ProtectedShare);
                var first = InShift(worker, day, overtime);
                var reads = 1 + _rng.Next(4);
                var times = Enumerable.Range(0, reads).Select(i => first.AddMinutes(i * (2 + _rng.Next(40)))).ToList();
                var @case = OpenCase("SUP", _v.SupportPurpose, worker.Member.Id, [subject], first.AddMinutes(-1), times[^1].AddHours(0.5 + _rng.NextDouble() * 36),
                    source: CaseSource.Ticket, openedBy: HelpDesk);
                foreach (var time in times)
                {
                    Read(worker, time, location, subject, SupportCategories(), _v.SupportPurpose, @case.Id);
                }
                // A slip: a look-up outside any case (a quick check, a ticket reopened after closing).
                if (_rng.NextDouble() < 0.03 * _rates.Slips)
                {
                    var other = _rng.NextDouble() < 0.5 ? subject : RandomSubject(served, 0.04 * _rates.ProtectedShare);
                    // In working hours, like everything a person does: on a shift after the
                    // ticket closed (cases close at any hour; people read during their shift).
                    var closedDay = (int)Math.Floor((@case.Closed!.Value - _o.Start).TotalDays);
                    var slip = InShift(worker, day + (_rng.NextDouble() < 0.5 ? 0 : 1));
                    for (var next = closedDay; slip <= @case.Closed.Value && next <= closedDay + 2; next++)
                    {
                        slip = InShift(worker, next);
                    }
                    if (slip > @case.Closed.Value)
                    {
                        Read(worker, slip, location, other, [_v.Basic], _v.SupportPurpose, null);
                    }
                }
                // A refusal: a category outside the purpose, asked for by mistake.
                if (_rng.NextDouble() < 0.02 * _rates.Refusals)
                {
                    Read(worker, times[0].AddMinutes(1), location, subject, [_rng.NextDouble() < 0.5 ? _v.Messages : _v.Ip], _v.SupportPurpose, @case.Id, Outcome.Deny);
                }
            }
        }

        private void InvestigatorDay(Worker worker, int day, string location, double overtime)
        {
            // Investigations run for days; a new one starts every few days and lists the
            // accounts involved: a primary and some of its contacts, now and then a protected
            // person (a journalist being harassed, say) — legitimate fan-out, explained by the case.
            if (worker.Investigation is null || worker.Investigation.Closed < DayStart(day) || _rng.NextDouble() < 0.15)
            {
                var primary = RandomSubject(ServedBy(worker.Member), protectedChance: 0.08 * _rates.ProtectedShare);
                var involved = new List<string> { primary };
                foreach (var contact in _contacts.GetValueOrDefault(primary, []).Take(1 + _rng.Next(4)))
                {
                    if (!involved.Contains(contact))
                    {
                        involved.Add(contact);
                    }
                }
                var member = _rng.NextDouble() < 0.3 ? _staff.Where(s => s.Department == worker.Member.Department && s.Id != worker.Member.Id).ElementAtOrDefault(_rng.Next(10))?.Id : null;
                var opened = DayStart(day).AddHours(worker.ShiftStart - 1);
                // Most investigations come from the reports queue; some an investigator starts on their own.
                var queued = _rng.NextDouble() < 0.8;
                worker.Investigation = OpenCase("TS", _v.InvestigationPurpose, worker.Member.Id, involved, opened, opened.AddDays(3 + _rng.Next(12)), member is null ? null : [member],
                    queued ? CaseSource.Queue : CaseSource.Manual, queued ? ReportsQueue : null);
            }
            var reads = Poisson(11 * worker.Pace * _rates.Work);
            var subjects = worker.Investigation.Subjects;
            for (var i = 0; i < reads; i++)
            {
                var time = InShift(worker, day, overtime);
                if (time >= worker.Investigation.Closed)
                {
                    continue;
                }
                var categories = new List<string> { _v.Basic };
                if (_rng.NextDouble() < 0.5) categories.Add(_v.Activity);
                if (_rng.NextDouble() < 0.35) categories.Add(_v.Ip);
                if (_rng.NextDouble() < 0.3) categories.Add(_v.Social);
                if (_rng.NextDouble() < 0.15) categories.Add(_v.Messages);
                if (_rng.NextDouble() < 0.2) categories.Add(_v.Uploads);
                Read(worker, time, location, subjects[_rng.Next(subjects.Count)], [.. categories], _v.InvestigationPurpose, worker.Investigation.Id);
            }
            if (_rng.NextDouble() < 0.05 * _rates.Slips)
            {
                Read(worker, InShift(worker, day), location, RandomSubject(ServedBy(worker.Member)), [_v.Basic, _v.Activity], _v.InvestigationPurpose, null);
            }
            if (_rng.NextDouble() < 0.03 * _rates.Refusals)
            {
                Read(worker, InShift(worker, day), location, subjects[0], [_v.Payments], _v.InvestigationPurpose, worker.Investigation.Id, Outcome.Deny);
            }
        }

        private void EngineerDay(Worker worker, int day, string location)
        {
            var served = ServedBy(worker.Member);
            if (_rng.NextDouble() < 0.45 * _rates.Work)
            {
                // A bug report: the reporters' device and activity records.
                var subjects = Enumerable.Range(0, 1 + _rng.Next(3)).Select(_ => RandomSubject(served)).Distinct().ToList();
                var first = InShift(worker, day);
                var @case = OpenCase("ENG", _v.DebugPurpose, worker.Member.Id, subjects, first.AddMinutes(-5), first.AddDays(1 + _rng.Next(5)),
                    source: CaseSource.Ticket, openedBy: BugTracker);
                for (var i = 0; i < 2 + _rng.Next(5); i++)
                {
                    Read(worker, first.AddMinutes(i * (5 + _rng.Next(50))), location, subjects[_rng.Next(subjects.Count)],
                        _rng.NextDouble() < 0.2 ? [_v.Device, _v.Ip] : [_v.Device, _v.Activity], _v.DebugPurpose, @case.Id);
                }
            }
            // Bulk work under a case that names every account it touches: a migration check.
            if (_rng.NextDouble() < 0.006 * _rates.Work)
            {
                var subjects = Enumerable.Range(0, 40 + _rng.Next(60)).Select(_ => RandomSubject(served)).Distinct().ToList();
                var first = InShift(worker, day);
                var @case = OpenCase("ENG", _v.DebugPurpose, worker.Member.Id, subjects, first.AddMinutes(-5), first.AddDays(2));
                for (var i = 0; i < subjects.Count; i++)
                {
                    Read(worker, first.AddSeconds(i * (20 + _rng.Next(100))), location, subjects[i], [_v.Activity], _v.DebugPurpose, @case.Id);
                }
            }
            // On-call: a page at night, handled under an incident case.
            if (_rng.NextDouble() < 0.02)
            {
                var subject = RandomSubject(served);
                var night = DayStart(day).AddHours(_rng.Next(0, 6) + (worker.Member.Jurisdiction == "US" ? 5 : 0)).AddMinutes(_rng.Next(60));
                var @case = OpenCase("ENG", _v.DebugPurpose, worker.Member.Id, [subject], night.AddMinutes(-2), night.AddHours(6), source: CaseSource.Ticket, openedBy: Pager);
                for (var i = 0; i < 2 + _rng.Next(3); i++)
                {
                    Read(worker, night.AddMinutes(i * 7), location, subject, [_v.Device, _v.Activity], _v.DebugPurpose, @case.Id);
                }
            }
        }

        private void AuditorDay(Worker worker, int day, string location)
        {
            // Audits of staff accounts (a compromised account, an expense query), under a case
            // naming them — legitimate reads of employees, now and then of their location.
            if (_rng.NextDouble() < 0.25 * _rates.Work)
            {
                var accounts = _staff.Where(s => s.Account is not null && s.Department != worker.Member.Department).ToList();
                var subjects = Enumerable.Range(0, 1 + _rng.Next(3)).Select(_ => accounts[_rng.Next(accounts.Count)].Account!).Distinct().ToList();
                var first = InShift(worker, day);
                var @case = OpenCase("IA", _v.AuditPurpose, worker.Member.Id, subjects, first.AddMinutes(-5), first.AddDays(5 + _rng.Next(10)));
                worker.Investigation = @case;
                for (var i = 0; i < 2 + _rng.Next(6); i++)
                {
                    Read(worker, first.AddMinutes(i * (10 + _rng.Next(60))), location, subjects[_rng.Next(subjects.Count)],
                        _rng.NextDouble() < 0.25 ? [_v.Activity, _v.Ip] : [_v.Basic, _v.Activity, _v.Payments], _v.AuditPurpose, @case.Id);
                }
            }
        }

        private int Poisson(double mean)
        {
            var limit = Math.Exp(-mean);
            var k = 0;
            var p = _rng.NextDouble();
            while (p > limit)
            {
                k++;
                p *= _rng.NextDouble();
            }
            return k;
        }

        private void Read(Worker worker, DateTimeOffset time, string location, string subject, string[] categories, string purpose, string? @case, Outcome outcome = Outcome.Allow, int campaign = -1)
        {
            if (time >= DayStart(_o.Days) || time < _o.Start)
            {
                return;
            }
            _events.Add(new Pending(time, _sequence++, worker.Member.Id, location, subject, categories, purpose, @case, outcome, campaign));
        }

        // ------------------------------------------------------------ campaigns

        private void InjectCampaigns()
        {
            if (_o.Adversary == Adversary.Covert)
            {
                InjectCovert();
                return;
            }
            foreach (var pattern in Patterns)
            {
                foreach (var intensity in Intensities)
                {
                    var day = _o.QuietDays + _rng.Next(_o.Days - _o.QuietDays - 9);
                    var draft = new CampaignDraft($"cmp-{_campaigns.Count + 1:00}", pattern, intensity);
                    _campaigns.Add(draft);
                    Inject(draft, day);
                }
            }
            // Incidents apart in time and on different journalists, so each is its own campaign.
            var half = _o.QuietDays + (_o.Days - _o.QuietDays - 9) / 2;
            for (var i = 0; i < 2; i++)
            {
                var day = i == 0 ? _o.QuietDays + _rng.Next(half - _o.QuietDays) : half + _rng.Next(_o.Days - 9 - half);
                var draft = new CampaignDraft($"cmp-{_campaigns.Count + 1:00}", Campaign.IncidentPattern, i == 0 ? "high" : "slow");
                _campaigns.Add(draft);
                Incident(draft, day, slow: i == 1);
            }
            // The leak hunt that once slipped through: one auditor, at home, slowly, under one
            // broad case of their own that names the journalists and their contacts alike.
            var broad = new CampaignDraft($"cmp-{_campaigns.Count + 1:00}", Campaign.IncidentPattern, "broad");
            _campaigns.Add(broad);
            BroadHunt(broad, [PickReader(Kind.Auditor)], _o.QuietDays + _rng.Next(Math.Max(1, _o.Days - _o.QuietDays - 25)), TimeSpan.FromHours(30));
        }

        /// <summary>
        /// Journalists and their contacts read by <paramref name="readers"/> in turn, each under
        /// one broad case of their own naming their share of the targets, opened two days
        /// before, from home, one read every <paramref name="step"/>.
        /// </summary>
        private void BroadHunt(CampaignDraft c, IReadOnlyList<Worker> readers, int day, TimeSpan step)
        {
            var index = c.Index(_campaigns);
            var usable = _journalists.Where(j => _contacts.GetValueOrDefault(j, []).Count >= 3).ToList();
            var journalists = Enumerable.Range(0, 2).Select(_ => Target(usable.Count >= 2 ? usable : _journalists)).ToList();
            var plans = readers.Select(_ => new List<string>()).ToList();
            for (var j = 0; j < journalists.Count; j++)
            {
                var plan = plans[j % readers.Count];
                plan.Add(journalists[j]);
                var contacts = _contacts[journalists[j]].Distinct().Where(x => !_journalists.Contains(x)).Take(3).ToList();
                _usedTargets.UnionWith(contacts);
                plan.AddRange(contacts);
            }
            var cases = readers.Select((r, i) => OpenCase("IA", _v.AuditPurpose, r.Member.Id, plans[i], DayStart(day - 2), DayStart(day + 60))).ToList();
            var time = WorkTime(readers[0], day);
            // Interleaved: with two readers, each read alternates between them.
            for (var k = 0; k < plans.Max(p => p.Count); k++)
            {
                for (var r = 0; r < readers.Count; r++)
                {
                    if (k < plans[r].Count)
                    {
                        var at = step < TimeSpan.FromHours(12) ? time : WorkTime(readers[r], day + (int)(time - DayStart(day)).TotalDays);
                        Read(readers[r], at, readers[r].Member.Jurisdiction, plans[r][k], [_v.Ip, _v.Activity], _v.AuditPurpose, cases[r].Id, campaign: index);
                        time += step;
                    }
                }
            }
        }

        private Worker PickReader(Kind kind, Func<Worker, bool>? where = null)
        {
            var candidates = _workers.Values
                .Where(w => w.Kind == kind && !_campaignReaders.Contains(w.Member.Id) && (where?.Invoke(w) ?? true))
                .OrderBy(w => w.Member.Id, StringComparer.Ordinal)
                .ToList();
            if (candidates.Count == 0)
            {
                // A small world: a reader takes part in a second campaign.
                candidates = [.. _workers.Values.Where(w => w.Kind == kind && (where?.Invoke(w) ?? true)).OrderBy(w => w.Member.Id, StringComparer.Ordinal)];
            }
            var pick = candidates[_rng.Next(candidates.Count)];
            _campaignReaders.Add(pick.Member.Id);
            return pick;
        }

        /// <summary>A time in the reader's own working hours on <paramref name="day"/> (misuse hides in the working day).</summary>
        private DateTimeOffset WorkTime(Worker worker, int day) => InShift(worker, day);

        private void Inject(CampaignDraft c, int day)
        {
            var high = c.Intensity == "high";
            var medium = c.Intensity == "medium";
            switch (c.Pattern)
            {
                case "protected-subject":
                {
                    var reader = PickReader(Kind.Support);
                    var served = _protectedSubjects.Where(s => ServedBy(reader.Member).Contains(Jurisdiction(s))).ToList();
                    var targets = Enumerable.Range(0, high ? 4 : medium ? 3 : 4).Select(_ => Target(served)).ToList();
                    var time = WorkTime(reader, day);
                    foreach (var (target, i) in targets.Select((t, i) => (t, i)))
                    {
                        var at = high ? time.AddMinutes(i * 9) : medium ? time.AddHours(i * 7) : WorkTime(reader, day + i * 3);
                        Read(reader, at, reader.Member.Jurisdiction, target, high ? [_v.Contact, _v.Ip] : medium ? [_v.Basic, _v.Contact] : [_v.Contact], _v.SupportPurpose, null, campaign: c.Index(_campaigns));
                    }
                    break;
                }
                case "unexplained-access":
                {
                    var reader = PickReader(Kind.Support);
                    var (perDay, days) = high ? (25, 1) : medium ? (8, 1) : (3, 5);
                    for (var d = 0; d < days; d++)
                    {
                        for (var i = 0; i < perDay; i++)
                        {
                            Read(reader, WorkTime(reader, day + d * 2), reader.Member.Jurisdiction, CampaignSubject(ServedBy(reader.Member)), [_v.Basic, _v.Contact], _v.SupportPurpose, null, campaign: c.Index(_campaigns));
                        }
                    }
                    break;
                }
                case "graph-fan-out":
                {
                    var reader = PickReader(Kind.Investigator);
                    var anchor = Target(_journalists.Where(j => _contacts.GetValueOrDefault(j, []).Count >= 4));
                    var near = _contacts[anchor].Distinct().ToList();
                    var far = near.SelectMany(n => _contacts.GetValueOrDefault(n, [])).Where(s => s != anchor && !near.Contains(s)).Distinct().ToList();
                    var targets = high ? near.Take(4).Concat(far.Take(2)).ToList() : medium ? near.Take(3).ToList() : near.Take(2).Concat(far.Take(1)).ToList();
                    _usedTargets.UnionWith(targets);
                    var time = WorkTime(reader, day);
                    var index = c.Index(_campaigns);
                    Read(reader, time, reader.Member.Jurisdiction, anchor, [_v.Basic, _v.Social], _v.InvestigationPurpose, null, campaign: index);
                    for (var i = 0; i < targets.Count; i++)
                    {
                        var at = high ? time.AddMinutes(10 + i * 12) : medium ? time.AddHours(1 + i * 5) : WorkTime(reader, day + 3 * (i + 1));
                        Read(reader, at, reader.Member.Jurisdiction, targets[i], [_v.Basic, _v.Social], _v.InvestigationPurpose, null, campaign: index);
                    }
                    break;
                }
                case "location-probing":
                {
                    var reader = PickReader(Kind.Investigator);
                    var index = c.Index(_campaigns);
                    var employees = Shuffle(_staff.Where(s => s.Account is not null && s.Id != reader.Member.Id)).Take(2).Select(s => s.Account!).ToList();
                    var time = WorkTime(reader, day);
                    if (high)
                    {
                        var protectedTargets = new List<string> { Target(_journalists), Target(_journalists) };
                        var all = employees.Concat(protectedTargets).ToList();
                        for (var i = 0; i < all.Count; i++)
                        {
                            Read(reader, time.AddMinutes(i * 6), reader.Member.Jurisdiction, all[i], [_v.Ip], _v.InvestigationPurpose, null, campaign: index);
                        }
                    }
                    else if (medium)
                    {
                        for (var i = 0; i < 5; i++)
                        {
                            Read(reader, time.AddMinutes(i * 40), reader.Member.Jurisdiction, CampaignSubject(ServedBy(reader.Member)), [_v.Location], _v.InvestigationPurpose, null, campaign: index);
                        }
                    }
                    else
                    {
                        Read(reader, time, reader.Member.Jurisdiction, employees[0], [_v.Ip], _v.InvestigationPurpose, null, campaign: index);
                        Read(reader, WorkTime(reader, day + 5), reader.Member.Jurisdiction, Target(_protectedSubjects), [_v.Location], _v.InvestigationPurpose, null, campaign: index);
                    }
                    break;
                }
                case "peer-outlier":
                {
                    var reader = PickReader(Kind.Support);
                    var index = c.Index(_campaigns);
                    if (high)
                    {
                        // Harvesting: many customers' contact details in one day.
                        for (var i = 0; i < 70; i++)
                        {
                            Read(reader, WorkTime(reader, day), reader.Member.Jurisdiction, CampaignSubject(ServedBy(reader.Member)), [_v.Basic, _v.Contact], _v.SupportPurpose, null, campaign: index);
                        }
                    }
                    else
                    {
                        // Rarity: a category support never reads, of customers on the reader's own
                        // tickets — every read is "explained", only the category is wrong.
                        var days = medium ? 1 : 3;
                        for (var d = 0; d < days; d++)
                        {
                            var count = medium ? 5 : 2;
                            for (var i = 0; i < count; i++)
                            {
                                var subject = CampaignSubject(ServedBy(reader.Member));
                                var at = WorkTime(reader, day + d * 2);
                                var @case = OpenCase("SUP", _v.SupportPurpose, reader.Member.Id, [subject], at.AddMinutes(-3), at.AddHours(4));
                                Read(reader, at, reader.Member.Jurisdiction, subject, [_v.Basic, medium ? _v.Messages : _v.Location], _v.SupportPurpose, @case.Id, campaign: index);
                            }
                        }
                    }
                    break;
                }
                case "denied-burst":
                {
                    var reader = PickReader(Kind.Support);
                    var index = c.Index(_campaigns);
                    var (count, spacing) = high ? (12, TimeSpan.FromMinutes(2)) : medium ? (6, TimeSpan.FromMinutes(8)) : (9, TimeSpan.FromHours(7));
                    var time = WorkTime(reader, day);
                    for (var i = 0; i < count; i++)
                    {
                        var at = c.Intensity == "slow" ? WorkTime(reader, day + i / 3) : time + spacing * i;
                        Read(reader, at, reader.Member.Jurisdiction, CampaignSubject(ServedBy(reader.Member), 0.3), [_rng.NextDouble() < 0.5 ? _v.Messages : _v.Ip], _v.SupportPurpose, null, Outcome.Deny, index);
                    }
                    break;
                }
                case "residency-probing":
                {
                    // An EU-based reader (at home, or an US-based one abroad) reading US-held users.
                    var reader = high ? PickReader(Kind.Support, w => w.Member.Jurisdiction != "US") : PickReader(Kind.Support, w => w.Member.Jurisdiction == "US");
                    var index = c.Index(_campaigns);
                    var location = high ? reader.Member.Jurisdiction : "CN";
                    var (count, slow) = high ? (6, false) : medium ? (3, false) : (4, true);
                    var time = WorkTime(reader, day);
                    for (var i = 0; i < count; i++)
                    {
                        var at = slow ? WorkTime(reader, day + i) : time.AddMinutes(i * 25);
                        Read(reader, at, location, CampaignSubject(["US"]), [_v.Basic, _v.Contact], _v.SupportPurpose, null, campaign: index);
                    }
                    break;
                }
                case "self-colleague":
                {
                    var reader = PickReader(Kind.Support, w => w.Member.Account is not null);
                    var index = c.Index(_campaigns);
                    var colleagues = Shuffle(_staff.Where(s => s.Department == reader.Member.Department && s.Account is not null && s.Id != reader.Member.Id)).Take(3).ToList();
                    if (high)
                    {
                        var time = WorkTime(reader, day);
                        Read(reader, time, reader.Member.Jurisdiction, reader.Member.Account!, [_v.Basic, _v.Activity], _v.SupportPurpose, null, campaign: index);
                        for (var i = 0; i < 3; i++)
                        {
                            Read(reader, time.AddMinutes(5 + i * 5), reader.Member.Jurisdiction, colleagues[i].Account!, [_v.Basic, _v.Contact], _v.SupportPurpose, null, campaign: index);
                        }
                    }
                    else
                    {
                        for (var i = 0; i < (medium ? 2 : 3); i++)
                        {
                            var at = medium ? WorkTime(reader, day).AddMinutes(i * 30) : WorkTime(reader, day + 7 * i);
                            Read(reader, at, reader.Member.Jurisdiction, colleagues[i].Account!, [_v.Basic], _v.SupportPurpose, null, campaign: index);
                        }
                    }
                    break;
                }
                case "off-hours":
                {
                    var reader = PickReader(Kind.Support, w => !w.NightShift);
                    var index = c.Index(_campaigns);
                    var (perNight, nights) = high ? (8, 1) : medium ? (4, 1) : (2, 3);
                    for (var n = 0; n < nights; n++)
                    {
                        // Sixteen to eighteen hours after the shift began: the middle of the reader's night.
                        var night = DayStart(day + n * 2).AddHours(reader.ShiftStart + 16 + 2 * _rng.NextDouble());
                        for (var i = 0; i < perNight; i++)
                        {
                            Read(reader, night.AddMinutes(i * 11), reader.Member.Jurisdiction, CampaignSubject(ServedBy(reader.Member)), [_v.Basic, _v.Contact], _v.SupportPurpose, null, campaign: index);
                        }
                    }
                    break;
                }
                case "returning":
                {
                    // One ordinary person, looked up again and again with no case: high at
                    // night, medium in working hours, slow over five weeks.
                    var reader = PickReader(Kind.Support, w => !w.NightShift);
                    var index = c.Index(_campaigns);
                    var target = CampaignSubject(ServedBy(reader.Member));
                    var (visits, spacing) = high ? (5, 2) : medium ? (4, 3) : (4, 10);
                    // Short streams squeeze the visits in after the quiet days.
                    spacing = Math.Max(1, Math.Min(spacing, (_o.Days - 1 - _o.QuietDays) / (visits - 1)));
                    day = Math.Max(_o.QuietDays, Math.Min(day, _o.Days - 1 - spacing * (visits - 1)));
                    for (var i = 0; i < visits; i++)
                    {
                        var at = high ? DayStart(day + i * spacing).AddHours(reader.ShiftStart + 15 + 2 * _rng.NextDouble()) : WorkTime(reader, day + i * spacing);
                        Read(reader, at, reader.Member.Jurisdiction, target, [_v.Basic, _v.Activity], _v.SupportPurpose, null, campaign: index);
                    }
                    break;
                }
                default:
                    throw new InvalidOperationException($"no generator for pattern {c.Pattern}");
            }
        }

        /// <summary>
        /// The design's section 1: a team of four auditors, holding standing access under an
        /// audit case that names neither target, reads two journalists' IP addresses, then
        /// employees' and the journalists' contacts' — two of the four from abroad (China).
        /// </summary>
        private void Incident(CampaignDraft c, int day, bool slow)
        {
            var index = c.Index(_campaigns);
            var team = Enumerable.Range(0, 4).Select(i => PickReader(Kind.Auditor)).ToList();
            var usable = _journalists.Where(j => Jurisdiction(j) == "US" && _contacts.GetValueOrDefault(j, []).Count >= 3).ToList();
            var journalists = new List<string> { Target(usable.Count >= 2 ? usable : _journalists), Target(usable.Count >= 2 ? usable : _journalists) };
            var cover = OpenCase("IA", _v.AuditPurpose, team[0].Member.Id, [Shuffle(_staff.Where(s => s.Account is not null)).First().Account!],
                DayStart(day - 2), DayStart(day + 30), [.. team.Skip(1).Select(t => t.Member.Id)]);
            var where = new[] { "US", "US", "CN", "CN" };
            var time = WorkTime(team[0], day);
            var step = slow ? TimeSpan.FromHours(20) : TimeSpan.FromMinutes(17);
            void Step(int who, string subject, string[] categories)
            {
                Read(team[who], time, where[who], subject, categories, _v.AuditPurpose, cover.Id, campaign: index);
                time += step;
            }
            Step(0, journalists[0], [_v.Ip]);
            Step(2, journalists[1], [_v.Ip]);
            _usedTargets.UnionWith(_contacts[journalists[0]].Concat(_contacts[journalists[1]]));
            foreach (var (contact, i) in _contacts[journalists[0]].Distinct().Take(3).Select((x, i) => (x, i)))
            {
                Step(i % 2 == 0 ? 1 : 3, contact, [_v.Ip, _v.Social]);
            }
            foreach (var (contact, i) in _contacts[journalists[1]].Distinct().Take(3).Select((x, i) => (x, i)))
            {
                Step(i % 2 == 0 ? 3 : 1, contact, [_v.Ip]);
            }
            foreach (var employee in Shuffle(_staff.Where(s => s.Account is not null)).Take(2))
            {
                Step(2, employee.Account!, [_v.Ip]);
            }
        }

        /// <summary>A target no other campaign has used, when one is left.</summary>
        private string Target(IEnumerable<string> candidates)
        {
            var list = candidates.ToList();
            var fresh = Shuffle(list.Where(c => !_usedTargets.Contains(c))).FirstOrDefault() ?? Shuffle(list).First();
            _usedTargets.Add(fresh);
            return fresh;
        }

        private List<T> Shuffle<T>(IEnumerable<T> items)
        {
            var list = items.ToList();
            for (var i = list.Count - 1; i > 0; i--)
            {
                var j = _rng.Next(i + 1);
                (list[i], list[j]) = (list[j], list[i]);
            }
            return list;
        }

        // --------------------------------------------------------------- output

        private SyntheticDataset Finish()
        {
            _events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Sequence.CompareTo(b.Sequence));
            var width = Math.Max(6, _events.Count.ToString(CultureInfo.InvariantCulture).Length);
            var events = new List<AccessEvent>(_events.Count);
            var timelines = _campaigns.Select(_ => new List<CampaignRead>()).ToList();
            var readers = _campaigns.Select(_ => new List<string>()).ToList();
            for (var i = 0; i < _events.Count; i++)
            {
                var p = _events[i];
                var id = "evt-" + (i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
                events.Add(new AccessEvent
                {
                    Id = id,
                    Time = p.Time,
                    Reader = p.Reader,
                    ReaderJurisdiction = p.Location,
                    Subject = p.Subject,
                    Categories = p.Categories,
                    Purpose = p.Purpose,
                    Case = p.Case,
                    Outcome = p.Outcome,
                });
                if (p.Campaign >= 0)
                {
                    timelines[p.Campaign].Add(new CampaignRead(id, p.Time, p.Subject));
                    if (!readers[p.Campaign].Contains(p.Reader))
                    {
                        readers[p.Campaign].Add(p.Reader);
                    }
                }
            }

            var campaigns = _campaigns.Select((c, i) => new Campaign
            {
                Id = c.Id,
                Pattern = c.Pattern,
                Intensity = c.Intensity,
                Readers = readers[i],
                Subjects = [.. timelines[i].Select(r => r.Subject).Distinct(StringComparer.Ordinal)],
                Events = [.. timelines[i].Select(r => r.Event)],
                Timeline = timelines[i],
                Start = timelines[i].Count > 0 ? timelines[i][0].Time : _o.Start,
            }).Where(c => c.Events.Count > 0).ToList();

            var world = new World
            {
                Categories =
                [
                    new Category { Id = _v.Basic, Tier = 1, Mask = MaskKind.None },
                    new Category { Id = _v.Contact, Tier = 2, Mask = MaskKind.Partial },
                    new Category { Id = _v.Activity, Tier = 2, Mask = MaskKind.None },
                    new Category { Id = _v.Payments, Tier = 3, Mask = MaskKind.Partial },
                    new Category { Id = _v.Device, Tier = 2, Mask = MaskKind.Partial },
                    new Category { Id = _v.Ip, Tier = 3, Mask = MaskKind.IpPrefix },
                    new Category { Id = _v.Location, Tier = 3, Mask = MaskKind.City },
                    new Category { Id = _v.Social, Tier = 2, Mask = MaskKind.Count },
                    new Category { Id = _v.Messages, Tier = 4, Mask = MaskKind.Redact },
                    new Category { Id = _v.Uploads, Tier = 2, Mask = MaskKind.None },
                ],
                Purposes =
                [
                    new Purpose { Id = _v.SupportPurpose, Categories = [_v.Basic, _v.Contact, _v.Activity, _v.Payments, _v.Device], Raw = [_v.Basic] },
                    new Purpose { Id = _v.InvestigationPurpose, Categories = [_v.Basic, _v.Contact, _v.Activity, _v.Ip, _v.Location, _v.Social, _v.Messages, _v.Uploads], Raw = [_v.Basic, _v.Social] },
                    new Purpose { Id = _v.DebugPurpose, Categories = [_v.Basic, _v.Activity, _v.Device, _v.Ip], Raw = [_v.Device] },
                    new Purpose { Id = _v.AuditPurpose, Categories = [_v.Basic, _v.Activity, _v.Payments, _v.Ip], Raw = [] },
                ],
                Residency =
                [
                    new ResidencyZone { Zone = "US", Jurisdictions = ["US"] },
                    new ResidencyZone { Zone = "EU", Jurisdictions = ["IE", "DE", "FR", "NL"] },
                ],
                Departments = _departments,
                Staff = _staff,
                Subjects = _subjects,
                Relationships = _relationships,
                Cases = _cases,
            };

            var labels = new Labels
            {
                Seed = _o.Seed,
                Days = _o.Days,
                Staff = _staff.Count,
                Start = _o.Start,
                End = DayStart(_o.Days),
                Generator = string.Create(CultureInfo.InvariantCulture, $"custos detect generate --seed {_o.Seed} --days {_o.Days} --staff {_o.Staff} --variant {_o.Variant}{(_o.Noise == 1 ? "" : $" --noise {_o.Noise}")}{(_o.Adversary == Adversary.Covert ? " --adversary covert" : "")}; rates {_rates}"),
                Campaigns = campaigns,
            };
            return new SyntheticDataset(world, events, labels);
        }
    }

    private enum Kind
    {
        Support,
        Investigator,
        Engineer,
        Auditor,
        Manager,
        Quiet,
    }

    private sealed record Worker(StaffMember Member, Kind Kind, int ShiftStart, bool NightShift, bool Weekend, double Pace)
    {
        public Case? Investigation { get; set; }
    }

    private readonly record struct Pending(DateTimeOffset Time, long Sequence, string Reader, string Location, string Subject,
        string[] Categories, string Purpose, string? Case, Outcome Outcome, int Campaign);

    private sealed record CampaignDraft(string Id, string Pattern, string Intensity)
    {
        public int Index(List<CampaignDraft> all) => all.IndexOf(this);
    }

    /// <summary>Multipliers of the background's rates; 1 in the plain variant.</summary>
    private sealed record Rates(double Work = 1, double Slips = 1, double Refusals = 1, double Travel = 1, double ProtectedShare = 1)
    {
        public static Rates Draw(Random rng) => new(
            Work: 0.6 + rng.NextDouble() * 0.9,
            Slips: 0.5 + rng.NextDouble() * 1.5,
            Refusals: 0.5 + rng.NextDouble() * 2,
            Travel: 0.5 + rng.NextDouble() * 1.5,
            ProtectedShare: 0.5 + rng.NextDouble() * 1.5);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"work x{Work:0.00}, slips x{Slips:0.00}, refusals x{Refusals:0.00}, travel x{Travel:0.00}, protected x{ProtectedShare:0.00}");
    }
}
