using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Custos.Access.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so that a
/// committed transaction survives a crash or power loss.
/// </summary>
public sealed class SqliteAccessStore : AccessStore
{
    private readonly string _path;

    public SqliteAccessStore(string path, TimeProvider? time = null) : base(SqlDialect.Sqlite, time)
    {
        _path = Path.GetFullPath(path);
    }

    public override string Location => _path;

    protected override Task PrepareAsync(CancellationToken cancellation)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"cannot create the directory of {_path}: {e.Message}", e);
        }
        return Task.CompletedTask;
    }

    protected override async Task<DbConnection> ConnectAsync(bool create, CancellationToken cancellation)
    {
        // Once created, the file must stay: reopening without "create" notices a data directory
        // that was unmounted or wiped instead of silently starting an empty store.
        if (!create && !File.Exists(_path))
        {
            throw new StoreUnavailableException($"the database {_path} does not exist (was the data directory moved or unmounted?)");
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellation);
            if (create)
            {
                // WAL is a property of the file: set once, it holds for every later connection.
                var mode = (string?)await connection.ScalarAsync("PRAGMA journal_mode = WAL", null, cancellation);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new StoreUnavailableException($"{_path} cannot use write-ahead logging (journal mode stays '{mode}').");
                }
            }
            await connection.ExecuteAsync("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;", null, cancellation);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
