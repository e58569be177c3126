using Custos.Detection.Detectors;
using Custos.Detection.Synthetic.Campaigns;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Covert;

/// <summary>Trying for what the purpose does not give, each attempt under a case of one's own.</summary>
internal sealed class CovertDeniedBurstCampaign() : PatternCampaign(DetectorNames.DeniedBurst)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var v = s.Words;
        var reader = s.PickReader(Kind.Support);
        var (count, spacing) = intensity switch
        {
            Intensity.High => (10, TimeSpan.FromMinutes(3)),
            Intensity.Medium => (6, TimeSpan.FromMinutes(10)),
            _ => (9, TimeSpan.FromHours(7)),
        };
        var time = s.WorkTime(reader, day);
        for (var i = 0; i < count; i++)
        {
            var at = intensity == Intensity.Slow ? s.WorkTime(reader, day + i / 3) : time + spacing * i;
            s.Covered(reader, at, reader.Member.Jurisdiction, s.CampaignSubject(Simulation.ServedBy(reader.Member)), [v.Basic, s.Rng.NextDouble() < 0.5 ? v.Messages : v.Ip], v.SupportPurpose, campaign, Outcome.Deny);
        }
    }
}
