using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Custos.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Custos.Tests.Operations;

/// <summary>Issue 18: a node reports ready only once its store is shown to project its own ledger, and no further than its end.</summary>
public sealed class StoreLedgerAgreementTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_store_ahead_of_its_ledger_is_refused_with_the_reason()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        var olderLedger = temp.Combine("older");
        using (var first = new CustosApp(dataDirectory: data))
        {
            (await ReadinessAsync(first)).Status.ShouldBe(HttpStatusCode.OK);
        }
        DataFiles.Copy(data, olderLedger, "ledger.db");
        using (var second = new CustosApp(dataDirectory: data))
        {
            await DecideAsync(second);
            await DecideAsync(second);
        }
        // The ledger of before the reads, beside the store that projected them.
        DataFiles.Copy(olderLedger, data, "ledger.db");

        using var third = new CustosApp(dataDirectory: data);
        var (status, detail) = await ReadinessAsync(third, until: body => body.Contains("ahead of its ledger", StringComparison.Ordinal));

        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        detail.ShouldContain("store: the store");
        detail.ShouldContain("ahead of its ledger");
        detail.ShouldContain("custos restore");
    }

    [Fact]
    public async Task A_store_built_from_another_ledger_is_refused_with_the_reason()
    {
        using var temp = new TempDirectory();
        var ours = temp.Combine("ours");
        var theirs = temp.Combine("theirs");
        using (var app = new CustosApp(dataDirectory: ours))
        {
            await DecideAsync(app);
            await DecideAsync(app);
        }
        using (var app = new CustosApp(dataDirectory: theirs))
        {
            await DecideAsync(app);
        }
        DataFiles.Copy(theirs, ours, "custos.db");

        using var node = new CustosApp(dataDirectory: ours);
        var (status, detail) = await ReadinessAsync(node, until: body => body.Contains("another ledger", StringComparison.Ordinal));

        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        detail.ShouldContain("belongs to another ledger");
    }

    [Fact]
    public async Task A_store_behind_its_ledger_catches_up_and_is_ready()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        var olderStore = temp.Combine("older");
        using (var first = new CustosApp(dataDirectory: data))
        {
            (await ReadinessAsync(first)).Status.ShouldBe(HttpStatusCode.OK);
        }
        DataFiles.Copy(data, olderStore, "custos.db");
        using (var second = new CustosApp(dataDirectory: data))
        {
            await DecideAsync(second);
        }
        DataFiles.Copy(olderStore, data, "custos.db");

        using var third = new CustosApp(dataDirectory: data);
        (await ReadinessAsync(third)).Status.ShouldBe(HttpStatusCode.OK);
        using var user = third.ClientAs("user:40002");
        var report = await user.GetFromJsonAsync<JsonElement>(new Uri("/v1/subjects/user:40002/access-report", UriKind.Relative), Cancel);
        report.GetProperty("reads").GetArrayLength().ShouldBe(1);
    }

    internal static async Task DecideAsync(CustosApp app)
    {
        using var client = app.ClientAs("staff:jules", "US");
        using var response = await client.PostAsJsonAsync(
            new Uri("/v1/decisions", UriKind.Relative),
            new { subject = "user:40002", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" },
            Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary><c>/readyz</c> once it is ready, or once its body satisfies <paramref name="until"/>, or after 20 s.</summary>
    internal static async Task<(HttpStatusCode Status, string Detail)> ReadinessAsync(CustosApp app, Func<string, bool>? until = null)
    {
        using var client = app.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative), Cancel);
            var body = await response.Content.ReadAsStringAsync(Cancel);
            if (response.StatusCode == HttpStatusCode.OK || until?.Invoke(body) == true || DateTime.UtcNow > deadline)
            {
                var json = JsonDocument.Parse(body).RootElement;
                return (response.StatusCode, json.TryGetProperty("detail", out var detail) ? detail.GetString()! : body);
            }
            await Task.Delay(100, Cancel);
        }
    }
}

/// <summary>Copies a closed node's SQLite database with its WAL companions, as an operator would.</summary>
internal static class DataFiles
{
    public static void Copy(string fromDirectory, string toDirectory, string database)
    {
        SqliteConnection.ClearAllPools();
        Directory.CreateDirectory(toDirectory);
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            var from = Path.Combine(fromDirectory, database + suffix);
            var to = Path.Combine(toDirectory, database + suffix);
            if (File.Exists(from))
            {
                File.Copy(from, to, overwrite: true);
            }
            else
            {
                File.Delete(to);
            }
        }
    }
}
