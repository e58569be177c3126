using System.Collections.Immutable;
using Custos.Cedar.Evaluation;
using Custos.Cedar.Extensions;
using Custos.Cedar.Syntax;

namespace Custos.Cedar.Validation;

/// <summary>
/// A fact learnt from a test that came out true: <c>e has a</c> (so <c>e.a</c> is safe) or
/// <c>e.hasTag(t)</c> (so <c>e.getTag(t)</c> is safe). Expressions compare by structure.
/// </summary>
internal readonly record struct Capability(Expr Target, string? Attribute, Expr? Tag);

/// <summary>
/// The outcome of checking one expression: its type when one could be given (a failed check
/// may still know it, so that checking goes on without cascading errors), whether it checked,
/// and what is known when it evaluates to true.
/// </summary>
internal readonly record struct Answer(CedarType? Type, bool Ok, ImmutableHashSet<Capability> Capabilities)
{
    public static Answer Success(CedarType? type, ImmutableHashSet<Capability>? capabilities = null) => new(type, true, capabilities ?? ImmutableHashSet<Capability>.Empty);

    public static Answer Fail(CedarType? type) => new(type, false, ImmutableHashSet<Capability>.Empty);

    /// <summary>Checking continues after a failure (to find more errors) but the result stays failed.</summary>
    public Answer Then(Func<CedarType?, ImmutableHashSet<Capability>, Answer> next)
    {
        if (Ok)
        {
            return next(Type, Capabilities);
        }
        var answer = next(Type, ImmutableHashSet<Capability>.Empty);
        return answer with { Ok = false, Capabilities = ImmutableHashSet<Capability>.Empty };
    }

    public Answer AsFail() => this with { Ok = false, Capabilities = ImmutableHashSet<Capability>.Empty };
}

/// <summary>
/// Type checks a policy's condition in one request environment, in strict mode, following
/// Cedar's validator (cedar-policy-validator's typechecker): scope and conditions form one
/// conjunction, singleton boolean types short-circuit <c>&amp;&amp;</c>, <c>||</c> and
/// <c>if</c> (so a clause behind a scope that cannot match this environment is not checked in
/// it), and <c>has</c> and <c>hasTag</c> tests make optional attributes and tags safe to read
/// on the side where they held.
/// </summary>
internal sealed class TypeChecker(SchemaIndex schema, RequestEnvironment environment, Action<SourcePosition, string> report)
{
    private static readonly CedarType SetOfEntities = new SetType(CedarType.AnyEntity);

    public Answer Check(Expr expr) => ExpectType([], expr, CedarType.Bool, "the condition");

    private Answer Typecheck(ImmutableHashSet<Capability> prior, Expr expr)
    {
        RuntimeHelpersGuard();
        switch (expr)
        {
            case VariableExpr variable:
                return Answer.Success(variable.Variable switch
                {
                    Variable.Principal => new EntityRefType(environment.Principal),
                    Variable.Action => new ActionEntityType(environment.Action.Type),
                    Variable.Resource => new EntityRefType(environment.Resource),
                    _ => environment.Context,
                });
            case SlotExpr slot:
                var linked = slot.Slot == SlotId.Principal ? environment.PrincipalSlot : environment.ResourceSlot;
                return Answer.Success(linked is null ? CedarType.AnyEntity : new EntityRefType(linked));
            case LiteralExpr literal:
                return Literal(literal.Value);
            case IfExpr conditional:
                return If(prior, conditional);
            case AndExpr and:
                return And(prior, and.Left, and.Right);
            case OrExpr or:
                return Or(prior, or);
            case UnaryExpr unary:
                return Unary(prior, unary);
            case BinaryExpr binary:
                return Binary(prior, binary);
            case ExtensionCallExpr call:
                return Extension(prior, call);
            case GetAttrExpr get:
                return GetAttribute(prior, get);
            case HasAttrExpr has:
                return HasAttribute(prior, has);
            case LikeExpr like:
                return ExpectType(prior, like.Target, CedarType.String, "`like`").Then((_, _) => Answer.Success(CedarType.Bool));
            case IsExpr { In: { } group } isIn:
                // `e is T in g` is `e is T && e in g`, as Cedar reads it.
                return And(prior, isIn with { In = null }, new BinaryExpr(BinaryOperator.In, isIn.Target, group) { Position = isIn.Position });
            case IsExpr isType:
                return Is(prior, isType);
            case SetExpr set:
                return Set(prior, set);
            case RecordExpr record:
                return Record(prior, record);
            default:
                throw new ArgumentOutOfRangeException(nameof(expr), expr.GetType().Name);
        }
    }

