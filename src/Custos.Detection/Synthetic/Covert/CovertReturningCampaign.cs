using Custos.Detection.Detectors;
using Custos.Detection.Synthetic.Campaigns;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Covert;

/// <summary>
/// One person, again and again, a fresh case of one's own each time: at night over ten days
/// (high), within working hours over three weeks (medium) or six (slow).
/// </summary>
internal sealed class CovertReturningCampaign() : PatternCampaign(DetectorNames.Returning)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var reader = s.PickReader(Kind.Support, w => !w.NightShift);
        var target = s.CampaignSubject(Simulation.ServedBy(reader.Member));
        var (visits, spacing) = intensity switch { Intensity.High => (5, 2), Intensity.Medium => (4, 6), _ => (4, 13) };
        (day, spacing) = s.FitVisits(day, visits, spacing);
        for (var i = 0; i < visits; i++)
        {
            var at = intensity == Intensity.High ? s.LateEvening(reader, day + i * spacing) : s.WorkTime(reader, day + i * spacing);
            s.Covered(reader, at, reader.Member.Jurisdiction, target, s.SupportCategories(), s.Words.SupportPurpose, campaign);
        }
    }
}
