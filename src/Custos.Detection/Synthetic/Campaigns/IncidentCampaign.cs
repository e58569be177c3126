using Custos.Detection.Scoring;

namespace Custos.Detection.Synthetic.Campaigns;

/// <summary>
/// The design's section 1: a team of four auditors, holding standing access under an audit
/// case that names neither target, reads two journalists' IP addresses, then the journalists'
/// contacts' and employees' — two of the four from abroad (China). Once within an hour (high),
/// once over ten days (slow), apart in time and on different journalists so each is its own
/// campaign.
/// </summary>
internal sealed class IncidentCampaign : ICampaignKind
{
    public string Pattern => Campaign.IncidentPattern;

    public IReadOnlyList<Intensity> Intensities { get; } = [Intensity.High, Intensity.Slow];

    public void Inject(Simulation s, Intensity intensity, int campaign)
    {
        var o = s.Options;
        var half = o.QuietDays + (o.Days - o.QuietDays - 9) / 2;
        var slow = intensity == Intensity.Slow;
        var day = slow ? half + s.Rng.Next(o.Days - 9 - half) : o.QuietDays + s.Rng.Next(half - o.QuietDays);
        var v = s.Words;
        var team = Enumerable.Range(0, 4).Select(_ => s.PickReader(Kind.Auditor)).ToList();
        var usable = s.JournalistsWithContacts(3).Where(j => s.Jurisdiction(j) == "US").ToList();
        var journalists = new List<string> { s.Target(usable.Count >= 2 ? usable : s.Journalists), s.Target(usable.Count >= 2 ? usable : s.Journalists) };
        var cover = s.OpenCase("IA", v.AuditPurpose, team[0].Member.Id, [s.Shuffle(s.Staff.Where(m => m.Account is not null)).First().Account!],
            s.DayStart(day - 2), s.DayStart(day + 30), [.. team.Skip(1).Select(t => t.Member.Id)]);
        string[] where = ["US", "US", "CN", "CN"];
        var time = s.WorkTime(team[0], day);
        var step = slow ? TimeSpan.FromHours(20) : TimeSpan.FromMinutes(17);
        void Step(int who, string subject, string[] categories)
        {
            s.Read(team[who], time, where[who], subject, categories, v.AuditPurpose, cover.Id, campaign: campaign);
            time += step;
        }
        Step(0, journalists[0], [v.Ip]);
        Step(2, journalists[1], [v.Ip]);
        s.UsedTargets.UnionWith(s.Contacts(journalists[0]).Concat(s.Contacts(journalists[1])));
        foreach (var (contact, i) in s.Contacts(journalists[0]).Distinct().Take(3).Select((x, i) => (x, i)))
        {
            Step(i % 2 == 0 ? 1 : 3, contact, [v.Ip, v.Social]);
        }
        foreach (var (contact, i) in s.Contacts(journalists[1]).Distinct().Take(3).Select((x, i) => (x, i)))
        {
            Step(i % 2 == 0 ? 3 : 1, contact, [v.Ip]);
        }
        foreach (var employee in s.Shuffle(s.Staff.Where(m => m.Account is not null)).Take(2))
        {
            Step(2, employee.Account!, [v.Ip]);
        }
    }
}
