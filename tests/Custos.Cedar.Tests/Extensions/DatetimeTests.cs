using Custos.Cedar.Evaluation;
using Custos.Cedar.Tests.Support;

namespace Custos.Cedar.Tests.Extensions;

public sealed class DatetimeTests
{
    [Theory]
    [InlineData("datetime(\"1970-01-01\").toTime() == duration(\"0ms\")")]
    [InlineData("datetime(\"2024-10-15T11:38:02Z\") == datetime(\"2024-10-15T11:38:02.000Z\")")]
    [InlineData("datetime(\"2024-10-15T11:38:02.101+1134\") == datetime(\"2024-10-15T00:04:02.101Z\")")]
    [InlineData("datetime(\"2024-10-15T11:38:02-1134\") == datetime(\"2024-10-15T23:12:02Z\")")]
    [InlineData("datetime(\"2024-02-29\") < datetime(\"2024-03-01\")")]
    [InlineData("datetime(\"2024-01-01\").offset(duration(\"1d\")) == datetime(\"2024-01-02\")")]
    [InlineData("datetime(\"2024-01-02\").durationSince(datetime(\"2024-01-01\")) == duration(\"24h\")")]
    [InlineData("datetime(\"2024-01-02T13:14:15Z\").toDate() == datetime(\"2024-01-02\")")]
    [InlineData("datetime(\"2024-01-02T13:14:15Z\").toTime() == duration(\"13h14m15s\")")]
    [InlineData("datetime(\"1969-12-31T23:00:00Z\").toDate() == datetime(\"1969-12-31\")")]
    [InlineData("datetime(\"1969-12-31T23:00:00Z\").toTime() == duration(\"23h\")")]
    [InlineData("datetime(\"0000-01-01\") < datetime(\"9999-12-31T23:59:59.999Z\")")]
    [InlineData("duration(\"1d2h3m4s5ms\").toMilliseconds() == 93784005")]
    [InlineData("duration(\"-1d\").toHours() == -24")]
    [InlineData("duration(\"90m\").toHours() == 1")]
    [InlineData("duration(\"-90m\").toHours() == -1")]
    [InlineData("duration(\"36h\").toDays() == 1")]
    [InlineData("duration(\"61s\").toMinutes() == 1")]
    [InlineData("duration(\"1500ms\").toSeconds() == 1")]
    [InlineData("duration(\"1h\") > duration(\"59m\")")]
    [InlineData("duration(\"1m\") <= duration(\"60s\")")]
    [InlineData("duration(\"-9223372036854775808ms\") < duration(\"0ms\")")]
    public void Datetimes_and_durations(string expression) => Eval.True(expression).ShouldBeTrue();

    [Theory]
    [InlineData("datetime(\"2024-1-01\")")]
    [InlineData("datetime(\"2024-02-30\")")]
    [InlineData("datetime(\"2025-02-29\")")]
    [InlineData("datetime(\"2024-01-01T\")")]
    [InlineData("datetime(\"2024-01-01T00:00:00\")")]
    [InlineData("datetime(\"2024-01-01T24:00:00Z\")")]
    [InlineData("datetime(\"2024-01-01T23:59:60Z\")")]
    [InlineData("datetime(\"2024-01-01T00:00:00.0001Z\")")]
    [InlineData("datetime(\"2024-01-01T00:00:00+2400\")")]
    [InlineData("datetime(\"10000-01-01\")")]
    [InlineData("duration(\"\")")]
    [InlineData("duration(\"-\")")]
    [InlineData("duration(\"1h1d\")")]
    [InlineData("duration(\"1d1d\")")]
    [InlineData("duration(\"1x\")")]
    [InlineData("duration(\"9223372036854775808ms\")")]
    [InlineData("duration(\"106751991167301d\")")]
    [InlineData("datetime(\"1970-01-01\").offset(duration(\"9223372036854775807ms\")).offset(duration(\"1ms\"))")]
    [InlineData("datetime(\"1970-01-01\").offset(duration(\"-9223372036854775808ms\")).toDate()")]
    public void Invalid_or_overflowing_values_are_extension_errors(string expression) =>
        Eval.Error(expression).Kind.ShouldBe(EvaluationErrorKind.ExtensionError);

    [Theory]
    [InlineData("datetime(\"2024-01-01\") < duration(\"1d\")")]
    [InlineData("datetime(\"2024-01-01\") < 5")]
    [InlineData("duration(\"1d\").offset(duration(\"1d\"))")]
    public void Mixed_kinds_are_type_errors(string expression) => Eval.Error(expression).Kind.ShouldBe(EvaluationErrorKind.TypeError);

    [Fact]
    public void Datetimes_print_as_expressions_that_evaluate_back()
    {
        foreach (var text in new[] { "datetime(\"2024-10-15T11:38:02.101Z\")", "datetime(\"1970-01-01\").offset(duration(\"-9223372036854775808ms\"))" })
        {
            var value = Eval.Value(text);
            Eval.Value(value.ToString()).ShouldBe(value);
        }
    }
}
