using System.Text;
using Custos.Ledger.Log;
using Custos.Ledger.Notes;
using Custos.Ledger.Storage;
using Custos.Ledger.Storage.Memory;
using Custos.Ledger.Storage.Postgres;
using Custos.Ledger.Storage.Sqlite;
using Custos.Ledger.Verification;
using Custos.Testing;
using Microsoft.Data.Sqlite;

namespace Custos.Ledger.Tests.Storage;

public sealed class MemoryStoreTests : LedgerStoreSuite
{
    protected override Task<ILedgerStore> NewStoreAsync() => Task.FromResult<ILedgerStore>(new MemoryLedgerStore());

    // One process, one store object: a "second handle" is the same object, kept open.
    protected override Task<ILedgerStore> ReopenAsync(ILedgerStore store) => Task.FromResult<ILedgerStore>(new Unowned(store));

    [Fact]
    public async Task Verification_names_the_entry_whose_bytes_changed()
    {
        var store = new MemoryLedgerStore();
        using var signer = NoteSigner.Generate(Origin);
        await using var log = await MerkleLog.CreateAsync(store, new LedgerMetadata(Origin, signer.VerifierKey), cancellation: TestContext.Current.CancellationToken);
        await log.AppendAllAsync(Enumerable.Range(0, 40).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{{\"i\":{i}}}")), TestContext.Current.CancellationToken);
        await log.SignCheckpointAsync(signer, TestContext.Current.CancellationToken);

        store.TamperWithEntry(17, "{\"i\":71}"u8.ToArray());
        var result = await LedgerVerifier.VerifyAsync(store, signer.Verifier, TestContext.Current.CancellationToken);

        result.Ok.ShouldBeFalse();
        result.FirstBadIndex.ShouldBe(17);
        result.Problem!.ShouldContain("entry 17");
    }

    /// <summary>A view that does not dispose the store it shares.</summary>
    private sealed class Unowned(ILedgerStore inner) : ILedgerStore
    {
        public string Description => inner.Description;

        public Task AppendAsync(AppendBatch batch, CancellationToken cancellation = default) => inner.AppendAsync(batch, cancellation);

        public Task CreateAsync(LedgerMetadata metadata, CancellationToken cancellation = default) => inner.CreateAsync(metadata, cancellation);

        public Task ProbeAppendAsync(CancellationToken cancellation = default) => inner.ProbeAppendAsync(cancellation);

        public Task<LedgerMetadata> ReadMetadataAsync(CancellationToken cancellation = default) => inner.ReadMetadataAsync(cancellation);

        public Task<long> ReadSizeAsync(CancellationToken cancellation = default) => inner.ReadSizeAsync(cancellation);

        public Task<IReadOnlyList<byte[]>> ReadNodesAsync(IReadOnlyList<Tree.NodeId> ids, CancellationToken cancellation = default) => inner.ReadNodesAsync(ids, cancellation);

        public Task<IReadOnlyList<StoredNode>> ReadNodeRangeAsync(int level, long startIndex, long endIndex, CancellationToken cancellation = default) => inner.ReadNodeRangeAsync(level, startIndex, endIndex, cancellation);

        public Task<byte[]> ReadEntryAsync(long index, CancellationToken cancellation = default) => inner.ReadEntryAsync(index, cancellation);

        public IAsyncEnumerable<LeafRecord> ReadLeavesAsync(long startIndex, long endIndex, CancellationToken cancellation = default) => inner.ReadLeavesAsync(startIndex, endIndex, cancellation);

        public Task SaveCheckpointAsync(long size, string note, CancellationToken cancellation = default) => inner.SaveCheckpointAsync(size, note, cancellation);

        public Task<string?> ReadLatestCheckpointAsync(CancellationToken cancellation = default) => inner.ReadLatestCheckpointAsync(cancellation);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

public sealed class SqliteStoreTests : LedgerStoreSuite, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("custos-ledger-test-");

    protected override Task<ILedgerStore> NewStoreAsync() =>
        Task.FromResult<ILedgerStore>(SqliteLedgerStore.ForCreate(Path.Combine(_directory.FullName, $"{Guid.NewGuid():n}.db")));

    protected override Task<ILedgerStore> ReopenAsync(ILedgerStore store) =>
        Task.FromResult<ILedgerStore>(SqliteLedgerStore.Open(((SqliteLedgerStore)store).Path));

    [Fact]
    public async Task The_file_is_in_wal_mode_and_a_missing_file_is_not_created_by_opening_it()
    {
        var path = Path.Combine(_directory.FullName, "wal.db");
        await using (var log = await MerkleLog.CreateAsync(SqliteLedgerStore.ForCreate(path), new LedgerMetadata(Origin, ""), cancellation: TestContext.Current.CancellationToken))
        {
            await log.AppendAsync("1"u8.ToArray(), TestContext.Current.CancellationToken);
            await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode";
            ((string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken)).ShouldBe("wal");
        }

        var missing = Path.Combine(_directory.FullName, "missing.db");
        Should.Throw<LedgerStoreException>(() => SqliteLedgerStore.Open(missing)).Message.ShouldContain("custos ledger init");
        File.Exists(missing).ShouldBeFalse();
        Should.Throw<LedgerStoreException>(() => SqliteLedgerStore.ForCreate(path)).Message.ShouldContain("already exists");
    }

    [Fact]
    public async Task A_file_from_a_newer_schema_is_refused()
    {
        var path = Path.Combine(_directory.FullName, "newer.db");
        await using (var log = await MerkleLog.CreateAsync(SqliteLedgerStore.ForCreate(path), new LedgerMetadata(Origin, ""), cancellation: TestContext.Current.CancellationToken))
        {
        }
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE ledger_meta SET value = '99' WHERE key = 'schema_version'";
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using var store = SqliteLedgerStore.Open(path);
        var e = await Should.ThrowAsync<LedgerStoreException>(() => MerkleLog.OpenAsync(store, cancellation: TestContext.Current.CancellationToken));
        e.Message.ShouldContain("99");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed class PostgresStoreTests(PostgresDatabase database) : LedgerStoreSuite, IClassFixture<PostgresDatabase>
{
    protected override async Task<ILedgerStore> NewStoreAsync() => new PostgresLedgerStore(await database.CreateSchemaAsync());

    protected override Task<ILedgerStore> ReopenAsync(ILedgerStore store) =>
        Task.FromResult<ILedgerStore>(new PostgresLedgerStore(((PostgresLedgerStore)store).ConnectionString));

    [Fact]
    public void A_postgres_url_becomes_a_connection_string()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString("postgres://al%40ice:s%3Acret@db.example:6543/ledger?sslmode=disable&application_name=custos"));

        builder.Host.ShouldBe("db.example");
        builder.Port.ShouldBe(6543);
        builder.Username.ShouldBe("al@ice");
        builder.Password.ShouldBe("s:cret");
        builder.Database.ShouldBe("ledger");
        builder.SslMode.ShouldBe(Npgsql.SslMode.Disable);
        builder.ApplicationName.ShouldBe("custos");
        new Npgsql.NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString("postgresql:///ledger?host=/run/pg")).Host.ShouldBe("/run/pg");
    }
}
