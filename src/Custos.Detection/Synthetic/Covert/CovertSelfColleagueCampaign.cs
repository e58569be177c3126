using Custos.Detection.Detectors;
using Custos.Detection.Synthetic.Campaigns;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Covert;

/// <summary>Colleagues and the manager, each under a case the reader opened minutes before.</summary>
internal sealed class CovertSelfColleagueCampaign() : PatternCampaign(DetectorNames.SelfColleague)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var reader = s.PickReader(Kind.Support, w => w.Member.Account is not null);
        var near = s.Colleagues(reader).Take(3).Select(c => c.Account!).ToList();
        for (var i = 0; i < (intensity == Intensity.High ? 3 : 2); i++)
        {
            var at = intensity switch
            {
                Intensity.High => s.WorkTime(reader, day).AddMinutes(i * 20),
                Intensity.Medium => s.WorkTime(reader, day + i * 2),
                _ => s.WorkTime(reader, day + i * 10),
            };
            s.Covered(reader, at, reader.Member.Jurisdiction, near[i], s.SupportCategories(), s.Words.SupportPurpose, campaign);
        }
    }
}
