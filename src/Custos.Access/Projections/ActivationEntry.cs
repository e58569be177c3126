namespace Custos.Access.Projections;

/// <summary>The ledger entry that makes a world or a policy set the active one (invariant 7).</summary>
public sealed record ActivationEntry : LedgerEntry
{
    public required string Kind { get; init; }

    public required string Sha256 { get; init; }

    /// <summary>Who made the change: a staff id, or "system" for a load at start-up.</summary>
    public required string By { get; init; }

    /// <summary>Where the document came from (a file name), for the auditor.</summary>
    public string? Source { get; init; }
}
