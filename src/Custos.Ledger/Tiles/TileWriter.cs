using System.Text;
using Custos.Ledger.Checkpoints;
using Custos.Ledger.Log;

namespace Custos.Ledger.Tiles;

/// <summary>
/// Writes a log as static C2SP tlog-tiles files under a directory, laid out as the URLs are
/// (<c>checkpoint</c>, <c>tile/L/N[.p/W]</c>, <c>tile/entries/N[.p/W]</c>), so that any static
/// web server or CDN serves the log's readers without Custos.
/// </summary>
/// <remarks>
/// Every file is written to a temporary name and renamed into place, and the checkpoint last:
/// a reader never sees a half-written tile, nor a checkpoint whose tiles are missing. Full
/// tiles never change, so a file already there is kept; rerunning after a crash is safe.
/// </remarks>
public static class TileWriter
{
    /// <summary>
    /// Writes the tiles of the tree of <paramref name="checkpointNote"/> (a checkpoint the log
    /// signed, as served), then the checkpoint; returns how many files were written. With
    /// <paramref name="entryBundles"/> it writes the entry bundles too: they hold entry bodies,
    /// so only for a directory that no one but auditors reads.
    /// </summary>
    public static async Task<int> WriteAsync(MerkleLog log, string checkpointNote, string directory, bool entryBundles, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(checkpointNote);
        var checkpoint = Checkpoint.Open(checkpointNote, Notes.NoteVerifier.Parse(log.Metadata.VerifierKey));
        Directory.CreateDirectory(directory);
        var written = 0;
        foreach (var tile in Tile.AllOf(checkpoint.Size))
        {
            if (await WriteOnceAsync(directory, tile.Path, () => log.ReadHashTileAsync(tile, cancellation), cancellation))
            {
                written++;
            }
            if (entryBundles && tile.Level == 0
                && await WriteOnceAsync(directory, tile.EntryBundlePath, () => log.ReadEntryBundleAsync(tile, cancellation), cancellation))
            {
                written++;
            }
        }
        await WriteFileAsync(directory, "checkpoint", Encoding.UTF8.GetBytes(checkpointNote), cancellation);
        return written + 1;
    }

    private static async Task<bool> WriteOnceAsync(string directory, string path, Func<Task<byte[]>> content, CancellationToken cancellation)
    {
        if (File.Exists(Path.Combine(directory, path)))
        {
            return false;
        }
        await WriteFileAsync(directory, path, await content(), cancellation);
        return true;
    }

    private static async Task WriteFileAsync(string directory, string path, byte[] content, CancellationToken cancellation)
    {
        var target = Path.Combine(directory, path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = $"{target}.{Guid.NewGuid():n}.tmp";
        await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await file.WriteAsync(content, cancellation);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, target, overwrite: true);
    }
}
