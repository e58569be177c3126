using Custos.Detection.Detectors;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Campaigns;

/// <summary>A support agent reading their own account and colleagues' with no case.</summary>
internal sealed class SelfColleagueCampaign() : PatternCampaign(DetectorNames.SelfColleague)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var v = s.Words;
        var reader = s.PickReader(Kind.Support, w => w.Member.Account is not null);
        var colleagues = s.Colleagues(reader).Take(3).Select(c => c.Account!).ToList();
        var home = reader.Member.Jurisdiction;
        if (intensity == Intensity.High)
        {
            var time = s.WorkTime(reader, day);
            s.Read(reader, time, home, reader.Member.Account!, [v.Basic, v.Activity], v.SupportPurpose, null, campaign: campaign);
            for (var i = 0; i < 3; i++)
            {
                s.Read(reader, time.AddMinutes(5 + i * 5), home, colleagues[i], [v.Basic, v.Contact], v.SupportPurpose, null, campaign: campaign);
            }
            return;
        }
        var medium = intensity == Intensity.Medium;
        for (var i = 0; i < (medium ? 2 : 3); i++)
        {
            var at = medium ? s.WorkTime(reader, day).AddMinutes(i * 30) : s.WorkTime(reader, day + 7 * i);
            s.Read(reader, at, home, colleagues[i], [v.Basic], v.SupportPurpose, null, campaign: campaign);
        }
    }
}
