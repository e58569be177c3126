using System.Text;
using Custos.Ledger.Witnessing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Custos.Server;

/// <summary>
/// <c>custos witness serve</c>: a C2SP tlog-witness over HTTP, <c>POST /add-checkpoint</c> and
/// nothing else but <c>/healthz</c>. Anyone may submit (the spec authenticates the checkpoint's
/// signature, not the caller), so it shares nothing with the Custos server's host: no tokens, no
/// stores, no configuration, only the witness's key and the heads it keeps.
/// </summary>
public static class WitnessHost
{
    /// <summary>63 proof lines and a checkpoint with a few signatures take a few KB; more is not a submission.</summary>
    public const long MaxRequestBytes = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static WebApplication Build(Witness witness, string urls)
    {
        ArgumentNullException.ThrowIfNull(witness);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBytes;
        });
        builder.WebHost.UseUrls(urls);
        builder.Logging.AddSimpleConsole(console =>
        {
            console.UseUtcTimestamp = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Services.AddRoutingCore();

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Custos.Witness");
        app.UseRouting();
        app.MapGet("/healthz", http => Write(http, WitnessResponse.Text(200, "up\n")));
        app.MapPost("/add-checkpoint", async http =>
        {
            string body;
            try
            {
                using var reader = new StreamReader(http.Request.Body, StrictUtf8);
                body = await reader.ReadToEndAsync(http.RequestAborted);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await Write(http, WitnessResponse.Text(413, $"a submission is at most {MaxRequestBytes} bytes.\n"));
                return;
            }
            catch (DecoderFallbackException)
            {
                await Write(http, WitnessResponse.Text(400, "not an add-checkpoint request: the body is not UTF-8.\n"));
                return;
            }
            var response = await witness.AddCheckpointAsync(body, http.RequestAborted);
            // A refused checkpoint that carries the log's signature may be evidence of a split
            // view (tlog-witness: the witness may log it): keep it in the log, note and all.
            if (response.Status is 409 or 422 && response.ContentType != Witness.SizeContentType)
            {
                logger.LogWarning("Refused a signed checkpoint ({Status}): {Reason} Request: {Request}", response.Status, response.Body.Trim(), body);
            }
            else if (response.Status == 200)
            {
                logger.LogInformation("Cosigned: {Checkpoint}", FirstLines(AddCheckpoint.Parse(body).Note));
            }
            await Write(http, response);
        });
        return app;
    }

    private static string FirstLines(string note) => string.Join(' ', note.Split('\n').Take(2));

    private static Task Write(HttpContext http, WitnessResponse response)
    {
        http.Response.StatusCode = response.Status;
        http.Response.ContentType = response.ContentType;
        return http.Response.WriteAsync(response.Body, http.RequestAborted);
    }
}
