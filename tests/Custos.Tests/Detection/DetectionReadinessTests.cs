using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Custos.Access;
using Custos.Cli;
using Custos.Server.Detection;
using Custos.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using static Custos.Tests.Detection.Oversight;

namespace Custos.Tests.Detection;

/// <summary>
/// Detection's state in <c>/readyz</c>: running, catching up, starting, failed or off, with the
/// last ledger entry it examined and how far behind the ledger's head it is; not ready when it
/// has failed or lags by more than <c>Detection:MaxLag</c>.
/// </summary>
public sealed class DetectionReadinessTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 3, 14, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxLag = TimeSpan.FromMinutes(5);

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

    [Fact]
    public void Running_and_caught_up_is_ready_with_no_lag()
    {
        var result = DetectionHealthCheck.Judge(new DetectionStatus(DetectionState.Running, 42, Now.AddHours(-1), null), 42, null, Now, MaxLag);

        result.Status.ShouldBe(HealthStatus.Healthy);
        result.Data["state"].ShouldBe("running");
        result.Data["last_examined_index"].ShouldBe(41L);
        result.Data["lag_seconds"].ShouldBe(0d);
    }

    [Fact]
    public void Catching_up_within_the_maximum_lag_is_ready()
    {
        var oldest = Now.AddMinutes(-2);

        var result = DetectionHealthCheck.Judge(new DetectionStatus(DetectionState.CatchingUp, 10, Now, null), 500, oldest, Now, MaxLag);

        result.Status.ShouldBe(HealthStatus.Healthy);
        result.Data["state"].ShouldBe("catching-up");
        result.Data["last_examined_index"].ShouldBe(9L);
        result.Data["ledger_size"].ShouldBe(500L);
        result.Data["lag_seconds"].ShouldBe(120d);
    }

    [Fact]
    public void Lagging_beyond_the_maximum_is_not_ready_whatever_the_state()
    {
        var oldest = Now.AddMinutes(-6);
        foreach (var state in new[] { DetectionState.CatchingUp, DetectionState.Running })
        {
            var result = DetectionHealthCheck.Judge(new DetectionStatus(state, 10, Now.AddHours(-1), null), 500, oldest, Now, MaxLag);

            result.Status.ShouldBe(HealthStatus.Unhealthy);
            result.Description!.ShouldContain("Detection:MaxLag");
            result.Data["lag_seconds"].ShouldBe(360d);
        }
    }

    [Fact]
    public void A_session_that_has_not_read_its_position_lags_by_the_time_since_it_started()
    {
        var starting = new DetectionStatus(DetectionState.Starting, null, Now.AddMinutes(-1), null);
        DetectionHealthCheck.Judge(starting, 500, null, Now, MaxLag).Status.ShouldBe(HealthStatus.Healthy);

        var stuck = starting with { Since = Now.AddMinutes(-6) };
        var result = DetectionHealthCheck.Judge(stuck, 500, null, Now, MaxLag);
        result.Status.ShouldBe(HealthStatus.Unhealthy);
        result.Data["state"].ShouldBe("starting");
        result.Data.ContainsKey("last_examined_index").ShouldBeFalse();
    }

    [Fact]
    public void A_failed_session_is_not_ready_even_when_nothing_waits()
    {
        var result = DetectionHealthCheck.Judge(new DetectionStatus(DetectionState.Failed, 42, Now, "the store is unavailable"), 42, null, Now, MaxLag);

        result.Status.ShouldBe(HealthStatus.Unhealthy);
        result.Data["state"].ShouldBe("failed");
        result.Data["failure"].ShouldBe("the store is unavailable");
    }
}
