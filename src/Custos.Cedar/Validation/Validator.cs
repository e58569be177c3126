using Custos.Cedar.Evaluation;
using Custos.Cedar.Schema;
using Custos.Cedar.Syntax;

namespace Custos.Cedar.Validation;

/// <summary>
/// One reason a policy does not validate: where (file, line, column), which policy, and the rule
/// it breaks in words a policy owner can act on.
/// </summary>
public sealed record ValidationError(string PolicyId, string? File, SourcePosition Position, string Message)
{
    public override string ToString() => $"{(File is null ? "" : File + ":")}{Position}: policy `{PolicyId}`: {Message}";
}

/// <summary>
/// Cedar's validator in strict mode (as cedar-policy-validator): a policy validates against a
/// schema when every entity type, action and enumerated entity it names is declared; its scope
/// fits at least one action's declared principal and resource types; and, for every request the
/// schema allows (each action with each of its principal and resource types), its scope and
/// conditions type check: attributes exist, optional attributes and tags are read only behind
/// <c>has</c> and <c>hasTag</c>, operands have the types their operators take, compared values
/// have a common type, sets are not empty and of one type, and extension constructors are given
/// valid literal strings. Validation runs when policies are loaded; authorization never calls it.
/// </summary>
public sealed class Validator
{
    private readonly SchemaIndex _schema;

    public Validator(CedarSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        _schema = new SchemaIndex(schema);
    }

    /// <summary>Validates every policy and template of a set (with the set's ids; no file names).</summary>
    public IReadOnlyList<ValidationError> Validate(PolicySet policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        return policies.Templates.Select(t => (t.Id, t.Ast))
            .Concat(policies.Policies.Where(p => p.TemplateId is null).Select(p => (p.Id, p.Ast)))
            .SelectMany(p => Validate(p.Id, p.Ast))
            .ToList();
    }

    /// <summary>Validates one policy or template; the errors name <paramref name="file"/> when given.</summary>
    public IReadOnlyList<ValidationError> Validate(string policyId, PolicyAst policy, string? file = null)
    {
        ArgumentNullException.ThrowIfNull(policyId);
        ArgumentNullException.ThrowIfNull(policy);
        var errors = new List<ValidationError>();
        var seen = new HashSet<(SourcePosition, string)>();
        void Report(SourcePosition position, string message)
        {
            if (seen.Add((position, message)))
            {
                errors.Add(new ValidationError(policyId, file, position, message));
            }
        }

        CheckNames(policy, Report);
        CheckScopeApplies(policy, Report);
        var condition = Condition(policy);
        foreach (var environment in _schema.Environments)
        {
            foreach (var linked in LinkSlots(policy, environment))
            {
                try
                {
                    new TypeChecker(_schema, linked, Report).Check(condition);
                }
                catch (InsufficientExecutionStackException)
                {
                    Report(policy.Position, "the policy is nested too deeply to validate");
                    return errors;
                }
            }
        }
        return errors;
    }

    /// <summary>
    /// Why a request is not one the schema allows (an undeclared action, a principal or resource
    /// type the action does not apply to, a context of the wrong shape); empty when it is.
    /// </summary>
    public IReadOnlyList<string> ValidateRequest(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<string>();
        if (!_schema.Schema.ActionDeclarations.TryGetValue(request.Action, out var action))
        {
            errors.Add($"the action {request.Action} is not declared in the schema");
            return errors;
        }
        CheckRequestEntity(request.Principal, "principal", action.PrincipalTypes, action, errors);
        CheckRequestEntity(request.Resource, "resource", action.ResourceTypes, action, errors);
        var context = action.Context is null ? CedarType.FromSchema(new RecordSchemaType(new Dictionary<string, AttributeSchema>())) : CedarType.FromSchema(action.Context);
        if (ValueConformance.Check(Value.FromRecord(request.Context), context, _schema) is { } problem)
        {
            errors.Add($"the context does not match what {action.Uid} declares: {problem}");
        }
        return errors;
    }

    private void CheckRequestEntity(EntityUid entity, string role, IReadOnlyList<EntityType> allowed, ActionDeclaration action, List<string> errors)
    {
        if (!allowed.Contains(entity.Type))
        {
            var expected = allowed.Count == 0 ? "none" : string.Join(", ", allowed.Select(t => t.Name));
            errors.Add($"{action.Uid} does not apply to a {role} of type {entity.Type} (it applies to: {expected})");
        }
        else if (ValueConformance.EnumProblem(entity, _schema) is { } problem)
        {
            errors.Add($"the {role} {problem}");
        }
    }

