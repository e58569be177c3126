using System.Text;
using Custos.Access.Storage;
using Custos.Ledger.Storage.Postgres;

namespace Custos.Access.Tests.Storage;

/// <summary>The behaviour every store must have; each store runs it (SQLite here, PostgreSQL beside it).</summary>
public abstract partial class AccessStoreTests : IAsyncLifetime
{
    private readonly List<AccessStore> _opened = [];

    /// <summary>A store over fresh, empty storage; several calls open the same storage.</summary>
    protected abstract AccessStore OpenStore();

    protected AccessStore Store()
    {
        var store = OpenStore();
        _opened.Add(store);
        return store;
    }

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reopening_applies_nothing_twice_and_keeps_the_store_identity()
    {
        var first = await Store().EnsureReadyAsync(Cancel);

        var again = await Store().EnsureReadyAsync(Cancel);

        again.StoreId.ShouldBe(first.StoreId);
        again.SchemaVersion.ShouldBe(first.SchemaVersion);
        first.SchemaVersion.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Two_stores_opening_the_same_storage_at_once_agree()
    {
        var a = Store();
        var b = Store();

        var both = await Task.WhenAll(Task.Run(() => a.EnsureReadyAsync(Cancel)), Task.Run(() => b.EnsureReadyAsync(Cancel)));

        both[0].StoreId.ShouldBe(both[1].StoreId);
    }

    [Fact]
    public async Task Documents_are_stored_by_their_hash_once()
    {
        var store = Store();
        await store.EnsureReadyAsync(Cancel);
        var content = Encoding.UTF8.GetBytes("{\"categories\": []}");

        var hash = await store.StoreDocumentAsync("world", content, Cancel);
        var again = await store.StoreDocumentAsync("world", content, Cancel);

        hash.ShouldBe(AccessStore.Sha256(content));
        again.ShouldBe(hash);
        (await store.DocumentAsync(hash, Cancel)).ShouldBe(content);
        (await store.DocumentAsync(AccessStore.Sha256([1, 2, 3]), Cancel)).ShouldBeNull();
    }

    [Fact]
    public async Task Only_a_later_ledger_entry_replaces_the_active_document()
    {
        var store = Store();
        await store.EnsureReadyAsync(Cancel);
        var v1 = await store.StoreDocumentAsync("world", "one"u8.ToArray(), Cancel);
        var v2 = await store.StoreDocumentAsync("world", "two"u8.ToArray(), Cancel);
        var at = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

        (await store.ActiveAsync("world", Cancel)).ShouldBeNull();
        await store.ApplyProjectionAsync("state", [new ProjectionChange.Activation("world", v1, 3, at, "system")], 4, Cancel);
        await store.ApplyProjectionAsync("state", [new ProjectionChange.Activation("world", v2, 9, at.AddHours(1), "staff:sam")], 10, Cancel);
        // A replay of the older entry changes nothing.
        await store.ApplyProjectionAsync("state", [new ProjectionChange.Activation("world", v1, 3, at, "system")], 4, Cancel);

        var active = (await store.ActiveAsync("world", Cancel))!;
        (active.Sha256, active.LedgerIndex, active.ActivatedBy, active.ActivatedAt).ShouldBe((v2, 9L, "staff:sam", at.AddHours(1)));
        Encoding.UTF8.GetString(active.Content!).ShouldBe("two");
        (await store.ProjectionNextIndexAsync("state", Cancel)).ShouldBe(10);
        (await store.ActiveAsync("policy-set", Cancel)).ShouldBeNull();
    }

    [Fact]
    public async Task Decisions_about_a_subject_come_back_in_ledger_order_once_each()
    {
        var store = Store();
        await store.EnsureReadyAsync(Cancel);

        await store.ApplyProjectionAsync("reports", [
            new ProjectionChange.SubjectDecision(7, "user:1", "{\"n\":7}"),
            new ProjectionChange.SubjectDecision(5, "user:1", "{\"n\":5}"),
            new ProjectionChange.SubjectDecision(6, "user:2", "{\"n\":6}"),
        ], 8, Cancel);
        await store.ApplyProjectionAsync("reports", [new ProjectionChange.SubjectDecision(7, "user:1", "{\"n\":7}")], 8, Cancel);

        (await store.DecisionsAboutAsync("user:1", Cancel)).ShouldBe([(5L, "{\"n\":5}"), (7L, "{\"n\":7}")]);
        (await store.DecisionsAboutAsync("user:3", Cancel)).ShouldBeEmpty();
        (await store.ProjectionNextIndexAsync("reports", Cancel)).ShouldBe(8);
        (await store.ProjectionNextIndexAsync("other", Cancel)).ShouldBe(0);
    }
}

public sealed class SqliteAccessStoreTests : AccessStoreTests
{
    private readonly TempDirectory _temp = new();

