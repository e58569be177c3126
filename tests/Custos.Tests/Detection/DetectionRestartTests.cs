using Custos.Cli;
using Custos.Oversight;
using Custos.Tests.Access;
using Custos.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Custos.Tests.Detection.Oversight;

namespace Custos.Tests.Detection;

/// <summary>
/// Alerts are durable and raised once: a restart (a new server over the same data directory)
/// brings back every alert and triage, rebuilds the detectors' windows from the ledger, and
/// raises nothing twice — also when it stopped between ledgering an alert and recording how far
/// it had got, or before examining decisions it had ledgered.
/// </summary>
public sealed class DetectionRestartTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Data => _temp.Combine("data");

    private CustosApp Start(bool detection = true) => new(dataDirectory: Data, time: new FakeTimeProvider(IncidentApp.IncidentTime),
        settings: detection ? null : new Dictionary<string, string?> { ["Detection:Enabled"] = "false" });

    /// <summary>The alerts as oversight sees them, without what a restart may legitimately change.</summary>
    private static async Task<List<string>> SnapshotAsync(CustosApp app) =>
        [.. (await AlertsAsync(app, "staff:olu")).Select(a => string.Join(" | ",
            a.GetProperty("id").GetString(), a.GetProperty("state").GetString(), a.GetProperty("status").GetString(),
            string.Join(",", Strings(a, "readers").Order()), string.Join(",", Evidence(a).Order()),
            string.Join(",", a.GetProperty("triage").EnumerateArray().Select(t => t.GetProperty("by").GetString() + ":" + t.GetProperty("note").GetString()))))];

    private static async Task<List<long>> RunIncidentAsync(CustosApp app)
    {
        var indexes = new List<long>();
        foreach (var read in AuditorReads)
        {
            indexes.Add(await DecideAsync(app, read));
        }
        await EventuallyAsync(async () => (await AlertsAsync(app, "staff:olu")).SelectMany(Evidence).Count() == indexes.Count, "every auditor read in evidence");
        return indexes;
    }

    [Fact]
    public async Task After_a_restart_alerts_and_triage_are_back_the_windows_are_rebuilt_and_nothing_is_raised_twice()
    {
        List<string> before;
        Dictionary<string, int> raises;
        using (var app = Start())
        {
            await RunIncidentAsync(app);
            var id = (await AlertsAsync(app, "staff:olu"))[^1].GetProperty("id").GetString()!;
            (await TriageAsync(app, "staff:olu", id, new { outcome = "needs-info", note = "who opened IA-7?" })).Status.ShouldBe(System.Net.HttpStatusCode.OK);
            before = await SnapshotAsync(app);
            raises = await RaisesAsync(app);
        }

        using (var app = Start())
        {
            await EventuallyAsync(async () => (await SnapshotAsync(app)).SequenceEqual(before), "the same alerts after the restart");
            (await RaisesAsync(app)).ShouldBe(raises);

            // Wei goes on to a third contact: the rebuilt windows join it to the campaign's alert.
            var next = await DecideAsync(app, new DemoCommand.StoryRead("staff:wei", "CN", "user:10081", "journalist's contact", ["network.ip_address"], "internal-audit", "case:IA-7"));
            await EventuallyAsync(async () => (await AlertsAsync(app, "staff:olu")).Any(a => Evidence(a).Contains(next)), "the new read in an alert");
            var holding = (await AlertsAsync(app, "staff:olu")).Single(a => Evidence(a).Contains(next));
            before.ShouldContain(line => line.StartsWith(holding.GetProperty("id").GetString() + " |", StringComparison.Ordinal), "the read joined an alert raised before the restart");
            (await RaisesAsync(app)).ShouldBe(raises, "nothing raised by the restart or by the read after it");
        }
    }

    [Fact]
    public async Task Stopping_after_ledgering_alerts_but_before_recording_the_position_raises_nothing_twice()
    {
        List<long> reads;
        List<string> before;
        Dictionary<string, int> raises;
        using (var app = Start())
        {
            reads = await RunIncidentAsync(app);
            before = await SnapshotAsync(app);
            raises = await RaisesAsync(app);
        }
        // The state a crash right after the alerts were ledgered leaves: the store's projection and
        // position where they were before the first read, the ledger holding the reads and the alerts.
        await using (var store = new SqliteConnection($"Data Source={Path.Combine(Data, "custos.db")};Pooling=False"))
        {
            await store.OpenAsync(Cancel);
            await using var command = store.CreateCommand();
            command.CommandText = "DELETE FROM alert_parties; DELETE FROM alerts; DELETE FROM alert_entries; UPDATE projections SET next_index = $p WHERE name = 'detection'";
            command.Parameters.AddWithValue("$p", reads[0]);
            await command.ExecuteNonQueryAsync(Cancel);
        }

        using (var app = Start())
        {
            await EventuallyAsync(async () => (await SnapshotAsync(app)).SequenceEqual(before), "the alerts projected back from the ledger");
            // Give the worker time to have examined every read again.
            await EventuallyAsync(() => Task.FromResult(app.Services.GetRequiredService<DetectionWorker>().ProjectedThrough > reads[^1]), "detection past the reads");
            (await RaisesAsync(app)).ShouldBe(raises);
            (await SnapshotAsync(app)).ShouldBe(before);
        }
    }

    [Fact]
    public async Task Decisions_ledgered_while_detection_was_not_running_are_examined_when_it_resumes()
    {
        using (var app = Start())
        {
            // A quiet read, so that detection records where it got to.
            var quiet = await DecideAsync(app, new DemoCommand.StoryRead("staff:jules", "US", "user:40002", "customer", ["profile.basic"], "customer-support", "case:SUP-1001"));
            await EventuallyAsync(() => Task.FromResult(app.Services.GetRequiredService<DetectionWorker>().ProjectedThrough > quiet), "detection past the quiet read");
        }
        List<long> reads = [];
        using (var app = Start(detection: false))
        {
            foreach (var read in AuditorReads)
            {
                reads.Add(await DecideAsync(app, read));
            }
            (await AlertsAsync(app, "staff:olu")).ShouldBeEmpty();
        }

        using (var app = Start())
        {
            await EventuallyAsync(async () => (await AlertsAsync(app, "staff:olu")).SelectMany(Evidence).Order().SequenceEqual(reads),
                "the reads made while detection was off, examined when it resumed");
        }
    }

    /// <summary>Three support agents who each look up one ordinary customer a day with no case (and are refused).</summary>
    private static readonly string[] Agents = ["staff:jules", "staff:maya", "staff:omar"];

    private const string Returned = "user:40002";

    private const int HistoryDays = 48;

    private const int RestartDay = 40;

    /// <summary>
    /// A history of <see cref="HistoryDays"/> days: each agent reads a different ordinary US
    /// customer every day, so the group learns that its people seldom return to anyone; Jules
    /// comes back to <see cref="Returned"/> on days 3, 8 and 42. Returns the decisions' ledger
    /// indexes in order; <paramref name="restart"/> is called before day <see cref="RestartDay"/>.
    /// </summary>
    private static async Task<(CustosApp App, List<long> Decisions)> RunLongHistoryAsync(CustosApp app, FakeTimeProvider clock, Func<CustosApp, CustosApp> restart)
    {
        var world = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepositoryPaths.IncidentWorld))!;
        var accounts = world["staff"]!.AsArray().Select(s => (string?)s!["account"]).ToHashSet();
        var ordinary = world["subjects"]!.AsArray()
            .Where(s => (string?)s!["jurisdiction"] == "US" && s!["protected"]!.AsArray().Count == 0 && !accounts.Contains((string?)s["id"]) && (string?)s["id"] != Returned)
            .Select(s => (string)s!["id"]!).ToList();
        var decisions = new List<long>();
        for (var day = 0; day < HistoryDays; day++)
        {
            if (day == RestartDay)
            {
                app = restart(app);
            }
            var morning = IncidentApp.IncidentTime.AddDays(day);
            for (var agent = 0; agent < Agents.Length; agent++)
            {
                clock.SetUtcNow(morning.AddHours(agent));
                decisions.Add(await DecideAsync(app, new DemoCommand.StoryRead(Agents[agent], "US", ordinary[((agent * 45) + day) % ordinary.Count], "customer", ["profile.basic"], "customer-support", null)));
                if (agent == 0 && day is 3 or 8 or 42)
                {
                    clock.SetUtcNow(morning.AddMinutes(30));
                    decisions.Add(await DecideAsync(app, new DemoCommand.StoryRead(Agents[0], "US", Returned, "customer", ["profile.basic"], "customer-support", null)));
                }
            }
        }
        var worker = app.Services.GetRequiredService<DetectionWorker>();
        await EventuallyAsync(() => Task.FromResult(worker.ProjectedThrough > decisions[^1]), "detection past the last decision", TimeSpan.FromSeconds(60));
        return (app, decisions);
    }

    /// <summary>The alerts as oversight sees them, their evidence as positions among the history's decisions.</summary>
    private static async Task<List<string>> HistoryAlertsAsync(CustosApp app, List<long> decisions) =>
        [.. (await AlertsAsync(app, "staff:olu")).Select(a => string.Join(" | ",
            a.GetProperty("id").GetString(), a.GetProperty("detector").GetString(), a.GetProperty("severity").GetString(),
            a.GetProperty("raised_at").GetString(), string.Join(",", Strings(a, "readers").Order()), string.Join(",", Strings(a, "subjects").Order()),
            string.Join(",", Evidence(a).Select(e => decisions.IndexOf(e)).Order()), a.GetProperty("reason").GetString()))];

    [Fact]
    public async Task A_restart_in_a_long_history_raises_the_alerts_of_a_session_that_never_stopped()
    {
        // Learned baselines — here the group's habit of (not) returning to people, and Jules's
        // first two visits 39 and 34 days before the third — are the whole history's: a rebuild
        // of the last 30 days only would miss the alert that spans the restart.
        List<string> continuous;
        var steadyClock = new FakeTimeProvider(IncidentApp.IncidentTime);
        using (var steady = new CustosApp(dataDirectory: _temp.Combine("steady"), time: steadyClock))
        {
            var (_, decisions) = await RunLongHistoryAsync(steady, steadyClock, app => app);
            continuous = await HistoryAlertsAsync(steady, decisions);
        }
        continuous.ShouldContain(line => line.Contains("| returning |", StringComparison.Ordinal) && line.Contains("| staff:jules | " + Returned + " |", StringComparison.Ordinal),
            "the control: Jules's returns are an alert for a session that never stopped");

        var clock = new FakeTimeProvider(IncidentApp.IncidentTime);
        var (restarted, history) = await RunLongHistoryAsync(new CustosApp(dataDirectory: Data, time: clock), clock, app =>
        {
            app.Dispose();
            return new CustosApp(dataDirectory: Data, time: clock);
        });
        using (restarted)
        {
            (await HistoryAlertsAsync(restarted, history)).ShouldBe(continuous);
        }
    }

    [Fact]
    public async Task A_fresh_server_records_where_detection_starts_before_any_decision()
    {
        using var app = Start();
        var worker = app.Services.GetRequiredService<DetectionWorker>();
        await EventuallyAsync(() => Task.FromResult(worker.IsLive), "detection live");

        // Without it, a crash in the first second would make the next start take the ledger's
        // end as examined, and the decisions of that second would never be.
        var store = app.Services.GetRequiredService<Custos.Access.Storage.AccessStore>();
        (await store.ProjectionNextIndexAsync(DetectionWorker.Projection, Cancel)).ShouldBe(await app.Services.GetRequiredService<Custos.Access.IAccessLedger>().SizeAsync(Cancel));
    }
}