    private static void RuntimeHelpersGuard() => System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();

    private Answer Literal(Value value)
    {
        switch (value.Kind)
        {
            case ValueKind.Bool:
                return Answer.Success(CedarType.Singleton(value.AsBool));
            case ValueKind.Long:
                return Answer.Success(CedarType.Long);
            case ValueKind.String:
                return Answer.Success(CedarType.String);
            default:
                // An undeclared entity type or action is reported once per policy, not here.
                var uid = value.AsEntity;
                if (uid.Type.IsAction)
                {
                    return schema.IsDeclaredAction(uid) ? Answer.Success(new ActionEntityType(uid.Type)) : Answer.Fail(null);
                }
                return schema.IsDeclaredEntityType(uid.Type) ? Answer.Success(new EntityRefType(uid.Type)) : Answer.Fail(null);
        }
    }

    private Answer If(ImmutableHashSet<Capability> prior, IfExpr conditional) =>
        ExpectType(prior, conditional.Condition, CedarType.Bool, "the condition of `if`").Then((test, testCapabilities) =>
        {
            if (test is { IsTrue: true })
            {
                return Typecheck(prior.Union(testCapabilities), conditional.Then)
                    .Then((then, thenCapabilities) => Answer.Success(then, thenCapabilities.Union(testCapabilities)));
            }
            if (test is { IsFalse: true })
            {
                return Typecheck(prior, conditional.Else).Then(Answer.Success);
            }
            var thenAnswer = Typecheck(prior.Union(testCapabilities), conditional.Then);
            if (thenAnswer.Ok)
            {
                thenAnswer = thenAnswer with { Capabilities = thenAnswer.Capabilities.Union(testCapabilities) };
            }
            var elseAnswer = Typecheck(prior, conditional.Else);
            return thenAnswer.Then((then, thenCapabilities) => elseAnswer.Then((otherwise, elseCapabilities) =>
            {
                var type = LeastUpperBound(conditional.Position, "the two branches of `if`", then, otherwise);
                return type is null ? Answer.Fail(null) : Answer.Success(type, elseCapabilities.Intersect(thenCapabilities));
            }));
        });

    private Answer And(ImmutableHashSet<Capability> prior, Expr leftExpr, Expr rightExpr) =>
        ExpectType(prior, leftExpr, CedarType.Bool, "`&&`").Then((left, leftCapabilities) =>
        {
            if (left is { IsFalse: true })
            {
                return Answer.Success(CedarType.False);
            }
            return ExpectType(prior.Union(leftCapabilities), rightExpr, CedarType.Bool, "`&&`").Then((right, rightCapabilities) => (left, right) switch
            {
                (not null, { IsFalse: true }) => Answer.Success(CedarType.False),
                (not null, { IsTrue: true }) => Answer.Success(left, leftCapabilities.Union(rightCapabilities)),
                ({ IsTrue: true }, not null) => Answer.Success(right, rightCapabilities),
                (not null, not null) => Answer.Success(CedarType.Bool, leftCapabilities.Union(rightCapabilities)),
                _ => Answer.Fail(CedarType.Bool),
            });
        });

    private Answer Or(ImmutableHashSet<Capability> prior, OrExpr or) =>
        ExpectType(prior, or.Left, CedarType.Bool, "`||`").Then((left, leftCapabilities) =>
        {
            if (left is { IsTrue: true })
            {
                return Answer.Success(CedarType.True, leftCapabilities);
            }
            return ExpectType(prior, or.Right, CedarType.Bool, "`||`").Then((right, rightCapabilities) => (left, right) switch
            {
                (not null, { IsTrue: true }) => Answer.Success(CedarType.True, rightCapabilities),
                (not null, { IsFalse: true }) => Answer.Success(left, leftCapabilities),
                ({ IsFalse: true }, not null) => Answer.Success(right, rightCapabilities),
                (not null, not null) => Answer.Success(CedarType.Bool, rightCapabilities.Intersect(leftCapabilities)),
                _ => Answer.Fail(CedarType.Bool),
            });
        });

