using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Custos.Ledger.Tree;
using Microsoft.Data.Sqlite;

namespace Custos.Ledger.Storage.Sqlite;

/// <summary>
/// A ledger in one SQLite file, the embedded default. The file is in WAL mode and every
/// connection runs with <c>synchronous=FULL</c>, so a committed batch has reached the disk
/// (the WAL is fsynced at commit) before <see cref="AppendAsync"/> returns, and a crash or power
/// loss rolls an unfinished batch back whole.
/// </summary>
/// <remarks>
/// One connection writes, with prepared statements; readers take connections from a small pool
/// of their own with prepared point lookups, so that a proof costs a few index probes and no
/// statement compilation. WAL lets them read while a batch commits.
/// </remarks>
public sealed class SqliteLedgerStore : ILedgerStore
{
    private static readonly IReadOnlyList<string> Schema = SchemaScripts.Load("Custos.Ledger.Storage.Sqlite.");

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentBag<Reader> _readers = [];
    private SqliteConnection? _writer;
    private WriteStatements? _writeStatements;
    private bool _disposed;

    private SqliteLedgerStore(string path, bool create)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    public string Description => $"SQLite ledger {Path}";

    /// <summary>A store on a new file; <see cref="CreateAsync"/> must follow.</summary>
    public static SqliteLedgerStore ForCreate(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (File.Exists(path))
        {
            throw new LedgerStoreException($"{System.IO.Path.GetFullPath(path)} already exists; a new ledger needs a new file.");
        }
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LedgerStoreException($"cannot create the directory {directory}: {e.Message}", e);
        }
        return new SqliteLedgerStore(path, create: true);
    }

    /// <summary>A store on an existing ledger file.</summary>
    public static SqliteLedgerStore Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new LedgerStoreException($"there is no ledger at {System.IO.Path.GetFullPath(path)} (create one with 'custos ledger init').");
        }
        return new SqliteLedgerStore(path, create: false);
    }

    public async Task CreateAsync(LedgerMetadata metadata, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        await _writeLock.WaitAsync(cancellation);
        try
        {
            var connection = Writer();
            using (var wal = connection.CreateCommand())
            {
                // WAL is a property of the file: set once, every later connection uses it.
                wal.CommandText = "PRAGMA journal_mode = WAL";
                var mode = (string?)wal.ExecuteScalar();
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new LedgerStoreException($"{Path} cannot use write-ahead logging (journal mode stays '{mode}').");
                }
            }
            using var transaction = connection.BeginTransaction(deferred: false);
            Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS ledger_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID");
            if (ReadMeta(connection, transaction, "origin") is not null)
            {
                throw new LedgerStoreException($"{Path} already holds a ledger.");
            }
            foreach (var script in Schema)
            {
                Execute(connection, transaction, script);
            }
            WriteMeta(connection, transaction, SchemaScripts.VersionKey, Schema.Count.ToString(CultureInfo.InvariantCulture));
            WriteMeta(connection, transaction, "origin", metadata.Origin);
            WriteMeta(connection, transaction, "verifier_key", metadata.VerifierKey);
            transaction.Commit();
        }
        catch (SqliteException e)
        {
            throw new LedgerStoreException($"cannot create the ledger {Path}: {e.Message}", e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<LedgerMetadata> ReadMetadataAsync(CancellationToken cancellation = default)
    {
        await _writeLock.WaitAsync(cancellation);
        try
        {
            var connection = Writer();
            using var transaction = connection.BeginTransaction(deferred: false);
            var hasMeta = Convert.ToInt64(Scalar(connection, transaction,
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'ledger_meta'"), CultureInfo.InvariantCulture) == 1;
            var origin = hasMeta ? ReadMeta(connection, transaction, "origin") : null;
            if (origin is null)
            {
                throw new LedgerStoreException($"{Path} is not a ledger (create one with 'custos ledger init').");
            }
            var version = int.Parse(ReadMeta(connection, transaction, SchemaScripts.VersionKey) ?? "0", CultureInfo.InvariantCulture);
            if (version > Schema.Count)
            {
                throw new LedgerStoreException($"{Path} has ledger schema version {version}, newer than this build knows ({Schema.Count}); use a newer custos.");
            }
            for (var v = version; v < Schema.Count; v++)
            {
                Execute(connection, transaction, Schema[v]);
            }
            WriteMeta(connection, transaction, SchemaScripts.VersionKey, Schema.Count.ToString(CultureInfo.InvariantCulture));
            var verifierKey = ReadMeta(connection, transaction, "verifier_key") ?? "";
            transaction.Commit();
            return new LedgerMetadata(origin, verifierKey);
        }
        catch (SqliteException e)
        {
            throw new LedgerStoreException($"cannot read the ledger {Path}: {e.Message}", e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task<long> ReadSizeAsync(CancellationToken cancellation = default)
    {
        // Open connections keep a deleted file readable; a ledger whose file vanished (an
        // unmounted or wiped volume) must be reported, not served from a ghost.
        if (!File.Exists(Path))
        {
            throw new LedgerStoreException($"the ledger file {Path} has disappeared (was the data directory moved or unmounted?)");
        }
        return WithReaderAsync(reader => Convert.ToInt64(reader.Size.ExecuteScalar(), CultureInfo.InvariantCulture));
    }

    public async Task AppendAsync(AppendBatch batch, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await _writeLock.WaitAsync(cancellation);
        try
        {
            var connection = Writer();
            // IMMEDIATE takes the write lock before the size is read, so no other process can
            // append between the check and the inserts.
            using var transaction = connection.BeginTransaction(deferred: false);
            var size = Convert.ToInt64(Scalar(connection, transaction, "SELECT coalesce(max(idx) + 1, 0) FROM ledger_entries"), CultureInfo.InvariantCulture);
            if (size != batch.FirstIndex)
            {
                throw new LedgerConflictException($"The batch starts at {batch.FirstIndex} but {Path} holds {size} entries.");
            }

            var statements = WriterStatements(connection);
            statements.InsertEntries(transaction, batch.Leaves);
            statements.InsertNodes(transaction, batch.Nodes);

            // With synchronous=FULL in WAL mode the commit returns after the WAL is fsynced.
            transaction.Commit();
        }
        catch (SqliteException e)
        {
            // The transaction rolled back; the writer connection may be unusable, so start over.
            ResetWriter();
            throw new LedgerStoreException($"cannot append to {Path}: {e.Message}", e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task ProbeAppendAsync(CancellationToken cancellation = default)
    {
        await _writeLock.WaitAsync(cancellation);
        try
        {
            var connection = Writer();
            using var transaction = connection.BeginTransaction(deferred: false);
            Execute(connection, transaction, "INSERT INTO ledger_entries (idx, leaf_hash, entry) VALUES (-1, x'', x'')");
            Execute(connection, transaction, "DELETE FROM ledger_entries WHERE idx = -1");
            transaction.Commit();
        }
        catch (SqliteException e)
        {
            ResetWriter();
            throw new LedgerStoreException($"cannot append to {Path}: {e.Message}", e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task<IReadOnlyList<byte[]>> ReadNodesAsync(IReadOnlyList<NodeId> ids, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return WithReaderAsync<IReadOnlyList<byte[]>>(reader =>
        {
            var hashes = new byte[ids.Count][];
            var leaves = new List<int>();
            var nodes = new List<int>();
            for (var i = 0; i < ids.Count; i++)
            {
                (ids[i].Level == 0 ? leaves : nodes).Add(i);
            }
            Reader.LookUp(reader.Leaves, leaves, ids, hashes, leaf: true);
            Reader.LookUp(reader.Nodes, nodes, ids, hashes, leaf: false);
            for (var i = 0; i < ids.Count; i++)
            {
                if (hashes[i] is null)
                {
                    throw new LedgerStoreException($"{Path} has no node at {ids[i]}.");
                }
            }
            return hashes;
        });
    }

    public Task<IReadOnlyList<StoredNode>> ReadNodeRangeAsync(int level, long startIndex, long endIndex, CancellationToken cancellation = default) =>
        WithReaderAsync<IReadOnlyList<StoredNode>>(reader =>
        {
            using var command = reader.Connection.CreateCommand();
            command.CommandText = "SELECT idx, hash FROM ledger_nodes WHERE level = $level AND idx >= $start AND idx < $end ORDER BY idx";
            command.Parameters.AddWithValue("$level", level);
            command.Parameters.AddWithValue("$start", startIndex);
            command.Parameters.AddWithValue("$end", endIndex);
            using var rows = command.ExecuteReader();
            var nodes = new List<StoredNode>();
            while (rows.Read())
            {
                nodes.Add(new StoredNode(rows.GetInt64(0), Bytes(rows, 1)));
            }
            return nodes;
        });

    public Task<byte[]> ReadEntryAsync(long index, CancellationToken cancellation = default) =>
        WithReaderAsync(reader =>
        {
            reader.Entry.Parameters[0].Value = index;
            using var rows = reader.Entry.ExecuteReader();
            return rows.Read() ? Bytes(rows, 0) : throw new LedgerRangeException($"There is no entry {index}.");
        });

    public async IAsyncEnumerable<LeafRecord> ReadLeavesAsync(long startIndex, long endIndex, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        // A connection of its own: the scan is long, and holds one read snapshot throughout.
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellation);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT idx, entry, leaf_hash FROM ledger_entries WHERE idx >= $start AND idx < $end ORDER BY idx";
        command.Parameters.AddWithValue("$start", startIndex);
        command.Parameters.AddWithValue("$end", endIndex);
        await using var rows = await command.ExecuteReaderAsync(cancellation);
        while (await rows.ReadAsync(cancellation))
        {
            yield return new LeafRecord(rows.GetInt64(0), Bytes(rows, 1), Bytes(rows, 2));
        }
    }

    /// <summary>
    /// The bytes SQLite holds in a column, whatever its storage class. The file is outside our
    /// control: someone who edits it by hand easily leaves TEXT where a BLOB was, and a verifier
    /// must then report a changed entry, not fail on a cast.
    /// </summary>
    private static byte[] Bytes(SqliteDataReader rows, int ordinal) =>
        rows.IsDBNull(ordinal) ? [] : rows.GetFieldValue<byte[]>(ordinal);

    public async Task SaveCheckpointAsync(long size, string note, CancellationToken cancellation = default)
    {
        await _writeLock.WaitAsync(cancellation);
        try
        {
            using var command = Writer().CreateCommand();
            command.CommandText = "INSERT OR IGNORE INTO ledger_checkpoints (size, note) VALUES ($size, $note)";
            command.Parameters.AddWithValue("$size", size);
            command.Parameters.AddWithValue("$note", note);
            command.ExecuteNonQuery();
        }
        catch (SqliteException e)
        {
            ResetWriter();
            throw new LedgerStoreException($"cannot save a checkpoint in {Path}: {e.Message}", e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task<string?> ReadLatestCheckpointAsync(CancellationToken cancellation = default) =>
        WithReaderAsync(reader => reader.Checkpoint.ExecuteScalar() as string);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await _writeLock.WaitAsync();
        try
        {
            ResetWriter();
            while (_readers.TryTake(out var reader))
            {
                reader.Dispose();
            }
        }
        finally
        {
            _writeLock.Release();
        }
        _writeLock.Dispose();
    }

    private SqliteConnection Writer()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writer is null)
        {
            var connection = new SqliteConnection(_connectionString);
            try
            {
                connection.Open();
                Execute(connection, null, "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;");
            }
            catch (SqliteException e)
            {
                connection.Dispose();
                throw new LedgerStoreException($"cannot open {Path}: {e.Message}", e);
            }
            _writer = connection;
        }
        return _writer;
    }

    private void ResetWriter()
    {
        _writeStatements?.Dispose();
        _writeStatements = null;
        _writer?.Dispose();
        _writer = null;
    }

    private WriteStatements WriterStatements(SqliteConnection connection) => _writeStatements ??= new WriteStatements(connection);

    private Task<T> WithReaderAsync<T>(Func<Reader, T> read)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_readers.TryTake(out var reader))
        {
            try
            {
                reader = new Reader(_connectionString);
            }
            catch (SqliteException e)
            {
                throw new LedgerStoreException($"cannot open {Path}: {e.Message}", e);
            }
        }
        var healthy = false;
        try
        {
            var result = read(reader);
            healthy = true;
            return Task.FromResult(result);
        }
        catch (SqliteException e)
        {
            throw new LedgerStoreException($"cannot read {Path}: {e.Message}", e);
        }
        finally
        {
            if (healthy && !_disposed && _readers.Count < Environment.ProcessorCount * 4)
            {
                _readers.Add(reader);
            }
            else
            {
                reader.Dispose();
            }
        }
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static string? ReadMeta(SqliteConnection connection, SqliteTransaction transaction, string key)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value FROM ledger_meta WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() as string;
    }

    private static void WriteMeta(SqliteConnection connection, SqliteTransaction transaction, string key, string value)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO ledger_meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }

    /// <summary>A read connection with its prepared point lookups.</summary>
    private sealed class Reader : IDisposable
    {
        public Reader(string connectionString)
        {
            Connection = new SqliteConnection(connectionString);
            Connection.Open();
            Size = Prepare("SELECT coalesce(max(idx) + 1, 0) FROM ledger_entries");
            // A proof needs a few dozen hashes: one statement per table, with a fixed number of
            // slots (unused ones match nothing), prepared once and reused.
            Leaves = Prepare(
                $"SELECT 0, idx, leaf_hash FROM ledger_entries WHERE idx IN ({string.Join(", ", Enumerable.Range(0, LookupSlots).Select(i => $"$i{i}"))})",
                [.. Enumerable.Range(0, LookupSlots).Select(i => ($"$i{i}", SqliteType.Integer))]);
            Nodes = Prepare(
                // A join, not "(level, idx) IN (VALUES …)": SQLite scans the table for the latter.
                $"SELECT n.level, n.idx, n.hash FROM (VALUES {string.Join(", ", Enumerable.Range(0, LookupSlots).Select(i => $"($l{i}, $i{i})"))}) AS w "
                + "JOIN ledger_nodes n ON n.level = w.column1 AND n.idx = w.column2",
                [.. Enumerable.Range(0, LookupSlots).SelectMany(i => new[] { ($"$l{i}", SqliteType.Integer), ($"$i{i}", SqliteType.Integer) })]);
            Entry = Prepare("SELECT entry FROM ledger_entries WHERE idx = $idx", ("$idx", SqliteType.Integer));
            Checkpoint = Prepare("SELECT note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1");
        }

        public SqliteConnection Connection { get; }

        public SqliteCommand Size { get; }

        public const int LookupSlots = 32;

        public SqliteCommand Leaves { get; }

        public SqliteCommand Nodes { get; }

        public SqliteCommand Entry { get; }

        public SqliteCommand Checkpoint { get; }

        public void Dispose()
        {
            Size.Dispose();
            Leaves.Dispose();
            Nodes.Dispose();
            Entry.Dispose();
            Checkpoint.Dispose();
            Connection.Dispose();
        }

        /// <summary>Fills <paramref name="hashes"/> at <paramref name="positions"/> with the hashes of those ids, a statement per 32.</summary>
        public static void LookUp(SqliteCommand command, List<int> positions, IReadOnlyList<NodeId> ids, byte[][] hashes, bool leaf)
        {
            for (var offset = 0; offset < positions.Count; offset += LookupSlots)
            {
                var wanted = new Dictionary<NodeId, int>();
                for (var slot = 0; slot < LookupSlots; slot++)
                {
                    var present = offset + slot < positions.Count;
                    var id = present ? ids[positions[offset + slot]] : new NodeId(-1, -1);
                    if (present)
                    {
                        wanted[id] = positions[offset + slot];
                    }
                    if (leaf)
                    {
                        command.Parameters[slot].Value = id.Index;
                    }
                    else
                    {
                        command.Parameters[2 * slot].Value = id.Level;
                        command.Parameters[(2 * slot) + 1].Value = id.Index;
                    }
                }
                using var rows = command.ExecuteReader();
                while (rows.Read())
                {
                    var id = new NodeId(rows.GetInt32(0), rows.GetInt64(1));
                    var hash = Bytes(rows, 2);
                    if (wanted.TryGetValue(id, out var position))
                    {
                        hashes[position] = hash;
                    }
                }
            }
        }

        private SqliteCommand Prepare(string sql, params (string Name, SqliteType Type)[] parameters)
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, type) in parameters)
            {
                command.Parameters.Add(name, type);
            }
            return command;
        }
    }

    /// <summary>
    /// The writer's inserts, prepared once per connection: many rows per statement, so a batch
    /// of thousands of entries costs a few dozen statement executions rather than thousands.
    /// </summary>
    private sealed class WriteStatements : IDisposable
    {
        private const int RowsPerStatement = 64;

        private readonly SqliteCommand _entries;
        private readonly SqliteCommand _entry;
        private readonly SqliteCommand _nodes;
        private readonly SqliteCommand _node;

        public WriteStatements(SqliteConnection connection)
        {
            _entries = Insert(connection, "ledger_entries (idx, leaf_hash, entry)", RowsPerStatement, [SqliteType.Integer, SqliteType.Blob, SqliteType.Blob]);
            _entry = Insert(connection, "ledger_entries (idx, leaf_hash, entry)", 1, [SqliteType.Integer, SqliteType.Blob, SqliteType.Blob]);
            _nodes = Insert(connection, "ledger_nodes (level, idx, hash)", RowsPerStatement, [SqliteType.Integer, SqliteType.Integer, SqliteType.Blob]);
            _node = Insert(connection, "ledger_nodes (level, idx, hash)", 1, [SqliteType.Integer, SqliteType.Integer, SqliteType.Blob]);
        }

        public void InsertEntries(SqliteTransaction transaction, IReadOnlyList<LeafRecord> leaves) =>
            InsertRows(transaction, _entries, _entry, leaves.Count, (i, values) =>
            {
                values[0] = leaves[i].Index;
                values[1] = leaves[i].LeafHash;
                values[2] = leaves[i].Entry;
            });

        public void InsertNodes(SqliteTransaction transaction, IReadOnlyList<KeyValuePair<NodeId, byte[]>> nodes) =>
            InsertRows(transaction, _nodes, _node, nodes.Count, (i, values) =>
            {
                values[0] = nodes[i].Key.Level;
                values[1] = nodes[i].Key.Index;
                values[2] = nodes[i].Value;
            });

        public void Dispose()
        {
            _entries.Dispose();
            _entry.Dispose();
            _nodes.Dispose();
            _node.Dispose();
        }

        private static void InsertRows(SqliteTransaction transaction, SqliteCommand many, SqliteCommand one, int count, Action<int, object[]> row)
        {
            var values = new object[3];
            var done = 0;
            while (done < count)
            {
                var command = count - done >= RowsPerStatement ? many : one;
                var rows = command == many ? RowsPerStatement : 1;
                command.Transaction = transaction;
                for (var r = 0; r < rows; r++)
                {
                    row(done + r, values);
                    for (var c = 0; c < 3; c++)
                    {
                        command.Parameters[(3 * r) + c].Value = values[c];
                    }
                }
                command.ExecuteNonQuery();
                done += rows;
            }
        }

        private static SqliteCommand Insert(SqliteConnection connection, string table, int rows, SqliteType[] types)
        {
            var command = connection.CreateCommand();
            var tuples = new List<string>();
            for (var r = 0; r < rows; r++)
            {
                tuples.Add($"({string.Join(", ", types.Select((_, c) => $"$p{r}_{c}"))})");
                for (var c = 0; c < types.Length; c++)
                {
                    command.Parameters.Add($"$p{r}_{c}", types[c]);
                }
            }
            command.CommandText = $"INSERT INTO {table} VALUES {string.Join(", ", tuples)}";
            return command;
        }
    }
}
