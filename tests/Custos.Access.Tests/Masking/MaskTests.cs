using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Access.Masking;
using Custos.Formats;

namespace Custos.Access.Tests.Masking;

public sealed class MaskTests
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string? Masked(MaskKind mask, string json) => Masks.Apply(mask, JsonNode.Parse(json))?.ToJsonString(Readable);

    [Theory]
    [InlineData("\"203.0.113.42\"", "\"203.0.113.0/24\"")]
    [InlineData("\"10.255.7.1\"", "\"10.255.7.0/24\"")]
    [InlineData("\"2001:db8:85a3:8d3:1319:8a2e:370:7348\"", "\"2001:db8:85a3::/48\"")]
    [InlineData("\"::ffff:198.51.100.9\"", "\"198.51.100.0/24\"")]
    [InlineData("[\"203.0.113.42\", \"2001:db8:1:2::9\"]", "[\"203.0.113.0/24\",\"2001:db8:1::/48\"]")]
    public void Ip_prefix_keeps_the_network_only(string value, string expected) =>
        Masked(MaskKind.IpPrefix, value).ShouldBe(expected);

    [Theory]
    [InlineData("\"localhost\"")]
    [InlineData("42")]
    [InlineData("\"203.0.113.42/32\"")]
    public void Ip_prefix_withholds_what_is_not_an_address(string value) =>
        Masked(MaskKind.IpPrefix, value).ShouldBeNull();

    [Theory]
    [InlineData("\"ada.lovelace@example.org\"", "\"a•••@example.org\"")]
    [InlineData("\"+1 617 555 0142\"", "\"+• ••• ••• ••42\"")]
    [InlineData("\"Lovelace\"", "\"L•••e\"")]
    [InlineData("\"Al\"", "\"•••\"")]
    [InlineData("{\"email\": \"x@y.org\", \"phone\": \"020 7946 0018\"}", "{\"email\":\"x•••@y.org\",\"phone\":\"••• •••• ••18\"}")]
    public void Partial_hides_all_but_a_hint(string value, string expected) =>
        Masked(MaskKind.Partial, value).ShouldBe(expected);

    [Fact]
    public void Partial_withholds_what_it_cannot_shorten() =>
        Masked(MaskKind.Partial, "{\"age\": 41, \"verified\": true}").ShouldBe("{\"age\":null,\"verified\":null}");

    [Theory]
    [InlineData("{\"lat\": 42.3611, \"lon\": -71.0571}", "Boston", "US")]
    [InlineData("{\"lat\": 53.34, \"lon\": -6.27}", "Dublin", "IE")]
    [InlineData("{\"lat\": 39.91, \"lon\": 116.39}", "Beijing", "CN")]
    public void City_reduces_coordinates_to_the_nearest_city(string value, string city, string country) =>
        Masked(MaskKind.City, value).ShouldBe($"{{\"city\":\"{city}\",\"country\":\"{country}\"}}");

    [Theory]
    [InlineData("{\"lat\": 142.0, \"lon\": 0}")]
    [InlineData("{\"latitude\": 42.0, \"longitude\": -71.0}")]
    [InlineData("\"42.36,-71.05\"")]
    public void City_withholds_what_is_not_a_coordinate(string value) =>
        Masked(MaskKind.City, value).ShouldBeNull();

    [Fact]
    public void Count_says_how_many_not_who() =>
        Masked(MaskKind.Count, "[\"user:1\", \"user:2\", \"user:3\"]").ShouldBe("3");

    [Fact]
    public void Redact_withholds_everything() =>
        Masked(MaskKind.Redact, "[{\"to\": \"user:1\", \"text\": \"hello\"}]").ShouldBeNull();

    [Fact]
    public void None_shows_the_value_as_it_is_without_sharing_it()
    {
        var value = JsonNode.Parse("{\"display_name\": \"Ada L.\"}");

        var shown = Masks.Apply(MaskKind.None, value);

        shown!.ToJsonString().ShouldBe(value!.ToJsonString());
        ReferenceEquals(shown, value).ShouldBeFalse();
    }

    /// <summary>Whatever the value, no mask but "none" ever returns the original text of a leaf.</summary>
    [Theory]
    [InlineData(MaskKind.Partial)]
    [InlineData(MaskKind.IpPrefix)]
    [InlineData(MaskKind.City)]
    [InlineData(MaskKind.Count)]
    [InlineData(MaskKind.Redact)]
    public void No_mask_leaks_a_leaf_unchanged(MaskKind mask)
    {
        string[] leaves = ["\"ada.lovelace@example.org\"", "\"203.0.113.42\"", "\"2001:db8::1\"", "\"+1 617 555 0142\"", "\"secret text\"", "12345", "{\"lat\": 1.5, \"lon\": 2.5}"];
        foreach (var leaf in leaves)
        {
            var original = JsonNode.Parse(leaf)!;
            var masked = Masks.Apply(mask, original)?.ToJsonString() ?? "";
            if (original is JsonValue)
            {
                masked.ShouldNotContain(original.ToJsonString(), customMessage: $"{mask} leaked {leaf}");
            }
            else
            {
                masked.ShouldNotContain("1.5", customMessage: $"{mask} leaked {leaf}");
            }
        }
    }
}
