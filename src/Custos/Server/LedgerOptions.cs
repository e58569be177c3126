namespace Custos.Server;

/// <summary>
/// The server's ledger, bound from the <c>Ledger</c> section (<c>CUSTOS_Ledger__Origin</c> …).
/// By default a SQLite file in the data directory with its key beside it.
/// </summary>
public sealed class LedgerOptions
{
    public const string Section = "Ledger";

    public const string DefaultOrigin = "custos.local/ledger";

    public const string DefaultFileName = "ledger.db";

    /// <summary>The log's name in its checkpoints; set it to something unique to the deployment, such as <c>custos.example.com/ledger</c>.</summary>
    public string Origin { get; set; } = DefaultOrigin;

    /// <summary>A SQLite file or a <c>postgres://</c> URL; default <c>ledger.db</c> in the data directory.</summary>
    public string? Store { get; set; }

    /// <summary>The signing key file; default beside a SQLite store, or <c>ledger.key</c> in the data directory.</summary>
    public string? KeyFile { get; set; }

    /// <summary>How often a checkpoint is signed while the log grows (and on every <c>GET /v1/ledger/checkpoint</c>).</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A directory to keep the log in as static C2SP tlog-tiles files (hash tiles and checkpoint, no entry bodies), rewritten after each checkpoint; serve it with any web server or CDN. None by default.</summary>
    public string? TilesDirectory { get; set; }

    internal string ResolveStore(string dataDirectory) =>
        string.IsNullOrWhiteSpace(Store) ? Path.Combine(dataDirectory, DefaultFileName)
        : Custos.Ledger.Storage.LedgerStores.IsPostgres(Store) ? Store : Path.GetFullPath(Store);

    internal string ResolveKeyFile(string dataDirectory, string store) =>
        !string.IsNullOrWhiteSpace(KeyFile) ? Path.GetFullPath(KeyFile)
        : Custos.Ledger.Storage.LedgerStores.IsPostgres(store) ? Path.Combine(dataDirectory, "ledger.key")
        : store + Custos.Ledger.Notes.SignerKeyFile.Extension;
}
