using Custos.Detection.Detectors;
using Custos.Detection.Synthetic.Campaigns;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Covert;

/// <summary>A category support never reads, on customers of cases the reader made.</summary>
internal sealed class CovertPeerOutlierCampaign() : PatternCampaign(DetectorNames.PeerOutlier)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var v = s.Words;
        var reader = s.PickReader(Kind.Support);
        var (perDay, days) = intensity switch { Intensity.High => (6, 1), Intensity.Medium => (3, 2), _ => (2, 3) };
        var category = intensity == Intensity.High ? v.Messages : v.Location;
        for (var d = 0; d < days; d++)
        {
            for (var i = 0; i < perDay; i++)
            {
                s.Covered(reader, s.WorkTime(reader, day + d * 3), reader.Member.Jurisdiction, s.CampaignSubject(Simulation.ServedBy(reader.Member)), [v.Basic, category], v.SupportPurpose, campaign);
            }
        }
    }
}
