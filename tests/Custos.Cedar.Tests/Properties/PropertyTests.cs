using Custos.Cedar.Evaluation;
using Custos.Cedar.Syntax;
using Custos.Cedar.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Custos.Cedar.Tests.Properties;

/// <summary>
/// Properties checked on generated trees: printing then parsing is the identity, and the
/// evaluator obeys Cedar's boolean algebra, errors included.
/// </summary>
public sealed class PropertyTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true);

    private static void Check(Arbitrary<Expr> arbitrary, Func<Expr, bool> property) =>
        FsCheck.Check.One(Config, Prop.ForAll(arbitrary, property));

    private static void Check(Arbitrary<Expr> arbitrary, Func<Expr, Expr, bool> property) =>
        FsCheck.Check.One(Config, Prop.ForAll(arbitrary, arbitrary, property));

    /// <summary>The outcome of an evaluation: the value, or "error" (which error is not compared).</summary>
    private static string Outcome(Expr expr) =>
        Authorizer.TryEvaluate(expr, Eval.Request, Eval.Entities, out var value, out _) ? value.ToString() : "error";

    [Fact]
    public void Printing_then_parsing_is_the_identity() =>
        Check(ExprGenerators.ExprArbitrary, expr => Parser.ParseExpression(Printer.Print(expr)).Equals(expr));

    [Fact]
    public void A_printed_policy_parses_back_to_itself() =>
        Check(ExprGenerators.ExprArbitrary, expr =>
        {
            var policy = Parser.ParsePolicy($"@id(\"p\") forbid(principal, action == Action::\"a\", resource is Ns::Thing) when {{ {Printer.Print(expr)} }};");
            return Parser.ParsePolicy(policy.ToString()).Equals(policy);
        });

    [Fact]
    public void Printed_expressions_evaluate_like_the_original() =>
        Check(ExprGenerators.ExprArbitrary, expr => Outcome(Parser.ParseExpression(Printer.Print(expr))) == Outcome(expr));

    [Fact]
    public void Double_negation_is_the_identity_on_booleans() =>
        Check(ExprGenerators.BooleanArbitrary, expr =>
        {
            var outcome = Outcome(expr);
            var twice = Outcome(new UnaryExpr(UnaryOperator.Not, new UnaryExpr(UnaryOperator.Not, expr)));
            return outcome is "true" or "false" or "error" ? twice == outcome : twice == "error";
        });

    [Fact]
    public void And_commutes_when_neither_side_fails() =>
        Check(ExprGenerators.BooleanArbitrary, (a, b) =>
        {
            var (x, y) = (Outcome(a), Outcome(b));
            return x == "error" || y == "error" || Outcome(new AndExpr(a, b)) == Outcome(new AndExpr(b, a));
        });

    [Fact]
    public void Or_commutes_when_neither_side_fails() =>
        Check(ExprGenerators.BooleanArbitrary, (a, b) =>
        {
            var (x, y) = (Outcome(a), Outcome(b));
            return x == "error" || y == "error" || Outcome(new OrExpr(a, b)) == Outcome(new OrExpr(b, a));
        });

    [Fact]
    public void De_morgan_holds_errors_included() =>
        Check(ExprGenerators.BooleanArbitrary, (a, b) =>
            Outcome(new OrExpr(a, b)) == Outcome(new UnaryExpr(UnaryOperator.Not, new AndExpr(new UnaryExpr(UnaryOperator.Not, a), new UnaryExpr(UnaryOperator.Not, b)))));

    [Fact]
    public void And_short_circuits_on_false() =>
        Check(ExprGenerators.ExprArbitrary, expr => Outcome(new AndExpr(new LiteralExpr(Value.False), expr)) == "false");

    [Fact]
    public void Or_short_circuits_on_true() =>
        Check(ExprGenerators.ExprArbitrary, expr => Outcome(new OrExpr(new LiteralExpr(Value.True), expr)) == "true");

    [Fact]
    public void If_is_a_choice_between_its_branches() =>
        Check(ExprGenerators.BooleanArbitrary, (c, a) =>
        {
            var condition = Outcome(c);
            var result = Outcome(new IfExpr(c, a, new LiteralExpr(Value.False)));
            return condition switch
            {
                "true" => result == Outcome(a),
                "false" => result == "false",
                _ => result == "error",
            };
        });

    [Fact]
    public void Every_value_equals_itself() =>
        Check(ExprGenerators.ExprArbitrary, expr =>
        {
            var outcome = Outcome(expr);
            return outcome == "error" || Outcome(new BinaryExpr(BinaryOperator.Equal, expr, expr)) == "true";
        });

    [Fact]
    public void Addition_commutes_or_overflows_both_ways() =>
        FsCheck.Check.One(Config, Prop.ForAll<long, long>((x, y) =>
        {
            Expr Add(long a, long b) => new BinaryExpr(BinaryOperator.Add, new LiteralExpr(Value.FromLong(a)), new LiteralExpr(Value.FromLong(b)));
            var expected = (Int128)x + y;
            var outcome = Outcome(Add(x, y));
            return outcome == Outcome(Add(y, x))
                && outcome == (expected > long.MaxValue || expected < long.MinValue ? "error" : expected.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }));
}
