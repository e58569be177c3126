using System.Globalization;
using System.Runtime.CompilerServices;
using Custos.Ledger.Tree;
using Npgsql;
using NpgsqlTypes;

namespace Custos.Ledger.Storage.Postgres;

/// <summary>
/// A ledger in a PostgreSQL database (its tables in the connection's default schema), the
/// production store and the way several nodes share one log. A batch is one transaction that
/// takes a transaction-scoped advisory lock, reads the size (and, when the writer is behind, the
/// right border) and inserts every row with one statement per table; PostgreSQL's default
/// <c>synchronous_commit = on</c> makes the commit durable (WAL flushed) before it returns.
/// </summary>
public sealed class PostgresLedgerStore : ISequencingLedgerStore, IAppendNotifyingLedgerStore
{
    private static readonly IReadOnlyList<string> Schema = SchemaScripts.Load("Custos.Ledger.Storage.Postgres.");

    // Serialises writers of one database across processes and nodes ("custos-ledger" as a number).
    private const long AppendLockKey = 0x637573746f73_4c;

    /// <summary>The channel every append notifies (payload: the new size), delivered at its commit; see <see cref="PostgresAppendListener"/>.</summary>
    public const string AppendedChannel = "custos_ledger_appended";

    private readonly NpgsqlDataSource _dataSource;

