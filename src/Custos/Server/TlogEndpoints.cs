using System.Globalization;
using Custos.Ledger.Log;
using Custos.Ledger.Tiles;
using Custos.Server.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Custos.Server;

/// <summary>
/// The ledger as a C2SP tlog-tiles log under <c>/tlog/</c>: the checkpoint, hash tiles (public
/// and immutable, so caches and CDNs can hold them) and entry bundles (entry bodies: auditors
/// only, invariant 10). Clients compute every proof from the tiles; the server computes none.
/// A tile the log does not hold is 404 and an unavailable store 503, through the one exception
/// handler (<see cref="ExceptionProblems"/>).
/// </summary>
internal static class TlogEndpoints
{
    /// <summary>A year: a full tile never changes.</summary>
    private const string Immutable = "max-age=31536000, immutable";

    /// <summary>A partial tile never changes either, but is soon superseded by a wider one: not worth a cache's room for long.</summary>
    private const string ShortLived = "max-age=60";

    public static IEndpointRouteBuilder MapTlogEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/tlog").WithTags("Tiles");

        group.MapGet("/checkpoint", CheckpointAsync)
            .WithName("TlogCheckpoint")
            .WithSummary("The signed checkpoint of the latest durable tree head, as C2SP tlog-tiles serves it; cacheable for a few seconds at most.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/tile/{level}/{**index}", HashTileAsync)
            .WithName("TlogHashTile")
            .WithSummary("A C2SP tlog-tiles hash tile: tile/L/N[.p/W], N in x-prefixed groups of three digits. Public; full tiles are immutable.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/tile/entries/{**index}", EntryBundleAsync)
            .RequireAuthorization(Powers.Audit)
            .WithName("TlogEntryBundle")
            .WithSummary("A C2SP tlog-tiles entry bundle: the exact bytes of 256 entries (fewer for .p/W), each after its big-endian 16-bit length. Entry bodies, so for auditors only.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);

        return endpoints;
    }

    private static async Task<ContentHttpResult> CheckpointAsync(HttpContext http, ServerLedger ledger, LedgerWitnessing witnessing, CancellationToken cancellation)
    {
        var note = await witnessing.PublishedAsync(ledger, cancellation);
        http.Response.Headers.CacheControl = "max-age=5";
        return TypedResults.Text(note, "text/plain; charset=utf-8");
    }

    private static Task<Results<FileContentHttpResult, ProblemHttpResult>> HashTileAsync(string level, string index, HttpContext http, ServerLedger ledger, CancellationToken cancellation)
    {
        if (level.Length is 0 or > 2 || (level.Length > 1 && level[0] == '0') || !level.All(char.IsAsciiDigit)
            || int.Parse(level, CultureInfo.InvariantCulture) is var l && l > Tile.MaxLevel)
        {
            return Task.FromResult<Results<FileContentHttpResult, ProblemHttpResult>>(
                BadRequest($"'{level}' is not a tile level: a decimal number from 0 to {Tile.MaxLevel} without leading zeros."));
        }
        return ServeAsync(http, ledger, l, index, "public", (log, tile) => log.ReadHashTileAsync(tile, cancellation), cancellation);
    }

    private static Task<Results<FileContentHttpResult, ProblemHttpResult>> EntryBundleAsync(string index, HttpContext http, ServerLedger ledger, CancellationToken cancellation) =>
        // Bodies: a shared cache must never keep them for the next caller.
        ServeAsync(http, ledger, 0, index, "private", (log, tile) => log.ReadEntryBundleAsync(tile, cancellation), cancellation);

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ServeAsync(
        HttpContext http, ServerLedger ledger, int level, string index, string audience, Func<MerkleLog, Tile, Task<byte[]>> read, CancellationToken cancellation)
    {
        if (!TilePath.TryParse(index, out var n, out var width))
        {
            return BadRequest($"'{index}' is not a tile index: N in zero-padded groups of three digits, all but the last prefixed with x (1234067 is x001/x234/067), then .p/W for a partial tile of width W from 1 to 255.");
        }
        var log = await ledger.GetLogAsync(cancellation);
        var tile = new Tile(level, n, width);
        var bytes = await read(log, tile);
        http.Response.Headers.CacheControl = $"{audience}, {(tile.IsFull ? Immutable : ShortLived)}";
        return TypedResults.File(bytes, "application/octet-stream");
    }

    private static ProblemHttpResult BadRequest(string detail) => Problems.Result(StatusCodes.Status400BadRequest, detail);
}
