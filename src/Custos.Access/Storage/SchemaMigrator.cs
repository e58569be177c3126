using System.Data.Common;

namespace Custos.Access.Storage;

/// <summary>
/// Applies schema migrations, each in its own transaction together with its row in
/// <c>schema_migrations</c>, so that a crash leaves the schema at a whole version; the
/// transaction holds the dialect's exclusive lock, so that nodes starting together apply each
/// migration once.
/// </summary>
public static class SchemaMigrator
{
    /// <returns>The schema version after migrating.</returns>
    public static async Task<int> ApplyAsync(DbConnection connection, SqlDialect dialect, IReadOnlyList<Migration> migrations, TimeProvider time, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(migrations);
        ArgumentNullException.ThrowIfNull(time);

        await using (var create = await dialect.BeginExclusiveAsync(connection, cancellation))
        {
            await connection.ExecuteAsync("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    INTEGER PRIMARY KEY,
                    name       TEXT NOT NULL,
                    checksum   TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )
                """, create, cancellation);
            await create.CommitAsync(cancellation);
        }

        var current = 0;
        foreach (var migration in migrations)
        {
            await using var transaction = await dialect.BeginExclusiveAsync(connection, cancellation);
            var applied = (string?)await connection.ScalarAsync(
                "SELECT checksum FROM schema_migrations WHERE version = @v", transaction, cancellation, ("@v", migration.Version));
            if (applied is null)
            {
                await connection.ExecuteAsync(migration.Sql, transaction, cancellation);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (@v, @n, @c, @t)", transaction, cancellation,
                    ("@v", migration.Version), ("@n", migration.Name), ("@c", migration.Checksum), ("@t", time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
            }
            else if (applied != migration.Checksum)
            {
                throw new InvalidOperationException(
                    $"Schema migration {migration.Version} ({migration.Name}) differs from the one applied to this database; refusing to continue.");
            }
            await transaction.CommitAsync(cancellation);
            current = migration.Version;
        }

        var newest = Convert.ToInt64(await connection.ScalarAsync("SELECT coalesce(max(version), 0) FROM schema_migrations", null, cancellation), System.Globalization.CultureInfo.InvariantCulture);
        if (newest > current)
        {
            throw new InvalidOperationException(
                $"The database is at schema version {newest}, newer than this custos knows ({current}); run a newer custos.");
        }
        return current;
    }
}
