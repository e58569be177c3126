namespace Custos.Detection.Detectors;

/// <summary>
/// A streaming detector. It sees every event once, in time order, and keeps only windowed
/// state per active reader, which <see cref="Evict"/> drops once it can no longer matter.
/// </summary>
public interface IDetector
{
    /// <summary>The name alerts carry in <c>detector</c>.</summary>
    string Name { get; }

    void Observe(Observation observation, ICollection<Finding> findings);

    /// <summary>Drops state that no event at or after <paramref name="now"/> can use.</summary>
    void Evict(DateTimeOffset now);

    /// <summary>Entries held (readers, window items, profiles): what bounded memory is measured by.</summary>
    int StateSize { get; }
}

/// <summary>A detector that also watches approvals (collusion).</summary>
public interface IApprovalDetector
{
    void Observe(Approval approval, ICollection<Finding> findings);
}
