using System.Data.Common;
using Npgsql;

namespace Custos.Access.Storage;

/// <summary>The production store, shared by every node of a deployment.</summary>
public sealed class PostgresAccessStore : AccessStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _location;

    public PostgresAccessStore(string connection, TimeProvider? time = null) : base(SqlDialect.Postgres, time)
    {
        var builder = new NpgsqlConnectionStringBuilder(ToConnectionString(connection));
        _location = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override string Location => _location;

    public static bool IsPostgresLocation(string location) =>
        location.StartsWith("postgres://", StringComparison.Ordinal) || location.StartsWith("postgresql://", StringComparison.Ordinal)
        || location.Contains("Host=", StringComparison.OrdinalIgnoreCase);

    protected override async Task<DbConnection> ConnectAsync(bool create, CancellationToken cancellation) =>
        await _dataSource.OpenConnectionAsync(cancellation);

    /// <summary>A <c>postgres://user:password@host:port/database?k=v</c> URL as an Npgsql connection string.</summary>
    public static string ToConnectionString(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (!IsPostgresLocation(location) || location.Contains("Host=", StringComparison.OrdinalIgnoreCase))
        {
            return location;
        }
        var uri = new Uri(location);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Uri.UnescapeDataString(uri.Host),
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            builder[Uri.UnescapeDataString(kv[0])] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
        }
        return builder.ConnectionString;
    }

    public override async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await base.DisposeAsync();
    }
}