    private Answer Unary(ImmutableHashSet<Capability> prior, UnaryExpr unary)
    {
        switch (unary.Operator)
        {
            case UnaryOperator.Not:
                return ExpectType(prior, unary.Operand, CedarType.Bool, "`!`").Then((operand, _) => operand switch
                {
                    { IsTrue: true } => Answer.Success(CedarType.False),
                    { IsFalse: true } => Answer.Success(CedarType.True),
                    not null => Answer.Success(CedarType.Bool),
                    _ => Answer.Fail(CedarType.Bool),
                });
            case UnaryOperator.Negate:
                return ExpectType(prior, unary.Operand, CedarType.Long, "`-`").Then((_, _) => Answer.Success(CedarType.Long));
            default:
                return ExpectType(prior, unary.Operand, CedarType.AnySet, "`isEmpty`").Then((_, _) => Answer.Success(CedarType.Bool));
        }
    }

    private Answer Binary(ImmutableHashSet<Capability> prior, BinaryExpr binary)
    {
        switch (binary.Operator)
        {
            case BinaryOperator.Equal:
                return Equality(prior, binary);
            case BinaryOperator.NotEqual:
                // Cedar reads `a != b` as `!(a == b)`.
                return Equality(prior, binary).Then((type, _) => type switch
                {
                    { IsTrue: true } => Answer.Success(CedarType.False),
                    { IsFalse: true } => Answer.Success(CedarType.True),
                    _ => Answer.Success(CedarType.Bool),
                });
            case BinaryOperator.Less or BinaryOperator.LessOrEqual:
                return Comparison(prior, binary, binary.Left, binary.Right);
            case BinaryOperator.Greater or BinaryOperator.GreaterOrEqual:
                return Comparison(prior, binary, binary.Right, binary.Left);
            case BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply:
                var name = binary.Operator switch { BinaryOperator.Add => "`+`", BinaryOperator.Subtract => "`-`", _ => "`*`" };
                return ExpectType(prior, binary.Left, CedarType.Long, name)
                    .Then((_, _) => ExpectType(prior, binary.Right, CedarType.Long, name).Then((_, _) => Answer.Success(CedarType.Long)));
            case BinaryOperator.In:
                return In(prior, binary);
            case BinaryOperator.Contains:
                return ExpectType(prior, binary.Left, CedarType.AnySet, "`contains`").Then((set, _) =>
                    Typecheck(prior, binary.Right).Then((element, _) =>
                        StrictEquality(binary.Position, "`contains` (the set's elements and the value)", CedarType.Bool, (set as SetType)?.Element, element)));
            case BinaryOperator.ContainsAll or BinaryOperator.ContainsAny:
                var method = binary.Operator == BinaryOperator.ContainsAll ? "`containsAll`" : "`containsAny`";
                return ExpectType(prior, binary.Left, CedarType.AnySet, method).Then((left, _) =>
                    ExpectType(prior, binary.Right, CedarType.AnySet, method).Then((right, _) =>
                        StrictEquality(binary.Position, $"{method} (the two sets)", CedarType.Bool, left, right)));
            case BinaryOperator.HasTag:
                return HasTag(prior, binary);
            default:
                return GetTag(prior, binary);
        }
    }

    private Answer Equality(ImmutableHashSet<Capability> prior, BinaryExpr binary)
    {
        var leftAnswer = Typecheck(prior, binary.Left);
        var rightAnswer = Typecheck(prior, binary.Right);
        return leftAnswer.Then((left, _) => rightAnswer.Then((right, _) =>
        {
            CedarType type;
            if (left is not null && right is not null && CedarType.AreDisjoint(left, right))
            {
                type = CedarType.False;
            }
            else if (AsLiteral(binary.Left) is { } l && AsLiteral(binary.Right) is { } r)
            {
                type = CedarType.Singleton(l == r);
            }
            else
            {
                type = CedarType.Bool;
            }
            var name = binary.Operator == BinaryOperator.Equal ? "`==`" : "`!=`";
            return StrictEquality(binary.Position, $"{name} (its two sides)", type, left, right);
        }));
    }

