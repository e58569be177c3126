using Custos.Ledger.Log;
using Custos.Ledger.Storage;
using Custos.Server;
using Microsoft.Data.Sqlite;

namespace Custos.Backup;

/// <summary>Where a node keeps what a backup holds, resolved from its configuration as <c>custos serve</c> resolves it.</summary>
/// <param name="DataDirectory">The data directory.</param>
/// <param name="Store">The access store: a SQLite file or a <c>postgres://</c> URL.</param>
/// <param name="Ledger">The ledger: a SQLite file or a <c>postgres://</c> URL.</param>
/// <param name="LedgerKey">The ledger's signing key file.</param>
/// <param name="TokenKey">The local token key file.</param>
public sealed record DataLocations(string DataDirectory, string Store, string Ledger, string LedgerKey, string TokenKey)
{
    public static DataLocations Of(ServerOptions server, LedgerOptions ledger)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(ledger);
        var data = server.DataDirectory;
        var ledgerStore = ledger.ResolveStore(data);
        var store = LedgerStores.IsPostgres(server.StoreLocation) ? server.StoreLocation : Path.GetFullPath(server.StoreLocation);
        return new DataLocations(data, store, ledgerStore, ledger.ResolveKeyFile(data, ledgerStore), Server.Authentication.LocalSigningKey.PathIn(data));
    }

    /// <summary>What a backup of the SQLite deployment copies, in the order it copies it.</summary>
    internal IEnumerable<(string Role, string Name, string Path)> Files =>
    [
        // The store before the ledger: its snapshot then never reads beyond the ledger's.
        ("store", "custos.db", Store),
        ("ledger", LedgerOptions.DefaultFileName, Ledger),
        ("ledger-key", "ledger.key", LedgerKey),
        ("token-key", Server.Authentication.LocalSigningKey.FileName, TokenKey),
    ];

    /// <summary>Refuses PostgreSQL, whose backup is PostgreSQL's own business.</summary>
    internal void MustBeSqlite(string verb)
    {
        foreach (var (setting, location) in new[] { ("Store", Store), ("Ledger:Store", Ledger) })
        {
            if (LedgerStores.IsPostgres(location))
            {
                throw new BackupException(
                    $"custos {verb} copies SQLite stores, and {setting} is a PostgreSQL database: {verb} it with PostgreSQL's tools "
                    + "(pg_dump --format=custom for a snapshot, pg_basebackup with WAL archiving to restore to a point in time), "
                    + $"and keep a copy of the key files ({LedgerKey}, and each node's {Server.Authentication.LocalSigningKey.FileName}) beside it.");
            }
        }
    }
}

