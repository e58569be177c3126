using System.CommandLine;
using Custos.Server;
using Microsoft.Extensions.Hosting;

namespace Custos.Cli;

/// <summary><c>custos serve</c>: runs the HTTP server until SIGTERM or Ctrl-C.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls")
        {
            Description = $"Addresses to listen on, separated by ';' (default {ServerOptions.DefaultUrls}).",
        };
        urls.Validators.Add(result =>
        {
            if (ServerOptions.ValidateUrls(result.GetValueOrDefault<string>()) is { } problem)
            {
                result.AddError(problem);
            }
        });

        var data = new Option<string>("--data")
        {
            Description = $"Directory of the server's stores (default ./{ServerOptions.DefaultDataDirectory}).",
        };

        var config = new Option<FileInfo>("--config")
        {
            Description = "A JSON configuration file, layered over appsettings.json and under CUSTOS_ environment variables.",
        };
        config.AcceptExistingOnly();

        var world = new Option<string>("--world")
        {
            Description = "The world to load (default: the demo world of samples/incident), or 'store' to keep the store's (as SCIM keeps it).",
        };
        world.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value is not null && !string.Equals(value, ServerOptions.WorldStore, StringComparison.OrdinalIgnoreCase) && !File.Exists(value))
            {
                result.AddError($"File does not exist: '{value}'.");
            }
        });

        var replaceWorld = new Option<bool>("--replace-world")
        {
            Description = "Load the world file even over a world that SCIM has changed since (undoing those changes).",
        };

        var policies = new Option<DirectoryInfo>("--policies")
        {
            Description = "A directory of *.cedar policies to load (default: the demo's).",
        };
        policies.AcceptExistingOnly();

        var command = new Command("serve", "Run the Custos server.") { urls, data, config, world, replaceWorld, policies };
        command.SetAction(async (parse, cancellation) =>
        {
            var arguments = new ServeArguments(
                Urls: parse.GetValue(urls),
                DataDirectory: parse.GetValue(data),
                ConfigFile: parse.GetValue(config)?.FullName,
                Verbose: parse.GetValue(CustosCommandLine.Verbose),
                World: parse.GetValue(world) is { } file && !string.Equals(file, ServerOptions.WorldStore, StringComparison.OrdinalIgnoreCase) ? Path.GetFullPath(file) : parse.GetValue(world),
                Policies: parse.GetValue(policies)?.FullName,
                ReplaceWorld: parse.GetValue(replaceWorld));
            // Before anything starts: a misspelt key would otherwise be ignored without a word.
            Server.Configuration.StrictConfiguration.Enforce(ConfigCommand.Build(arguments));
            // Here, not in the host: the tests compose the same host inside a process whose other files must stay shared.
            PrivateFiles.RestrictNewFiles();
            using var host = CustosServer.CreateHostBuilder(arguments).Build();
            await host.RunAsync(cancellation);
            return ExitCodes.Success;
        });
        return command;
    }
}
