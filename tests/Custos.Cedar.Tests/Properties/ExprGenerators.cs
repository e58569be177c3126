using Custos.Cedar.Evaluation;
using Custos.Cedar.Syntax;
using FsCheck;
using FsCheck.Fluent;

namespace Custos.Cedar.Tests.Properties;

/// <summary>FsCheck generators of Cedar expression trees in the parser's canonical form.</summary>
public static class ExprGenerators
{
    private static readonly string[] Attributes = ["a", "b", "age", "if", "in", "a b", "", "ünï", "_x1", "true", "*"];
    private static readonly string[] Types = ["User", "Group", "Ns::Thing", "A::B::C"];
    private static readonly string[] Texts = ["", "a", "alice", "a\"b", "back\\slash", "new\nline", "tab\t", "star*", "\u0001", "é", "😀", "if"];

    private static Gen<TResult> Map<T1, T2, TResult>(Gen<T1> first, Gen<T2> second, Func<T1, T2, TResult> map) =>
        first.SelectMany(a => second.Select(b => map(a, b)));

    private static Gen<TResult> Map<T1, T2, T3, TResult>(Gen<T1> first, Gen<T2> second, Gen<T3> third, Func<T1, T2, T3, TResult> map) =>
        first.SelectMany(a => second.SelectMany(b => third.Select(c => map(a, b, c))));

    private static Gen<Expr> Smaller(int size) => Gen.Resize(Gen.Sized<Expr>(Sized), size);

    private static Gen<string> Text => Gen.OneOf(Gen.Elements(Texts), Map(Gen.Elements(Texts), Gen.Elements(Texts), (a, b) => a + b));

    private static Gen<long> Long => Gen.OneOf(
        Gen.Choose(-20, 20).Select(i => (long)i),
        Gen.Elements(long.MinValue, long.MaxValue, long.MinValue + 1, 4_611_686_018_427_387_904L, -1L),
        ArbMap.Default.GeneratorFor<long>());

    private static Gen<Expr> Literal => Gen.OneOf(
        Long.Select(l => (Expr)new LiteralExpr(Value.FromLong(l))),
        Gen.Elements(true, false).Select(b => (Expr)new LiteralExpr(Value.FromBool(b))),
        Text.Select(s => (Expr)new LiteralExpr(Value.FromString(s))),
        Map(Gen.Elements(Types), Text, (t, id) => (Expr)new LiteralExpr(Value.FromEntity(new EntityUid(t, id)))));

    private static Gen<Expr> Leaf => Gen.OneOf(
        Literal,
        Gen.Elements(Variable.Principal, Variable.Action, Variable.Resource, Variable.Context).Select(v => (Expr)new VariableExpr(v)));

    private static Gen<Pattern> Pattern =>
        Gen.ListOf(Gen.OneOf(Gen.Constant(PatternElement.Wildcard), Text.Where(t => t.Length > 0).Select(PatternElement.Literal)))
            .Select(elements =>
            {
                // Canonical: adjacent literal runs merged, as the parser produces them.
                var merged = new List<PatternElement>();
                foreach (var element in elements)
                {
                    if (!element.IsWildcard && merged.Count > 0 && !merged[^1].IsWildcard)
                    {
                        merged[^1] = PatternElement.Literal(merged[^1].Text + element.Text);
                    }
                    else
                    {
                        merged.Add(element);
                    }
                }
                return new Pattern(EquatableArray.Create([.. merged]));
            });

    public static Gen<Expr> Expr => Gen.Sized<Expr>(size => Sized(Math.Min(size, 12)));

