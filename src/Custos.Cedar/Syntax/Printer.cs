using System.Globalization;
using System.Text;
using Custos.Cedar.Evaluation;
using Custos.Cedar.Extensions;

namespace Custos.Cedar.Syntax;

/// <summary>
/// Prints policies and expressions as Cedar text that parses back to the same tree: it adds
/// exactly the parentheses that precedence requires, writes attributes that are not plain
/// identifiers in quoted form, and keeps <c>-(5)</c> (negation of a literal) apart from
/// <c>-5</c> (a negative literal).
/// </summary>
public static class Printer
{
    // Precedence levels, loosest first (the grammar's Expr, Or, And, Relation, Add, Mult, Unary, Member, Primary).
    private const int IfLevel = 0;
    private const int OrLevel = 1;
    private const int AndLevel = 2;
    private const int RelationLevel = 3;
    private const int AddLevel = 4;
    private const int MultiplyLevel = 5;
    private const int UnaryLevel = 6;
    private const int MemberLevel = 7;
    private const int PrimaryLevel = 8;

    public static string Print(Expr expr)
    {
        ArgumentNullException.ThrowIfNull(expr);
        var builder = new StringBuilder();
        Append(builder, expr, IfLevel);
        return builder.ToString();
    }

    public static string Print(PolicyAst policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var builder = new StringBuilder();
        foreach (var annotation in policy.Annotations)
        {
            builder.Append('@').Append(annotation.Key);
            if (annotation.Value is not null)
            {
                builder.Append('(');
                AppendQuoted(builder, annotation.Value, escapeStar: false);
                builder.Append(')');
            }
            builder.Append('\n');
        }
        builder.Append(policy.Effect == Effect.Permit ? "permit" : "forbid").Append(" (\n  principal");
        AppendScope(builder, policy.Principal, SlotId.Principal);
        builder.Append(",\n  action");
        AppendScope(builder, policy.Action, SlotId.Principal);
        builder.Append(",\n  resource");
        AppendScope(builder, policy.Resource, SlotId.Resource);
        builder.Append("\n)");
        foreach (var condition in policy.Conditions)
        {
            builder.Append(condition.IsWhen ? "\nwhen { " : "\nunless { ");
            Append(builder, condition.Body, IfLevel);
            builder.Append(" }");
        }
        builder.Append(';');
        return builder.ToString();
    }

    private static void AppendScope(StringBuilder builder, ScopeConstraint constraint, SlotId slot)
    {
        void Target()
        {
            if (constraint.Slot is not null)
            {
                builder.Append(slot == SlotId.Principal ? "?principal" : "?resource");
            }
            else
            {
                builder.Append(constraint.Entity!.ToString());
            }
        }

        switch (constraint.Operator)
        {
            case ScopeOperator.Equal:
                builder.Append(" == ");
                Target();
                break;
            case ScopeOperator.In:
                builder.Append(" in ");
                Target();
                break;
            case ScopeOperator.InSet:
                builder.Append(" in [").AppendJoin(", ", constraint.Entities.Select(e => e.ToString())).Append(']');
                break;
            case ScopeOperator.Is:
                builder.Append(" is ").Append(constraint.EntityType!.Name);
                break;
            case ScopeOperator.IsIn:
                builder.Append(" is ").Append(constraint.EntityType!.Name).Append(" in ");
                Target();
                break;
        }
    }

    private static int LevelOf(Expr expr) => expr switch
    {
        IfExpr => IfLevel,
        OrExpr => OrLevel,
        AndExpr => AndLevel,
        BinaryExpr { Operator: BinaryOperator.Add or BinaryOperator.Subtract } => AddLevel,
        BinaryExpr { Operator: BinaryOperator.Multiply } => MultiplyLevel,
        BinaryExpr { Operator: BinaryOperator.Contains or BinaryOperator.ContainsAll or BinaryOperator.ContainsAny or BinaryOperator.GetTag or BinaryOperator.HasTag } => MemberLevel,
        BinaryExpr => RelationLevel,
        HasAttrExpr or LikeExpr or IsExpr => RelationLevel,
        UnaryExpr { Operator: UnaryOperator.IsEmpty } => MemberLevel,
        UnaryExpr => UnaryLevel,
        GetAttrExpr => MemberLevel,
        ExtensionCallExpr call when ExtensionFunctions.TryGet(call.Function, out var f) && f.Style == CallStyle.Method => MemberLevel,
        LiteralExpr { Value.Kind: ValueKind.Long } literal when literal.Value.AsLong < 0 => UnaryLevel,
        _ => PrimaryLevel,
    };

