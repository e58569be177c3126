using Custos.Detection.Scoring;
using Custos.Formats;

namespace Custos.Detection.Synthetic;

public static partial class Generator
{
    /// <summary>
    /// The covert adversary (<c>--adversary covert</c>): every pattern again, by insiders who
    /// cover their tracks. Each opens a case of their own by hand just before reading, naming
    /// only the person read (or one broad case naming everyone), keeps to categories and hours
    /// their department uses or deliberately leaves them, spreads over weeks, splits a leak
    /// hunt with a colluding colleague, keeps to a busy peer's daily volume. Kept apart from the
    /// detectors' code and from the ordinary campaigns so that it can be held out of tuning.
    /// </summary>
    private sealed partial class Builder
    {
        private void InjectCovert()
        {
            foreach (var pattern in Patterns)
            {
                foreach (var intensity in Intensities)
                {
                    var day = _o.QuietDays + _rng.Next(_o.Days - _o.QuietDays - 9);
                    var draft = new CampaignDraft($"cmp-{_campaigns.Count + 1:00}", pattern, intensity);
                    _campaigns.Add(draft);
                    Covert(draft, day);
                }
            }
            // Leak hunts: one auditor fast, one slowly over weeks, and two colluding auditors
            // taking turns — each under broad cases of their own, from home.
            foreach (var (intensity, readers, step) in new[] { ("high", 1, TimeSpan.FromMinutes(25)), ("slow", 1, TimeSpan.FromHours(40)), ("colluding", 2, TimeSpan.FromHours(20)) })
            {
                var draft = new CampaignDraft($"cmp-{_campaigns.Count + 1:00}", Campaign.IncidentPattern, intensity);
                _campaigns.Add(draft);
                var team = Enumerable.Range(0, readers).Select(_ => PickReader(Kind.Auditor)).ToList();
                BroadHunt(draft, team, _o.QuietDays + _rng.Next(Math.Max(1, _o.Days - _o.QuietDays - 25)), step);
            }
        }

        /// <summary>A read under a case the reader opens by hand a few minutes before it, naming only that subject.</summary>
        private void Covered(Worker reader, DateTimeOffset at, string location, string subject, string[] categories, string purpose, int campaign, Outcome outcome = Outcome.Allow)
        {
            var @case = OpenCase("MAN", purpose, reader.Member.Id, [subject], at.AddMinutes(-(2 + _rng.Next(10))), at.AddMinutes(20 + _rng.Next(60)));
            Read(reader, at, location, subject, categories, purpose, @case.Id, outcome, campaign);
        }

