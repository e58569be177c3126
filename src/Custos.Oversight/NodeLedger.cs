using Custos.Access;
using Custos.Ledger.Log;

namespace Custos.Oversight;

/// <summary>
/// The ledger this node appends to, as oversight follows it: opened on first use, so that a
/// node whose disk is not ready becomes ready later without a restart.
/// </summary>
public interface INodeLedger : IAccessLedger
{
    /// <summary>The open log; throws <see cref="Ledger.Storage.LedgerStoreException"/> with a reason fit for an operator when it cannot be opened.</summary>
    Task<MerkleLog> GetLogAsync(CancellationToken cancellation = default);
}
