using Custos.Detection.Detectors;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Campaigns;

/// <summary>US-held users read with no case by a reader outside the US zone: an EU-based agent at home (high) or a US-based one in China.</summary>
internal sealed class ResidencyProbingCampaign() : PatternCampaign(DetectorNames.ResidencyProbing)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var v = s.Words;
        var high = intensity == Intensity.High;
        var reader = s.PickReader(Kind.Support, w => (w.Member.Jurisdiction != "US") == high);
        var location = high ? reader.Member.Jurisdiction : "CN";
        var count = intensity switch { Intensity.High => 6, Intensity.Medium => 3, _ => 4 };
        var time = s.WorkTime(reader, day);
        for (var i = 0; i < count; i++)
        {
            var at = intensity == Intensity.Slow ? s.WorkTime(reader, day + i) : time.AddMinutes(i * 25);
            s.Read(reader, at, location, s.CampaignSubject(["US"]), [v.Basic, v.Contact], v.SupportPurpose, null, campaign: campaign);
        }
    }
}
