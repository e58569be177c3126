using Custos.Cedar.Extensions;

namespace Custos.Cedar.Validation;

/// <summary>The type of an extension function: its parameters (the receiver of a method first) and its result.</summary>
internal sealed record ExtensionSignature(CedarType[] Parameters, CedarType Result, bool IsConstructor);

/// <summary>
/// The types of Cedar's extension functions, for the validator. The evaluator's registry
/// (<see cref="ExtensionFunctions"/>) knows how to run them; this knows what they take and give.
/// </summary>
internal static class ExtensionSignatures
{
    private static readonly CedarType IpAddr = new ExtensionType("ipaddr");
    private static readonly CedarType Decimal = new ExtensionType("decimal");
    private static readonly CedarType Datetime = new ExtensionType("datetime");
    private static readonly CedarType Duration = new ExtensionType("duration");

    private static readonly Dictionary<string, ExtensionSignature> All = new(StringComparer.Ordinal)
    {
        ["ip"] = new([CedarType.String], IpAddr, IsConstructor: true),
        ["isIpv4"] = new([IpAddr], CedarType.Bool, false),
        ["isIpv6"] = new([IpAddr], CedarType.Bool, false),
        ["isLoopback"] = new([IpAddr], CedarType.Bool, false),
        ["isMulticast"] = new([IpAddr], CedarType.Bool, false),
        ["isInRange"] = new([IpAddr, IpAddr], CedarType.Bool, false),
        ["decimal"] = new([CedarType.String], Decimal, IsConstructor: true),
        ["lessThan"] = new([Decimal, Decimal], CedarType.Bool, false),
        ["lessThanOrEqual"] = new([Decimal, Decimal], CedarType.Bool, false),
        ["greaterThan"] = new([Decimal, Decimal], CedarType.Bool, false),
        ["greaterThanOrEqual"] = new([Decimal, Decimal], CedarType.Bool, false),
        ["datetime"] = new([CedarType.String], Datetime, IsConstructor: true),
        ["duration"] = new([CedarType.String], Duration, IsConstructor: true),
        ["offset"] = new([Datetime, Duration], Datetime, false),
        ["durationSince"] = new([Datetime, Datetime], Duration, false),
        ["toDate"] = new([Datetime], Datetime, false),
        ["toTime"] = new([Datetime], Duration, false),
        ["toMilliseconds"] = new([Duration], CedarType.Long, false),
        ["toSeconds"] = new([Duration], CedarType.Long, false),
        ["toMinutes"] = new([Duration], CedarType.Long, false),
        ["toHours"] = new([Duration], CedarType.Long, false),
        ["toDays"] = new([Duration], CedarType.Long, false),
    };

    public static bool TryGet(string name, out ExtensionSignature signature) => All.TryGetValue(name, out signature!);

    /// <summary>Why a constructor's literal argument is invalid, or null when it is valid.</summary>
    public static string? CheckLiteral(string constructor, string text)
    {
        string? error;
        var valid = constructor switch
        {
            "ip" => IpAddress.TryParse(text, out _, out error),
            "decimal" => DecimalExtension.TryParse(text, out _, out error),
            "datetime" => DatetimeExtension.TryParseDatetime(text, out _, out error),
            _ => DatetimeExtension.TryParseDuration(text, out _, out error),
        };
        return valid ? null : error ?? "invalid";
    }
}
