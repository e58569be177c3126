using Custos.Detection.Scoring;
using Custos.Detection.Synthetic.Covert;

namespace Custos.Detection.Synthetic.Campaigns;

/// <summary>How hard a campaign presses: the three intensities of every pattern, and the shapes of the leak hunts.</summary>
public enum Intensity
{
    /// <summary>Everything at once, within an hour or a day.</summary>
    High,

    /// <summary>Fewer reads, over a working day or a few.</summary>
    Medium,

    /// <summary>Spread over days or weeks.</summary>
    Slow,

    /// <summary>A leak hunt by one reader under one broad case of their own naming every target.</summary>
    Broad,

    /// <summary>A leak hunt split between two readers taking turns.</summary>
    Colluding,
}

public static class IntensityLabels
{
    /// <summary>The intensity as <c>labels.json</c> spells it.</summary>
    public static string Label(this Intensity intensity) => intensity switch
    {
        Intensity.High => "high",
        Intensity.Medium => "medium",
        Intensity.Slow => "slow",
        Intensity.Broad => "broad",
        Intensity.Colluding => "colluding",
        _ => throw new ArgumentOutOfRangeException(nameof(intensity), intensity, null),
    };
}

/// <summary>
/// One kind of misuse campaign, as <see cref="Detectors.IDetector"/> is one kind of detection:
/// it picks its readers and targets from the <see cref="Simulation"/> and adds their reads,
/// labelled with the campaign's index, once per intensity it is injected at.
/// </summary>
internal interface ICampaignKind
{
    /// <summary>The pattern in <c>labels.json</c>: the name of the detector meant to catch it, or <see cref="Campaign.IncidentPattern"/>.</summary>
    string Pattern { get; }

    IReadOnlyList<Intensity> Intensities { get; }

    void Inject(Simulation s, Intensity intensity, int campaign);
}

/// <summary>A pattern injected at high, medium and slow intensity, each starting on a day drawn after the quiet days.</summary>
internal abstract class PatternCampaign(string pattern) : ICampaignKind
{
    public string Pattern => pattern;

    public IReadOnlyList<Intensity> Intensities => CampaignKinds.PatternIntensities;

    public void Inject(Simulation s, Intensity intensity, int campaign) => Inject(s, intensity, s.CampaignDay(), campaign);

    protected abstract void Inject(Simulation s, Intensity intensity, int day, int campaign);
}

/// <summary>The campaign kinds of each adversary, in the order they are injected (the order is part of what a seed gives).</summary>
internal static class CampaignKinds
{
    public static readonly IReadOnlyList<Intensity> PatternIntensities = [Intensity.High, Intensity.Medium, Intensity.Slow];

    public static readonly IReadOnlyList<ICampaignKind> Ordinary =
    [
        new ProtectedSubjectCampaign(), new UnexplainedAccessCampaign(), new GraphFanOutCampaign(), new LocationProbingCampaign(),
        new PeerOutlierCampaign(), new DeniedBurstCampaign(), new ResidencyProbingCampaign(), new SelfColleagueCampaign(),
        new OffHoursCampaign(), new ReturningCampaign(), new IncidentCampaign(),
        // The leak hunt that once slipped through: one auditor, at home, slowly, under one
        // broad case of their own that names the journalists and their contacts alike.
        new BroadHuntCampaign(new BroadHuntCampaign.Shape(Intensity.Broad, 1, TimeSpan.FromHours(30))),
    ];

    public static readonly IReadOnlyList<ICampaignKind> Covert =
    [
        new CovertProtectedSubjectCampaign(), new CovertUnexplainedAccessCampaign(), new CovertGraphFanOutCampaign(), new CovertLocationProbingCampaign(),
        new CovertPeerOutlierCampaign(), new CovertDeniedBurstCampaign(), new CovertResidencyProbingCampaign(), new CovertSelfColleagueCampaign(),
        new CovertOffHoursCampaign(), new CovertReturningCampaign(),
        // Leak hunts: one auditor fast, one slowly over weeks, and two colluding auditors
        // taking turns — each under broad cases of their own, from home.
        new BroadHuntCampaign(
            new BroadHuntCampaign.Shape(Intensity.High, 1, TimeSpan.FromMinutes(25)),
            new BroadHuntCampaign.Shape(Intensity.Slow, 1, TimeSpan.FromHours(40)),
            new BroadHuntCampaign.Shape(Intensity.Colluding, 2, TimeSpan.FromHours(20))),
    ];

    public static IReadOnlyList<ICampaignKind> Of(Adversary adversary) => adversary == Adversary.Covert ? Covert : Ordinary;
}
