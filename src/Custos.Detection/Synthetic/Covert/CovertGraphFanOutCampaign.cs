using Custos.Detection.Detectors;
using Custos.Detection.Synthetic.Campaigns;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Covert;

/// <summary>A journalist and their contacts, under one case of the reader's naming them all.</summary>
internal sealed class CovertGraphFanOutCampaign() : PatternCampaign(DetectorNames.GraphFanOut)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var v = s.Words;
        var reader = s.PickReader(Kind.Support);
        var anchor = s.Target(s.JournalistsWithContacts(4));
        var near = s.Contacts(anchor).Distinct().Where(x => !s.Journalists.Contains(x)).Take(intensity == Intensity.High ? 4 : 3).ToList();
        s.UsedTargets.UnionWith(near);
        var @case = s.OpenCase("MAN", v.SupportPurpose, reader.Member.Id, [anchor, .. near], s.DayStart(day).AddHours(reader.ShiftStart), s.DayStart(day + 30));
        var time = s.WorkTime(reader, day);
        s.Read(reader, time, reader.Member.Jurisdiction, anchor, [v.Basic, v.Contact], v.SupportPurpose, @case.Id, campaign: campaign);
        for (var i = 0; i < near.Count; i++)
        {
            var at = intensity switch
            {
                Intensity.High => time.AddMinutes(10 + i * 12),
                Intensity.Medium => s.WorkTime(reader, day + (i + 1)),
                _ => s.WorkTime(reader, day + 3 * (i + 1)),
            };
            s.Read(reader, at, reader.Member.Jurisdiction, near[i], [v.Basic, v.Contact], v.SupportPurpose, @case.Id, campaign: campaign);
        }
    }
}
