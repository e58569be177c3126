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
public sealed class IncidentApp : IDisposable
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

    /// <summary>POSTs a read request as <paramref name="reader"/> and returns the status and body.</summary>
    public async Task<(int Status, JsonElement Body)> PostAsync(string path, string reader, string? location, object body)
    {
        using var client = App.ClientAs(reader, location);
        using var response = await client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken));
    }

    public async Task<long> LedgerSizeAsync() =>
        await App.Services.GetRequiredService<Custos.Access.IAccessLedger>().SizeAsync(TestContext.Current.CancellationToken);
}
