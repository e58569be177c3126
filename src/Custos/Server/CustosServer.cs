using System.Text.Json;
using Custos.Access;
using Custos.Access.Storage;
using Custos.Oversight;
using Custos.Server.Authentication;
using Custos.Server.Scim;
using Custos.Server.Telemetry;
using Custos.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Custos.Server;

/// <summary>
/// Composes the Custos server: configuration, logging, services, the HTTP pipeline and the
/// endpoints. <c>custos serve</c> runs it; the tests run the very same composition in memory.
/// </summary>
public static class CustosServer
{
    /// <param name="arguments">The command line of <c>custos serve</c>.</param>
    /// <param name="extraEndpoints">Endpoints mapped after the server's own; tests use it to
    /// exercise the pipeline's error handling with endpoints that fail on purpose.</param>
    public static IHostBuilder CreateHostBuilder(ServeArguments arguments, Action<IEndpointRouteBuilder>? extraEndpoints = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);

        return new HostBuilder()
            .UseContentRoot(AppContext.BaseDirectory)
            // Only the environment's name is host configuration (CUSTOS_ENVIRONMENT); everything else is app configuration.
            .ConfigureHostConfiguration(host => host.AddEnvironmentVariables(CustosConfiguration.EnvironmentPrefix))
            .ConfigureAppConfiguration((_, config) => config.AddCustosSources(arguments))
            .ConfigureLogging((context, logging) =>
            {
                if (!arguments.Verbose)
                {
                    // A failed start is reported by the command line as one line on stderr; the
                    // host would also log it with a stack trace. Configuration may still lower this.
                    logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
                }
                // Defaults first, so that Logging:Console:FormatterOptions in configuration overrides them.
                logging.Services.Configure<SimpleConsoleFormatterOptions>(simple =>
                {
                    simple.IncludeScopes = true;
                    simple.UseUtcTimestamp = true;
                    simple.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                });
                logging.Services.Configure<JsonConsoleFormatterOptions>(json =>
                {
                    json.IncludeScopes = true;
                    json.UseUtcTimestamp = true;
                    json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                });
                // Logging:Console:FormatterName picks "simple" or "json"; scopes carry the request id.
                logging.AddConfiguration(context.Configuration.GetSection("Logging"));
                // Every line logged within a request carries its TraceId and SpanId, as its traces do.
                logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
                logging.AddConsole();
            })
            .UseDefaultServiceProvider((context, provider) =>
            {
                provider.ValidateScopes = true;
                provider.ValidateOnBuild = true;
            })
            .ConfigureWebHost(web => web
                .UseKestrel((context, kestrel) =>
                {
                    kestrel.AddServerHeader = false;
                    kestrel.Configure(context.Configuration.GetSection("Kestrel"), reloadOnChange: false);
                })
                .ConfigureServices((context, services) => AddServices(services, context.Configuration))
                .Configure(app => UsePipeline(app, extraEndpoints)));
    }

    private static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ServerOptions>()
            .Bind(configuration)
            .Validate(o => ServerOptions.ValidateUrls(o.Urls) is null, "Urls must list http:// or https:// addresses separated by ';'.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Data), "Data must name the directory of the server's stores.")
            .ValidateOnStart();

        // First of the hosted services: nothing opens a store or a key before the files are checked.
        services.AddHostedService<DataDirectoryGuard>();
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<RequestLimitOptions>()
            .Bind(configuration.GetSection(RequestLimitOptions.Section))
            .Validate(o => o.MaxJsonBodyBytes > 0 && o.MaxScimBodyBytes > 0, "Limits:MaxJsonBodyBytes and Limits:MaxScimBodyBytes must be positive.")
            .ValidateOnStart();
        services.AddRouting();
        services.AddCustosAuthentication(configuration);
        services.AddCustosProblemDetails();
        services.AddCustosTelemetry(configuration);
        services.Configure<JsonOptions>(json =>
        {
            // The exchange formats of Custos (formats.md) are snake_case; the API speaks the same.
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.Converters.Add(new Formats.FormatJson.Rfc3339UtcConverter());
        });
        services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Custos API";
            document.Info.Version = BuildInfo.Version;
            document.Info.Description = "Decisions, ledger and oversight for staff access to users' personal data.";
            return Task.CompletedTask;
        }));

        services.AddSingleton(provider => AccessStore.Open(
            provider.GetRequiredService<IOptions<ServerOptions>>().Value.StoreLocation,
            provider.GetRequiredService<TimeProvider>()));
        services.AddHostedService<StoreStartup>();
        services.AddOptions<LedgerOptions>()
            .Bind(configuration.GetSection(LedgerOptions.Section))
            .Validate(o => Custos.Ledger.Notes.NoteKeys.IsValidName(o.Origin), "Ledger:Origin must be a non-empty name without spaces or '+'.")
            .Validate(o => o.CheckpointInterval > TimeSpan.Zero, "Ledger:CheckpointInterval must be positive (for example 00:00:10).")
            .ValidateOnStart();
        services.AddSingleton<ServerLedger>();
        services.AddSingleton<IAccessLedger>(provider => provider.GetRequiredService<ServerLedger>());
        services.AddSingleton<INodeLedger>(provider => provider.GetRequiredService<ServerLedger>());
        services.AddHostedService<ServerLedgerStartup>();
        services.AddHostedService<LedgerCheckpointer>();
        services.AddOptions<WitnessingOptions>()
            .Bind(configuration.GetSection(WitnessingOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WitnessingOptions>, WitnessingOptions.Validation>();
        services.AddSingleton<LedgerWitnessing>();

        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store")
            .AddCheck<LedgerHealthCheck>("ledger")
            .AddCheck<WitnessingHealthCheck>("witnessing");
        services.AddCustosAccess();
        services.AddOptions<Scim.ScimOptions>()
            .Bind(configuration.GetSection(Scim.ScimOptions.Section))
            .Validate(o => o.Validate() is null, "Scim:Provisioners must list service identities (service:ID), separated by ';'.")
            .ValidateOnStart();
        services.AddCustosDetection(configuration);
        services.AddSingleton<LedgerBodies>();
        services.AddCustosConsole();
        services.AddSingleton<IViewerResolver, ConsoleEndpoints.Viewers>();
    }

    private static void UsePipeline(IApplicationBuilder app, Action<IEndpointRouteBuilder>? extraEndpoints)
    {
        // Order matters: the exception handler must wrap everything, and status code pages turn
        // every bodiless error (unknown route, wrong method) into problem+json.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestLimits();
        app.UseCustosConsole();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseCustosConsoleForms();
        app.UseEndpoints(endpoints =>
        {
            endpoints.MapHealthEndpoints();
            endpoints.MapMetricsEndpoint();
            endpoints.MapDecisionEndpoints();
            endpoints.MapSubjectEndpoints();
            endpoints.MapPolicyEndpoints();
            endpoints.MapWorkflowEndpoints();
            endpoints.MapScimEndpoints();
            endpoints.MapLedgerEndpoints();
            endpoints.MapTlogEndpoints();
            endpoints.MapAlertEndpoints();
            endpoints.MapConsoleEndpoints();
            endpoints.MapOpenApi();
            endpoints.MapScalarApiReference("/docs", scalar => scalar.WithTitle("Custos API"));
            extraEndpoints?.Invoke(endpoints);
        });
    }
}
