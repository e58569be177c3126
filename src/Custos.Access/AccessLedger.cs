using Custos.Ledger.Log;

namespace Custos.Access;

/// <summary>
/// The ledger as Custos.Access uses it: append a fact and learn its index once it is durable
/// (invariant 1), and read the log back in order for the projections.
/// </summary>
public interface IAccessLedger
{
    /// <summary>Canonicalises the JSON entry, appends it and returns its index once durable; throws if it cannot be made so.</summary>
    Task<long> AppendAsync(ReadOnlyMemory<byte> entry, CancellationToken cancellation = default);

    /// <summary>How many entries are durable.</summary>
    Task<long> SizeAsync(CancellationToken cancellation = default);

    /// <summary>How many entries are durable, read from the ledger's store rather than remembered (other nodes may have appended since).</summary>
    Task<long> DurableSizeAsync(CancellationToken cancellation = default) => SizeAsync(cancellation);

    /// <summary>The exact bytes of entry <paramref name="index"/>.</summary>
    Task<byte[]> ReadEntryAsync(long index, CancellationToken cancellation = default);
}

/// <summary>An open <see cref="MerkleLog"/> as an <see cref="IAccessLedger"/>.</summary>
public sealed class MerkleLogLedger(MerkleLog log) : IAccessLedger
{
    public Task<long> AppendAsync(ReadOnlyMemory<byte> entry, CancellationToken cancellation = default) => log.AppendAsync(entry, cancellation);

    public Task<long> SizeAsync(CancellationToken cancellation = default) => Task.FromResult(log.Size);

    public async Task<long> DurableSizeAsync(CancellationToken cancellation = default)
    {
        await log.RefreshAsync(cancellation);
        return log.Size;
    }

    public Task<byte[]> ReadEntryAsync(long index, CancellationToken cancellation = default) => log.ReadEntryAsync(index, cancellation);
}
