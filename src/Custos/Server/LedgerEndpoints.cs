using Custos.Access.Decisions;
using Custos.Server.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Custos.Server;

/// <summary>
/// The ledger's read API. Its integrity is public: the signed checkpoint, leaf hashes, and
/// inclusion and consistency proofs for any sizes the log holds, enough for anyone holding the
/// verifier key to rebuild the tree and check it. Its contents are not: an entry's body goes
/// only to a caller <see cref="Custos.Access.Disclosure.LedgerEntryAccess"/> lets see it
/// (invariant 10). <c>custos ledger verify --server</c> is its client.
/// </summary>
internal static class LedgerEndpoints
{
    /// <summary>Most leaf hashes one request returns (about 45 KB of JSON).</summary>
    public const int MaxLeafHashes = 1024;

    public static IEndpointRouteBuilder MapLedgerEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/ledger").WithTags("Ledger");

        group.MapGet("/checkpoint", CheckpointAsync)
            .WithName("LedgerCheckpoint")
            .WithSummary("The signed checkpoint (C2SP tlog-checkpoint in a signed note) of the latest durable tree head.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/entries/{index}", EntryAsync)
            .RequireAuthorization(Powers.Authenticated)
            .WithName("LedgerEntry")
            .WithSummary("The exact canonical JSON bytes of one entry, as hashed into the tree, for a caller allowed to see it: an auditor any entry, oversight the alert entries of alerts it stands outside of, a data subject the decisions about them that are disclosed to them.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/leaves/{index}", LeafAsync)
            .WithName("LedgerLeafHash")
            .WithSummary("The RFC 9162 leaf hash of one entry, SHA-256(0x00 || entry): public, like every hash of the tree.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/leaves", LeavesAsync)
            .WithName("LedgerLeafHashes")
            .WithSummary("The leaf hashes of entries start (inclusive) to end (exclusive; default start + 1024, or the tree size), at most 1024 at a time: enough to rebuild the tree and check a checkpoint without reading an entry.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/proofs/inclusion", InclusionAsync)
            .WithName("LedgerInclusionProof")
            .WithSummary("RFC 9162 inclusion proof of entry `index` in the tree of `size` entries (default: the latest).")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);

        group.MapGet("/proofs/consistency", ConsistencyAsync)
            .WithName("LedgerConsistencyProof")
            .WithSummary("RFC 9162 consistency proof from the tree of `from` entries to the tree of `to` entries (default: the latest).")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);

        return endpoints;
    }

    private static async Task<ContentHttpResult> CheckpointAsync(ServerLedger ledger, LedgerWitnessing witnessing, CancellationToken cancellation) =>
        TypedResults.Text(await witnessing.PublishedAsync(ledger, cancellation), "text/plain; charset=utf-8");

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> EntryAsync(
        long index, Caller caller, ServerLedger ledger, AccessStateHolder state, LedgerBodies bodies, CancellationToken cancellation)
    {
        if (index < 0)
        {
            return BadRequest($"index must be 0 or more; got {index}.");
        }
        if (!state.IsLoaded)
        {
            return Problems.NotReady("no world is loaded yet");
        }
        var log = await ledger.GetLogAsync(cancellation);
        var entry = await log.ReadEntryAsync(index, cancellation);
        if (bodies.Viewer(caller) is not { } viewer || !await bodies.MaySeeAsync(viewer, index, entry, cancellation))
        {
            return Problems.Result(StatusCodes.Status403Forbidden,
                $"entry {index} is not one this caller may read; its leaf hash (/v1/ledger/leaves/{index}) and proofs are public");
        }
        return TypedResults.File(entry, "application/json");
    }

    private static async Task<Results<Ok<LeafHashResponse>, ProblemHttpResult>> LeafAsync(long index, ServerLedger ledger, CancellationToken cancellation)
    {
        if (index < 0)
        {
            return BadRequest($"index must be 0 or more; got {index}.");
        }
        var log = await ledger.GetLogAsync(cancellation);
        var hashes = await log.ReadLeafHashesAsync(index, index + 1, cancellation);
        return TypedResults.Ok(new LeafHashResponse(index, Convert.ToBase64String(hashes[0])));
    }

    private static async Task<Results<Ok<LeafHashesResponse>, ProblemHttpResult>> LeavesAsync(long start, long? end, ServerLedger ledger, CancellationToken cancellation)
    {
        var log = await ledger.GetLogAsync(cancellation);
        // A start past the end is answered as absent (404), not as a reversed range.
        var last = end ?? Math.Max(start, Math.Min(log.Size, start + MaxLeafHashes));
        if (start < 0 || last < start)
        {
            return BadRequest($"leaf hashes need 0 ≤ start ≤ end; got start {start} and end {last}.");
        }
        if (last - start > MaxLeafHashes)
        {
            return BadRequest($"at most {MaxLeafHashes} leaf hashes at a time; got start {start} and end {last}.");
        }
        var hashes = await log.ReadLeafHashesAsync(start, last, cancellation);
        return TypedResults.Ok(new LeafHashesResponse(start, last, [.. hashes.Select(Convert.ToBase64String)]));
    }

    private static async Task<Results<Ok<InclusionProofResponse>, ProblemHttpResult>> InclusionAsync(long index, long? size, ServerLedger ledger, CancellationToken cancellation)
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

    private static async Task<Results<Ok<ConsistencyProofResponse>, ProblemHttpResult>> ConsistencyAsync(long from, long? to, ServerLedger ledger, CancellationToken cancellation)
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

    private static ProblemHttpResult BadRequest(string detail) => Problems.Result(StatusCodes.Status400BadRequest, detail);

    internal sealed record LeafHashResponse(long Index, string LeafHash);

    internal sealed record LeafHashesResponse(long Start, long End, IReadOnlyList<string> LeafHashes);

    internal sealed record InclusionProofResponse(long LeafIndex, long TreeSize, IReadOnlyList<string> Proof);

    internal sealed record ConsistencyProofResponse(long Size1, long Size2, IReadOnlyList<string> Proof);
}
