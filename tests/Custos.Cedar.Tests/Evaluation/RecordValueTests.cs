using Custos.Cedar.Evaluation;

namespace Custos.Cedar.Tests.Evaluation;

public sealed class RecordValueTests
{
    [Fact]
    public void Records_over_one_shared_keys_array_hold_their_own_values()
    {
        string[] keys = ["a", "b", "c"];

        var first = RecordValue.Create(keys, [Value.FromLong(1), Value.FromString("x"), Value.FromBool(true)]);
        var second = RecordValue.Create(keys, [Value.FromLong(2), Value.FromString("y"), Value.FromBool(false)]);

        first.TryGetValue("a", out var a).ShouldBeTrue();
        a.ShouldBe(Value.FromLong(1));
        second.TryGetValue("b", out var b).ShouldBeTrue();
        b.ShouldBe(Value.FromString("y"));
        second.ShouldBe(RecordValue.Create([new("c", Value.FromBool(false)), new("a", Value.FromLong(2)), new("b", Value.FromString("y"))]));
    }

    [Theory]
    [InlineData("b", "a")]
    [InlineData("a", "a")]
    public void Keys_that_are_not_sorted_and_distinct_are_refused(string first, string second) =>
        Should.Throw<ArgumentException>(() => RecordValue.Create([first, second], [Value.FromLong(1), Value.FromLong(2)]))
            .Message.ShouldContain("not sorted and distinct");

    [Fact]
    public void As_many_values_as_keys_are_needed() =>
        Should.Throw<ArgumentException>(() => RecordValue.Create(["a", "b"], [Value.FromLong(1)]));
}
