using Custos.Access.Domain;

namespace Custos.Access.Tests.Domain;

/// <summary>The rules for what a caller may send: identifiers and free text (issue 12, findings 6 to 8).</summary>
public sealed class InputRulesTests
{
    [Theory]
    [InlineData("user:10042", "user")]
    [InlineData("staff:jane.doe@example.com", "staff")]
    [InlineData("case:TS-2001", "case")]
    [InlineData("network.ip_address", null)]
    public void Identifiers_of_their_documented_shape_pass(string value, string? kind) =>
        Should.NotThrow(() => InputRules.Identifier("field", value, kind));

    [Theory]
    [InlineData("10042", "user")]
    [InlineData("user:", "user")]
    [InlineData("staff:10042", "user")]
    [InlineData("user:100 42", "user")]
    [InlineData("user:10042\u200B", "user")]
    [InlineData("user:\u202E24001", "user")]
    [InlineData("internal audit", null)]
    public void Identifiers_of_another_shape_are_refused_naming_the_field(string value, string? kind)
    {
        var refused = Should.Throw<InputException>(() => InputRules.Identifier("subject", value, kind));
        refused.Field.ShouldBe("subject");
        refused.IsTooLarge.ShouldBeFalse();
    }

    [Fact]
    public void An_identifier_over_256_characters_is_too_large()
    {
        Should.NotThrow(() => InputRules.Identifier("subject", "user:" + new string('1', 251), "user"));
        Should.Throw<InputException>(() => InputRules.Identifier("subject", "user:" + new string('1', 252), "user")).IsTooLarge.ShouldBeTrue();
    }

    [Fact]
    public void A_null_element_of_a_list_is_refused_by_its_index() =>
        Should.Throw<InputException>(() => InputRules.Identifiers("categories", ["profile.basic", null], kind: null)).Field.ShouldBe("categories[1]");

    [Fact]
    public void Text_loses_controls_and_invisible_characters_and_is_kept_in_NFC()
    {
        InputRules.Text("comment", "\u202E\u200B\0 \uFEFF\u2060\u3164\u2800\U000E0041 ").ShouldBe("");
        InputRules.Text("comment", " cafe\u0301\u200D ok\u0007 ").ShouldBe("caf\u00E9 ok");
        InputRules.Text("comment", "two\nlines\tand a tab").ShouldBe("two\nlines\tand a tab");
        InputRules.Text("comment", null).ShouldBeNull();
    }

    [Fact]
    public void A_lone_surrogate_does_not_break_normalisation() =>
        InputRules.Text("comment", "broken \uD800 text").ShouldBe("broken \uFFFD text");

    [Fact]
    public void Text_over_4_KiB_is_too_large()
    {
        InputRules.Text("reason", new string('x', 4096))!.Length.ShouldBe(4096);
        var refused = Should.Throw<InputException>(() => InputRules.Text("reason", new string('x', 4097)));
        refused.IsTooLarge.ShouldBeTrue();
        refused.Field.ShouldBe("reason");
    }
}
