using Custos.Cedar.Evaluation;
using Custos.Cedar.Tests.Support;

namespace Custos.Cedar.Tests.Evaluation;

public sealed class OperatorTests
{
    [Theory]
    [InlineData("1 + 2 == 3")]
    [InlineData("10 - 20 == -10")]
    [InlineData("6 * 7 == 42")]
    [InlineData("-(3) == -3")]
    [InlineData("- -3 == 3")]
    [InlineData("9223372036854775807 == 9223372036854775807")]
    [InlineData("-9223372036854775808 < 0")]
    [InlineData("1 + 2 * 3 == 7")]
    [InlineData("(1 + 2) * 3 == 9")]
    [InlineData("1 - 2 - 3 == -4")]
    public void Arithmetic_follows_precedence_and_associativity(string expression) => Eval.True(expression).ShouldBeTrue();

    [Theory]
    [InlineData("9223372036854775807 + 1")]
    [InlineData("-9223372036854775808 - 1")]
    [InlineData("4611686018427387904 * 2")]
    [InlineData("-(-9223372036854775808)")]
    [InlineData("-9223372036854775808 * -1")]
    public void Integer_overflow_is_an_error(string expression) =>
        Eval.Error(expression).Kind.ShouldBe(EvaluationErrorKind.IntegerOverflow);

    [Theory]
    [InlineData("1 + true")]
    [InlineData("\"a\" * 2")]
    [InlineData("-\"a\"")]
    [InlineData("!1")]
    [InlineData("1 < \"2\"")]
    [InlineData("true < false")]
    [InlineData("1 && true")]
    [InlineData("false || 1")]
    [InlineData("if 1 then 2 else 3")]
    public void Wrong_types_are_evaluation_errors(string expression) => Eval.Error(expression).ShouldNotBeNull();

    [Theory]
    [InlineData("1 < 2", true)]
    [InlineData("2 <= 2", true)]
    [InlineData("3 > 2", true)]
    [InlineData("2 >= 3", false)]
    [InlineData("1 == 1", true)]
    [InlineData("1 != 1", false)]
    [InlineData("1 == \"1\"", false)]
    [InlineData("User::\"alice\" == User::\"alice\"", true)]
    [InlineData("User::\"alice\" == Group::\"alice\"", false)]
    [InlineData("[1, 2, 2] == [2, 1]", true)]
    [InlineData("{a: 1, b: [true]} == {b: [true], a: 1}", true)]
    [InlineData("{a: 1} == {a: 1, b: 2}", false)]
    [InlineData("ip(\"10.0.0.1\") == ip(\"10.0.0.1/32\")", true)]
    [InlineData("decimal(\"1.0\") == decimal(\"1.0000\")", true)]
    public void Comparison_and_equality(string expression, bool expected) => Eval.True(expression).ShouldBe(expected);

    [Theory]
    [InlineData("false && (1 + true)", false)]
    [InlineData("true || (1 + true)", true)]
    [InlineData("if true then 1 == 1 else 1 + true", true)]
    [InlineData("if false then 1 + true else false", false)]
    public void And_or_and_if_short_circuit(string expression, bool expected) => Eval.True(expression).ShouldBe(expected);

    [Theory]
    [InlineData("true && (1 + true)")]
    [InlineData("false || (1 + true)")]
    [InlineData("true && 1")]
    public void The_right_side_is_evaluated_when_it_decides(string expression) => Eval.Error(expression).ShouldNotBeNull();

    [Theory]
    [InlineData("principal in Group::\"staff\"", true)]
    [InlineData("principal in Group::\"everyone\"", true)]
    [InlineData("principal in Group::\"managers\"", false)]
    [InlineData("User::\"bob\" in Group::\"everyone\"", true)]
    [InlineData("principal in principal", true)]
    [InlineData("principal in [Group::\"managers\", Group::\"staff\"]", true)]
    [InlineData("principal in []", false)]
    [InlineData("User::\"ghost\" in User::\"ghost\"", true)]
    [InlineData("User::\"ghost\" in Group::\"staff\"", false)]
    [InlineData("action in Action::\"read\"", true)]
    [InlineData("resource in Album::\"holidays\"", true)]
    public void In_is_transitive_over_the_store(string expression, bool expected) => Eval.True(expression).ShouldBe(expected);

    [Theory]
    [InlineData("1 in Group::\"staff\"")]
    [InlineData("principal in 1")]
    [InlineData("principal in [Group::\"staff\", 1]")]
    public void In_needs_entities(string expression) => Eval.Error(expression).Kind.ShouldBe(EvaluationErrorKind.TypeError);

    [Theory]
    [InlineData("principal.age == 30")]
    [InlineData("principal.address.city == \"Lyon\"")]
    [InlineData("principal[\"name\"] == \"Alice\"")]
    [InlineData("principal.manager.age == 50")]
    [InlineData("resource.owner == principal")]
    [InlineData("context.hour == 14")]
    [InlineData("{a: {b: 5}}.a.b == 5")]
    public void Attributes_of_entities_and_records(string expression) => Eval.True(expression).ShouldBeTrue();

    [Theory]
    [InlineData("principal.missing", EvaluationErrorKind.AttributeDoesNotExist)]
    [InlineData("{a: 1}.b", EvaluationErrorKind.AttributeDoesNotExist)]
    [InlineData("User::\"ghost\".age", EvaluationErrorKind.EntityDoesNotExist)]
    [InlineData("(1).a", EvaluationErrorKind.TypeError)]
    public void Missing_attributes_are_errors(string expression, EvaluationErrorKind kind) => Eval.Error(expression).Kind.ShouldBe(kind);

