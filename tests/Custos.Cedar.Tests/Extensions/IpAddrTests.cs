using Custos.Cedar.Evaluation;
using Custos.Cedar.Extensions;
using Custos.Cedar.Tests.Support;

namespace Custos.Cedar.Tests.Extensions;

public sealed class IpAddrTests
{
    [Theory]
    [InlineData("ip(\"127.0.0.1\").isIpv4()", true)]
    [InlineData("ip(\"::1\").isIpv6()", true)]
    [InlineData("ip(\"::1\").isIpv4()", false)]
    [InlineData("ip(\"127.0.0.1\").isLoopback()", true)]
    [InlineData("ip(\"127.0.0.0/8\").isLoopback()", true)]
    [InlineData("ip(\"127.0.0.0/7\").isLoopback()", false)]
    [InlineData("ip(\"::1\").isLoopback()", true)]
    [InlineData("ip(\"::1/127\").isLoopback()", false)]
    [InlineData("ip(\"10.0.0.1\").isLoopback()", false)]
    [InlineData("ip(\"224.0.0.1\").isMulticast()", true)]
    [InlineData("ip(\"224.0.0.0/3\").isMulticast()", false)]
    [InlineData("ip(\"ff02::1\").isMulticast()", true)]
    [InlineData("ip(\"10.1.2.3\").isInRange(ip(\"10.0.0.0/8\"))", true)]
    [InlineData("ip(\"10.1.2.3\").isInRange(ip(\"10.1.2.3\"))", true)]
    [InlineData("ip(\"11.1.2.3\").isInRange(ip(\"10.0.0.0/8\"))", false)]
    [InlineData("ip(\"10.0.0.0/8\").isInRange(ip(\"10.0.0.0/16\"))", false)]
    [InlineData("ip(\"10.0.0.0/24\").isInRange(ip(\"10.0.0.0/16\"))", true)]
    [InlineData("ip(\"10.0.0.1\").isInRange(ip(\"::/0\"))", false)]
    [InlineData("ip(\"2001:db8::1\").isInRange(ip(\"2001:db8::/32\"))", true)]
    [InlineData("ip(\"1.2.3.4\").isInRange(ip(\"0.0.0.0/0\"))", true)]
    [InlineData("ip(\"10.0.0.1/24\") == ip(\"10.0.0.0/24\")", false)]
    [InlineData("context.ip.isInRange(ip(\"10.0.0.0/8\"))", true)]
    public void Methods(string expression, bool expected) => Eval.True(expression).ShouldBe(expected);

    [Theory]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.0.0.1")]
    [InlineData("01.2.3.4")]
    [InlineData("1.2.3.4/33")]
    [InlineData("1.2.3.4/08")]
    [InlineData("::ffff:1.2.3.4")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("1::2::3")]
    [InlineData("1:2:3:4:5:6:7::8")]
    [InlineData("::/129")]
    [InlineData("")]
    [InlineData("localhost")]
    public void Invalid_addresses_are_extension_errors(string text) =>
        Eval.Error($"ip(\"{text}\")").Kind.ShouldBe(EvaluationErrorKind.ExtensionError);

    [Theory]
    [InlineData("192.168.0.1", "192.168.0.1")]
    [InlineData("10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1")]
    [InlineData("::", "::")]
    [InlineData("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0")]
    public void Addresses_print_in_standard_form(string text, string printed) => IpAddress.Parse(text).ToString().ShouldBe(printed);

    [Fact]
    public void Methods_need_an_ipaddr() => Eval.Error("\"10.0.0.1\".isIpv4()").Kind.ShouldBe(EvaluationErrorKind.TypeError);
}
