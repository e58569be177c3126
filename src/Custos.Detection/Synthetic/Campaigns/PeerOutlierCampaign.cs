using Custos.Detection.Detectors;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Campaigns;

/// <summary>
/// A support agent unlike their peers: a harvest of many customers' contact details in one day
/// (high), or a category support never reads, on customers of their own tickets, where every
/// read is explained and only the category is wrong (medium, slow).
/// </summary>
internal sealed class PeerOutlierCampaign() : PatternCampaign(DetectorNames.PeerOutlier)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var v = s.Words;
        var reader = s.PickReader(Kind.Support);
        var served = Simulation.ServedBy(reader.Member);
        if (intensity == Intensity.High)
        {
            for (var i = 0; i < 70; i++)
            {
                s.Read(reader, s.WorkTime(reader, day), reader.Member.Jurisdiction, s.CampaignSubject(served), [v.Basic, v.Contact], v.SupportPurpose, null, campaign: campaign);
            }
            return;
        }
        var (days, perDay, category) = intensity == Intensity.Medium ? (1, 5, v.Messages) : (3, 2, v.Location);
        for (var d = 0; d < days; d++)
        {
            for (var i = 0; i < perDay; i++)
            {
                var subject = s.CampaignSubject(served);
                var at = s.WorkTime(reader, day + d * 2);
                var @case = s.OpenCase("SUP", v.SupportPurpose, reader.Member.Id, [subject], at.AddMinutes(-3), at.AddHours(4));
                s.Read(reader, at, reader.Member.Jurisdiction, subject, [v.Basic, category], v.SupportPurpose, @case.Id, campaign: campaign);
            }
        }
    }
}
