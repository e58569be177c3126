using Custos.Detection.Correlation;
using Custos.Detection.Detectors;

namespace Custos.Detection;

/// <summary>
/// Every threshold of detection, one record per detector, each with documented defaults
/// (docs/detection.md). Bind it from configuration or change it with <c>with</c>.
/// </summary>
public sealed record DetectionOptions
{
    public ProtectedSubjectOptions ProtectedSubject { get; init; } = new();

    public UnexplainedAccessOptions UnexplainedAccess { get; init; } = new();

    public GraphFanOutOptions GraphFanOut { get; init; } = new();

    public LocationProbingOptions LocationProbing { get; init; } = new();

    public PeerOutlierOptions PeerOutlier { get; init; } = new();

    public DeniedBurstOptions DeniedBurst { get; init; } = new();

    public ResidencyProbingOptions ResidencyProbing { get; init; } = new();

    public SelfColleagueOptions SelfColleague { get; init; } = new();

    public ApprovalCollusionOptions ApprovalCollusion { get; init; } = new();

    public OffHoursOptions OffHours { get; init; } = new();

    public ReturningOptions Returning { get; init; } = new();

    /// <summary>When a case's provenance, learned against the reader's peers, leaves a read unexplained.</summary>
    public CaseProvenanceOptions CaseProvenance { get; init; } = new();

    public CorrelationOptions Correlation { get; init; } = new();

    /// <summary>
    /// How long after a case closes it still explains its owner's and members' reads of its
    /// subjects (a follow-up, a ticket reopened). Zero: only open cases explain.
    /// </summary>
    public TimeSpan ClosedCaseGrace { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How often (in event time) idle state is dropped and quiet alerts are closed.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromHours(1);
}
