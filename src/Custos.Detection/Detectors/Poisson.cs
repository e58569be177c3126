namespace Custos.Detection.Detectors;

/// <summary>
/// Tail bounds for counts of rare events. Daily counts of refusals or of reads outside a case
/// are small and skewed: a mean plus a few standard deviations says "5" for a habit of one a
/// day, yet a Poisson(1) count reaches 5 on 0.4 % of days — a hundred false alarms over a
/// year of 500 readers. The Poisson bound keeps such thresholds honest.
/// </summary>
internal static class Poisson
{
    /// <summary>The smallest count <c>k</c> with P(X ≥ k) ≤ <paramref name="tail"/> for X ~ Poisson(<paramref name="mean"/>).</summary>
    public static int Threshold(double mean, double tail)
    {
        if (mean <= 0)
        {
            return 1;
        }
        // Summed in log space so that large means do not underflow exp(-mean).
        var logPmf = -mean;
        var cdf = Math.Exp(logPmf);
        var k = 0;
        while (1 - cdf > tail && k < 100_000)
        {
            k++;
            logPmf += Math.Log(mean / k);
            cdf += Math.Exp(logPmf);
        }
        return k + 1;
    }
}
