using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Custos.Storage;

/// <summary>
/// The node's embedded SQLite database (<c>custos.db</c> in the data directory), in WAL mode
/// with <c>synchronous=FULL</c> so that a committed transaction survives a crash or power loss.
/// It is opened and migrated on first use and re-checked on every readiness probe, so a node
/// whose disk is not there yet becomes ready once it is, without a restart.
/// </summary>
public sealed class EmbeddedStore : IDisposable
{
    public const string FileName = "custos.db";

    private static readonly IReadOnlyList<Migration> Migrations =
        Migration.FromResources(typeof(EmbeddedStore).Assembly, "Custos.Storage.Migrations.");

    private readonly ILogger<EmbeddedStore> _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _opening = new(1, 1);
    private StoreInfo? _info;

    public EmbeddedStore(string dataDirectory, ILogger<EmbeddedStore> logger, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        DataDirectory = Path.GetFullPath(dataDirectory);
        DatabasePath = Path.Combine(DataDirectory, FileName);
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public string DataDirectory { get; }

    public string DatabasePath { get; }

    /// <summary>Latest schema version this build knows.</summary>
    public static int SchemaVersion => Migrations.Count;

    /// <summary>
    /// Opens (creating and migrating on first use) and checks that the database answers.
    /// Throws, with a message fit for an operator, when it cannot.
    /// </summary>
    public async Task<StoreInfo> EnsureReadyAsync(CancellationToken cancellation = default)
    {
        if (Volatile.Read(ref _info) is { } info)
        {
            // Once created, the file must stay: reopening without "create" notices a data
            // directory that was unmounted or wiped instead of silently starting an empty store.
            await using var connection = await OpenAsync(create: false, cancellation);
            await using var ping = connection.CreateCommand();
            ping.CommandText = "SELECT count(*) FROM node";
            await ping.ExecuteScalarAsync(cancellation);
            return info;
        }

        await _opening.WaitAsync(cancellation);
        try
        {
            if (_info is null)
            {
                Volatile.Write(ref _info, await CreateOrMigrateAsync(cancellation));
                _logger.LogInformation("Embedded store {Path} ready: schema version {Version}, node {Node}",
                    DatabasePath, _info.SchemaVersion, _info.NodeId);
            }
            return _info;
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <summary>A new connection with the durability settings every writer needs.</summary>
    public async Task<SqliteConnection> OpenAsync(bool create = false, CancellationToken cancellation = default)
    {
        if (!create && !File.Exists(DatabasePath))
        {
            throw new StoreUnavailableException($"the database {DatabasePath} does not exist (was the data directory moved or unmounted?)");
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellation);
            await using var pragmas = connection.CreateCommand();
            pragmas.CommandText = "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";
            await pragmas.ExecuteNonQueryAsync(cancellation);
            return connection;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync();
            throw new StoreUnavailableException($"cannot open {DatabasePath}: {e.Message}", e);
        }
    }

    private async Task<StoreInfo> CreateOrMigrateAsync(CancellationToken cancellation)
    {
        try
        {
            Directory.CreateDirectory(DataDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"cannot create the data directory {DataDirectory}: {e.Message}", e);
        }

        await using var connection = await OpenAsync(create: true, cancellation);
        try
        {
            await using (var wal = connection.CreateCommand())
            {
                // WAL is a property of the file: set once, it holds for every later connection.
                wal.CommandText = "PRAGMA journal_mode = WAL";
                var mode = (string?)await wal.ExecuteScalarAsync(cancellation);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new StoreUnavailableException($"{DatabasePath} cannot use write-ahead logging (journal mode stays '{mode}').");
                }
            }

            int version;
            try
            {
                version = SqliteMigrator.Apply(connection, Migrations, _time);
            }
            catch (InvalidOperationException e)
            {
                throw new StoreUnavailableException($"{DatabasePath}: {e.Message}", e);
            }

            // Immediate: two nodes starting on one file must agree on a single identity.
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var node = connection.CreateCommand();
            node.Transaction = transaction;
            node.CommandText = """
                INSERT INTO node (id, created_at) SELECT $id, $at WHERE NOT EXISTS (SELECT 1 FROM node);
                SELECT id FROM node;
                """;
            node.Parameters.AddWithValue("$id", Guid.CreateVersion7(_time.GetUtcNow()).ToString("n"));
            node.Parameters.AddWithValue("$at", _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            var nodeId = (string)(await node.ExecuteScalarAsync(cancellation))!;
            await transaction.CommitAsync(cancellation);
            return new StoreInfo(DatabasePath, version, nodeId);
        }
        catch (SqliteException e)
        {
            throw new StoreUnavailableException($"cannot prepare {DatabasePath}: {e.Message}", e);
        }
    }

    public void Dispose() => _opening.Dispose();
}

/// <summary>What a ready store is.</summary>
public sealed record StoreInfo(string DatabasePath, int SchemaVersion, string NodeId);

/// <summary>The store cannot be used right now; the message says why, for an operator.</summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException(string message) : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public StoreUnavailableException()
    {
    }
}
