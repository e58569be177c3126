using System.CommandLine;
using Custos.Server;
using Custos.Server.Authentication;

namespace Custos.Cli;

/// <summary>
/// <c>custos token --as staff:ID</c>: mints a bearer token with the node's own key, for local
/// use against a server that runs on the same data directory.
/// </summary>
internal static class TokenCommand
{
    private const string ServicePrefix = "service:";

    private static readonly string[] Kinds = ["staff:", "user:", ServicePrefix];

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
        location.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value is null || value.Length != 2 || !value.All(char.IsAsciiLetterUpper))
            {
                result.AddError($"--location must be a two-letter country code such as US, not '{value}'.");
            }
        });

        var ttl = new Option<TimeSpan>("--ttl")
        {
            Description = "Lifetime, such as 1h, 30m or 2h30m (default 1h); at most 24h, or 90d for a service:ID.",
            DefaultValueFactory = _ => TimeSpan.FromHours(1),
            CustomParser = result => Durations.Parse(result),
        };

        var data = new Option<string>("--data")
        {
            Description = $"The server's data directory, whose key signs the token (default ./{ServerOptions.DefaultDataDirectory}).",
            DefaultValueFactory = _ => ServerOptions.DefaultDataDirectory,
        };

        var command = new Command("token", "Mint a bearer token for local use, signed with the server's own key.") { identity, location, ttl, data };
        command.SetAction(parse =>
        {
            var lifetime = parse.GetValue(ttl);
            var service = parse.GetValue(identity)!.StartsWith(ServicePrefix, StringComparison.Ordinal);
            var max = service ? new AuthOptions().MaxLocalServiceTokenLifetime : new AuthOptions().MaxLocalTokenLifetime;
            if (lifetime > max)
            {
                throw new InvalidOperationException(service ? $"--ttl may be at most {max.TotalDays:0} days for a service." : $"--ttl may be at most {max.TotalHours:0} hours.");
            }
            var key = LocalSigningKey.LoadOrCreate(parse.GetValue(data)!);
            parse.InvocationConfiguration.Output.WriteLine(LocalTokens.Mint(key, parse.GetValue(identity)!, parse.GetValue(location), lifetime));
            return ExitCodes.Success;
        });
        return command;
    }
}
