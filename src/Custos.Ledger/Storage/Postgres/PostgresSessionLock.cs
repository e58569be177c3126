using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Custos.Ledger.Storage.Postgres;

/// <summary>
/// A PostgreSQL session-level advisory lock on the ledger's database, held on a connection of its
/// own for as long as this object lives: one holder at a time among every node, released by
/// PostgreSQL itself when the holder dies (its connection closes), so that another node can take
/// over without waiting for a lease to run out.
/// </summary>
public sealed class PostgresSessionLock : IAsyncDisposable
{
    // A holder that no longer reaches the server finds out this fast.
    private const int ProbeTimeoutSeconds = 2;

    private readonly NpgsqlConnection _connection;

    private PostgresSessionLock(NpgsqlConnection connection, string name)
    {
        _connection = connection;
        Name = name;
    }

    public string Name { get; }

    /// <summary>Takes the lock named <paramref name="name"/> if no one holds it; null if someone does.</summary>
    internal static async Task<PostgresSessionLock?> TryTakeAsync(NpgsqlConnection connection, string name, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Key(name) });
        return (bool)(await command.ExecuteScalarAsync(cancellation))! ? new PostgresSessionLock(connection, name) : null;
    }

    /// <summary>
    /// Whether the lock is still this holder's: false when its connection is gone (PostgreSQL then
    /// released it, and another node may hold it now).
    /// </summary>
    public async Task<bool> IsHeldAsync(CancellationToken cancellation = default)
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT 1", _connection) { CommandTimeout = ProbeTimeoutSeconds };
            await command.ExecuteScalarAsync(cancellation);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Releases the lock by closing its connection (a connection returned to the pool would keep it).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", _connection) { CommandTimeout = ProbeTimeoutSeconds };
            await unlock.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // The connection is gone, and the lock with it.
        }
        try
        {
            await _connection.DisposeAsync();
        }
        catch (NpgsqlException)
        {
            // Already broken: nothing held is left to release.
        }
    }

    private static long Key(string name) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("custos-lock:" + name)));
}
