using Custos.Cedar.Syntax;

namespace Custos.Cedar.Tests.Syntax;

public sealed class PrinterTests
{
    [Theory]
    [InlineData("(1 + 2) * 3")]
    [InlineData("1 - (2 - 3)")]
    [InlineData("-(5)")]
    [InlineData("-(-5)")]
    [InlineData("(-5).foo")]
    [InlineData("!(!context.a)")]
    [InlineData("(if context.a then 1 else 2) + 3")]
    [InlineData("(context.a == context.b) == context.c")]
    [InlineData("context[\"if\"]")]
    [InlineData("context has \"a b\"")]
    [InlineData("{\"the key\": 1, b: [1, \"x\"]}")]
    [InlineData("context.s like \"a*\\*b\"")]
    [InlineData("principal is Ns::User in Group::\"g\"")]
    [InlineData("ip(\"10.0.0.1\").isInRange(ip(\"10.0.0.0/8\"))")]
    [InlineData("context.a || context.b && context.c")]
    [InlineData("(context.a || context.b) && context.c")]
    [InlineData("[1, 2].containsAll([1]) && [].isEmpty()")]
    [InlineData("principal.getTag(\"t\") == resource.hasTag(\"u\")")]
    public void Printing_then_parsing_gives_the_same_tree(string text)
    {
        var expr = Parser.ParseExpression(text);
        var printed = Printer.Print(expr);
        Parser.ParseExpression(printed).ShouldBe(expr, printed);
    }

    [Fact]
    public void A_policy_prints_back_to_itself()
    {
        var policy = Parser.ParsePolicy("@id(\"x\") forbid(principal is User in Group::\"g\", action in [Action::\"a\"], resource == ?resource) unless { context.ok };");
        var printed = policy.ToString();
        Parser.ParsePolicy(printed).ShouldBe(policy, printed);
        printed.ShouldContain("resource == ?resource");
    }
}
