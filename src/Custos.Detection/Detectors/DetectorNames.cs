namespace Custos.Detection.Detectors;

/// <summary>
/// The names alerts carry in <c>detector</c>, one per detector, and the name of an alert
/// several detectors contributed to. The generator labels each injected campaign with the
/// detector whose pattern it follows, so the scorer can report recall per pattern.
/// </summary>
public static class DetectorNames
{
    public const string ProtectedSubject = "protected-subject";
    public const string UnexplainedAccess = "unexplained-access";
    public const string GraphFanOut = "graph-fan-out";
    public const string LocationProbing = "location-probing";
    public const string PeerOutlier = "peer-outlier";
    public const string DeniedBurst = "denied-burst";
    public const string ResidencyProbing = "residency-probing";
    public const string SelfColleague = "self-colleague";
    public const string OffHours = "off-hours";
    public const string Returning = "returning";
    public const string ApprovalCollusion = "approval-collusion";

    /// <summary>An alert whose findings came from more than one detector.</summary>
    public const string Correlated = "correlated";
}
