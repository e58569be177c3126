using Custos.Detection.Detectors;
using Custos.Detection.Synthetic.Campaigns;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Covert;

/// <summary>
/// Public figures, minors, journalists looked up by an engineer, whose work never reaches them,
/// each under a bug report of their own making.
/// </summary>
internal sealed class CovertProtectedSubjectCampaign() : PatternCampaign(DetectorNames.ProtectedSubject)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var v = s.Words;
        var reader = s.PickReader(Kind.Engineer);
        var served = s.ProtectedSubjectsServedBy(reader);
        for (var i = 0; i < 3; i++)
        {
            var at = intensity switch
            {
                Intensity.High => s.WorkTime(reader, day).AddMinutes(i * 30),
                Intensity.Medium => s.WorkTime(reader, day + i * 2),
                _ => s.WorkTime(reader, day + i * 5),
            };
            s.Covered(reader, at, reader.Member.Jurisdiction, s.Target(served), [v.Device, v.Ip], v.DebugPurpose, campaign);
        }
    }
}
