using Custos.Detection.Detectors;
using Custos.Formats;

namespace Custos.Detection.Synthetic.Campaigns;

/// <summary>Protected people (journalists, public figures, minors) read by a support agent with no case.</summary>
internal sealed class ProtectedSubjectCampaign() : PatternCampaign(DetectorNames.ProtectedSubject)
{
    protected override void Inject(Simulation s, Intensity intensity, int day, int campaign)
    {
        var v = s.Words;
        var reader = s.PickReader(Kind.Support);
        var served = s.ProtectedSubjectsServedBy(reader);
        var targets = Enumerable.Range(0, intensity == Intensity.Medium ? 3 : 4).Select(_ => s.Target(served)).ToList();
        var time = s.WorkTime(reader, day);
        for (var i = 0; i < targets.Count; i++)
        {
            (DateTimeOffset At, string[] Categories) read = intensity switch
            {
                Intensity.High => (time.AddMinutes(i * 9), [v.Contact, v.Ip]),
                Intensity.Medium => (time.AddHours(i * 7), [v.Basic, v.Contact]),
                _ => (s.WorkTime(reader, day + i * 3), [v.Contact]),
            };
            s.Read(reader, read.At, reader.Member.Jurisdiction, targets[i], read.Categories, v.SupportPurpose, null, campaign: campaign);
        }
    }
}
