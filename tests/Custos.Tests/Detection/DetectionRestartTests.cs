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
