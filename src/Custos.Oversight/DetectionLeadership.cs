using Custos.Ledger.Storage;
using Custos.Ledger.Storage.Postgres;

namespace Custos.Oversight;

/// <summary>
/// Which node runs detection when several share one PostgreSQL ledger: the one holding the
/// session lock <see cref="LockName"/> on its database. The others wait, trying for it every
/// <see cref="TryInterval"/>; when the leader dies its connection closes, PostgreSQL releases the
/// lock, and the next node to try takes over from where the ledger says detection stopped (the
/// store's position, as after a crash of a single node). On a ledger that is not shared this node
/// always leads.
/// </summary>
public sealed class DetectionLeadership(INodeLedger ledger)
{
    public const string LockName = "detection";

    /// <summary>How often a waiting node tries for the lock, and how often the leader checks that it still holds it.</summary>
    public static readonly TimeSpan TryInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Waits until this node leads; the term ends (its token is cancelled) when the lock is lost
    /// or <paramref name="cancellation"/> is.
    /// </summary>
    public async Task<Term> AcquireAsync(Action waiting, CancellationToken cancellation)
    {
        var log = await ledger.GetLogAsync(cancellation);
        if (log.Store is not PostgresLedgerStore shared)
        {
            return new Term(null, CancellationTokenSource.CreateLinkedTokenSource(cancellation));
        }
        while (true)
        {
            if (await shared.TryLockAsync(LockName, cancellation) is { } taken)
            {
                var term = new Term(taken, CancellationTokenSource.CreateLinkedTokenSource(cancellation));
                term.Watch();
                return term;
            }
            waiting();
            await Task.Delay(TryInterval, cancellation);
        }
    }

    /// <summary>This node's time as leader.</summary>
    public sealed class Term : IAsyncDisposable
    {
        private readonly PostgresSessionLock? _lock;
        private readonly CancellationTokenSource _ended;
        private Task _watching = Task.CompletedTask;

        internal Term(PostgresSessionLock? held, CancellationTokenSource ended)
        {
            _lock = held;
            _ended = ended;
        }

        /// <summary>Cancelled when the term ends: detection must then write nothing more.</summary>
        public CancellationToken Token => _ended.Token;

        /// <summary>Whether the term ended because the lock was lost (not because the node stops).</summary>
        public bool Lost { get; private set; }

        internal void Watch() => _watching = WatchAsync();

        private async Task WatchAsync()
        {
            try
            {
                while (!_ended.IsCancellationRequested)
                {
                    await Task.Delay(TryInterval, _ended.Token);
                    if (!await _lock!.IsHeldAsync(_ended.Token))
                    {
                        Lost = true;
                        await _ended.CancelAsync();
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The term ended.
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _ended.CancelAsync();
            await _watching;
            if (_lock is not null)
            {
                await _lock.DisposeAsync();
            }
            _ended.Dispose();
        }
    }
}
