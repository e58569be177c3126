using System.Runtime.CompilerServices;
using Custos.Cedar.Extensions;
using Custos.Cedar.Syntax;

namespace Custos.Cedar.Evaluation;

/// <summary>
/// A compiled expression. Policies are compiled once into trees of these nodes, each
/// specialised for its operator, so that evaluating is a chain of virtual calls over structs:
/// no boxing of integers or booleans, no exceptions (errors are values), no allocation unless the
/// expression itself builds a set, a record, a string-derived extension value or an error.
/// </summary>
internal abstract class Node
{
    public abstract Value Evaluate(EvaluationContext context);
}

internal sealed class ConstantNode(Value value) : Node
{
    public Value Value { get; } = value;

    public override Value Evaluate(EvaluationContext context) => Value;
}

internal sealed class PrincipalNode : Node
{
    public override Value Evaluate(EvaluationContext context) => Value.FromEntity(context.Principal);
}

internal sealed class ActionNode : Node
{
    public override Value Evaluate(EvaluationContext context) => Value.FromEntity(context.Action);
}

internal sealed class ResourceNode : Node
{
    public override Value Evaluate(EvaluationContext context) => Value.FromEntity(context.Resource);
}

internal sealed class ContextNode : Node
{
    public override Value Evaluate(EvaluationContext context) => context.Context;
}

internal sealed class ErrorNode(EvaluationErrorKind kind, string message) : Node
{
    private readonly Value _error = EvaluationError.Of(kind, message);

    public override Value Evaluate(EvaluationContext context) => _error;
}

internal sealed class NotNode(Node operand) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var value = operand.Evaluate(context);
        if (value.Kind == ValueKind.Bool)
        {
            return value.Number != 0 ? Value.False : Value.True;
        }
        return value.IsError ? value : EvaluationError.TypeError("bool", value);
    }
}

internal sealed class NegateNode(Node operand) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var value = operand.Evaluate(context);
        if (value.Kind != ValueKind.Long)
        {
            return value.IsError ? value : EvaluationError.TypeError("long", value);
        }
        return value.Number == long.MinValue ? EvaluationError.Overflow("negation") : Value.FromLong(-value.Number);
    }
}

internal sealed class IsEmptyNode(Node operand) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var value = operand.Evaluate(context);
        if (value.Kind != ValueKind.Set)
        {
            return value.IsError ? value : EvaluationError.TypeError("set", value);
        }
        return Value.FromBool(((SetValue)value.Object!).Count == 0);
    }
}

internal sealed class AndNode(Node left, Node right) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var l = left.Evaluate(context);
        if (l.Kind != ValueKind.Bool)
        {
            return l.IsError ? l : EvaluationError.TypeError("bool", l);
        }
        if (l.Number == 0)
        {
            return l;
        }
        var r = right.Evaluate(context);
        if (r.Kind != ValueKind.Bool)
        {
            return r.IsError ? r : EvaluationError.TypeError("bool", r);
        }
        return r;
    }
}

internal sealed class OrNode(Node left, Node right) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var l = left.Evaluate(context);
        if (l.Kind != ValueKind.Bool)
        {
            return l.IsError ? l : EvaluationError.TypeError("bool", l);
        }
        if (l.Number != 0)
        {
            return l;
        }
        var r = right.Evaluate(context);
        if (r.Kind != ValueKind.Bool)
        {
            return r.IsError ? r : EvaluationError.TypeError("bool", r);
        }
        return r;
    }
}

internal sealed class IfNode(Node condition, Node then, Node otherwise) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var c = condition.Evaluate(context);
        if (c.Kind != ValueKind.Bool)
        {
            return c.IsError ? c : EvaluationError.TypeError("bool", c);
        }
        return c.Number != 0 ? then.Evaluate(context) : otherwise.Evaluate(context);
    }
}

internal sealed class EqualNode(Node left, Node right, bool negate) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var l = left.Evaluate(context);
        if (l.IsError)
        {
            return l;
        }
        var r = right.Evaluate(context);
        if (r.IsError)
        {
            return r;
        }
        return Value.FromBool(l.Equals(r) != negate);
    }
}

/// <summary><c>e == constant</c>, the commonest comparison in policies.</summary>
internal sealed class EqualConstantNode(Node operand, Value constant, bool negate) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var value = operand.Evaluate(context);
        return value.IsError ? value : Value.FromBool(value.Equals(constant) != negate);
    }
}

/// <summary><c>&lt; &lt;= &gt; &gt;=</c> over longs, and over datetimes and durations (each with its own kind).</summary>
internal sealed class CompareNode(Node left, Node right, BinaryOperator op) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var l = left.Evaluate(context);
        if (l.IsError)
        {
            return l;
        }
        var r = right.Evaluate(context);
        if (r.IsError)
        {
            return r;
        }
        if (l.Kind is not (ValueKind.Long or ValueKind.Datetime or ValueKind.Duration))
        {
            return EvaluationError.TypeError("long, datetime or duration", l);
        }
        if (r.Kind != l.Kind)
        {
            return EvaluationError.TypeError(Value.TypeName(l.Kind), r);
        }
        var (a, b) = (l.Number, r.Number);
        return Value.FromBool(op switch
        {
            BinaryOperator.Less => a < b,
            BinaryOperator.LessOrEqual => a <= b,
            BinaryOperator.Greater => a > b,
            _ => a >= b,
        });
    }
}

