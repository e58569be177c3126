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

        var world = new Option<FileInfo>("--world")
        {
            Description = "The world to load (default: the demo world of samples/incident).",
        };
        world.AcceptExistingOnly();

        var policies = new Option<DirectoryInfo>("--policies")
        {
            Description = "A directory of *.cedar policies to load (default: the demo's).",
        };
        policies.AcceptExistingOnly();

        var command = new Command("serve", "Run the Custos server.") { urls, data, config, world, policies };
        command.SetAction(async (parse, cancellation) =>
        {
            var arguments = new ServeArguments(
                Urls: parse.GetValue(urls),
                DataDirectory: parse.GetValue(data),
                ConfigFile: parse.GetValue(config)?.FullName,
                Verbose: parse.GetValue(CustosCommandLine.Verbose),
                World: parse.GetValue(world)?.FullName,
                Policies: parse.GetValue(policies)?.FullName);
            using var host = CustosServer.CreateHostBuilder(arguments).Build();
            await host.RunAsync(cancellation);
            return ExitCodes.Success;
        });
        return command;
    }
}
