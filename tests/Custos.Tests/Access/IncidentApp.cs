using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using System.Text.Json;
using Custos.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Tests.Access;

/// <summary>
/// The demo world at the moment of the incident (2026-06-03 14:05 UTC), shared by a test class:
/// the cases of the world are open or closed as the story says, whatever day the tests run.
/// </summary>
public sealed class IncidentApp : IIncident, IDisposable
{
    public static readonly DateTimeOffset IncidentTime = new(2026, 6, 3, 14, 5, 0, TimeSpan.Zero);

    public IncidentApp()
    {
        Clock = new FakeTimeProvider(IncidentTime);
        App = new CustosApp(time: Clock);
    }

    public FakeTimeProvider Clock { get; }

    public CustosApp App { get; }

    public void Dispose() => App.Dispose();

    public async Task<long> LedgerSizeAsync() =>
        await App.Services.GetRequiredService<Custos.Access.IAccessLedger>().SizeAsync(TestContext.Current.CancellationToken);

    /// <summary>The same helpers over an app a test built itself (its own data directory, say).</summary>
    public sealed class Wrapper(CustosApp app, FakeTimeProvider clock) : IIncident
    {
        public CustosApp App { get; } = app;

        public FakeTimeProvider Clock { get; } = clock;

        public Task<(int Status, JsonElement Body)> PostAsync(string path, string reader, string? location, object body) => Post(App, path, reader, location, body);
    }

    public Task<(int Status, JsonElement Body)> PostAsync(string path, string reader, string? location, object body) => Post(App, path, reader, location, body);

    private static async Task<(int Status, JsonElement Body)> Post(CustosApp app, string path, string reader, string? location, object body)
    {
        using var client = app.ClientAs(reader, location);
        using var response = await client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken));
    }
}

/// <summary>A running demo world and its clock, for tests that act on it.</summary>
public interface IIncident
{
    CustosApp App { get; }

    FakeTimeProvider Clock { get; }

    Task<(int Status, JsonElement Body)> PostAsync(string path, string reader, string? location, object body);
}
