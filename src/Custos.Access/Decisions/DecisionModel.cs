using Custos.Formats;

namespace Custos.Access.Decisions;

/// <summary>What a reader asks to read. The reader and where they are come from their token.</summary>
public sealed record DecisionRequest(string Subject, IReadOnlyList<string> Categories, string Purpose, string? Case);

/// <summary>The authenticated reader: identity and location from the token, never from the body.</summary>
public sealed record ReaderIdentity(string Id, string? Location);

/// <summary>How the reader reaches the data: asking for a decision (PDP) or reading through Custos (gateway).</summary>
public enum DecisionMode
{
    Pdp,
    Gateway,
}

public enum DecisionOutcome
{
    Allow,
    Partial,
    Deny,
}

public enum CategoryEffect
{
    Raw,
    Masked,
    Deny,
}

/// <summary>How one category may be read, and the policies and reasons that decided it.</summary>
public sealed record CategoryDecision(
    CategoryEffect Effect,
    MaskKind? Mask,
    IReadOnlyList<string> Policies,
    IReadOnlyList<string> Reasons);

/// <summary>A decision as ledgered and answered.</summary>
public sealed record Decision(
    string Id,
    DateTimeOffset Time,
    ReaderIdentity Reader,
    DecisionRequest Request,
    DecisionOutcome Outcome,
    IReadOnlyDictionary<string, CategoryDecision> Categories,
    IReadOnlyList<string> Reasons,
    long LedgerIndex)
{
    /// <summary>The categories the reader may see, raw or masked.</summary>
    public IEnumerable<string> Readable => Categories.Where(c => c.Value.Effect != CategoryEffect.Deny).Select(c => c.Key);
}

/// <summary>A request that cannot be decided as asked; nothing is ledgered. Names the field.</summary>
public sealed class DecisionRequestException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>
/// The ledger entry of a decision: identifiers only, never personal data, so that erasing a
/// user's data never breaks the log (design section 6).
/// </summary>
public sealed record DecisionEntry : LedgerEntry
{
    public required string Id { get; init; }

    public required DecisionMode Mode { get; init; }

    public required string Reader { get; init; }

    public required string? ReaderDepartment { get; init; }

    public required IReadOnlyList<string> ReaderRoles { get; init; }

    public required string ReaderLocation { get; init; }

    public required string Subject { get; init; }

    public required string Purpose { get; init; }

    public required string? Case { get; init; }

    public required string Decision { get; init; }

    public required IReadOnlyDictionary<string, EntryCategory> Categories { get; init; }

    public required IReadOnlyList<string> Determining { get; init; }

    public required string PolicySet { get; init; }

    public required string World { get; init; }

    public sealed record EntryCategory(string Effect, string? Mask, IReadOnlyList<string> Policies);
}
