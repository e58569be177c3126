using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Custos.Formats;

namespace Custos.Access.Masking;

/// <summary>
/// The masks of formats.md, applied to a category's value as JSON. A mask that does not
/// understand a value withholds it (null) rather than pass it through: masking fails closed.
/// </summary>
public static class Masks
{
    /// <summary>Stands for each hidden character.</summary>
    public const char Hidden = '•';

    public static JsonNode? Apply(MaskKind mask, JsonNode? value) => mask switch
    {
        MaskKind.None => value?.DeepClone(),
        MaskKind.Partial => Map(value, Partial),
        MaskKind.IpPrefix => Map(value, IpPrefix),
        MaskKind.City => City(value),
        MaskKind.Count => Count(value),
        MaskKind.Redact => null,
        _ => null,
    };

    /// <summary>Applies <paramref name="scalar"/> to every scalar inside arrays and objects.</summary>
    private static JsonNode? Map(JsonNode? value, Func<JsonValue, JsonNode?> scalar) => value switch
    {
        JsonArray array => new JsonArray([.. array.Select(item => Map(item, scalar))]),
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Map(p.Value, scalar)))),
        JsonValue leaf => scalar(leaf),
        _ => null,
    };

    /// <summary>"ada@example.org" → "a•••@example.org"; "+1 617 555 0142" → "+• ••• ••• ••42".</summary>
    internal static JsonNode? Partial(JsonValue value)
    {
        if (!value.TryGetValue<string>(out var text) || text.Length == 0)
        {
            return null;
        }
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            return $"{text[0]}{Hidden}{Hidden}{Hidden}{text[at..]}";
        }
        var digits = text.Count(char.IsAsciiDigit);
        if (digits >= 6 && text.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')' or '.'))
        {
            // A phone number: keep its shape and its last two digits.
            var shown = 0;
            var masked = new StringBuilder(text.Length);
            for (var i = text.Length - 1; i >= 0; i--)
            {
                var c = text[i];
                masked.Insert(0, char.IsAsciiDigit(c) && shown++ >= 2 ? Hidden : c);
            }
            return masked.ToString();
        }
        return text.Length <= 2 ? new string(Hidden, 3) : $"{text[0]}{Hidden}{Hidden}{Hidden}{text[^1]}";
    }

    /// <summary>An IPv4 address to its /24, an IPv6 address to its /48.</summary>
    internal static JsonNode? IpPrefix(JsonValue value)
    {
        if (!value.TryGetValue<string>(out var text) || !IPAddress.TryParse(text, out var address))
        {
            return null;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        var bytes = address.GetAddressBytes();
        var keep = address.AddressFamily == AddressFamily.InterNetwork ? 3 : 6;
        Array.Clear(bytes, keep, bytes.Length - keep);
        return $"{new IPAddress(bytes)}/{keep * 8}";
    }

    /// <summary>Coordinates <c>{"lat", "lon"}</c> to the nearest city and its country.</summary>
    private static JsonNode? City(JsonNode? value)
    {
        switch (value)
        {
            case JsonArray array:
                return new JsonArray([.. array.Select(City)]);
            case JsonObject obj when obj["lat"] is JsonValue lat && obj["lon"] is JsonValue lon
                && lat.TryGetValue<double>(out var latitude) && lon.TryGetValue<double>(out var longitude)
                && latitude is >= -90 and <= 90 && longitude is >= -180 and <= 180:
                var city = Cities.Nearest(latitude, longitude);
                return new JsonObject { ["city"] = city.Name, ["country"] = city.Country };
            default:
                return null;
        }
    }

    /// <summary>A list to its length: that someone has 212 contacts, not who they are.</summary>
    private static JsonNode? Count(JsonNode? value) => value switch
    {
        JsonArray array => array.Count,
        JsonObject obj => obj.Count,
        _ => null,
    };
}
