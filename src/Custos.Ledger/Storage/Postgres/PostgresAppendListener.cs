using Npgsql;

namespace Custos.Ledger.Storage.Postgres;

/// <summary>
/// Hears, within milliseconds, that some writer (another node) appended to a PostgreSQL ledger:
/// PostgreSQL <c>LISTEN</c> on <see cref="PostgresLedgerStore.AppendedChannel"/>, which every
/// append notifies as it commits. A notification is a hint to read the ledger, not the data: a
/// listener that reconnects reads from where it stopped, so a notification lost with a
/// connection loses nothing.
/// </summary>
public sealed class PostgresAppendListener : IAppendListener
{
    // A server that stops answering (frozen, partitioned) is found this fast, not after the default 30 s.
    private const int ProbeTimeoutSeconds = 2;

    private readonly NpgsqlConnection _connection;
    private readonly string _description;

    private PostgresAppendListener(NpgsqlConnection connection, string description)
    {
        _connection = connection;
        _description = description;
    }

    internal static async Task<PostgresAppendListener> StartAsync(NpgsqlConnection connection, string description, CancellationToken cancellation)
    {
        var listener = new PostgresAppendListener(connection, description);
        await listener.ExecuteAsync($"LISTEN {PostgresLedgerStore.AppendedChannel}", cancellation);
        return listener;
    }

    /// <inheritdoc/>
    /// <remarks>When none came it asks the server something.</remarks>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellation = default)
    {
        try
        {
            if (await _connection.WaitAsync(timeout, cancellation))
            {
                return true;
            }
            await ExecuteAsync("SELECT 1", cancellation, ProbeTimeoutSeconds);
            return false;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            throw new LedgerStoreException($"lost the connection that listens for appends to {_description}: {e.Message}", e);
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task ExecuteAsync(string sql, CancellationToken cancellation, int timeoutSeconds = 30)
    {
        try
        {
            await using var command = new NpgsqlCommand(sql, _connection) { CommandTimeout = timeoutSeconds };
            await command.ExecuteNonQueryAsync(cancellation);
        }
        catch (NpgsqlException e)
        {
            throw new LedgerStoreException($"cannot listen for appends to {_description}: {e.Message}", e);
        }
    }
}
