using Npgsql;
using Xunit;

namespace Custos.Testing;

/// <summary>
/// A fresh database on the shared <see cref="PostgresServer"/> for one test class (use it as an
/// <c>IClassFixture</c>), dropped when the class is done.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private PostgresServer? _server;

    public string Name { get; private set; } = "";

    public string ConnectionString => _server?.ConnectionString(Name) ?? throw new InvalidOperationException("The database is not created yet.");

    /// <summary>The database as a libpq-style <c>postgres://</c> URL, the way the command line takes one.</summary>
    public string Url => _server?.Url(Name) ?? throw new InvalidOperationException("The database is not created yet.");

    /// <summary>A new, empty schema in the database, and a connection string whose search path puts it first.</summary>
    public async Task<string> CreateSchemaAsync()
    {
        var schema = $"s_{Guid.NewGuid():n}";
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA \"{schema}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema }.ConnectionString;
    }

    public async ValueTask InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        Name = await _server.CreateDatabaseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null && Name.Length > 0)
        {
            await _server.DropDatabaseAsync(Name);
        }
    }
}
