using System.Data.Common;
using System.Security.Cryptography;

namespace Custos.Access.Storage;

/// <summary>
/// The durable state of Custos beside its ledger: content-addressed worlds and policy sets, and
/// projections of the ledger (which document is active, every decision about each subject).
/// The ledger is the source of truth; the projections can always be rebuilt from it. SQLite
/// (one node) and PostgreSQL (several nodes) implement it with the same SQL and pass the same
/// tests.
/// </summary>
public abstract partial class AccessStore : IAsyncDisposable
{
    private readonly SemaphoreSlim _opening = new(1, 1);
    private StoreInfo? _info;

    protected AccessStore(SqlDialect dialect, TimeProvider? time)
    {
        Dialect = dialect;
        Time = time ?? TimeProvider.System;
    }

    protected SqlDialect Dialect { get; }

    protected TimeProvider Time { get; }

    /// <summary>Where the store is, for logs and readiness (no credentials).</summary>
    public abstract string Location { get; }

    /// <summary>Opens a store named by a file path (SQLite) or a <c>postgres://</c> URL.</summary>
    public static AccessStore Open(string location, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        return Custos.Ledger.Storage.Postgres.PostgresUrl.IsPostgres(location)
            ? new PostgresAccessStore(location, time)
            : new SqliteAccessStore(location, time);
    }

    /// <summary>A connection with the settings every writer needs; the caller disposes it.</summary>
    protected abstract Task<DbConnection> ConnectAsync(bool create, CancellationToken cancellation);

    /// <summary>Prepares the location the first time (directory, file mode); a no-op for a server.</summary>
    protected virtual Task PrepareAsync(CancellationToken cancellation) => Task.CompletedTask;

