using System.CommandLine;
using Custos.Ledger.Log;
using Custos.Ledger.Storage;
using Custos.Ledger.Tiles;

namespace Custos.Cli;

/// <summary><c>custos ledger tiles</c>: the log as static C2SP tlog-tiles files, for a web server or CDN to serve.</summary>
internal static class LedgerTilesCommand
{
    public static Command Create(Option<string> store)
    {
        var output = new Option<string>("--out")
        {
            Description = "The directory to write checkpoint and tile/… into (created if absent); serve it as the log's tlog-tiles prefix.",
            Required = true,
        };
        var entries = new Option<bool>("--entries")
        {
            Description = "Also write the entry bundles (tile/entries/…). They hold every entry's body: only for a directory that auditors alone can read.",
        };
        var command = new Command("tiles",
            "Write the tiles of the latest signed checkpoint, then the checkpoint, under --out. Full tiles already there are kept; rerun after every checkpoint.")
        { store, output, entries };
        command.SetAction(async (parse, cancellation) =>
        {
            await using var log = await LedgerSetup.OpenAsync(parse.GetValue(store)!, cancellation: cancellation);
            var note = await log.Store.ReadLatestCheckpointAsync(cancellation)
                ?? throw new LedgerStoreException($"the ledger {log.Store.Description} has no signed checkpoint yet: run 'custos ledger checkpoint' first.");
            var written = await TileWriter.WriteAsync(log, note, parse.GetValue(output)!, parse.GetValue(entries), cancellation);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{written} files written to {parse.GetValue(output)}.");
            return ExitCodes.Success;
        });
        return command;
    }
}
