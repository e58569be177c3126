using Custos.Cedar.Extensions;
using Custos.Cedar.Syntax;

namespace Custos.Cedar.Evaluation;

/// <summary>
/// Turns an expression tree into a tree of specialised <see cref="Node"/>s. Subtrees that read
/// neither the request nor the entities are evaluated here, once: <c>ip("10.0.0.0/8")</c>,
/// <c>datetime("2024-01-01")</c>, constant sets and records become constants, so a policy does not
/// parse the same string on every request.
/// </summary>
internal static class Compiler
{
    public static Node Compile(Expr expr) => expr switch
    {
        LiteralExpr literal => new ConstantNode(literal.Value),
        VariableExpr variable => variable.Variable switch
        {
            Variable.Principal => new PrincipalNode(),
            Variable.Action => new ActionNode(),
            Variable.Resource => new ResourceNode(),
            _ => new ContextNode(),
        },
        SlotExpr slot => new ErrorNode(EvaluationErrorKind.UnlinkedSlot, $"the template slot ?{slot.Slot.ToString().ToLowerInvariant()} is not linked"),
        UnaryExpr unary => CompileUnary(unary),
        AndExpr and => CompileAnd(and),
        OrExpr or => CompileOr(or),
        IfExpr conditional => CompileIf(conditional),
        BinaryExpr binary => CompileBinary(binary),
        GetAttrExpr get => new GetAttrNode(Compile(get.Target), string.Intern(get.Attribute)),
        HasAttrExpr has => new HasAttrNode(Compile(has.Target), string.Intern(has.Attribute)),
        LikeExpr like => CompileLike(like),
        IsExpr isExpr => new IsNode(Compile(isExpr.Target), isExpr.EntityType, isExpr.In is null ? null : Compile(isExpr.In)),
        SetExpr set => CompileSet(set),
        RecordExpr record => CompileRecord(record),
        ExtensionCallExpr call => CompileCall(call),
        _ => throw new ArgumentException($"unknown expression {expr.GetType().Name}", nameof(expr)),
    };

    /// <summary>Replaces a node by its value when all its operands are constants.</summary>
    private static Node Fold(Node node, params Node[] operands)
    {
        foreach (var operand in operands)
        {
            if (operand is not ConstantNode)
            {
                return node;
            }
        }
        return new ConstantNode(node.Evaluate(EvaluationContext.Constant));
    }

    private static Node CompileUnary(UnaryExpr unary)
    {
        var operand = Compile(unary.Operand);
        Node node = unary.Operator switch
        {
            UnaryOperator.Not => new NotNode(operand),
            UnaryOperator.Negate => new NegateNode(operand),
            _ => new IsEmptyNode(operand),
        };
        return Fold(node, operand);
    }

    private static Node CompileLike(LikeExpr like)
    {
        var target = Compile(like.Target);
        return Fold(new LikeNode(target, like.Pattern), target);
    }

    private static Node CompileAnd(AndExpr and)
    {
        var left = Compile(and.Left);
        var right = Compile(and.Right);
        if (left.IsConstant(out var l))
        {
            // `true && e` is e only when e is a boolean; keep the type check otherwise.
            if (l.Kind == ValueKind.Bool && l.Number == 0)
            {
                return left;
            }
            return Fold(new AndNode(left, right), right);
        }
        return new AndNode(left, right);
    }

    private static Node CompileOr(OrExpr or)
    {
        var left = Compile(or.Left);
        var right = Compile(or.Right);
        if (left.IsConstant(out var l) && l.Kind == ValueKind.Bool && l.Number != 0)
        {
            return left;
        }
        return Fold(new OrNode(left, right), left, right);
    }

    private static Node CompileIf(IfExpr conditional)
    {
        var condition = Compile(conditional.Condition);
        var then = Compile(conditional.Then);
        var otherwise = Compile(conditional.Else);
        if (condition.IsConstant(out var c) && c.Kind == ValueKind.Bool)
        {
            return c.Number != 0 ? then : otherwise;
        }
        return Fold(new IfNode(condition, then, otherwise), condition);
    }

    private static Node CompileBinary(BinaryExpr binary)
    {
        var left = Compile(binary.Left);
        var right = Compile(binary.Right);
        switch (binary.Operator)
        {
            case BinaryOperator.Equal or BinaryOperator.NotEqual:
                var negate = binary.Operator == BinaryOperator.NotEqual;
                if (right.IsConstant(out var constant) && !constant.IsError && left is not ConstantNode)
                {
                    return new EqualConstantNode(left, constant, negate);
                }
                if (left.IsConstant(out constant) && !constant.IsError && right is not ConstantNode)
                {
                    return new EqualConstantNode(right, constant, negate);
                }
                return Fold(new EqualNode(left, right, negate), left, right);
            case BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual:
                return Fold(new CompareNode(left, right, binary.Operator), left, right);
            case BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply:
                return Fold(new ArithmeticNode(left, right, binary.Operator), left, right);
            case BinaryOperator.In:
                // The entity store decides `in`, so it is never folded.
                return right.IsConstant(out var ancestor) && ancestor.Kind == ValueKind.Entity
                    ? new InEntityNode(left, (EntityUid)ancestor.Object!)
                    : new InNode(left, right);
            case BinaryOperator.Contains:
                return Fold(new ContainsNode(left, right), left, right);
            case BinaryOperator.ContainsAll or BinaryOperator.ContainsAny:
                return Fold(new ContainsAllAnyNode(left, right, binary.Operator == BinaryOperator.ContainsAll), left, right);
            case BinaryOperator.GetTag or BinaryOperator.HasTag:
                return new TagNode(left, right, binary.Operator == BinaryOperator.GetTag);
            default:
                throw new ArgumentException($"unknown operator {binary.Operator}", nameof(binary));
        }
    }

    private static Node CompileSet(SetExpr set)
    {
        var elements = set.Elements.Select(Compile).ToArray();
        return Fold(new SetNode(elements), elements);
    }

    private static Node CompileRecord(RecordExpr record)
    {
        var count = record.Attributes.Count;
        var keys = new string[count];
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = string.Intern(record.Attributes[i].Key);
            order[i] = i;
        }
        // Sort the keys, remembering where each source position went.
        Array.Sort(keys, order, StringComparer.Ordinal);
        var nodes = new Node[count];
        var sourceOrder = new int[count];
        for (var sorted = 0; sorted < count; sorted++)
        {
            nodes[sorted] = Compile(record.Attributes[order[sorted]].Value);
            sourceOrder[order[sorted]] = sorted;
        }
        return Fold(new RecordNode(keys, sourceOrder, nodes), nodes);
    }

    private static Node CompileCall(ExtensionCallExpr call)
    {
        var arguments = call.Arguments.Select(Compile).ToArray();
        if (!ExtensionFunctions.TryGet(call.Function, out var function))
        {
            return new ErrorNode(EvaluationErrorKind.Other, $"unknown extension function `{call.Function}`");
        }
        Node node = arguments.Length != function.Arity
            ? new WrongArityNode(function, arguments)
            : function.Arity == 1
                ? new UnaryCallNode(function.Unary!, arguments[0])
                : new BinaryCallNode(function.Binary!, arguments[0], arguments[1]);
        return Fold(node, arguments);
    }
}
