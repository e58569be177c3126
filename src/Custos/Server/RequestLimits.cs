using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Custos.Server;

/// <summary>
/// How much a caller may send, the <c>Limits</c> section of configuration
/// (<c>CUSTOS_Limits__MaxJsonBodyBytes</c> …). The fields inside a body have their own limits,
/// which are the domain's (<see cref="Access.Domain.InputRules"/>).
/// </summary>
public sealed class RequestLimitOptions
{
    public const string Section = "Limits";

    /// <summary>
    /// The largest body of the API's JSON endpoints. The largest legitimate one, an access request
    /// with 4 KiB of justification and a few dozen subjects, is under 16 KiB.
    /// </summary>
    public int MaxJsonBodyBytes { get; set; } = 64 * 1024;

    /// <summary>The largest SCIM body: a resource or a PATCH of many operations (a group's members).</summary>
    public int MaxScimBodyBytes { get; set; } = 1024 * 1024;
}

/// <summary>
/// Refuses a body over its limit with 413 before any endpoint reads it, so that an oversize
/// request costs the server no more than the limit and never reaches the ledger. SCIM bodies
/// are bounded where SCIM reads them, because SCIM answers in its own error format.
/// </summary>
internal static class RequestLimits
{
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments(Scim.ScimEndpoints.Prefix, StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        var limit = context.RequestServices.GetRequiredService<IOptions<RequestLimitOptions>>().Value.MaxJsonBodyBytes;
        if (context.Request.ContentLength is { } length)
        {
            if (length > limit)
            {
                await TooLargeAsync(context, limit);
                return;
            }
        }
        else if (await BufferAsync(context, limit) is false)
        {
            await TooLargeAsync(context, limit);
            return;
        }
        await next(context);
    });

    /// <summary>
    /// A body without a length (chunked) is read here up to the limit and handed on from
    /// memory; false when it is longer.
    /// </summary>
    private static async Task<bool> BufferAsync(HttpContext context, int limit)
    {
        var buffer = new MemoryStream();
        context.Response.RegisterForDispose(buffer);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                return false;
            }
        }
        buffer.Position = 0;
        context.Request.Body = buffer;
        return true;
    }

    private static async Task TooLargeAsync(HttpContext context, int limit)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = Problems.Details(StatusCodes.Status413PayloadTooLarge, $"the body is over {limit} bytes (Limits:MaxJsonBodyBytes)", "body"),
        });
    }
}
