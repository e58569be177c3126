using Custos.Cedar.Evaluation;
using Custos.Cedar.Syntax;

namespace Custos.Cedar.Tests.Syntax;

public sealed class ParserTests
{
    [Fact]
    public void A_policy_has_annotations_scope_and_conditions()
    {
        var policy = Parser.ParsePolicy("""
            @id("p1")
            @advice
            permit (
              principal in Group::"staff",
              action in [Action::"read", Action::"write"],
              resource is Acme::Doc in Folder::"root"
            )
            when { context.mfa }
            unless { resource.locked };
            """);

        policy.Effect.ShouldBe(Effect.Permit);
        policy.Annotation("id").ShouldBe("p1");
        policy.Annotation("advice").ShouldBe("");
        policy.Principal.ShouldBe(new ScopeConstraint(ScopeOperator.In, Entity: EntityUid.Parse("Group::\"staff\"")));
        policy.Action.Operator.ShouldBe(ScopeOperator.InSet);
        policy.Action.Entities.Count.ShouldBe(2);
        policy.Resource.Operator.ShouldBe(ScopeOperator.IsIn);
        policy.Resource.EntityType!.Name.ShouldBe("Acme::Doc");
        policy.Conditions.Select(c => c.IsWhen).ShouldBe([true, false]);
    }

    [Theory]
    [InlineData("a || b && c", "OrExpr")]
    [InlineData("a && b || c", "OrExpr")]
    [InlineData("!a || b", "OrExpr")]
    [InlineData("a == b && c", "AndExpr")]
    [InlineData("a + b == c", "BinaryExpr")]
    [InlineData("if a then b else c || d", "IfExpr")]
    public void Precedence_decides_the_root(string body, string root)
    {
        var expr = Parser.ParseExpression(body.Replace("a", "context.a", StringComparison.Ordinal).Replace("b", "context.b", StringComparison.Ordinal)
            .Replace("c", "context.c", StringComparison.Ordinal).Replace("d", "context.d", StringComparison.Ordinal));
        expr.GetType().Name.ShouldBe(root);
    }

    [Fact]
    public void Multiplication_binds_tighter_than_addition_and_is_left_associative()
    {
        Parser.ParseExpression("1 + 2 * 3").ShouldBe(new BinaryExpr(BinaryOperator.Add, Lit(1), new BinaryExpr(BinaryOperator.Multiply, Lit(2), Lit(3))));
        Parser.ParseExpression("1 - 2 - 3").ShouldBe(new BinaryExpr(BinaryOperator.Subtract, new BinaryExpr(BinaryOperator.Subtract, Lit(1), Lit(2)), Lit(3)));
    }

    [Fact]
    public void A_minus_before_a_literal_makes_a_negative_literal()
    {
        Parser.ParseExpression("-9223372036854775808").ShouldBe(Lit(long.MinValue));
        Parser.ParseExpression("-(5)").ShouldBe(new UnaryExpr(UnaryOperator.Negate, Lit(5)));
        Parser.ParseExpression("--5").ShouldBe(new UnaryExpr(UnaryOperator.Negate, Lit(-5)));
    }

    [Fact]
    public void Has_with_a_path_is_a_chain_of_has()
    {
        var expr = Parser.ParseExpression("context has a.b");
        var context = new VariableExpr(Variable.Context);
        expr.ShouldBe(new AndExpr(new HasAttrExpr(context, "a"), new HasAttrExpr(new GetAttrExpr(context, "a"), "b")));
    }

    [Fact]
    public void Strings_resolve_their_escapes()
    {
        Parser.ParseExpression("\"a\\n\\t\\\"\\\\\\u{1F600}\\x41\\0\"").ShouldBe(new LiteralExpr(Value.FromString("a\n\t\"\\\U0001F600A\0")));
    }

    [Fact]
    public void A_like_pattern_keeps_escaped_stars_literal()
    {
        var like = (LikeExpr)Parser.ParseExpression("context.s like \"a*b\\*c\"");
        like.Pattern.Elements.ShouldBe([PatternElement.Literal("a"), PatternElement.Wildcard, PatternElement.Literal("b*c")]);
    }

    [Fact]
    public void Entity_references_have_namespaces()
    {
        var uid = EntityUid.Parse("Acme::Corp::User::\"al\\\"ice\"");
        uid.Type.Name.ShouldBe("Acme::Corp::User");
        uid.Type.BaseName.ShouldBe("User");
        uid.Id.ShouldBe("al\"ice");
        uid.ToString().ShouldBe("Acme::Corp::User::\"al\\\"ice\"");
    }