    private string DatabasePath => _temp.Combine("data", "custos.db");

    protected override AccessStore OpenStore() => new SqliteAccessStore(DatabasePath);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    [Fact]
    public async Task The_file_is_in_wal_mode_and_commits_with_full_durability()
    {
        await Store().EnsureReadyAsync(TestContext.Current.CancellationToken);

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        ((string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken)).ShouldBe("wal");
    }

    [Fact]
    public async Task A_database_from_a_newer_custos_is_refused_with_both_versions_named()
    {
        var info = await Store().EnsureReadyAsync(TestContext.Current.CancellationToken);
        await ExecuteAsync("INSERT INTO schema_migrations VALUES (999, 'future', 'x', '2030-01-01T00:00:00Z')");

        var error = await Should.ThrowAsync<StoreUnavailableException>(() => Store().EnsureReadyAsync(TestContext.Current.CancellationToken));

        error.Message.ShouldContain("999");
        error.Message.ShouldContain($"({info.SchemaVersion})");
    }

    [Fact]
    public async Task A_migration_edited_after_it_was_applied_is_refused()
    {
        await Store().EnsureReadyAsync(TestContext.Current.CancellationToken);
        await ExecuteAsync("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");

        var error = await Should.ThrowAsync<StoreUnavailableException>(() => Store().EnsureReadyAsync(TestContext.Current.CancellationToken));

        error.Message.ShouldContain("migration 1");
    }

    [Fact]
    public async Task A_database_that_disappears_is_reported_not_recreated()
    {
        var store = Store();
        await store.EnsureReadyAsync(TestContext.Current.CancellationToken);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(DatabasePath)!, recursive: true);

        await Should.ThrowAsync<StoreUnavailableException>(() => store.EnsureReadyAsync(TestContext.Current.CancellationToken));
        File.Exists(DatabasePath).ShouldBeFalse();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}

/// <summary>The same suite on PostgreSQL: a private server started for the test run, a fresh schema per test.</summary>
public sealed class PostgresAccessStoreTests(PostgresDatabase database) : AccessStoreTests, IClassFixture<PostgresDatabase>
{
    private string? _connection;

    protected override AccessStore OpenStore() => new PostgresAccessStore(_connection ?? throw new InvalidOperationException("not initialized"));

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _connection = await database.CreateSchemaAsync();
    }

    [Fact]
    public void A_postgres_url_becomes_a_connection_string()
    {
        var connection = PostgresUrl.ToConnectionString("postgres://custos:s%40cret@db.internal:6543/custos?Search%20Path=audit&application_name=custos-a");

        connection.ShouldContain("Host=db.internal");
        connection.ShouldContain("Port=6543");
        connection.ShouldContain("Database=custos");
        connection.ShouldContain("Username=custos");
        connection.ShouldContain("Password=s@cret");
        connection.ShouldContain("Search Path=audit");
        connection.ShouldContain("Application Name=custos-a");
        AccessStore.Open("postgres://x@h/d").ShouldBeOfType<PostgresAccessStore>().Location.ShouldBe("PostgreSQL h:5432/d");
    }

    [Fact]
    public async Task The_store_takes_the_libpq_parameters_the_ledger_takes()
    {
        // Issue 15: CUSTOS_STORE with ?application_name=… stopped the server while the ledger took it.
        await using var store = AccessStore.Open(database.Url + "?application_name=custos-node-a&connect_timeout=5");

        (await store.EnsureReadyAsync(TestContext.Current.CancellationToken)).Location.ShouldEndWith("/" + database.Name);
    }
}
