using Microsoft.Extensions.Configuration;

namespace Custos.Server;

/// <summary>
/// The layers of the server's configuration, lowest first: built-in defaults,
/// <c>appsettings.json</c> beside the executable, the <c>--config</c> file,
/// <c>CUSTOS_</c>-prefixed environment variables, the command line.
/// </summary>
public static class CustosConfiguration
{
    public const string EnvironmentPrefix = "CUSTOS_";

    /// <summary>The shipped defaults live beside the binary, not in whatever directory the server is started from.</summary>
    public static string DefaultsFile => Path.Combine(AppContext.BaseDirectory, "appsettings.json");

    private static readonly Dictionary<string, string?> BuiltInDefaults = new()
    {
        [nameof(ServerOptions.Urls)] = ServerOptions.DefaultUrls,
        [nameof(ServerOptions.Data)] = ServerOptions.DefaultDataDirectory,
        [nameof(ServerOptions.World)] = ServerOptions.DefaultWorld,
        [nameof(ServerOptions.Policies)] = ServerOptions.DefaultPolicies,
    };

    public static IConfigurationBuilder AddCustosSources(this IConfigurationBuilder builder, ServeArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(arguments);

        builder.AddInMemoryCollection(BuiltInDefaults);
        builder.AddJsonFile(DefaultsFile, optional: true, reloadOnChange: false);
        if (arguments.ConfigFile is { } file)
        {
            builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }
        builder.AddEnvironmentVariables(EnvironmentPrefix);
        builder.AddInMemoryCollection(arguments.ToConfiguration());
        return builder;
    }
}