    [Theory]
    [InlineData("permit(principal, action, resource)", 1, 36, "`when`, `unless` or `;`")]
    [InlineData("permit(principal, action resource);", 1, 26, "`,`")]
    [InlineData("permit(\n  principal == User,\n  action, resource);", 2, 20, "`::` and a quoted entity id")]
    [InlineData("allow(principal, action, resource);", 1, 1, "`permit` or `forbid`")]
    [InlineData("permit(principal, action, resource) when { 1 + };", 1, 48, "an expression")]
    [InlineData("permit(principal, action, resource) when { context.a < 1 < 2 };", 1, 58, "`}`")]
    [InlineData("permit(principal, action, resource) when { \"abc };", 1, 44, "unterminated")]
    [InlineData("permit(principal, action, resource) when { 9223372036854775808 };", 1, 44, "out of range")]
    [InlineData("permit(principal, action, resource) when { foo(1) };", 1, 44, "not a function")]
    [InlineData("permit(principal, action, resource) when { context.foo() };", 1, 52, "not a method")]
    [InlineData("permit(principal, action, resource) when { {a: 1, a: 2} };", 1, 51, "duplicate key")]
    [InlineData("permit(principal, action, resource) when { \"\\q\" };", 1, 44, "invalid escape")]
    [InlineData("permit(principal, action, resource) when { !!!!!true };", 1, 44, "too many")]
    [InlineData("permit(principal == ?resource, action, resource);", 1, 21, "?principal")]
    [InlineData("permit(principal, action, resource) when { ?principal };", 1, 44, "scope")]
    public void Parse_errors_say_where_and_what_was_expected(string text, int line, int column, string expected)
    {
        var error = Should.Throw<CedarParseException>(() => Parser.ParsePolicies(text));
        error.Line.ShouldBe(line, error.Message);
        error.Column.ShouldBe(column, error.Message);
        error.Message.ShouldContain(expected);
    }

    [Fact]
    public void Templates_have_slots_and_link_to_entities()
    {
        var set = PolicySet.Parse("""
            permit(principal == ?principal, action, resource in ?resource);
            permit(principal, action, resource);
            """);
        set.Templates.Single().Id.ShouldBe("policy0");
        set.Policies.Single().Id.ShouldBe("policy1");

        var linked = set.Link("policy0", "alice-photos", new Dictionary<SlotId, EntityUid>
        {
            [SlotId.Principal] = EntityUid.Parse("User::\"alice\""),
            [SlotId.Resource] = EntityUid.Parse("Album::\"a\""),
        });

        linked.TemplateId.ShouldBe("policy0");
        linked.Ast.Principal.Entity.ShouldBe(EntityUid.Parse("User::\"alice\""));
        linked.Ast.IsTemplate.ShouldBeFalse();
        set.Policies.Count.ShouldBe(2);
        Should.Throw<ArgumentException>(() => set.Link("policy0", "incomplete", new Dictionary<SlotId, EntityUid> { [SlotId.Principal] = EntityUid.Parse("User::\"x\"") }));
    }

    [Fact]
    public void Comments_and_whitespace_are_ignored()
    {
        var set = PolicySet.Parse("// leading\npermit(principal, action, resource) // trailing\n; // end");
        set.Policies.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("(", ")")]
    [InlineData("[", "]")]
    [InlineData("if true then ", " else false")]
    [InlineData("{a: ", "}")]
    public void A_hundred_thousand_nested_expressions_are_a_parse_error_not_a_stack_overflow(string open, string close)
    {
        var text = "permit(principal, action, resource) when { " + string.Concat(Enumerable.Repeat(open, 100_000)) + "true" + string.Concat(Enumerable.Repeat(close, 100_000)) + " };";

        Should.Throw<CedarParseException>(() => Parser.ParsePolicies(text)).Message.ShouldContain($"deeper than {Parser.MaxNesting}");
    }

    [Fact]
    public void Expressions_nested_to_the_limit_still_parse()
    {
        var depth = Parser.MaxNesting - 1;
        Should.NotThrow(() => Parser.ParseExpression(new string('(', depth) + "1" + new string(')', depth)));
    }

    private static LiteralExpr Lit(long value) => new(Value.FromLong(value));
}
