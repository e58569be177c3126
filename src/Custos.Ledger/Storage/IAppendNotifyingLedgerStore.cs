namespace Custos.Ledger.Storage;

/// <summary>
/// A store several nodes append to that tells a reader, within milliseconds, that some other
/// writer appended, so that a node follows the shared log without polling it.
/// </summary>
public interface IAppendNotifyingLedgerStore : ILedgerStore
{
    /// <summary>Starts listening for appends to this ledger, on a connection of its own.</summary>
    Task<IAppendListener> ListenAsync(CancellationToken cancellation = default);
}

/// <summary>
/// Hears that the ledger grew. A notification is a hint to read the ledger, not the data: a
/// listener that reconnects reads from where it stopped, so a lost notification loses nothing.
/// </summary>
public interface IAppendListener : IAsyncDisposable
{
    /// <summary>
    /// Waits up to <paramref name="timeout"/> for an append; true if one came. When none came it
    /// checks that it still listens, so that a lost connection is found within the timeout:
    /// throws <see cref="LedgerStoreException"/> then.
    /// </summary>
    Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellation = default);
}
