using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Custos.WebConsole;

/// <summary>The console's stylesheet and script, served from inside the assembly: nothing to deploy beside the binary.</summary>
public static class ConsoleAssets
{
    private static readonly FrozenDictionary<string, (byte[] Bytes, string Type)> Files = Load();

    /// <summary>Maps <c>assets/{name}</c> under <paramref name="endpoints"/> (the console's route group).</summary>
    public static RouteHandlerBuilder MapConsoleAssets(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/assets/{name}", (string name) =>
            Files.TryGetValue(name, out var file) ? Results.Bytes(file.Bytes, file.Type) : Results.NotFound());

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        const string prefix = "Custos.WebConsole.Assets.";
        var assembly = typeof(ConsoleAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[prefix.Length..];
            var type = name.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
            files[name] = (copy.ToArray(), type);
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
