using System.Net.Http.Headers;
using Custos.Server;
using Custos.Server.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Custos.Tests.Support;

/// <summary>
/// The Custos server, composed exactly as <c>custos serve</c> composes it, running in memory
/// against its own temporary data directory; by default with the demo world and policies.
/// </summary>
public sealed class CustosApp : WebApplicationFactory<Program>
{
    private readonly TempDirectory _temp = new();
    private readonly Action<IEndpointRouteBuilder>? _extraEndpoints;
    private readonly TimeProvider? _time;
    private readonly Action<IServiceCollection>? _services;
    private readonly string? _world;
    private readonly string? _policies;
    private readonly IReadOnlyDictionary<string, string?>? _settings;

    /// <param name="extraEndpoints">Endpoints mapped after the server's own.</param>
    /// <param name="dataDirectory">The data directory (default: a fresh temporary one).</param>
    /// <param name="world">A world file to load instead of the demo's.</param>
    /// <param name="policies">A policy directory to load instead of the demo's.</param>
    /// <param name="time">The server's clock (tokens are still checked against the real one).</param>
    /// <param name="services">Replaces services after the server registered its own (fault injection).</param>
    /// <param name="policyFiles">Policy files (name → Cedar text) to load instead of the demo's.</param>
    /// <param name="settings">Configuration on top of every other layer, as from the command line.</param>
    public CustosApp(
        Action<IEndpointRouteBuilder>? extraEndpoints = null,
        string? dataDirectory = null,
        string? world = null,
        string? policies = null,
        TimeProvider? time = null,
        Action<IServiceCollection>? services = null,
        IReadOnlyDictionary<string, string>? policyFiles = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        _settings = settings;
        _extraEndpoints = extraEndpoints;
        DataDirectory = dataDirectory ?? _temp.Combine("data");
        _world = world;
        _policies = policies;
        if (policyFiles is not null)
        {
            _policies = _temp.Combine("policies");
            Directory.CreateDirectory(_policies);
            foreach (var (name, text) in policyFiles)
            {
                File.WriteAllText(Path.Combine(_policies, name), text);
            }
        }
        _time = time;
        _services = services;
    }

    public string DataDirectory { get; }

    /// <summary>A scratch directory that lives as long as the app.</summary>
    public TempDirectory Scratch => _temp;

    /// <summary>A bearer token for <paramref name="identity"/>, signed with this server's own key.</summary>
    public string Token(string identity, string? location = null, TimeSpan? lifetime = null) =>
        LocalTokens.Mint(LocalSigningKey.LoadOrCreate(DataDirectory), identity, location, lifetime ?? TimeSpan.FromMinutes(10));

    /// <summary>A client that calls as <paramref name="identity"/>, located at <paramref name="location"/>.</summary>
    public HttpClient ClientAs(string identity, string? location = null)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(identity, location));
        return client;
    }

    protected override IHostBuilder CreateHostBuilder() =>
        CustosServer.CreateHostBuilder(new ServeArguments(DataDirectory: DataDirectory, World: _world, Policies: _policies), _extraEndpoints);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // The factory defaults to Development; tests see what production does.
        builder.UseEnvironment("Production");
        if (_settings is not null)
        {
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        }
        builder.ConfigureServices(services =>
        {
            if (_time is not null)
            {
                services.AddSingleton(_time);
            }
            _services?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _temp.Dispose();
        }
    }
}
