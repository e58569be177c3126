namespace Custos.Server;

/// <summary>
/// The server's own settings, bound from the root of configuration so that they read the same
/// everywhere: <c>"Urls"</c> in a JSON file, <c>CUSTOS_URLS</c> in the environment,
/// <c>--urls</c> on the command line.
/// </summary>
public sealed class ServerOptions
{
    public const string DefaultUrls = "http://127.0.0.1:5080";
    public const string DefaultDataDirectory = ".custos";

    /// <summary>Addresses to listen on, separated by ';'.</summary>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>Directory of the server's stores; relative paths are taken from the working directory.</summary>
    public string Data { get; set; } = DefaultDataDirectory;

    public string DataDirectory => Path.GetFullPath(Data);

    /// <summary>
    /// The access store: a <c>postgres://</c> URL for a deployment of several nodes; by default
    /// the SQLite file <c>custos.db</c> in the data directory.
    /// </summary>
    public string? Store { get; set; }

    /// <summary>
    /// The world to load (<c>world.json</c>); by default the demo world shipped beside the binary.
    /// <c>store</c> loads no file and keeps the store's active world (as SCIM keeps it).
    /// </summary>
    public string World { get; set; } = DefaultWorld;

    /// <summary>The value of <see cref="World"/> that keeps the store's world.</summary>
    public const string WorldStore = "store";

    public bool WorldFromStore => string.Equals(World, WorldStore, StringComparison.OrdinalIgnoreCase);

    /// <summary>Load the world file even over a world that SCIM has changed since a file was loaded (whose changes it undoes).</summary>
    public bool ReplaceWorld { get; set; }

    /// <summary>The directory of <c>*.cedar</c> policies to load; by default the demo's.</summary>
    public string Policies { get; set; } = DefaultPolicies;

    /// <summary>
    /// The Cedar schema the policies are validated against at start-up (strict mode); by default
    /// <c>custos.cedarschema</c> in the policy directory or the directory above it. Without one the
    /// policies are not validated, with a warning.
    /// </summary>
    public string? PolicySchema { get; set; }

    /// <summary>
    /// Start even when the policies do not validate against the schema, logging each error as a
    /// warning instead of refusing to start: for a migration, not for everyday use.
    /// </summary>
    public bool PolicyValidationWarnOnly { get; set; }

    public static string DefaultWorld => Path.Combine(AppContext.BaseDirectory, "samples", "incident", "world.json");

    public static string DefaultPolicies => Path.Combine(AppContext.BaseDirectory, "samples", "incident", "policies");

    public string StoreLocation => string.IsNullOrWhiteSpace(Store) ? Path.Combine(DataDirectory, "custos.db") : Store;

    /// <summary>Null when every address is an absolute http or https URL, otherwise what is wrong.</summary>
    public static string? ValidateUrls(string? urls)
    {
        if (string.IsNullOrWhiteSpace(urls))
        {
            return "no address to listen on; give at least one, such as http://127.0.0.1:5080.";
        }
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel also accepts wildcard hosts ("http://*:80", "http://+:80"), which Uri rejects.
            var probe = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(probe, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                return $"'{url}' is not an http:// or https:// address.";
            }
        }
        return null;
    }
}
