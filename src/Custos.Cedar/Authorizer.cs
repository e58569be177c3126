using Custos.Cedar.Entities;
using Custos.Cedar.Evaluation;
using Custos.Cedar.Syntax;

namespace Custos.Cedar;

/// <summary>
/// Cedar's authorization: deny by default, any satisfied <c>forbid</c> overrides every
/// <c>permit</c>, and a policy that fails to evaluate is skipped (it neither permits nor forbids)
/// and reported. Stateless and thread-safe.
/// </summary>
public static class Authorizer
{
    public static Response IsAuthorized(Request request, PolicySet policies, EntityStore entities)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(entities);
        var context = new EvaluationContext(request.Principal, request.Action, request.Resource, Value.FromRecord(request.Context), entities);
        return policies.Index.Authorize(context);
    }

    /// <summary>Evaluates one expression against a request; returns false and the error if it fails.</summary>
    public static bool TryEvaluate(Expr expression, Request request, EntityStore entities, out Value value, out EvaluationError? error)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(entities);
        var context = new EvaluationContext(request.Principal, request.Action, request.Resource, Value.FromRecord(request.Context), entities);
        var result = Compiler.Compile(expression).Evaluate(context);
        if (result.IsError)
        {
            value = default;
            error = result.Error;
            return false;
        }
        value = result;
        error = null;
        return true;
    }
}
