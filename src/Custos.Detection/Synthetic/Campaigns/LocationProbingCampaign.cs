using Custos.Detection.Detectors;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Campaigns;

/// <summary>An investigator reading location-grade data of employees and protected people, or of many people in a day, with no case.</summary>
internal sealed class LocationProbingCampaign() : PatternCampaign(DetectorNames.LocationProbing)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var v = s.Words;
        var reader = s.PickReader(Kind.Investigator);
        var employees = s.OtherEmployees(reader).Take(2).Select(e => e.Account!).ToList();
        var time = s.WorkTime(reader, day);
        var home = reader.Member.Jurisdiction;
        switch (intensity)
        {
            case Intensity.High:
                List<string> all = [.. employees, s.Target(s.Journalists), s.Target(s.Journalists)];
                for (var i = 0; i < all.Count; i++)
                {
                    s.Read(reader, time.AddMinutes(i * 6), home, all[i], [v.Ip], v.InvestigationPurpose, null, campaign: campaign);
                }
                break;
            case Intensity.Medium:
                for (var i = 0; i < 5; i++)
                {
                    s.Read(reader, time.AddMinutes(i * 40), home, s.CampaignSubject(Simulation.ServedBy(reader.Member)), [v.Location], v.InvestigationPurpose, null, campaign: campaign);
                }
                break;
            default:
                s.Read(reader, time, home, employees[0], [v.Ip], v.InvestigationPurpose, null, campaign: campaign);
                s.Read(reader, s.WorkTime(reader, day + 5), home, s.Target(s.ProtectedSubjects), [v.Location], v.InvestigationPurpose, null, campaign: campaign);
                break;
        }
    }
}
