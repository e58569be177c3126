using Custos.Cedar.Evaluation;
using Custos.Cedar.Tests.Support;

namespace Custos.Cedar.Tests.Extensions;

public sealed class DecimalTests
{
    [Theory]
    [InlineData("decimal(\"1.5\").lessThan(decimal(\"1.51\"))", true)]
    [InlineData("decimal(\"1.5\").lessThanOrEqual(decimal(\"1.5000\"))", true)]
    [InlineData("decimal(\"-1.5\").greaterThan(decimal(\"-2.0\"))", true)]
    [InlineData("decimal(\"-0.5\").lessThan(decimal(\"0.0\"))", true)]
    [InlineData("decimal(\"2.0\").greaterThanOrEqual(decimal(\"2.0001\"))", false)]
    [InlineData("decimal(\"922337203685477.5807\").greaterThan(decimal(\"0.0\"))", true)]
    [InlineData("decimal(\"-922337203685477.5808\").lessThan(decimal(\"0.0\"))", true)]
    public void Comparisons(string expression, bool expected) => Eval.True(expression).ShouldBe(expected);

    [Theory]
    [InlineData("1")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("1.23456")]
    [InlineData("+1.0")]
    [InlineData("1e3")]
    [InlineData("922337203685477.5808")]
    [InlineData("1,0")]
    public void Malformed_or_out_of_range_decimals_are_errors(string text) =>
        Eval.Error($"decimal(\"{text}\")").Kind.ShouldBe(EvaluationErrorKind.ExtensionError);

    [Fact]
    public void Decimals_are_not_ordered_by_operators() => Eval.Error("decimal(\"1.0\") < decimal(\"2.0\")").Kind.ShouldBe(EvaluationErrorKind.TypeError);

    [Fact]
    public void Decimals_print_with_four_places() => Eval.Value("decimal(\"-0.5\")").ToString().ShouldBe("decimal(\"-0.5000\")");
}
