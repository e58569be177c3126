using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Access;
using Custos.Cli;
using Custos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Detection;

/// <summary>What the live detection tests do to a server: the incident's reads, and oversight's view of the alerts.</summary>
internal static class Oversight
{
    public static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The incident's reads by the four auditors (the demo's, without the legitimate read that closes it).</summary>
    public static IReadOnlyList<DemoCommand.StoryRead> AuditorReads { get; } = [.. DemoCommand.Incident.Where(r => r.Purpose == "internal-audit")];

    /// <summary>Makes one read's decision through the API and returns its ledger index.</summary>
    public static async Task<long> DecideAsync(CustosApp app, DemoCommand.StoryRead read)
    {
        using var client = app.ClientAs(read.Reader, read.Location);
        using var response = await client.PostAsJsonAsync(new Uri("/v1/decisions", UriKind.Relative),
            new { subject = read.Subject, categories = read.Categories, purpose = read.Purpose, @case = read.Case }, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Cancel));
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("ledger_index").GetInt64();
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(CustosApp app, string identity, string path)
    {
        using var client = app.ClientAs(identity, "US");
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Cancel);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Cancel));
    }

    /// <summary>The alerts <paramref name="identity"/> sees (first page).</summary>
    public static async Task<List<JsonElement>> AlertsAsync(CustosApp app, string identity, string query = "")
    {
        var (status, body) = await GetAsync(app, identity, "/v1/alerts" + query);
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        return [.. body.GetProperty("alerts").EnumerateArray()];
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> TriageAsync(CustosApp app, string identity, string alert, object body)
    {
        using var client = app.ClientAs(identity, "US");
        using var response = await client.PostAsJsonAsync(new Uri($"/v1/alerts/{alert}/triage", UriKind.Relative), body, Cancel);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Cancel));
    }

    public static IEnumerable<long> Evidence(JsonElement alert) => alert.GetProperty("evidence").EnumerateArray().Select(e => e.GetInt64());

    public static IEnumerable<string> Strings(JsonElement alert, string property) => alert.GetProperty(property).EnumerateArray().Select(e => e.GetString()!);

    /// <summary>Polls until <paramref name="condition"/> holds; returns how long it took.</summary>
    public static async Task<TimeSpan> EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(15)))
            {
                throw new ShouldAssertException($"{what}: not within {clock.Elapsed.TotalSeconds:F1} s");
            }
            await Task.Delay(10, Cancel);
        }
        return clock.Elapsed;
    }

    /// <summary>Every entry of the server's ledger, parsed.</summary>
    public static async Task<List<JsonNode>> LedgerAsync(CustosApp app)
    {
        var ledger = app.Services.GetRequiredService<IAccessLedger>();
        var entries = new List<JsonNode>();
        var size = await ledger.SizeAsync(Cancel);
        for (long i = 0; i < size; i++)
        {
            entries.Add(JsonNode.Parse(await ledger.ReadEntryAsync(i, Cancel))!);
        }
        return entries;
    }

    /// <summary>How many times each alert was raised in the ledger.</summary>
    public static async Task<Dictionary<string, int>> RaisesAsync(CustosApp app) =>
        (await LedgerAsync(app))
            .Where(e => (string?)e["type"] == "alert" && (string?)e["change"] == "raised")
            .GroupBy(e => (string)e["alert"]!)
            .ToDictionary(g => g.Key, g => g.Count());

    /// <summary>A copy of the demo world, changed.</summary>
    public static string WorldWith(TempDirectory temp, Action<JsonObject> change)
    {
        var world = JsonNode.Parse(File.ReadAllText(RepositoryPaths.IncidentWorld))!.AsObject();
        change(world);
        var path = temp.Combine($"world-{Guid.NewGuid():n}.json");
        File.WriteAllText(path, world.ToJsonString());
        return path;
    }
}