/// <summary>
/// <c>custos backup</c> and <c>custos restore</c>: a consistent snapshot of a running node's
/// store, ledger and keys, with a manifest of checksums, and its restoration, verified first.
/// </summary>
public static class DataBackup
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes a backup of <paramref name="from"/> into <paramref name="to"/> (absent or empty), while the node may be serving.</summary>
    public static async Task<BackupManifest> CreateAsync(DataLocations from, string to, IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        from.MustBeSqlite("backup");
        foreach (var (_, _, path) in from.Files)
        {
            if (!File.Exists(path))
            {
                throw new BackupException($"there is no {path} to back up: name the node's data directory (--data, or --config as it runs with).");
            }
        }
        to = Path.GetFullPath(to);
        if (Directory.Exists(to) && Directory.EnumerateFileSystemEntries(to).Any())
        {
            throw new BackupException($"{to} is not empty: back up into a new directory.");
        }
        PrivateFiles.CreateDirectory(to);

        var files = new List<BackupFile>();
        foreach (var (role, name, path) in from.Files)
        {
            cancellation.ThrowIfCancellationRequested();
            progress?.Report($"copying {role} {path}");
            var target = Path.Combine(to, name);
            if (role is "store" or "ledger")
            {
                Snapshot(path, target);
            }
            else
            {
                await CopyPrivateAsync(path, target, cancellation);
            }
        }

        progress?.Report("reading the ledger's size and root hash at the snapshot");
        var ledger = await DescribeLedgerAsync(Path.Combine(to, LedgerOptions.DefaultFileName), cancellation);
        foreach (var (role, name, _) in from.Files)
        {
            var target = Path.Combine(to, name);
            files.Add(new BackupFile(name, role, new FileInfo(target).Length, BackupManifest.Sha256Of(target)));
        }
        var manifest = new BackupManifest { Format = BackupManifest.CurrentFormat, Created = DateTimeOffset.UtcNow, Ledger = ledger, Files = files };
        await WritePrivateAsync(Path.Combine(to, BackupManifest.FileName), manifest.Serialize(), cancellation);
        return manifest;
    }

    /// <summary>
    /// Restores the backup in <paramref name="from"/> to <paramref name="to"/>. Everything is
    /// checked before anything is changed: the checksums, that the target's ledger has not moved
    /// on beyond the backup's (that would take back answered entries), and that the target is
    /// empty unless <paramref name="replace"/>.
    /// </summary>
    public static async Task<BackupManifest> RestoreAsync(string from, DataLocations to, bool replace, IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(to);
        from = Path.GetFullPath(from);
        var manifest = BackupManifest.Read(from);
        to.MustBeSqlite("restore");

        foreach (var file in manifest.Files)
        {
            progress?.Report($"checking {file.Name}");
            var path = Path.Combine(from, file.Name);
            if (!File.Exists(path))
            {
                throw new BackupException($"the backup {from} is incomplete: {file.Name} is missing. Nothing was changed.");
            }
            var sha256 = BackupManifest.Sha256Of(path);
            if (new FileInfo(path).Length != file.Size || sha256 != file.Sha256)
            {
                throw new BackupException(
                    $"the backup {from} is damaged: {file.Name} has SHA-256 {sha256[..12]}…, the manifest says {file.Sha256[..12]}…. Nothing was changed; restore another backup.");
            }
        }
        var byRole = manifest.Files.ToDictionary(f => f.Role, StringComparer.Ordinal);
        var targets = to.Files.Where(f => byRole.ContainsKey(f.Role)).ToList();

        if (File.Exists(to.Ledger))
        {
            progress?.Report($"comparing the ledger {to.Ledger} with the backup's");
            var current = await DescribeLedgerAsync(to.Ledger, cancellation);
            if (current.FirstEntrySha256 == manifest.Ledger.FirstEntrySha256 && current.Size > manifest.Ledger.Size)
            {
                throw new BackupException(
                    $"the ledger {to.Ledger} has moved on since this backup: it holds {current.Size} entries, the backup {manifest.Ledger.Size}, and restoring would take back "
                    + "entries already answered. Keep this ledger: move custos.db aside and start the node to rebuild the store from it, "
                    + "or restore into an empty directory (--data) to look at the backup. Nothing was changed.");
            }
        }
        var present = targets.Where(t => File.Exists(t.Path)).Select(t => t.Path).ToList();
        if (present.Count > 0 && !replace)
        {
            throw new BackupException($"{string.Join(", ", present)} already exist: restore into an empty data directory, or pass --force to replace them. Nothing was changed.");
        }

        PrivateFiles.CreateDirectory(to.DataDirectory);
        // Each file is written beside its place and then renamed over it: a restore cut short leaves
        // every file either as it was or as in the backup, never half-written.
        var staged = new List<(string Staged, string Target)>();
        foreach (var (role, _, target) in targets)
        {
            progress?.Report($"restoring {role} to {target}");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var staging = target + ".restoring";
            await CopyPrivateAsync(Path.Combine(from, byRole[role].Name), staging, cancellation);
            staged.Add((staging, target));
        }
        foreach (var (staging, target) in staged)
        {
            foreach (var companion in new[] { "-wal", "-shm", "-journal" })
            {
                // A companion left by the replaced database would be replayed into the restored one.
                File.Delete(target + companion);
            }
            File.Move(staging, target, overwrite: true);
        }

        var restored = await DescribeLedgerAsync(to.Ledger, cancellation);
        if (restored.Size != manifest.Ledger.Size || restored.RootHash != manifest.Ledger.RootHash)
        {
            throw new BackupException($"the restored ledger {to.Ledger} has {restored.Size} entries and root {restored.RootHash[..12]}…, not the manifest's {manifest.Ledger.Size} and {manifest.Ledger.RootHash[..12]}….");
        }
        return manifest;
    }

    /// <summary>SQLite's online backup: a consistent copy of the database as of one read transaction, while writers go on.</summary>
    private static void Snapshot(string database, string target)
    {
        using (var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString()))
        using (var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false }.ToString()))
        {
            source.Open();
            source.BackupDatabase(destination);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(target, OwnerOnly);
        }
    }

    private static async Task<LedgerAtSnapshot> DescribeLedgerAsync(string path, CancellationToken cancellation)
    {
        try
        {
            await using var log = await LedgerSetup.OpenAsync(path, cancellation: cancellation);
            var first = log.Size > 0 ? Access.Storage.AccessStore.Sha256(await log.ReadEntryAsync(0, cancellation)) : null;
            return new LedgerAtSnapshot(log.Origin, log.Size, Convert.ToHexStringLower(log.Head.RootHash), first);
        }
        catch (LedgerStoreException e)
        {
            throw new BackupException($"cannot read the ledger {path}: {e.Message}", e);
        }
    }

    private static async Task CopyPrivateAsync(string from, string to, CancellationToken cancellation) =>
        await WritePrivateAsync(to, await File.ReadAllBytesAsync(from, cancellation), cancellation);

    /// <summary>Writes a file only its owner may read (keys among them), and flushes it to disk.</summary>
    private static async Task WritePrivateAsync(string path, byte[] content, CancellationToken cancellation)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }
        await using (var stream = new FileStream(path, options))
        {
            await stream.WriteAsync(content, cancellation);
            stream.Flush(flushToDisk: true);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }
    }
}
