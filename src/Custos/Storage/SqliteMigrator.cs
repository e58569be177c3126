using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Custos.Storage;

/// <summary>
/// Applies schema migrations to a SQLite database, each in its own transaction together with
/// its row in <c>schema_migrations</c>, so that a crash leaves the schema at a whole version.
/// </summary>
public static class SqliteMigrator
{
    /// <returns>The schema version after migrating.</returns>
    public static int Apply(SqliteConnection connection, IReadOnlyList<Migration> migrations, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(migrations);
        ArgumentNullException.ThrowIfNull(time);

        Execute(connection, null, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                checksum   TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """);

        var current = 0;
        foreach (var migration in migrations)
        {
            // BEGIN IMMEDIATE takes the write lock before reading, so two processes starting on
            // the same file cannot both decide to apply the same migration.
            using var transaction = connection.BeginTransaction(deferred: false);
            var applied = AppliedChecksum(connection, transaction, migration.Version);
            if (applied is null)
            {
                Execute(connection, transaction, migration.Sql);
                using var record = connection.CreateCommand();
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($v, $n, $c, $t)";
                record.Parameters.AddWithValue("$v", migration.Version);
                record.Parameters.AddWithValue("$n", migration.Name);
                record.Parameters.AddWithValue("$c", migration.Checksum);
                record.Parameters.AddWithValue("$t", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
                record.ExecuteNonQuery();
            }
            else if (applied != migration.Checksum)
            {
                throw new InvalidOperationException(
                    $"Schema migration {migration.Version} ({migration.Name}) differs from the one applied to this database; refusing to continue.");
            }
            transaction.Commit();
            current = migration.Version;
        }

        var newest = Scalar<long>(connection, null, "SELECT coalesce(max(version), 0) FROM schema_migrations");
        if (newest > current)
        {
            throw new InvalidOperationException(
                $"The database is at schema version {newest}, newer than this custos knows ({current}); run a newer custos.");
        }
        return current;
    }

    private static string? AppliedChecksum(SqliteConnection connection, SqliteTransaction transaction, int version)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT checksum FROM schema_migrations WHERE version = $v";
        command.Parameters.AddWithValue("$v", version);
        return command.ExecuteScalar() as string;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static T Scalar<T>(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }
}
