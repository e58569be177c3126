using Custos.Storage;
using Custos.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Custos.Tests.Storage;

public sealed class EmbeddedStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private EmbeddedStore NewStore() => new(_temp.Combine("data"), NullLogger<EmbeddedStore>.Instance);

    [Fact]
    public async Task A_new_store_is_created_at_the_latest_schema_version()
    {
        using var store = NewStore();

        var info = await store.EnsureReadyAsync(TestContext.Current.CancellationToken);

        info.SchemaVersion.ShouldBe(EmbeddedStore.SchemaVersion);
        info.SchemaVersion.ShouldBeGreaterThan(0);
        File.Exists(Path.Combine(_temp.Combine("data"), EmbeddedStore.FileName)).ShouldBeTrue();
    }

    [Fact]
    public async Task Reopening_applies_nothing_twice_and_keeps_the_node_identity()
    {
        string first;
        using (var store = NewStore())
        {
            first = (await store.EnsureReadyAsync(TestContext.Current.CancellationToken)).NodeId;
        }

        using var again = NewStore();
        var info = await again.EnsureReadyAsync(TestContext.Current.CancellationToken);

        info.NodeId.ShouldBe(first);
        (await CountAsync(again, "SELECT count(*) FROM schema_migrations")).ShouldBe(EmbeddedStore.SchemaVersion);
        (await CountAsync(again, "SELECT count(*) FROM node")).ShouldBe(1);
    }

    [Fact]
    public async Task Two_stores_opening_the_same_file_at_once_migrate_it_once()
    {
        using var a = NewStore();
        using var b = NewStore();

        var both = await Task.WhenAll(
            Task.Run(() => a.EnsureReadyAsync(TestContext.Current.CancellationToken)),
            Task.Run(() => b.EnsureReadyAsync(TestContext.Current.CancellationToken)));

        both[0].NodeId.ShouldBe(both[1].NodeId);
        (await CountAsync(a, "SELECT count(*) FROM schema_migrations")).ShouldBe(EmbeddedStore.SchemaVersion);
    }

    [Fact]
    public async Task A_database_from_a_newer_custos_is_refused_with_both_versions_named()
    {
        using (var store = NewStore())
        {
            await store.EnsureReadyAsync(TestContext.Current.CancellationToken);
            await ExecuteAsync(store, "INSERT INTO schema_migrations VALUES (999, 'future', 'x', '2030-01-01T00:00:00Z')");
        }

        using var older = NewStore();
        var error = await Should.ThrowAsync<StoreUnavailableException>(() => older.EnsureReadyAsync(TestContext.Current.CancellationToken));

        error.Message.ShouldContain("999");
        error.Message.ShouldContain($"({EmbeddedStore.SchemaVersion})");
    }

    [Fact]
    public async Task A_migration_edited_after_it_was_applied_is_refused()
    {
        using (var store = NewStore())
        {
            await store.EnsureReadyAsync(TestContext.Current.CancellationToken);
            await ExecuteAsync(store, "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
        }

        using var reopened = NewStore();
        var error = await Should.ThrowAsync<StoreUnavailableException>(() => reopened.EnsureReadyAsync(TestContext.Current.CancellationToken));

        error.Message.ShouldContain("migration 1");
    }

    [Fact]
    public async Task Connections_commit_with_full_synchronous_durability()
    {
        using var store = NewStore();
        await store.EnsureReadyAsync(TestContext.Current.CancellationToken);

        await using var connection = await store.OpenAsync(cancellation: TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous";
        // 2 = FULL: in WAL mode, NORMAL could lose the last commits on power loss.
        ((long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!).ShouldBe(2);
    }

    private static async Task<long> CountAsync(EmbeddedStore store, string sql)
    {
        await using var connection = await store.OpenAsync(cancellation: TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private static async Task ExecuteAsync(EmbeddedStore store, string sql)
    {
        await using var connection = await store.OpenAsync(cancellation: TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
