using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Custos.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Custos.Tests.Server;

public sealed class HealthTests
{
    [Fact]
    public async Task Healthz_answers_while_the_process_is_up()
    {
        using var app = new CustosApp();
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        body.GetProperty("status").GetString().ShouldBe("up");
    }

    [Fact]
    public async Task Readyz_is_ready_once_the_store_is_created_in_wal_mode_and_migrated()
    {
        using var app = new CustosApp();
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        body.GetProperty("status").GetString().ShouldBe("ready");
        var store = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "store");
        store.GetProperty("status").GetString().ShouldBe("ready");

        var database = Path.Combine(app.DataDirectory, "custos.db");
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        ((string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken)).ShouldBe("wal");
        command.CommandText = "SELECT count(*) FROM schema_migrations";
        ((long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!).ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Readyz_fails_while_the_store_cannot_be_opened_and_recovers_when_it_can()
    {
        using var temp = new TempDirectory();
        // The data directory's parent is a plain file, so the directory cannot be created.
        var blocker = temp.Combine("volume");
        await File.WriteAllTextAsync(blocker, "not a directory", TestContext.Current.CancellationToken);
        using var app = new CustosApp(dataDirectory: Path.Combine(blocker, "data"));
        using var client = app.CreateClient();

        using (var notReady = await client.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            notReady.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            notReady.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
            var problem = await notReady.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            problem.GetProperty("detail").GetString().ShouldStartWith("store: ");
            // Both stores live in the data directory: neither can open, so nothing is loaded either.
            var checks = problem.GetProperty("checks").EnumerateArray().ToList();
            checks.Select(c => c.GetProperty("name").GetString()).ShouldBe(["store", "ledger", "witnessing", "access", "detection"], ignoreOrder: true);
            // Detection may not have tried the ledger yet; DetectionReadinessTests pin its states.
            // Witnessing never fails readiness: a witness being down must not take a node out of service.
            checks.Where(c => c.GetProperty("name").GetString() is not ("detection" or "witnessing")).ShouldAllBe(c => c.GetProperty("status").GetString() == "failing");
            checks.Single(c => c.GetProperty("name").GetString() == "witnessing").GetProperty("status").GetString().ShouldBe("ready");
        }

        using (var alive = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            alive.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        File.Delete(blocker);
        // The stores open on the next probe; the world and policies load on the next retry (every 2 s).
        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpStatusCode status;
        do
        {
            using var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken);
            status = ready.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(250, TestContext.Current.CancellationToken);
            }
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);
        status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Readyz_fails_when_the_database_disappears_after_start()
    {
        using var app = new CustosApp();
        using var client = app.CreateClient();
        (await client.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);

        SqliteConnection.ClearAllPools();
        Directory.Delete(app.DataDirectory, recursive: true);

        using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        Directory.Exists(app.DataDirectory).ShouldBeFalse("a vanished store must not be silently recreated empty");
    }
}
