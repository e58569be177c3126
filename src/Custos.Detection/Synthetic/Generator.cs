using Custos.Detection.Scoring;
using Custos.Detection.Synthetic.Campaigns;
using Custos.Formats;

namespace Custos.Detection.Synthetic;

/// <summary>Settings of the synthetic generator.</summary>
public sealed record GeneratorOptions
{
    public int Seed { get; init; } = 1;

    public int Days { get; init; } = 90;

    public int Staff { get; init; } = 500;

    /// <summary>Midnight UTC of the first day (a Monday by default).</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// 0: the plain vocabulary and rates. Any other value renames departments, roles, purposes,
    /// categories and protected classes, and draws the background rates (work volume, slips
    /// outside cases, refusals, travel, protected share) from wide ranges — the robustness runs.
    /// </summary>
    public int Variant { get; init; }

    /// <summary>Days at the start kept free of campaigns, so learned baselines have history.</summary>
    public int QuietDays { get; init; } = 15;

    /// <summary>Whether to inject campaigns at all (a clean background measures false alerts alone).</summary>
    public bool Campaigns { get; init; } = true;

    /// <summary>
    /// Multiplies the background's legitimate noise — slips outside a case, refusals, travel —
    /// on top of the variant's rates: a stress test of precision beyond what was tuned on.
    /// </summary>
    public double Noise { get; init; } = 1;

    /// <summary>
    /// How the injected insiders behave: <see cref="Synthetic.Adversary.None"/> as the patterns
    /// describe them, or <see cref="Synthetic.Adversary.Covert"/>, covering their tracks.
    /// </summary>
    public Adversary Adversary { get; init; }
}

/// <summary>How injected insiders behave.</summary>
public enum Adversary
{
    /// <summary>Misuse as its pattern describes it, with no effort to hide.</summary>
    None,

    /// <summary>
    /// Insiders cover their tracks (CovertCampaigns.cs): they open their own case just before
    /// each read, stay within their department's categories and hours or deliberately outside
    /// them, spread over weeks, split a hunt between two colluding readers, keep to a busy
    /// peer's volume.
    /// </summary>
    Covert,
}

/// <summary>A generated world, its ordered events and the labels of the campaigns injected into them.</summary>
public sealed record SyntheticDataset(World World, IReadOnlyList<AccessEvent> Events, Labels Labels)
{
    public void WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        WorldFile.Write(World, Path.Combine(directory, "world.json"));
        EventLog.WriteFile(Path.Combine(directory, "events.jsonl"), Events);
        LabelsFile.Write(Labels, Path.Combine(directory, "labels.json"));
    }
}

/// <summary>
/// A synthetic platform for testing and tuning detection: support, trust-and-safety,
/// engineering and audit staff working cases on a diurnal and weekly rhythm, each role reading
/// its usual categories, with the legitimate oddities real operations have (slips outside a
/// case, refusals, travel, overtime and on-call nights, bulk jobs under a case, investigations
/// of protected people and of their contacts under a case that names them, audits of employee
/// accounts), and misuse campaigns of every pattern at three intensities, plus incident-style
/// campaigns after the design's section 1. Deterministic for a seed and options.
/// </summary>
public static class Generator
{
    /// <summary>The patterns injected at every intensity (in both adversary modes): the names of the detectors meant to catch them.</summary>
    public static readonly IReadOnlyList<string> Patterns = [.. CampaignKinds.Ordinary.OfType<PatternCampaign>().Select(k => k.Pattern)];

    /// <summary>The intensities of each pattern.</summary>
    public static IReadOnlyList<Intensity> Intensities => CampaignKinds.PatternIntensities;

    public static SyntheticDataset Generate(GeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Days < options.QuietDays + 10 && options.Campaigns)
        {
            throw new ArgumentException($"{options.Days} days leave no room for campaigns after {options.QuietDays} quiet days; use at least {options.QuietDays + 10}", nameof(options));
        }
        if (options.Staff < 40)
        {
            throw new ArgumentException("a world needs at least 40 staff to hold every department and campaign", nameof(options));
        }
        return new Simulation(options).Build();
    }
}
