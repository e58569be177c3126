using System.Text;
using Custos.Ledger.Json;

namespace Custos.Ledger.Tests.Json;

/// <summary>RFC 8785: its Appendix B number vectors, its sorting example, string escaping, and I-JSON refusals.</summary>
public sealed class CanonicalJsonTests
{
    [Theory]
    [InlineData(0x0000000000000000UL, "0")]
    [InlineData(0x8000000000000000UL, "0")]
    [InlineData(0x0000000000000001UL, "5e-324")]
    [InlineData(0x8000000000000001UL, "-5e-324")]
    [InlineData(0x7fefffffffffffffUL, "1.7976931348623157e+308")]
    [InlineData(0xffefffffffffffffUL, "-1.7976931348623157e+308")]
    [InlineData(0x4340000000000000UL, "9007199254740992")]
    [InlineData(0xc340000000000000UL, "-9007199254740992")]
    [InlineData(0x4430000000000000UL, "295147905179352830000")]
    [InlineData(0x44b52d02c7e14af5UL, "9.999999999999997e+22")]
    [InlineData(0x44b52d02c7e14af6UL, "1e+23")]
    [InlineData(0x44b52d02c7e14af7UL, "1.0000000000000001e+23")]
    [InlineData(0x444b1ae4d6e2ef4eUL, "999999999999999700000")]
    [InlineData(0x444b1ae4d6e2ef4fUL, "999999999999999900000")]
    [InlineData(0x444b1ae4d6e2ef50UL, "1e+21")]
    [InlineData(0x3eb0c6f7a0b5ed8cUL, "9.999999999999997e-7")]
    [InlineData(0x3eb0c6f7a0b5ed8dUL, "0.000001")]
    [InlineData(0x41b3de4355555553UL, "333333333.3333332")]
    [InlineData(0x41b3de4355555554UL, "333333333.33333325")]
    [InlineData(0x41b3de4355555555UL, "333333333.3333333")]
    [InlineData(0x41b3de4355555556UL, "333333333.3333334")]
    [InlineData(0x41b3de4355555557UL, "333333333.33333343")]
    [InlineData(0xbecbf647612f3696UL, "-0.0000033333333333333333")]
    [InlineData(0x43143ff3c1cb0959UL, "1424953923781206.2")]
    public void Numbers_are_written_as_ecmascript_writes_them(ulong bits, string expected)
    {
        var value = BitConverter.UInt64BitsToDouble(bits);

        EcmaScriptNumber.Format(value).ShouldBe(expected);
        // And through the parser: the shortest round-trip form reads back to the same double.
        Canonical(EcmaScriptNumber.Format(value)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("1.0", "1")]
    [InlineData("-0.0", "0")]
    [InlineData("1E2", "100")]
    [InlineData("0.1e-6", "1e-7")]
    [InlineData("123456789012345678901234", "1.2345678901234569e+23")]
    [InlineData("4.50", "4.5")]
    [InlineData("2e-3", "0.002")]
    [InlineData("0.000000000000000000000000001", "1e-27")]
    public void Number_literals_are_normalised(string input, string expected) => Canonical(input).ShouldBe(expected);

    [Fact]
    public void Members_are_sorted_by_utf16_code_units_and_whitespace_is_dropped()
    {
        // RFC 8785, section 3.2.3.
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;

        Canonical(input).ShouldBe(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\","
            + "\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    [Fact]
    public void The_rfc_8785_example_canonicalises_as_published()
    {
        // RFC 8785, section 3.2.4 (the string values use escapes the output writes literally).
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;

        Canonical(input).ShouldBe(
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    }

    [Fact]
    public void Nested_values_are_canonical_all_the_way_down()
    {
        Canonical("""[ {"b": [1, {"z": 1, "a": 2}], "a": {}}, [], "x\t\b\f" ]""")
            .ShouldBe("[{\"a\":{},\"b\":[1,{\"a\":2,\"z\":1}]},[],\"x\\t\\b\\f\"]");
    }

    [Theory]
    [InlineData("{\"a\": 1, \"a\": 2}", "duplicate")]
    [InlineData("{\"a\": 1,}", "not JSON")]
    [InlineData("[1] [2]", "not JSON")]
    [InlineData("// comment\n1", "not JSON")]
    [InlineData("1e400", "IEEE 754")]
    [InlineData("\"\\ud800\"", "Unicode")]
    [InlineData("{\"\\udc00\": 1}", "Unicode")]
    [InlineData("", "not JSON")]
    [InlineData("NaN", "not JSON")]
    public void What_is_not_i_json_is_refused(string input, string reason)
    {
        var e = Should.Throw<CanonicalJsonException>(() => CanonicalJson.Canonicalize(input));
        e.Message.ShouldContain(reason);
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        Should.Throw<CanonicalJsonException>(() => CanonicalJson.Canonicalize(new byte[] { (byte)'"', 0xC3, 0x28, (byte)'"' }));
    }

    [Fact]
    public void Canonical_output_is_a_fixed_point()
    {
        var once = CanonicalJson.Canonicalize("""{"z": [1.50, "\u00e9"], "a": {"y": null, "b": -0}}""");
        CanonicalJson.Canonicalize(once).ShouldBe(once);
    }

    private static string Canonical(string json) => Encoding.UTF8.GetString(CanonicalJson.Canonicalize(json));
}
