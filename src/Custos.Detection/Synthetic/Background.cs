using Custos.Formats;

namespace Custos.Detection.Synthetic;

internal sealed partial class Simulation
{
    // ----------------------------------------------------------- background

    // The systems that open cases for staff: someone else's request stands behind each.
    private const string HelpDesk = "system:helpdesk";
    private const string ReportsQueue = "system:reports";
    private const string BugTracker = "system:bugtracker";
    private const string Pager = "system:pager";

    public DateTimeOffset DayStart(int day) => _o.Start.AddDays(day);

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

    public string[] SupportCategories()
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

    public void Read(Worker worker, DateTimeOffset time, string location, string subject, string[] categories, string purpose, string? @case, Outcome outcome = Outcome.Allow, int campaign = -1)
    {
        if (time >= DayStart(_o.Days) || time < _o.Start)
        {
            return;
        }
        _events.Add(new Pending(time, _sequence++, worker.Member.Id, location, subject, categories, purpose, @case, outcome, campaign));
    }
}