    /// <summary>Strict mode rejects comparing values of types that have no common type, unless the answer is known anyway.</summary>
    private Answer StrictEquality(SourcePosition position, string what, CedarType type, CedarType? left, CedarType? right)
    {
        if (type is BoolType { Kind: not BoolKind.Any } || left is null || right is null)
        {
            return Answer.Success(type);
        }
        if (CedarType.LeastUpperBound(left, right) is null)
        {
            report(position, $"{what} has incompatible types {left} and {right}, so the comparison can never hold");
            return Answer.Fail(type);
        }
        return Answer.Success(type);
    }

    /// <summary>A literal, or the action variable as the environment's action.</summary>
    private Value? AsLiteral(Expr expr) => expr switch
    {
        LiteralExpr literal => literal.Value,
        VariableExpr { Variable: Variable.Action } => Value.FromEntity(environment.Action),
        _ => null,
    };

    private static bool IsComparable(CedarType type) => type is LongType or ExtensionType { Name: "datetime" or "duration" };

    private Answer Comparison(ImmutableHashSet<Capability> prior, BinaryExpr binary, Expr first, Expr second) =>
        Typecheck(prior, first).Then((left, _) => Typecheck(prior, second).Then((right, _) =>
        {
            const string Expected = "Long, datetime or duration";
            switch (left, right)
            {
                case (NeverType, NeverType):
                    return Answer.Fail(CedarType.Bool);
                case (NeverType, not null) when !IsComparable(right):
                    return Mismatch(second, Expected, right);
                case (not null, NeverType) when !IsComparable(left):
                    return Mismatch(first, Expected, left);
                case (NeverType, not null) or (not null, NeverType):
                    return Answer.Success(CedarType.Bool);
                case (not null, not null) when left == right && IsComparable(left):
                    return Answer.Success(CedarType.Bool);
                case (LongType, not null):
                    return Mismatch(second, "Long", right);
                case (not null, LongType):
                    return Mismatch(first, "Long", left);
                case (not null, not null) when IsComparable(left):
                    return Mismatch(second, left.ToString(), right);
                case (not null, not null) when IsComparable(right):
                    return Mismatch(first, right.ToString(), left);
                case (not null, not null):
                    Mismatch(first, Expected, left);
                    return Mismatch(second, Expected, right);
                default:
                    return Answer.Fail(CedarType.Bool);
            }
        }));

    private Answer Mismatch(Expr where, string expected, CedarType actual)
    {
        report(where.Position, $"expected {expected}, found {actual}");
        return Answer.Fail(CedarType.Bool);
    }

    private Answer In(ImmutableHashSet<Capability> prior, BinaryExpr binary)
    {
        var leftAnswer = ExpectType(prior, binary.Left, CedarType.AnyEntity, "the left of `in` (use `contains` for sets)");
        var rightAnswer = ExpectOneOf(prior, binary.Right, [SetOfEntities, CedarType.AnyEntity], "the right of `in`");
        var ok = leftAnswer.Ok && rightAnswer.Ok;
        return leftAnswer.Then((left, _) => rightAnswer.Then((right, _) =>
        {
            if (!ok)
            {
                return Answer.Fail(CedarType.Bool);
            }
            if (AsLiteral(binary.Left) is { Kind: ValueKind.Entity } member && member.AsEntity.Type.IsAction && LiteralGroups(binary.Right) is { } groups)
            {
                return ActionInGroups(member.AsEntity, groups);
            }
            var memberType = left?.EntityTypeName;
            var groupType = right switch
            {
                SetType { Element: { } element } => element.EntityTypeName,
                _ => right?.EntityTypeName,
            };
            if (memberType is not null && groupType is not null
                && !schema.TypesIn(groupType).Contains(memberType) && !schema.ActionTypeMayBeIn(memberType, groupType))
            {
                return Answer.Success(CedarType.False);
            }
            return Answer.Success(CedarType.Bool);
        }));
    }

