using System.Text.Json.Nodes;
using Custos.Access.Domain;
using Microsoft.Data.Sqlite;

namespace Custos.Access.Gateway;

/// <summary>
/// The demo connector: a SQLite table standing in for the platform's user store, filled with
/// <see cref="SyntheticRecords"/> for every subject of a world. It lives in its own database
/// file because it is the platform's data, not Custos's.
/// </summary>
public sealed class SqliteRecordSource : IRecordSource
{
    private readonly string _connectionString;

    private SqliteRecordSource(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
    }

    /// <summary>Opens (creating and filling when needed) the demo records at <paramref name="path"/> for a world.</summary>
    public static async Task<SqliteRecordSource> OpenAsync(string path, AccessDirectory directory, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var source = new SqliteRecordSource(path);
        await using var connection = new SqliteConnection(source._connectionString);
        await connection.OpenAsync(cancellation);
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL";
            await wal.ExecuteNonQueryAsync(cancellation);
        }
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellation);
        await using (var create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = """
                CREATE TABLE IF NOT EXISTS records (
                    subject  TEXT NOT NULL,
                    category TEXT NOT NULL,
                    value    TEXT NOT NULL,
                    PRIMARY KEY (subject, category)
                ) WITHOUT ROWID;
                """;
            await create.ExecuteNonQueryAsync(cancellation);
        }

        // Only missing records are invented: a record once there stays as it is.
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT OR IGNORE INTO records (subject, category, value) VALUES ($s, $c, $v)";
        var subjectParameter = insert.Parameters.Add("$s", SqliteType.Text);
        var categoryParameter = insert.Parameters.Add("$c", SqliteType.Text);
        var valueParameter = insert.Parameters.Add("$v", SqliteType.Text);
        foreach (var subject in directory.Subjects)
        {
            var contacts = directory.ContactsOf(subject.Id);
            foreach (var category in directory.Categories)
            {
                subjectParameter.Value = subject.Id;
                categoryParameter.Value = category.Id;
                valueParameter.Value = SyntheticRecords.Generate(subject.Id, category, subject, contacts).ToJsonString();
                await insert.ExecuteNonQueryAsync(cancellation);
            }
        }
        await transaction.CommitAsync(cancellation);
        return source;
    }

    public async Task<IReadOnlyDictionary<string, JsonNode?>> ReadAsync(string subject, IReadOnlyCollection<string> categories, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(categories);
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (categories.Count == 0)
        {
            return values;
        }
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellation);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT category, value FROM records WHERE subject = $s";
        select.Parameters.AddWithValue("$s", subject);
        await using var reader = await select.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var category = reader.GetString(0);
            if (categories.Contains(category))
            {
                values[category] = JsonNode.Parse(reader.GetString(1));
            }
        }
        return values;
    }
}