    /// <summary>Entity types, actions and enumerated entities the policy names must be declared.</summary>
    private void CheckNames(PolicyAst policy, Action<SourcePosition, string> report)
    {
        var uids = new List<(EntityUid Uid, SourcePosition Position)>();
        var types = new List<(EntityType Type, SourcePosition Position)>();
        foreach (var constraint in new[] { policy.Principal, policy.Action, policy.Resource })
        {
            if (constraint.Entity is { } entity)
            {
                uids.Add((entity, policy.Position));
            }
            foreach (var member in constraint.Entities)
            {
                uids.Add((member, policy.Position));
            }
            if (constraint.EntityType is { } type)
            {
                types.Add((type, policy.Position));
            }
        }
        foreach (var condition in policy.Conditions)
        {
            CollectNames(condition.Body, uids, types);
        }
        types.AddRange(uids.Select(u => (u.Uid.Type, u.Position)));
        foreach (var (type, position) in types.DistinctBy(t => t.Type))
        {
            if (!_schema.IsKnownEntityType(type))
            {
                report(position, $"unknown entity type `{type}`: the schema declares {Suggestions.Describe(type.Name, _schema.Schema.EntityTypes.Keys.Select(t => t.Name))}");
            }
        }
        foreach (var (uid, position) in uids.DistinctBy(u => u.Uid))
        {
            if (uid.Type.IsAction && !_schema.IsDeclaredAction(uid))
            {
                report(position, $"unknown action {uid}: the schema declares {Suggestions.Describe(uid.ToString(), _schema.Schema.ActionDeclarations.Keys.Select(a => a.ToString()))}");
            }
            else if (!uid.Type.IsAction && ValueConformance.EnumProblem(uid, _schema) is { } problem)
            {
                report(position, problem);
            }
        }
    }

    private static void CollectNames(Expr expr, List<(EntityUid, SourcePosition)> uids, List<(EntityType, SourcePosition)> types)
    {
        switch (expr)
        {
            case LiteralExpr { Value.Kind: ValueKind.Entity } literal:
                uids.Add((literal.Value.AsEntity, literal.Position));
                break;
            case IsExpr isType:
                types.Add((isType.EntityType, isType.Position));
                CollectNames(isType.Target, uids, types);
                if (isType.In is not null)
                {
                    CollectNames(isType.In, uids, types);
                }
                break;
            case UnaryExpr unary:
                CollectNames(unary.Operand, uids, types);
                break;
            case BinaryExpr binary:
                CollectNames(binary.Left, uids, types);
                CollectNames(binary.Right, uids, types);
                break;
            case AndExpr and:
                CollectNames(and.Left, uids, types);
                CollectNames(and.Right, uids, types);
                break;
            case OrExpr or:
                CollectNames(or.Left, uids, types);
                CollectNames(or.Right, uids, types);
                break;
            case IfExpr conditional:
                CollectNames(conditional.Condition, uids, types);
                CollectNames(conditional.Then, uids, types);
                CollectNames(conditional.Else, uids, types);
                break;
            case GetAttrExpr get:
                CollectNames(get.Target, uids, types);
                break;
            case HasAttrExpr has:
                CollectNames(has.Target, uids, types);
                break;
            case LikeExpr like:
                CollectNames(like.Target, uids, types);
                break;
            case SetExpr set:
                foreach (var element in set.Elements)
                {
                    CollectNames(element, uids, types);
                }
                break;
            case RecordExpr record:
                foreach (var attribute in record.Attributes)
                {
                    CollectNames(attribute.Value, uids, types);
                }
                break;
            case ExtensionCallExpr call:
                foreach (var argument in call.Arguments)
                {
                    CollectNames(argument, uids, types);
                }
                break;
        }
    }

    /// <summary>Some declared action must apply to a principal type and a resource type the scope allows.</summary>
    private void CheckScopeApplies(PolicyAst policy, Action<SourcePosition, string> report)
    {
        var actions = policy.Action.Operator switch
        {
            ScopeOperator.Any => _schema.Schema.ActionDeclarations.Keys.ToHashSet(),
            ScopeOperator.Equal => [policy.Action.Entity!],
            ScopeOperator.In => _schema.ActionsIn([policy.Action.Entity!]) ?? [],
            _ => _schema.ActionsIn(policy.Action.Entities) ?? [],
        };
        var principals = TypesSatisfying(policy.Principal).ToHashSet();
        var resources = TypesSatisfying(policy.Resource).ToHashSet();
        var applies = actions.Any(uid => _schema.Schema.ActionDeclarations.TryGetValue(uid, out var action)
            && action.PrincipalTypes.Any(principals.Contains) && action.ResourceTypes.Any(resources.Contains));
        if (!applies)
        {
            report(policy.Position, "no action the scope allows applies to the principal and resource types it allows, so the policy can never apply: check the scope against the actions' `appliesTo` in the schema");
        }
    }

