using Custos.Ledger.Storage;
using Custos.Ledger.Storage.Postgres;

namespace Custos.Ledger.Notes;

/// <summary>
/// The file that holds a ledger's signing key: one line, the signed-note signer key string,
/// readable and writable by its owner only (mode 0600), created beside a SQLite store.
/// </summary>
public static class SignerKeyFile
{
    public const string Extension = ".key";

    /// <summary>
    /// Where the key of <paramref name="store"/> lives unless told otherwise: <c>PATH.key</c> beside a
    /// SQLite file; for a PostgreSQL store, <c>DATABASE.ledger.key</c> in the working directory
    /// (a database has no "beside").
    /// </summary>
    public static string DefaultFor(string store)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(store);
        if (!LedgerStores.IsPostgres(store))
        {
            return Path.GetFullPath(store) + Extension;
        }
        var database = new Npgsql.NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString(store)).Database ?? "postgres";
        return Path.GetFullPath($"{database}.ledger{Extension}");
    }

    /// <summary>Writes a new key file with owner-only permissions; refuses to overwrite one.</summary>
    public static void Create(string path, NoteSigner signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Set at creation, so the secret is never readable by others, not even for a moment.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            writer.Write(signer.ExportSignerKey());
            writer.Write('\n');
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new LedgerStoreException($"the key file {path} already exists; refusing to overwrite a signing key.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LedgerStoreException($"cannot write the key file {path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The key in <paramref name="path"/>, or a new key for <paramref name="origin"/> written
    /// there if there is none. Nodes that start together on one shared key file agree on one key:
    /// each writes its candidate aside and links it into place only if nothing is there yet, so
    /// the first wins and the others read the winner's whole file, never a half-written one.
    /// </summary>
    public static NoteSigner ReadOrCreate(string path, string origin)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            var candidate = $"{path}.{Guid.NewGuid():n}.new";
            using (var signer = NoteSigner.Generate(origin))
            {
                Create(candidate, signer);
            }
            try
            {
                File.Move(candidate, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another node placed its key first: that one is the ledger's.
            }
            finally
            {
                File.Delete(candidate);
            }
        }
        var key = Read(path);
        if (key.Name != origin)
        {
            var name = key.Name;
            key.Dispose();
            throw new LedgerStoreException($"the key {path} signs for '{name}', not for the configured origin '{origin}'.");
        }
        return key;
    }

    public static NoteSigner Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new LedgerStoreException($"the ledger's signing key {path} does not exist.");
        }
        try
        {
            return NoteSigner.Parse(File.ReadAllText(path));
        }
        catch (NoteKeyException e)
        {
            throw new LedgerStoreException($"{path} does not hold a signing key: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LedgerStoreException($"cannot read the key file {path}: {e.Message}", e);
        }
    }
}
