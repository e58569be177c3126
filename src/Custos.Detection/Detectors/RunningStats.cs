namespace Custos.Detection.Detectors;

/// <summary>Welford's running mean and variance, one value (a reader-day's count) at a time.</summary>
internal sealed class RunningStats
{
    private double _m2;

    public long Count { get; private set; }

    public double Mean { get; private set; }

    public double StandardDeviation => Count > 1 ? Math.Sqrt(_m2 / (Count - 1)) : 0;

    public void Add(double x)
    {
        Count++;
        var delta = x - Mean;
        Mean += delta / Count;
        _m2 += delta * (x - Mean);
    }
}