        private void Covert(CampaignDraft c, int day)
        {
            var high = c.Intensity == "high";
            var medium = c.Intensity == "medium";
            var index = c.Index(_campaigns);
            switch (c.Pattern)
            {
                case "protected-subject":
                {
                    // Public figures, minors, journalists looked up by an engineer, whose work
                    // never reaches them, each under a bug report of their own making.
                    var reader = PickReader(Kind.Engineer);
                    var served = _protectedSubjects.Where(s => ServedBy(reader.Member).Contains(Jurisdiction(s))).ToList();
                    for (var i = 0; i < 3; i++)
                    {
                        var at = high ? WorkTime(reader, day).AddMinutes(i * 30) : WorkTime(reader, day + i * (medium ? 2 : 5));
                        Covered(reader, at, reader.Member.Jurisdiction, Target(served), [_v.Device, _v.Ip], _v.DebugPurpose, index);
                    }
                    break;
                }
                case "unexplained-access":
                {
                    // A harvest at a busy peer's pace: ten customers a day, each under a "ticket"
                    // the reader typed in, within their shift.
                    var reader = PickReader(Kind.Support);
                    var (perDay, days) = high ? (12, 2) : medium ? (8, 2) : (4, 5);
                    for (var d = 0; d < days; d++)
                    {
                        for (var i = 0; i < perDay; i++)
                        {
                            Covered(reader, WorkTime(reader, day + d * 2), reader.Member.Jurisdiction, CampaignSubject(ServedBy(reader.Member)), SupportCategories(), _v.SupportPurpose, index);
                        }
                    }
                    break;
                }
                case "graph-fan-out":
                {
                    // A journalist and their contacts, under one case of the reader's naming them all.
                    var reader = PickReader(Kind.Support);
                    var anchor = Target(_journalists.Where(j => _contacts.GetValueOrDefault(j, []).Count >= 4));
                    var near = _contacts[anchor].Distinct().Where(x => !_journalists.Contains(x)).Take(high ? 4 : 3).ToList();
                    _usedTargets.UnionWith(near);
                    var @case = OpenCase("MAN", _v.SupportPurpose, reader.Member.Id, [anchor, .. near], DayStart(day).AddHours(reader.ShiftStart), DayStart(day + 30));
                    var time = WorkTime(reader, day);
                    Read(reader, time, reader.Member.Jurisdiction, anchor, [_v.Basic, _v.Contact], _v.SupportPurpose, @case.Id, campaign: index);
                    for (var i = 0; i < near.Count; i++)
                    {
                        var at = high ? time.AddMinutes(10 + i * 12) : WorkTime(reader, day + (medium ? 1 : 3) * (i + 1));
                        Read(reader, at, reader.Member.Jurisdiction, near[i], [_v.Basic, _v.Contact], _v.SupportPurpose, @case.Id, campaign: index);
                    }
                    break;
                }
                case "location-probing":
                {
                    // Employees' and a journalist's IP addresses, by an engineer, under cases of their own.
                    var reader = PickReader(Kind.Engineer);
                    var targets = Shuffle(_staff.Where(s => s.Account is not null && s.Id != reader.Member.Id)).Take(high ? 2 : 1).Select(s => s.Account!).Append(Target(_journalists)).ToList();
                    for (var i = 0; i < targets.Count; i++)
                    {
                        var at = high ? WorkTime(reader, day).AddMinutes(i * 15) : WorkTime(reader, day + i * (medium ? 1 : 4));
                        Covered(reader, at, reader.Member.Jurisdiction, targets[i], [_v.Device, _v.Ip], _v.DebugPurpose, index);
                    }
                    break;
                }
                case "peer-outlier":
                {
                    // A category support never reads, on customers of cases the reader made.
                    var reader = PickReader(Kind.Support);
                    var (perDay, days) = high ? (6, 1) : medium ? (3, 2) : (2, 3);
                    for (var d = 0; d < days; d++)
                    {
                        for (var i = 0; i < perDay; i++)
                        {
                            Covered(reader, WorkTime(reader, day + d * 3), reader.Member.Jurisdiction, CampaignSubject(ServedBy(reader.Member)), [_v.Basic, high ? _v.Messages : _v.Location], _v.SupportPurpose, index);
                        }
                    }
                    break;
                }
                case "denied-burst":
                {
                    // Trying for what the purpose does not give, each attempt under a case of one's own.
                    var reader = PickReader(Kind.Support);
                    var (count, spacing) = high ? (10, TimeSpan.FromMinutes(3)) : medium ? (6, TimeSpan.FromMinutes(10)) : (9, TimeSpan.FromHours(7));
                    var time = WorkTime(reader, day);
                    for (var i = 0; i < count; i++)
                    {
                        var at = c.Intensity == "slow" ? WorkTime(reader, day + i / 3) : time + spacing * i;
                        Covered(reader, at, reader.Member.Jurisdiction, CampaignSubject(ServedBy(reader.Member)), [_v.Basic, _rng.NextDouble() < 0.5 ? _v.Messages : _v.Ip], _v.SupportPurpose, index, Outcome.Deny);
                    }
                    break;
                }
                case "residency-probing":
                {
                    // US-held users read from abroad under cases of one's own.
                    var reader = PickReader(Kind.Support, w => w.Member.Jurisdiction == "US");
                    var (count, slow) = high ? (5, false) : medium ? (3, false) : (4, true);
                    var time = WorkTime(reader, day);
                    for (var i = 0; i < count; i++)
                    {
                        var at = slow ? WorkTime(reader, day + i) : time.AddMinutes(i * 25);
                        Covered(reader, at, high ? "CN" : "SG", CampaignSubject(["US"]), SupportCategories(), _v.SupportPurpose, index);
                    }
                    break;
                }
                case "self-colleague":
                {
                    // Colleagues and the manager, each under a case the reader opened minutes before.
                    var reader = PickReader(Kind.Support, w => w.Member.Account is not null);
                    var near = Shuffle(_staff.Where(s => s.Department == reader.Member.Department && s.Account is not null && s.Id != reader.Member.Id)).Take(3).Select(s => s.Account!).ToList();
                    for (var i = 0; i < (high ? 3 : 2); i++)
                    {
                        var at = high ? WorkTime(reader, day).AddMinutes(i * 20) : WorkTime(reader, day + i * (medium ? 2 : 10));
                        Covered(reader, at, reader.Member.Jurisdiction, near[i], SupportCategories(), _v.SupportPurpose, index);
                    }
                    break;
                }
                case "off-hours":
                {
                    // Night reads, each under a case opened just before.
                    var reader = PickReader(Kind.Support, w => !w.NightShift);
                    var (perNight, nights) = high ? (6, 1) : medium ? (4, 1) : (2, 3);
                    for (var n = 0; n < nights; n++)
                    {
                        var night = DayStart(day + n * 2).AddHours(reader.ShiftStart + 16 + 2 * _rng.NextDouble());
                        for (var i = 0; i < perNight; i++)
                        {
                            Covered(reader, night.AddMinutes(i * 13), reader.Member.Jurisdiction, CampaignSubject(ServedBy(reader.Member)), SupportCategories(), _v.SupportPurpose, index);
                        }
                    }
                    break;
                }
                case "returning":
                {
                    // One person, again and again, a fresh case of one's own each time: high at
                    // night over ten days, medium within hours over three weeks, slow over six.
                    var reader = PickReader(Kind.Support, w => !w.NightShift);
                    var target = CampaignSubject(ServedBy(reader.Member));
                    var (visits, spacing) = high ? (5, 2) : medium ? (4, 6) : (4, 13);
                    // Short streams squeeze the visits in after the quiet days.
                    spacing = Math.Max(1, Math.Min(spacing, (_o.Days - 1 - _o.QuietDays) / (visits - 1)));
                    day = Math.Max(_o.QuietDays, Math.Min(day, _o.Days - 1 - spacing * (visits - 1)));
                    for (var i = 0; i < visits; i++)
                    {
                        var at = high ? DayStart(day + i * spacing).AddHours(reader.ShiftStart + 15 + 2 * _rng.NextDouble()) : WorkTime(reader, day + i * spacing);
                        Covered(reader, at, reader.Member.Jurisdiction, target, SupportCategories(), _v.SupportPurpose, index);
                    }
                    break;
                }
                default:
                    throw new InvalidOperationException($"no covert generator for pattern {c.Pattern}");
            }
        }
    }
}
