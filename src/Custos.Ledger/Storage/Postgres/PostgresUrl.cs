using System.Globalization;
using Npgsql;

namespace Custos.Ledger.Storage.Postgres;

/// <summary>
/// Turns a libpq-style URL, <c>postgres://user:password@host:port/database?param=value</c>, into
/// an Npgsql connection string (Npgsql reads only the keyword form). A <c>host</c> query
/// parameter that is a directory names a Unix socket, as with libpq. Anything that is not a URL
/// is taken to be a connection string already. Every PostgreSQL setting (the ledger's store, the
/// access store, the command line's <c>--store</c>) is read here, so that one that works for one
/// works for all.
/// </summary>
public static class PostgresUrl
{
    public static bool IsPostgresUrl(string text) =>
        text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a store's location names PostgreSQL: a URL, or an Npgsql connection string (<c>Host=…</c>); anything else is a file.</summary>
    public static bool IsPostgres(string location) =>
        IsPostgresUrl(location) || location.Contains("Host=", StringComparison.OrdinalIgnoreCase);

    public static string ToConnectionString(string urlOrConnectionString)
    {
        ArgumentNullException.ThrowIfNull(urlOrConnectionString);
        if (!IsPostgresUrl(urlOrConnectionString))
        {
            return urlOrConnectionString;
        }
        if (!Uri.TryCreate(urlOrConnectionString, UriKind.Absolute, out var uri))
        {
            throw new LedgerStoreException("the PostgreSQL URL is malformed (expected postgres://user:password@host:port/database).");
        }
        var builder = new NpgsqlConnectionStringBuilder();
        if (!string.IsNullOrEmpty(uri.Host))
        {
            builder.Host = uri.Host.Trim('[', ']');
        }
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            switch (key.ToLowerInvariant())
            {
                case "host": builder.Host = value; break;
                case "port": builder.Port = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "user": builder.Username = value; break;
                case "password": builder.Password = value; break;
                case "dbname": builder.Database = value; break;
                case "sslmode": builder.SslMode = Enum.Parse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true); break;
                case "application_name": builder.ApplicationName = value; break;
                case "connect_timeout": builder.Timeout = int.Parse(value, CultureInfo.InvariantCulture); break;
                default:
                    try
                    {
                        builder[key] = value;
                    }
                    catch (ArgumentException e)
                    {
                        throw new LedgerStoreException($"the PostgreSQL URL has an unknown parameter '{key}'.", e);
                    }
                    break;
            }
        }
        return builder.ConnectionString;
    }
}