    private static void Append(StringBuilder builder, Expr expr, int level)
    {
        var own = LevelOf(expr);
        if (own < level)
        {
            builder.Append('(');
            AppendBare(builder, expr);
            builder.Append(')');
        }
        else
        {
            AppendBare(builder, expr);
        }
    }

    private static void AppendBare(StringBuilder builder, Expr expr)
    {
        switch (expr)
        {
            case LiteralExpr literal:
                literal.Value.AppendTo(builder);
                break;
            case VariableExpr variable:
                builder.Append(variable.Variable switch
                {
                    Variable.Principal => "principal",
                    Variable.Action => "action",
                    Variable.Resource => "resource",
                    _ => "context",
                });
                break;
            case SlotExpr slot:
                builder.Append(slot.Slot == SlotId.Principal ? "?principal" : "?resource");
                break;
            case IfExpr conditional:
                builder.Append("if ");
                Append(builder, conditional.Condition, IfLevel);
                builder.Append(" then ");
                Append(builder, conditional.Then, IfLevel);
                builder.Append(" else ");
                Append(builder, conditional.Else, IfLevel);
                break;
            case OrExpr or:
                Append(builder, or.Left, OrLevel);
                builder.Append(" || ");
                Append(builder, or.Right, AndLevel);
                break;
            case AndExpr and:
                Append(builder, and.Left, AndLevel);
                builder.Append(" && ");
                Append(builder, and.Right, RelationLevel);
                break;
            case UnaryExpr { Operator: UnaryOperator.IsEmpty } isEmpty:
                Append(builder, isEmpty.Operand, MemberLevel);
                builder.Append(".isEmpty()");
                break;
            case UnaryExpr unary:
                builder.Append(unary.Operator == UnaryOperator.Not ? '!' : '-');
                if (unary.Operator == UnaryOperator.Negate && unary.Operand is LiteralExpr { Value.Kind: ValueKind.Long })
                {
                    // -(5) is a negation; -5 would read back as a literal.
                    builder.Append('(');
                    AppendBare(builder, unary.Operand);
                    builder.Append(')');
                }
                else
                {
                    Append(builder, unary.Operand, MemberLevel);
                }
                break;
            case BinaryExpr binary:
                AppendBinary(builder, binary);
                break;
            case GetAttrExpr get:
                Append(builder, get.Target, MemberLevel);
                if (Parser.IsBareAttribute(get.Attribute))
                {
                    builder.Append('.').Append(get.Attribute);
                }
                else
                {
                    builder.Append('[');
                    AppendQuoted(builder, get.Attribute, escapeStar: false);
                    builder.Append(']');
                }
                break;
            case HasAttrExpr has:
                Append(builder, has.Target, AddLevel);
                builder.Append(" has ");
                if (Parser.IsBareAttribute(has.Attribute))
                {
                    builder.Append(has.Attribute);
                }
                else
                {
                    AppendQuoted(builder, has.Attribute, escapeStar: false);
                }
                break;
            case LikeExpr like:
                Append(builder, like.Target, AddLevel);
                builder.Append(" like \"").Append(like.Pattern.ToString()).Append('"');
                break;
            case IsExpr isExpr:
                Append(builder, isExpr.Target, AddLevel);
                builder.Append(" is ").Append(isExpr.EntityType.Name);
                if (isExpr.In is not null)
                {
                    builder.Append(" in ");
                    Append(builder, isExpr.In, AddLevel);
                }
                break;
            case SetExpr set:
                builder.Append('[');
                for (var i = 0; i < set.Elements.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }
                    Append(builder, set.Elements[i], IfLevel);
                }
                builder.Append(']');
                break;
            case RecordExpr record:
                builder.Append('{');
                for (var i = 0; i < record.Attributes.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }
                    var (key, value) = record.Attributes[i];
                    if (Parser.IsBareAttribute(key))
                    {
                        builder.Append(key);
                    }
                    else
                    {
                        AppendQuoted(builder, key, escapeStar: false);
                    }
                    builder.Append(": ");
                    Append(builder, value, IfLevel);
                }
                builder.Append('}');
                break;
            case ExtensionCallExpr call:
                AppendCall(builder, call);
                break;
            default:
                throw new ArgumentException($"unknown expression {expr.GetType().Name}", nameof(expr));
        }
    }

    private static void AppendBinary(StringBuilder builder, BinaryExpr binary)
    {
        var method = binary.Operator switch
        {
            BinaryOperator.Contains => "contains",
            BinaryOperator.ContainsAll => "containsAll",
            BinaryOperator.ContainsAny => "containsAny",
            BinaryOperator.GetTag => "getTag",
            BinaryOperator.HasTag => "hasTag",
            _ => null,
        };
        if (method is not null)
        {
            Append(builder, binary.Left, MemberLevel);
            builder.Append('.').Append(method).Append('(');
            Append(builder, binary.Right, IfLevel);
            builder.Append(')');
            return;
        }
        var (symbol, leftLevel, rightLevel) = binary.Operator switch
        {
            BinaryOperator.Add => (" + ", AddLevel, MultiplyLevel),
            BinaryOperator.Subtract => (" - ", AddLevel, MultiplyLevel),
            BinaryOperator.Multiply => (" * ", MultiplyLevel, UnaryLevel),
            BinaryOperator.Equal => (" == ", AddLevel, AddLevel),
            BinaryOperator.NotEqual => (" != ", AddLevel, AddLevel),
            BinaryOperator.Less => (" < ", AddLevel, AddLevel),
            BinaryOperator.LessOrEqual => (" <= ", AddLevel, AddLevel),
            BinaryOperator.Greater => (" > ", AddLevel, AddLevel),
            BinaryOperator.GreaterOrEqual => (" >= ", AddLevel, AddLevel),
            _ => (" in ", AddLevel, AddLevel),
        };
        Append(builder, binary.Left, leftLevel);
        builder.Append(symbol);
        Append(builder, binary.Right, rightLevel);
    }

    private static void AppendCall(StringBuilder builder, ExtensionCallExpr call)
    {
        var isMethod = ExtensionFunctions.TryGet(call.Function, out var function) && function.Style == CallStyle.Method && call.Arguments.Count > 0;
        var first = 0;
        if (isMethod)
        {
            Append(builder, call.Arguments[0], MemberLevel);
            builder.Append('.');
            first = 1;
        }
        builder.Append(call.Function).Append('(');
        for (var i = first; i < call.Arguments.Count; i++)
        {
            if (i > first)
            {
                builder.Append(", ");
            }
            Append(builder, call.Arguments[i], IfLevel);
        }
        builder.Append(')');
    }

    /// <summary>Appends a Cedar string literal with its quotes.</summary>
    public static void AppendQuoted(StringBuilder builder, string text, bool escapeStar)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append('"');
        AppendEscaped(builder, text, escapeStar);
        builder.Append('"');
    }

    /// <summary>Appends the body of a Cedar string literal: quotes, backslashes and control characters escaped.</summary>
    public static void AppendEscaped(StringBuilder builder, string text, bool escapeStar)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\0': builder.Append("\\0"); break;
                case '*' when escapeStar: builder.Append("\\*"); break;
                default:
                    if (char.IsControl(c))
                    {
                        builder.Append("\\u{").Append(((int)c).ToString("x", CultureInfo.InvariantCulture)).Append('}');
                    }
                    else
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
    }
}
