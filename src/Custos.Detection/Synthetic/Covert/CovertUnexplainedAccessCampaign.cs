using Custos.Detection.Detectors;
using Custos.Detection.Synthetic.Campaigns;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Covert;

/// <summary>A harvest at a busy peer's pace: a few customers a day, each under a "ticket" the reader typed in, within their shift.</summary>
internal sealed class CovertUnexplainedAccessCampaign() : PatternCampaign(DetectorNames.UnexplainedAccess)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var v = s.Words;
        var reader = s.PickReader(Kind.Support);
        var (perDay, days) = intensity switch { Intensity.High => (12, 2), Intensity.Medium => (8, 2), _ => (4, 5) };
        for (var d = 0; d < days; d++)
        {
            for (var i = 0; i < perDay; i++)
            {
                s.Covered(reader, s.WorkTime(reader, day + d * 2), reader.Member.Jurisdiction, s.CampaignSubject(Simulation.ServedBy(reader.Member)), s.SupportCategories(), v.SupportPurpose, campaign);
            }
        }
    }
}
