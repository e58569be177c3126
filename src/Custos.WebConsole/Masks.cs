using Custos.Formats;

namespace Custos.WebConsole;

/// <summary>Words for what a page shows: masks and durations.</summary>
public static class Masks
{
    public static string Describe(MaskKind mask) => mask switch
    {
        MaskKind.None => "no",
        MaskKind.Partial => "partly hidden",
        MaskKind.IpPrefix => "IP address cut to its network",
        MaskKind.City => "location cut to the city",
        MaskKind.Count => "only how many",
        _ => "withheld",
    };

    public static string Describe(TimeSpan duration) =>
        duration.TotalHours < 24 ? $"{duration.TotalHours:0.#} hours" : $"{duration.TotalDays:0.#} days";
}
