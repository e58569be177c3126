using Custos.Detection.Detectors;
using Custos.Detection.Synthetic.Campaigns;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Covert;

/// <summary>US-held users read from abroad (China, Singapore) under cases of one's own.</summary>
internal sealed class CovertResidencyProbingCampaign() : PatternCampaign(DetectorNames.ResidencyProbing)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var reader = s.PickReader(Kind.Support, w => w.Member.Jurisdiction == "US");
        var count = intensity switch { Intensity.High => 5, Intensity.Medium => 3, _ => 4 };
        var time = s.WorkTime(reader, day);
        for (var i = 0; i < count; i++)
        {
            var at = intensity == Intensity.Slow ? s.WorkTime(reader, day + i) : time.AddMinutes(i * 25);
            s.Covered(reader, at, intensity == Intensity.High ? "CN" : "SG", s.CampaignSubject(["US"]), s.SupportCategories(), s.Words.SupportPurpose, campaign);
        }
    }
}
