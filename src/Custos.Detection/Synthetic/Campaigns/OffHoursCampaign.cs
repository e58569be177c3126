using Custos.Detection.Detectors;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Campaigns;

/// <summary>A day-shift agent reading customers with no case in the middle of their night.</summary>
internal sealed class OffHoursCampaign() : PatternCampaign(DetectorNames.OffHours)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var v = s.Words;
        var reader = s.PickReader(Kind.Support, w => !w.NightShift);
        var (perNight, nights) = intensity switch { Intensity.High => (8, 1), Intensity.Medium => (4, 1), _ => (2, 3) };
        for (var n = 0; n < nights; n++)
        {
            var night = s.MiddleOfNight(reader, day + n * 2);
            for (var i = 0; i < perNight; i++)
            {
                s.Read(reader, night.AddMinutes(i * 11), reader.Member.Jurisdiction, s.CampaignSubject(Simulation.ServedBy(reader.Member)), [v.Basic, v.Contact], v.SupportPurpose, null, campaign: campaign);
            }
        }
    }
}