    /// <summary>The entities of the right of <c>in</c> when it is a literal, the action, or a set of those.</summary>
    private List<EntityUid>? LiteralGroups(Expr expr)
    {
        if (AsLiteral(expr) is { Kind: ValueKind.Entity } single)
        {
            return [single.AsEntity];
        }
        if (expr is not SetExpr set)
        {
            return null;
        }
        var groups = new List<EntityUid>();
        foreach (var element in set.Elements)
        {
            if (AsLiteral(element) is not { Kind: ValueKind.Entity } value)
            {
                return null;
            }
            groups.Add(value.AsEntity);
        }
        return groups;
    }

    /// <summary>An action <c>in</c> literal groups is decided by the schema's action hierarchy (an action is never in a non-action).</summary>
    private Answer ActionInGroups(EntityUid action, List<EntityUid> groups)
    {
        var actionGroups = groups.Where(g => g.Type.IsAction).ToList();
        if (actionGroups.Count == 0)
        {
            return Answer.Success(CedarType.False);
        }
        return schema.ActionsIn(actionGroups) is { } members
            ? Answer.Success(CedarType.Singleton(members.Contains(action)))
            : Answer.Fail(CedarType.Bool);
    }

    private Answer HasTag(ImmutableHashSet<Capability> prior, BinaryExpr binary) =>
        ExpectType(prior, binary.Left, CedarType.AnyEntity, "`hasTag`").Then((entity, _) =>
            ExpectType(prior, binary.Right, CedarType.String, "the tag name of `hasTag`").Then((_, _) =>
            {
                if (entity is null)
                {
                    return Answer.Fail(null);
                }
                var capability = new Capability(binary.Left, null, binary.Right);
                var type = TagTypes(entity).Count == 0 ? CedarType.False
                    : prior.Contains(capability) ? CedarType.True
                    : CedarType.Bool;
                return Answer.Success(type, [capability]);
            }));

    private Answer GetTag(ImmutableHashSet<Capability> prior, BinaryExpr binary) =>
        ExpectType(prior, binary.Left, CedarType.AnyEntity, "`getTag`").Then((entity, _) =>
            ExpectType(prior, binary.Right, CedarType.String, "the tag name of `getTag`").Then((_, _) =>
            {
                if (entity is null)
                {
                    return Answer.Fail(null);
                }
                if (!prior.Contains(new Capability(binary.Left, null, binary.Right)))
                {
                    report(binary.Position, $"a tag of {entity} is read without testing it first: guard `getTag` with `hasTag` on the same entity and tag");
                    return Answer.Fail(null);
                }
                var tags = TagTypes(entity);
                if (tags.Count == 0)
                {
                    report(binary.Position, $"{entity} has no tags in the schema");
                    return Answer.Fail(null);
                }
                var type = tags.Aggregate<CedarType, CedarType?>(CedarType.Never, (lub, next) => lub is null ? null : CedarType.LeastUpperBound(lub, next));
                if (type is null)
                {
                    report(binary.Position, $"the tags that {entity} may have are of incompatible types {string.Join(", ", tags)}");
                    return Answer.Fail(null);
                }
                return Answer.Success(type);
            }));

    private List<CedarType> TagTypes(CedarType entity) => entity switch
    {
        EntityRefType named => schema.Tags(named.EntityType) is { } tags ? [tags] : [],
        AnyEntityType => schema.AllTags.Distinct().ToList(),
        _ => [],
    };

