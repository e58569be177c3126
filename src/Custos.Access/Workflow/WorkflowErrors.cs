namespace Custos.Access.Workflow;

/// <summary>Why a workflow action was refused; the API maps each kind to its status.</summary>
public enum WorkflowErrorKind
{
    /// <summary>The input is not acceptable (422), <see cref="WorkflowException.Field"/> names the field.</summary>
    Invalid,

    /// <summary>No such request, grant or revocation (404).</summary>
    NotFound,

    /// <summary>The caller may not do this (403); the reasons say why.</summary>
    Forbidden,

    /// <summary>The thing is no longer in a state that allows it (409).</summary>
    Conflict,
}

public sealed class WorkflowException : Exception
{
    public WorkflowException(WorkflowErrorKind kind, string message, string? field = null, IReadOnlyList<string>? reasons = null) : base(message)
    {
        Kind = kind;
        Field = field;
        Reasons = reasons ?? [];
    }

    public WorkflowException()
    {
    }

    public WorkflowException(string message) : base(message)
    {
    }

    public WorkflowException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public WorkflowErrorKind Kind { get; }

    public string? Field { get; }

    public IReadOnlyList<string> Reasons { get; } = [];

    public static WorkflowException Invalid(string field, string message) => new(WorkflowErrorKind.Invalid, message, field);
}

/// <summary>The limits of the workflow, bound from the <c>Access</c> section of configuration.</summary>
public sealed class WorkflowOptions
{
    public const string Section = "Access";

    /// <summary>A grant's life when the request names none.</summary>
    public TimeSpan DefaultGrantDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The longest grant a request may ask for.</summary>
    public TimeSpan MaxGrantDuration { get; set; } = TimeSpan.FromDays(14);

    /// <summary>The longest break-glass grant.</summary>
    public TimeSpan MaxBreakGlassDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How far back an approval of the approver by the requester makes them a ring.</summary>
    public TimeSpan ApprovalRingWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A justification shorter than this is refused.</summary>
    public int MinJustificationLength { get; set; } = 20;

    /// <summary>A justification of fewer words than this is refused.</summary>
    public int MinJustificationWords { get; set; } = 3;
}