internal sealed class ArithmeticNode(Node left, Node right, BinaryOperator op) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var l = left.Evaluate(context);
        if (l.Kind != ValueKind.Long)
        {
            return l.IsError ? l : EvaluationError.TypeError("long", l);
        }
        var r = right.Evaluate(context);
        if (r.Kind != ValueKind.Long)
        {
            return r.IsError ? r : EvaluationError.TypeError("long", r);
        }
        var (a, b) = (l.Number, r.Number);
        switch (op)
        {
            case BinaryOperator.Add:
                var sum = unchecked(a + b);
                return ((a ^ sum) & (b ^ sum)) < 0 ? EvaluationError.Overflow($"{a} + {b}") : Value.FromLong(sum);
            case BinaryOperator.Subtract:
                var difference = unchecked(a - b);
                return ((a ^ b) & (a ^ difference)) < 0 ? EvaluationError.Overflow($"{a} - {b}") : Value.FromLong(difference);
            default:
                var high = Math.BigMul(a, b, out var low);
                return high != (low >> 63) ? EvaluationError.Overflow($"{a} * {b}") : Value.FromLong(low);
        }
    }
}

internal sealed class InNode(Node left, Node right) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var l = left.Evaluate(context);
        if (l.Kind != ValueKind.Entity)
        {
            return l.IsError ? l : EvaluationError.TypeError("entity", l);
        }
        var r = right.Evaluate(context);
        if (r.IsError)
        {
            return r;
        }
        return Apply(context, (EntityUid)l.Object!, r);
    }

    internal static Value Apply(EvaluationContext context, EntityUid descendant, Value ancestors)
    {
        if (ancestors.Kind == ValueKind.Entity)
        {
            return Value.FromBool(context.IsIn(descendant, (EntityUid)ancestors.Object!));
        }
        if (ancestors.Kind != ValueKind.Set)
        {
            return EvaluationError.TypeError("entity or set of entities", ancestors);
        }
        var elements = ((SetValue)ancestors.Object!).Span;
        // Every element must be an entity, even after a match is found.
        foreach (var element in elements)
        {
            if (element.Kind != ValueKind.Entity)
            {
                return EvaluationError.TypeError("entity", element);
            }
        }
        var entity = context.Find(descendant);
        foreach (var element in elements)
        {
            var ancestor = (EntityUid)element.Object!;
            if (descendant.Equals(ancestor) || (entity is not null && entity.HasAncestor(ancestor)))
            {
                return Value.True;
            }
        }
        return Value.False;
    }
}

/// <summary><c>e in Type::"id"</c> with a literal on the right, as in most hierarchy checks.</summary>
internal sealed class InEntityNode(Node left, EntityUid ancestor) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var l = left.Evaluate(context);
        if (l.Kind != ValueKind.Entity)
        {
            return l.IsError ? l : EvaluationError.TypeError("entity", l);
        }
        return Value.FromBool(context.IsIn((EntityUid)l.Object!, ancestor));
    }
}

internal sealed class ContainsNode(Node left, Node right) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var l = left.Evaluate(context);
        if (l.IsError)
        {
            return l;
        }
        var r = right.Evaluate(context);
        if (r.IsError)
        {
            return r;
        }
        return l.Kind == ValueKind.Set ? Value.FromBool(((SetValue)l.Object!).Contains(r)) : EvaluationError.TypeError("set", l);
    }
}

internal sealed class ContainsAllAnyNode(Node left, Node right, bool all) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var l = left.Evaluate(context);
        if (l.IsError)
        {
            return l;
        }
        var r = right.Evaluate(context);
        if (r.IsError)
        {
            return r;
        }
        if (l.Kind != ValueKind.Set)
        {
            return EvaluationError.TypeError("set", l);
        }
        if (r.Kind != ValueKind.Set)
        {
            return EvaluationError.TypeError("set", r);
        }
        var (a, b) = ((SetValue)l.Object!, (SetValue)r.Object!);
        return Value.FromBool(all ? a.ContainsAll(b) : a.ContainsAny(b));
    }
}

internal sealed class TagNode(Node left, Node right, bool get) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var l = left.Evaluate(context);
        if (l.IsError)
        {
            return l;
        }
        var r = right.Evaluate(context);
        if (r.IsError)
        {
            return r;
        }
        if (l.Kind != ValueKind.Entity)
        {
            return EvaluationError.TypeError("entity", l);
        }
        if (r.Kind != ValueKind.String)
        {
            return EvaluationError.TypeError("string", r);
        }
        var uid = (EntityUid)l.Object!;
        var key = (string)r.Object!;
        var entity = context.Find(uid);
        if (!get)
        {
            return Value.FromBool(entity is not null && entity.Tags.ContainsKey(key));
        }
        if (entity is null)
        {
            return EvaluationError.Of(EvaluationErrorKind.EntityDoesNotExist, $"entity {uid} does not exist");
        }
        return entity.Tags.TryGetValue(key, out var tag)
            ? tag
            : EvaluationError.Of(EvaluationErrorKind.TagDoesNotExist, $"{uid} has no tag `{key}`");
    }
}