    private Answer GetAttribute(ImmutableHashSet<Capability> prior, GetAttrExpr get) =>
        ExpectOneOf(prior, get.Target, [CedarType.AnyEntity, CedarType.AnyRecord], $"`.{get.Attribute}`").Then((target, _) =>
        {
            if (target is null)
            {
                return Answer.Fail(null);
            }
            switch (LookupAttribute(target, get.Attribute))
            {
                case { Required: true } attribute:
                    return Answer.Success(attribute.Type);
                case { } attribute when prior.Contains(new Capability(get.Target, get.Attribute, null)):
                    return Answer.Success(attribute.Type);
                case { } attribute:
                    report(get.Position, $"attribute `{get.Attribute}` of {Describe(target)} is optional: test `… has {get.Attribute}` before reading it");
                    return Answer.Fail(attribute.Type);
                default:
                    var known = KnownAttributes(target);
                    var hint = Suggestions.Closest(get.Attribute, known) is { } closest ? $"did you mean `{closest}`? " : "";
                    report(get.Position, $"{Describe(target)} has no attribute `{get.Attribute}`"
                        + (known.Count == 0 ? "" : $" ({hint}it has: {string.Join(", ", known)})"));
                    return Answer.Fail(null);
            }
        });

    private Answer HasAttribute(ImmutableHashSet<Capability> prior, HasAttrExpr has) =>
        ExpectOneOf(prior, has.Target, [CedarType.AnyEntity, CedarType.AnyRecord], $"`has {has.Attribute}`").Then((target, _) =>
        {
            if (target is null)
            {
                return Answer.Fail(CedarType.Bool);
            }
            var capability = new Capability(has.Target, has.Attribute, null);
            switch (LookupAttribute(target, has.Attribute))
            {
                case { Required: true }:
                    // An entity need not exist, so even a required attribute may be missing; a record's may not.
                    var known = target is RecordType || prior.Contains(capability);
                    return Answer.Success(known ? CedarType.True : CedarType.Bool, [capability]);
                case not null:
                    return Answer.Success(prior.Contains(capability) ? CedarType.True : CedarType.Bool, [capability]);
                default:
                    return Answer.Success(MayHaveAttribute(target, has.Attribute) ? CedarType.Bool : CedarType.False);
            }
        });

    private AttributeType? LookupAttribute(CedarType type, string attribute) => type switch
    {
        RecordType record => record.Attributes.GetValueOrDefault(attribute),
        EntityRefType entity => schema.Attributes(entity.EntityType)?.Attributes.GetValueOrDefault(attribute),
        _ => null,
    };

    private bool MayHaveAttribute(CedarType type, string attribute) => type switch
    {
        NeverType or AnyEntityType => true,
        RecordType record => record.Open || record.Attributes.ContainsKey(attribute),
        EntityRefType entity => schema.Attributes(entity.EntityType)?.Attributes.ContainsKey(attribute) ?? false,
        _ => false,
    };

    private List<string> KnownAttributes(CedarType type) => type switch
    {
        RecordType record => record.Attributes.Keys.Order(StringComparer.Ordinal).ToList(),
        EntityRefType entity => schema.Attributes(entity.EntityType)?.Attributes.Keys.Order(StringComparer.Ordinal).ToList() ?? [],
        _ => [],
    };

    private static string Describe(CedarType type) => type switch
    {
        RecordType => $"the record {type}",
        _ => $"entity type `{type}`",
    };

    private Answer Is(ImmutableHashSet<Capability> prior, IsExpr isType) =>
        ExpectType(prior, isType.Target, CedarType.AnyEntity, "`is`").Then((target, _) => target switch
        {
            AnyEntityType => Answer.Success(CedarType.Bool),
            not null when target.EntityTypeName is { } name => Answer.Success(CedarType.Singleton(name == isType.EntityType)),
            _ => Answer.Fail(CedarType.Bool),
        });

    private Answer Set(ImmutableHashSet<Capability> prior, SetExpr set)
    {
        var answers = set.Elements.Select(element => Typecheck(prior, element)).ToList();
        var ok = answers.All(a => a.Ok);
        CedarType? element = null;
        if (answers.All(a => a.Type is not null))
        {
            element = CedarType.Never;
            foreach (var answer in answers)
            {
                element = CedarType.LeastUpperBound(element, answer.Type!);
                if (element is null)
                {
                    report(set.Position, $"the elements of a set must have one type; this set mixes {string.Join(", ", answers.Select(a => a.Type).Distinct())}");
                    break;
                }
            }
        }
        if (answers.Count == 0)
        {
            report(set.Position, "an empty set literal `[]` has no element type, which strict validation requires");
            return Answer.Fail(null);
        }
        var result = element is null ? Answer.Fail(null) : Answer.Success(new SetType(element));
        return ok ? result : result.AsFail();
    }

