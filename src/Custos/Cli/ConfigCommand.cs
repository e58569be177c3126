using System.CommandLine;
using System.Text.RegularExpressions;
using Custos.Server;
using Custos.Server.Configuration;
using Microsoft.Extensions.Configuration;

namespace Custos.Cli;

/// <summary><c>custos config …</c>: check the server's configuration before starting it, and print its reference.</summary>
internal static partial class ConfigCommand
{
    public static Command Create() => new("config", "Check the server's configuration, or print the reference of every setting.")
    {
        Check(),
        Reference(),
    };

    private static Command Check()
    {
        var config = new Option<FileInfo>("--config")
        {
            Description = "A JSON configuration file, as 'custos serve --config' takes.",
        };
        config.AcceptExistingOnly();
        var command = new Command("check",
            "Check the configuration 'custos serve' would read (files and CUSTOS_ variables) and print the effective settings, secrets redacted. "
            + "Exit 0 when it holds, 2 with one line per problem otherwise.")
        { config };
        command.SetAction(async (parse, cancellation) =>
        {
            var configuration = Build(new ServeArguments(ConfigFile: parse.GetValue(config)?.FullName));
            var problems = StrictConfiguration.Check(configuration);
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"custos: configuration: {problem}.");
                }
                return ExitCodes.Usage;
            }
            var output = parse.InvocationConfiguration.Output;
            foreach (var (key, value) in Effective(configuration))
            {
                await output.WriteLineAsync($"{key} = {value}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Reference()
    {
        var command = new Command("reference", "Print the configuration reference as Markdown (docs/configuration.md).");
        command.SetAction(async (parse, cancellation) =>
        {
            await parse.InvocationConfiguration.Output.WriteAsync(ConfigurationReference.Markdown());
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The configuration 'custos serve' reads, layered the same way.</summary>
    internal static IConfigurationRoot Build(ServeArguments arguments) =>
        new ConfigurationBuilder().AddCustosSources(arguments).Build();

    /// <summary>Every setting with the value the server would use: the defaults, overridden by what is configured.</summary>
    private static SortedDictionary<string, string> Effective(IConfigurationRoot configuration)
    {
        var settings = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in ConfigurationReference.Entries().Where(e => !e.Key.Contains(":N", StringComparison.Ordinal)))
        {
            settings[entry.Key] = entry.Default.Trim('`');
        }
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (value is not null && !ConfigurationSchema.OtherVariables.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                settings[key] = Redact(key, value);
            }
        }
        return settings;
    }

    private static string Redact(string key, string value)
    {
        var name = key[(key.LastIndexOf(':') + 1)..];
        // Telemetry:Otlp:Headers carries a backend's API key.
        if (name.Contains("secret", StringComparison.OrdinalIgnoreCase) || name.Contains("password", StringComparison.OrdinalIgnoreCase)
            || name.Equals("Headers", StringComparison.OrdinalIgnoreCase))
        {
            return "(redacted)";
        }
        // postgres://user:password@host/db: keep who and where, not the password.
        return UrlPassword().Replace(value, "$1(redacted)@");
    }

    [GeneratedRegex(@"^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*:)[^@/]*@")]
    private static partial Regex UrlPassword();
}
