using Custos.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Custos.Tests.Support;

/// <summary>
/// The Custos server, composed exactly as <c>custos serve</c> composes it, running in memory
/// against its own temporary data directory.
/// </summary>
public sealed class CustosApp : WebApplicationFactory<Program>
{
    private readonly TempDirectory _temp = new();
    private readonly Action<IEndpointRouteBuilder>? _extraEndpoints;

    public CustosApp(Action<IEndpointRouteBuilder>? extraEndpoints = null, string? dataDirectory = null)
    {
        _extraEndpoints = extraEndpoints;
        DataDirectory = dataDirectory ?? _temp.Combine("data");
    }

    public string DataDirectory { get; }

    protected override IHostBuilder CreateHostBuilder() =>
        CustosServer.CreateHostBuilder(new ServeArguments(DataDirectory: DataDirectory), _extraEndpoints);

    // The factory defaults to Development; tests see what production does.
    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseEnvironment("Production");

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _temp.Dispose();
        }
    }
}