internal sealed class GetAttrNode(Node target, string attribute) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var value = target.Evaluate(context);
        switch (value.Kind)
        {
            case ValueKind.Record:
                return ((RecordValue)value.Object!).TryGetValue(attribute, out var field)
                    ? field
                    : EvaluationError.Of(EvaluationErrorKind.AttributeDoesNotExist, $"record does not have the attribute `{attribute}`");
            case ValueKind.Entity:
                var uid = (EntityUid)value.Object!;
                var entity = context.Find(uid);
                if (entity is null)
                {
                    return EvaluationError.Of(EvaluationErrorKind.EntityDoesNotExist, $"entity {uid} does not exist");
                }
                return entity.Attributes.TryGetValue(attribute, out var attr)
                    ? attr
                    : EvaluationError.Of(EvaluationErrorKind.AttributeDoesNotExist, $"{uid} does not have the attribute `{attribute}`");
            default:
                return value.IsError ? value : EvaluationError.TypeError("entity or record", value);
        }
    }
}

internal sealed class HasAttrNode(Node target, string attribute) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var value = target.Evaluate(context);
        switch (value.Kind)
        {
            case ValueKind.Record:
                return Value.FromBool(((RecordValue)value.Object!).ContainsKey(attribute));
            case ValueKind.Entity:
                var entity = context.Find((EntityUid)value.Object!);
                return Value.FromBool(entity is not null && entity.Attributes.ContainsKey(attribute));
            default:
                return value.IsError ? value : EvaluationError.TypeError("entity or record", value);
        }
    }
}

internal sealed class LikeNode(Node target, Pattern pattern) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var value = target.Evaluate(context);
        if (value.Kind != ValueKind.String)
        {
            return value.IsError ? value : EvaluationError.TypeError("string", value);
        }
        return Value.FromBool(pattern.Matches((string)value.Object!));
    }
}

internal sealed class IsNode(Node target, EntityType type, Node? inNode) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var value = target.Evaluate(context);
        if (value.Kind != ValueKind.Entity)
        {
            return value.IsError ? value : EvaluationError.TypeError("entity", value);
        }
        var uid = (EntityUid)value.Object!;
        if (!ReferenceEquals(uid.Type, type))
        {
            return Value.False;
        }
        if (inNode is null)
        {
            return Value.True;
        }
        var ancestors = inNode.Evaluate(context);
        return ancestors.IsError ? ancestors : InNode.Apply(context, uid, ancestors);
    }
}

internal sealed class SetNode(Node[] elements) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var values = new Value[elements.Length];
        for (var i = 0; i < elements.Length; i++)
        {
            var value = elements[i].Evaluate(context);
            if (value.IsError)
            {
                return value;
            }
            values[i] = value;
        }
        return Value.FromSet(SetValue.FromBuffer(values));
    }
}

/// <summary>A record literal; its keys were sorted at compile time, its values are evaluated in source order.</summary>
internal sealed class RecordNode(string[] sortedKeys, int[] sourceOrder, Node[] valuesInKeyOrder) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var values = new Value[valuesInKeyOrder.Length];
        foreach (var index in sourceOrder)
        {
            var value = valuesInKeyOrder[index].Evaluate(context);
            if (value.IsError)
            {
                return value;
            }
            values[index] = value;
        }
        return Value.FromRecord(RecordValue.FromSorted(sortedKeys, values));
    }
}

internal sealed class UnaryCallNode(Func<Value, Value> function, Node argument) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var value = argument.Evaluate(context);
        return value.IsError ? value : function(value);
    }
}

internal sealed class BinaryCallNode(Func<Value, Value, Value> function, Node first, Node second) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        var a = first.Evaluate(context);
        if (a.IsError)
        {
            return a;
        }
        var b = second.Evaluate(context);
        return b.IsError ? b : function(a, b);
    }
}

/// <summary>A call with the wrong number of arguments: evaluates them (an error among them wins), then fails.</summary>
internal sealed class WrongArityNode(ExtensionFunction function, Node[] arguments) : Node
{
    public override Value Evaluate(EvaluationContext context)
    {
        foreach (var argument in arguments)
        {
            var value = argument.Evaluate(context);
            if (value.IsError)
            {
                return value;
            }
        }
        return function.WrongArity(arguments.Length);
    }
}

internal static class NodeExtensions
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsConstant(this Node node, out Value value)
    {
        if (node is ConstantNode constant)
        {
            value = constant.Value;
            return true;
        }
        value = default;
        return false;
    }
}
