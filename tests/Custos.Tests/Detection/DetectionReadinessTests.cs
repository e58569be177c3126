using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Custos.Access;
using Custos.Cli;
using Custos.Oversight;
using Custos.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using static Custos.Tests.Detection.Oversight;

namespace Custos.Tests.Detection;

/// <summary>
/// Detection's state in <c>/readyz</c>: running, catching up, starting, failed or off, with the
/// last ledger entry it examined and how far behind the ledger's head it is; not ready when it
/// has failed or lags by more than <c>Detection:MaxLag</c>.
/// </summary>
public sealed class DetectionReadinessTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Check)> ReadinessAsync(CustosApp app)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative), Cancel);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        return (response.StatusCode, body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "detection"));
    }

    [Fact]
    public async Task A_running_detector_is_ready_and_reports_the_last_entry_it_examined()
    {
        using var app = new CustosApp();
        var index = await DecideAsync(app, new DemoCommand.StoryRead("staff:jules", "US", "user:40002", "customer", ["profile.basic"], "customer-support", "case:SUP-1001"));
        var size = await app.Services.GetRequiredService<IAccessLedger>().SizeAsync(Cancel);

        JsonElement check = default;
        await EventuallyAsync(async () =>
        {
            (_, check) = await ReadinessAsync(app);
            return check.GetProperty("data").GetProperty("state").GetString() == "running"
                && check.GetProperty("data").TryGetProperty("last_examined_index", out var last) && last.GetInt64() >= index;
        }, "detection running past the decision");

        var (status, _) = await ReadinessAsync(app);
        status.ShouldBe(HttpStatusCode.OK);
        check.GetProperty("status").GetString().ShouldBe("ready");
        var data = check.GetProperty("data");
        data.GetProperty("last_examined_index").GetInt64().ShouldBe(size - 1);
        data.GetProperty("ledger_size").GetInt64().ShouldBe(size);
        data.GetProperty("lag_seconds").GetDouble().ShouldBe(0);
    }

    [Fact]
    public async Task A_node_with_detection_off_is_ready_and_says_so()
    {
        using var app = new CustosApp(settings: new Dictionary<string, string?> { ["Detection:Enabled"] = "false" });

        var (status, check) = await ReadinessAsync(app);

        status.ShouldBe(HttpStatusCode.OK);
        check.GetProperty("status").GetString().ShouldBe("ready");
        check.GetProperty("data").GetProperty("state").GetString().ShouldBe("off");
    }

    [Fact]
    public async Task A_failed_detector_makes_the_node_not_ready_naming_the_failure()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        using (var first = new CustosApp(dataDirectory: data))
        {
            await EventuallyAsync(() => Task.FromResult(first.Services.GetRequiredService<DetectionWorker>().IsLive), "detection live");
        }
        // The store loses the alerts projection: every session fails reading the open alerts.
        await using (var store = new SqliteConnection($"Data Source={Path.Combine(data, "custos.db")};Pooling=False"))
        {
            await store.OpenAsync(Cancel);
            await using var command = store.CreateCommand();
            command.CommandText = "DROP TABLE alert_parties; DROP TABLE alerts";
            await command.ExecuteNonQueryAsync(Cancel);
        }

        using var app = new CustosApp(dataDirectory: data);
        HttpStatusCode status = default;
        JsonElement check = default;
        await EventuallyAsync(async () =>
        {
            (status, check) = await ReadinessAsync(app);
            return check.GetProperty("data").GetProperty("state").GetString() == "failed";
        }, "detection failed");

        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        check.GetProperty("status").GetString().ShouldBe("failing");
        check.GetProperty("detail").GetString()!.ShouldContain("alerts");
        check.GetProperty("data").GetProperty("failure").GetString()!.ShouldContain("alerts");
    }
}
