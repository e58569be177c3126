using Custos.Ledger.Storage.Postgres;
using Custos.Ledger.Storage.Sqlite;

namespace Custos.Ledger.Storage;

/// <summary>Opens a store named the way the command line names one: a <c>postgres://</c> URL, or a SQLite file path.</summary>
public static class LedgerStores
{
    public static bool IsPostgres(string store) => PostgresUrl.IsPostgres(store);

    /// <summary>A store on an existing ledger.</summary>
    public static ILedgerStore Open(string store)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(store);
        return IsPostgres(store) ? new PostgresLedgerStore(store) : SqliteLedgerStore.Open(store);
    }

    /// <summary>A store where a new ledger is to be created.</summary>
    public static ILedgerStore ForCreate(string store)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(store);
        return IsPostgres(store) ? new PostgresLedgerStore(store) : SqliteLedgerStore.ForCreate(store);
    }
}
