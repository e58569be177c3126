using Custos.Detection.Detectors;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Campaigns;

/// <summary>
/// One ordinary person looked up again and again with no case: at night on five days two apart
/// (high), in working hours on four days three apart (medium), over five weeks (slow).
/// </summary>
internal sealed class ReturningCampaign() : PatternCampaign(DetectorNames.Returning)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var v = s.Words;
        var reader = s.PickReader(Kind.Support, w => !w.NightShift);
        var target = s.CampaignSubject(Simulation.ServedBy(reader.Member));
        var (visits, spacing) = intensity switch { Intensity.High => (5, 2), Intensity.Medium => (4, 3), _ => (4, 10) };
        (day, spacing) = s.FitVisits(day, visits, spacing);
        for (var i = 0; i < visits; i++)
        {
            var at = intensity == Intensity.High ? s.LateEvening(reader, day + i * spacing) : s.WorkTime(reader, day + i * spacing);
            s.Read(reader, at, reader.Member.Jurisdiction, target, [v.Basic, v.Activity], v.SupportPurpose, null, campaign: campaign);
        }
    }
}