    public PostgresLedgerStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString(connectionString));
        ConnectionString = builder.ConnectionString;
        Description = $"PostgreSQL ledger {builder.Host}:{builder.Port}/{builder.Database}";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public string Description { get; }

    /// <summary>The resolved connection string; it may hold a password, so it stays internal.</summary>
    internal string ConnectionString { get; }

    public async Task CreateAsync(LedgerMetadata metadata, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        await RunAsync("create", async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellation);
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AppendLockKey})", cancellation);
            await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS ledger_meta (key text PRIMARY KEY, value text NOT NULL)", cancellation);
            if (await ReadMetaAsync(connection, transaction, "origin", cancellation) is not null)
            {
                throw new LedgerStoreException($"{Description} already holds a ledger.");
            }
            foreach (var script in Schema)
            {
                await ExecuteAsync(connection, transaction, script, cancellation);
            }
            await WriteMetaAsync(connection, transaction, SchemaScripts.VersionKey, Schema.Count.ToString(CultureInfo.InvariantCulture), cancellation);
            await WriteMetaAsync(connection, transaction, "origin", metadata.Origin, cancellation);
            await WriteMetaAsync(connection, transaction, "verifier_key", metadata.VerifierKey, cancellation);
            await transaction.CommitAsync(cancellation);
            return 0;
        }, cancellation);
    }

    public Task<LedgerMetadata> ReadMetadataAsync(CancellationToken cancellation = default) =>
        RunAsync("read", async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellation);
            await using (var exists = new NpgsqlCommand("SELECT to_regclass('ledger_meta') IS NOT NULL", connection, transaction))
            {
                if (!(bool)(await exists.ExecuteScalarAsync(cancellation))!)
                {
                    throw new LedgerMissingException($"{Description} is not a ledger (create one with 'custos ledger init').");
                }
            }
            var origin = await ReadMetaAsync(connection, transaction, "origin", cancellation)
                ?? throw new LedgerMissingException($"{Description} is not a ledger (create one with 'custos ledger init').");
            var version = int.Parse(await ReadMetaAsync(connection, transaction, SchemaScripts.VersionKey, cancellation) ?? "0", CultureInfo.InvariantCulture);
            if (version > Schema.Count)
            {
                throw new LedgerStoreException($"{Description} has ledger schema version {version}, newer than this build knows ({Schema.Count}); use a newer custos.");
            }
            if (version < Schema.Count)
            {
                await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AppendLockKey})", cancellation);
                version = int.Parse(await ReadMetaAsync(connection, transaction, SchemaScripts.VersionKey, cancellation) ?? "0", CultureInfo.InvariantCulture);
                for (var v = version; v < Schema.Count; v++)
                {
                    await ExecuteAsync(connection, transaction, Schema[v], cancellation);
                }
                await WriteMetaAsync(connection, transaction, SchemaScripts.VersionKey, Schema.Count.ToString(CultureInfo.InvariantCulture), cancellation);
            }
            var verifierKey = await ReadMetaAsync(connection, transaction, "verifier_key", cancellation) ?? "";
            await transaction.CommitAsync(cancellation);
            return new LedgerMetadata(origin, verifierKey);
        }, cancellation);

    public Task<long> ReadSizeAsync(CancellationToken cancellation = default) =>
        RunAsync("read", async connection => await SizeAsync(connection, null, cancellation), cancellation);

    public async Task AppendAsync(AppendBatch batch, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await AppendAtEndAsync((size, _) => size == batch.FirstIndex
            ? Task.FromResult(batch)
            : throw new LedgerConflictException($"The batch starts at {batch.FirstIndex} but {Description} holds {size} entries."), cancellation);
    }

    /// <summary>
    /// The sequencer of a deployment of several nodes: the transaction-scoped advisory lock
    /// orders every node's batches, so each node's group commit lands after the others' with no
    /// gap, fork or duplicate index, and is durable when the commit returns.
    /// </summary>
    public Task<AppendBatch> AppendAtEndAsync(BatchLayout layout, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return RunAsync("append to", async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellation);
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AppendLockKey})", cancellation);
            var size = await SizeAsync(connection, transaction, cancellation);
            var batch = await layout(size, ids => ReadNodesAsync(connection, transaction, ids, cancellation));
            if (batch.FirstIndex != size)
            {
                throw new LedgerConflictException($"The batch starts at {batch.FirstIndex} but {Description} holds {size} entries.");
            }

            await using (var entries = new NpgsqlCommand(
                "INSERT INTO ledger_entries (idx, leaf_hash, entry) SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[])", connection, transaction))
            {
                entries.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. batch.Leaves.Select(l => l.Index)] });
                entries.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. batch.Leaves.Select(l => l.LeafHash)] });
                entries.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. batch.Leaves.Select(l => l.Entry)] });
                await entries.ExecuteNonQueryAsync(cancellation);
            }
            if (batch.Nodes.Count > 0)
            {
                await using var nodes = new NpgsqlCommand(
                    "INSERT INTO ledger_nodes (level, idx, hash) SELECT * FROM unnest($1::integer[], $2::bigint[], $3::bytea[])", connection, transaction);
                nodes.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. batch.Nodes.Select(n => n.Key.Level)] });
                nodes.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. batch.Nodes.Select(n => n.Key.Index)] });
                nodes.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. batch.Nodes.Select(n => n.Value)] });
                await nodes.ExecuteNonQueryAsync(cancellation);
            }
            // Delivered to the listening nodes when (and only if) the batch commits.
            await using (var notify = new NpgsqlCommand($"SELECT pg_notify('{AppendedChannel}', $1)", connection, transaction))
            {
                notify.Parameters.Add(new NpgsqlParameter<string> { TypedValue = (batch.FirstIndex + batch.Leaves.Count).ToString(CultureInfo.InvariantCulture) });
                await notify.ExecuteNonQueryAsync(cancellation);
            }
            await transaction.CommitAsync(cancellation);
            return batch;
        }, cancellation);
    }

    public Task ProbeAppendAsync(CancellationToken cancellation = default) =>
        RunAsync("append to", async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellation);
            await ExecuteAsync(connection, transaction, "INSERT INTO ledger_entries (idx, leaf_hash, entry) VALUES (-1, '', '')", cancellation);
            await ExecuteAsync(connection, transaction, "DELETE FROM ledger_entries WHERE idx = -1", cancellation);
            await transaction.CommitAsync(cancellation);
            return 0;
        }, cancellation);

    public Task<IReadOnlyList<byte[]>> ReadNodesAsync(IReadOnlyList<NodeId> ids, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return RunAsync("read", connection => ReadNodesAsync(connection, null, ids, cancellation), cancellation);
    }

    private async Task<IReadOnlyList<byte[]>> ReadNodesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<NodeId> ids, CancellationToken cancellation)
    {
        // One round trip: leaves come from ledger_entries, interior nodes from ledger_nodes.
        await using var command = new NpgsqlCommand("""
            SELECT w.ord, coalesce(e.leaf_hash, n.hash)
            FROM unnest($1::integer[], $2::bigint[]) WITH ORDINALITY AS w(level, idx, ord)
            LEFT JOIN ledger_entries e ON w.level = 0 AND e.idx = w.idx
            LEFT JOIN ledger_nodes n ON w.level > 0 AND n.level = w.level AND n.idx = w.idx
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. ids.Select(i => i.Level)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. ids.Select(i => i.Index)] });
        var hashes = new byte[ids.Count][];
        await using (var rows = await command.ExecuteReaderAsync(cancellation))
        {
            while (await rows.ReadAsync(cancellation))
            {
                var position = (int)rows.GetInt64(0) - 1;
                hashes[position] = rows.IsDBNull(1)
                    ? throw new LedgerStoreException($"{Description} has no node at {ids[position]}.")
                    : rows.GetFieldValue<byte[]>(1);
            }
        }
        return hashes;
    }

    public Task<IReadOnlyList<StoredNode>> ReadNodeRangeAsync(int level, long startIndex, long endIndex, CancellationToken cancellation = default) =>
        RunAsync<IReadOnlyList<StoredNode>>("read", async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT idx, hash FROM ledger_nodes WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx", connection);
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = level });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = startIndex });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = endIndex });
            var nodes = new List<StoredNode>();
            await using var rows = await command.ExecuteReaderAsync(cancellation);
            while (await rows.ReadAsync(cancellation))
            {
                nodes.Add(new StoredNode(rows.GetInt64(0), rows.GetFieldValue<byte[]>(1)));
            }
            return nodes;
        }, cancellation);

    public Task<byte[]> ReadEntryAsync(long index, CancellationToken cancellation = default) =>
        RunAsync("read", async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT entry FROM ledger_entries WHERE idx = $1", connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = index });
            return await command.ExecuteScalarAsync(cancellation) as byte[] ?? throw new LedgerRangeException($"There is no entry {index}.");
        }, cancellation);

    public async IAsyncEnumerable<LeafRecord> ReadLeavesAsync(long startIndex, long endIndex, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(cancellation);
        await using var command = new NpgsqlCommand("SELECT idx, entry, leaf_hash FROM ledger_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = startIndex });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = endIndex });
        await using var rows = await command.ExecuteReaderAsync(cancellation);
        while (await rows.ReadAsync(cancellation))
        {
            yield return new LeafRecord(rows.GetInt64(0), rows.GetFieldValue<byte[]>(1), rows.GetFieldValue<byte[]>(2));
        }
    }

    public async Task SaveCheckpointAsync(long size, string note, CancellationToken cancellation = default) =>
        await RunAsync("save a checkpoint in", async connection =>
        {
            await using var command = new NpgsqlCommand("INSERT INTO ledger_checkpoints (size, note) VALUES ($1, $2) ON CONFLICT (size) DO NOTHING", connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = size });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = note });
            return await command.ExecuteNonQueryAsync(cancellation);
        }, cancellation);

    public Task<string?> ReadLatestCheckpointAsync(CancellationToken cancellation = default) =>
        RunAsync("read", async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1", connection);
            return await command.ExecuteScalarAsync(cancellation) as string;
        }, cancellation);

    /// <inheritdoc/>
    public async Task<IAppendListener> ListenAsync(CancellationToken cancellation = default)
    {
        var connection = await OpenAsync(cancellation);
        try
        {
            return await PostgresAppendListener.StartAsync(connection, Description, cancellation);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Takes the lock named <paramref name="name"/> among every node on this ledger's database, if no one holds it; null if someone does.</summary>
    public async Task<PostgresSessionLock?> TryLockAsync(string name, CancellationToken cancellation = default)
    {
        var connection = await OpenAsync(cancellation);
        try
        {
            if (await PostgresSessionLock.TryTakeAsync(connection, name, cancellation) is { } taken)
            {
                return taken;
            }
        }
        catch (NpgsqlException e)
        {
            await connection.DisposeAsync();
            throw new LedgerStoreException($"cannot take the lock '{name}' in {Description}: {e.Message}", e);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellation)
    {
        try
        {
            return await _dataSource.OpenConnectionAsync(cancellation);
        }
        catch (NpgsqlException e)
        {
            throw new LedgerStoreException($"cannot connect to {Description}: {e.Message}", e);
        }
    }

    private async Task<T> RunAsync<T>(string verb, Func<NpgsqlConnection, Task<T>> action, CancellationToken cancellation)
    {
        await using var connection = await OpenAsync(cancellation);
        try
        {
            return await action(connection);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new LedgerConflictException($"another writer appended to {Description} first.", e);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            throw new LedgerMissingException($"{Description} is not a ledger (create one with 'custos ledger init').", e);
        }
        catch (NpgsqlException e)
        {
            throw new LedgerStoreException($"cannot {verb} {Description}: {e.Message}", e);
        }
    }

    private static async Task<long> SizeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand("SELECT coalesce(max(idx) + 1, 0) FROM ledger_entries", connection, transaction);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    private static async Task<string?> ReadMetaAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string key, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand("SELECT value FROM ledger_meta WHERE key = $1", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return await command.ExecuteScalarAsync(cancellation) as string;
    }

    private static async Task WriteMetaAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string key, string value, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand("INSERT INTO ledger_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        await command.ExecuteNonQueryAsync(cancellation);
    }
}
