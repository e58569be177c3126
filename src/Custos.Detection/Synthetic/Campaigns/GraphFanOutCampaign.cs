using Custos.Detection.Detectors;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Campaigns;

/// <summary>An investigator reading a journalist, then their contacts and contacts' contacts, with no case.</summary>
internal sealed class GraphFanOutCampaign() : PatternCampaign(DetectorNames.GraphFanOut)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var v = s.Words;
        var reader = s.PickReader(Kind.Investigator);
        var anchor = s.Target(s.JournalistsWithContacts(4));
        var near = s.Contacts(anchor).Distinct().ToList();
        var far = near.SelectMany(x => s.Contacts(x)).Where(x => x != anchor && !near.Contains(x)).Distinct().ToList();
        var targets = intensity switch
        {
            Intensity.High => near.Take(4).Concat(far.Take(2)).ToList(),
            Intensity.Medium => near.Take(3).ToList(),
            _ => near.Take(2).Concat(far.Take(1)).ToList(),
        };
        s.UsedTargets.UnionWith(targets);
        var time = s.WorkTime(reader, day);
        s.Read(reader, time, reader.Member.Jurisdiction, anchor, [v.Basic, v.Social], v.InvestigationPurpose, null, campaign: campaign);
        for (var i = 0; i < targets.Count; i++)
        {
            var at = intensity switch
            {
                Intensity.High => time.AddMinutes(10 + i * 12),
                Intensity.Medium => time.AddHours(1 + i * 5),
                _ => s.WorkTime(reader, day + 3 * (i + 1)),
            };
            s.Read(reader, at, reader.Member.Jurisdiction, targets[i], [v.Basic, v.Social], v.InvestigationPurpose, null, campaign: campaign);
        }
    }
}
