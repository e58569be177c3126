using Custos.Cedar.Evaluation;

namespace Custos.Cedar.Syntax;

/// <summary>The four variables of a request.</summary>
public enum Variable
{
    Principal,
    Action,
    Resource,
    Context,
}

/// <summary>The slots of a policy template.</summary>
public enum SlotId
{
    Principal,
    Resource,
}

public enum UnaryOperator
{
    /// <summary><c>!e</c></summary>
    Not,

    /// <summary><c>-e</c></summary>
    Negate,

    /// <summary><c>e.isEmpty()</c></summary>
    IsEmpty,
}

public enum BinaryOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Add,
    Subtract,
    Multiply,
    In,

    /// <summary><c>l.contains(r)</c></summary>
    Contains,

    /// <summary><c>l.containsAll(r)</c></summary>
    ContainsAll,

    /// <summary><c>l.containsAny(r)</c></summary>
    ContainsAny,

    /// <summary><c>l.getTag(r)</c></summary>
    GetTag,

    /// <summary><c>l.hasTag(r)</c></summary>
    HasTag,
}

/// <summary>
/// A Cedar expression. The tree is typed (one record per construct) and compares by value, so
/// that a schema validator can walk it and tests can compare parsed trees. Syntactic sugar is
/// removed by the parser: <c>e has a.b</c> becomes <c>e has a &amp;&amp; e.a has b</c>, and
/// <c>-5</c> is a literal.
/// </summary>
public abstract record Expr
{
    /// <summary>
    /// Where the expression starts in its policy text, for messages (the validator's errors);
    /// not part of equality, so that trees compare by structure whatever their layout.
    /// </summary>
    public SourcePosition Position { get; init; }

    public virtual bool Equals(Expr? other) => other is not null && EqualityContract == other.EqualityContract;

    public override int GetHashCode() => EqualityContract.GetHashCode();
}

/// <summary>A literal: boolean, integer, string or entity reference.</summary>
public sealed record LiteralExpr(Value Value) : Expr;

public sealed record VariableExpr(Variable Variable) : Expr;

/// <summary>A template slot; only the scope of a template holds one.</summary>
public sealed record SlotExpr(SlotId Slot) : Expr;

public sealed record UnaryExpr(UnaryOperator Operator, Expr Operand) : Expr;

public sealed record BinaryExpr(BinaryOperator Operator, Expr Left, Expr Right) : Expr;

public sealed record AndExpr(Expr Left, Expr Right) : Expr;

public sealed record OrExpr(Expr Left, Expr Right) : Expr;

public sealed record IfExpr(Expr Condition, Expr Then, Expr Else) : Expr;

/// <summary><c>e.attr</c> or <c>e["attr"]</c>.</summary>
public sealed record GetAttrExpr(Expr Target, string Attribute) : Expr;

/// <summary><c>e has attr</c>.</summary>
public sealed record HasAttrExpr(Expr Target, string Attribute) : Expr;

public sealed record LikeExpr(Expr Target, Pattern Pattern) : Expr;

/// <summary><c>e is T</c>, or <c>e is T in x</c> when <see cref="In"/> is set.</summary>
public sealed record IsExpr(Expr Target, EntityType EntityType, Expr? In) : Expr;

public sealed record SetExpr(EquatableArray<Expr> Elements) : Expr;

/// <summary>A record literal; keys are distinct and kept in source order.</summary>
public sealed record RecordExpr(EquatableArray<KeyValuePair<string, Expr>> Attributes) : Expr;

/// <summary>
/// A call of an extension function. For a method-style function the receiver is the first
/// argument: <c>a.isInRange(b)</c> is <c>isInRange(a, b)</c>.
/// </summary>
public sealed record ExtensionCallExpr(string Function, EquatableArray<Expr> Arguments) : Expr;