    private IEnumerable<EntityType> TypesSatisfying(ScopeConstraint constraint) => constraint.Operator switch
    {
        ScopeOperator.Equal when constraint.Entity is { } entity => [entity.Type],
        ScopeOperator.In when constraint.Entity is { } entity => _schema.TypesIn(entity.Type),
        ScopeOperator.Is => _schema.IsKnownEntityType(constraint.EntityType!) ? [constraint.EntityType!] : [],
        ScopeOperator.IsIn when constraint.Entity is { } entity => _schema.TypesIn(entity.Type).Where(t => t == constraint.EntityType),
        ScopeOperator.IsIn => _schema.IsKnownEntityType(constraint.EntityType!) ? [constraint.EntityType!] : [],
        _ => _schema.Schema.EntityTypes.Keys,
    };

    /// <summary>For a template, one environment per entity type each slot could be linked to without making the scope false.</summary>
    private IEnumerable<RequestEnvironment> LinkSlots(PolicyAst policy, RequestEnvironment environment)
    {
        foreach (var principal in SlotTypes(policy.Principal, environment.Principal))
        {
            foreach (var resource in SlotTypes(policy.Resource, environment.Resource))
            {
                yield return environment with { PrincipalSlot = principal, ResourceSlot = resource };
            }
        }
    }

    private IEnumerable<EntityType?> SlotTypes(ScopeConstraint constraint, EntityType variable)
    {
        if (constraint.Slot is null)
        {
            return [null];
        }
        return constraint.Operator switch
        {
            ScopeOperator.Equal => [variable],
            ScopeOperator.In or ScopeOperator.IsIn => _schema.Schema.EntityTypes.Keys.Where(t => t != variable && _schema.TypesIn(t).Contains(variable)).Append(variable).Cast<EntityType?>(),
            _ => _schema.Schema.EntityTypes.Keys.Cast<EntityType?>(),
        };
    }

    /// <summary>The policy as one expression, as Cedar checks it: scope constraints, then the conditions, joined by <c>&amp;&amp;</c>.</summary>
    private static AndExpr Condition(PolicyAst policy)
    {
        var at = policy.Position;
        Expr condition = new AndExpr(
            new AndExpr(Scope(Variable.Principal, policy.Principal, at), Scope(Variable.Action, policy.Action, at)) { Position = at },
            Scope(Variable.Resource, policy.Resource, at))
        { Position = at };
        Expr? body = null;
        foreach (var clause in policy.Conditions)
        {
            var part = clause.IsWhen ? clause.Body : new UnaryExpr(UnaryOperator.Not, clause.Body) { Position = clause.Body.Position };
            body = body is null ? part : new AndExpr(body, part) { Position = body.Position };
        }
        return new AndExpr(condition, body ?? new LiteralExpr(Value.True) { Position = at }) { Position = at };
    }

    private static Expr Scope(Variable variable, ScopeConstraint constraint, SourcePosition at)
    {
        Expr self = new VariableExpr(variable) { Position = at };
        Expr Target() => constraint.Slot is { } slot ? new SlotExpr(slot) { Position = at } : new LiteralExpr(Value.FromEntity(constraint.Entity!)) { Position = at };
        return constraint.Operator switch
        {
            ScopeOperator.Equal => new BinaryExpr(BinaryOperator.Equal, self, Target()) { Position = at },
            ScopeOperator.In => new BinaryExpr(BinaryOperator.In, self, Target()) { Position = at },
            ScopeOperator.InSet => new BinaryExpr(BinaryOperator.In, self,
                new SetExpr(EquatableArray.Wrap(constraint.Entities.Select(e => (Expr)new LiteralExpr(Value.FromEntity(e)) { Position = at }).ToArray())) { Position = at })
            { Position = at },
            ScopeOperator.Is => new IsExpr(self, constraint.EntityType!, null) { Position = at },
            ScopeOperator.IsIn => new IsExpr(self, constraint.EntityType!, Target()) { Position = at },
            _ => new LiteralExpr(Value.True) { Position = at },
        };
    }
}
