using System.Text.Json;
using System.Text.Json.Serialization;
using Custos.Formats;

namespace Custos.Detection;

/// <summary>
/// Detection settings as a JSON file: any subset of <see cref="DetectionOptions"/> in
/// snake_case, everything left out keeping its default. Durations are .NET time spans
/// (<c>"7.00:00:00"</c> is seven days, <c>"01:00:00"</c> an hour). An unknown field is an
/// error, so a misspelt threshold is not silently ignored.
/// </summary>
/// <example><code>{"protected_subject": {"threshold": 4}, "correlation": {"window": "3.00:00:00"}}</code></example>
public static class DetectionOptionsFile
{
    private static readonly JsonSerializerOptions Json = new(FormatJson.Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public static DetectionOptions Read(string path) => FormatFiles.ReadJson<DetectionOptions>(path, Json, "an options object");
}
