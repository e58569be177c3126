namespace Custos.Detection;

/// <summary>
/// One approval of an access request: <see cref="Approver"/> approved a request made by
/// <see cref="Requester"/>. Approvals are not in <c>events.jsonl</c>; the live server feeds them
/// to the engine from its grant workflow (evidence then is the approval's ledger index).
/// </summary>
public sealed record Approval
{
    public required string Id { get; init; }

    public required DateTimeOffset Time { get; init; }

    public required string Approver { get; init; }

    public required string Requester { get; init; }

    /// <summary>Subjects the approved request covers.</summary>
    public IReadOnlyList<string> Subjects { get; init; } = [];
}
