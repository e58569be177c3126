using Custos.Detection.Detectors;
using Custos.Detection.Synthetic.Campaigns;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Covert;

/// <summary>Night reads, each under a case opened just before.</summary>
internal sealed class CovertOffHoursCampaign() : PatternCampaign(DetectorNames.OffHours)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var reader = s.PickReader(Kind.Support, w => !w.NightShift);
        var (perNight, nights) = intensity switch { Intensity.High => (6, 1), Intensity.Medium => (4, 1), _ => (2, 3) };
        for (var n = 0; n < nights; n++)
        {
            var night = s.MiddleOfNight(reader, day + n * 2);
            for (var i = 0; i < perNight; i++)
            {
                s.Covered(reader, night.AddMinutes(i * 13), reader.Member.Jurisdiction, s.CampaignSubject(Simulation.ServedBy(reader.Member)), s.SupportCategories(), s.Words.SupportPurpose, campaign);
            }
        }
    }
}
