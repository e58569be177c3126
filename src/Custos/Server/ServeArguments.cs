namespace Custos.Server;

/// <summary>
/// What <c>custos serve</c> was given on its command line. Each value, when present, is the
/// top layer of configuration: it beats the environment, which beats the files.
/// </summary>
public sealed record ServeArguments(
    string? Urls = null,
    string? DataDirectory = null,
    string? ConfigFile = null,
    bool Verbose = false,
    string? World = null,
    string? Policies = null,
    bool ReplaceWorld = false)
{
    internal IEnumerable<KeyValuePair<string, string?>> ToConfiguration()
    {
        if (Urls is not null)
        {
            yield return new(nameof(ServerOptions.Urls), Urls);
        }
        if (DataDirectory is not null)
        {
            yield return new(nameof(ServerOptions.Data), DataDirectory);
        }
        if (World is not null)
        {
            yield return new(nameof(ServerOptions.World), World);
        }
        if (Policies is not null)
        {
            yield return new(nameof(ServerOptions.Policies), Policies);
        }
        if (ReplaceWorld)
        {
            yield return new(nameof(ServerOptions.ReplaceWorld), "true");
        }
        if (Verbose)
        {
            yield return new("Logging:LogLevel:Default", "Debug");
        }
    }
}
