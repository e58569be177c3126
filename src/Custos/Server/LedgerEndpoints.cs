using Custos.Ledger.Log;
using Custos.Ledger.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Custos.Server;

/// <summary>
/// The ledger's read API, all an outside auditor needs beside the verifier key: the signed
/// checkpoint, entries by index, and inclusion and consistency proofs for any sizes the log
/// holds. <c>custos ledger verify --server</c> is its client.
/// </summary>
internal static class LedgerEndpoints
{
    public static IEndpointRouteBuilder MapLedgerEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/ledger").WithTags("Ledger");

        group.MapGet("/checkpoint", CheckpointAsync)
            .WithName("LedgerCheckpoint")
            .WithSummary("The signed checkpoint (C2SP tlog-checkpoint in a signed note) of the latest durable tree head.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/entries/{index}", EntryAsync)
            .WithName("LedgerEntry")
            .WithSummary("The exact canonical JSON bytes of one entry, as hashed into the tree.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/proofs/inclusion", InclusionAsync)
            .WithName("LedgerInclusionProof")
            .WithSummary("RFC 9162 inclusion proof of entry `index` in the tree of `size` entries (default: the latest).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/proofs/consistency", ConsistencyAsync)
            .WithName("LedgerConsistencyProof")
            .WithSummary("RFC 9162 consistency proof from the tree of `from` entries to the tree of `to` entries (default: the latest).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return endpoints;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> CheckpointAsync(ServerLedger ledger, CancellationToken cancellation)
    {
        try
        {
            var checkpoint = await ledger.CheckpointAsync(cancellation);
            return TypedResults.Text(checkpoint.Note, "text/plain; charset=utf-8");
        }
        catch (LedgerStoreException e)
        {
            return Unavailable(e);
        }
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> EntryAsync(long index, ServerLedger ledger, CancellationToken cancellation)
    {
        if (index < 0)
        {
            return BadRequest($"index must be 0 or more; got {index}.");
        }
        try
        {
            var log = await ledger.GetLogAsync(cancellation);
            return TypedResults.File(await log.ReadEntryAsync(index, cancellation), "application/json");
        }
        catch (LedgerRangeException e)
        {
            return NotFound(e.Message);
        }
        catch (LedgerStoreException e)
        {
            return Unavailable(e);
        }
    }

    private static async Task<Results<Ok<InclusionProofResponse>, ProblemHttpResult>> InclusionAsync(long index, long? size, ServerLedger ledger, CancellationToken cancellation)
    {
        try
        {
            var log = await ledger.GetLogAsync(cancellation);
            var treeSize = size ?? log.Size;
            if (index < 0 || treeSize < 1 || index >= treeSize)
            {
                return BadRequest($"an inclusion proof needs 0 ≤ index < size; got index {index} and size {treeSize}.");
            }
            var proof = await log.ProveInclusionAsync(index, treeSize, cancellation);
            return TypedResults.Ok(new InclusionProofResponse(proof.LeafIndex, proof.TreeSize, [.. proof.Hashes.Select(Convert.ToBase64String)]));
        }
        catch (LedgerRangeException e)
        {
            return NotFound(e.Message);
        }
        catch (LedgerStoreException e)
        {
            return Unavailable(e);
        }
    }

    private static async Task<Results<Ok<ConsistencyProofResponse>, ProblemHttpResult>> ConsistencyAsync(long from, long? to, ServerLedger ledger, CancellationToken cancellation)
    {
        try
        {
            var log = await ledger.GetLogAsync(cancellation);
            var size2 = to ?? log.Size;
            if (from < 1 || from > size2)
            {
                return BadRequest($"a consistency proof needs 1 ≤ from ≤ to; got from {from} and to {size2}.");
            }
            var proof = await log.ProveConsistencyAsync(from, size2, cancellation);
            return TypedResults.Ok(new ConsistencyProofResponse(proof.Size1, proof.Size2, [.. proof.Hashes.Select(Convert.ToBase64String)]));
        }
        catch (LedgerRangeException e)
        {
            return NotFound(e.Message);
        }
        catch (LedgerStoreException e)
        {
            return Unavailable(e);
        }
    }

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    private static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not in the ledger", detail: detail);

    private static ProblemHttpResult Unavailable(LedgerStoreException e) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Ledger unavailable", detail: e.Message);

    internal sealed record InclusionProofResponse(long LeafIndex, long TreeSize, IReadOnlyList<string> Proof);

    internal sealed record ConsistencyProofResponse(long Size1, long Size2, IReadOnlyList<string> Proof);
}
