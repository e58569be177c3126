namespace Custos.Cedar.Syntax;

public enum Effect
{
    Permit,
    Forbid,
}

public enum ScopeOperator
{
    /// <summary>No constraint.</summary>
    Any,

    /// <summary><c>== E</c></summary>
    Equal,

    /// <summary><c>in E</c></summary>
    In,

    /// <summary><c>in [E1, E2]</c> (action only)</summary>
    InSet,

    /// <summary><c>is T</c></summary>
    Is,

    /// <summary><c>is T in E</c></summary>
    IsIn,
}

/// <summary>
/// One constraint of a policy's scope. <see cref="Entity"/> is set for <c>==</c>, <c>in</c> and
/// <c>is … in</c> unless <see cref="Slot"/> is; <see cref="Entities"/> for an action's
/// <c>in [...]</c>; <see cref="EntityType"/> for <c>is</c>.
/// </summary>
public sealed record ScopeConstraint(
    ScopeOperator Operator,
    EntityUid? Entity = null,
    SlotId? Slot = null,
    EntityType? EntityType = null,
    EquatableArray<EntityUid> Entities = default)
{
    public static ScopeConstraint Any { get; } = new(ScopeOperator.Any);
}

/// <summary>An annotation <c>@key("value")</c>; the value is null when none was written.</summary>
public readonly record struct Annotation(string Key, string? Value);

/// <summary>A <c>when</c> or <c>unless</c> clause.</summary>
public readonly record struct Condition(bool IsWhen, Expr Body);

/// <summary>A position in policy text, 1-based.</summary>
public readonly record struct SourcePosition(int Line, int Column)
{
    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>
/// A parsed policy or template, as written: effect, annotations, scope and conditions. It has
/// no id; a <see cref="PolicySet"/> names it. A template has slots in its scope.
/// </summary>
public sealed record PolicyAst(
    Effect Effect,
    EquatableArray<Annotation> Annotations,
    ScopeConstraint Principal,
    ScopeConstraint Action,
    ScopeConstraint Resource,
    EquatableArray<Condition> Conditions)
{
    /// <summary>Where the policy starts in its text (not part of equality).</summary>
    public SourcePosition Position { get; init; }

    public bool IsTemplate => Principal.Slot is not null || Resource.Slot is not null;

    public string? Annotation(string key)
    {
        foreach (var annotation in Annotations)
        {
            if (annotation.Key == key)
            {
                return annotation.Value ?? "";
            }
        }
        return null;
    }

    public bool Equals(PolicyAst? other) =>
        other is not null && Effect == other.Effect && Annotations == other.Annotations && Principal == other.Principal
        && Action == other.Action && Resource == other.Resource && Conditions == other.Conditions;

    public override int GetHashCode() => HashCode.Combine(Effect, Annotations, Principal, Action, Resource, Conditions);

    /// <summary>The policy with its slots replaced by entities (template linking).</summary>
    public PolicyAst Link(IReadOnlyDictionary<SlotId, EntityUid> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return this with { Principal = Fill(Principal, values), Resource = Fill(Resource, values) };
    }

    private static ScopeConstraint Fill(ScopeConstraint constraint, IReadOnlyDictionary<SlotId, EntityUid> values)
    {
        if (constraint.Slot is not { } slot)
        {
            return constraint;
        }
        if (!values.TryGetValue(slot, out var entity))
        {
            throw new ArgumentException($"no value was given for the slot ?{(slot == SlotId.Principal ? "principal" : "resource")}", nameof(values));
        }
        return constraint with { Slot = null, Entity = entity };
    }

    public override string ToString() => Printer.Print(this);
}
