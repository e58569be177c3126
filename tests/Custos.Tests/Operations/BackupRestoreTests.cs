using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Custos.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Custos.Tests.Operations;

/// <summary>Issue 18: <c>custos backup</c> of a serving node and <c>custos restore</c>, through the built executable.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BackupRestoreTests
{
    private static readonly object Read = new { subject = "user:40002", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_backup_taken_while_serving_restores_a_node_that_decides_and_reports_the_same()
    {
        using var temp = new TempDirectory();
        var original = temp.Combine("original");
        var backup = temp.Combine("backup");
        var restoredData = temp.Combine("restored");
        string reportBefore;
        JsonElement decisionBefore;
        using (var app = new CustosApp(dataDirectory: original))
        {
            decisionBefore = await DecideAsync(app);
            await DecideAsync(app);
            reportBefore = await ReportAsync(app);

            // Other reads go on while the backup is taken: it is a snapshot, not a stop.
            using var stop = new CancellationTokenSource();
            var others = Task.Run(async () =>
            {
                using var client = app.ClientAs("staff:jules", "US");
                while (!stop.IsCancellationRequested)
                {
                    using var _ = await client.PostAsJsonAsync(new Uri("/v1/decisions", UriKind.Relative),
                        new { subject = "user:40003", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" }, Cancel);
                    await Task.Delay(20, Cancel);
                }
            }, Cancel);
            var result = await CustosProcess.RunAsync(["backup", "--to", backup, "--data", original]);
            await stop.CancelAsync();
            await others;

            result.ExitCode.ShouldBe(0, result.StandardError);
            result.StandardError.ShouldBeEmpty();
            // Into a pipe there is no progress: the one result line only.
            result.StandardOutput.Trim().Split('\n').ShouldHaveSingleItem().ShouldStartWith($"backed up {original} to {backup}");
        }

        var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(backup, "manifest.json"), Cancel)).RootElement;
        var files = manifest.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("role").GetString()!);
        files.Keys.ShouldBe(["store", "ledger", "ledger-key", "token-key"], ignoreOrder: true);
        foreach (var file in files.Values)
        {
            var path = Path.Combine(backup, file.GetProperty("name").GetString()!);
            file.GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path, Cancel))));
            file.GetProperty("size").GetInt64().ShouldBe(new FileInfo(path).Length);
        }
        File.GetUnixFileMode(Path.Combine(backup, "ledger.key")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(Path.Combine(backup, "token-signing.key")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var size = manifest.GetProperty("ledger").GetProperty("size").GetInt64();
        size.ShouldBeGreaterThanOrEqualTo(4);

        var restore = await CustosProcess.RunAsync(["restore", "--from", backup, "--data", restoredData]);
        restore.ExitCode.ShouldBe(0, restore.StandardError);
        File.GetUnixFileMode(Path.Combine(restoredData, "ledger.db.key")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        using var restored = new CustosApp(dataDirectory: restoredData);
        (await StoreLedgerAgreementTests.ReadinessAsync(restored)).Status.ShouldBe(HttpStatusCode.OK);
        (await ReportAsync(restored)).ShouldBe(reportBefore);
        var decisionAfter = await DecideAsync(restored);
        decisionAfter.GetProperty("decision").GetString().ShouldBe(decisionBefore.GetProperty("decision").GetString());
        // The restored ledger goes on from the snapshot (detection may ledger an alert first).
        decisionAfter.GetProperty("ledger_index").GetInt64().ShouldBeGreaterThanOrEqualTo(size);
    }

    [Fact]
    public async Task Restoring_an_old_backup_over_a_ledger_that_has_moved_on_is_refused_and_changes_nothing()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        var backup = temp.Combine("backup");
        using (var app = new CustosApp(dataDirectory: data))
        {
            await DecideAsync(app);
            (await CustosProcess.RunAsync(["backup", "--to", backup, "--data", data])).ExitCode.ShouldBe(0);
            await DecideAsync(app);
        }
        SqliteConnection.ClearAllPools();
        var ledgerBefore = await File.ReadAllBytesAsync(Path.Combine(data, "ledger.db"), Cancel);

        var result = await CustosProcess.RunAsync(["restore", "--from", backup, "--data", data, "--force"]);

        result.ExitCode.ShouldBe(1);
        result.StandardError.Trim().Split('\n').ShouldHaveSingleItem();
        result.StandardError.ShouldContain("has moved on since this backup");
        result.StandardError.ShouldContain("move custos.db aside");
        (await File.ReadAllBytesAsync(Path.Combine(data, "ledger.db"), Cancel)).ShouldBe(ledgerBefore);
    }

    [Fact]
    public async Task A_damaged_backup_is_refused_by_its_checksum_and_nothing_is_restored()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        var backup = temp.Combine("backup");
        var target = temp.Combine("target");
        await BackUpAfterOneReadAsync(data, backup);
        var store = Path.Combine(backup, "custos.db");
        var bytes = await File.ReadAllBytesAsync(store, Cancel);
        bytes[^100] ^= 0x01;
        await File.WriteAllBytesAsync(store, bytes, Cancel);

        var result = await CustosProcess.RunAsync(["restore", "--from", backup, "--data", target]);

        result.ExitCode.ShouldBe(1);
        result.StandardError.ShouldContain("is damaged: custos.db has SHA-256");
        result.StandardError.ShouldContain("Nothing was changed");
        Directory.Exists(target).ShouldBeFalse();
    }

    [Fact]
    public async Task Restoring_over_a_data_directory_in_use_needs_force()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        var backup = temp.Combine("backup");
        await BackUpAfterOneReadAsync(data, backup);

        var refused = await CustosProcess.RunAsync(["restore", "--from", backup, "--data", data]);
        refused.ExitCode.ShouldBe(1);
        refused.StandardError.ShouldContain("already exist: restore into an empty data directory, or pass --force");

        var forced = await CustosProcess.RunAsync(["restore", "--from", backup, "--data", data, "--force"]);
        forced.ExitCode.ShouldBe(0, forced.StandardError);
    }

    [Fact]
    public async Task A_postgresql_deployment_is_sent_to_postgresql_tools()
    {
        using var temp = new TempDirectory();
        var config = temp.Combine("custos.json");
        await File.WriteAllTextAsync(config, """{ "Store": "postgres://custos:secret@127.0.0.1:1/custos" }""", Cancel);

        var result = await CustosProcess.RunAsync(["backup", "--to", temp.Combine("backup"), "--config", config, "--data", temp.Combine("data")]);

        result.ExitCode.ShouldBe(1);
        result.StandardError.ShouldContain("Store is a PostgreSQL database");
        result.StandardError.ShouldContain("pg_dump");
        result.StandardError.ShouldNotContain("secret");
        Directory.Exists(temp.Combine("backup")).ShouldBeFalse();
    }

    /// <summary>A node that served one read, backed up and stopped.</summary>
    private static async Task BackUpAfterOneReadAsync(string data, string backup)
    {
        using var app = new CustosApp(dataDirectory: data);
        await DecideAsync(app);
        (await CustosProcess.RunAsync(["backup", "--to", backup, "--data", data])).ExitCode.ShouldBe(0);
    }

    private static async Task<JsonElement> DecideAsync(CustosApp app)
    {
        using var client = app.ClientAs("staff:jules", "US");
        using var response = await client.PostAsJsonAsync(new Uri("/v1/decisions", UriKind.Relative), Read, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
    }

    private static async Task<string> ReportAsync(CustosApp app)
    {
        using var user = app.ClientAs("user:40002");
        return (await user.GetFromJsonAsync<JsonElement>(new Uri("/v1/subjects/user:40002/access-report", UriKind.Relative), Cancel)).GetProperty("reads").GetRawText();
    }
}
