using System.Data.Common;
using Custos.Ledger.Storage.Postgres;
using Npgsql;

namespace Custos.Access.Storage;

/// <summary>The production store, shared by every node of a deployment.</summary>
public sealed class PostgresAccessStore : AccessStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _location;

    public PostgresAccessStore(string connection, TimeProvider? time = null) : base(SqlDialect.Postgres, time)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString(connection));
        _location = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override string Location => _location;

    protected override async Task<DbConnection> ConnectAsync(bool create, CancellationToken cancellation) =>
        await _dataSource.OpenConnectionAsync(cancellation);

    public override async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await base.DisposeAsync();
    }
}
