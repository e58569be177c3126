using Custos.Detection.Detectors;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Campaigns;

/// <summary>A support agent refused again and again, across customers: in minutes, or over days.</summary>
internal sealed class DeniedBurstCampaign() : PatternCampaign(DetectorNames.DeniedBurst)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var v = s.Words;
        var reader = s.PickReader(Kind.Support);
        var (count, spacing) = intensity switch
        {
            Intensity.High => (12, TimeSpan.FromMinutes(2)),
            Intensity.Medium => (6, TimeSpan.FromMinutes(8)),
            _ => (9, TimeSpan.FromHours(7)),
        };
        var time = s.WorkTime(reader, day);
        for (var i = 0; i < count; i++)
        {
            var at = intensity == Intensity.Slow ? s.WorkTime(reader, day + i / 3) : time + spacing * i;
            s.Read(reader, at, reader.Member.Jurisdiction, s.CampaignSubject(Simulation.ServedBy(reader.Member), 0.3), [s.Rng.NextDouble() < 0.5 ? v.Messages : v.Ip], v.SupportPurpose, null, Outcome.Deny, campaign);
        }
    }
}