    private Answer Record(ImmutableHashSet<Capability> prior, RecordExpr record)
    {
        var answers = record.Attributes.Select(attribute => (attribute.Key, Answer: Typecheck(prior, attribute.Value))).ToList();
        var ok = answers.All(a => a.Answer.Ok);
        if (answers.Any(a => a.Answer.Type is null))
        {
            return Answer.Fail(null);
        }
        var type = new RecordType(answers.ToDictionary(a => a.Key, a => new AttributeType(a.Answer.Type!, Required: true), StringComparer.Ordinal), Open: false);
        return ok ? Answer.Success(type) : Answer.Fail(type);
    }

    private Answer Extension(ImmutableHashSet<Capability> prior, ExtensionCallExpr call)
    {
        if (!ExtensionSignatures.TryGet(call.Function, out var signature))
        {
            report(call.Position, $"`{call.Function}` is not an extension function");
            CheckAll(prior, call.Arguments);
            return Answer.Fail(null);
        }
        var failed = false;
        if (call.Arguments.Count != signature.Parameters.Length)
        {
            report(call.Position, $"`{call.Function}` takes {signature.Parameters.Length} argument(s), {call.Arguments.Count} given");
            failed = true;
        }
        if (signature.IsConstructor && call.Arguments.Count == 1)
        {
            if (call.Arguments[0] is LiteralExpr { Value.Kind: ValueKind.String } literal)
            {
                if (ExtensionSignatures.CheckLiteral(call.Function, literal.Value.AsString) is { } problem)
                {
                    report(call.Position, $"`{call.Function}(\"{literal.Value.AsString}\")` is not a valid {signature.Result}: {problem}");
                    failed = true;
                }
            }
            else if (call.Arguments[0] is not LiteralExpr)
            {
                report(call.Position, $"`{call.Function}` must be given a literal string: strict validation checks its argument when the policy is loaded");
                failed = true;
            }
        }
        if (failed)
        {
            CheckAll(prior, call.Arguments);
            return Answer.Fail(signature.Result);
        }
        var answers = call.Arguments.Select((argument, i) => ExpectType(prior, argument, signature.Parameters[i], $"argument {i + 1} of `{call.Function}`")).ToList();
        return answers.All(a => a.Ok) ? Answer.Success(signature.Result) : Answer.Fail(signature.Result);
    }

    /// <summary>Checks arguments only for the errors they hold: the call has already failed.</summary>
    private void CheckAll(ImmutableHashSet<Capability> prior, EquatableArray<Expr> arguments)
    {
        foreach (var argument in arguments)
        {
            Typecheck(prior, argument);
        }
    }

    private Answer ExpectType(ImmutableHashSet<Capability> prior, Expr expr, CedarType expected, string where) =>
        ExpectOneOf(prior, expr, [expected], where);

    private Answer ExpectOneOf(ImmutableHashSet<Capability> prior, Expr expr, CedarType[] expected, string where)
    {
        var answer = Typecheck(prior, expr);
        if (answer.Type is null)
        {
            return Answer.Fail(null);
        }
        if (!expected.Any(type => CedarType.IsSubtype(answer.Type, type, strict: false)))
        {
            report(expr.Position, $"{where} expects {string.Join(" or ", expected.Select(Expectation))}, found {answer.Type}");
            return Answer.Fail(null);
        }
        return answer;
    }

    private static string Expectation(CedarType type) => type switch
    {
        BoolType => "a boolean",
        LongType => "a Long",
        StringType => "a String",
        SetType { Element: AnyEntityType } => "a set of entities",
        _ => type.ToString(),
    };

    private CedarType? LeastUpperBound(SourcePosition position, string what, CedarType? a, CedarType? b)
    {
        if (a is null || b is null)
        {
            return null;
        }
        if (CedarType.LeastUpperBound(a, b) is { } type)
        {
            return type;
        }
        report(position, $"{what} have incompatible types {a} and {b}");
        return null;
    }
}
