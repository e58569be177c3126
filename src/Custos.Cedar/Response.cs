using Custos.Cedar.Evaluation;

namespace Custos.Cedar;

public enum Decision
{
    Deny,
    Allow,
}

/// <summary>A policy that could not be evaluated, and why; it neither granted nor denied.</summary>
public sealed record AuthorizationError(string PolicyId, EvaluationError Error)
{
    public override string ToString() => $"{PolicyId}: {Error.Message}";
}

/// <summary>
/// The answer to a request. <see cref="Reasons"/> are the policies that determined it: the
/// satisfied <c>forbid</c> policies of a deny, the satisfied <c>permit</c> policies of an allow,
/// none for a default deny. <see cref="Errors"/> lists every policy that failed to evaluate.
/// </summary>
public sealed class Response(Decision decision, IReadOnlyList<string> reasons, IReadOnlyList<AuthorizationError> errors)
{
    public Decision Decision { get; } = decision;

    public IReadOnlyList<string> Reasons { get; } = reasons;

    public IReadOnlyList<AuthorizationError> Errors { get; } = errors;

    public bool IsAllowed => Decision == Decision.Allow;
}
