using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Custos.Access.Storage;

/// <summary>
/// What differs between SQLite and PostgreSQL for the stores of Custos: how a writer takes the
/// lock that serializes schema changes and how times are kept. Everything else is shared SQL
/// (both speak <c>INSERT … ON CONFLICT</c> and <c>@name</c> parameters).
/// </summary>
public abstract class SqlDialect
{
    public static SqlDialect Sqlite { get; } = new SqliteDialect();

    public static SqlDialect Postgres { get; } = new PostgresDialect();

    /// <summary>Folder of this dialect's migrations among the embedded resources.</summary>
    public abstract string MigrationFolder { get; }

    /// <summary>Begins a transaction that holds the write lock from its first statement.</summary>
    public abstract Task<DbTransaction> BeginExclusiveAsync(DbConnection connection, CancellationToken cancellation);

    public abstract object Time(DateTimeOffset time);

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    private sealed class SqliteDialect : SqlDialect
    {
        public override string MigrationFolder => "Sqlite";

        // BEGIN IMMEDIATE: the write lock is taken before the first read, so two processes cannot
        // both read "not yet applied" and both apply.
        public override Task<DbTransaction> BeginExclusiveAsync(DbConnection connection, CancellationToken cancellation) =>
            Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

        public override object Time(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

        public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
            DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }

    private sealed class PostgresDialect : SqlDialect
    {
        public override string MigrationFolder => "Postgres";

        public override async Task<DbTransaction> BeginExclusiveAsync(DbConnection connection, CancellationToken cancellation)
        {
            var transaction = await connection.BeginTransactionAsync(cancellation);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            // Held until the transaction ends; the key is any constant private to Custos.
            command.CommandText = "SELECT pg_advisory_xact_lock(7305661728463020571)";
            await command.ExecuteNonQueryAsync(cancellation);
            return transaction;
        }

        public override object Time(DateTimeOffset time) => time.ToUniversalTime();

        public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
            new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));
    }
}

/// <summary>Small helpers that keep ADO.NET calls to one line.</summary>
internal static class Sql
{
    public static DbCommand Command(this DbConnection connection, string text, DbTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = text;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    public static async Task<int> ExecuteAsync(this DbConnection connection, string text, DbTransaction? transaction, CancellationToken cancellation, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(text, transaction, parameters);
        return await command.ExecuteNonQueryAsync(cancellation);
    }

    public static async Task<object?> ScalarAsync(this DbConnection connection, string text, DbTransaction? transaction, CancellationToken cancellation, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(text, transaction, parameters);
        var value = await command.ExecuteScalarAsync(cancellation);
        return value is DBNull ? null : value;
    }
}
