namespace Custos.Detection;

/// <summary>
/// One approval of an access request: <see cref="Approver"/> approved — or, when
/// <see cref="Refused"/>, tried to approve — a request made by <see cref="Requester"/>.
/// Approvals are not in <c>events.jsonl</c>; the live server feeds them to the engine from its
/// grant workflow's ledger entries (evidence then is the approval's ledger index).
/// </summary>
public sealed record Approval
{
    public required string Id { get; init; }

    public required DateTimeOffset Time { get; init; }

    public required string Approver { get; init; }

    public required string Requester { get; init; }

    /// <summary>Subjects the approved request covers.</summary>
    public IReadOnlyList<string> Subjects { get; init; } = [];

    /// <summary>
    /// The approval was refused by the rules (and so not counted): an attempt. Where the rules
    /// forbid approval rings, the second half of a ring can only ever be attempts.
    /// </summary>
    public bool Refused { get; init; }
}
