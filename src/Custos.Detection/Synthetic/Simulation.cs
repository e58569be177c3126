using System.Globalization;
using Custos.Detection.Scoring;
using Custos.Detection.Synthetic.Campaigns;
using Custos.Formats;

namespace Custos.Detection.Synthetic;

/// <summary>
/// The generator's state while it builds one dataset: the organisation, the subjects, the
/// cases and the pending events, and the helpers both the background and the campaign kinds
/// (Campaigns/, Covert/) draw from. Every draw comes from one <see cref="Random"/>, in a fixed
/// order, so a seed and options always give the same files.
/// </summary>
internal sealed partial class Simulation
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

    public GeneratorOptions Options => _o;

    /// <summary>The one source of randomness: campaign kinds draw from it in a fixed order.</summary>
    public Random Rng => _rng;

    public Vocabulary Words => _v;

    public IReadOnlyList<StaffMember> Staff => _staff;

    public IReadOnlyList<string> ProtectedSubjects => _protectedSubjects;

    public IReadOnlyList<string> Journalists => _journalists;

    /// <summary>Subjects some campaign already targets; a campaign adds those it reads beyond <see cref="Target"/>'s.</summary>
    public HashSet<string> UsedTargets => _usedTargets;

    public Simulation(GeneratorOptions options)
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

    public static string[] ServedBy(StaffMember member) => member.Jurisdiction == "US" ? UsServed : EuServed;

    /// <summary>A subject for a campaign that no other campaign targets, so each campaign stays its own.</summary>
    public string CampaignSubject(string[] served, double protectedChance = 0)
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

    public string Jurisdiction(string subject)
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

    public Case OpenCase(string prefix, string purpose, string owner, IReadOnlyList<string> subjects, DateTimeOffset opened, DateTimeOffset closed, IReadOnlyList<string>? members = null,
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

    // ------------------------------------------------------------ campaigns

    private void InjectCampaigns()
    {
        foreach (var kind in CampaignKinds.Of(_o.Adversary))
        {
            foreach (var intensity in kind.Intensities)
            {
                var campaign = _campaigns.Count;
                _campaigns.Add(new CampaignDraft($"cmp-{campaign + 1:00}", kind.Pattern, intensity.Label()));
                kind.Inject(this, intensity, campaign);
            }
        }
    }

    /// <summary>The first day of a pattern campaign: after the quiet days, leaving it room to run.</summary>
    public int CampaignDay() => _o.QuietDays + _rng.Next(_o.Days - _o.QuietDays - 9);

    /// <summary>
    /// Moves a run of <paramref name="visits"/> days <paramref name="spacing"/> apart so that it
    /// fits after the quiet days (short streams squeeze the spacing).
    /// </summary>
    public (int Day, int Spacing) FitVisits(int day, int visits, int spacing)
    {
        spacing = Math.Max(1, Math.Min(spacing, (_o.Days - 1 - _o.QuietDays) / (visits - 1)));
        return (Math.Max(_o.QuietDays, Math.Min(day, _o.Days - 1 - spacing * (visits - 1))), spacing);
    }

    /// <summary>Fifteen to seventeen hours after the reader's shift began: their late evening.</summary>
    public DateTimeOffset LateEvening(Worker reader, int day) => DayStart(day).AddHours(reader.ShiftStart + 15 + 2 * _rng.NextDouble());

    /// <summary>Sixteen to eighteen hours after the reader's shift began: the middle of their night.</summary>
    public DateTimeOffset MiddleOfNight(Worker reader, int day) => DayStart(day).AddHours(reader.ShiftStart + 16 + 2 * _rng.NextDouble());

    public List<string> Contacts(string subject) => _contacts.GetValueOrDefault(subject, []);

    public IEnumerable<string> JournalistsWithContacts(int atLeast) => _journalists.Where(j => Contacts(j).Count >= atLeast);

    public List<string> ProtectedSubjectsServedBy(Worker reader) => [.. _protectedSubjects.Where(p => ServedBy(reader.Member).Contains(Jurisdiction(p)))];

    /// <summary>Staff with a platform account other than the reader, shuffled.</summary>
    public List<StaffMember> OtherEmployees(Worker reader) => Shuffle(_staff.Where(m => m.Account is not null && m.Id != reader.Member.Id));

    /// <summary>The reader's department colleagues with a platform account, shuffled.</summary>
    public List<StaffMember> Colleagues(Worker reader) =>
        Shuffle(_staff.Where(m => m.Department == reader.Member.Department && m.Account is not null && m.Id != reader.Member.Id));

    /// <summary>A read under a case the reader opens by hand a few minutes before it, naming only that subject (the covert adversary's cover).</summary>
    public void Covered(Worker reader, DateTimeOffset at, string location, string subject, string[] categories, string purpose, int campaign, Outcome outcome = Outcome.Allow)
    {
        var @case = OpenCase("MAN", purpose, reader.Member.Id, [subject], at.AddMinutes(-(2 + _rng.Next(10))), at.AddMinutes(20 + _rng.Next(60)));
        Read(reader, at, location, subject, categories, purpose, @case.Id, outcome, campaign);
    }

    public Worker PickReader(Kind kind, Func<Worker, bool>? where = null)
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
    public DateTimeOffset WorkTime(Worker worker, int day) => InShift(worker, day);

    /// <summary>A target no other campaign has used, when one is left.</summary>
    public string Target(IEnumerable<string> candidates)
    {
        var list = candidates.ToList();
        var fresh = Shuffle(list.Where(c => !_usedTargets.Contains(c))).FirstOrDefault() ?? Shuffle(list).First();
        _usedTargets.Add(fresh);
        return fresh;
    }

    public List<T> Shuffle<T>(IEnumerable<T> items)
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

/// <summary>What a staff member's working day consists of.</summary>
internal enum Kind
{
    Support,
    Investigator,
    Engineer,
    Auditor,
    Manager,
    Quiet,
}

/// <summary>A staff member with their rhythm: shift, nights, weekends, pace.</summary>
internal sealed record Worker(StaffMember Member, Kind Kind, int ShiftStart, bool NightShift, bool Weekend, double Pace)
{
    public Case? Investigation { get; set; }
}

/// <summary>An event before ids are given (in time order, at the end), with the campaign it belongs to (-1: background).</summary>
internal readonly record struct Pending(DateTimeOffset Time, long Sequence, string Reader, string Location, string Subject,
    string[] Categories, string Purpose, string? Case, Outcome Outcome, int Campaign);

/// <summary>A campaign as injected; its events are gathered into a label at the end.</summary>
internal sealed record CampaignDraft(string Id, string Pattern, string Intensity);

/// <summary>Multipliers of the background's rates; 1 in the plain variant.</summary>
internal sealed record Rates(double Work = 1, double Slips = 1, double Refusals = 1, double Travel = 1, double ProtectedShare = 1)
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
