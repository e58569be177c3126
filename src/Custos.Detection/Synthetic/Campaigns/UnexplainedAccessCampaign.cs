using Custos.Detection.Detectors;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Campaigns;

/// <summary>A support agent browsing customers with no case: many in a day, or a few a day over a week.</summary>
internal sealed class UnexplainedAccessCampaign() : PatternCampaign(DetectorNames.UnexplainedAccess)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var v = s.Words;
        var reader = s.PickReader(Kind.Support);
        var (perDay, days) = intensity switch { Intensity.High => (25, 1), Intensity.Medium => (8, 1), _ => (3, 5) };
        for (var d = 0; d < days; d++)
        {
            for (var i = 0; i < perDay; i++)
            {
                s.Read(reader, s.WorkTime(reader, day + d * 2), reader.Member.Jurisdiction, s.CampaignSubject(Simulation.ServedBy(reader.Member)), [v.Basic, v.Contact], v.SupportPurpose, null, campaign: campaign);
            }
        }
    }
}
