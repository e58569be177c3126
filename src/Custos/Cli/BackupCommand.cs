using System.CommandLine;
using Custos.Backup;
using Custos.Server;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace Custos.Cli;

/// <summary><c>custos backup --to DIR</c> and <c>custos restore --from DIR</c>: thin shells over <see cref="DataBackup"/>.</summary>
internal static class BackupCommand
{
    public static Command Backup()
    {
        var to = new Option<string>("--to") { Description = "A new (or empty) directory to write the backup into.", Required = true };
        var (data, config) = Locations();
        var command = new Command("backup",
            "Back up a node's store, ledger and keys into a directory, with a manifest of their SHA-256 checksums and the ledger's size and root hash. "
            + "The node may be serving: each database is copied as of one moment (SQLite's online backup), the store before the ledger.")
        { to, data, config };
        command.SetAction(async (parse, cancellation) =>
        {
            var locations = Resolve(parse, data, config);
            var manifest = await WithProgressAsync(parse, "backing up", progress => DataBackup.CreateAsync(locations, parse.GetValue(to)!, progress, cancellation));
            await parse.InvocationConfiguration.Output.WriteLineAsync(
                $"backed up {locations.DataDirectory} to {Path.GetFullPath(parse.GetValue(to)!)}: ledger {manifest.Ledger.Origin} of {manifest.Ledger.Size} entries, root {manifest.Ledger.RootHash}; "
                + $"{manifest.Files.Count} files, {manifest.Files.Sum(f => f.Size)} bytes.");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Restore()
    {
        var from = new Option<string>("--from") { Description = "The directory 'custos backup --to' wrote.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace the store, ledger and keys the data directory already holds (never a ledger that has moved on beyond the backup's)." };
        var (data, config) = Locations();
        var command = new Command("restore",
            "Restore a backup into a node's data directory (stop the node first). Every checksum is verified before anything is changed; "
            + "a non-empty data directory is refused without --force, and a ledger that has moved on beyond the backup's always.")
        { from, data, config, force };
        command.SetAction(async (parse, cancellation) =>
        {
            var locations = Resolve(parse, data, config);
            var manifest = await WithProgressAsync(parse, "restoring", progress => DataBackup.RestoreAsync(parse.GetValue(from)!, locations, parse.GetValue(force), progress, cancellation));
            await parse.InvocationConfiguration.Output.WriteLineAsync(
                $"restored {manifest.Files.Count} files into {locations.DataDirectory}: ledger {manifest.Ledger.Origin} of {manifest.Ledger.Size} entries, root {manifest.Ledger.RootHash}. "
                + "Start the node: it checks that the store agrees with the ledger before it is ready.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static (Option<string> Data, Option<FileInfo> Config) Locations()
    {
        var data = new Option<string>("--data")
        {
            Description = $"The node's data directory (default: the one 'custos serve' would use here: Data in the configuration, CUSTOS_DATA, or ./{ServerOptions.DefaultDataDirectory}).",
        };
        var config = new Option<FileInfo>("--config") { Description = "The configuration file the node runs with, to find its stores and keys as 'custos serve --config' does." };
        config.AcceptExistingOnly();
        return (data, config);
    }

    private static DataLocations Resolve(ParseResult parse, Option<string> data, Option<FileInfo> config)
    {
        var configuration = ConfigCommand.Build(new ServeArguments(DataDirectory: parse.GetValue(data), ConfigFile: parse.GetValue(config)?.FullName));
        return DataLocations.Of(
            configuration.Get<ServerOptions>() ?? new ServerOptions(),
            configuration.GetSection(LedgerOptions.Section).Get<LedgerOptions>() ?? new LedgerOptions());
    }

    /// <summary>Shows each step on a terminal; says nothing into a file or a pipe, where only the result line belongs.</summary>
    private static async Task<T> WithProgressAsync<T>(ParseResult parse, string title, Func<IProgress<string>?, Task<T>> run)
    {
        if (Console.IsOutputRedirected || parse.InvocationConfiguration.Output != Console.Out)
        {
            return await run(null);
        }
        return await AnsiConsole.Status().StartAsync(title, async context =>
            await run(new Progress<string>(step => context.Status($"{title}: {Markup.Escape(step)}"))));
    }
}
