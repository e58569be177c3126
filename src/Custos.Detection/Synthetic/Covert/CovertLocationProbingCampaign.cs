using Custos.Detection.Detectors;
using Custos.Detection.Synthetic.Campaigns;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Covert;

/// <summary>Employees' and a journalist's IP addresses, by an engineer, under cases of their own.</summary>
internal sealed class CovertLocationProbingCampaign() : PatternCampaign(DetectorNames.LocationProbing)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var v = s.Words;
        var reader = s.PickReader(Kind.Engineer);
        var targets = s.OtherEmployees(reader).Take(intensity == Intensity.High ? 2 : 1).Select(e => e.Account!).Append(s.Target(s.Journalists)).ToList();
        for (var i = 0; i < targets.Count; i++)
        {
            var at = intensity switch
            {
                Intensity.High => s.WorkTime(reader, day).AddMinutes(i * 15),
                Intensity.Medium => s.WorkTime(reader, day + i),
                _ => s.WorkTime(reader, day + i * 4),
            };
            s.Covered(reader, at, reader.Member.Jurisdiction, targets[i], [v.Device, v.Ip], v.DebugPurpose, campaign);
        }
    }
}
