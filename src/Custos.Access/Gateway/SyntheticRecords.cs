using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Custos.Access.Masking;
using Custos.Formats;

namespace Custos.Access.Gateway;

/// <summary>
/// Invents a plausible record for every subject of a world, deterministically from the subject's
/// id, so that the demo shows what each mask does to real-looking data: addresses cut to their
/// network, coordinates to the city, emails and phones half hidden, contact lists counted,
/// messages withheld. The shape of a category's value follows its mask, so any world works.
/// </summary>
public static class SyntheticRecords
{
    private static readonly string[] Names = ["Alex", "Sam", "Robin", "Kim", "Noor", "Jo", "Ari", "Mika", "Dana", "Yuki", "Luca", "Ines", "Tomás", "Amaka", "Wen"];
    private static readonly string[] Surnames = ["Rivera", "Okafor", "Schmidt", "Dubois", "Jansen", "Murphy", "Tanaka", "Silva", "Kowalski", "Haddad", "Chen", "Novak"];
    private static readonly string[] Languages = ["en", "en", "de", "fr", "nl", "es", "pt", "ja", "zh"];
    private static readonly string[] Phrases =
    [
        "see you at the usual place", "can you send me the file", "call me when you land",
        "the draft is ready", "who told you that", "meeting moved to 3pm", "thanks for today",
    ];

    public static JsonNode Generate(string subject, Category category, Subject? profile, IReadOnlyList<string> contacts)
    {
        ArgumentNullException.ThrowIfNull(category);
        var random = new Random(Seed(subject, category.Id));
        return category.Mask switch
        {
            MaskKind.IpPrefix => new JsonArray(Ipv4(random), Ipv4(random), Ipv6(random)),
            MaskKind.City => Coordinates(random, profile?.Jurisdiction),
            MaskKind.Count => new JsonArray([.. contacts.Select(c => (JsonNode)c)]),
            MaskKind.Partial => new JsonObject
            {
                ["email"] = $"{Pick(random, Names).ToLowerInvariant()}.{Pick(random, Surnames).ToLowerInvariant()}{random.Next(10, 99)}@example.org",
                ["phone"] = $"+{random.Next(1, 99)} {random.Next(100, 999)} {random.Next(100, 999)} {random.Next(1000, 9999)}",
            },
            MaskKind.Redact => new JsonArray([.. Enumerable.Range(0, 3).Select(_ => (JsonNode)new JsonObject
            {
                ["to"] = contacts.Count > 0 ? contacts[random.Next(contacts.Count)] : "user:0",
                ["text"] = Pick(random, Phrases),
            })]),
            _ => new JsonObject
            {
                ["display_name"] = $"{Pick(random, Names)} {Pick(random, Surnames)[0]}.",
                ["language"] = Pick(random, Languages),
                ["joined"] = new DateOnly(2012, 1, 1).AddDays(random.Next(0, 5000)).ToString("O", CultureInfo.InvariantCulture),
            },
        };
    }

    private static int Seed(string subject, string category)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{subject}\n{category}"), hash);
        return BinaryPrimitives.ReadInt32LittleEndian(hash);
    }

    private static string Pick(Random random, string[] choices) => choices[random.Next(choices.Length)];

    private static string Ipv4(Random random) =>
        $"{random.Next(11, 223)}.{random.Next(0, 256)}.{random.Next(0, 256)}.{random.Next(1, 255)}";

    /// <summary>Inside 2001:db8::/32, the documentation prefix: never a real address.</summary>
    private static string Ipv6(Random random) =>
        $"2001:db8:{random.Next(0, 0x10000):x}:{random.Next(0, 0x10000):x}:{random.Next(0, 0x10000):x}:{random.Next(0, 0x10000):x}:{random.Next(0, 0x10000):x}:{random.Next(1, 0x10000):x}";

    /// <summary>A point a few kilometres from a city of the subject's country.</summary>
    private static JsonObject Coordinates(Random random, string? country)
    {
        var candidates = Cities.All.Where(c => c.Country == country).ToList();
        var city = candidates.Count > 0 ? candidates[random.Next(candidates.Count)] : Cities.All[random.Next(Cities.All.Count)];
        return new JsonObject
        {
            ["lat"] = Math.Round(city.Latitude + (random.NextDouble() - 0.5) * 0.08, 5),
            ["lon"] = Math.Round(city.Longitude + (random.NextDouble() - 0.5) * 0.08, 5),
        };
    }
}
