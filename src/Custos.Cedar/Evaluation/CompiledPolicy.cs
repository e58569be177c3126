using Custos.Cedar.Entities;
using Custos.Cedar.Syntax;

namespace Custos.Cedar.Evaluation;

internal enum PolicyOutcome
{
    NotSatisfied,
    Satisfied,
    Error,
}

/// <summary>
/// A policy ready to evaluate: its scope as three direct checks (no values built), then its
/// conditions as compiled nodes, in order, stopping at the first that is not true. This is
/// Cedar's <c>scope &amp;&amp; when₁ &amp;&amp; !unless₁ …</c> with its short-circuiting.
/// </summary>
internal sealed class CompiledPolicy
{
    private readonly ScopeConstraint _principal;
    private readonly ScopeConstraint _action;
    private readonly ScopeConstraint _resource;
    private readonly Node[] _conditions;
    private readonly bool[] _isWhen;

    private CompiledPolicy(PolicyAst ast)
    {
        Effect = ast.Effect;
        _principal = ast.Principal;
        _action = ast.Action;
        _resource = ast.Resource;
        _conditions = ast.Conditions.Select(c => Compiler.Compile(c.Body)).ToArray();
        _isWhen = ast.Conditions.Select(c => c.IsWhen).ToArray();
    }

    public Effect Effect { get; }

    public ScopeConstraint PrincipalConstraint => _principal;

    public ScopeConstraint ActionConstraint => _action;

    public ScopeConstraint ResourceConstraint => _resource;

    public static CompiledPolicy Compile(PolicyAst ast) => new(ast);

    public PolicyOutcome Evaluate(EvaluationContext context, out EvaluationError? error)
    {
        error = null;
        if (!ScopeMatches(_principal, context.Principal, context.PrincipalEntity)
            || !ScopeMatches(_action, context.Action, context.ActionEntity)
            || !ScopeMatches(_resource, context.Resource, context.ResourceEntity))
        {
            return PolicyOutcome.NotSatisfied;
        }
        for (var i = 0; i < _conditions.Length; i++)
        {
            var value = _conditions[i].Evaluate(context);
            if (value.Kind != ValueKind.Bool)
            {
                error = value.IsError ? value.Error : EvaluationError.TypeError("bool", value).Error;
                return PolicyOutcome.Error;
            }
            if ((value.Number != 0) != _isWhen[i])
            {
                return PolicyOutcome.NotSatisfied;
            }
        }
        return PolicyOutcome.Satisfied;
    }

    private static bool ScopeMatches(ScopeConstraint constraint, EntityUid uid, Entity? entity)
    {
        switch (constraint.Operator)
        {
            case ScopeOperator.Any:
                return true;
            case ScopeOperator.Equal:
                return uid.Equals(constraint.Entity);
            case ScopeOperator.In:
                return IsIn(uid, entity, constraint.Entity!);
            case ScopeOperator.InSet:
                foreach (var ancestor in constraint.Entities.AsSpan())
                {
                    if (IsIn(uid, entity, ancestor))
                    {
                        return true;
                    }
                }
                return false;
            case ScopeOperator.Is:
                return ReferenceEquals(uid.Type, constraint.EntityType);
            default:
                return ReferenceEquals(uid.Type, constraint.EntityType) && IsIn(uid, entity, constraint.Entity!);
        }
    }

    private static bool IsIn(EntityUid uid, Entity? entity, EntityUid ancestor) =>
        uid.Equals(ancestor) || (entity is not null && entity.HasAncestor(ancestor));
}
