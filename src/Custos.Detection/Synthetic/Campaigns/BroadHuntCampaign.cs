using Custos.Detection.Scoring;

namespace Custos.Detection.Synthetic.Campaigns;

/// <summary>
/// A leak hunt after the one that slipped through on issue 13's independent stream: two
/// journalists and three contacts of each, read by auditors in turn, each under one broad case
/// of their own naming their share of the targets, opened two days before, from home.
/// </summary>
internal sealed class BroadHuntCampaign(params BroadHuntCampaign.Shape[] shapes) : ICampaignKind
{
    /// <summary>One hunt: how many readers take turns, one read every <paramref name="Step"/>.</summary>
    public sealed record Shape(Intensity Intensity, int Readers, TimeSpan Step);

    public string Pattern => Campaign.IncidentPattern;

    public IReadOnlyList<Intensity> Intensities { get; } = [.. shapes.Select(h => h.Intensity)];

    public void Inject(Simulation s, Intensity intensity, int campaign)
    {
        var shape = shapes.Single(h => h.Intensity == intensity);
        var readers = Enumerable.Range(0, shape.Readers).Select(_ => s.PickReader(Kind.Auditor)).ToList();
        var o = s.Options;
        var day = o.QuietDays + s.Rng.Next(Math.Max(1, o.Days - o.QuietDays - 25));
        var v = s.Words;
        var usable = s.JournalistsWithContacts(3).ToList();
        var journalists = Enumerable.Range(0, 2).Select(_ => s.Target(usable.Count >= 2 ? usable : s.Journalists)).ToList();
        var plans = readers.Select(_ => new List<string>()).ToList();
        for (var j = 0; j < journalists.Count; j++)
        {
            var plan = plans[j % readers.Count];
            plan.Add(journalists[j]);
            var contacts = s.Contacts(journalists[j]).Distinct().Where(x => !s.Journalists.Contains(x)).Take(3).ToList();
            s.UsedTargets.UnionWith(contacts);
            plan.AddRange(contacts);
        }
        var cases = readers.Select((r, i) => s.OpenCase("IA", v.AuditPurpose, r.Member.Id, plans[i], s.DayStart(day - 2), s.DayStart(day + 60))).ToList();
        var time = s.WorkTime(readers[0], day);
        // Interleaved: with two readers, each read alternates between them.
        for (var k = 0; k < plans.Max(p => p.Count); k++)
        {
            for (var r = 0; r < readers.Count; r++)
            {
                if (k < plans[r].Count)
                {
                    var at = shape.Step < TimeSpan.FromHours(12) ? time : s.WorkTime(readers[r], day + (int)(time - s.DayStart(day)).TotalDays);
                    s.Read(readers[r], at, readers[r].Member.Jurisdiction, plans[r][k], [v.Ip, v.Activity], v.AuditPurpose, cases[r].Id, campaign: campaign);
                    time += shape.Step;
                }
            }
        }
    }
}