    private static Gen<Expr> Sized(int size)
    {
        if (size <= 1)
        {
            return Leaf;
        }
        var child = Smaller(size / 2);
        var small = Smaller(size / 3);
        return Gen.Frequency(
        [
            (3, Leaf),
            (2, Map(Gen.Elements(UnaryOperator.Not, UnaryOperator.Negate, UnaryOperator.IsEmpty), child, (op, e) => (Expr)new UnaryExpr(op, e))),
            (4, Map(Gen.Elements(Enum.GetValues<BinaryOperator>()), child, child, (op, l, r) => (Expr)new BinaryExpr(op, l, r))),
            (2, Map(child, child, (l, r) => (Expr)new AndExpr(l, r))),
            (2, Map(child, child, (l, r) => (Expr)new OrExpr(l, r))),
            (1, Map(small, small, small, (c, t, e) => (Expr)new IfExpr(c, t, e))),
            (2, Map(child, Gen.Elements(Attributes), (e, a) => (Expr)new GetAttrExpr(e, a))),
            (1, Map(child, Gen.Elements(Attributes), (e, a) => (Expr)new HasAttrExpr(e, a))),
            (1, Map(child, Pattern, (e, p) => (Expr)new LikeExpr(e, p))),
            (1, Map(child, Gen.Elements(Types), Gen.OneOf(Gen.Constant<Expr?>(null), small.Select(e => (Expr?)e)),
                (e, t, i) => (Expr)new IsExpr(e, EntityType.Of(t), i))),
            (1, Gen.ListOf(small).Select(l => (Expr)new SetExpr(EquatableArray.Create([.. l])))),
            (1, Gen.ListOf(Map(Gen.Elements(Attributes), small, (k, v) => new KeyValuePair<string, Expr>(k, v)))
                .Select(l => (Expr)new RecordExpr(EquatableArray.Create([.. l.DistinctBy(p => p.Key)])))),
            (1, Gen.OneOf(
                Map(Gen.Elements("ip", "decimal", "datetime", "duration"), small, (f, a) => (Expr)new ExtensionCallExpr(f, EquatableArray.Create(a))),
                Map(Gen.Elements("isIpv4", "isLoopback", "toDate", "toDays"), child, (f, a) => (Expr)new ExtensionCallExpr(f, EquatableArray.Create(a))),
                Map(Gen.Elements("isInRange", "lessThan", "offset", "durationSince"), small, small,
                    (f, a, b) => (Expr)new ExtensionCallExpr(f, EquatableArray.Create(a, b))))),
        ]);
    }

    /// <summary>Expressions likely to evaluate to booleans: comparisons and tests over small values.</summary>
    public static Gen<Expr> Boolean => Gen.Sized<Expr>(size => SizedBoolean(Math.Min(size, 8)));

    private static Gen<Expr> SizedBoolean(int size)
    {
        var number = Gen.OneOf(
            Gen.Choose(-5, 5).Select(i => (Expr)new LiteralExpr(Value.FromLong(i))),
            Gen.Constant((Expr)new GetAttrExpr(new VariableExpr(Variable.Context), "hour")),
            Gen.Constant((Expr)new GetAttrExpr(new VariableExpr(Variable.Context), "missing")),
            Gen.Constant((Expr)new LiteralExpr(Value.FromString("x"))));
        var atom = Gen.OneOf(
            Gen.Elements(true, false).Select(b => (Expr)new LiteralExpr(Value.FromBool(b))),
            Map(Gen.Elements(BinaryOperator.Equal, BinaryOperator.Less, BinaryOperator.GreaterOrEqual), number, number, (op, l, r) => (Expr)new BinaryExpr(op, l, r)),
            Gen.Constant((Expr)new GetAttrExpr(new VariableExpr(Variable.Context), "mfa")),
            Gen.Constant((Expr)new HasAttrExpr(new VariableExpr(Variable.Principal), "age")),
            Gen.Constant((Expr)new BinaryExpr(BinaryOperator.In, new VariableExpr(Variable.Principal), new LiteralExpr(Value.FromEntity(new EntityUid("Group", "staff")))))
        );
        if (size <= 1)
        {
            return atom;
        }
        var child = Gen.Resize(Gen.Sized<Expr>(SizedBoolean), size / 2);
        return Gen.Frequency(
        [
            (3, atom),
            (1, child.Select(e => (Expr)new UnaryExpr(UnaryOperator.Not, e))),
            (2, Map(child, child, (l, r) => (Expr)new AndExpr(l, r))),
            (2, Map(child, child, (l, r) => (Expr)new OrExpr(l, r))),
            (1, Map(child, child, child, (c, t, e) => (Expr)new IfExpr(c, t, e))),
        ]);
    }

    public static Arbitrary<Expr> ExprArbitrary => Arb.From(Expr);

    public static Arbitrary<Expr> BooleanArbitrary => Arb.From(Boolean);
}
