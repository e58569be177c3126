using System.CommandLine;
using Custos.Server;
using Custos.Server.Authentication;
using Microsoft.Extensions.Configuration;

namespace Custos.Cli;

/// <summary>
/// <c>custos token --as staff:ID</c>: mints a bearer token with the node's own key, for local
/// use against a server that runs on the same data directory.
/// </summary>
internal static class TokenCommand
{
    private static readonly string[] Kinds = ["staff:", "user:", AuthOptions.ServicePrefix];

    public static Command Create()
    {
        var identity = new Option<string>("--as")
        {
            Description = "Who the token speaks for: staff:ID for a staff member, user:ID for a data subject, service:ID for a service such as the identity provider (SCIM) or a ledger auditor (service:auditor or service:auditor-NAME, which reads every ledger entry).",
            Required = true,
        };
        identity.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value is null || !Kinds.Any(k => value.StartsWith(k, StringComparison.Ordinal)) || value.EndsWith(':'))
            {
                result.AddError($"--as must be staff:ID, user:ID or service:ID, not '{value}'.");
            }
        });

        var location = new Option<string>("--location")
        {
            Description = "ISO 3166-1 alpha-2 code of where the caller is (default: none; reads of zoned subjects are then denied).",
        };
        MustBeACountry(location);

        var ttl = new Option<TimeSpan>("--ttl")
        {
            Description = "Lifetime, such as 1h, 30m or 2h30m (default 1h); at most 24h, or 90d for a service:ID.",
            DefaultValueFactory = _ => TimeSpan.FromHours(1),
            CustomParser = result => DurationArgument.Parse(result),
        };

        var data = new Option<string>("--data")
        {
            Description = $"The server's data directory, whose key signs the token (default: the one 'custos serve' would use here: Data in the configuration, CUSTOS_DATA, or ./{ServerOptions.DefaultDataDirectory}).",
        };

        var config = new Option<FileInfo>("--config")
        {
            Description = "The configuration file the server runs with, to find its data directory and token limits as 'custos serve --config' does.",
        };
        config.AcceptExistingOnly();

        var createKey = new Option<bool>("--create-key")
        {
            Description = "Make a new token key if the data directory has none (a running server on it would refuse the token until restarted).",
        };

        var command = new Command("token", "Mint a bearer token for local use, signed with the server's own key.") { identity, location, ttl, data, config, createKey };
        command.SetAction(parse =>
        {
            // The same layers as 'custos serve' (appsettings.json, --config, CUSTOS_ variables, --data):
            // a token signed with any other directory's key is one the server refuses.
            var configuration = ConfigCommand.Build(new ServeArguments(DataDirectory: parse.GetValue(data), ConfigFile: parse.GetValue(config)?.FullName));
            var server = configuration.Get<ServerOptions>() ?? new ServerOptions();
            var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
            var who = parse.GetValue(identity)!;
            var lifetime = parse.GetValue(ttl);
            var max = auth.MaxLocalLifetime(who);
            if (lifetime > max)
            {
                throw new CommandUsageException($"--ttl may be at most {AuthOptions.Describe(max)} for {(who.StartsWith(AuthOptions.ServicePrefix, StringComparison.Ordinal) ? "a service" : "staff and users")} (Auth:MaxLocal…TokenLifetime); the server refuses longer tokens.");
            }
            var keyFile = LocalSigningKey.PathIn(server.DataDirectory);
            if (!File.Exists(keyFile) && !parse.GetValue(createKey))
            {
                throw new InvalidOperationException($"there is no token key {keyFile}: name the server's data directory (--data, or --config as it runs with), start the server there first (it makes the key), or make a new key with --create-key.");
            }
            var key = LocalSigningKey.LoadOrCreate(server.DataDirectory);
            parse.InvocationConfiguration.Output.WriteLine(LocalTokens.Mint(key, who, parse.GetValue(location), lifetime));
            // On stderr, so that TOKEN=$(custos token …) still captures the token alone.
            parse.InvocationConfiguration.Error.WriteLine($"custos: signed with {keyFile}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The server refuses a token whose location is not a country; so the command line refuses to mint one.</summary>
    internal static void MustBeACountry(Option<string> location) => location.Validators.Add(result =>
    {
        var value = result.GetValueOrDefault<string>();
        if (!Formats.CountryCodes.IsAssigned(value))
        {
            result.AddError($"--location must be an ISO 3166-1 alpha-2 country code such as US, not '{value}'.");
        }
    });
}