    /// <summary>
    /// Opens (creating and migrating on first use) and checks that the store answers. Throws
    /// <see cref="StoreUnavailableException"/> with a reason fit for an operator when it cannot.
    /// </summary>
    public async Task<StoreInfo> EnsureReadyAsync(CancellationToken cancellation = default)
    {
        if (Volatile.Read(ref _info) is { } info)
        {
            await using var connection = await OpenAsync(create: false, cancellation);
            await connection.ScalarAsync("SELECT count(*) FROM store_identity", null, cancellation);
            return info;
        }

        await _opening.WaitAsync(cancellation);
        try
        {
            if (_info is null)
            {
                await PrepareAsync(cancellation);
                await using var connection = await OpenAsync(create: true, cancellation);
                try
                {
                    var migrations = Migration.FromResources(typeof(AccessStore).Assembly, $"Custos.Access.Storage.Migrations.{Dialect.MigrationFolder}/");
                    var version = await SchemaMigrator.ApplyAsync(connection, Dialect, migrations, Time, cancellation);
                    Volatile.Write(ref _info, new StoreInfo(Location, version, await IdentityAsync(connection, cancellation)));
                }
                catch (Exception e) when (e is DbException or InvalidOperationException)
                {
                    throw new StoreUnavailableException($"cannot prepare {Location}: {e.Message}", e);
                }
            }
            return _info!;
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <summary>Stores a world or policy set under its SHA-256 (idempotent) and returns the hash.</summary>
    public async Task<string> StoreDocumentAsync(string kind, ReadOnlyMemory<byte> content, CancellationToken cancellation = default)
    {
        var sha256 = Sha256(content.Span);
        await using var connection = await OpenAsync(create: false, cancellation);
        await connection.ExecuteAsync(
            "INSERT INTO documents (sha256, kind, content, stored_at) VALUES (@h, @k, @c, @t) ON CONFLICT (sha256) DO NOTHING", null, cancellation,
            ("@h", sha256), ("@k", kind), ("@c", content.ToArray()), ("@t", Dialect.Time(Time.GetUtcNow())));
        return sha256;
    }

    public async Task<byte[]?> DocumentAsync(string sha256, CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(create: false, cancellation);
        return (byte[]?)await connection.ScalarAsync("SELECT content FROM documents WHERE sha256 = @h", null, cancellation, ("@h", sha256));
    }

    /// <summary>The active document of a kind, with its content; null before the first activation.</summary>
    public async Task<ActiveDocument?> ActiveAsync(string kind, CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(create: false, cancellation);
        await using var command = connection.Command("""
            SELECT a.sha256, a.ledger_index, a.activated_at, a.activated_by, d.content
            FROM active_documents a LEFT JOIN documents d ON d.sha256 = a.sha256
            WHERE a.kind = @k
            """, null, ("@k", kind));
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        if (!await reader.ReadAsync(cancellation))
        {
            return null;
        }
        return new ActiveDocument(kind, reader.GetString(0), reader.GetInt64(1), Dialect.ReadTime(reader, 2), reader.GetString(3),
            reader.IsDBNull(4) ? null : (byte[])reader.GetValue(4));
    }

    /// <summary>The next ledger index a projection will read (0 when it has read nothing).</summary>
    public async Task<long> ProjectionNextIndexAsync(string projection, CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(create: false, cancellation);
        var next = await connection.ScalarAsync("SELECT next_index FROM projections WHERE name = @n", null, cancellation, ("@n", projection));
        return next is null ? 0 : Convert.ToInt64(next, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Applies a batch of ledger entries to the projections and records how far the projection
    /// has read, in one transaction: after a crash it resumes exactly where it stopped.
    /// </summary>
    public async Task ApplyProjectionAsync(string projection, IReadOnlyList<ProjectionChange> changes, long nextIndex, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await using var connection = await OpenAsync(create: false, cancellation);
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        foreach (var change in changes)
        {
            switch (change)
            {
                case ProjectionChange.Activation a:
                    // Only a later ledger entry replaces the active document: replays are harmless.
                    await connection.ExecuteAsync("""
                        INSERT INTO active_documents (kind, sha256, ledger_index, activated_at, activated_by)
                        VALUES (@k, @h, @i, @t, @b)
                        ON CONFLICT (kind) DO UPDATE SET sha256 = excluded.sha256, ledger_index = excluded.ledger_index,
                            activated_at = excluded.activated_at, activated_by = excluded.activated_by
                        WHERE excluded.ledger_index > active_documents.ledger_index
                        """, transaction, cancellation,
                        ("@k", a.Kind), ("@h", a.Sha256), ("@i", a.LedgerIndex), ("@t", Dialect.Time(a.At)), ("@b", a.By));
                    break;
                case ProjectionChange.WorkflowEntry w:
                    await connection.ExecuteAsync(
                        "INSERT INTO workflow_entries (ledger_index, entry) VALUES (@i, @e) ON CONFLICT (ledger_index) DO NOTHING", transaction, cancellation,
                        ("@i", w.LedgerIndex), ("@e", w.Entry));
                    break;
                case ProjectionChange.SubjectDecision d:
                    await connection.ExecuteAsync(
                        "INSERT INTO subject_decisions (ledger_index, subject, entry) VALUES (@i, @s, @e) ON CONFLICT (ledger_index) DO NOTHING", transaction, cancellation,
                        ("@i", d.LedgerIndex), ("@s", d.Subject), ("@e", d.Entry));
                    break;
                default:
                    throw new ArgumentException($"Unknown projection change {change.GetType().Name}.", nameof(changes));
            }
        }
        await connection.ExecuteAsync("""
            INSERT INTO projections (name, next_index) VALUES (@n, @i)
            ON CONFLICT (name) DO UPDATE SET next_index = excluded.next_index WHERE excluded.next_index > projections.next_index
            """, transaction, cancellation, ("@n", projection), ("@i", nextIndex));
        await transaction.CommitAsync(cancellation);
    }

    /// <summary>Every decision about <paramref name="subject"/>, oldest first, as the projection recorded it.</summary>
    public async Task<IReadOnlyList<(long LedgerIndex, string Entry)>> DecisionsAboutAsync(string subject, CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(create: false, cancellation);
        await using var command = connection.Command("SELECT ledger_index, entry FROM subject_decisions WHERE subject = @s ORDER BY ledger_index", null, ("@s", subject));
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var decisions = new List<(long, string)>();
        while (await reader.ReadAsync(cancellation))
        {
            decisions.Add((reader.GetInt64(0), reader.GetString(1)));
        }
        return decisions;
    }

    /// <summary>Every workflow entry projected so far, in ledger order.</summary>
    public async Task<IReadOnlyList<(long LedgerIndex, string Entry)>> WorkflowEntriesAsync(CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(create: false, cancellation);
        await using var command = connection.Command("SELECT ledger_index, entry FROM workflow_entries ORDER BY ledger_index", null);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var entries = new List<(long, string)>();
        while (await reader.ReadAsync(cancellation))
        {
            entries.Add((reader.GetInt64(0), reader.GetString(1)));
        }
        return entries;
    }

    public static string Sha256(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private async Task<DbConnection> OpenAsync(bool create, CancellationToken cancellation)
    {
        try
        {
            return await ConnectAsync(create, cancellation);
        }
        catch (DbException e)
        {
            throw new StoreUnavailableException($"cannot open {Location}: {e.Message}", e);
        }
    }

    private async Task<string> IdentityAsync(DbConnection connection, CancellationToken cancellation)
    {
        await using var transaction = await Dialect.BeginExclusiveAsync(connection, cancellation);
        // One identity per store, however many nodes open it at once: the lock decides.
        await connection.ExecuteAsync(
            "INSERT INTO store_identity (id, created_at) SELECT @id, @at WHERE NOT EXISTS (SELECT 1 FROM store_identity)", transaction, cancellation,
            ("@id", Guid.CreateVersion7(Time.GetUtcNow()).ToString("n")), ("@at", Dialect.Time(Time.GetUtcNow())));
        var id = (string)(await connection.ScalarAsync("SELECT id FROM store_identity", transaction, cancellation))!;
        await transaction.CommitAsync(cancellation);
        return id;
    }

    public virtual async ValueTask DisposeAsync()
    {
        _opening.Dispose();
        GC.SuppressFinalize(this);
        await Task.CompletedTask;
    }
}

/// <summary>What a ready store is.</summary>
public sealed record StoreInfo(string Location, int SchemaVersion, string StoreId);

/// <summary>
/// The document of a kind the ledger last activated; <see cref="Content"/> is null when the
/// store was rebuilt from the ledger and the document itself has not been given back yet.
/// </summary>
public sealed record ActiveDocument(string Kind, string Sha256, long LedgerIndex, DateTimeOffset ActivatedAt, string ActivatedBy, byte[]? Content);

/// <summary>A change a ledger entry makes to the projections.</summary>
public abstract record ProjectionChange
{
    private ProjectionChange()
    {
    }

    /// <summary>A world or policy set became active.</summary>
    public sealed record Activation(string Kind, string Sha256, long LedgerIndex, DateTimeOffset At, string By) : ProjectionChange;

    /// <summary>An entry of the access workflow, kept whole (JSON).</summary>
    public sealed record WorkflowEntry(long LedgerIndex, string Entry) : ProjectionChange;

    /// <summary>A decision about a subject, as their access report shows it (JSON).</summary>
    public sealed record SubjectDecision(long LedgerIndex, string Subject, string Entry) : ProjectionChange;
}

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
