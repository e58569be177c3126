namespace Custos.Access.Storage;

public abstract partial class AccessStore
{
    /// <summary>
    /// The furthest ledger position any projection of this store has read (the next index it
    /// would read): a store is never ahead of the ledger it projects.
    /// </summary>
    public async Task<long> FurthestPositionAsync(CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(create: false, cancellation);
        var furthest = await connection.ScalarAsync("SELECT max(next_index) FROM projections", null, cancellation);
        return furthest is null or DBNull ? 0 : Convert.ToInt64(furthest, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Binds the store to the ledger whose first entry has <paramref name="firstEntrySha256"/>,
    /// unless it is bound already; returns the hash the store is bound to (the given one, or
    /// the one it was bound to before).
    /// </summary>
    public async Task<string> BindToLedgerAsync(string firstEntrySha256, CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(create: false, cancellation);
        await connection.ExecuteAsync(
            "INSERT INTO ledger_binding (id, first_entry_sha256) VALUES (1, @h) ON CONFLICT (id) DO NOTHING", null, cancellation, ("@h", firstEntrySha256));
        return (string)(await connection.ScalarAsync("SELECT first_entry_sha256 FROM ledger_binding WHERE id = 1", null, cancellation))!;
    }
}