    [Theory]
    [InlineData("principal has age", true)]
    [InlineData("principal has missing", false)]
    [InlineData("principal has address.city", true)]
    [InlineData("principal has address.country", false)]
    [InlineData("principal has missing.city", false)]
    [InlineData("principal has \"name\"", true)]
    [InlineData("User::\"ghost\" has age", false)]
    [InlineData("{a: 1} has a", true)]
    [InlineData("context has mfa", true)]
    public void Has_tests_attributes_without_failing(string expression, bool expected) => Eval.True(expression).ShouldBe(expected);

    [Fact]
    public void Has_on_a_non_record_is_an_error() => Eval.Error("1 has a").Kind.ShouldBe(EvaluationErrorKind.TypeError);

    [Theory]
    [InlineData("\"alice@example.com\" like \"*@example.com\"", true)]
    [InlineData("\"alice@example.com\" like \"*@example.org\"", false)]
    [InlineData("\"abc\" like \"a*c\"", true)]
    [InlineData("\"ac\" like \"a*c\"", true)]
    [InlineData("\"abcbc\" like \"a*bc\"", true)]
    [InlineData("\"abc\" like \"*\"", true)]
    [InlineData("\"\" like \"\"", true)]
    [InlineData("\"a*c\" like \"a\\*c\"", true)]
    [InlineData("\"abc\" like \"a\\*c\"", false)]
    [InlineData("\"a\\nb\" like \"a\\n*\"", true)]
    [InlineData("\"aXbXc\" like \"*X*X*\"", true)]
    [InlineData("\"aXb\" like \"*X*X*\"", false)]
    public void Like_matches_wildcards_and_escaped_stars(string expression, bool expected) => Eval.True(expression).ShouldBe(expected);

    [Theory]
    [InlineData("principal is User", true)]
    [InlineData("principal is Group", false)]
    [InlineData("principal is User in Group::\"everyone\"", true)]
    [InlineData("principal is User in Group::\"managers\"", false)]
    [InlineData("principal is Group in Group::\"everyone\"", false)]
    [InlineData("principal is User in [Group::\"managers\", Group::\"staff\"]", true)]
    [InlineData("Ns::Thing::\"x\" is Ns::Thing", true)]
    public void Is_tests_the_entity_type(string expression, bool expected) => Eval.True(expression).ShouldBe(expected);

    [Fact]
    public void Is_on_a_non_entity_is_an_error() => Eval.Error("1 is User").Kind.ShouldBe(EvaluationErrorKind.TypeError);

    [Theory]
    [InlineData("[1, 2, 3].contains(2)", true)]
    [InlineData("[1, 2, 3].contains(4)", false)]
    [InlineData("[[1], [2]].contains([2])", true)]
    [InlineData("[1, 2, 3].containsAll([1, 3])", true)]
    [InlineData("[1, 2, 3].containsAll([1, 4])", false)]
    [InlineData("[1, 2].containsAll([])", true)]
    [InlineData("[1, 2, 3].containsAny([4, 3])", true)]
    [InlineData("[1, 2, 3].containsAny([])", false)]
    [InlineData("[].isEmpty()", true)]
    [InlineData("[1].isEmpty()", false)]
    [InlineData("principal.roles.contains(\"admin\")", true)]
    [InlineData("context.tags.containsAll([\"a\"])", true)]
    public void Set_methods(string expression, bool expected) => Eval.True(expression).ShouldBe(expected);

    [Theory]
    [InlineData("1.contains(1)")]
    [InlineData("[1].containsAll(1)")]
    [InlineData("[1].containsAny(\"a\")")]
    [InlineData("{}.isEmpty()")]
    public void Set_methods_need_sets(string expression) => Eval.Error(expression).Kind.ShouldBe(EvaluationErrorKind.TypeError);

    [Theory]
    [InlineData("principal.hasTag(\"clearance\")", true)]
    [InlineData("principal.hasTag(\"missing\")", false)]
    [InlineData("User::\"ghost\".hasTag(\"clearance\")", false)]
    [InlineData("principal.getTag(\"clearance\") == \"secret\"", true)]
    [InlineData("principal.getTag(\"level\") == 3", true)]
    public void Tags(string expression, bool expected) => Eval.True(expression).ShouldBe(expected);

    [Theory]
    [InlineData("principal.getTag(\"missing\")", EvaluationErrorKind.TagDoesNotExist)]
    [InlineData("User::\"ghost\".getTag(\"clearance\")", EvaluationErrorKind.EntityDoesNotExist)]
    [InlineData("principal.getTag(1)", EvaluationErrorKind.TypeError)]
    [InlineData("{a: 1}.hasTag(\"a\")", EvaluationErrorKind.TypeError)]
    public void Tag_errors(string expression, EvaluationErrorKind kind) => Eval.Error(expression).Kind.ShouldBe(kind);

    [Fact]
    public void Sets_and_records_are_built_from_expressions()
    {
        Eval.Value("[principal.age, 1 + 1]").AsSet.Count.ShouldBe(2);
        Eval.Value("{x: principal.age, y: context.mfa}").AsRecord.Count.ShouldBe(2);
        Eval.Error("[1, principal.missing]").Kind.ShouldBe(EvaluationErrorKind.AttributeDoesNotExist);
        Eval.Error("{x: principal.missing}").Kind.ShouldBe(EvaluationErrorKind.AttributeDoesNotExist);
    }
}
